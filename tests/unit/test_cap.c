/* SPDX-License-Identifier: MIT */
/* Unit tests of kernel/include/cap/cap.h and kernel/cap/cap.c: encodings and identity. */
#include <cap/cap.h>
#include "suites.h"

START_TEST(untyped_fields_round_trip)
{
    static char mem[64];
    cap_t c = cap_untyped_new(mem, 47, 1);
    ck_assert_int_eq(cap_type(c), CAP_UNTYPED);
    ck_assert_uint_eq(cap_untyped_size_bits(c), 47);
    ck_assert_int_eq(cap_untyped_is_device(c), 1);
    ck_assert_ptr_eq(cap_object(c), mem);
    ck_assert_uint_eq(cap_rights(c), CAP_RIGHTS_ALL);
    c = cap_untyped_set_free_offset(c, (1ull << 47) - 16);
    ck_assert_uint_eq(cap_untyped_free_offset(c), (1ull << 47) - 16);
    ck_assert_uint_eq(cap_untyped_size_bits(c), 47); /* neighbours untouched */
    ck_assert_int_eq(cap_untyped_is_device(c), 1);
    ck_assert_int_eq(cap_type(c), CAP_UNTYPED);
}
END_TEST

START_TEST(cnode_fields_round_trip)
{
    static cte_t slots[4];
    uint64_t guard = (1ull << CAP_GUARD_BITS) - 1;
    cap_t c = cap_cnode_new(slots, 28, 36, guard);
    ck_assert_uint_eq(cap_cnode_radix(c), 28);
    ck_assert_uint_eq(cap_cnode_guard_size(c), 36);
    ck_assert_uint_eq(cap_cnode_guard(c), guard);
    c = cap_cnode_set_guard(c, 0, 0);
    ck_assert_uint_eq(cap_cnode_guard(c), 0);
    ck_assert_uint_eq(cap_cnode_radix(c), 28);
    ck_assert_uint_eq(cap_object_size(c), 1ull << 33);
}
END_TEST

START_TEST(badge_and_rights_round_trip)
{
    static char ep[16];
    cap_t c = cap_object_new(CAP_ENDPOINT, ep);
    ck_assert_uint_eq(cap_badge(c), 0);
    c = cap_set_badge(c, (1ull << CAP_BADGE_BITS) - 1);
    ck_assert_uint_eq(cap_badge(c), (1ull << CAP_BADGE_BITS) - 1);
    c = cap_with_rights(c, CAP_RIGHT_READ | CAP_RIGHT_GRANT);
    ck_assert_uint_eq(cap_rights(c), CAP_RIGHT_READ | CAP_RIGHT_GRANT);
    ck_assert_uint_eq(cap_badge(c), (1ull << CAP_BADGE_BITS) - 1);
    ck_assert_int_eq(cap_type(c), CAP_ENDPOINT);
    /* a TCB has no badge, whatever the bits say */
    cap_t t = cap_set_badge(cap_object_new(CAP_TCB, ep), 5);
    ck_assert_uint_eq(cap_badge(t), 0);
}
END_TEST

START_TEST(same_object_and_covers)
{
    static char mem[4096] __attribute__((aligned(4096)));
    cap_t ut = cap_untyped_new(mem, 12, 0);
    cap_t half = cap_untyped_new(mem, 11, 0);
    cap_t ep = cap_object_new(CAP_ENDPOINT, mem + 4080);
    cap_t ep_badged = cap_set_badge(ep, 9);
    cap_t ntfn = cap_object_new(CAP_NOTIFICATION, mem + 4080);
    cap_t outside = cap_object_new(CAP_ENDPOINT, mem + 4096);
    ck_assert_int_eq(cap_same_object(ep, ep_badged), 1);
    ck_assert_int_eq(cap_same_object(ep, ntfn), 0); /* same address, other type */
    ck_assert_int_eq(cap_same_object(ut, half), 0); /* other size */
    ck_assert_int_eq(cap_same_object(cap_null(), cap_null()), 0);
    ck_assert_int_eq(cap_untyped_covers(ut, ep), 1);
    ck_assert_int_eq(cap_untyped_covers(ut, half), 1);
    ck_assert_int_eq(cap_untyped_covers(ut, outside), 0);
    /* a notification (32 bytes) at the last 16 bytes sticks out */
    ck_assert_int_eq(cap_untyped_covers(ut, ntfn), 0);
    ck_assert_int_eq(cap_untyped_covers(half, ep), 0);
    ck_assert_int_eq(cap_untyped_covers(ep, ep), 0);
}
END_TEST

Suite *cap_suite(void)
{
    Suite *s = suite_create("cap");
    TCase *tc = tcase_create("cap");
    tcase_add_test(tc, untyped_fields_round_trip);
    tcase_add_test(tc, cnode_fields_round_trip);
    tcase_add_test(tc, badge_and_rights_round_trip);
    tcase_add_test(tc, same_object_and_covers);
    suite_add_tcase(s, tc);
    return s;
}
