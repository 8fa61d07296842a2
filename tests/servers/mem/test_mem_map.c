/* SPDX-License-Identifier: MIT */
/*
 * The memory server's mappings: Map, Unmap, Protect, Query, the checks
 * of the Xen PV memory bug classes (a page outside the quota, another
 * compartment's space, kernel-half and non-canonical addresses, a
 * writable mapping of a page held read-only, double mappings, quota
 * overflow through page tables alone), and the batch (harness.h).
 */
#define L4_PV_MEM_CLIENT
#include <l4/pv/mem.h>
#include "harness.h"
#include "vspace_util.h"

static l4_word_t reserve_free(l4_cptr_t g)
{
    l4_word_t x = 0, rf = 0;
    mem_info(g, &x, &rf, &x, &x, &x, &x, &x);
    return rf;
}

UTEST(mem_map_checks, "mem: Map refuses a pfn outside the quota, a space not the caller's, "
                      "kernel-half, non-canonical, top-page and unaligned addresses, bad rights, "
                      "double mappings; each with no effect")
{
    UT_ASSERT(mh_start());
    UT_ASSERT(mh_compartment(0, 18, 4, 4, 100));
    UT_ASSERT(mh_compartment(1, 18, 4, 4, 100));
    l4_cptr_t a = mh.guest[0], b = mh.guest[1];
    l4_word_t sa = 0, sa2 = 0, sb = 0, pfn = 0, r = 0, n = mh.comp[0].pages;
    UT_OK(mem_space_create(a, &sa));
    UT_OK(mem_space_create(a, &sa2));
    UT_EQ(sa, 0);
    UT_EQ(sa2, 1);
    l4_word_t rf = reserve_free(a);
    /* a page outside the quota */
    UT_ERR(mem_map(a, sa, 0x400000, n, MH_RW), MEM_ERROR_BAD_PFN);
    UT_EQ(l4_get_mr(0), n);
    UT_EQ(l4_get_mr(1), n);
    UT_ERR(mem_map(a, sa, 0x400000, ~(l4_word_t)0, MH_RW), MEM_ERROR_BAD_PFN);
    /* another compartment's space: B has none, A's handle 1 means nothing to B */
    UT_ERR(mem_map(b, sa2, 0x400000, 0, MH_RW), MEM_ERROR_BAD_SPACE);
    UT_ERR(mem_map(a, 7, 0x400000, 0, MH_RW), MEM_ERROR_BAD_SPACE);
    UT_ERR(mem_map(a, ~(l4_word_t)0, 0x400000, 0, MH_RW), MEM_ERROR_BAD_SPACE);
    /* addresses */
    static const l4_word_t bad_va[] = {
        UINT64_C(0xffff800000000000), /* kernel half */
        UINT64_C(0xffffffff80000000), /* the kernel image */
        UINT64_C(0x0000800000000000), /* non-canonical */
        UINT64_C(0x8000000000000000), /* non-canonical */
        L4_USER_TOP,                  /* the top page of the user half */
        UINT64_C(0x400008),           /* unaligned */
    };
    for (unsigned i = 0; i < sizeof bad_va / sizeof bad_va[0]; i++) {
        UT_ERR(mem_map(a, sa, bad_va[i], 0, MH_RW), MEM_ERROR_BAD_ADDRESS);
        UT_EQ(l4_get_mr(0), bad_va[i]);
    }
    /* rights: none, no read, unknown bits */
    UT_ERR(mem_map(a, sa, 0x400000, 0, 0), MEM_ERROR_BAD_RIGHTS);
    UT_ERR(mem_map(a, sa, 0x400000, 0, MH_W), MEM_ERROR_BAD_RIGHTS);
    UT_ERR(mem_map(a, sa, 0x400000, 0, 8 | MH_R), MEM_ERROR_BAD_RIGHTS);
    /* nothing happened: no table was made, nothing is mapped */
    UT_EQ(reserve_free(a), rf);
    UT_ERR(mem_query(a, sa, 0x400000, &pfn, &r), MEM_ERROR_NOT_MAPPED);
    /* a good one; the same address again is refused, another is fine */
    UT_OK(mem_map(a, sa, 0x400000, 5, MH_RX));
    UT_ERR(mem_map(a, sa, 0x400000, 6, MH_RW), MEM_ERROR_OCCUPIED);
    UT_OK(mem_map(a, sa, 0x401000, 5, MH_RW)); /* one page in two places */
    UT_OK(mem_map(a, sa2, 0x400000, 5, MH_R)); /* and in another space */
    UT_OK(mem_query(a, sa, 0x400000, &pfn, &r));
    UT_EQ(pfn, 5);
    UT_EQ(r, MH_RX);
    /* B cannot see or touch A's mappings */
    UT_OK(mem_space_create(b, &sb));
    UT_EQ(sb, 0);
    UT_ERR(mem_query(b, sb, 0x400000, &pfn, &r), MEM_ERROR_NOT_MAPPED);
    UT_ERR(mem_unmap(b, sa2, 0x400000), MEM_ERROR_BAD_SPACE);
    /* Unmap, Protect, Query errors */
    UT_ERR(mem_unmap(a, sa, 0x402000), MEM_ERROR_NOT_MAPPED);
    UT_ERR(mem_unmap(a, sa, UINT64_C(0xffff800000000000)), MEM_ERROR_BAD_ADDRESS);
    UT_ERR(mem_protect(a, sa, 0x402000, MH_R), MEM_ERROR_NOT_MAPPED);
    UT_ERR(mem_protect(a, sa, 0x400000, MH_W), MEM_ERROR_BAD_RIGHTS);
    UT_OK(mem_protect(a, sa, 0x400000, MH_R));
    UT_OK(mem_query(a, sa, 0x400000, &pfn, &r));
    UT_EQ(r, MH_R);
    UT_OK(mem_unmap(a, sa, 0x400000));
    UT_ERR(mem_query(a, sa, 0x400000, &pfn, &r), MEM_ERROR_NOT_MAPPED);
    UT_OK(mem_map(a, sa, 0x400000, 6, MH_RW)); /* free again */
    /* SpaceDestroy: its mappings go, the handle is refused */
    UT_OK(mem_space_destroy(a, sa2));
    UT_ERR(mem_query(a, sa2, 0x400000, &pfn, &r), MEM_ERROR_BAD_SPACE);
    UT_ERR(mem_space_destroy(a, sa2), MEM_ERROR_BAD_SPACE);
}

