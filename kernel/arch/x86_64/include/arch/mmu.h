/* SPDX-License-Identifier: MIT */
/*
 * Physical/virtual address translation for generic kernel code.
 *
 * Interface: phys_to_virt() and virt_to_phys() over the direct map, and
 * kernel_image_phys() for addresses inside the kernel image. Before
 * paging_init() switches to the kernel's own page tables, low physical
 * memory (below 4 GiB) is reachable only through the boot identity map;
 * boot_phys_to_virt() covers that window.
 */
#ifndef ARCH_MMU_H
#define ARCH_MMU_H

#include <stdint.h>
#include <stddef.h>
#include <arch/layout.h>

typedef uint64_t paddr_t;

static inline void *phys_to_virt(paddr_t pa)
{
    return (void *)(uintptr_t)(PHYSMAP_BASE + pa);
}

/* Physical address of a direct-map address (what phys_to_virt() gave). */
static inline paddr_t virt_to_phys(const void *va)
{
    return (paddr_t)((uintptr_t)va - PHYSMAP_BASE);
}

static inline paddr_t kernel_image_phys(const void *va)
{
    return (paddr_t)((uintptr_t)va - KERNEL_VMA_BASE);
}

/* Boot identity window: 0 .. 4 GiB, valid until paging_init(). */
#define BOOT_IDENTITY_LIMIT 0x100000000ull

/* Build and load the kernel's page tables: image with W^X, direct map of
 * physical memory up to ram_end. Drops the boot identity map. */
void paging_init(paddr_t ram_end);

/* Look up the leaf entry mapping va in the current kernel tables; returns
 * the raw entry (0 if unmapped). Used by tests and debug output. */
uint64_t paging_lookup(uintptr_t va);

/* Physical address of the kernel's own PML4. */
paddr_t paging_kernel_root(void);

/* Map one page of device registers at physical pa, uncached; returns the
 * kernel address of pa. */
void *paging_map_device(paddr_t pa);

/* User address spaces (vspace.c). vm_rights are L4_VM_RIGHTS_* bits. */
void vspace_init_root(void *pml4);
/* Map the 4 KiB frame at pa at user address va of the space rooted at
 * pml4; missing tables come from alloc_table(level: 2 PDPT, 1 PD, 0 PT),
 * which returns a zeroed page in the direct map. Returns 0, or -1 if
 * something is mapped there already. For the kernel's own boot-time
 * construction of the root task; user requests come as invocations. */
int vspace_map_4k(void *pml4, uint64_t va, paddr_t pa, unsigned vm_rights,
                  void *(*alloc_table)(int level));

#define PTE_P         (1ull << 0)
#define PTE_W         (1ull << 1)
#define PTE_U         (1ull << 2)
#define PTE_PWT       (1ull << 3)
#define PTE_PCD       (1ull << 4)
#define PTE_PS        (1ull << 7)
#define PTE_G         (1ull << 8)
#define PTE_NX        (1ull << 63)
#define PTE_ADDR_MASK 0x000ffffffffff000ull

#endif
