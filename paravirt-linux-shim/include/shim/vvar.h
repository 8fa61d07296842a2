/* SPDX-License-Identifier: MIT */
/*
 * The vvar page: the clock parameters every process reads without a
 * system call (docs/linux/vdso.md).
 *
 * The shim copies the PV page's clock (the interrupt server's line from
 * TSC values to monotonic nanoseconds, and the wall clock's offset) into
 * one page of its own, mapped read-only into every process beside the
 * vDSO. The vDSO's clock_gettime, gettimeofday and time read it with
 * their own rdtsc:
 *
 *     monotonic = ns_base + ((max(tsc, tsc_base) - tsc_base) * mul) >> shift
 *     realtime  = wall_ns + monotonic
 *
 * under a sequence lock: seq is odd while the shim writes, and a reader
 * keeps a snapshot only if it saw the same even seq before and after.
 * Everything here is pure and header-only: the vDSO (freestanding, no
 * library), the shim and the host unit tests (tests/unit/test_shim_vvar.c)
 * include the same code.
 *
 * Interface:
 *   shim_vvar_publish()   writer (the shim): the fields under the lock
 *   shim_vvar_snapshot()  reader: one consistent copy, retrying
 *   shim_vclock_ns()      a clock's value from a snapshot and a TSC value;
 *                         which clocks are served here
 *   shim_vclock_split()   nanoseconds as seconds and nanoseconds
 */
#ifndef SHIM_VVAR_H
#define SHIM_VVAR_H

#include <stdbool.h>
#include <stdint.h>

/* Linux's clock ids (uapi/linux/time.h). */
#define SHIM_CLOCK_REALTIME           0
#define SHIM_CLOCK_MONOTONIC          1
#define SHIM_CLOCK_PROCESS_CPUTIME_ID 2
#define SHIM_CLOCK_THREAD_CPUTIME_ID  3
#define SHIM_CLOCK_MONOTONIC_RAW      4
#define SHIM_CLOCK_REALTIME_COARSE    5
#define SHIM_CLOCK_MONOTONIC_COARSE   6
#define SHIM_CLOCK_BOOTTIME           7
#define SHIM_CLOCK_REALTIME_ALARM     8
#define SHIM_CLOCK_BOOTTIME_ALARM     9
#define SHIM_CLOCK_TAI                11

#define SHIM_VVAR_VALID 1u /* flags: the line is set (else: fall back to the syscall) */

struct shim_vvar {
    uint32_t seq;   /* odd while the shim writes */
    uint32_t flags; /* SHIM_VVAR_VALID */
    uint64_t tsc_base, ns_base, mul;
    uint32_t shift, pad;
    uint64_t wall_ns; /* Unix time (ns) at monotonic 0; 0: no wall clock */
};
_Static_assert(sizeof(struct shim_vvar) == 48, "the vvar layout (docs/linux/vdso.md)");
_Static_assert(__builtin_offsetof(struct shim_vvar, wall_ns) == 40, "the vvar layout");

/* Writer (one: the shim). Readers see either the old or the new fields. */
static inline void shim_vvar_publish(struct shim_vvar *v, const struct shim_vvar *src)
{
    uint32_t s = __atomic_load_n(&v->seq, __ATOMIC_RELAXED);
    __atomic_store_n(&v->seq, s + 1, __ATOMIC_RELAXED);
    __atomic_thread_fence(__ATOMIC_RELEASE);
    __atomic_store_n(&v->flags, src->flags, __ATOMIC_RELAXED);
    __atomic_store_n(&v->tsc_base, src->tsc_base, __ATOMIC_RELAXED);
    __atomic_store_n(&v->ns_base, src->ns_base, __ATOMIC_RELAXED);
    __atomic_store_n(&v->mul, src->mul, __ATOMIC_RELAXED);
    __atomic_store_n(&v->shift, src->shift, __ATOMIC_RELAXED);
    __atomic_store_n(&v->wall_ns, src->wall_ns, __ATOMIC_RELAXED);
    __atomic_store_n(&v->seq, s + 2, __ATOMIC_RELEASE);
}

/* One attempt at a consistent copy: false (retry) if the shim was writing. */
static inline bool shim_vvar_try_snapshot(const struct shim_vvar *v, struct shim_vvar *out)
{
    uint32_t s1 = __atomic_load_n(&v->seq, __ATOMIC_ACQUIRE);
    if (s1 & 1)
        return false;
    out->flags = __atomic_load_n(&v->flags, __ATOMIC_RELAXED);
    out->tsc_base = __atomic_load_n(&v->tsc_base, __ATOMIC_RELAXED);
    out->ns_base = __atomic_load_n(&v->ns_base, __ATOMIC_RELAXED);
    out->mul = __atomic_load_n(&v->mul, __ATOMIC_RELAXED);
    out->shift = __atomic_load_n(&v->shift, __ATOMIC_RELAXED);
    out->wall_ns = __atomic_load_n(&v->wall_ns, __ATOMIC_RELAXED);
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    out->seq = s1;
    return __atomic_load_n(&v->seq, __ATOMIC_RELAXED) == s1;
}

static inline void shim_vvar_snapshot(const struct shim_vvar *v, struct shim_vvar *out)
{
    while (!shim_vvar_try_snapshot(v, out))
        __builtin_ia32_pause();
}

/* Clock clk at TSC value tsc: 0 and *ns, or -1 for a clock not served
 * from the page (the CPU-time clocks, the alarm clocks, unknown ids, or
 * a page with no line yet): the caller makes the system call. */
static inline int shim_vclock_ns(const struct shim_vvar *s, long clk, uint64_t tsc, uint64_t *ns)
{
    if (!(s->flags & SHIM_VVAR_VALID))
        return -1;
    uint64_t delta = tsc > s->tsc_base ? tsc - s->tsc_base : 0;
    uint64_t mono =
        s->ns_base + (uint64_t)(((unsigned __int128)delta * s->mul) >> (s->shift & 127));
    switch (clk) {
    case SHIM_CLOCK_MONOTONIC:
    case SHIM_CLOCK_MONOTONIC_RAW:
    case SHIM_CLOCK_MONOTONIC_COARSE:
    case SHIM_CLOCK_BOOTTIME: /* nothing suspends */
        *ns = mono;
        return 0;
    case SHIM_CLOCK_REALTIME:
    case SHIM_CLOCK_REALTIME_COARSE:
    case SHIM_CLOCK_TAI: /* TAI offset 0, as Linux until adjtimex sets one */
        *ns = s->wall_ns + mono;
        return 0;
    default:
        return -1;
    }
}

static inline void shim_vclock_split(uint64_t ns, int64_t *sec, int64_t *nsec)
{
    *sec = (int64_t)(ns / 1000000000u);
    *nsec = (int64_t)(ns % 1000000000u);
}

#endif
