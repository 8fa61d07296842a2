/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the guest's clock (libl4/pv/pvclock.c, <l4/pv/pvclock.h>):
 * the scale against exact arithmetic from 1 MHz to 10 GHz (and the limits),
 * monotonic time across publishes, refusals, and the sequence lock: a torn
 * page is refused, and a reader racing a publish (every interleaving, by
 * pv_model.c) gets the old time or the new one, never a mix.
 */
#include <check.h>
#include <stdbool.h>
#include <string.h>
#include <l4/pv/pvclock.h>
#include "pv_model.h"
#include "suites.h"

#define NS_PER_S 1000000000ull

static struct l4_pv_clock clk;

/* Exact floor(delta * 10^9 / hz): delta < 2^64 and 10^9 < 2^30 fit 128 bits. */
static uint64_t exact_ns(uint64_t delta, uint64_t hz)
{
    return (uint64_t)(((unsigned __int128)delta * NS_PER_S) / hz);
}

static const uint64_t test_hz[] = {
    1000000,    1000001,    1193182,    3579545,    14318180,   25000000,   100000000,
    999999999,  1000000000, 1000000001, 1800000000, 2400000000, 2999999999, 3000000000,
    3600000000, 4294967295, 4294967296, 5000000000, 7777777777, 9999999999, 10000000000,
};

START_TEST(clock_scale_range)
{
    for (unsigned i = 0; i < sizeof test_hz / sizeof test_hz[0]; i++) {
        uint64_t hz = test_hz[i], mul;
        uint32_t shift;
        ck_assert_msg(l4_pv_clock_scale(hz, &mul, &shift), "hz %llu refused",
                      (unsigned long long)hz);
        ck_assert_msg(mul >= (1ull << 62) && mul < (1ull << 63), "hz %llu: mul %#llx",
                      (unsigned long long)hz, (unsigned long long)mul);
        ck_assert_uint_lt(shift, 128);
        ck_assert_uint_ge(shift, 53);
        /* mul is floor(10^9 * 2^shift / hz): mul * hz <= 10^9 << shift < (mul + 1) * hz. */
        unsigned __int128 want = (unsigned __int128)NS_PER_S << (shift - 53);
        unsigned __int128 lo = ((unsigned __int128)mul * hz) >> 53;
        unsigned __int128 hi = ((unsigned __int128)(mul + 1) * hz) >> 53;
        ck_assert_msg(lo <= want && want <= hi, "hz %llu: mul not the floor",
                      (unsigned long long)hz);
    }
}
END_TEST

START_TEST(clock_scale_error_bound)
{
    /* Error at most 1 ns, never ahead of exact, for deltas up to 2^52
     * ticks (52 days at 1 GHz, 142 years at 1 MHz); monotonic in delta. */
    for (unsigned i = 0; i < sizeof test_hz / sizeof test_hz[0]; i++) {
        uint64_t hz = test_hz[i], mul;
        uint32_t shift;
        ck_assert(l4_pv_clock_scale(hz, &mul, &shift));
        uint64_t deltas[64 + 16];
        unsigned n = 0;
        for (unsigned b = 0; b <= 52; b++)
            deltas[n++] = 1ull << b;
        uint64_t extra[] = {0,
                            3,
                            999,
                            hz - 1,
                            hz,
                            hz + 1,
                            3 * hz,
                            60 * hz,
                            3600 * hz,
                            (1ull << 52) - 1,
                            123456789012345ull,
                            86400ull * hz};
        for (unsigned k = 0; k < sizeof extra / sizeof extra[0]; k++)
            if (extra[k] <= (1ull << 52))
                deltas[n++] = extra[k];
        for (unsigned k = 0; k < n; k++) {
            uint64_t d = deltas[k];
            uint64_t got = l4_pv_clock_scale_delta(d, mul, shift), want = exact_ns(d, hz);
            ck_assert_msg(got <= want && want - got <= 1, "hz %llu delta %llu: %llu, exact %llu",
                          (unsigned long long)hz, (unsigned long long)d, (unsigned long long)got,
                          (unsigned long long)want);
            if (d > 0)
                ck_assert_uint_le(l4_pv_clock_scale_delta(d - 1, mul, shift), got);
        }
        /* One second is one second, to the nanosecond. */
        uint64_t s1 = l4_pv_clock_scale_delta(hz, mul, shift);
        ck_assert_msg(s1 == NS_PER_S || s1 == NS_PER_S - 1, "hz %llu: 1 s = %llu ns",
                      (unsigned long long)hz, (unsigned long long)s1);
    }
}
END_TEST

