/* SPDX-License-Identifier: MIT */
/*
 * User-level tests of the documented errors of PageTableMap,
 * PageTableUnmap, FrameMap, FrameRemap and FrameUnmap
 * (libl4/spec/invocations.toml), with their detail words, and that a
 * failed invocation changes nothing: after each error the same
 * invocation, corrected, succeeds.
 */
#include "vspace_util.h"

#define TOP L4_USER_TOP

UTEST(vspace_table_map_errors, "PageTableMap: InvalidCapability (vspace not a PML4, detail 0), "
                               "InvalidArgument (vaddr not below user_top, detail 1), "
                               "FailedLookup (level above missing)")
{
    l4_cptr_t pdpt = ut_new(L4_OBJECT_PDPT, 0), pd = ut_new(L4_OBJECT_PD, 0);
    l4_cptr_t pt = ut_new(L4_OBJECT_PT, 0), ep = ut_new(L4_OBJECT_ENDPOINT, 0);
    UT_ASSERT(pdpt && pd && pt && ep);
    uint64_t va = VA(20);
    UT_ERR(l4_page_table_map(pd, ep, va, NOATTR), L4_INVALID_CAPABILITY);
    UT_EQ(l4_get_mr(0), L4_ARG_PAGE_TABLE_MAP_VSPACE);
    UT_ERR(l4_page_table_map(pd, pdpt, va, NOATTR), L4_INVALID_CAPABILITY);
    UT_ERR(l4_page_table_map(pd, ut_slot(), va, NOATTR), L4_INVALID_CAPABILITY);
    UT_EQ(l4_get_mr(0), L4_ARG_PAGE_TABLE_MAP_VSPACE);
    UT_ERR(l4_page_table_map(pdpt, VS, TOP, NOATTR), L4_INVALID_ARGUMENT);
    UT_EQ(l4_get_mr(0), L4_ARG_PAGE_TABLE_MAP_VADDR);
    UT_ERR(l4_page_table_map(pdpt, VS, ~UINT64_C(0), NOATTR), L4_INVALID_ARGUMENT);
    UT_ERR(l4_page_table_map(pd, VS, va, NOATTR), L4_FAILED_LOOKUP);
    UT_ERR(l4_page_table_map(pt, VS, va, NOATTR), L4_FAILED_LOOKUP);
    UT_OK(l4_page_table_map(pdpt, VS, va, NOATTR));
    UT_ERR(l4_page_table_map(pt, VS, va, NOATTR), L4_FAILED_LOOKUP);
    UT_OK(l4_page_table_map(pd, VS, va, NOATTR));
    UT_OK(l4_page_table_map(pt, VS, va, NOATTR));
    UT_EQ(l4_debug_check_invariants(), 0);
}

UTEST(vspace_table_map_occupied, "PageTableMap: IllegalOperation for a table already mapped "
                                 "(also through a copy), DeleteFirst where a table or a 2 MiB "
                                 "frame is")
{
    struct vs_tables t;
    uint64_t va = VA(21);
    vs_tables(VS, va, &t);
    if (ut_failed())
        return;
    UT_ERR(l4_page_table_map(t.pt, VS, va + MIB2, NOATTR), L4_ILLEGAL_OPERATION);
    l4_cptr_t copy = ut_copy(t.pt, ALL);
    UT_ASSERT(copy);
    UT_ERR(l4_page_table_map(copy, VS, va + MIB2, NOATTR), L4_ILLEGAL_OPERATION);
    l4_cptr_t pdpt2 = ut_new(L4_OBJECT_PDPT, 0), pd2 = ut_new(L4_OBJECT_PD, 0);
    l4_cptr_t pt2 = ut_new(L4_OBJECT_PT, 0);
    UT_ASSERT(pdpt2 && pd2 && pt2);
    UT_ERR(l4_page_table_map(pdpt2, VS, va + GIB1, NOATTR), L4_DELETE_FIRST);
    UT_ERR(l4_page_table_map(pdpt2, VS, 0x400000, NOATTR), L4_DELETE_FIRST); /* the image's */
    UT_ERR(l4_page_table_map(pd2, VS, va + MIB2, NOATTR), L4_DELETE_FIRST);
    UT_ERR(l4_page_table_map(pt2, VS, va + KIB4, NOATTR), L4_DELETE_FIRST);
    UT_OK(l4_page_table_map(pt2, VS, va + MIB2, NOATTR));
    UT_EQ(l4_debug_check_invariants(), 0);
}

