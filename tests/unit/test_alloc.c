/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the allocators' bookkeeping (libl4/alloc/slot.c,
 * untyped.c, pool.c; <l4/alloc.h>): slot allocation single and contiguous
 * at bitmap word edges, exhaustion, double and wild frees, ranges that
 * wrap or overrun, against a bool-per-slot model; the kernel's placement
 * rule (alignment, room, counts that would overflow a product); the
 * choice of untyped (best fit, device memory only when asked and only for
 * untypeds and frames, reuse from the base once everything is freed); and
 * the object pool's stack (double put, wrong type, full, zeroed flag).
 */
#include <stdlib.h>
#include <string.h>
#include <l4/alloc.h>
#include "suites.h"

/* --- Slots ------------------------------------------------------------------------ */

#define NSLOTS 130 /* two full words and a partial one */

static struct l4_slot_alloc sa;
static uint64_t bits[L4_SLOT_BITMAP_WORDS(NSLOTS)];

static void slot_setup(void)
{
    ck_assert_int_eq(l4_slot_alloc_init(&sa, 1000, NSLOTS, bits, sizeof bits / 8), L4_NO_ERROR);
}

START_TEST(slot_init_errors)
{
    uint64_t w[4];
    ck_assert_int_eq(l4_slot_alloc_init(&sa, 0, 0, w, 4), L4_INVALID_ARGUMENT);
    ck_assert_int_eq(l4_slot_alloc_init(&sa, 0, 257, w, 4), L4_INVALID_ARGUMENT);
    ck_assert_int_eq(l4_slot_alloc_init(&sa, 0, 10, NULL, 4), L4_INVALID_ARGUMENT);
    ck_assert_int_eq(l4_slot_alloc_init(&sa, UINT64_MAX - 5, 10, w, 4), L4_RANGE_ERROR);
    ck_assert_int_eq(l4_slot_alloc_init(&sa, 0, UINT64_MAX, w, 4), L4_INVALID_ARGUMENT);
    ck_assert_int_eq(l4_slot_alloc_init(&sa, 0, 256, w, 4), L4_NO_ERROR);
}
END_TEST

START_TEST(slot_single_exhaust_and_free)
{
    l4_word_t s, seen[NSLOTS];
    for (unsigned i = 0; i < NSLOTS; i++) {
        ck_assert_int_eq(l4_slot_alloc(&sa, &s), L4_NO_ERROR);
        ck_assert_uint_eq(s, 1000 + i); /* lowest first from a fresh allocator */
        seen[i] = s;
    }
    ck_assert_int_eq(l4_slot_alloc(&sa, &s), L4_NOT_ENOUGH_MEMORY);
    ck_assert_uint_eq(l4_slot_alloc_high(&sa), 1000 + NSLOTS);
    ck_assert_int_eq(l4_slot_free(&sa, seen[64]), L4_NO_ERROR);
    ck_assert_int_eq(l4_slot_free(&sa, seen[64]), L4_ILLEGAL_OPERATION); /* double free */
    ck_assert_int_eq(l4_slot_alloc(&sa, &s), L4_NO_ERROR);
    ck_assert_uint_eq(s, seen[64]); /* the only free one, past full words */
    ck_assert_int_eq(l4_slot_free(&sa, 999), L4_RANGE_ERROR);
    ck_assert_int_eq(l4_slot_free(&sa, 1000 + NSLOTS), L4_RANGE_ERROR);
    ck_assert_int_eq(l4_slot_free(&sa, UINT64_MAX), L4_RANGE_ERROR);
    ck_assert_uint_eq(sa.nfree, 0);
}
END_TEST