UTEST(mem_read_only_page, "mem: a page the platform holds read-only cannot be mapped or protected "
                          "writable; mappings made before are reduced")
{
    UT_ASSERT(mh_start());
    UT_ASSERT(mh_compartment(0, 18, 4, 4, 100));
    l4_cptr_t a = mh.guest[0];
    l4_word_t s = 0, pfn = 0, r = 0;
    UT_OK(mem_space_create(a, &s));
    UT_OK(mem_map(a, s, 0x600000, 6, MH_RW));
    UT_ERR(mem_compartment_limit_pages(mh.root, 0, 5, 2, MH_W), MEM_ERROR_BAD_RIGHTS);
    UT_ERR(mem_compartment_limit_pages(mh.root, 0, mh.comp[0].pages - 1, 2, MH_R),
           MEM_ERROR_BAD_PFN);
    UT_ERR(mem_compartment_limit_pages(mh.guest[0], 0, 5, 2, MH_R), L4_ILLEGAL_OPERATION);
    UT_OK(mem_compartment_limit_pages(mh.root, 0, 5, 2, MH_R));
    UT_ERR(mem_map(a, s, 0x400000, 5, MH_RW), MEM_ERROR_BAD_RIGHTS);
    UT_EQ(l4_get_mr(0), MH_RW);
    UT_EQ(l4_get_mr(1), MH_R);
    UT_ERR(mem_map(a, s, 0x400000, 5, MH_RX), MEM_ERROR_BAD_RIGHTS);
    UT_OK(mem_map(a, s, 0x400000, 5, MH_R));
    UT_ERR(mem_protect(a, s, 0x400000, MH_RW), MEM_ERROR_BAD_RIGHTS);
    UT_OK(mem_query(a, s, 0x600000, &pfn, &r));
    UT_EQ(pfn, 6);
    UT_EQ(r, MH_R); /* reduced */
    /* the guest kernel's own window is read-only for them too */
    VS_EXPECT_FAULT(VS_WRITE, L4_PLAT_PHYS_BASE + 5 * 4096, PF_USER | PF_WRITE | PF_PRESENT);
    MH_PAGE(4)[0] = 1; /* its neighbour is not */
}