UTEST(vspace_table_map_over_large_frame, "PageTableMap of a PT where a 2 MiB frame is mapped: "
                                         "DeleteFirst; so is a 4 KiB frame there")
{
    l4_cptr_t u = ut_new(L4_OBJECT_UNTYPED, 21);
    UT_ASSERT(u);
    l4_cptr_t big = ut_retype(u, L4_OBJECT_FRAME_2M, 0);
    l4_cptr_t pdpt = ut_new(L4_OBJECT_PDPT, 0), pd = ut_new(L4_OBJECT_PD, 0);
    l4_cptr_t pt = ut_new(L4_OBJECT_PT, 0), small = ut_new(L4_OBJECT_FRAME_4K, 0);
    UT_ASSERT(big && pdpt && pd && pt && small);
    uint64_t va = VA(22);
    UT_OK(l4_page_table_map(pdpt, VS, va, NOATTR));
    UT_OK(l4_page_table_map(pd, VS, va, NOATTR));
    UT_OK(l4_frame_map(big, VS, va, RW, NOATTR));
    UT_ERR(l4_page_table_map(pt, VS, va + KIB4, NOATTR), L4_DELETE_FIRST);
    UT_ERR(l4_frame_map(small, VS, va + KIB4, RW, NOATTR), L4_DELETE_FIRST);
    UT_OK(l4_frame_unmap(big));
    UT_OK(l4_page_table_map(pt, VS, va + KIB4, NOATTR));
    UT_OK(l4_frame_map(small, VS, va + KIB4, RW, NOATTR));
    UT_ERR(l4_frame_map(big, VS, va, RW, NOATTR), L4_DELETE_FIRST); /* the PT is there now */
    UT_EQ(l4_debug_check_invariants(), 0);
}

UTEST(vspace_table_unmap, "PageTableUnmap: RevokeFirst while a copy exists; then unmapped (a "
                          "frame below it no longer finds it); again: no effect")
{
    struct vs_tables t;
    uint64_t va = VA(23);
    vs_tables(VS, va, &t);
    if (ut_failed())
        return;
    l4_cptr_t copy = ut_copy(t.pt, ALL);
    UT_ASSERT(copy);
    UT_ERR(l4_page_table_unmap(t.pt), L4_REVOKE_FIRST);
    UT_ERR(l4_page_table_unmap(copy), L4_REVOKE_FIRST);
    UT_OK(ut_delete(copy));
    UT_OK(l4_page_table_unmap(t.pt));
    l4_cptr_t f = ut_new(L4_OBJECT_FRAME_4K, 0);
    UT_ASSERT(f);
    UT_ERR(l4_frame_map(f, VS, va, RW, NOATTR), L4_FAILED_LOOKUP);
    UT_OK(l4_page_table_unmap(t.pt));
    UT_OK(l4_page_table_map(t.pt, VS, va, NOATTR)); /* free to map again */
    UT_OK(l4_frame_map(f, VS, va, RW, NOATTR));
    UT_EQ(l4_debug_check_invariants(), 0);
}

