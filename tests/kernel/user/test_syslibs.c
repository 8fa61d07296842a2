/* SPDX-License-Identifier: MIT */
/*
 * User-level tests of libl4's allocators and address-space helper on the
 * kernel (<l4/alloc.h>, <l4/vspace.h>): the kernel calls of the libraries
 * whose bookkeeping the host unit tests cover. The untyped allocator's
 * mirror of the watermark must agree with where the kernel puts objects
 * (physical addresses of frames), pick the best-fitting untyped, reuse an
 * untyped from its base once all its objects are freed, and empty the
 * slots it frees; a pool retypes a batch at once and reuses returned
 * objects. The helper maps fresh and given frames, making and recording
 * tables, refuses bad addresses without using a slot, uses tables it did
 * not make, and unmapping and destroying return every slot.
 */
#include <l4/vspace.h>
#include "vspace_util.h"

#define NSLOTS 64

static struct l4_slot_alloc sa;
static uint64_t sa_bits[L4_SLOT_BITMAP_WORDS(NSLOTS)];
static struct l4_untyped uts[2];
static struct l4_untyped_alloc ua;
static const struct l4_cspace_dest dest = {.root = UT_CNODE, .cptr_depth = UT_DEPTH};

/* An allocator over two fresh untypeds (2^16 and 2^14 bytes) and NSLOTS
 * test slots. */
static int setup_alloc(void)
{
    l4_cptr_t big = ut_new(L4_OBJECT_UNTYPED, 16), small = ut_new(L4_OBJECT_UNTYPED, 14);
    l4_cptr_t first = ut_slots(NSLOTS);
    if (!big || !small || !first)
        return 0;
    if (l4_slot_alloc_init(&sa, first, NSLOTS, sa_bits, L4_SLOT_BITMAP_WORDS(NSLOTS)))
        return 0;
    l4_untyped_alloc_init(&ua, uts, 2, &sa, &dest);
    /* physical addresses unknown here: offsets are compared instead */
    return l4_untyped_alloc_add(&ua, big, 16, 0, false) == L4_NO_ERROR &&
           l4_untyped_alloc_add(&ua, small, 14, 0, false) == L4_NO_ERROR;
}

static l4_word_t paddr_of(l4_cptr_t frame)
{
    l4_word_t p = 0;
    return l4_frame_get_address(frame, &p) == L4_NO_ERROR ? p : ~(l4_word_t)0;
}

