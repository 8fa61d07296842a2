/* SPDX-License-Identifier: MIT */
/*
 * User-level tests of mappings over the life of capabilities and address
 * spaces (docs/kernel/address-spaces.md): deleting a mapped frame or page
 * table capability unmaps it, revoking a frame removes the mappings of
 * its copies, a moved capability keeps its mapping, an unmapped table
 * comes back empty, a record left stale by a destroyed PML4 (whose ASID
 * is then reused) touches nothing, Retype of PML4s fails with
 * NotEnoughMemory once every ASID is taken, revoking an untyped unmaps
 * what was made from it, and random frame operations agree with a model
 * of who maps what. Mappings in a VSpace no
 * thread runs in are observed through FrameMap: DeleteFirst means the
 * entry is still there.
 */
#include "vspace_util.h"

UTEST(vspace_delete_frame_unmaps, "deleting a mapped frame capability removes its mapping; the "
                                  "address is free for another frame")
{
    struct vs_tables t;
    uint64_t va = VA(40);
    vs_tables(VS, va, &t);
    if (ut_failed())
        return;
    l4_cptr_t f = vs_frame(VS, va, RW);
    UT_ASSERT(f);
    *(volatile uint64_t *)va = 3;
    UT_OK(ut_delete(f));
    VS_EXPECT_FAULT(VS_READ, va, PF_USER);
    UT_ASSERT(vs_frame(VS, va, RW));
    VS_EXPECT_READ(va, 0);
    UT_EQ(l4_debug_check_invariants(), 0);
}

UTEST(vspace_delete_copy_keeps_original, "deleting a copy removes only the copy's mapping; the "
                                         "original's and an unmapped copy's stay as they were")
{
    struct vs_tables t;
    uint64_t va = VA(41);
    vs_tables(VS, va, &t);
    if (ut_failed())
        return;
    l4_cptr_t f = vs_frame(VS, va, RW);
    l4_cptr_t c = ut_copy(f, ALL), idle = ut_copy(f, ALL);
    UT_ASSERT(f && c && idle);
    UT_OK(l4_frame_map(c, VS, va + KIB4, RW, NOATTR));
    *(volatile uint64_t *)va = 0x77;
    UT_OK(ut_delete(idle));
    UT_OK(ut_delete(c));
    VS_EXPECT_FAULT(VS_READ, va + KIB4, PF_USER);
    VS_EXPECT_READ(va, 0x77);
    UT_EQ(l4_debug_check_invariants(), 0);
}

UTEST(vspace_revoke_frame, "revoking a frame capability removes the mappings of all its copies "
                           "and keeps its own")
{
    struct vs_tables t;
    uint64_t va = VA(42);
    vs_tables(VS, va, &t);
    if (ut_failed())
        return;
    l4_cptr_t f = vs_frame(VS, va, RW);
    UT_ASSERT(f);
    l4_cptr_t c1 = ut_copy(f, ALL), c2 = ut_copy(f, L4_CAP_RIGHTS_READ);
    UT_ASSERT(c1 && c2);
    l4_cptr_t c3 = ut_copy(c1, ALL); /* a copy of a copy */
    UT_ASSERT(c3);
    UT_OK(l4_frame_map(c1, VS, va + KIB4, RW, NOATTR));
    UT_OK(l4_frame_map(c2, VS, va + 2 * KIB4, RO, NOATTR));
    UT_OK(l4_frame_map(c3, VS, va + 3 * KIB4, RW, NOATTR));
    *(volatile uint64_t *)va = 0x99;
    UT_EQ(*(volatile uint64_t *)(va + 3 * KIB4), 0x99);
    UT_OK(l4_cnode_revoke(UT_CNODE, f, UT_DEPTH));
    UT_EQ(ut_id(c1), L4_CAP_NULL);
    UT_EQ(ut_id(c3), L4_CAP_NULL);
    VS_EXPECT_FAULT(VS_READ, va + KIB4, PF_USER);
    VS_EXPECT_FAULT(VS_READ, va + 2 * KIB4, PF_USER);
    VS_EXPECT_FAULT(VS_READ, va + 3 * KIB4, PF_USER);
    VS_EXPECT_READ(va, 0x99);
    UT_EQ(l4_debug_check_invariants(), 0);
}

