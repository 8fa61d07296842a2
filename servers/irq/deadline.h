/* SPDX-License-Identifier: MIT */
/*
 * The interrupt server's deadline queue: one one-shot deadline per
 * compartment, kept sorted (pure logic, host-tested in
 * tests/unit/test_irq_deadline.c).
 *
 * Interface:
 *   irq_deadlines_init()         empty queue
 *   irq_deadlines_set(id, d)     arm compartment id for d, replacing its
 *                                earlier deadline
 *   irq_deadlines_cancel(id)     disarm it (true if it was armed)
 *   irq_deadlines_next()         the earliest deadline, if any
 *   irq_deadlines_pop_expired()  take the earliest deadline if it is <= now
 *   irq_deadlines_get(id)        compartment id's deadline, if armed
 * Invariant: entries[0..count) are sorted by deadline, equal deadlines in
 * the order they were set (so expiry is in deadline order, first come
 * first served), and each compartment appears at most once. With at most
 * L4_PLAT_MAX_COMPARTMENTS (64) entries a sorted array beats a heap: an
 * insertion moves at most 63 entries, the earliest is entries[0].
 */
#ifndef IRQ_DEADLINE_H
#define IRQ_DEADLINE_H

#include <stdbool.h>
#include <stdint.h>

#define IRQ_DEADLINES_MAX 64u

struct irq_deadline {
    uint64_t deadline; /* on the monotonic clock, ns */
    uint8_t id;        /* compartment */
};

struct irq_deadlines {
    struct irq_deadline entries[IRQ_DEADLINES_MAX];
    unsigned count;
};

void irq_deadlines_init(struct irq_deadlines *q);
/* False (nothing changed) if id is not below IRQ_DEADLINES_MAX. */
bool irq_deadlines_set(struct irq_deadlines *q, unsigned id, uint64_t deadline);
bool irq_deadlines_cancel(struct irq_deadlines *q, unsigned id);
bool irq_deadlines_next(const struct irq_deadlines *q, uint64_t *deadline, unsigned *id);
/* The earliest entry if its deadline is <= now: removed, true. */
bool irq_deadlines_pop_expired(struct irq_deadlines *q, uint64_t now, unsigned *id);
bool irq_deadlines_get(const struct irq_deadlines *q, unsigned id, uint64_t *deadline);

#endif
