/* SPDX-License-Identifier: MIT */
/*
 * The guest's clock: scale computation, sequence-locked publish and read.
 *
 * The sequence lock (docs/paravirt-abi.md, "Time page"): the writer makes
 * version odd, then writes the fields, then makes it even again; a reader
 * reads version (acquire), the fields, then version again after an acquire
 * fence, and keeps the result only if both were the same even value. All
 * field accesses are relaxed atomics, so a torn read is a retry, never
 * undefined behaviour.
 */
#include <l4/pv/pvclock.h>

#define TOP_BIT  (1ull << 62)
#define NS_PER_S 1000000000ull

bool l4_pv_clock_scale(uint64_t hz, uint64_t *mul, uint32_t *shift)
{
    if (hz < L4_PV_CLOCK_HZ_MIN || hz > L4_PV_CLOCK_HZ_MAX)
        return false;
    /* floor(10^9 * 2^s / hz), one bit of s at a time: q and r are the
     * quotient and remainder for s; r < hz < 2^37, so 2r cannot overflow. */
    uint64_t q = NS_PER_S / hz, r = NS_PER_S % hz;
    uint32_t s = 0;
    while (q < TOP_BIT) {
        r <<= 1;
        q <<= 1;
        if (r >= hz) {
            r -= hz;
            q |= 1;
        }
        s++;
    }
    /* hz >= 1 MHz gives q <= 1000 at s = 0, so q stopped in [2^62, 2^63);
     * hz <= 100 GHz reaches it by s = 69 < 128. */
    *mul = q;
    *shift = s;
    return true;
}

/* The line's value at tsc (a tsc before tsc_base counts as tsc_base, so
 * that a value read before a publish cannot go below the new ns_base). */
static uint64_t clock_at(uint64_t tsc_base, uint64_t ns_base, uint64_t mul, uint32_t shift,
                         uint64_t tsc)
{
    uint64_t delta = tsc > tsc_base ? tsc - tsc_base : 0;
    return ns_base + l4_pv_clock_scale_delta(delta, mul, shift);
}

void l4_pv_clock_init(struct l4_pv_clock *clk)
{
    __atomic_store_n(&clk->version, 0, __ATOMIC_RELAXED);
    clk->pad = 0;
    __atomic_store_n(&clk->tsc_base, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&clk->ns_base, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&clk->mul, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&clk->shift, 0, __ATOMIC_RELAXED);
    clk->pad2 = 0;
    __atomic_store_n(&clk->tsc_hz, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&clk->wall_ns, 0, __ATOMIC_RELAXED);
    clk->reserved[0] = 0;
    __atomic_thread_fence(__ATOMIC_RELEASE);
}

bool l4_pv_clock_publish(struct l4_pv_clock *clk, uint64_t tsc_hz, uint64_t tsc_now,
                         uint64_t ns_now)
{
    uint64_t mul;
    uint32_t shift;
    if (!l4_pv_clock_scale(tsc_hz, &mul, &shift))
        return false;
    /* The only writer reads its own fields: no lock needed for that. */
    uint32_t v = __atomic_load_n(&clk->version, __ATOMIC_RELAXED);
    uint64_t old = clock_at(__atomic_load_n(&clk->tsc_base, __ATOMIC_RELAXED),
                            __atomic_load_n(&clk->ns_base, __ATOMIC_RELAXED),
                            __atomic_load_n(&clk->mul, __ATOMIC_RELAXED),
                            __atomic_load_n(&clk->shift, __ATOMIC_RELAXED), tsc_now);
    if (ns_now < old)
        ns_now = old;

    L4_PV_STEP();
    __atomic_store_n(&clk->version, v + 1, __ATOMIC_RELAXED);
    /* The odd version is visible before any field changes. */
    __atomic_thread_fence(__ATOMIC_RELEASE);
    L4_PV_STEP();
    __atomic_store_n(&clk->tsc_base, tsc_now, __ATOMIC_RELAXED);
    L4_PV_STEP();
    __atomic_store_n(&clk->ns_base, ns_now, __ATOMIC_RELAXED);
    L4_PV_STEP();
    __atomic_store_n(&clk->mul, mul, __ATOMIC_RELAXED);
    L4_PV_STEP();
    __atomic_store_n(&clk->shift, shift, __ATOMIC_RELAXED);
    __atomic_store_n(&clk->tsc_hz, tsc_hz, __ATOMIC_RELAXED);
    L4_PV_STEP();
    /* Release: the fields are visible before the even version. */
    __atomic_store_n(&clk->version, v + 2, __ATOMIC_RELEASE);
    return true;
}