UTEST(vspace_move_keeps_mapping, "a moved frame capability keeps its mapping: FrameUnmap through "
                                 "its new slot removes it")
{
    struct vs_tables t;
    uint64_t va = VA(43);
    vs_tables(VS, va, &t);
    if (ut_failed())
        return;
    l4_cptr_t f = vs_frame(VS, va, RW), dest = ut_slot();
    UT_ASSERT(f && dest);
    UT_OK(l4_cnode_move(UT_CNODE, dest, UT_DEPTH, UT_CNODE, f, UT_DEPTH));
    *(volatile uint64_t *)va = 1;
    UT_ERR(l4_frame_map(dest, VS, va + KIB4, RW, NOATTR), L4_ILLEGAL_OPERATION);
    UT_OK(l4_frame_remap(dest, RO, NOATTR));
    VS_EXPECT_FAULT(VS_WRITE, va, PF_PRESENT | PF_WRITE | PF_USER);
    UT_OK(l4_frame_unmap(dest));
    VS_EXPECT_FAULT(VS_READ, va, PF_USER);
    UT_EQ(l4_debug_check_invariants(), 0);
}

UTEST(vspace_delete_table_unmaps, "deleting a mapped PT capability makes its frames unreachable; "
                                  "their records are stale: Remap fails, Unmap clears them")
{
    struct vs_tables t;
    uint64_t va = VA(44);
    vs_tables(VS, va, &t);
    if (ut_failed())
        return;
    l4_cptr_t f = vs_frame(VS, va, RW), g = vs_frame(VS, va + KIB4, RW);
    UT_ASSERT(f && g);
    *(volatile uint64_t *)va = 1;
    *(volatile uint64_t *)(va + KIB4) = 2;
    UT_OK(ut_delete(t.pt));
    VS_EXPECT_FAULT(VS_READ, va, PF_USER);
    UT_ASSERT(vs_touch_suspends(va + KIB4));
    UT_EQ(l4_debug_check_invariants(), 0);
    UT_ERR(l4_frame_remap(f, RO, NOATTR), L4_ILLEGAL_OPERATION);
    UT_ERR(l4_frame_map(f, VS, va, RW, NOATTR), L4_ILLEGAL_OPERATION); /* record still set */
    UT_OK(l4_frame_unmap(f));
    UT_ERR(l4_frame_map(f, VS, va, RW, NOATTR), L4_FAILED_LOOKUP); /* no PT now */
    l4_cptr_t pt = ut_new(L4_OBJECT_PT, 0);
    UT_ASSERT(pt);
    UT_OK(l4_page_table_map(pt, VS, va, NOATTR));
    UT_OK(l4_frame_map(f, VS, va + 5 * KIB4, RO, NOATTR));
    VS_EXPECT_READ(va + 5 * KIB4, 1);
    VS_EXPECT_FAULT(VS_READ, va + KIB4, PF_USER); /* g's old entry went with the old PT */
    UT_EQ(l4_debug_check_invariants(), 0);
}

UTEST(vspace_unmapped_table_comes_back_empty, "a PD unmapped and mapped elsewhere holds nothing: "
                                              "its PT must be unmapped (emptied) before it maps "
                                              "again, and the old frames are not reachable")
{
    struct vs_tables t;
    uint64_t va = VA(45), va2 = VA(45) + 7 * GIB1;
    vs_tables(VS, va, &t);
    if (ut_failed())
        return;
    l4_cptr_t f = vs_frame(VS, va, RW);
    UT_ASSERT(f);
    *(volatile uint64_t *)va = 0x45;
    UT_OK(l4_page_table_unmap(t.pd));
    VS_EXPECT_FAULT(VS_READ, va, PF_USER);
    UT_OK(l4_page_table_map(t.pd, VS, va2, NOATTR));
    VS_EXPECT_FAULT(VS_READ, va2, PF_USER);
    l4_cptr_t g = ut_new(L4_OBJECT_FRAME_4K, 0);
    UT_ASSERT(g);
    UT_ERR(l4_frame_map(g, VS, va2, RW, NOATTR), L4_FAILED_LOOKUP);         /* the PD is empty */
    UT_ERR(l4_page_table_map(t.pt, VS, va2, NOATTR), L4_ILLEGAL_OPERATION); /* stale record */
    UT_OK(l4_page_table_unmap(t.pt));
    UT_OK(l4_page_table_map(t.pt, VS, va2, NOATTR));
    UT_OK(l4_frame_map(g, VS, va2, RW, NOATTR)); /* the PT was emptied: nothing at va2 */
    VS_EXPECT_READ(va2, 0);
    UT_OK(l4_frame_unmap(f));
    UT_OK(l4_frame_map(f, VS, va2 + KIB4, RO, NOATTR));
    VS_EXPECT_READ(va2 + KIB4, 0x45);
    UT_EQ(l4_debug_check_invariants(), 0);
}

