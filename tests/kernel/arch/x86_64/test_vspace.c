/* SPDX-License-Identifier: MIT */
/*
 * In-kernel tests of the page-table hooks the mapping invocations use
 * (kernel/arch/x86_64/vspace.c): the bits of table and frame entries
 * (user, writable only with Write, NX unless Execute, PWT/PCD, the PAT bit
 * at bit 7 of a 4 KiB entry and bit 12 of a 2 MiB one), recognising the
 * object an entry maps, and walks over a small tree in kernel memory.
 */
#include <arch/mmu.h>
#include <l4/abi_gen.h>
#include "../../ktest.h"

#define R   L4_VM_RIGHTS_READ
#define W   L4_VM_RIGHTS_WRITE
#define X   L4_VM_RIGHTS_EXECUTE
#define WT  L4_VM_ATTRIBUTES_WRITE_THROUGH
#define CD  L4_VM_ATTRIBUTES_CACHE_DISABLED
#define PAT L4_VM_ATTRIBUTES_PAT

KTEST(vspace_frame_entry_bits, "frame entries: present and user; writable only with Write; NX "
                               "unless Execute; PS for 2 MiB; caching bits where x86 wants them")
{
    const paddr_t pa = 0x12345000, big = 0x40200000;
    pte_t e = vspace_entry_frame(pa, 0, R | W, 0);
    KT_EQ(e, pa | PTE_P | PTE_U | PTE_W | PTE_NX);
    e = vspace_entry_frame(pa, 0, R | X, 0);
    KT_EQ(e, pa | PTE_P | PTE_U);
    e = vspace_entry_frame(pa, 0, R, WT | CD | PAT);
    KT_EQ(e, pa | PTE_P | PTE_U | PTE_NX | PTE_PWT | PTE_PCD | PTE_PAT_4K);
    e = vspace_entry_frame(big, 1, R | W, PAT);
    KT_EQ(e, big | PTE_P | PTE_U | PTE_W | PTE_NX | PTE_PS | PTE_PAT_LARGE);
    KT_EQ(vspace_entry_rights(vspace_entry_frame(pa, 0, R | W | X, 0)), R | W | X);
    KT_EQ(vspace_entry_rights(vspace_entry_frame(big, 1, R, 0)), R);
    KT_ASSERT(!vspace_entry_present(vspace_entry_none()));
}

KTEST(vspace_table_entry_bits, "table entries: present, writable, user, executable (the leaf "
                               "decides), PWT/PCD but never PAT")
{
    pte_t e = vspace_entry_table(0x7000, 0);
    KT_EQ(e, 0x7000 | PTE_P | PTE_W | PTE_U);
    e = vspace_entry_table(0x7000, WT | CD | PAT);
    KT_EQ(e, 0x7000 | PTE_P | PTE_W | PTE_U | PTE_PWT | PTE_PCD);
}

KTEST(vspace_entry_maps_object, "an entry is recognised by the address it maps, whatever its PAT "
                                "bit, at its level")
{
    const paddr_t odd = 0x12345000; /* bit 12 set */
    pte_t e = vspace_entry_frame(odd, 0, R, PAT);
    KT_ASSERT(vspace_entry_maps(e, 0, odd));
    KT_ASSERT(!vspace_entry_maps(e, 0, odd - 0x1000));
    pte_t big = vspace_entry_frame(0x40200000, 1, R, PAT);
    KT_ASSERT(vspace_entry_maps(big, 1, 0x40200000));
    KT_ASSERT(!vspace_entry_maps(big, 1, 0x40201000));
    KT_ASSERT(vspace_entry_maps(vspace_entry_table(odd, 0), 1, odd));
    KT_ASSERT(!vspace_entry_maps(vspace_entry_none(), 0, 0));
}

static pte_t tree[4][512] __attribute__((aligned(4096)));

KTEST(vspace_walk_levels, "a walk finds the entry of each level, stops at a missing table and "
                          "at a 2 MiB page above the level asked")
{
    pte_t *pml4 = tree[0], *pdpt = tree[1], *pd = tree[2], *pt = tree[3], *e = 0;
    for (int i = 0; i < 4; i++)
        vspace_clear_table(tree[i]);
    const uint64_t va = 0x0000200000000000ull + (3ull << 30) + (5ull << 21) + (7ull << 12);
    KT_EQ(vspace_walk(pml4, va, 3, &e), VSPACE_FOUND);
    KT_ASSERT(e == &pml4[64]);
    KT_EQ(vspace_walk(pml4, va, 2, &e), VSPACE_NO_TABLE);
    pml4[64] = vspace_entry_table(kernel_image_phys(pdpt), 0);
    KT_EQ(vspace_walk(pml4, va, 2, &e), VSPACE_FOUND);
    KT_EQ(virt_to_phys(e), kernel_image_phys(&pdpt[3])); /* through the direct map */
    KT_EQ(vspace_walk(pml4, va, 0, &e), VSPACE_NO_TABLE);
    pdpt[3] = vspace_entry_table(kernel_image_phys(pd), 0);
    pd[5] = vspace_entry_frame(0x40000000, 1, R, 0);
    KT_EQ(vspace_walk(pml4, va, 1, &e), VSPACE_FOUND);
    KT_EQ(virt_to_phys(e), kernel_image_phys(&pd[5]));
    KT_EQ(vspace_walk(pml4, va, 0, &e), VSPACE_LARGE_PAGE);
    pd[5] = vspace_entry_table(kernel_image_phys(pt), 0);
    KT_EQ(vspace_walk(pml4, va, 0, &e), VSPACE_FOUND);
    KT_EQ(virt_to_phys(e), kernel_image_phys(&pt[7]));
    vspace_clear_table(pd);
    KT_EQ(vspace_walk(pml4, va, 0, &e), VSPACE_NO_TABLE);
}
