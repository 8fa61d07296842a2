/* SPDX-License-Identifier: MIT */
/*
 * User-level tests of mapping memory (docs/kernel/address-spaces.md):
 * page tables and frames mapped into the root task's own VSpace at test
 * addresses (vspace_util.h), then used: written and read, shared through
 * a copied capability, unmapped, remapped with fewer rights, mapped
 * executable or not, as a 2 MiB page, with caching attributes, and from
 * device memory; FrameGetAddress; the mappings the root task got at boot.
 * Whether an address is reachable is observed by a probe thread, never by
 * the test itself. The documented errors are in test_vspace_errors.c,
 * deletion and address-space ids in test_vspace_life.c.
 */
#include "vspace_util.h"

UTEST(vspace_map_write_read, "a PDPT, PD and PT mapped into the VSpace and a frame mapped "
                             "read-write: what the test writes there a probe thread reads")
{
    struct vs_tables t;
    uint64_t va = VA(0) + 3 * GIB1 + 5 * MIB2 + 7 * KIB4;
    vs_tables(VS, va, &t);
    if (ut_failed())
        return;
    UT_ASSERT(vs_frame(VS, va, RW));
    volatile uint64_t *p = (volatile uint64_t *)va;
    UT_EQ(p[0], 0); /* frames arrive zeroed */
    p[0] = 0x1234abcd;
    p[511] = 0x77;
    UT_EQ(p[0], 0x1234abcd);
    VS_EXPECT_READ(va, 0x1234abcd);
    VS_EXPECT_READ(va + 511 * 8, 0x77);
    UT_EQ(l4_debug_check_invariants(), 0);
}

UTEST(vspace_tables_cover_their_reach, "a PD covers 1 GiB and a PT 2 MiB: a second PT in the same "
                                       "GiB needs no new PD, a frame anywhere in the PT's 2 MiB "
                                       "maps")
{
    struct vs_tables t;
    uint64_t va = VA(1);
    vs_tables(VS, va + 123 * KIB4, &t); /* rounded down to each table's reach */
    if (ut_failed())
        return;
    l4_cptr_t pt2 = ut_new(L4_OBJECT_PT, 0);
    UT_ASSERT(pt2);
    UT_OK(l4_page_table_map(pt2, VS, va + GIB1 - MIB2, NOATTR));
    UT_ASSERT(vs_frame(VS, va, RW));
    UT_ASSERT(vs_frame(VS, va + MIB2 - KIB4, RW));
    UT_ASSERT(vs_frame(VS, va + GIB1 - KIB4, RW));
    *(volatile uint64_t *)(va + GIB1 - KIB4) = 9;
    VS_EXPECT_READ(va + GIB1 - KIB4, 9);
}

UTEST(vspace_shared_memory, "a frame and a copy of its capability mapped at two addresses are "
                            "the same memory")
{
    struct vs_tables t;
    uint64_t a = VA(2), b = VA(2) + 40 * KIB4;
    vs_tables(VS, a, &t);
    if (ut_failed())
        return;
    l4_cptr_t f = vs_frame(VS, a, RW);
    UT_ASSERT(f);
    l4_cptr_t c = ut_copy(f, ALL);
    UT_ASSERT(c);
    UT_OK(l4_frame_map(c, VS, b, RW, NOATTR));
    *(volatile uint64_t *)a = 0xfeed;
    UT_EQ(*(volatile uint64_t *)b, 0xfeed);
    *(volatile uint64_t *)(b + 8) = 0xbeef;
    UT_EQ(*(volatile uint64_t *)(a + 8), 0xbeef);
    VS_EXPECT_READ(b + 8, 0xbeef);
    UT_EQ(l4_debug_check_invariants(), 0);
}

UTEST(vspace_unmap_suspends_toucher, "after FrameUnmap a thread without a fault handler that "
                                     "reads the address is stopped by the kernel at that read")
{
    struct vs_tables t;
    uint64_t va = VA(3);
    vs_tables(VS, va, &t);
    if (ut_failed())
        return;
    l4_cptr_t f = vs_frame(VS, va, RW);
    UT_ASSERT(f);
    *(volatile uint64_t *)va = 1; /* the translation is in the TLB now */
    UT_OK(l4_frame_unmap(f));
    UT_ASSERT(vs_touch_suspends(va));
    UT_OK(l4_frame_unmap(f)); /* holds none now: no effect */
    UT_EQ(l4_debug_check_invariants(), 0);
}