UTEST(mem_quota_tables, "mem: page tables alone exhaust a compartment's reserve: QuotaExhausted "
                        "for it, with no effect, while the other compartment goes on")
{
    UT_ASSERT(mh_start());
    UT_ASSERT(mh_compartment(0, 18, 4, 4, 100));
    UT_ASSERT(mh_compartment(1, 18, 2, 4, 100));
    l4_cptr_t b = mh.guest[1];
    l4_word_t s = 0, i = 0, x = 0;
    UT_OK(mem_space_create(b, &s));
    /* each mapping 512 GiB apart needs a fresh PDPT, PD and PT */
    l4_word_t st = L4_NO_ERROR, rf = 0;
    for (i = 0; i < 64; i++) {
        rf = reserve_free(b);
        st = mem_map(b, s, (i + 1) << 39, 0, MH_R);
        if (st != L4_NO_ERROR)
            break;
    }
    UT_EQ(st, MEM_ERROR_QUOTA_EXHAUSTED);
    UT_EQ(l4_get_mr(0), MEM_BATCH_ENTRY_QUOTA_MEMORY);
    UT_ASSERT(i > 2 && i < 64);
    /* short of three tables, but room for one: the refused map made none */
    UT_ASSERT(rf < 3 * 4096 && rf >= 4096);
    UT_EQ(reserve_free(b), rf);
    UT_ERR(mem_query(b, s, (i + 1) << 39, &x, &x), MEM_ERROR_NOT_MAPPED);
    UT_ERR(mem_map(b, s, (i + 1) << 39, 0, MH_R), MEM_ERROR_QUOTA_EXHAUSTED);
    UT_EQ(reserve_free(b), rf);
    /* a mapping under an existing table still works: the quota is for
     * tables, not for pages */
    UT_OK(mem_map(b, s, (UINT64_C(1) << 39) + 4096, 1, MH_R));
    /* the other compartment is not affected */
    l4_word_t sa = 0;
    UT_OK(mem_space_create(mh.guest[0], &sa));
    for (i = 0; i < 2; i++)
        UT_OK(mem_map(mh.guest[0], sa, (i + 1) << 39, i, MH_RW));
}

UTEST(mem_quota_spaces, "mem: max_spaces is enforced; a destroyed space's handle comes back")
{
    UT_ASSERT(mh_start());
    UT_ASSERT(mh_compartment(0, 18, 2, 4, 100));
    l4_word_t s0 = 0, s1 = 0, s2 = 0;
    UT_OK(mem_space_create(mh.guest[0], &s0));
    UT_OK(mem_space_create(mh.guest[0], &s1));
    UT_ERR(mem_space_create(mh.guest[0], &s2), MEM_ERROR_QUOTA_EXHAUSTED);
    UT_EQ(l4_get_mr(0), MEM_BATCH_ENTRY_QUOTA_SPACES);
    UT_EQ(l4_get_mr(1), 2);
    l4_word_t rf = reserve_free(mh.guest[0]);
    UT_OK(mem_space_destroy(mh.guest[0], s0));
    UT_OK(mem_space_create(mh.guest[0], &s2));
    UT_EQ(s2, s0);
    UT_EQ(reserve_free(mh.guest[0]), rf); /* its PML4 was kept and reused */
}