UTEST(vspace_other_space, "mappings in a new VSpace no thread runs in: DeleteFirst shows them; "
                          "deleting the PML4 leaves the frame's record stale and harmless")
{
    l4_cptr_t pml4 = ut_new(L4_OBJECT_PML4, 0);
    UT_ASSERT(pml4);
    struct vs_tables t;
    uint64_t va = 0x400000; /* where the root task's image is in its own space */
    vs_tables(pml4, va, &t);
    if (ut_failed())
        return;
    l4_cptr_t f = vs_frame(pml4, va, RW), g = ut_new(L4_OBJECT_FRAME_4K, 0);
    UT_ASSERT(f && g);
    UT_ERR(l4_frame_map(g, pml4, va, RW, NOATTR), L4_DELETE_FIRST);
    UT_ERR(l4_frame_map(g, pml4, L4_USER_TOP - KIB4, RW, NOATTR), L4_FAILED_LOOKUP);
    UT_OK(ut_delete(pml4));
    UT_EQ(l4_debug_check_invariants(), 0);
    UT_ERR(l4_frame_remap(f, RO, NOATTR), L4_ILLEGAL_OPERATION);
    UT_OK(l4_frame_unmap(f));
    UT_OK(l4_page_table_unmap(t.pt)); /* stale: only empties it */
    UT_OK(l4_page_table_unmap(t.pd));
    UT_OK(l4_page_table_unmap(t.pdpt));
    vs_tables(VS, VA(46), &t); /* the same tables serve the root space now */
    if (ut_failed())
        return;
    UT_OK(l4_frame_map(f, VS, VA(46), RW, NOATTR));
    *(volatile uint64_t *)VA(46) = 46;
    VS_EXPECT_READ(VA(46), 46);
    UT_EQ(l4_debug_check_invariants(), 0);
}

UTEST(vspace_stale_record_reused_asid, "after a PML4 is destroyed and its ASID reused by a new "
                                       "one, Unmap and Delete through the old records leave the "
                                       "new space's mappings at the same address alone")
{
    uint64_t va = VA(47);
    l4_cptr_t a = ut_new(L4_OBJECT_PML4, 0);
    UT_ASSERT(a);
    struct vs_tables ta, tb;
    vs_tables(a, va, &ta);
    if (ut_failed())
        return;
    l4_cptr_t f = vs_frame(a, va, RW), f2 = vs_frame(a, va + KIB4, RW);
    UT_ASSERT(f && f2);
    UT_OK(ut_delete(a));
    /* the lowest free ASID is a's again */
    l4_cptr_t b = ut_new(L4_OBJECT_PML4, 0);
    UT_ASSERT(b);
    vs_tables(b, va, &tb);
    if (ut_failed())
        return;
    l4_cptr_t g = vs_frame(b, va, RW), g2 = vs_frame(b, va + KIB4, RW);
    l4_cptr_t probe = ut_new(L4_OBJECT_FRAME_4K, 0);
    UT_ASSERT(g && g2 && probe);
    UT_OK(l4_frame_unmap(f));
    UT_OK(ut_delete(f2));
    UT_OK(ut_delete(ta.pt));
    UT_OK(ut_delete(ta.pd));
    UT_OK(l4_page_table_unmap(ta.pdpt));
    UT_EQ(l4_debug_check_invariants(), 0);
    /* b's entries are all still there */
    UT_ERR(l4_frame_map(probe, b, va, RO, NOATTR), L4_DELETE_FIRST);
    UT_ERR(l4_frame_map(probe, b, va + KIB4, RO, NOATTR), L4_DELETE_FIRST);
    UT_OK(l4_frame_map(probe, b, va + 2 * KIB4, RO, NOATTR));
    UT_OK(l4_frame_unmap(g));
    UT_OK(l4_frame_unmap(probe));
    UT_OK(l4_frame_map(probe, b, va, RO, NOATTR)); /* g's own unmap did work */
    UT_EQ(l4_debug_check_invariants(), 0);
}