UTEST(vspace_unmap_then_map_again, "FrameUnmap makes the address fault (not present) and frees "
                                   "the capability to map the frame again, with its contents")
{
    struct vs_tables t;
    uint64_t va = VA(4);
    vs_tables(VS, va, &t);
    if (ut_failed())
        return;
    l4_cptr_t f = vs_frame(VS, va, RW);
    UT_ASSERT(f);
    *(volatile uint64_t *)va = 0xabc;
    UT_OK(l4_frame_unmap(f));
    VS_EXPECT_FAULT(VS_READ, va, PF_USER);
    UT_OK(l4_frame_map(f, VS, va + KIB4, RO, NOATTR));
    VS_EXPECT_READ(va + KIB4, 0xabc);
    VS_EXPECT_FAULT(VS_READ, va, PF_USER);
}

UTEST(vspace_remap_read_only, "FrameRemap to read-only: a write faults (present, write), a read "
                              "still works; remapping read-write restores writes")
{
    struct vs_tables t;
    uint64_t va = VA(5);
    vs_tables(VS, va, &t);
    if (ut_failed())
        return;
    l4_cptr_t f = vs_frame(VS, va, RW);
    UT_ASSERT(f);
    *(volatile uint64_t *)va = 42; /* writable translation cached */
    UT_OK(l4_frame_remap(f, RO, NOATTR));
    VS_EXPECT_FAULT(VS_WRITE, va, PF_PRESENT | PF_WRITE | PF_USER);
    VS_EXPECT_READ(va, 42);
    UT_OK(l4_frame_remap(f, RW, NOATTR));
    struct vs_probe p = vs_probe(VS_WRITE, va, 0x5eed);
    UT_OK(p.status);
    UT_EQ(p.faulted, 0);
    UT_EQ(*(volatile uint64_t *)va, 0x5eed);
    UT_EQ(l4_debug_check_invariants(), 0);
}

UTEST(vspace_rights_masked_by_capability, "a frame capability without Write maps read-only even "
                                          "if read-write is asked; one without Read cannot map")
{
    struct vs_tables t;
    uint64_t va = VA(6);
    vs_tables(VS, va, &t);
    if (ut_failed())
        return;
    l4_cptr_t f = ut_new(L4_OBJECT_FRAME_4K, 0);
    UT_ASSERT(f);
    l4_cptr_t ro = ut_copy(f, L4_CAP_RIGHTS_READ);
    l4_cptr_t wo = ut_copy(f, L4_CAP_RIGHTS_WRITE);
    UT_ASSERT(ro && wo);
    UT_OK(l4_frame_map(ro, VS, va, RW, NOATTR));
    VS_EXPECT_READ(va, 0);
    VS_EXPECT_FAULT(VS_WRITE, va, PF_PRESENT | PF_WRITE | PF_USER);
    UT_OK(l4_frame_remap(ro, RW, NOATTR)); /* still masked */
    VS_EXPECT_FAULT(VS_WRITE, va, PF_PRESENT | PF_WRITE | PF_USER);
    UT_ERR(l4_frame_map(wo, VS, va + KIB4, RW, NOATTR), L4_INVALID_ARGUMENT);
    UT_EQ(l4_get_mr(0), L4_ARG_FRAME_MAP_RIGHTS);
    UT_EQ(l4_debug_check_invariants(), 0);
}

UTEST(vspace_execute_right, "a mapping is no-execute unless Execute is asked: a call into it "
                            "faults (present, fetch); after a remap with Execute it runs")
{
    struct vs_tables t;
    uint64_t va = VA(7);
    vs_tables(VS, va, &t);
    if (ut_failed())
        return;
    l4_cptr_t f = vs_frame(VS, va, RW);
    UT_ASSERT(f);
    *(volatile uint8_t *)va = 0xc3; /* ret */
    VS_EXPECT_FAULT(VS_EXEC, va, PF_PRESENT | PF_USER | PF_FETCH);
    UT_OK(l4_frame_remap(f, RX, NOATTR));
    struct vs_probe p = vs_probe(VS_EXEC, va, 0);
    UT_OK(p.status);
    UT_EQ(p.faulted, 0);
}

