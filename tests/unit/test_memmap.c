/* SPDX-License-Identifier: MIT */
/* Unit tests of kernel/core/memmap.c: physical range arithmetic. */
#include <core/memmap.h>
#include "suites.h"

#define K 4096ull

START_TEST(normalize_sorts_merges_aligns)
{
    struct mem_range r[] = {
        {10 * K, 20 * K},
        {0 * K + 100, 5 * K - 1},
        {20 * K, 30 * K},
        {15 * K, 18 * K},
    };
    unsigned n = memmap_normalize(r, 4);
    ck_assert_uint_eq(n, 2);
    ck_assert_uint_eq(r[0].start, 1 * K); /* 100 rounds up */
    ck_assert_uint_eq(r[0].end, 4 * K);   /* 5K-1 rounds down */
    ck_assert_uint_eq(r[1].start, 10 * K);
    ck_assert_uint_eq(r[1].end, 30 * K); /* adjacent and overlapping merged */
}
END_TEST

START_TEST(normalize_drops_sub_page_ranges)
{
    struct mem_range r[] = {{K + 1, 2 * K - 1}, {7, 9}};
    ck_assert_uint_eq(memmap_normalize(r, 2), 0);
}
END_TEST

START_TEST(normalize_saturates_at_top)
{
    struct mem_range r[] = {{~0ull - 10, ~0ull}};
    ck_assert_uint_eq(memmap_normalize(r, 1), 0);
}
END_TEST

START_TEST(subtract_splits_middle)
{
    struct mem_range r[4] = {{0, 100 * K}};
    int n = memmap_subtract(r, 1, 4, 10 * K, 20 * K);
    ck_assert_int_eq(n, 2);
    ck_assert_uint_eq(r[0].end, 10 * K);
    ck_assert_uint_eq(r[1].start, 20 * K);
    ck_assert_uint_eq(r[1].end, 100 * K);
}
END_TEST

START_TEST(subtract_trims_and_removes)
{
    struct mem_range r[4] = {{0, 10 * K}, {20 * K, 30 * K}, {40 * K, 50 * K}};
    int n = memmap_subtract(r, 3, 4, 5 * K, 45 * K);
    ck_assert_int_eq(n, 2);
    ck_assert_uint_eq(r[0].start, 0);
    ck_assert_uint_eq(r[0].end, 5 * K);
    ck_assert_uint_eq(r[1].start, 45 * K);
    ck_assert_uint_eq(r[1].end, 50 * K);
}
END_TEST

START_TEST(subtract_full_cover_empties)
{
    struct mem_range r[2] = {{10 * K, 20 * K}};
    ck_assert_int_eq(memmap_subtract(r, 1, 2, 0, 100 * K), 0);
}
END_TEST

START_TEST(subtract_out_of_capacity_fails_unchanged)
{
    struct mem_range r[1] = {{0, 100 * K}};
    ck_assert_int_eq(memmap_subtract(r, 1, 1, 10 * K, 20 * K), -1);
    ck_assert_uint_eq(r[0].start, 0);
    ck_assert_uint_eq(r[0].end, 100 * K);
}
END_TEST

START_TEST(subtract_empty_range_is_noop)
{
    struct mem_range r[1] = {{0, 100 * K}};
    ck_assert_int_eq(memmap_subtract(r, 1, 1, 20 * K, 20 * K), 1);
    ck_assert_int_eq(memmap_subtract(r, 1, 1, 30 * K, 20 * K), 1);
    ck_assert_uint_eq(r[0].end, 100 * K);
}
END_TEST

START_TEST(total_and_contains)
{
    struct mem_range r[] = {{0, 4 * K}, {8 * K, 16 * K}};
    ck_assert_uint_eq(memmap_total(r, 2), 12 * K);
    ck_assert_int_eq(memmap_contains(r, 2, 8 * K, 16 * K), 1);
    ck_assert_int_eq(memmap_contains(r, 2, 2 * K, 9 * K), 0); /* spans a hole */
    ck_assert_int_eq(memmap_contains(r, 2, 16 * K, 17 * K), 0);
}
END_TEST

Suite *memmap_suite(void)
{
    Suite *s = suite_create("memmap");
    TCase *tc = tcase_create("memmap");
    tcase_add_test(tc, normalize_sorts_merges_aligns);
    tcase_add_test(tc, normalize_drops_sub_page_ranges);
    tcase_add_test(tc, normalize_saturates_at_top);
    tcase_add_test(tc, subtract_splits_middle);
    tcase_add_test(tc, subtract_trims_and_removes);
    tcase_add_test(tc, subtract_full_cover_empties);
    tcase_add_test(tc, subtract_out_of_capacity_fails_unchanged);
    tcase_add_test(tc, subtract_empty_range_is_noop);
    tcase_add_test(tc, total_and_contains);
    suite_add_tcase(s, tc);
    return s;
}