/* Slot of the largest non-device boot untyped (the one the tests' 4 MiB
 * untypeds come from: it has room beyond them), or 0. */
static l4_cptr_t largest_untyped(void)
{
    const struct l4_boot_info *bi = ut_boot_info();
    int best = -1;
    for (l4_word_t i = 0; i < bi->num_untyped && i < bi->untyped.count; i++)
        if (!bi->untyped_list[i].is_device &&
            (best < 0 || bi->untyped_list[i].size_bits > bi->untyped_list[best].size_bits))
            best = (int)i;
    return best < 0 || bi->untyped_list[best].size_bits < 26 ? 0 : bi->untyped.first + best;
}

#define ASID_CNODE_RADIX 12

UTEST(vspace_asids_run_out, "Retype of PML4s fails with NotEnoughMemory, changing nothing, once "
                            "all 4095 ASIDs are taken; a deleted PML4's ASID is reused")
{
    l4_cptr_t big = largest_untyped();
    UT_ASSERT(big);
    /* 16 MiB of PML4s and a CNode for them, from a 32 MiB untyped deleted
     * again at the end (the tests' own untyped is only 4 MiB) */
    l4_cptr_t ut = ut_retype(big, L4_OBJECT_UNTYPED, 25);
    UT_ASSERT(ut);
    l4_cptr_t cn = ut_retype(ut, L4_OBJECT_CNODE, ASID_CNODE_RADIX);
    UT_ASSERT(cn);
    l4_word_t made = 0;
    l4_error_t e = L4_NO_ERROR;
    while (made < (1u << ASID_CNODE_RADIX)) {
        l4_word_t n = (1u << ASID_CNODE_RADIX) - made;
        if (n > L4_RETYPE_FAN_OUT_LIMIT)
            n = L4_RETYPE_FAN_OUT_LIMIT;
        e = l4_untyped_retype(ut, L4_OBJECT_PML4, 0, UT_CNODE, cn, UT_DEPTH, made, n);
        if (e != L4_NO_ERROR)
            break;
        made += n;
    }
    UT_ERR(e, L4_NOT_ENOUGH_MEMORY);
    /* a batch may fail while some ASIDs are left: fill up one by one */
    while (l4_untyped_retype(ut, L4_OBJECT_PML4, 0, UT_CNODE, cn, UT_DEPTH, made, 1) == L4_NO_ERROR)
        made++;
    l4_printf("# %lu PML4s made before the ASIDs ran out\n", (unsigned long)made);
    UT_ASSERT(made >= 4000 && made <= 4094); /* the root task's space has one */
    l4_cptr_t s = ut_slot();
    UT_ERR(l4_untyped_retype(ut, L4_OBJECT_PML4, 0, UT_CNODE, 0, 0, s, 1), L4_NOT_ENOUGH_MEMORY);
    /* nothing changed: the slot is empty, the untyped still has room */
    UT_EQ(ut_id(s), L4_CAP_NULL);
    l4_cptr_t pdpt = ut_retype(ut, L4_OBJECT_PDPT, 0);
    UT_ASSERT(pdpt);
    UT_EQ(l4_debug_check_invariants(), 0);
    /* one back, and only one */
    UT_OK(l4_cnode_delete(cn, 17, ASID_CNODE_RADIX));
    UT_ERR(l4_untyped_retype(ut, L4_OBJECT_PML4, 0, UT_CNODE, cn, UT_DEPTH, made, 2),
           L4_NOT_ENOUGH_MEMORY);
    UT_OK(l4_untyped_retype(ut, L4_OBJECT_PML4, 0, UT_CNODE, cn, UT_DEPTH, 17, 1));
    /* the new space works: a table maps into it */
    l4_cptr_t copy = ut_slot();
    UT_OK(l4_cnode_copy(UT_CNODE, copy, UT_DEPTH, cn, 17, ASID_CNODE_RADIX, ALL));
    UT_OK(l4_page_table_map(pdpt, copy, 0x400000, NOATTR));
    UT_OK(ut_delete(copy));
    /* every PML4 (through the CNode) and the PDPT go; the boot untyped is
     * left with the test's own untyped only */
    UT_OK(l4_cnode_revoke(UT_CNODE, ut, UT_DEPTH));
    UT_OK(ut_delete(ut));
    UT_ASSERT(ut_new(L4_OBJECT_PML4, 0));
    UT_EQ(l4_debug_check_invariants(), 0);
}