UTEST(vspace_frame_2m, "a 2 MiB frame maps in a PD at a 2 MiB boundary; its first and last "
                       "words are one memory with the test's view; unmapped it faults")
{
    /* the frame's own 2 MiB untyped first, at offset 0 of the test's
     * 4 MiB: the tables and probe threads then fit in the other half */
    l4_cptr_t u = ut_new(L4_OBJECT_UNTYPED, 21);
    UT_ASSERT(u);
    l4_cptr_t big = ut_retype(u, L4_OBJECT_FRAME_2M, 0);
    UT_ASSERT(big);
    l4_cptr_t pdpt = ut_new(L4_OBJECT_PDPT, 0), pd = ut_new(L4_OBJECT_PD, 0);
    UT_ASSERT(pdpt && pd);
    uint64_t va = VA(8) + 7 * MIB2;
    UT_OK(l4_page_table_map(pdpt, VS, va, NOATTR));
    UT_OK(l4_page_table_map(pd, VS, va, NOATTR));
    UT_ERR(l4_frame_map(big, VS, va + KIB4, RW, NOATTR), L4_ALIGNMENT_ERROR);
    UT_ERR(l4_frame_map(big, VS, va + MIB2 / 2, RW, NOATTR), L4_ALIGNMENT_ERROR);
    UT_OK(l4_frame_map(big, VS, va, RW, NOATTR));
    volatile uint64_t *p = (volatile uint64_t *)va;
    UT_EQ(p[MIB2 / 8 - 1], 0);
    p[0] = 0x2222;
    p[MIB2 / 8 - 1] = 0x3333;
    VS_EXPECT_READ(va, 0x2222);
    VS_EXPECT_READ(va + MIB2 - 8, 0x3333);
    l4_word_t pa = 0;
    UT_OK(l4_frame_get_address(big, &pa));
    UT_EQ(pa & (MIB2 - 1), 0);
    UT_OK(l4_frame_unmap(big));
    VS_EXPECT_FAULT(VS_READ, va + MIB2 - 8, PF_USER);
    UT_EQ(l4_debug_check_invariants(), 0);
}

UTEST(vspace_get_address, "FrameGetAddress: the same for two capabilities of one frame, "
                          "different for different frames, page-aligned, mapped or not")
{
    l4_cptr_t f = ut_new(L4_OBJECT_FRAME_4K, 0), g = ut_new(L4_OBJECT_FRAME_4K, 0);
    UT_ASSERT(f && g);
    l4_cptr_t c = ut_copy(f, L4_CAP_RIGHTS_READ);
    UT_ASSERT(c);
    l4_word_t pf = 0, pc = 0, pg = 0;
    UT_OK(l4_frame_get_address(f, &pf));
    UT_OK(l4_frame_get_address(c, &pc));
    UT_OK(l4_frame_get_address(g, &pg));
    UT_EQ(pf, pc);
    UT_ASSERT(pf != pg);
    UT_EQ(pf & (KIB4 - 1), 0);
    UT_EQ(pg & (KIB4 - 1), 0);
    /* consecutive objects of one retype lie next to each other */
    UT_EQ(pg, pf + KIB4);
    struct vs_tables t;
    vs_tables(VS, VA(9), &t);
    if (ut_failed())
        return;
    UT_OK(l4_frame_map(c, VS, VA(9), RO, NOATTR));
    l4_word_t again = 0;
    UT_OK(l4_frame_get_address(c, &again));
    UT_EQ(again, pf);
}

UTEST(vspace_cache_attributes, "tables and frames map with write-through, uncached and PAT "
                               "attributes, and the memory still reads back")
{
    l4_cptr_t pdpt = ut_new(L4_OBJECT_PDPT, 0), pd = ut_new(L4_OBJECT_PD, 0);
    l4_cptr_t pt = ut_new(L4_OBJECT_PT, 0);
    UT_ASSERT(pdpt && pd && pt);
    uint64_t va = VA(10);
    UT_OK(l4_page_table_map(pdpt, VS, va, L4_VM_ATTRIBUTES_WRITE_THROUGH));
    UT_OK(l4_page_table_map(pd, VS, va, L4_VM_ATTRIBUTES_CACHE_DISABLED));
    UT_OK(l4_page_table_map(pt, VS, va, NOATTR));
    l4_cptr_t f = ut_new(L4_OBJECT_FRAME_4K, 0);
    UT_ASSERT(f);
    UT_OK(l4_frame_map(f, VS, va, RW,
                       L4_VM_ATTRIBUTES_CACHE_DISABLED | L4_VM_ATTRIBUTES_WRITE_THROUGH));
    *(volatile uint64_t *)va = 0xcafe;
    VS_EXPECT_READ(va, 0xcafe);
    UT_OK(l4_frame_remap(f, RW, L4_VM_ATTRIBUTES_PAT));
    UT_EQ(*(volatile uint64_t *)va, 0xcafe);
    UT_OK(l4_frame_remap(f, RW, NOATTR));
    UT_EQ(*(volatile uint64_t *)va, 0xcafe);
}

