/* SPDX-License-Identifier: MIT */
/*
 * The deadline queue: a sorted array of (deadline, compartment). See
 * deadline.h for the interface and the invariant.
 */
#include <string.h>
#include "deadline.h"

void irq_deadlines_init(struct irq_deadlines *q)
{
    q->count = 0;
}

static int find(const struct irq_deadlines *q, unsigned id)
{
    for (unsigned i = 0; i < q->count; i++)
        if (q->entries[i].id == id)
            return (int)i;
    return -1;
}

static void remove_at(struct irq_deadlines *q, unsigned i)
{
    memmove(&q->entries[i], &q->entries[i + 1], (q->count - i - 1) * sizeof q->entries[0]);
    q->count--;
}

bool irq_deadlines_set(struct irq_deadlines *q, unsigned id, uint64_t deadline)
{
    if (id >= IRQ_DEADLINES_MAX)
        return false;
    int old = find(q, id);
    if (old >= 0)
        remove_at(q, (unsigned)old);
    /* After every entry due at or before it: equal deadlines keep the order
     * they were set in. Binary search for that upper bound. */
    unsigned lo = 0, hi = q->count;
    while (lo < hi) {
        unsigned mid = lo + (hi - lo) / 2;
        if (q->entries[mid].deadline <= deadline)
            lo = mid + 1;
        else
            hi = mid;
    }
    memmove(&q->entries[lo + 1], &q->entries[lo], (q->count - lo) * sizeof q->entries[0]);
    q->entries[lo] = (struct irq_deadline){.deadline = deadline, .id = (uint8_t)id};
    q->count++;
    return true;
}

bool irq_deadlines_cancel(struct irq_deadlines *q, unsigned id)
{
    int i = id < IRQ_DEADLINES_MAX ? find(q, id) : -1;
    if (i < 0)
        return false;
    remove_at(q, (unsigned)i);
    return true;
}

bool irq_deadlines_next(const struct irq_deadlines *q, uint64_t *deadline, unsigned *id)
{
    if (q->count == 0)
        return false;
    *deadline = q->entries[0].deadline;
    *id = q->entries[0].id;
    return true;
}

bool irq_deadlines_pop_expired(struct irq_deadlines *q, uint64_t now, unsigned *id)
{
    if (q->count == 0 || q->entries[0].deadline > now)
        return false;
    *id = q->entries[0].id;
    remove_at(q, 0);
    return true;
}

bool irq_deadlines_get(const struct irq_deadlines *q, unsigned id, uint64_t *deadline)
{
    int i = id < IRQ_DEADLINES_MAX ? find(q, id) : -1;
    if (i < 0)
        return false;
    *deadline = q->entries[i].deadline;
    return true;
}
