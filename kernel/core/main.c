/* SPDX-License-Identifier: MIT */
/*
 * kernel_main(): the generic boot sequence.
 *
 * Order: arch early init (console, GDT/IDT, CPU protections) -> banner ->
 * parse and check the loader's information (bad input ends in boot_error()
 * with a clear line, never a fault) -> compute free memory -> switch to the
 * kernel's own page tables -> check the modules -> kernel_run().
 */
#include <api/fastpath.h>
#include <arch/layout.h>
#include <arch/mmu.h>
#include <core/arch_hooks.h>
#include <core/boot.h>
#include <core/bootinfo.h>
#include <core/console.h>
#include <core/panic.h>
#include <core/string.h>
#include <l4/elf.h>

struct mem_range boot_free[BOOT_MAX_RAM_RANGES];
unsigned boot_nfree;

static struct boot_info boot_info;

static void print_memory(const struct boot_info *bi)
{
    kprintf("memory: %u RAM ranges, %lu KiB RAM, %lu KiB free in %u ranges\n", bi->nram,
            (unsigned long)(memmap_total(bi->ram, bi->nram) >> 10),
            (unsigned long)(memmap_total(boot_free, boot_nfree) >> 10), boot_nfree);
    for (unsigned i = 0; i < boot_nfree; i++)
        kprintf("  free [%#011lx, %#011lx) %lu KiB\n", (unsigned long)boot_free[i].start,
                (unsigned long)boot_free[i].end,
                (unsigned long)((boot_free[i].end - boot_free[i].start) >> 10));
}

/* Take a range out of the free list; running out of slots is a boot error
 * (a loader map with that many holes is not one we can use). */
static void reserve(uint64_t start, uint64_t end, const char *what)
{
    int n = memmap_subtract(boot_free, boot_nfree, BOOT_MAX_RAM_RANGES, start,
                            (end + MEMMAP_PAGE - 1) & ~(MEMMAP_PAGE - 1));
    if (n < 0)
        boot_error("memory map too fragmented to reserve %s", what);
    boot_nfree = (unsigned)n;
}

static void check_memory(const struct boot_info *bi)
{
    uint64_t kstart, kend;
    arch_kernel_extent(&kstart, &kend);

    for (unsigned i = 0; i < bi->nram; i++)
        boot_free[i] = bi->ram[i];
    boot_nfree = bi->nram;
    reserve(0, 0x100000, "the first MiB");
    reserve(kstart, kend, "the kernel image");
    for (unsigned i = 0; i < bi->nmods; i++) {
        const struct boot_module *m = &bi->mods[i];
        if (!memmap_contains(bi->ram, bi->nram, m->start & ~(MEMMAP_PAGE - 1), m->end))
            boot_error("module %u (%s) at [%#lx, %#lx) lies outside RAM", i, m->cmdline,
                       (unsigned long)m->start, (unsigned long)m->end);
        if (m->start < kend && kstart < m->end)
            boot_error("module %u (%s) overlaps the kernel image", i, m->cmdline);
        reserve(m->start, m->end, "a module");
    }
    uint64_t free = memmap_total(boot_free, boot_nfree);
    if (free < BOOT_MIN_FREE_MEMORY)
        boot_error("no usable memory above 1 MiB beyond the kernel and modules: %lu KiB free, "
                   "%lu KiB needed",
                   (unsigned long)(free >> 10), (unsigned long)(BOOT_MIN_FREE_MEMORY >> 10));
}

static void check_modules(const struct boot_info *bi)
{
    for (unsigned i = 0; i < bi->nmods; i++)
        kprintf("module %u: [%#lx, %#lx) %6lu KiB  %s\n", i, (unsigned long)bi->mods[i].start,
                (unsigned long)bi->mods[i].end,
                (unsigned long)((bi->mods[i].end - bi->mods[i].start + 1023) >> 10),
                bi->mods[i].cmdline);
    if (bi->nmods == 0)
        boot_error("no root task module (the first multiboot module must be the root task)");
    const struct boot_module *root = &bi->mods[0];
    enum elf_error e = elf_check(phys_to_virt(root->start), root->end - root->start);
    if (e != ELF_OK)
        boot_error("module 0 (%s) is not a valid root task: %s", root->cmdline, elf_strerror(e));
}

void kernel_main(uint32_t magic, uint32_t info_pa)
{
    char err[128];

    arch_init_early();
    kprintf("Tessera %s (x86-64), %s\n", TESSERA_VERSION, arch_cpu_description());

    if (multiboot_parse(magic, info_pa, arch_boot_phys_map, &boot_info, err, sizeof err))
        boot_error("%s", err);
    kprintf("command line: \"%s\"\n", boot_info.cmdline);
    char word[8];
    if (!cmdline_get(boot_info.cmdline, "fastpath", word, sizeof word) &&
        !strncmp(word, "off", sizeof word)) {
        fastpath_enabled = 0;
        kprintf("fastpath: off (every syscall takes the full path)\n");
    }
    check_memory(&boot_info);

    arch_init_memory(boot_info.ram[boot_info.nram - 1].end);
    print_memory(&boot_info);
    check_modules(&boot_info);
    kernel_run(&boot_info);
}