static void entry(unsigned i, l4_word_t op, l4_word_t space, l4_word_t va, l4_word_t pfn,
                  l4_word_t rights)
{
    MH_BATCH[i].op = (uint32_t)op;
    MH_BATCH[i].space = (uint32_t)space;
    MH_BATCH[i].vaddr = va;
    MH_BATCH[i].pfn = pfn;
    MH_BATCH[i].rights = (uint32_t)rights;
    MH_BATCH[i].result = 0xdead;
}

UTEST(mem_batch, "mem: a batch applies each entry on its own: a bad entry in the middle gets its "
                 "error and changes nothing, the others are applied; range protect and unmap")
{
    UT_ASSERT(mh_start());
    UT_ASSERT(mh_compartment(0, 20, 4, 4, 100));
    l4_cptr_t a = mh.guest[0];
    l4_word_t s = 0, failed = 0, first = 0, pfn = 0, r = 0, n = mh.comp[0].pages;
    UT_OK(mem_space_create(a, &s));
    entry(0, MEM_BATCH_ENTRY_OP_MAP, s, 0x400000, 1, MH_RW);
    entry(1, MEM_BATCH_ENTRY_OP_MAP, s, 0x401000, 2, MH_RW);
    entry(2, MEM_BATCH_ENTRY_OP_MAP, s, 0x402000, n, MH_RW); /* outside the quota */
    entry(3, MEM_BATCH_ENTRY_OP_MAP, s, 0x403000, 3, MH_RW);
    entry(4, MEM_BATCH_ENTRY_OP_PROTECT, s, 0x400000, 0, MH_R);
    entry(5, 99, s, 0x404000, 0, MH_R);                     /* unknown op */
    entry(6, MEM_BATCH_ENTRY_OP_MAP, s, 0x401000, 4, MH_R); /* occupied by entry 1 */
    UT_OK(mem_batch(a, 7, &failed, &first));
    UT_EQ(failed, 3);
    UT_EQ(first, 2);
    UT_EQ(MH_BATCH[0].result, 0);
    UT_EQ(MH_BATCH[1].result, 0);
    UT_EQ(MH_BATCH[2].result, MEM_ERROR_BAD_PFN);
    UT_EQ(MH_BATCH[3].result, 0);
    UT_EQ(MH_BATCH[4].result, 0);
    UT_EQ(MH_BATCH[5].result, L4_INVALID_ARGUMENT);
    UT_EQ(MH_BATCH[6].result, MEM_ERROR_OCCUPIED);
    UT_ERR(mem_query(a, s, 0x402000, &pfn, &r), MEM_ERROR_NOT_MAPPED);
    UT_OK(mem_query(a, s, 0x403000, &pfn, &r));
    UT_EQ(pfn, 3);
    UT_OK(mem_query(a, s, 0x400000, &pfn, &r));
    UT_EQ(r, MH_R);
    UT_OK(mem_query(a, s, 0x401000, &pfn, &r));
    UT_EQ(pfn, 2);
    /* a whole exec's worth in one call: 120 pages, with the guest's
     * batch builder (<l4/pv/mem.h>) */
    struct l4_pv_mem_batch bb;
    l4_pv_mem_batch_init(&bb, (void *)L4_PLAT_MEM_BATCH_VA);
    for (unsigned i = 0; i < 120; i++)
        UT_EQ(l4_pv_mem_batch_map(&bb, (uint32_t)s, 0x10000000 + i * 4096, i % n, MH_RW), 0);
    UT_OK(l4_pv_mem_batch_flush(&bb, a, &failed, &first));
    UT_EQ(failed, 0);
    UT_EQ(first, 120);
    UT_EQ(bb.count, 0);
    UT_EQ(l4_pv_mem_batch_result(&bb, 119), 0);
    /* write-protect the range for copy-on-write, with holes skipped */
    entry(0, MEM_BATCH_ENTRY_OP_PROTECT_RANGE, s, 0x10000000 - 8 * 4096, 136, MH_R);
    entry(1, MEM_BATCH_ENTRY_OP_PROTECT_RANGE, s, 0x10000000, 2, MH_W); /* bad rights */
    entry(2, MEM_BATCH_ENTRY_OP_UNMAP_RANGE, s, 0x10000000, 100, 0);
    UT_OK(mem_batch(a, 3, &failed, &first));
    UT_EQ(failed, 1);
    UT_EQ(MH_BATCH[1].result, MEM_ERROR_BAD_RIGHTS);
    UT_ERR(mem_query(a, s, 0x10000000 + 99 * 4096, &pfn, &r), MEM_ERROR_NOT_MAPPED);
    UT_OK(mem_query(a, s, 0x10000000 + 100 * 4096, &pfn, &r));
    UT_EQ(r, MH_R);
    UT_OK(mem_query(a, s, 0x10000000 + 119 * 4096, &pfn, &r));
    UT_EQ(r, MH_R);
    /* count beyond the batch pages */
    UT_ERR(mem_batch(a, MEM_BATCH_ENTRY_MAX_ENTRIES + 1, &failed, &first), L4_RANGE_ERROR);
    UT_EQ(l4_get_mr(1), MEM_BATCH_ENTRY_MAX_ENTRIES);
}

