/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the interrupt server's RTC decoding (servers/irq/
 * rtc_time.c): days from the epoch against the host's timegm() over four
 * centuries; the same date in BCD and binary, 24- and 12-hour mode
 * (midnight and noon included); the century register and its absence;
 * leap days; and registers that are not a date refused.
 */
#define _DEFAULT_SOURCE
#include <check.h>
#include <stdint.h>
#include <time.h>
#include "../../servers/irq/rtc_time.h"
#include "suites.h"

static uint8_t bcd(unsigned v)
{
    return (uint8_t)((v / 10) << 4 | v % 10);
}

/* The registers of a date as an RTC in the given mode holds them. */
static struct irq_rtc_regs regs_of(unsigned y, unsigned mo, unsigned d, unsigned h, unsigned mi,
                                   unsigned s, bool binary, bool h24)
{
    uint8_t (*enc)(unsigned) = binary ? NULL : bcd;
    unsigned hh = h24 ? h : (h % 12 == 0 ? 12 : h % 12);
    uint8_t hour = enc ? enc(hh) : (uint8_t)hh;
    if (!h24 && h >= 12)
        hour |= IRQ_RTC_HOUR_PM;
    struct irq_rtc_regs r = {
        .sec = enc ? enc(s) : (uint8_t)s,
        .min = enc ? enc(mi) : (uint8_t)mi,
        .hour = hour,
        .day = enc ? enc(d) : (uint8_t)d,
        .month = enc ? enc(mo) : (uint8_t)mo,
        .year = enc ? enc(y % 100) : (uint8_t)(y % 100),
        .century = enc ? enc(y / 100) : (uint8_t)(y / 100),
        .status_b = (uint8_t)((binary ? IRQ_RTC_B_BINARY : 0) | (h24 ? IRQ_RTC_B_24H : 0)),
    };
    return r;
}

static uint64_t host_time(unsigned y, unsigned mo, unsigned d, unsigned h, unsigned mi, unsigned s)
{
    struct tm tm = {.tm_year = (int)y - 1900,
                    .tm_mon = (int)mo - 1,
                    .tm_mday = (int)d,
                    .tm_hour = (int)h,
                    .tm_min = (int)mi,
                    .tm_sec = (int)s};
    return (uint64_t)timegm(&tm);
}

START_TEST(rtc_days_match_timegm)
{
    ck_assert_int_eq(irq_rtc_days(1970, 1, 1), 0);
    ck_assert_int_eq(irq_rtc_days(1969, 12, 31), -1);
    for (unsigned y = 1970; y < 2370; y += 7)
        for (unsigned m = 1; m <= 12; m++)
            ck_assert_int_eq(irq_rtc_days(y, m, 28) * 86400, (int64_t)host_time(y, m, 28, 0, 0, 0));
}
END_TEST

START_TEST(rtc_modes_agree)
{
    static const unsigned dates[][6] = {
        {2020, 1, 1, 0, 0, 0},      {2024, 2, 29, 12, 0, 0},  {2026, 12, 3, 15, 31, 20},
        {1999, 12, 31, 23, 59, 59}, {2000, 2, 29, 11, 59, 1}, {2038, 1, 19, 3, 14, 8},
        {2099, 7, 4, 1, 2, 3},      {2100, 3, 1, 13, 0, 0},
    };
    for (unsigned i = 0; i < sizeof dates / sizeof dates[0]; i++) {
        const unsigned *t = dates[i];
        uint64_t want = host_time(t[0], t[1], t[2], t[3], t[4], t[5]);
        for (unsigned mode = 0; mode < 4; mode++) {
            struct irq_rtc_regs r = regs_of(t[0], t[1], t[2], t[3], t[4], t[5], mode & 1, mode & 2);
            uint64_t got = 0;
            ck_assert_msg(irq_rtc_decode(&r, &got), "date %u mode %u refused", i, mode);
            ck_assert_msg(got == want, "date %u mode %u: %llu, not %llu", i, mode,
                          (unsigned long long)got, (unsigned long long)want);
        }
    }
}
END_TEST

START_TEST(rtc_century_absent)
{
    uint64_t got, want = host_time(2031, 5, 6, 7, 8, 9);
    struct irq_rtc_regs r = regs_of(2031, 5, 6, 7, 8, 9, false, true);
    r.century = 0; /* no century register: years below 70 are 20xx */
    ck_assert(irq_rtc_decode(&r, &got));
    ck_assert_uint_eq(got, want);
    r.century = 0xff;
    ck_assert(irq_rtc_decode(&r, &got));
    ck_assert_uint_eq(got, want);
    r = regs_of(1985, 5, 6, 7, 8, 9, true, true);
    r.century = 0;
    ck_assert(irq_rtc_decode(&r, &got));
    ck_assert_uint_eq(got, host_time(1985, 5, 6, 7, 8, 9));
}
END_TEST

START_TEST(rtc_bad_dates_refused)
{
    uint64_t got;
    struct irq_rtc_regs r = regs_of(2023, 2, 28, 10, 0, 0, false, true);
    r.day = 0x29; /* 2023 is not a leap year */
    ck_assert(!irq_rtc_decode(&r, &got));
    r = regs_of(2023, 2, 28, 10, 0, 0, false, true);
    r.month = 0x13;
    ck_assert(!irq_rtc_decode(&r, &got));
    r = regs_of(2023, 2, 28, 10, 0, 0, false, true);
    r.sec = 0x5a; /* not BCD */
    ck_assert(!irq_rtc_decode(&r, &got));
    r = regs_of(2023, 2, 28, 10, 0, 0, false, false);
    r.hour = 0x13; /* 12-hour mode: 13 is no hour */
    ck_assert(!irq_rtc_decode(&r, &got));
    r = regs_of(2023, 2, 28, 10, 0, 0, true, true);
    r.hour = 24;
    ck_assert(!irq_rtc_decode(&r, &got));
    r = regs_of(2023, 4, 30, 10, 0, 0, true, true);
    r.day = 31;
    ck_assert(!irq_rtc_decode(&r, &got));
    struct irq_rtc_regs ones = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    ck_assert(!irq_rtc_decode(&ones, &got)); /* no RTC: the bus reads all ones */
}
END_TEST

Suite *irq_rtc_suite(void)
{
    Suite *s = suite_create("irq_rtc");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, rtc_days_match_timegm);
    tcase_add_test(tc, rtc_modes_agree);
    tcase_add_test(tc, rtc_century_absent);
    tcase_add_test(tc, rtc_bad_dates_refused);
    suite_add_tcase(s, tc);
    return s;
}
