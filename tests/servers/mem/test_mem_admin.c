/* SPDX-License-Identifier: MIT */
/*
 * The memory server's admin messages and their errors, the badges, the
 * quota split, the pseudo-physical window, and destroy in bounded steps
 * with a clean restart (harness.h).
 */
#include "harness.h"
#include "vspace_util.h"

UTEST(mem_badges, "mem: admin messages only from the root badge, guest messages only from a "
                  "started compartment's badge")
{
    UT_ASSERT(mh_start());
    l4_word_t inbox = 0, pages = 0;
    l4_cptr_t pml4 = ut_new(L4_OBJECT_PML4, 0);
    /* a guest or another server may not create or start compartments */
    UT_ERR(mem_compartment_create(mh.guest[0], 0, 4, 4, 100, pml4, &inbox), L4_ILLEGAL_OPERATION);
    UT_ERR(mem_compartment_start(mh.server_only, 0, &pages), L4_ILLEGAL_OPERATION);
    UT_ERR(mem_compartment_destroy(mh.guest[1], 0, &pages, &pages), L4_ILLEGAL_OPERATION);
    /* the root may not send guest messages; a compartment badge with no
     * compartment gets NoCompartment */
    l4_word_t space = 0;
    UT_ERR(mem_space_create(mh.root, &space), L4_ILLEGAL_OPERATION);
    UT_ERR(mem_space_create(mh.server_only, &space), L4_ILLEGAL_OPERATION);
    UT_ERR(mem_space_create(mh.guest[0], &space), MEM_ERROR_NO_COMPARTMENT);
    UT_EQ(l4_get_mr(0), 0);
    /* the refused create left nothing: the id is still free */
    UT_ERR(mem_compartment_start(mh.root, 0, &pages), MEM_ERROR_NO_COMPARTMENT);
    /* and the server still receives capabilities after refusing one */
    UT_OK(mem_compartment_create(mh.root, 0, 4, 4, 100, pml4, &inbox));
    /* created but not started: guests are still refused */
    UT_ERR(mem_space_create(mh.guest[0], &space), MEM_ERROR_NO_COMPARTMENT);
}

