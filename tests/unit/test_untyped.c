/* SPDX-License-Identifier: MIT */
/* Unit tests of kernel/obj/untyped.c: retype sizes and placement. */
#include <obj/untyped.h>
#include "suites.h"

START_TEST(object_sizes)
{
    unsigned b;
    ck_assert_int_eq(untyped_object_bits(CAP_TCB, 0, &b), UNTYPED_OK);
    ck_assert_uint_eq(b, 11);
    ck_assert_int_eq(untyped_object_bits(CAP_ENDPOINT, 99, &b), UNTYPED_OK);
    ck_assert_uint_eq(b, 4);
    ck_assert_int_eq(untyped_object_bits(CAP_CNODE, 8, &b), UNTYPED_OK);
    ck_assert_uint_eq(b, 13);
    ck_assert_int_eq(untyped_object_bits(CAP_CNODE, 0, &b), UNTYPED_BAD_SIZE);
    ck_assert_int_eq(untyped_object_bits(CAP_CNODE, 29, &b), UNTYPED_BAD_SIZE);
    ck_assert_int_eq(untyped_object_bits(CAP_UNTYPED, 3, &b), UNTYPED_BAD_SIZE);
    ck_assert_int_eq(untyped_object_bits(CAP_UNTYPED, 48, &b), UNTYPED_BAD_SIZE);
    ck_assert_int_eq(untyped_object_bits(CAP_NULL, 0, &b), UNTYPED_BAD_TYPE);
    ck_assert_int_eq(untyped_object_bits((enum cap_type)77, 0, &b), UNTYPED_BAD_TYPE);
}
END_TEST

START_TEST(placement_aligns_after_watermark)
{
    cap_t ut = cap_untyped_set_free_offset(cap_untyped_new((void *)0x100000, 16, 0), 0x30);
    uint64_t first, nf;
    /* endpoints (16 B) follow at once; a TCB (2 KiB) aligns up */
    ck_assert_int_eq(untyped_place(ut, 1, 4, 3, &first, &nf), UNTYPED_OK);
    ck_assert_uint_eq(first, 0x30);
    ck_assert_uint_eq(nf, 0x60);
    ck_assert_int_eq(untyped_place(ut, 1, 11, 2, &first, &nf), UNTYPED_OK);
    ck_assert_uint_eq(first, 0x800);
    ck_assert_uint_eq(nf, 0x1800);
}
END_TEST

START_TEST(placement_resets_without_children)
{
    cap_t ut = cap_untyped_set_free_offset(cap_untyped_new((void *)0x100000, 12, 0), 0x1000);
    uint64_t first, nf;
    ck_assert_int_eq(untyped_place(ut, 1, 4, 1, &first, &nf), UNTYPED_NO_MEMORY);
    ck_assert_int_eq(untyped_place(ut, 0, 4, 1, &first, &nf), UNTYPED_OK); /* all revoked */
    ck_assert_uint_eq(first, 0);
}
END_TEST

START_TEST(placement_limits)
{
    cap_t ut = cap_untyped_new((void *)0x100000, 12, 0);
    uint64_t first, nf;
    ck_assert_int_eq(untyped_place(ut, 0, 4, 256, &first, &nf), UNTYPED_OK); /* exactly full */
    ck_assert_uint_eq(nf, 4096);
    ck_assert_int_eq(untyped_place(ut, 0, 4, 257, &first, &nf), UNTYPED_NO_MEMORY);
    ck_assert_int_eq(untyped_place(ut, 0, 13, 1, &first, &nf), UNTYPED_NO_MEMORY);
    ck_assert_int_eq(untyped_place(ut, 0, 4, 0, &first, &nf), UNTYPED_BAD_COUNT);
    ck_assert_int_eq(untyped_place(ut, 0, 4, ~0ull, &first, &nf), UNTYPED_NO_MEMORY);
    cap_t big = cap_untyped_new((void *)0, 47, 0);
    ck_assert_int_eq(untyped_place(big, 0, 4, 1ull << 43, &first, &nf), UNTYPED_OK);
    ck_assert_uint_eq(nf, 1ull << 47);
    ck_assert_int_eq(untyped_place(big, 0, 4, (1ull << 43) + 1, &first, &nf), UNTYPED_NO_MEMORY);
}
END_TEST

Suite *untyped_suite(void)
{
    Suite *s = suite_create("untyped");
    TCase *tc = tcase_create("untyped");
    tcase_add_test(tc, object_sizes);
    tcase_add_test(tc, placement_aligns_after_watermark);
    tcase_add_test(tc, placement_resets_without_children);
    tcase_add_test(tc, placement_limits);
    suite_add_tcase(s, tc);
    return s;
}
