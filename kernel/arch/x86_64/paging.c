/* SPDX-License-Identifier: MIT */
/*
 * The kernel's own page tables.
 *
 * Interface: paging_init() builds a fresh PML4 with
 *   - the kernel image at -2 GiB in 4 KiB pages: text read-only+executable,
 *     rodata read-only+NX, data and bss writable+NX (W^X), all global,
 *     except the guard page below the kernel stack, left unmapped;
 *   - a direct map of physical memory at PHYSMAP_BASE in 2 MiB pages,
 *     writable+NX, global;
 * and loads it, which drops the boot identity map. Nothing is mapped for
 * user mode. Page-table pages come from a fixed pool in .bss, because the
 * kernel has no heap; the pool is sized for PHYSMAP_MAX.
 * paging_lookup() walks the current tables (for tests and diagnostics);
 * paging_map_device() maps a page of device registers uncached;
 * paging_kernel_root() is the physical address of the kernel's PML4, whose
 * upper half every user address space shares (vspace.c).
 */
#include <arch/cpu.h>
#include <arch/mmu.h>
#include <core/panic.h>
#include <core/string.h>

/* PML4 + 2 PDPTs + PDs for 64 GiB of direct map + PD and PTs for a 16 MiB image
 * + PD and PT for device mappings */
#define POOL_PAGES (1 + 2 + PHYSMAP_MAX / 0x40000000 + 1 + 8 + 2)

/* Device registers (local APIC, later IOAPIC) are mapped uncached, one page
 * each, from here up: the top 2 MiB of the address space. */
#define DEVICE_VA_BASE  0xffffffffffe00000ull
#define DEVICE_VA_PAGES 16

static uint64_t pool[POOL_PAGES][512] __attribute__((aligned(PAGE_SIZE)));
static unsigned pool_used;
static uint64_t *kernel_pml4;

extern char __text_start[], __text_end[], __rodata_start[], __rodata_end[];
extern char __data_start[], __bss_end[], boot_stack_guard[];

static uint64_t *table_alloc(void)
{
    if (pool_used == POOL_PAGES)
        panic("paging: page-table pool exhausted");
    return pool[pool_used++];
}

static uint64_t table_phys(const uint64_t *t)
{
    return kernel_image_phys(t);
}

/* Return the table that entry `idx` of `t` points to, creating it if needed.
 * Tables are reached through their kernel-image address (they live in bss). */
static uint64_t *next_table(uint64_t *t, unsigned idx)
{
    if (!(t[idx] & PTE_P)) {
        uint64_t *n = table_alloc();
        t[idx] = table_phys(n) | PTE_P | PTE_W;
        return n;
    }
    KASSERT(!(t[idx] & PTE_PS));
    return (uint64_t *)(uintptr_t)((t[idx] & PTE_ADDR_MASK) + KERNEL_VMA_BASE);
}

static unsigned idx(uintptr_t va, int level)
{
    return (va >> (12 + 9 * level)) & 511;
}

static void map_4k(uintptr_t va, uint64_t pa, uint64_t flags)
{
    uint64_t *pdpt = next_table(kernel_pml4, idx(va, 3));
    uint64_t *pd = next_table(pdpt, idx(va, 2));
    uint64_t *pt = next_table(pd, idx(va, 1));
    pt[idx(va, 0)] = pa | flags | PTE_P;
}

static void map_2m(uintptr_t va, uint64_t pa, uint64_t flags)
{
    uint64_t *pdpt = next_table(kernel_pml4, idx(va, 3));
    uint64_t *pd = next_table(pdpt, idx(va, 2));
    pd[idx(va, 1)] = pa | flags | PTE_P | PTE_PS;
}

static void map_image_range(const char *start, const char *end, uint64_t flags)
{
    for (uintptr_t va = (uintptr_t)start; va < (uintptr_t)end; va += PAGE_SIZE)
        map_4k(va, kernel_image_phys((void *)va), flags | PTE_G);
}

void paging_init(paddr_t ram_end)
{
    kernel_pml4 = table_alloc();

    map_image_range(__text_start, __text_end, 0);
    map_image_range(__rodata_start, __rodata_end, PTE_NX);
    map_image_range(__data_start, boot_stack_guard, PTE_W | PTE_NX);
    map_image_range(boot_stack_guard + PAGE_SIZE, __bss_end, PTE_W | PTE_NX);

    if (ram_end > PHYSMAP_MAX)
        ram_end = PHYSMAP_MAX;
    for (paddr_t pa = 0; pa < ram_end; pa += LARGE_PAGE_SIZE)
        map_2m(PHYSMAP_BASE + pa, pa, PTE_W | PTE_NX | PTE_G);

    write_cr3(table_phys(kernel_pml4));
}

uint64_t paging_lookup(uintptr_t va)
{
    const uint64_t *t = phys_to_virt(read_cr3() & PTE_ADDR_MASK);
    for (int level = 3; level >= 0; level--) {
        uint64_t e = t[idx(va, level)];
        if (!(e & PTE_P) || level == 0 || (e & PTE_PS))
            return e;
        t = phys_to_virt(e & PTE_ADDR_MASK);
    }
    return 0;
}

paddr_t paging_kernel_root(void)
{
    return table_phys(kernel_pml4);
}

void *paging_map_device(paddr_t pa)
{
    static unsigned used;
    if (used == DEVICE_VA_PAGES)
        panic("paging: out of device mapping slots");
    uintptr_t va = DEVICE_VA_BASE + (uintptr_t)used++ * PAGE_SIZE;
    map_4k(va, pa & PTE_ADDR_MASK, PTE_W | PTE_NX | PTE_G | PTE_PCD | PTE_PWT);
    invlpg(va);
    return (void *)(va + (pa & (PAGE_SIZE - 1)));
}