UTEST(vspace_revoke_untyped_unmaps, "revoking the untyped that frames and a PT came from removes "
                                    "their mappings; its memory, reused, maps zeroed")
{
    struct vs_tables t;
    uint64_t va = VA(48);
    l4_cptr_t sub = ut_new(L4_OBJECT_UNTYPED, 16);
    UT_ASSERT(sub);
    t.pdpt = ut_new(L4_OBJECT_PDPT, 0);
    t.pd = ut_new(L4_OBJECT_PD, 0);
    t.pt = ut_retype(sub, L4_OBJECT_PT, 0);
    l4_cptr_t f = ut_retype(sub, L4_OBJECT_FRAME_4K, 0);
    l4_cptr_t g = ut_retype(sub, L4_OBJECT_FRAME_4K, 0); /* mapped in another PT */
    l4_cptr_t pt2 = ut_new(L4_OBJECT_PT, 0);
    UT_ASSERT(t.pdpt && t.pd && t.pt && f && g && pt2);
    UT_OK(l4_page_table_map(t.pdpt, VS, va, NOATTR));
    UT_OK(l4_page_table_map(t.pd, VS, va, NOATTR));
    UT_OK(l4_page_table_map(t.pt, VS, va, NOATTR));
    UT_OK(l4_page_table_map(pt2, VS, va + MIB2, NOATTR));
    UT_OK(l4_frame_map(f, VS, va, RW, NOATTR));
    UT_OK(l4_frame_map(g, VS, va + MIB2, RW, NOATTR));
    *(volatile uint64_t *)va = 0xf;
    *(volatile uint64_t *)(va + MIB2) = 0x9;
    UT_OK(l4_cnode_revoke(UT_CNODE, sub, UT_DEPTH));
    VS_EXPECT_FAULT(VS_READ, va, PF_USER);
    VS_EXPECT_FAULT(VS_READ, va + MIB2, PF_USER);
    UT_EQ(l4_debug_check_invariants(), 0);
    /* the same memory again (a new frame where the PT was), zeroed, maps in pt2 */
    l4_cptr_t h = ut_retype(sub, L4_OBJECT_FRAME_4K, 0);
    UT_ASSERT(h);
    UT_OK(l4_frame_map(h, VS, va + MIB2, RW, NOATTR));
    UT_EQ(*(volatile uint64_t *)(va + MIB2), 0);
    UT_EQ(l4_debug_check_invariants(), 0);
}

/* --- random operations against a model ----------------------------------------------- */

#define RF     3 /* frames */
#define RC     3 /* capabilities per frame: the original and two copies */
#define RA     6 /* page addresses */
#define RSTEPS 400

static l4_cptr_t rcap[RF * RC];
static int rcap_at[RF * RC]; /* address index the capability maps, or -1 */
static int raddr[RA];        /* capability mapped there, or -1 */

static uint64_t rva(int a)
{
    return VA(49) + (uint64_t)a * KIB4;
}

static void runmap_model(int c)
{
    if (rcap_at[c] >= 0)
        raddr[rcap_at[c]] = -1;
    rcap_at[c] = -1;
}

