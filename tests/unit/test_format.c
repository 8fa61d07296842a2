/* SPDX-License-Identifier: MIT */
/* Unit tests of kernel/lib/format.c, checked against the host's snprintf. */
#include <stdio.h>
#include <string.h>
#include <core/console.h>
#include "suites.h"

/* Format with both and compare text and returned length. */
#define SAME(...)                                                                                  \
    do {                                                                                           \
        char a[128], b[128];                                                                       \
        int na = ksnprintf(a, sizeof a, __VA_ARGS__);                                              \
        int nb = snprintf(b, sizeof b, __VA_ARGS__);                                               \
        ck_assert_str_eq(a, b);                                                                    \
        ck_assert_int_eq(na, nb);                                                                  \
    } while (0)

START_TEST(integers_match_libc)
{
    SAME("%d %i %u", 0, -1, 4000000000u);
    SAME("%ld %lu %lld", -9223372036854775807L - 1, 18446744073709551615UL, 123LL);
    SAME("%x %X %lx", 0xdeadbeefu, 0xabcu, 0xffffffffffffffffUL);
    SAME("%hhd %hd %hhu", 300, 70000, 511);
    SAME("%zu", (size_t)12345);
}
END_TEST

START_TEST(flags_width_precision_match_libc)
{
    SAME("[%5d] [%-5d] [%05d]", 42, 42, 42);
    SAME("[%05d] [%5.3d] [%.0d] [%.0x]", -42, 7, 0, 0);
    SAME("[%#x] [%#X] [%#lx] [%#x]", 255u, 255u, 0x1000UL, 0u);
    SAME("[%#011lx] [%016lx]", 0x1000UL, 0xabcUL);
    SAME("[%*d] [%-*d] [%.*s]", 6, 1, 6, 2, 3, "abcdef");
}
END_TEST

START_TEST(strings_chars_pointers_match_libc)
{
    SAME("[%s] [%10s] [%-10s] [%.2s]", "abc", "abc", "abc", "abc");
    SAME("[%c%c] [%3c] [%-3c]", 'a', 'b', 'x', 'y');
    SAME("%p", (void *)0xffffffff80100000UL);
    SAME("100%%");
}
END_TEST

START_TEST(truncates_and_terminates)
{
    char buf[8];
    memset(buf, 'X', sizeof buf);
    int n = ksnprintf(buf, sizeof buf, "%s", "0123456789");
    ck_assert_int_eq(n, 10);
    ck_assert_str_eq(buf, "0123456");
    ck_assert_int_eq(ksnprintf(buf, 0, "abc"), 3); /* size 0 writes nothing */
    ck_assert_int_eq(buf[0], '0');
}
END_TEST

START_TEST(null_string_and_unknown_conversion)
{
    char buf[32];
    const char *volatile null_string = NULL; /* hidden from the format checker */
    ksnprintf(buf, sizeof buf, "%s", null_string);
    ck_assert_str_eq(buf, "(null)");
    const char *fmt = "a%qb%"; /* not valid printf: must not crash, printed as written */
    ksnprintf(buf, sizeof buf, fmt);
    ck_assert_str_eq(buf, "a%qb%");
}
END_TEST

Suite *format_suite(void)
{
    Suite *s = suite_create("format");
    TCase *tc = tcase_create("format");
    tcase_add_test(tc, integers_match_libc);
    tcase_add_test(tc, flags_width_precision_match_libc);
    tcase_add_test(tc, strings_chars_pointers_match_libc);
    tcase_add_test(tc, truncates_and_terminates);
    tcase_add_test(tc, null_string_and_unknown_conversion);
    suite_add_tcase(s, tc);
    return s;
}