START_TEST(slot_range)
{
    l4_word_t f, s;
    ck_assert_int_eq(l4_slot_alloc_range(&sa, 0, &f), L4_INVALID_ARGUMENT);
    ck_assert_int_eq(l4_slot_alloc_range(&sa, NSLOTS + 1, &f), L4_RANGE_ERROR);
    ck_assert_int_eq(l4_slot_alloc_range(&sa, UINT64_MAX, &f), L4_RANGE_ERROR);
    ck_assert_int_eq(l4_slot_alloc_range(&sa, 60, &f), L4_NO_ERROR);
    ck_assert_uint_eq(f, 1000);
    ck_assert_int_eq(l4_slot_alloc_range(&sa, 10, &f), L4_NO_ERROR);
    ck_assert_uint_eq(f, 1060); /* across the word edge at 64 */
    ck_assert_int_eq(l4_slot_free_range(&sa, 1010, 5), L4_NO_ERROR);
    ck_assert_int_eq(l4_slot_alloc_range(&sa, 6, &f), L4_NO_ERROR);
    ck_assert_uint_eq(f, 1070); /* the hole of 5 is too small */
    ck_assert_int_eq(l4_slot_alloc_range(&sa, 5, &f), L4_NO_ERROR);
    ck_assert_uint_eq(f, 1010);
    /* a range partly free is refused whole */
    ck_assert_int_eq(l4_slot_free(&sa, 1075), L4_NO_ERROR);
    ck_assert_int_eq(l4_slot_free_range(&sa, 1070, 6), L4_ILLEGAL_OPERATION);
    ck_assert(l4_slot_in_use(&sa, 1070));
    ck_assert_int_eq(l4_slot_free_range(&sa, 1070, 5), L4_NO_ERROR);
    /* ranges past the end, or wrapping */
    ck_assert_int_eq(l4_slot_free_range(&sa, 1000 + NSLOTS - 1, 2), L4_RANGE_ERROR);
    ck_assert_int_eq(l4_slot_free_range(&sa, 1001, UINT64_MAX), L4_RANGE_ERROR);
    ck_assert_int_eq(l4_slot_free_range(&sa, 1001, 0), L4_INVALID_ARGUMENT);
    /* 1070.. is one run of 60 now; 1000..1069 all in use */
    ck_assert_int_eq(l4_slot_alloc_range(&sa, NSLOTS - 70 + 1, &f), L4_NOT_ENOUGH_MEMORY);
    ck_assert_int_eq(l4_slot_alloc_range(&sa, NSLOTS - 70, &f), L4_NO_ERROR);
    ck_assert_uint_eq(f, 1070);
    ck_assert_int_eq(l4_slot_alloc(&sa, &s), L4_NOT_ENOUGH_MEMORY);
    /* free but fragmented: not enough in a row */
    ck_assert_int_eq(l4_slot_free(&sa, 1001), L4_NO_ERROR);
    ck_assert_int_eq(l4_slot_free(&sa, 1003), L4_NO_ERROR);
    ck_assert_int_eq(l4_slot_alloc_range(&sa, 2, &f), L4_NOT_ENOUGH_MEMORY);
    ck_assert_int_eq(l4_slot_alloc(&sa, &s), L4_NO_ERROR);
    ck_assert_uint_eq(s, 1001);
}
END_TEST

START_TEST(slot_reserve_and_high)
{
    l4_word_t s;
    ck_assert_uint_eq(l4_slot_alloc_high(&sa), 1000);
    ck_assert_int_eq(l4_slot_reserve(&sa, 1129), L4_NO_ERROR);
    ck_assert_int_eq(l4_slot_reserve(&sa, 1129), L4_DELETE_FIRST);
    ck_assert_int_eq(l4_slot_reserve(&sa, 1130), L4_RANGE_ERROR);
    ck_assert_uint_eq(l4_slot_alloc_high(&sa), 1130);
    ck_assert_int_eq(l4_slot_alloc(&sa, &s), L4_NO_ERROR);
    ck_assert_uint_eq(s, 1000);
    ck_assert(!l4_slot_in_use(&sa, 1001));
    ck_assert(!l4_slot_in_use(&sa, 5));
}
END_TEST

