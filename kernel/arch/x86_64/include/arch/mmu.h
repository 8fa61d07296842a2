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

#define PTE_P         (1ull << 0)
#define PTE_W         (1ull << 1)
#define PTE_U         (1ull << 2)
#define PTE_PS        (1ull << 7)
#define PTE_G         (1ull << 8)
#define PTE_NX        (1ull << 63)
#define PTE_ADDR_MASK 0x000ffffffffff000ull

#endif