UTEST(syslib_untyped_alloc, "libl4 untyped allocator: best fit, placement as the kernel's, reuse "
                            "from the base, freed slots empty")
{
    UT_ASSERT(setup_alloc());
    struct l4_object ep, f[4], g;
    /* a small object goes to the small untyped, at its base */
    UT_OK(l4_untyped_alloc_object(&ua, L4_OBJECT_ENDPOINT, 0, 0, &ep));
    UT_EQ(ep.untyped, 1);
    UT_EQ(ep.paddr, 0);
    UT_EQ(ut_id(ep.cap), L4_CAP_ENDPOINT);
    /* three frames after it fill the small one; the kernel agrees on where */
    UT_OK(l4_untyped_alloc_objects(&ua, L4_OBJECT_FRAME_4K, 0, 3, 0, f));
    UT_EQ(f[0].untyped, 1);
    UT_EQ(f[0].paddr, 0x1000);
    UT_EQ(f[2].paddr, 0x3000);
    UT_EQ(f[1].cap, f[0].cap + 1);
    UT_EQ(paddr_of(f[2].cap) - paddr_of(f[0].cap), 0x2000);
    UT_EQ(f[0].flags & L4_OBJECT_ZEROED, L4_OBJECT_ZEROED);
    /* the next goes to the big one */
    UT_OK(l4_untyped_alloc_object(&ua, L4_OBJECT_FRAME_4K, 0, 0, &g));
    UT_EQ(g.untyped, 0);
    /* device memory only from device untypeds: there are none */
    UT_ERR(l4_untyped_alloc_object(&ua, L4_OBJECT_FRAME_4K, 0, L4_ALLOC_DEVICE, &f[3]),
           L4_NOT_ENOUGH_MEMORY);
    UT_ERR(l4_untyped_alloc_object(&ua, L4_OBJECT_TCB, 0, L4_ALLOC_DEVICE, &f[3]),
           L4_ILLEGAL_OPERATION);
    l4_word_t base = paddr_of(f[0].cap) - 0x1000;
    /* free everything made from the small one: its slots empty, and it is
     * used from its base again, as the kernel does */
    UT_OK(l4_untyped_free_object(&ua, &ep));
    UT_ERR(l4_untyped_free_object(&ua, &ep), L4_ILLEGAL_OPERATION); /* twice */
    UT_EQ(ut_id(ep.cap), L4_CAP_NULL);
    for (unsigned i = 0; i < 3; i++)
        UT_OK(l4_untyped_free_object(&ua, &f[i]));
    UT_EQ(ut_id(f[1].cap), L4_CAP_NULL);
    UT_OK(l4_untyped_alloc_objects(&ua, L4_OBJECT_FRAME_4K, 0, 4, 0, f));
    UT_EQ(f[0].untyped, 1);
    UT_EQ(f[0].paddr, 0);
    UT_EQ(paddr_of(f[0].cap), base);
    UT_EQ(paddr_of(f[3].cap), base + 0x3000);
    for (unsigned i = 0; i < 4; i++)
        UT_OK(l4_untyped_free_object(&ua, &f[i]));
    UT_OK(l4_untyped_free_object(&ua, &g));
    UT_EQ(sa.nfree, NSLOTS);
}

UTEST(syslib_pool, "libl4 object pool: one Retype per batch, returned objects reused (not zeroed), "
                   "drain empties the slots")
{
    UT_ASSERT(setup_alloc());
    struct l4_pool p;
    struct l4_object arr[8], a, b, c;
    UT_OK(l4_pool_init(&p, &ua, L4_OBJECT_FRAME_4K, 0, 0, 4, arr, 8));
    UT_OK(l4_pool_get(&p, &a));
    UT_EQ(p.nfree, 3); /* a batch of four, one handed out */
    UT_EQ(NSLOTS - sa.nfree, 4);
    UT_EQ(a.flags & L4_OBJECT_ZEROED, L4_OBJECT_ZEROED);
    UT_EQ(ut_id(a.cap), L4_CAP_FRAME_4K);
    UT_OK(l4_pool_put(&p, &a, false));
    UT_ERR(l4_pool_put(&p, &a, false), L4_ILLEGAL_OPERATION);
    UT_OK(l4_pool_get(&p, &b));
    UT_EQ(b.cap, a.cap);
    UT_EQ(b.flags & L4_OBJECT_ZEROED, 0);
    for (unsigned i = 0; i < 3; i++)
        UT_OK(l4_pool_get(&p, &c));
    UT_EQ(p.nfree, 0);
    UT_OK(l4_pool_get(&p, &c)); /* the second batch */
    UT_EQ(NSLOTS - sa.nfree, 8);
    UT_OK(l4_pool_put(&p, &c, true));
    UT_OK(l4_pool_drain(&p));
    UT_EQ(ut_id(c.cap), L4_CAP_NULL);
    UT_EQ(NSLOTS - sa.nfree, 4); /* b, two of the first batch, one of the second */
}

