/* SPDX-License-Identifier: MIT */
/* In-kernel tests: what kernel_main() made of the boot input. */
#include <arch/layout.h>
#include <arch/mmu.h>
#include <core/arch_hooks.h>
#include <core/boot.h>
#include <core/string.h>
#include <l4/elf.h>
#include "ktest.h"

KTEST(boot_free_memory_in_ram, "every free range lies inside RAM the loader reported")
{
    const struct boot_info *bi = ktest_boot_info;
    KT_ASSERT(boot_nfree > 0);
    for (unsigned i = 0; i < boot_nfree; i++)
        KT_ASSERT(memmap_contains(bi->ram, bi->nram, boot_free[i].start, boot_free[i].end));
}

KTEST(boot_free_memory_excludes_reserved, "free memory excludes the first MiB, kernel and modules")
{
    const struct boot_info *bi = ktest_boot_info;
    uint64_t ks, ke;
    arch_kernel_extent(&ks, &ke);
    for (unsigned i = 0; i < boot_nfree; i++) {
        const struct mem_range *f = &boot_free[i];
        KT_ASSERT(f->start >= 0x100000);
        KT_ASSERT(f->end <= ks || f->start >= ke);
        for (unsigned m = 0; m < bi->nmods; m++)
            KT_ASSERT(f->end <= bi->mods[m].start || f->start >= bi->mods[m].end);
        KT_EQ(f->start % PAGE_SIZE, 0);
        KT_EQ(f->end % PAGE_SIZE, 0);
    }
}

KTEST(boot_free_memory_sorted, "free ranges are sorted and disjoint")
{
    for (unsigned i = 1; i < boot_nfree; i++)
        KT_ASSERT(boot_free[i - 1].end < boot_free[i].start);
}

KTEST(boot_free_memory_enough, "at least BOOT_MIN_FREE_MEMORY is free")
{
    KT_ASSERT(memmap_total(boot_free, boot_nfree) >= BOOT_MIN_FREE_MEMORY);
}

KTEST(boot_root_module_valid, "module 0 is a valid ELF64 root task, readable via the direct map")
{
    const struct boot_info *bi = ktest_boot_info;
    KT_ASSERT(bi->nmods >= 1);
    const struct boot_module *m = &bi->mods[0];
    KT_EQ(elf_check(phys_to_virt(m->start), m->end - m->start), ELF_OK);
}

KTEST(boot_cmdline_copied, "the kernel command line was copied and can be searched")
{
    char v[32];
    KT_EQ(cmdline_get(ktest_boot_info->cmdline, "ktest.marker", v, sizeof v), 0);
    KT_EQ(strncmp(v, "42", 3), 0);
}

KTEST(format_in_kernel, "kernel formatting works in the SSE-free kernel build")
{
    char buf[48];
    int n = ksnprintf(buf, sizeof buf, "%s|%5d|%-4x|%#lx|%c", "ab", -12, 0xbeu, 0x1000ul, 'z');
    KT_EQ(n, 22);
    KT_EQ(strncmp(buf, "ab|  -12|be  |0x1000|z", sizeof buf), 0);
}
