/* SPDX-License-Identifier: MIT */
/*
 * The guest's clock: published by the server, read by the guest without IPC.
 *
 * struct l4_pv_clock (libl4/spec/structs.toml, in struct l4_pv_page) holds
 * a line from TSC values to monotonic nanoseconds: ns = ns_base +
 * ((tsc - tsc_base) * mul) >> shift, the product in 128 bits. The server
 * publishes it under a sequence lock (version odd while it writes); the
 * guest reads it with its own rdtsc value and retries while the version is
 * odd or changed. Publishing never moves the clock back: the new line
 * starts no lower than the old one at the same TSC value. The protocol is
 * in docs/paravirt-abi.md, "Time page". The wall clock (CLOCK_REALTIME) is
 * wall_ns + that monotonic time: wall_ns is the Unix time at monotonic 0,
 * from the RTC, published under the same lock. Pure logic (the TSC value is an
 * argument), host-tested (tests/unit/test_pv_clock.c).
 */
#ifndef L4_PV_PVCLOCK_H
#define L4_PV_PVCLOCK_H

#include <stdbool.h>
#include <stdint.h>
#include <l4/structs_gen.h>
#include <l4/pv/step.h>

/* TSC frequencies l4_pv_clock_scale() accepts. */
#define L4_PV_CLOCK_HZ_MIN 1000000ull      /* 1 MHz */
#define L4_PV_CLOCK_HZ_MAX 100000000000ull /* 100 GHz */

/* The scale for a TSC of hz ticks per second: mul and shift with
 * mul = floor(10^9 * 2^shift / hz) in [2^62, 2^63), the largest shift that
 * keeps it there. So (delta * mul) >> shift never exceeds the exact
 * delta * 10^9 / hz, and falls short by less than 1 + delta / 2^shift ns
 * (under 1 ns + 1 ns per 2^53 ticks). False (nothing written) if hz is
 * outside [L4_PV_CLOCK_HZ_MIN, L4_PV_CLOCK_HZ_MAX]. No division: the
 * quotient is computed bit by bit, so nothing needs libgcc. */
bool l4_pv_clock_scale(uint64_t hz, uint64_t *mul, uint32_t *shift);

/* ((delta * mul) >> shift), the 128-bit product truncated to 64 bits. */
static inline uint64_t l4_pv_clock_scale_delta(uint64_t delta, uint64_t mul, uint32_t shift)
{
    return (uint64_t)(((unsigned __int128)delta * mul) >> (shift & 127));
}

/* --- Server side ------------------------------------------------------------ */

/* Zero the clock (version 0, time 0 at TSC 0, scale 0) before sharing it. */
void l4_pv_clock_init(struct l4_pv_clock *clk);

/* Publish: from TSC value tsc_now on, time runs at tsc_hz from ns_now, or
 * from what the current line gives at tsc_now if that is later (time never
 * goes back). False, nothing written, if tsc_hz is out of range. One
 * writer only: the server serializes its publishes. */
bool l4_pv_clock_publish(struct l4_pv_clock *clk, uint64_t tsc_hz, uint64_t tsc_now,
                         uint64_t ns_now);

/* Publish the wall clock: wall_ns nanoseconds since the Unix epoch at
 * monotonic time 0 (0: none), under the same sequence lock. */
void l4_pv_clock_publish_wall(struct l4_pv_clock *clk, uint64_t wall_ns);

/* --- Guest side ------------------------------------------------------------- */

/* One attempt: *ns = the time at TSC value tsc, true if the read was not
 * torn (version even and unchanged), false (retry) otherwise. */
bool l4_pv_clock_try_read(const struct l4_pv_clock *clk, uint64_t tsc, uint64_t *ns);

/* l4_pv_clock_try_read() that also gives wall_ns, from the same
 * consistent snapshot. */
bool l4_pv_clock_try_read_wall(const struct l4_pv_clock *clk, uint64_t tsc, uint64_t *ns,
                               uint64_t *wall_ns);
/* The wall-clock offset (wall_ns, 0 if none) and *ns the monotonic time
 * at tsc, from one snapshot, retrying while the server writes: the wall
 * time is their sum. */
uint64_t l4_pv_clock_read_wall(const struct l4_pv_clock *clk, uint64_t tsc, uint64_t *ns);

/* The time at TSC value tsc, retrying while the server writes. Monotonic
 * as long as the server publishes with a tsc_now no older than any TSC
 * value the guest has read: a publish that lowers the rate from an older
 * tsc_now can put the new line below a reading made just before it. */
uint64_t l4_pv_clock_read(const struct l4_pv_clock *clk, uint64_t tsc);

/* l4_pv_clock_read(), never below *last (the guest's latest reading,
 * shared by its threads; updated atomically): monotonic whatever the
 * publishes, like Linux's pvclock last_value. */
uint64_t l4_pv_clock_read_monotonic(const struct l4_pv_clock *clk, uint64_t tsc, uint64_t *last);

#endif