UTEST(syslib_vspace, "libl4 address-space helper: map fresh and given frames with tables made on "
                     "demand, refuse bad addresses, unmap, destroy returns every slot")
{
    struct l4_vspace vs;
    struct l4_vspace_table tables[8];
    struct l4_vspace_frame frames[8];
    struct l4_untyped_alloc *tua = ut_untyped_alloc();
    l4_vspace_init(&vs, VS, tua, tables, 8, frames, 8);
    uint64_t va = VA(50);
    l4_cptr_t f1, f2, got;
    unsigned bits;

    UT_OK(l4_vspace_map_new(&vs, va, 12, RW, NOATTR, &f1));
    UT_EQ(vs.ntables, 3);
    UT_EQ(*(volatile l4_word_t *)va, 0); /* a fresh frame is zeroed */
    *(volatile l4_word_t *)(va + 8) = 0x5a5a;
    UT_OK(l4_vspace_map_new(&vs, va + KIB4, 12, RW, NOATTR, &f2));
    UT_EQ(vs.ntables, 3); /* same PT */
    l4_cptr_t mine = ut_new(L4_OBJECT_FRAME_4K, 0);
    UT_ASSERT(mine);
    /* a frame of the caller's */
    UT_OK(l4_vspace_map(&vs, mine, va + 5 * KIB4, 12, RW, NOATTR));
    UT_OK(l4_vspace_lookup(&vs, va + 5 * KIB4 + 0x10, &got, &bits));
    UT_EQ(got, mine);
    UT_EQ(bits, 12);

    /* refused before any syscall or slot */
    struct l4_slot_alloc *slots = tua->slots;
    l4_word_t nfree = slots->nfree;
    UT_ERR(l4_vspace_map_new(&vs, va, 12, RW, NOATTR, &got), L4_DELETE_FIRST);
    UT_ERR(l4_vspace_map_new(&vs, va, 21, RW, NOATTR, &got), L4_DELETE_FIRST); /* over a PT */
    UT_ERR(l4_vspace_map_new(&vs, va + 0x800, 12, RW, NOATTR, &got), L4_ALIGNMENT_ERROR);
    UT_ERR(l4_vspace_map_new(&vs, L4_VSPACE_USER_END, 12, RW, NOATTR, &got), L4_RANGE_ERROR);
    UT_ERR(l4_vspace_map_new(&vs, UINT64_C(0xffff800000000000), 12, RW, NOATTR, &got),
           L4_RANGE_ERROR);
    UT_EQ(slots->nfree, nfree);
    /* the kernel's refusal: the frame is mapped already */
    UT_ERR(l4_vspace_map(&vs, mine, va + 9 * KIB4, 12, RW, NOATTR), L4_ILLEGAL_OPERATION);
    UT_EQ(l4_vspace_lookup(&vs, va + 9 * KIB4, &got, &bits), L4_FAILED_LOOKUP);

    /* unmap: an owned frame is deleted, a given one only unmapped */
    UT_OK(l4_vspace_unmap(&vs, va + KIB4, &got));
    UT_EQ(got, L4_CPTR_NULL);
    UT_EQ(ut_id(f2), L4_CAP_NULL);
    VS_EXPECT_FAULT(VS_READ, va + KIB4, PF_USER);
    UT_OK(l4_vspace_unmap(&vs, va + 5 * KIB4, &got));
    UT_EQ(got, mine);
    UT_EQ(ut_id(mine), L4_CAP_FRAME_4K);
    UT_ERR(l4_vspace_unmap(&vs, va + 5 * KIB4, &got), L4_FAILED_LOOKUP);
    UT_ERR(l4_vspace_unmap(&vs, va + 8, &got), L4_FAILED_LOOKUP); /* not its start */
    VS_EXPECT_READ(va + 8, 0x5a5a);

    /* destroy: frames and tables deleted, their slots empty */
    l4_cptr_t pt = l4_vspace_table(&vs, L4_VSPACE_PT, va);
    l4_cptr_t pdpt = l4_vspace_table(&vs, L4_VSPACE_PDPT, va);
    UT_ASSERT(pt && pdpt);
    UT_OK(l4_vspace_destroy(&vs));
    UT_EQ(vs.nframes, 0);
    UT_EQ(vs.ntables, 0);
    UT_EQ(ut_id(f1), L4_CAP_NULL);
    UT_EQ(ut_id(pt), L4_CAP_NULL);
    UT_EQ(ut_id(pdpt), L4_CAP_NULL);
    VS_EXPECT_FAULT(VS_READ, va, PF_USER);
    UT_OK(ut_delete(mine));
}