/* Random operations against a bool-per-slot model. */
START_TEST(slot_matches_model)
{
    bool used[NSLOTS] = {0};
    unsigned nused = 0;
    srand(7);
    for (int step = 0; step < 20000; step++) {
        int op = rand() % 3;
        l4_word_t n = 1 + (l4_word_t)(rand() % 8), s;
        if (op == 0) {
            l4_error_t e = l4_slot_alloc(&sa, &s);
            if (nused == NSLOTS) {
                ck_assert_int_eq(e, L4_NOT_ENOUGH_MEMORY);
                continue;
            }
            ck_assert_int_eq(e, L4_NO_ERROR);
            ck_assert(s >= 1000 && s < 1000 + NSLOTS && !used[s - 1000]);
            used[s - 1000] = true;
            nused++;
        } else if (op == 1) {
            l4_error_t e = l4_slot_alloc_range(&sa, n, &s);
            /* the model's lowest run */
            l4_word_t run = 0, want = 0;
            bool found = false;
            for (l4_word_t i = 0; i < NSLOTS && !found; i++) {
                run = used[i] ? 0 : run + 1;
                if (run == n) {
                    want = i + 1 - n;
                    found = true;
                }
            }
            ck_assert_int_eq(e, found ? L4_NO_ERROR : L4_NOT_ENOUGH_MEMORY);
            if (found) {
                ck_assert_uint_eq(s, 1000 + want);
                for (l4_word_t i = want; i < want + n; i++)
                    used[i] = true;
                nused += (unsigned)n;
            }
        } else {
            l4_word_t at = (l4_word_t)(rand() % NSLOTS);
            l4_word_t len = at + n <= NSLOTS ? n : NSLOTS - at;
            bool all = true;
            for (l4_word_t i = at; i < at + len; i++)
                all = all && used[i];
            ck_assert_int_eq(l4_slot_free_range(&sa, 1000 + at, len),
                             all ? L4_NO_ERROR : L4_ILLEGAL_OPERATION);
            if (all) {
                for (l4_word_t i = at; i < at + len; i++)
                    used[i] = false;
                nused -= (unsigned)len;
            }
        }
        ck_assert_uint_eq(sa.nfree, NSLOTS - nused);
    }
}
END_TEST

/* --- Untyped placement and choice ---------------------------------------------------- */

START_TEST(place_mirrors_kernel)
{
    l4_word_t off, wm;
    /* aligned to the object's size */
    ck_assert_int_eq(l4_untyped_place(0x10, 16, 12, 1, &off, &wm), L4_NO_ERROR);
    ck_assert_uint_eq(off, 0x1000);
    ck_assert_uint_eq(wm, 0x2000);
    /* exactly full, then one more */
    ck_assert_int_eq(l4_untyped_place(0, 16, 12, 16, &off, &wm), L4_NO_ERROR);
    ck_assert_uint_eq(wm, 0x10000);
    ck_assert_int_eq(l4_untyped_place(0x10, 16, 12, 15, &off, &wm), L4_NO_ERROR);
    ck_assert_int_eq(l4_untyped_place(0x10, 16, 12, 16, &off, &wm), L4_NOT_ENOUGH_MEMORY);
    ck_assert_int_eq(l4_untyped_place(0x10000, 16, 4, 1, &off, &wm), L4_NOT_ENOUGH_MEMORY);
    /* object larger than the untyped, counts whose product overflows */
    ck_assert_int_eq(l4_untyped_place(0, 16, 17, 1, &off, &wm), L4_NOT_ENOUGH_MEMORY);
    ck_assert_int_eq(l4_untyped_place(0, 47, 12, UINT64_C(1) << 52, &off, &wm),
                     L4_NOT_ENOUGH_MEMORY);
    ck_assert_int_eq(l4_untyped_place(0, 47, 4, UINT64_MAX, &off, &wm), L4_NOT_ENOUGH_MEMORY);
    ck_assert_int_eq(l4_untyped_place(0, 47, 47, 1, &off, &wm), L4_NO_ERROR);
    ck_assert_uint_eq(wm, UINT64_C(1) << 47);
    ck_assert_int_eq(l4_untyped_place(UINT64_MAX, 47, 4, 1, &off, &wm), L4_NOT_ENOUGH_MEMORY);
    ck_assert_int_eq(l4_untyped_place(0, 48, 4, 1, &off, &wm), L4_NOT_ENOUGH_MEMORY);
    ck_assert_int_eq(l4_untyped_place(0, 16, 4, 0, &off, &wm), L4_INVALID_ARGUMENT);
}
END_TEST