START_TEST(clock_scale_refused)
{
    uint64_t mul = 77;
    uint32_t shift = 88;
    ck_assert(!l4_pv_clock_scale(0, &mul, &shift));
    ck_assert(!l4_pv_clock_scale(L4_PV_CLOCK_HZ_MIN - 1, &mul, &shift));
    ck_assert(!l4_pv_clock_scale(L4_PV_CLOCK_HZ_MAX + 1, &mul, &shift));
    ck_assert(!l4_pv_clock_scale(~0ull, &mul, &shift));
    ck_assert_uint_eq(mul, 77);
    ck_assert_uint_eq(shift, 88);
    ck_assert(l4_pv_clock_scale(L4_PV_CLOCK_HZ_MAX, &mul, &shift));
    ck_assert(mul >= (1ull << 62) && shift < 128);
    /* A refused publish writes nothing, not even the version. */
    l4_pv_clock_init(&clk);
    ck_assert(l4_pv_clock_publish(&clk, 2000000000, 100, 5));
    struct l4_pv_clock before = clk;
    ck_assert(!l4_pv_clock_publish(&clk, 999, 200, 10));
    ck_assert(memcmp(&before, &clk, sizeof clk) == 0);
}
END_TEST

START_TEST(clock_publish_and_read)
{
    memset(&clk, 0x5a, sizeof clk);
    l4_pv_clock_init(&clk);
    ck_assert_uint_eq(clk.version, 0);
    ck_assert_uint_eq(l4_pv_clock_read(&clk, 12345), 0);
    ck_assert(l4_pv_clock_publish(&clk, 2500000000ull, 1000000, 7 * NS_PER_S));
    ck_assert_uint_eq(clk.version, 2);
    ck_assert_uint_eq(clk.tsc_base, 1000000);
    ck_assert_uint_eq(clk.ns_base, 7 * NS_PER_S);
    ck_assert_uint_eq(clk.tsc_hz, 2500000000ull);
    ck_assert_uint_eq(l4_pv_clock_read(&clk, 1000000), 7 * NS_PER_S);
    /* 2.5 GHz: 2.5e9 ticks later is one second later (within 1 ns). */
    uint64_t t = l4_pv_clock_read(&clk, 1000000 + 2500000000ull);
    ck_assert(t == 8 * NS_PER_S || t == 8 * NS_PER_S - 1);
    ck_assert_uint_ge(l4_pv_clock_read(&clk, 1000000 + 25), 7 * NS_PER_S + 9);
    /* A TSC value before tsc_base reads as tsc_base, not as a huge delta. */
    ck_assert_uint_eq(l4_pv_clock_read(&clk, 999999), 7 * NS_PER_S);
    ck_assert_uint_eq(l4_pv_clock_read(&clk, 0), 7 * NS_PER_S);
}
END_TEST

/* The server re-publishes as its estimate of the frequency drifts, with
 * ns_now sometimes behind what the old line says. stale: its TSC sample is
 * sometimes older than the guest's last reading. */
static void publish_rounds(bool stale, bool use_last)
{
    static const uint64_t hz[] = {2400000000ull,  2400100000ull, 2399000000ull, 1000000,
                                  10000000000ull, 3000000000ull, 2999999999ull};
    l4_pv_clock_init(&clk);
    uint64_t tsc = 5000, last = 0, guest_last = 0;
    unsigned went_back = 0;
    ck_assert(l4_pv_clock_publish(&clk, hz[0], tsc, 1000));
    for (unsigned round = 0; round < 200; round++) {
        for (unsigned k = 0; k < 10; k++) {
            tsc += 1 + (round * 7919 + k * 104729) % 3000000;
            uint64_t now = use_last ? l4_pv_clock_read_monotonic(&clk, tsc, &guest_last)
                                    : l4_pv_clock_read(&clk, tsc);
            ck_assert_msg(now >= last, "round %u: %llu after %llu", round, (unsigned long long)now,
                          (unsigned long long)last);
            last = now;
        }
        uint64_t ns_now = last - (last > 5000 ? (round % 3) * 2000 : 0) + (round % 5 == 0 ? 77 : 0);
        uint64_t tsc_now = tsc - (stale && round % 4 == 1 ? 100 : 0);
        ck_assert(
            l4_pv_clock_publish(&clk, hz[round % (sizeof hz / sizeof hz[0])], tsc_now, ns_now));
        ck_assert_uint_ge(clk.ns_base, ns_now);
        /* A reading with the guest's last TSC value, after the publish. */
        uint64_t again = use_last ? l4_pv_clock_read_monotonic(&clk, tsc, &guest_last)
                                  : l4_pv_clock_read(&clk, tsc);
        if (again < last) {
            ck_assert(stale && !use_last);
            went_back++;
            again = last;
        }
        last = again;
    }
    if (stale && !use_last)
        ck_assert_uint_gt(went_back, 0); /* the documented limit of the plain read */
}