UTEST(mem_admin_errors, "mem: CompartmentCreate/AddMemory/Start refuse bad ids, limits, states "
                        "and untypeds, with no effect")
{
    UT_ASSERT(mh_start());
    l4_word_t inbox = 0, pages = 0;
    l4_cptr_t pml4 = ut_new(L4_OBJECT_PML4, 0);
    UT_ERR(mem_compartment_create(mh.root, L4_PLAT_MAX_COMPARTMENTS, 4, 4, 100, pml4, &inbox),
           L4_RANGE_ERROR);
    UT_EQ(l4_get_mr(0), MEM_ARG_COMPARTMENT_CREATE_ID);
    UT_ERR(mem_compartment_create(mh.root, 3, 0, 4, 100, pml4, &inbox), L4_RANGE_ERROR);
    UT_ERR(mem_compartment_create(mh.root, 3, 4, 4, 201, pml4, &inbox), L4_RANGE_ERROR);
    UT_EQ(l4_get_mr(1), 200); /* the server's MCP, which it found out at start */
    UT_ERR(mem_compartment_add_memory(mh.root, 3, 16), MEM_ERROR_NO_COMPARTMENT);
    /* a capability that is not a PML4 (an endpoint: invoking it would be
     * a send that blocks the server) */
    l4_cptr_t notpml4 = ut_new(L4_OBJECT_ENDPOINT, 0);
    UT_ERR(mem_compartment_create(mh.root, 3, 4, 4, 100, notpml4, &inbox), L4_INVALID_CAPABILITY);
    UT_EQ(l4_get_mr(0), MEM_ARG_COMPARTMENT_CREATE_GUEST_PML4);
    UT_OK(mem_compartment_create(mh.root, 3, 4, 4, 100, pml4, &inbox));
    UT_ERR(mem_compartment_create(mh.root, 3, 4, 4, 100, pml4, &inbox), MEM_ERROR_BAD_STATE);
    /* no memory yet: nothing to start with */
    UT_ERR(mem_compartment_start(mh.root, 3, &pages), MEM_ERROR_QUOTA_EXHAUSTED);
    UT_EQ(l4_get_mr(0), MEM_BATCH_ENTRY_QUOTA_MEMORY);
    /* an empty inbox, or an untyped smaller than claimed, or one already
     * used, is refused */
    UT_ERR(mem_compartment_add_memory(mh.root, 3, 16), L4_INVALID_CAPABILITY);
    UT_OK(mh_to_inbox(ut_new(L4_OBJECT_ENDPOINT, 0), inbox));
    UT_ERR(mem_compartment_add_memory(mh.root, 3, 16), L4_INVALID_CAPABILITY);
    l4_cptr_t small = ut_new(L4_OBJECT_UNTYPED, 14);
    UT_OK(mh_to_inbox(small, inbox));
    UT_ERR(mem_compartment_add_memory(mh.root, 3, 16), L4_INVALID_CAPABILITY);
    l4_cptr_t used = ut_new(L4_OBJECT_UNTYPED, 16);
    UT_ASSERT(ut_retype(used, L4_OBJECT_ENDPOINT, 0));
    UT_OK(mh_to_inbox(used, inbox));
    UT_ERR(mem_compartment_add_memory(mh.root, 3, 16), L4_INVALID_CAPABILITY);
    UT_ERR(mem_compartment_add_memory(mh.root, 3, 40), L4_RANGE_ERROR);
    /* 64 KiB: all of it would be the minimum reserve: too small */
    l4_cptr_t tiny = ut_new(L4_OBJECT_UNTYPED, 16);
    UT_OK(mh_to_inbox(tiny, inbox));
    UT_OK(mem_compartment_add_memory(mh.root, 3, 16));
    UT_ERR(mem_compartment_start(mh.root, 3, &pages), MEM_ERROR_QUOTA_EXHAUSTED);
    /* another 256 KiB: the quota adds up, and it starts */
    l4_cptr_t more = ut_new(L4_OBJECT_UNTYPED, 18);
    UT_OK(mh_to_inbox(more, inbox));
    UT_OK(mem_compartment_add_memory(mh.root, 3, 18));
    UT_OK(mem_compartment_start(mh.root, 3, &pages));
    /* (320 KiB - 64 KiB reserve) / 4 KiB */
    UT_EQ(pages, ((320u << 10) - (64u << 10)) / 4096);
    UT_ERR(mem_compartment_start(mh.root, 3, &pages), MEM_ERROR_BAD_STATE);
    l4_cptr_t late = ut_new(L4_OBJECT_UNTYPED, 16);
    UT_OK(mh_to_inbox(late, inbox));
    UT_ERR(mem_compartment_add_memory(mh.root, 3, 16), MEM_ERROR_BAD_STATE);
    /* started without batch pages: Batch is refused, the rest works */
    l4_word_t failed = 0, first = 0, space = 0;
    l4_cptr_t g3 = ut_mint(mh.ep, L4_CAP_RIGHTS_ALL, L4_PLAT_BADGE_COMPARTMENT(3));
    UT_ERR(mem_batch(g3, 0, &failed, &first), MEM_ERROR_BAD_STATE);
    UT_OK(mem_space_create(g3, &space));
    /* batch pages: index range, a page given twice, a capability that is
     * not a frame, a frame the server could not write */
    l4_cptr_t f = ut_new(L4_OBJECT_FRAME_4K, 0), ep = ut_new(L4_OBJECT_ENDPOINT, 0);
    l4_cptr_t ro = ut_copy(f, L4_CAP_RIGHTS_READ);
    UT_ERR(mem_compartment_set_batch(mh.root, 3, 3, ro), L4_INVALID_CAPABILITY);
    UT_ERR(mem_compartment_set_batch(mh.root, 3, L4_PLAT_MEM_BATCH_PAGES, f), L4_RANGE_ERROR);
    UT_OK(mem_compartment_set_batch(mh.root, 3, 0, f));
    UT_ERR(mem_compartment_set_batch(mh.root, 3, 0, f), MEM_ERROR_BAD_STATE);
    UT_OK(mem_compartment_set_batch(mh.root, 3, 1, f));
    UT_OK(mem_compartment_set_batch(mh.root, 3, 2, f));
    UT_ERR(mem_compartment_set_batch(mh.root, 3, 3, ep), L4_INVALID_CAPABILITY);
    UT_ERR(mem_batch(g3, 0, &failed, &first), MEM_ERROR_BAD_STATE);
    UT_OK(mem_compartment_set_batch(mh.root, 3, 3, f));
    UT_OK(mem_batch(g3, 0, &failed, &first));
    UT_EQ(first, 0);
}

UTEST(mem_start_window, "mem: CompartmentStart maps every pseudo-physical page read-write in the "
                        "guest kernel's VSpace at L4_PLAT_PHYS_BASE; Info reports the split")
{
    UT_ASSERT(mh_start());
    UT_ASSERT(mh_compartment(0, 18, 4, 4, 100));
    l4_word_t n = mh.comp[0].pages;
    UT_EQ(n, ((256u << 10) - (64u << 10)) / 4096);
    /* first and last page are there (a thread reads them: a missing page
     * would fault it, not the harness), nothing after */
    VS_EXPECT_READ(L4_PLAT_PHYS_BASE, 0);
    VS_EXPECT_READ(L4_PLAT_PHYS_BASE + (n - 1) * 4096, 0);
    VS_EXPECT_FAULT(VS_READ, L4_PLAT_PHYS_BASE + n * 4096, PF_USER);
    /* distinct pages, writable */
    for (l4_word_t p = 0; p < n; p++)
        MH_PAGE(p)[0] = 0x1000 + p;
    for (l4_word_t p = 0; p < n; p++)
        UT_EQ(MH_PAGE(p)[0], 0x1000 + p);
    l4_word_t pp = 0, rf = 0, su = 0, sm = 0, tu = 0, tm = 0, sf = 0;
    UT_OK(mem_info(mh.guest[0], &pp, &rf, &su, &sm, &tu, &tm, &sf));
    UT_EQ(pp, n);
    UT_EQ(sm, 4);
    UT_EQ(tm, 4);
    UT_EQ(su, 0);
    UT_EQ(tu, 0);
    UT_ASSERT(rf > 0 && rf < (64u << 10));
    UT_ASSERT(sf > 0);
}