static struct l4_untyped uts[4];
static struct l4_untyped_alloc ua;
static const struct l4_cspace_dest dest = {.root = 1, .cptr_depth = 64};

static void ua_setup(void)
{
    slot_setup();
    l4_untyped_alloc_init(&ua, uts, 4, &sa, &dest);
}

START_TEST(untyped_add_errors)
{
    ck_assert_int_eq(l4_untyped_alloc_add(&ua, 10, 3, 0, false), L4_RANGE_ERROR);
    ck_assert_int_eq(l4_untyped_alloc_add(&ua, 10, 48, 0, false), L4_RANGE_ERROR);
    ck_assert_int_eq(l4_untyped_alloc_add(&ua, 10, 16, 0x1000, false), L4_ALIGNMENT_ERROR);
    for (unsigned i = 0; i < 4; i++)
        ck_assert_int_eq(l4_untyped_alloc_add(&ua, 10 + i, 16, 0x10000 * i, false), L4_NO_ERROR);
    ck_assert_int_eq(l4_untyped_alloc_add(&ua, 20, 16, 0, false), L4_NOT_ENOUGH_MEMORY);
}
END_TEST

START_TEST(untyped_pick_best_fit)
{
    unsigned i;
    l4_word_t off;
    ck_assert_int_eq(l4_untyped_alloc_add(&ua, 10, 22, 0x400000, false), L4_NO_ERROR); /* 0 */
    ck_assert_int_eq(l4_untyped_alloc_add(&ua, 11, 14, 0x10000, false), L4_NO_ERROR);  /* 1 */
    ck_assert_int_eq(l4_untyped_alloc_add(&ua, 12, 14, 0x20000, false), L4_NO_ERROR);  /* 2 */
    ck_assert_int_eq(l4_untyped_alloc_add(&ua, 13, 22, 0x800000, true), L4_NO_ERROR);  /* 3 dev */
    /* a small object: the smallest untyped */
    ck_assert_int_eq(l4_untyped_alloc_pick(&ua, L4_OBJECT_ENDPOINT, 0, 1, 0, &i, &off),
                     L4_NO_ERROR);
    ck_assert_uint_eq(i, 1);
    l4_untyped_alloc_commit(&ua, 1, off, 4, 1);
    /* among equals, the one already in use stays the choice */
    ck_assert_int_eq(l4_untyped_alloc_pick(&ua, L4_OBJECT_TCB, 0, 1, 0, &i, &off), L4_NO_ERROR);
    ck_assert_uint_eq(i, 1);
    ck_assert_uint_eq(off, 0x800); /* aligned past the endpoint */
    l4_untyped_alloc_commit(&ua, 1, off, 11, 1);
    /* too big for the small ones: the big one; never device memory */
    ck_assert_int_eq(l4_untyped_alloc_pick(&ua, L4_OBJECT_FRAME_2M, 0, 1, 0, &i, &off),
                     L4_NO_ERROR);
    ck_assert_uint_eq(i, 0);
    ck_assert_int_eq(l4_untyped_alloc_pick(&ua, L4_OBJECT_FRAME_2M, 0, 3, 0, &i, &off),
                     L4_NOT_ENOUGH_MEMORY);
    /* device memory only when asked, and only untyped and frames */
    ck_assert_int_eq(
        l4_untyped_alloc_pick(&ua, L4_OBJECT_FRAME_2M, 0, 2, L4_ALLOC_DEVICE, &i, &off),
        L4_NO_ERROR);
    ck_assert_uint_eq(i, 3);
    ck_assert_int_eq(l4_untyped_alloc_pick(&ua, L4_OBJECT_TCB, 0, 1, L4_ALLOC_DEVICE, &i, &off),
                     L4_ILLEGAL_OPERATION);
    ck_assert_int_eq(l4_untyped_alloc_pick(&ua, L4_OBJECT_PT, 0, 1, L4_ALLOC_DEVICE, &i, &off),
                     L4_ILLEGAL_OPERATION);
    /* bad type, size, count */
    ck_assert_int_eq(l4_untyped_alloc_pick(&ua, 0, 0, 1, 0, &i, &off), L4_INVALID_ARGUMENT);
    ck_assert_int_eq(l4_untyped_alloc_pick(&ua, 99, 0, 1, 0, &i, &off), L4_INVALID_ARGUMENT);
    ck_assert_int_eq(l4_untyped_alloc_pick(&ua, L4_OBJECT_CNODE, 0, 1, 0, &i, &off),
                     L4_INVALID_ARGUMENT);
    ck_assert_int_eq(l4_untyped_alloc_pick(&ua, L4_OBJECT_CNODE, 29, 1, 0, &i, &off),
                     L4_INVALID_ARGUMENT);
    ck_assert_int_eq(l4_untyped_alloc_pick(&ua, L4_OBJECT_UNTYPED, 48, 1, 0, &i, &off),
                     L4_INVALID_ARGUMENT);
    ck_assert_int_eq(l4_untyped_alloc_pick(&ua, L4_OBJECT_ENDPOINT, 0, 0, 0, &i, &off),
                     L4_RANGE_ERROR);
    ck_assert_int_eq(l4_untyped_alloc_pick(&ua, L4_OBJECT_ENDPOINT, 0, 257, 0, &i, &off),
                     L4_RANGE_ERROR);
    ck_assert_int_eq(l4_untyped_alloc_pick(&ua, L4_OBJECT_ENDPOINT, 0, UINT64_MAX, 0, &i, &off),
                     L4_RANGE_ERROR);
    /* a CNode of radix 10 (32 KiB) fits only the big one */
    ck_assert_int_eq(l4_untyped_alloc_pick(&ua, L4_OBJECT_CNODE, 10, 1, 0, &i, &off), L4_NO_ERROR);
    ck_assert_uint_eq(i, 0);
}
END_TEST