UTEST(syslib_vspace_2m, "libl4 address-space helper: a 2 MiB frame needs no PT, overlaps and a PT "
                        "in its way are refused, destroy deletes it")
{
    struct l4_vspace vs;
    struct l4_vspace_table tables[4];
    struct l4_vspace_frame frames[2];
    l4_vspace_init(&vs, VS, ut_untyped_alloc(), tables, 4, frames, 2);
    uint64_t va = VA(52);
    l4_cptr_t f, big, got;
    unsigned bits;
    UT_OK(l4_vspace_map_new(&vs, va, 12, RW, NOATTR, &f));
    UT_OK(l4_vspace_map_new(&vs, va + 2 * MIB2, 21, RW, NOATTR, &big));
    UT_EQ(vs.ntables, 3); /* same PD; no PT under a 2 MiB frame */
    UT_EQ(ut_id(big), L4_CAP_FRAME_2M);
    UT_EQ(*(volatile l4_word_t *)(va + 2 * MIB2 + 0x12340), 0);
    *(volatile l4_word_t *)(va + 3 * MIB2 - 8) = 9; /* its last word */
    UT_EQ(*(volatile l4_word_t *)(va + 3 * MIB2 - 8), 9);
    UT_OK(l4_vspace_lookup(&vs, va + 2 * MIB2 + 0x100000, &got, &bits));
    UT_EQ(got, big);
    UT_EQ(bits, 21);
    UT_ERR(l4_vspace_map_new(&vs, va, 21, RW, NOATTR, &got), L4_DELETE_FIRST); /* the PT */
    UT_ERR(l4_vspace_map_new(&vs, va + 3 * MIB2 - KIB4, 12, RW, NOATTR, &got), L4_DELETE_FIRST);
    UT_ERR(l4_vspace_map_new(&vs, va + MIB2 + KIB4, 21, RW, NOATTR, &got), L4_ALIGNMENT_ERROR);
    UT_ERR(l4_vspace_map_new(&vs, UINT64_C(0x7fffffe00000), 21, RW, NOATTR, &got),
           L4_RANGE_ERROR); /* would cover the top page */
    UT_OK(l4_vspace_destroy(&vs));
    UT_EQ(ut_id(big), L4_CAP_NULL);
    UT_EQ(ut_id(f), L4_CAP_NULL);
}

UTEST(syslib_vspace_foreign_tables,
      "libl4 address-space helper: tables it finds already mapped are used and not recorded")
{
    struct vs_tables t;
    vs_tables(VS, VA(51), &t);
    struct l4_vspace vs;
    struct l4_vspace_table tables[4];
    struct l4_vspace_frame frames[2];
    l4_vspace_init(&vs, VS, ut_untyped_alloc(), tables, 4, frames, 2);
    l4_cptr_t f;
    UT_OK(l4_vspace_map_new(&vs, VA(51) + KIB4, 12, RW, NOATTR, &f));
    UT_EQ(vs.ntables, 0);
    UT_EQ(l4_vspace_table(&vs, L4_VSPACE_PT, VA(51)), L4_CPTR_NULL);
    *(volatile l4_word_t *)(VA(51) + KIB4) = 7;
    VS_EXPECT_READ(VA(51) + KIB4, 7);
    /* a new GiB under the same PDPT: a PD and a PT of its own */
    UT_OK(l4_vspace_map_new(&vs, VA(51) + GIB1, 12, RW, NOATTR, &f));
    UT_EQ(vs.ntables, 2);
    UT_ASSERT(l4_vspace_table(&vs, L4_VSPACE_PD, VA(51) + GIB1) != L4_CPTR_NULL);
    UT_EQ(l4_vspace_table(&vs, L4_VSPACE_PDPT, VA(51) + GIB1), L4_CPTR_NULL);
    UT_OK(l4_vspace_destroy(&vs));
    VS_EXPECT_FAULT(VS_READ, VA(51) + KIB4, PF_USER);
}