void l4_pv_clock_publish_wall(struct l4_pv_clock *clk, uint64_t wall_ns)
{
    uint32_t v = __atomic_load_n(&clk->version, __ATOMIC_RELAXED);
    L4_PV_STEP();
    __atomic_store_n(&clk->version, v + 1, __ATOMIC_RELAXED);
    __atomic_thread_fence(__ATOMIC_RELEASE);
    L4_PV_STEP();
    __atomic_store_n(&clk->wall_ns, wall_ns, __ATOMIC_RELAXED);
    L4_PV_STEP();
    __atomic_store_n(&clk->version, v + 2, __ATOMIC_RELEASE);
}

bool l4_pv_clock_try_read_wall(const struct l4_pv_clock *clk, uint64_t tsc, uint64_t *ns,
                               uint64_t *wall_ns)
{
    L4_PV_STEP();
    uint32_t v1 = __atomic_load_n(&clk->version, __ATOMIC_ACQUIRE);
    if (v1 & 1)
        return false;
    L4_PV_STEP();
    uint64_t tsc_base = __atomic_load_n(&clk->tsc_base, __ATOMIC_RELAXED);
    L4_PV_STEP();
    uint64_t ns_base = __atomic_load_n(&clk->ns_base, __ATOMIC_RELAXED);
    L4_PV_STEP();
    uint64_t mul = __atomic_load_n(&clk->mul, __ATOMIC_RELAXED);
    L4_PV_STEP();
    uint32_t shift = __atomic_load_n(&clk->shift, __ATOMIC_RELAXED);
    L4_PV_STEP();
    uint64_t wall = __atomic_load_n(&clk->wall_ns, __ATOMIC_RELAXED);
    /* The field loads complete before the second version load. */
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    L4_PV_STEP();
    uint32_t v2 = __atomic_load_n(&clk->version, __ATOMIC_RELAXED);
    if (v1 != v2)
        return false;
    *ns = clock_at(tsc_base, ns_base, mul, shift, tsc);
    *wall_ns = wall;
    return true;
}

bool l4_pv_clock_try_read(const struct l4_pv_clock *clk, uint64_t tsc, uint64_t *ns)
{
    uint64_t wall;
    return l4_pv_clock_try_read_wall(clk, tsc, ns, &wall);
}

uint64_t l4_pv_clock_read(const struct l4_pv_clock *clk, uint64_t tsc)
{
    uint64_t ns;
    while (!l4_pv_clock_try_read(clk, tsc, &ns))
        __builtin_ia32_pause();
    return ns;
}

uint64_t l4_pv_clock_read_wall(const struct l4_pv_clock *clk, uint64_t tsc, uint64_t *ns)
{
    uint64_t wall;
    while (!l4_pv_clock_try_read_wall(clk, tsc, ns, &wall))
        __builtin_ia32_pause();
    return wall;
}

uint64_t l4_pv_clock_read_monotonic(const struct l4_pv_clock *clk, uint64_t tsc, uint64_t *last)
{
    uint64_t ns = l4_pv_clock_read(clk, tsc);
    uint64_t seen = __atomic_load_n(last, __ATOMIC_RELAXED);
    do {
        if (ns <= seen)
            return seen;
    } while (
        !__atomic_compare_exchange_n(last, &seen, ns, true, __ATOMIC_RELAXED, __ATOMIC_RELAXED));
    return ns;
}