UTEST(vspace_device_frame, "a frame from device untyped gives its device address and maps "
                           "uncached without the kernel touching it")
{
    const struct l4_boot_info *bi = ut_boot_info();
    l4_word_t dev = L4_BOOTINFO_MAX_UNTYPED;
    for (l4_word_t i = 0; i < bi->num_untyped && i < bi->untyped.count; i++)
        if (bi->untyped_list[i].is_device && bi->untyped_list[i].size_bits >= 12) {
            dev = i;
            break;
        }
    UT_ASSERT(dev < L4_BOOTINFO_MAX_UNTYPED);
    l4_cptr_t ut = bi->untyped.first + dev;
    UT_ERR(l4_untyped_retype(ut, L4_OBJECT_PT, 0, UT_CNODE, 0, 0, ut_slot(), 1),
           L4_ILLEGAL_OPERATION);
    l4_cptr_t f = ut_retype(ut, L4_OBJECT_FRAME_4K, 0);
    UT_ASSERT(f);
    l4_word_t pa = 0;
    UT_OK(l4_frame_get_address(f, &pa));
    UT_EQ(pa, bi->untyped_list[dev].paddr); /* the first object of an unused untyped */
    struct vs_tables t;
    vs_tables(VS, VA(11), &t);
    if (ut_failed())
        return;
    UT_OK(l4_frame_map(f, VS, VA(11), RW, L4_VM_ATTRIBUTES_CACHE_DISABLED));
    UT_EQ(l4_debug_check_invariants(), 0);
    UT_OK(l4_frame_unmap(f));
    UT_OK(ut_delete(f)); /* the boot untyped is free again for later tests */
}

UTEST(vspace_boot_mappings_recorded, "the root task's boot frames and page tables hold their "
                                     "boot mappings: mapping them again is IllegalOperation, a "
                                     "copy of the boot-info frame maps and shows the boot info")
{
    const struct l4_boot_info *bi = ut_boot_info();
    UT_ERR(l4_frame_map(L4_ROOT_SLOT_BOOTINFO, VS, VA(12), RO, NOATTR), L4_ILLEGAL_OPERATION);
    UT_ERR(l4_frame_map(L4_ROOT_SLOT_IPC_BUFFER, VS, VA(12), RO, NOATTR), L4_ILLEGAL_OPERATION);
    UT_ERR(l4_frame_map(bi->image_frames.first, VS, VA(12), RO, NOATTR), L4_ILLEGAL_OPERATION);
    UT_ASSERT(bi->page_tables.count >= 3);
    UT_ERR(l4_page_table_map(bi->page_tables.first, VS, VA(12), NOATTR), L4_ILLEGAL_OPERATION);
    struct vs_tables t;
    vs_tables(VS, VA(12), &t);
    if (ut_failed())
        return;
    l4_cptr_t c = ut_copy(L4_ROOT_SLOT_BOOTINFO, L4_CAP_RIGHTS_READ);
    UT_ASSERT(c);
    UT_OK(l4_frame_map(c, VS, VA(12), RO, NOATTR));
    UT_EQ(((volatile const struct l4_boot_info *)VA(12))->magic, L4_BOOTINFO_MAGIC);
    l4_word_t a = 0, b = 0;
    UT_OK(l4_frame_get_address(c, &a));
    UT_OK(l4_frame_get_address(L4_ROOT_SLOT_BOOTINFO, &b));
    UT_EQ(a, b);
    UT_EQ(l4_debug_check_invariants(), 0);
    UT_OK(ut_delete(c)); /* a boot frame's copy: not destroyed with the test's untyped */
    VS_EXPECT_FAULT(VS_READ, VA(12), PF_USER);
    UT_EQ(((volatile const struct l4_boot_info *)L4_ROOT_BOOTINFO_VADDR)->magic,
          L4_BOOTINFO_MAGIC); /* the original mapping stays */
}
