/* SPDX-License-Identifier: MIT */
/* Unit tests of kernel/cap/cspace.c: guarded radix lookup. */
#include <string.h>
#include <cap/cspace.h>
#include "suites.h"

static cte_t l1[16] __attribute__((aligned(32)));  /* radix 4 */
static cte_t l2[256] __attribute__((aligned(32))); /* radix 8 */
static char ep[16];

/* Root: radix 4, guard 0 of 4 bits (8 bits a level). Slot 3 of the root
 * points to l2: radix 8, guard 0x5 of 4 bits. Slot 7 of l2 holds an
 * endpoint, slot 1 of the root holds the root itself (a cycle). */
static cap_t setup(void)
{
    memset(l1, 0, sizeof l1);
    memset(l2, 0, sizeof l2);
    cap_t root = cap_cnode_new(l1, 4, 4, 0);
    l1[3].cap = cap_cnode_new(l2, 8, 4, 0x5);
    l2[7].cap = cap_object_new(CAP_ENDPOINT, ep);
    l1[1].cap = root;
    l1[2].cap = cap_object_new(CAP_ENDPOINT, ep);
    return root;
}

START_TEST(one_level_exact)
{
    cap_t root = setup();
    cte_t *s;
    ck_assert_int_eq(cspace_lookup_slot(root, 0x02, 8, &s), LOOKUP_OK);
    ck_assert_ptr_eq(s, &l1[2]);
    ck_assert_int_eq(cspace_lookup_slot(root, 0x0f, 8, &s), LOOKUP_OK); /* empty is fine */
    ck_assert_ptr_eq(s, &l1[15]);
}
END_TEST

START_TEST(two_levels_with_guard)
{
    cap_t root = setup();
    cte_t *s;
    /* 8 bits root (guard 0, index 3), 12 bits l2 (guard 5, index 7) */
    ck_assert_int_eq(cspace_lookup_slot(root, 0x03507, 20, &s), LOOKUP_OK);
    ck_assert_ptr_eq(s, &l2[7]);
    ck_assert_int_eq(cspace_lookup_slot(root, 0x03607, 20, &s), LOOKUP_GUARD_MISMATCH);
    ck_assert_ptr_null(s);
    ck_assert_int_eq(cspace_lookup_slot(root, 0x13507, 20, &s), LOOKUP_GUARD_MISMATCH);
}
END_TEST

START_TEST(depth_rules)
{
    cap_t root = setup();
    cte_t *s;
    ck_assert_int_eq(cspace_lookup_slot(root, 0x3, 8, &s), LOOKUP_OK); /* stops at l1[3] */
    ck_assert_ptr_eq(s, &l1[3]);
    ck_assert_int_eq(cspace_lookup_slot(root, 0x35, 12, &s), LOOKUP_DEPTH_MISMATCH);
    ck_assert_int_eq(cspace_lookup_slot(root, 0x2, 4, &s), LOOKUP_DEPTH_MISMATCH);
    ck_assert_int_eq(cspace_lookup_slot(root, 0x0211, 16, &s), LOOKUP_DEPTH_MISMATCH);
    ck_assert_int_eq(cspace_lookup_slot(root, 0, 0, &s), LOOKUP_BAD_DEPTH);
    ck_assert_int_eq(cspace_lookup_slot(root, 0, 65, &s), LOOKUP_BAD_DEPTH);
}
END_TEST

START_TEST(invalid_root_and_missing_cap)
{
    cap_t root = setup();
    cte_t *s;
    ck_assert_int_eq(cspace_lookup_slot(l1[2].cap, 0, 8, &s), LOOKUP_INVALID_ROOT);
    ck_assert_int_eq(cspace_lookup_slot(cap_null(), 0, 8, &s), LOOKUP_INVALID_ROOT);
    /* 64-bit lookups: 0x02 followed by 56 zero bits... the root only
     * consumes 8 bits, so the caller must place the cptr in the top bits */
    ck_assert_int_eq(cspace_lookup_cap(root, 0x02ull << 56, &s), LOOKUP_OK);
    ck_assert_ptr_eq(s, &l1[2]);
    ck_assert_int_eq(cspace_lookup_cap(root, 0x0full << 56, &s), LOOKUP_MISSING_CAP);
    ck_assert_int_eq(cspace_lookup_cap(root, 0x03507ull << 44, &s), LOOKUP_OK);
    ck_assert_ptr_eq(s, &l2[7]);
}
END_TEST

START_TEST(cycle_terminates)
{
    cap_t root = setup();
    cte_t *s;
    /* slot 1 is the root again: 8 levels of 0x01 use all 64 bits */
    ck_assert_int_eq(cspace_lookup_cap(root, 0x0101010101010101ull, &s), LOOKUP_OK);
    ck_assert_ptr_eq(s, &l1[1]);
    ck_assert_int_eq(cspace_lookup_slot(root, 0x0101010101010102ull, 64, &s), LOOKUP_OK);
    ck_assert_ptr_eq(s, &l1[2]);
}
END_TEST

START_TEST(bad_cnode_without_bits)
{
    /* a (malformed) CNode cap that consumes no bits must not loop */
    static cte_t one[1];
    cap_t bad = cap_cnode_new(one, 0, 0, 0);
    cte_t *s;
    ck_assert_int_eq(cspace_lookup_slot(bad, 0, 8, &s), LOOKUP_DEPTH_MISMATCH);
}
END_TEST

START_TEST(empty_slot_lookup)
{
    cap_t root = setup();
    cte_t *s;
    uint64_t d[2] = {7, 7};
    ck_assert_int_eq(cspace_lookup_empty_slot(root, 0x0f, 8, &s, d), L4_NO_ERROR);
    ck_assert_ptr_eq(s, &l1[15]);
    ck_assert(d[0] == 0 && d[1] == 0);
    ck_assert_int_eq(cspace_lookup_empty_slot(root, 0x02, 8, &s, d), L4_DELETE_FIRST);
    ck_assert_ptr_null(s);
    ck_assert_int_eq(cspace_lookup_empty_slot(root, 0x03506, 20, &s, d), L4_NO_ERROR);
    ck_assert_ptr_eq(s, &l2[6]);
    ck_assert_int_eq(cspace_lookup_empty_slot(root, 0x03607, 20, &s, d), L4_FAILED_LOOKUP);
    ck_assert(d[0] == 0 && d[1] == 0); /* a destination */
    ck_assert_int_eq(cspace_lookup_empty_slot(root, 0x2, 4, &s, d), L4_FAILED_LOOKUP);
    ck_assert_int_eq(cspace_lookup_empty_slot(root, 0, 0, &s, d), L4_RANGE_ERROR);
    ck_assert(d[0] == 1 && d[1] == 64);
    ck_assert_int_eq(cspace_lookup_empty_slot(root, 0, 65, &s, d), L4_RANGE_ERROR);
    ck_assert_int_eq(cspace_lookup_empty_slot(l1[2].cap, 0, 8, &s, d), L4_INVALID_CAPABILITY);
    ck_assert_ptr_null(s);
}
END_TEST

Suite *cspace_suite(void)
{
    Suite *s = suite_create("cspace");
    TCase *tc = tcase_create("cspace");
    tcase_add_test(tc, one_level_exact);
    tcase_add_test(tc, two_levels_with_guard);
    tcase_add_test(tc, depth_rules);
    tcase_add_test(tc, invalid_root_and_missing_cap);
    tcase_add_test(tc, cycle_terminates);
    tcase_add_test(tc, bad_cnode_without_bits);
    tcase_add_test(tc, empty_slot_lookup);
    suite_add_tcase(s, tc);
    return s;
}