UTEST(mem_destroy_restart, "mem: CompartmentDestroy takes a compartment down in bounded steps; "
                           "its guests are refused; the same memory starts it again cleanly")
{
    UT_ASSERT(mh_start());
    UT_ASSERT(mh_compartment(1, 19, 4, 4, 100));
    l4_word_t pages = mh.comp[1].pages, space = 0, rf0 = 0, rf = 0, x = 0;
    UT_OK(mem_info(mh.guest[1], &x, &rf0, &x, &x, &x, &x, &x));
    /* make things for it to reclaim: a space with mappings */
    UT_OK(mem_space_create(mh.guest[1], &space));
    for (l4_word_t i = 0; i < 20; i++)
        UT_OK(mem_map(mh.guest[1], space, 0x400000 + i * 4096, i, MH_RW));
    unsigned calls = mh_destroy(1);
    UT_ASSERT(calls > 2); /* > 100 pages and 20 mappings: several bounded steps */
    l4_word_t d = 0;
    UT_ERR(mem_space_create(mh.guest[1], &space), MEM_ERROR_NO_COMPARTMENT);
    UT_ERR(mem_compartment_destroy(mh.root, 1, &d, &d), MEM_ERROR_NO_COMPARTMENT);
    /* the root takes its memory back (revoking the parent) and hands the
     * same memory out again: only possible if nothing is left in it */
    UT_OK(l4_cnode_revoke(UT_CNODE, mh.comp[1].parent, UT_DEPTH));
    UT_ASSERT(mh_compartment(1, 19, 4, 4, 100));
    UT_EQ(mh.comp[1].pages, pages);
    UT_OK(mem_info(mh.guest[1], &x, &rf, &x, &x, &x, &x, &x));
    UT_EQ(rf, rf0); /* a clean quota */
    UT_OK(mem_space_create(mh.guest[1], &space));
    UT_EQ(space, 0);
    UT_ERR(mem_query(mh.guest[1], space, 0x400000, &x, &x), MEM_ERROR_NOT_MAPPED);
}

UTEST(mem_large, "mem: a server with 4 MiB of its own maps its bookkeeping heap from it and "
                 "starts a 16 MiB compartment; with only its small arena it refuses, undone")
{
    /* 16 MiB of quota: 3584 pages, 5440 slots, a 16384-entry map table;
     * its untyped first, where it is aligned without a hole */
    l4_cptr_t parent = ut_new(L4_OBJECT_UNTYPED, 24);
    UT_ASSERT(mh_start_sized(22, 13));
    mh.comp[0].parent = parent;
    mh.comp[0].bits = 24;
    UT_ASSERT(mh_compartment(0, 24, 8, 8, 100));
    l4_word_t n = mh.comp[0].pages;
    UT_EQ(n, ((16u << 20) - (2u << 20)) / 4096);
    MH_PAGE(0)[0] = 11;
    MH_PAGE(n - 1)[511] = 22;
    UT_EQ(MH_PAGE(0)[0], 11);
    UT_EQ(MH_PAGE(n - 1)[511], 22);
    l4_word_t s = 0, failed = 0, first = 0;
    UT_OK(mem_space_create(mh.guest[0], &s));
    UT_OK(mem_map(mh.guest[0], s, 0x400000, n - 1, MH_RW));
    UT_ASSERT(mh_destroy(0) > 100); /* 3584 pages and more, 32 per step */
    (void)failed;
    (void)first;
}

UTEST(mem_small_heap, "mem: a compartment too big for the server's bookkeeping is refused at "
                      "Start with NotEnoughMemory and left as created")
{
    l4_cptr_t m = ut_new(L4_OBJECT_UNTYPED, 24);
    UT_ASSERT(mh_start_sized(16, 13));
    l4_word_t inbox = 0, pages = 0, done = 0, rec = 0;
    l4_cptr_t pml4 = ut_new(L4_OBJECT_PML4, 0);
    UT_OK(mem_compartment_create(mh.root, 1, 4, 4, 100, pml4, &inbox));
    UT_OK(mh_to_inbox(m, inbox));
    UT_OK(mem_compartment_add_memory(mh.root, 1, 24));
    UT_ERR(mem_compartment_start(mh.root, 1, &pages), L4_NOT_ENOUGH_MEMORY);
    l4_word_t sp = 0;
    UT_ERR(mem_space_create(mh.guest[1], &sp), MEM_ERROR_NO_COMPARTMENT);
    UT_OK(mem_compartment_destroy(mh.root, 1, &done, &rec));
    UT_EQ(done, 1);
}