UTEST(vspace_frame_map_errors, "FrameMap: InvalidCapability (detail 0), AlignmentError, "
                               "InvalidArgument (vaddr: detail 1; rights without Read: detail 2)")
{
    struct vs_tables t;
    uint64_t va = VA(24);
    vs_tables(VS, va, &t);
    if (ut_failed())
        return;
    l4_cptr_t f = ut_new(L4_OBJECT_FRAME_4K, 0);
    UT_ASSERT(f);
    UT_ERR(l4_frame_map(f, t.pt, va, RW, NOATTR), L4_INVALID_CAPABILITY);
    UT_EQ(l4_get_mr(0), L4_ARG_FRAME_MAP_VSPACE);
    UT_ERR(l4_frame_map(f, ut_slot(), va, RW, NOATTR), L4_INVALID_CAPABILITY);
    UT_ERR(l4_frame_map(f, VS, va + 8, RW, NOATTR), L4_ALIGNMENT_ERROR);
    UT_ERR(l4_frame_map(f, VS, va + 0x800, RW, NOATTR), L4_ALIGNMENT_ERROR);
    UT_ERR(l4_frame_map(f, VS, TOP, RW, NOATTR), L4_INVALID_ARGUMENT);
    UT_EQ(l4_get_mr(0), L4_ARG_FRAME_MAP_VADDR);
    UT_ERR(l4_frame_map(f, VS, UINT64_C(0xffff800000000000), RW, NOATTR), L4_INVALID_ARGUMENT);
    UT_EQ(l4_get_mr(0), L4_ARG_FRAME_MAP_VADDR);
    UT_ERR(l4_frame_map(f, VS, va, 0, NOATTR), L4_INVALID_ARGUMENT);
    UT_EQ(l4_get_mr(0), L4_ARG_FRAME_MAP_RIGHTS);
    UT_ERR(l4_frame_map(f, VS, va, L4_VM_RIGHTS_WRITE | L4_VM_RIGHTS_EXECUTE, NOATTR),
           L4_INVALID_ARGUMENT);
    UT_EQ(l4_get_mr(0), L4_ARG_FRAME_MAP_RIGHTS);
    UT_OK(l4_frame_map(f, VS, va, RW, NOATTR));
    UT_EQ(l4_debug_check_invariants(), 0);
}

UTEST(vspace_frame_map_2m_range, "FrameMap of a 2 MiB frame: AlignmentError off a 2 MiB "
                                 "boundary, InvalidArgument when it would reach user_top, "
                                 "FailedLookup without a PD")
{
    l4_cptr_t u = ut_new(L4_OBJECT_UNTYPED, 21);
    UT_ASSERT(u);
    l4_cptr_t big = ut_retype(u, L4_OBJECT_FRAME_2M, 0);
    l4_cptr_t pdpt = ut_new(L4_OBJECT_PDPT, 0), pd = ut_new(L4_OBJECT_PD, 0);
    UT_ASSERT(big && pdpt && pd);
    uint64_t va = VA(25);
    UT_ERR(l4_frame_map(big, VS, va + KIB4, RW, NOATTR), L4_ALIGNMENT_ERROR);
    UT_ERR(l4_frame_map(big, VS, va + GIB1 + MIB2 - KIB4, RW, NOATTR), L4_ALIGNMENT_ERROR);
    /* the 2 MiB below user_top hold the unmappable top page */
    UT_ERR(l4_frame_map(big, VS, TOP & ~(MIB2 - 1), RW, NOATTR), L4_INVALID_ARGUMENT);
    UT_EQ(l4_get_mr(0), L4_ARG_FRAME_MAP_VADDR);
    UT_ERR(l4_frame_map(big, VS, va, RW, NOATTR), L4_FAILED_LOOKUP);
    UT_OK(l4_page_table_map(pdpt, VS, va, NOATTR));
    UT_ERR(l4_frame_map(big, VS, va, RW, NOATTR), L4_FAILED_LOOKUP);
    UT_OK(l4_page_table_map(pd, VS, va, NOATTR));
    UT_OK(l4_frame_map(big, VS, va + GIB1 - MIB2, RW, NOATTR));
    UT_EQ(l4_debug_check_invariants(), 0);
}

UTEST(vspace_frame_map_lookup_and_occupied, "FrameMap: FailedLookup without a PT (or PD, PDPT), "
                                            "DeleteFirst where a frame is, IllegalOperation "
                                            "when the capability already holds a mapping")
{
    uint64_t va = VA(26);
    l4_cptr_t f = ut_new(L4_OBJECT_FRAME_4K, 0), g = ut_new(L4_OBJECT_FRAME_4K, 0);
    UT_ASSERT(f && g);
    UT_ERR(l4_frame_map(f, VS, va, RW, NOATTR), L4_FAILED_LOOKUP);
    struct vs_tables t;
    vs_tables(VS, va, &t);
    if (ut_failed())
        return;
    UT_ERR(l4_frame_map(f, VS, va + MIB2, RW, NOATTR), L4_FAILED_LOOKUP); /* no PT there */
    UT_ERR(l4_frame_map(f, VS, va + GIB1, RW, NOATTR), L4_FAILED_LOOKUP); /* no PD there */
    UT_OK(l4_frame_map(f, VS, va, RW, NOATTR));
    UT_ERR(l4_frame_map(g, VS, va, RW, NOATTR), L4_DELETE_FIRST);
    UT_ERR(l4_frame_map(f, VS, va + KIB4, RW, NOATTR), L4_ILLEGAL_OPERATION);
    UT_ERR(l4_frame_map(f, VS, va, RW, NOATTR), L4_ILLEGAL_OPERATION);
    l4_cptr_t copy = ut_copy(f, ALL); /* a copy holds no mapping: it may map */
    UT_ASSERT(copy);
    UT_ERR(l4_frame_map(copy, VS, va, RW, NOATTR), L4_DELETE_FIRST);
    UT_OK(l4_frame_map(copy, VS, va + KIB4, RW, NOATTR));
    UT_OK(l4_frame_map(g, VS, va + 2 * KIB4, RW, NOATTR));
    UT_EQ(l4_debug_check_invariants(), 0);
}