START_TEST(untyped_release_resets)
{
    unsigned i;
    l4_word_t off;
    ck_assert_int_eq(l4_untyped_alloc_add(&ua, 10, 13, 0x2000, false), L4_NO_ERROR);
    ck_assert_int_eq(l4_untyped_alloc_pick(&ua, L4_OBJECT_FRAME_4K, 0, 2, 0, &i, &off),
                     L4_NO_ERROR);
    l4_untyped_alloc_commit(&ua, i, off, 12, 2);
    ck_assert_int_eq(l4_untyped_alloc_pick(&ua, L4_OBJECT_ENDPOINT, 0, 1, 0, &i, &off),
                     L4_NOT_ENOUGH_MEMORY);
    ck_assert_int_eq(l4_untyped_alloc_release(&ua, 0, 1), L4_NO_ERROR);
    /* a watermark allocator: one freed object gives no room back */
    ck_assert_int_eq(l4_untyped_alloc_pick(&ua, L4_OBJECT_ENDPOINT, 0, 1, 0, &i, &off),
                     L4_NOT_ENOUGH_MEMORY);
    ck_assert_int_eq(l4_untyped_alloc_release(&ua, 0, 2), L4_ILLEGAL_OPERATION);
    ck_assert_int_eq(l4_untyped_alloc_release(&ua, 0, 0), L4_ILLEGAL_OPERATION);
    ck_assert_int_eq(l4_untyped_alloc_release(&ua, 1, 1), L4_RANGE_ERROR);
    ck_assert_int_eq(l4_untyped_alloc_release(&ua, 0, 1), L4_NO_ERROR);
    /* nothing left: from the base again, as the kernel does */
    ck_assert_int_eq(l4_untyped_alloc_pick(&ua, L4_OBJECT_FRAME_4K, 0, 2, 0, &i, &off),
                     L4_NO_ERROR);
    ck_assert_uint_eq(off, 0);
    ck_assert_int_eq(l4_untyped_alloc_release(&ua, 0, 1), L4_ILLEGAL_OPERATION);
}
END_TEST

/* --- Pools ---------------------------------------------------------------------------- */