/* Call ep with label and words; the reply's label (the status). */
static l4_word_t call_raw(l4_cptr_t ep, l4_word_t label, unsigned len, const l4_word_t *w,
                          l4_cptr_t cap)
{
    struct l4_ipc_buffer *b = l4_ipc_buffer();
    l4_word_t mrs[L4_MSG_REGISTERS] = {0, 0, 0, 0};
    for (unsigned i = 0; i < len; i++) {
        if (i < L4_MSG_REGISTERS)
            mrs[i] = w[i];
        else
            b->msg[i] = w[i];
    }
    l4_msginfo_t info = 0;
    b->caps_or_badges[0] = cap;
    l4_error_t e = l4_call_mrs(ep, l4_msginfo_new(label, 0, cap ? 1 : 0, len), &info, mrs);
    return e != L4_NO_ERROR ? e : l4_msginfo_get_label(info);
}

UTEST(mem_garbage, "mem: random labels, words and batch entries from a guest get errors, never "
                   "stop the server or touch the other compartment")
{
    UT_ASSERT(mh_start());
    UT_ASSERT(mh_compartment(0, 19, 4, 4, 100));
    UT_ASSERT(mh_compartment(1, 18, 4, 4, 100));
    l4_word_t sb = 0, x = 0, pfn = 0, r = 0;
    UT_OK(mem_space_create(mh.guest[1], &sb));
    UT_OK(mem_map(mh.guest[1], sb, 0x400000, 7, MH_RW));
    ut_rnd_seed(0x6d656d);
    l4_cptr_t junk = ut_new(L4_OBJECT_NOTIFICATION, 0), fep = ut_new(L4_OBJECT_ENDPOINT, 0);
    static const l4_word_t interesting[] = {0,
                                            1,
                                            2,
                                            3,
                                            7,
                                            255,
                                            256,
                                            0x400000,
                                            0x1000,
                                            L4_USER_TOP,
                                            UINT64_C(0xffff800000000000),
                                            ~(l4_word_t)0,
                                            UINT64_C(1) << 47};
    const unsigned ni = sizeof interesting / sizeof interesting[0];
    for (unsigned i = 0; i < 3000; i++) {
        l4_word_t w[8];
        for (unsigned k = 0; k < 8; k++) {
            l4_word_t v = ut_rnd();
            w[k] = v & 1 ? interesting[(v >> 1) % ni] : v >> 8 & 0xffff;
        }
        l4_word_t label = ut_rnd() % 20;
        /* the admin labels too: a guest badge is refused (by the decoder
         * for a short message, else IllegalOperation) */
        /* every fourth carries a capability the server must not keep */
        l4_word_t e = call_raw(mh.guest[0], label, (unsigned)(ut_rnd() % 9), w,
                               i % 4 == 0 ? junk : L4_CPTR_NULL);
        if (label >= MEM_LABEL_COMPARTMENT_CREATE && label <= MEM_LABEL_COMPARTMENT_DESTROY)
            UT_ASSERT(e == L4_ILLEGAL_OPERATION || e == L4_TRUNCATED_MESSAGE ||
                      e == L4_RANGE_ERROR || e == L4_INVALID_CAPABILITY);
        /* and the batch pages full of noise */
        if (i % 100 == 0) {
            for (unsigned k = 0; k < 64; k++) {
                MH_BATCH[k].op = (uint32_t)(ut_rnd() % 7);
                MH_BATCH[k].space = (uint32_t)(ut_rnd() % 6);
                MH_BATCH[k].vaddr = interesting[ut_rnd() % ni];
                MH_BATCH[k].pfn = interesting[ut_rnd() % ni];
                MH_BATCH[k].rights = (uint32_t)(ut_rnd() % 16);
            }
            UT_OK(mem_batch(mh.guest[0], 64, &x, &x));
        }
    }
    /* the server still answers both, its receive slot is free for a
     * transfer, and B's mapping is as it was */
    UT_OK(mem_info(mh.guest[0], &x, &x, &x, &x, &x, &x, &x));
    l4_word_t sa = 0, h = 0;
    UT_OK(mem_space_create(mh.guest[1], &sa));
    UT_OK(mem_thread_create(mh.guest[1], sa, 5, 10, fep, UT_CNODE, ut_slot(), &h));
    UT_OK(mem_query(mh.guest[1], sb, 0x400000, &pfn, &r));
    UT_EQ(pfn, 7);
    UT_EQ(r, MH_RW);
    UT_ASSERT(mh_destroy(0));
    UT_ASSERT(mh_destroy(1));
}

