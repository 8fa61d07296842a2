/* SPDX-License-Identifier: MIT */
/*
 * The interrupt server's time base: the TSC, calibrated once against the
 * PIT, gives the monotonic clock every PV page publishes; the PIT's
 * one-shot counts are computed from it (pure arithmetic, host-tested in
 * tests/unit/test_irq_deadline.c).
 *
 * Interface:
 *   irq_clock_calibrate()  the TSC frequency from a TSC interval and the
 *                          PIT ticks that passed in it
 *   irq_clock_init()       the scale for that frequency
 *   irq_clock_ns()         the clock at a TSC value: ns since TSC 0, the
 *                          line every page publishes (tsc_base = ns_base
 *                          = 0), so it is the same for every compartment
 *                          and the same after the server restarts
 *   irq_pit_count()        the PIT count that ends no earlier than ns
 *                          from now (1..0xffff, at most ~55 ms)
 */
#ifndef IRQ_CLOCK_H
#define IRQ_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

#define IRQ_PIT_HZ        1193182u /* the PIT's input clock */
#define IRQ_PIT_MAX_COUNT 0xffffu

struct irq_clock {
    uint64_t hz, mul;
    uint32_t shift;
};

/* tsc_delta * IRQ_PIT_HZ / pit_ticks; 0 if pit_ticks is 0 or the product
 * would overflow (an interval over ~4 hours at 4 GHz). */
uint64_t irq_clock_calibrate(uint64_t tsc_delta, uint64_t pit_ticks);
/* False if hz is outside what the PV clock accepts (1 MHz .. 100 GHz). */
bool irq_clock_init(struct irq_clock *c, uint64_t hz);
uint64_t irq_clock_ns(const struct irq_clock *c, uint64_t tsc);
/* ceil(ns * IRQ_PIT_HZ / 10^9), at least 1, at most IRQ_PIT_MAX_COUNT. */
uint16_t irq_pit_count(uint64_t ns);

#endif