START_TEST(pool_bookkeeping)
{
    struct l4_pool p;
    struct l4_object arr[4], o;
    ck_assert_int_eq(l4_pool_init(&p, &ua, 0, 0, 0, 1, arr, 4), L4_INVALID_ARGUMENT);
    ck_assert_int_eq(l4_pool_init(&p, &ua, L4_OBJECT_FRAME_4K, 0, 0, 0, arr, 4),
                     L4_INVALID_ARGUMENT);
    ck_assert_int_eq(l4_pool_init(&p, &ua, L4_OBJECT_FRAME_4K, 0, 0, 5, arr, 4),
                     L4_INVALID_ARGUMENT);
    ck_assert_int_eq(l4_pool_init(&p, &ua, L4_OBJECT_FRAME_4K, 0, 0, 257, arr, 300),
                     L4_INVALID_ARGUMENT);
    ck_assert_int_eq(l4_pool_init(&p, &ua, L4_OBJECT_FRAME_4K, 0, 0, 2, arr, 4), L4_NO_ERROR);
    ck_assert_int_eq(l4_pool_pop(&p, &o), L4_NOT_ENOUGH_MEMORY);
    struct l4_object f = {.cap = 50, .type = L4_OBJECT_FRAME_4K, .flags = L4_OBJECT_ZEROED};
    struct l4_object g = {.cap = 51, .type = L4_OBJECT_FRAME_4K, .flags = L4_OBJECT_ZEROED};
    struct l4_object t = {.cap = 52, .type = L4_OBJECT_TCB};
    ck_assert_int_eq(l4_pool_put(&p, &f, false), L4_NO_ERROR);
    ck_assert_int_eq(l4_pool_put(&p, &f, false), L4_ILLEGAL_OPERATION);
    ck_assert_int_eq(l4_pool_put(&p, &t, true), L4_INVALID_ARGUMENT);
    ck_assert_int_eq(l4_pool_put(&p, &g, true), L4_NO_ERROR);
    ck_assert_int_eq(l4_pool_pop(&p, &o), L4_NO_ERROR);
    ck_assert_uint_eq(o.cap, 51);
    ck_assert_uint_eq(o.flags & L4_OBJECT_ZEROED, L4_OBJECT_ZEROED);
    ck_assert_int_eq(l4_pool_pop(&p, &o), L4_NO_ERROR);
    ck_assert_uint_eq(o.cap, 50);
    ck_assert_uint_eq(o.flags & L4_OBJECT_ZEROED, 0); /* its owner wrote to it */
    for (unsigned c = 0; c < 4; c++) {
        f.cap = 60 + c;
        ck_assert_int_eq(l4_pool_put(&p, &f, true), L4_NO_ERROR);
    }
    f.cap = 70;
    ck_assert_int_eq(l4_pool_put(&p, &f, true), L4_NOT_ENOUGH_MEMORY);
    /* an untyped pool checks the size too */
    ck_assert_int_eq(l4_pool_init(&p, &ua, L4_OBJECT_UNTYPED, 12, 0, 1, arr, 4), L4_NO_ERROR);
    struct l4_object u = {.cap = 80, .type = L4_OBJECT_UNTYPED, .size_bits = 13};
    ck_assert_int_eq(l4_pool_put(&p, &u, true), L4_INVALID_ARGUMENT);
}
END_TEST

Suite *alloc_suite(void)
{
    Suite *s = suite_create("alloc");
    TCase *tc = tcase_create("slots");
    tcase_add_checked_fixture(tc, slot_setup, NULL);
    tcase_add_test(tc, slot_init_errors);
    tcase_add_test(tc, slot_single_exhaust_and_free);
    tcase_add_test(tc, slot_range);
    tcase_add_test(tc, slot_reserve_and_high);
    tcase_add_test(tc, slot_matches_model);
    suite_add_tcase(s, tc);
    tc = tcase_create("untyped");
    tcase_add_checked_fixture(tc, ua_setup, NULL);
    tcase_add_test(tc, place_mirrors_kernel);
    tcase_add_test(tc, untyped_add_errors);
    tcase_add_test(tc, untyped_pick_best_fit);
    tcase_add_test(tc, untyped_release_resets);
    tcase_add_test(tc, pool_bookkeeping);
    suite_add_tcase(s, tc);
    return s;
}