UTEST(vspace_frame_remap_errors, "FrameRemap: IllegalOperation without a mapping (never mapped, "
                                 "unmapped, or a copy), InvalidArgument (rights without Read, "
                                 "detail 0)")
{
    struct vs_tables t;
    uint64_t va = VA(27);
    vs_tables(VS, va, &t);
    if (ut_failed())
        return;
    l4_cptr_t f = ut_new(L4_OBJECT_FRAME_4K, 0);
    UT_ASSERT(f);
    UT_ERR(l4_frame_remap(f, RW, NOATTR), L4_ILLEGAL_OPERATION);
    UT_OK(l4_frame_map(f, VS, va, RW, NOATTR));
    UT_ERR(l4_frame_remap(f, L4_VM_RIGHTS_WRITE, NOATTR), L4_INVALID_ARGUMENT);
    UT_EQ(l4_get_mr(0), L4_ARG_FRAME_REMAP_RIGHTS);
    UT_ERR(l4_frame_remap(f, 0, NOATTR), L4_INVALID_ARGUMENT);
    *(volatile uint64_t *)va = 5; /* the failed remaps left it writable */
    l4_cptr_t copy = ut_copy(f, ALL);
    UT_ASSERT(copy);
    UT_ERR(l4_frame_remap(copy, RO, NOATTR), L4_ILLEGAL_OPERATION);
    UT_OK(l4_frame_unmap(copy)); /* holds none: no effect on f's */
    UT_EQ(*(volatile uint64_t *)va, 5);
    UT_OK(l4_frame_unmap(f));
    UT_ERR(l4_frame_remap(f, RO, NOATTR), L4_ILLEGAL_OPERATION);
    UT_EQ(l4_debug_check_invariants(), 0);
}

UTEST(vspace_labels_apply, "mapping labels on the wrong types are IllegalOperation; a short "
                           "message is TruncatedMessage")
{
    struct vs_tables t;
    uint64_t va = VA(28);
    vs_tables(VS, va, &t);
    if (ut_failed())
        return;
    l4_cptr_t f = ut_new(L4_OBJECT_FRAME_4K, 0);
    UT_ASSERT(f);
    UT_ERR(l4_page_table_map(f, VS, va, NOATTR), L4_ILLEGAL_OPERATION);
    UT_ERR(l4_frame_map(t.pt, VS, va, RW, NOATTR), L4_ILLEGAL_OPERATION);
    UT_ERR(l4_frame_unmap(VS), L4_ILLEGAL_OPERATION);
    UT_ERR(l4_page_table_unmap(VS), L4_ILLEGAL_OPERATION);
    UT_ERR(l4_frame_get_address(t.pt, 0), L4_ILLEGAL_OPERATION);
    /* FrameMap with two words instead of three */
    l4_ipc_buffer()->caps_or_badges[0] = VS;
    l4_word_t mrs[L4_MSG_REGISTERS] = {va, RW, 0, 0};
    l4_msginfo_t info = 0;
    UT_ERR(l4_call_mrs(f, l4_msginfo_new(L4_LABEL_FRAME_MAP, 0, 1, 2), &info, mrs),
           L4_TRUNCATED_MESSAGE);
    l4_word_t pa = 0;
    UT_OK(l4_frame_get_address(f, &pa)); /* still unmapped: it maps now */
    UT_OK(l4_frame_map(f, VS, va, RW, NOATTR));
}