UTEST(mem_quota_slots, "mem: mappings alone exhaust a compartment's slots: the entries past its "
                       "budget fail in the batch with QuotaExhausted (slots), the rest apply")
{
    UT_ASSERT(mh_start());
    UT_ASSERT(mh_compartment(0, 18, 4, 4, 100));
    l4_cptr_t a = mh.guest[0];
    l4_word_t s = 0, failed = 0, first = 0, x = 0, slots = 0, pfn = 0, r = 0;
    UT_OK(mem_space_create(a, &s));
    UT_OK(mem_map(a, s, 0x400000, 0, MH_R)); /* the tables, made once */
    UT_OK(mem_info(a, &x, &x, &x, &x, &x, &x, &slots));
    UT_ASSERT(slots > 10 && slots < 200);
    /* one page mapped slots + 5 times: one slot per mapping */
    struct l4_pv_mem_batch bb;
    l4_pv_mem_batch_init(&bb, (void *)L4_PLAT_MEM_BATCH_VA);
    for (l4_word_t i = 0; i < slots + 5; i++)
        UT_EQ(l4_pv_mem_batch_map(&bb, (uint32_t)s, 0x401000 + i * 4096, 1, MH_R), 0);
    UT_OK(l4_pv_mem_batch_flush(&bb, a, &failed, &first));
    UT_EQ(failed, 5);
    UT_EQ(first, slots);
    UT_EQ(MH_BATCH[slots].result, MEM_ERROR_QUOTA_EXHAUSTED);
    UT_EQ(MH_BATCH[slots - 1].result, 0);
    UT_ERR(mem_query(a, s, 0x401000 + slots * 4096, &pfn, &r), MEM_ERROR_NOT_MAPPED);
    UT_ERR(mem_map(a, s, 0x401000 + slots * 4096, 2, MH_R), MEM_ERROR_QUOTA_EXHAUSTED);
    UT_EQ(l4_get_mr(0), MEM_BATCH_ENTRY_QUOTA_SLOTS);
    /* an unmap gives one back */
    UT_OK(mem_unmap(a, s, 0x401000));
    UT_OK(mem_map(a, s, 0x401000 + slots * 4096, 2, MH_R));
}