/* Every mapped address shows its frame's tag. */
static void rcheck(void)
{
    for (int a = 0; a < RA; a++)
        if (raddr[a] >= 0)
            UT_EQ(*(volatile uint64_t *)rva(a), 0x7a90 + raddr[a] / RC);
}

UTEST(vspace_random_mapping_ops, "random Map, Remap, Unmap, Delete, Revoke and Copy of frame "
                                 "capabilities agree with a model of who maps what")
{
    struct vs_tables t;
    vs_tables(VS, VA(49), &t);
    if (ut_failed())
        return;
    for (int f = 0; f < RF; f++) {
        rcap[f * RC] = ut_new(L4_OBJECT_FRAME_4K, 0);
        UT_ASSERT(rcap[f * RC]);
        UT_OK(l4_frame_map(rcap[f * RC], VS, rva(0), RW, NOATTR));
        *(volatile uint64_t *)rva(0) = 0x7a90 + (uint64_t)f; /* the frame's tag */
        UT_OK(l4_frame_unmap(rcap[f * RC]));
        for (int k = 1; k < RC; k++) {
            rcap[f * RC + k] = ut_copy(rcap[f * RC], ALL);
            UT_ASSERT(rcap[f * RC + k]);
        }
    }
    for (int c = 0; c < RF * RC; c++)
        rcap_at[c] = -1;
    for (int a = 0; a < RA; a++)
        raddr[a] = -1;
    ut_rnd_seed(0x5eed5eedu);
    for (int step = 0; step < RSTEPS; step++) {
        int c = (int)(ut_rnd() % (RF * RC)), a = (int)(ut_rnd() % RA), f = c / RC;
        switch (ut_rnd() % 6) {
        case 0:
        case 1: { /* map */
            l4_error_t want = rcap_at[c] >= 0 ? L4_ILLEGAL_OPERATION
                              : raddr[a] >= 0 ? L4_DELETE_FIRST
                                              : L4_NO_ERROR;
            UT_ERR(l4_frame_map(rcap[c], VS, rva(a), ut_rnd() % 2 ? RW : RO, NOATTR), want);
            if (want == L4_NO_ERROR)
                rcap_at[c] = a, raddr[a] = c;
            break;
        }
        case 2: /* remap */
            UT_ERR(l4_frame_remap(rcap[c], RO, NOATTR),
                   rcap_at[c] >= 0 ? L4_NO_ERROR : L4_ILLEGAL_OPERATION);
            break;
        case 3: /* unmap */
            UT_OK(l4_frame_unmap(rcap[c]));
            runmap_model(c);
            break;
        case 4: /* delete a copy and copy it again: the new one maps nothing */
            if (c % RC == 0)
                break;
            UT_OK(ut_delete(rcap[c]));
            runmap_model(c);
            UT_OK(
                l4_cnode_copy(UT_CNODE, rcap[c], UT_DEPTH, UT_CNODE, rcap[f * RC], UT_DEPTH, ALL));
            break;
        case 5: /* revoke the original: every copy goes, and comes back unmapped */
            UT_OK(l4_cnode_revoke(UT_CNODE, rcap[f * RC], UT_DEPTH));
            for (int k = 1; k < RC; k++) {
                runmap_model(f * RC + k);
                UT_EQ(ut_id(rcap[f * RC + k]), L4_CAP_NULL);
                UT_OK(l4_cnode_copy(UT_CNODE, rcap[f * RC + k], UT_DEPTH, UT_CNODE, rcap[f * RC],
                                    UT_DEPTH, ALL));
            }
            break;
        }
        rcheck();
        if (ut_failed())
            return;
        if (step % 50 == 0)
            UT_EQ(l4_debug_check_invariants(), 0);
    }
    /* what the model says is free the kernel lets a new frame take */
    l4_cptr_t spare = ut_new(L4_OBJECT_FRAME_4K, 0);
    UT_ASSERT(spare);
    for (int a = 0; a < RA; a++) {
        UT_ERR(l4_frame_map(spare, VS, rva(a), RO, NOATTR),
               raddr[a] >= 0 ? L4_DELETE_FIRST : L4_NO_ERROR);
        UT_OK(l4_frame_unmap(spare));
    }
    UT_EQ(l4_debug_check_invariants(), 0);
}
