/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the vvar page's clock (paravirt-linux-shim/include/shim/
 * vvar.h), what the vDSO and the shim's clock system calls compute: the
 * clocks served and those left to the system call, the formula against
 * the PV clock's own reading (libl4's pvclock) at the same TSC values,
 * the wall clock's offset, a TSC before the line's base, and a publish
 * seen as a whole by a snapshot.
 */
#include <check.h>
#include <stdint.h>
#include <l4/pv/pvclock.h>
#include <shim/vvar.h>
#include "suites.h"

#define WALL UINT64_C(1796311880000000000) /* 2026-12-03, ns */

static struct shim_vvar line(uint64_t hz, uint64_t tsc_base, uint64_t ns_base, uint64_t wall)
{
    struct shim_vvar v = {
        .flags = SHIM_VVAR_VALID, .tsc_base = tsc_base, .ns_base = ns_base, .wall_ns = wall};
    ck_assert(l4_pv_clock_scale(hz, &v.mul, &v.shift));
    return v;
}

START_TEST(vvar_clocks_served)
{
    struct shim_vvar v = line(1000000000, 0, 0, WALL); /* 1 GHz: 1 tick = 1 ns */
    uint64_t ns;
    static const long mono[] = {SHIM_CLOCK_MONOTONIC, SHIM_CLOCK_MONOTONIC_RAW,
                                SHIM_CLOCK_MONOTONIC_COARSE, SHIM_CLOCK_BOOTTIME};
    static const long real[] = {SHIM_CLOCK_REALTIME, SHIM_CLOCK_REALTIME_COARSE, SHIM_CLOCK_TAI};
    static const long other[] = {SHIM_CLOCK_PROCESS_CPUTIME_ID,
                                 SHIM_CLOCK_THREAD_CPUTIME_ID,
                                 SHIM_CLOCK_REALTIME_ALARM,
                                 SHIM_CLOCK_BOOTTIME_ALARM,
                                 10,
                                 12,
                                 -1,
                                 -6};
    for (unsigned i = 0; i < sizeof mono / sizeof mono[0]; i++) {
        ck_assert_int_eq(shim_vclock_ns(&v, mono[i], 5000, &ns), 0);
        ck_assert_uint_eq(ns, 5000);
    }
    for (unsigned i = 0; i < sizeof real / sizeof real[0]; i++) {
        ck_assert_int_eq(shim_vclock_ns(&v, real[i], 5000, &ns), 0);
        ck_assert_uint_eq(ns, WALL + 5000);
    }
    for (unsigned i = 0; i < sizeof other / sizeof other[0]; i++)
        ck_assert_int_eq(shim_vclock_ns(&v, other[i], 5000, &ns), -1);
    v.flags = 0; /* no line yet: everything is the system call's */
    ck_assert_int_eq(shim_vclock_ns(&v, SHIM_CLOCK_MONOTONIC, 5000, &ns), -1);
}
END_TEST

/* The vvar formula gives what the PV clock's reader gives for the same
 * line, at any frequency and TSC value, and never goes back. */
START_TEST(vvar_matches_pvclock)
{
    static const uint64_t hz[] = {1000000, 1193182, 2599589000, 3000000000, 10000000000};
    for (unsigned i = 0; i < sizeof hz / sizeof hz[0]; i++) {
        struct l4_pv_clock clk;
        l4_pv_clock_init(&clk);
        ck_assert(l4_pv_clock_publish(&clk, hz[i], 1000, 777));
        l4_pv_clock_publish_wall(&clk, WALL);
        struct shim_vvar v = line(hz[i], 1000, 777, WALL);
        uint64_t last = 0;
        for (uint64_t tsc = 0; tsc < (UINT64_C(1) << 50); tsc = tsc * 3 + 17) {
            uint64_t mono, wall_ns, ns;
            uint64_t wall = l4_pv_clock_read_wall(&clk, tsc, &mono);
            ck_assert_uint_eq(wall, WALL);
            ck_assert_int_eq(shim_vclock_ns(&v, SHIM_CLOCK_MONOTONIC, tsc, &ns), 0);
            ck_assert_uint_eq(ns, mono);
            ck_assert_int_eq(shim_vclock_ns(&v, SHIM_CLOCK_REALTIME, tsc, &wall_ns), 0);
            ck_assert_uint_eq(wall_ns, WALL + mono);
            ck_assert_uint_ge(ns, last);
            last = ns;
        }
        uint64_t ns;
        shim_vclock_ns(&v, SHIM_CLOCK_MONOTONIC, 10, &ns); /* before the base: the base */
        ck_assert_uint_eq(ns, 777);
    }
}
END_TEST

START_TEST(vvar_publish_snapshot)
{
    struct shim_vvar page = {0}, a = line(2000000000, 5, 6, WALL), snap;
    shim_vvar_publish(&page, &a);
    ck_assert_uint_eq(page.seq, 2);
    ck_assert(shim_vvar_try_snapshot(&page, &snap));
    ck_assert_uint_eq(snap.mul, a.mul);
    ck_assert_uint_eq(snap.shift, a.shift);
    ck_assert_uint_eq(snap.tsc_base, 5);
    ck_assert_uint_eq(snap.ns_base, 6);
    ck_assert_uint_eq(snap.wall_ns, WALL);
    ck_assert_uint_eq(snap.flags, SHIM_VVAR_VALID);
    page.seq = 3; /* the shim is writing: no snapshot */
    ck_assert(!shim_vvar_try_snapshot(&page, &snap));
    page.seq = 4;
    ck_assert(shim_vvar_try_snapshot(&page, &snap));
}
END_TEST

START_TEST(vvar_split)
{
    int64_t s, ns;
    shim_vclock_split(WALL + 123456789, &s, &ns);
    ck_assert_int_eq(s, 1796311880);
    ck_assert_int_eq(ns, 123456789);
    shim_vclock_split(999999999, &s, &ns);
    ck_assert_int_eq(s, 0);
    ck_assert_int_eq(ns, 999999999);
}
END_TEST

Suite *shim_vvar_suite(void)
{
    Suite *s = suite_create("shim_vvar");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, vvar_clocks_served);
    tcase_add_test(tc, vvar_matches_pvclock);
    tcase_add_test(tc, vvar_publish_snapshot);
    tcase_add_test(tc, vvar_split);
    suite_add_tcase(s, tc);
    return s;
}