START_TEST(clock_monotonic_across_publishes)
{
    publish_rounds(false, false);
    publish_rounds(true, false);
    publish_rounds(true, true);
    publish_rounds(false, true);
}
END_TEST

START_TEST(clock_torn_page_refused)
{
    l4_pv_clock_init(&clk);
    ck_assert(l4_pv_clock_publish(&clk, 1000000000, 0, 0));
    uint64_t ns = 42;
    ck_assert(l4_pv_clock_try_read(&clk, 1000, &ns));
    ck_assert_uint_eq(ns, 1000);
    /* The writer stopped half-way: version odd, new base, old scale. */
    clk.version++;
    clk.ns_base = 999 * NS_PER_S;
    ns = 42;
    ck_assert(!l4_pv_clock_try_read(&clk, 1000, &ns));
    ck_assert_uint_eq(ns, 42);
    /* Finished: even again, readable. */
    clk.version++;
    ck_assert(l4_pv_clock_try_read(&clk, 1000, &ns));
    ck_assert_uint_eq(ns, 999 * NS_PER_S + 1000);
}
END_TEST

/* A reader racing a publish: every interleaving. */
struct clock_ctx {
    uint64_t old_ns, new_ns; /* the time at TEST_TSC on the old / new line */
    int ok[3];
    uint64_t got[3];
    unsigned torn; /* reads refused over all runs */
};

#define TEST_TSC 3000000000ull

static struct clock_ctx cctx;

static void clock_setup(void *ctx)
{
    (void)ctx;
    l4_pv_clock_init(&clk);
    ck_assert(l4_pv_clock_publish(&clk, 1000000000, 1000, 5 * NS_PER_S));
    memset(cctx.ok, 0, sizeof cctx.ok);
}

static void clock_writer(void *ctx)
{
    (void)ctx;
    /* Everything differs on the new line, so a mix shows. */
    ck_assert(l4_pv_clock_publish(&clk, 3000000000ull, 2000000000ull, 100 * NS_PER_S));
}

static void clock_reader(void *ctx)
{
    struct clock_ctx *c = ctx;
    for (int i = 0; i < 3; i++)
        c->ok[i] = l4_pv_clock_try_read(&clk, TEST_TSC, &c->got[i]);
}

static void clock_check(void *ctx)
{
    struct clock_ctx *c = ctx;
    uint64_t prev = 0;
    for (int i = 0; i < 3; i++) {
        if (!c->ok[i]) {
            c->torn++;
            continue;
        }
        ck_assert_msg(c->got[i] == c->old_ns || c->got[i] == c->new_ns,
                      "read %d: %llu is neither %llu nor %llu", i, (unsigned long long)c->got[i],
                      (unsigned long long)c->old_ns, (unsigned long long)c->new_ns);
        ck_assert_uint_ge(c->got[i], prev);
        prev = c->got[i];
    }
    /* After the writer, a read succeeds with the new line. */
    ck_assert_uint_eq(l4_pv_clock_read(&clk, TEST_TSC), c->new_ns);
}

START_TEST(clock_reader_races_publish)
{
    /* Old line: 1 GHz from TSC 1000 at 5 s; new: 3 GHz from TSC 2e9 at 100 s. */
    cctx.old_ns = 5 * NS_PER_S + (TEST_TSC - 1000);
    cctx.new_ns = 100 * NS_PER_S + (TEST_TSC - 2000000000ull) / 3;
    cctx.torn = 0;
    struct pv_model m = {
        .setup = clock_setup,
        .side = {clock_reader, clock_writer},
        .check = clock_check,
        .ctx = &cctx,
    };
    unsigned long runs = pv_model_explore(&m, 2000000, 3);
    ck_assert_uint_gt(runs, 100);
    /* The interleavings did catch the writer mid-update. */
    ck_assert_uint_gt(cctx.torn, 0);
}
END_TEST

Suite *pv_clock_suite(void)
{
    Suite *s = suite_create("pv_clock");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, clock_scale_range);
    tcase_add_test(tc, clock_scale_error_bound);
    tcase_add_test(tc, clock_scale_refused);
    tcase_add_test(tc, clock_publish_and_read);
    tcase_add_test(tc, clock_monotonic_across_publishes);
    tcase_add_test(tc, clock_torn_page_refused);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, clock_reader_races_publish);
    suite_add_tcase(s, tc);
    return s;
}
