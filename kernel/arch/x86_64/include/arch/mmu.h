/* SPDX-License-Identifier: MIT */
/*
 * Physical/virtual address translation for generic kernel code.
 *
 * Interface: phys_to_virt() and virt_to_phys() over the direct map, and
 * kernel_image_phys() for addresses inside the kernel image. Before
 * paging_init() switches to the kernel's own page tables, low physical
 * memory (below 4 GiB) is reachable only through the boot identity map;
 * boot_phys_to_virt() covers that window. User address spaces
 * (vspace.c): vspace_init_root() and vspace_map_4k() for boot, and the
 * entry-level hooks through which the mapping invocations walk and change
 * page tables without knowing their bits.
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

/*
 * Mapping invocations (obj/page_table.c, obj/frame.c) see the page-table
 * tree through these; the entry bits stay here and in vspace.c. An entry's
 * level is that of the table holding it: 3 in the PML4 (maps a PDPT), 2 in
 * a PDPT (a PD), 1 in a PD (a PT or a 2 MiB frame), 0 in a PT (a 4 KiB
 * frame); an entry of level l covers 2^vspace_level_shift(l) bytes.
 */
typedef uint64_t pte_t;

#define VSPACE_TOP_LEVEL 3

static inline unsigned vspace_level_shift(unsigned level)
{
    return 12 + 9 * level;
}

/* Index of the entry of `level` that covers va in its table. */
static inline unsigned vspace_index(uint64_t va, unsigned level)
{
    return (unsigned)(va >> vspace_level_shift(level)) & 511;
}

enum vspace_walk {
    VSPACE_FOUND,      /* *entry is the entry of that level covering va */
    VSPACE_NO_TABLE,   /* a table on the way is not mapped */
    VSPACE_LARGE_PAGE, /* a large page on the way covers va */
};

/* Walk the space rooted at pml4 down to the entry of `level` covering va. */
enum vspace_walk vspace_walk(void *pml4, uint64_t va, unsigned level, pte_t **entry);
int vspace_entry_present(pte_t e);
/* An entry of `level`: present, and maps (or points to the table at)
 * physical address pa. */
int vspace_entry_maps(pte_t e, unsigned level, paddr_t pa);
/* An entry of an intermediate table pointing to the table at pa:
 * present, writable, user; PWT/PCD from L4_VM_ATTRIBUTES_* bits. */
pte_t vspace_entry_table(paddr_t pa, unsigned vm_attributes);
/* A user entry of `level` (0: 4 KiB, 1: 2 MiB) mapping the frame at pa
 * with L4_VM_RIGHTS_* and L4_VM_ATTRIBUTES_* bits: writable only with
 * Write, no-execute unless Execute. */
pte_t vspace_entry_frame(paddr_t pa, unsigned level, unsigned vm_rights, unsigned vm_attributes);
pte_t vspace_entry_none(void);
/* The L4_VM_RIGHTS_* a present leaf entry grants. */
unsigned vspace_entry_rights(pte_t e);
/* Empty every entry of a PDPT, PD or PT. */
void vspace_clear_table(void *table);
/* After an entry of the space rooted at pml4 changed or went: drop what
 * the TLB may cache of va (whole: of the whole space, for a table). Only
 * the current space can be cached: every CR3 switch flushes the rest. */
void vspace_flush(const void *pml4, uint64_t va, int whole);
/* The PML4 is being destroyed: stop using it if it is loaded. */
void vspace_release_root(const void *pml4);

#define PTE_P         (1ull << 0)
#define PTE_W         (1ull << 1)
#define PTE_U         (1ull << 2)
#define PTE_PWT       (1ull << 3)
#define PTE_PCD       (1ull << 4)
#define PTE_PS        (1ull << 7)
#define PTE_PAT_4K    (1ull << 7)  /* PAT bit of a 4 KiB entry */
#define PTE_PAT_LARGE (1ull << 12) /* PAT bit of a 2 MiB entry */
#define PTE_G         (1ull << 8)
#define PTE_NX        (1ull << 63)
#define PTE_ADDR_MASK 0x000ffffffffff000ull

#endif
