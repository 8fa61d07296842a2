/* SPDX-License-Identifier: MIT */
/*
 * The time base's arithmetic: see clock.h. The scale is the PV clock's
 * own (l4_pv_clock_scale()), so the server reads the clock exactly as a
 * guest does from its page.
 */
#include <l4/pv/pvclock.h>
#include "clock.h"

#define NS_PER_S 1000000000ull

uint64_t irq_clock_calibrate(uint64_t tsc_delta, uint64_t pit_ticks)
{
    if (pit_ticks == 0 || tsc_delta > UINT64_MAX / IRQ_PIT_HZ)
        return 0;
    return tsc_delta * IRQ_PIT_HZ / pit_ticks;
}

bool irq_clock_init(struct irq_clock *c, uint64_t hz)
{
    uint64_t mul;
    uint32_t shift;
    if (!l4_pv_clock_scale(hz, &mul, &shift))
        return false;
    *c = (struct irq_clock){.hz = hz, .mul = mul, .shift = shift};
    return true;
}

uint64_t irq_clock_ns(const struct irq_clock *c, uint64_t tsc)
{
    return l4_pv_clock_scale_delta(tsc, c->mul, c->shift);
}

uint16_t irq_pit_count(uint64_t ns)
{
    /* Anything beyond the longest count is the longest count: no overflow
     * below (ns < 10^8, times 2^21). */
    if (ns >= 100000000ull)
        return IRQ_PIT_MAX_COUNT;
    uint64_t ticks = (ns * IRQ_PIT_HZ + NS_PER_S - 1) / NS_PER_S;
    if (ticks < 1)
        ticks = 1;
    return ticks > IRQ_PIT_MAX_COUNT ? IRQ_PIT_MAX_COUNT : (uint16_t)ticks;
}
