/* SPDX-License-Identifier: MIT */
/*
 * Priority scheduler with round robin (see <core/sched.h>). Arch-free:
 * the switch itself is arch_switch_to(), and idling arch_idle().
 */
#include <core/arch_hooks.h>
#include <core/kernel_entry.h>
#include <core/sched.h>
#include <core/trace.h>

struct cpu_state cpu0;

static void bitmap_set(unsigned prio)
{
    cpu0.bitmap[prio / 64] |= 1ull << (prio % 64);
}

static void bitmap_clear(unsigned prio)
{
    cpu0.bitmap[prio / 64] &= ~(1ull << (prio % 64));
}

int sched_queued(const tcb_t *t)
{
    return t->sched_prev || t->sched_next || cpu0.head[t->priority] == t;
}

void sched_enqueue(tcb_t *t, int at_head)
{
    unsigned p = t->priority;
    if (sched_queued(t))
        return;
    if (at_head) {
        t->sched_prev = 0;
        t->sched_next = cpu0.head[p];
        if (cpu0.head[p])
            cpu0.head[p]->sched_prev = t;
        else
            cpu0.tail[p] = t;
        cpu0.head[p] = t;
    } else {
        t->sched_next = 0;
        t->sched_prev = cpu0.tail[p];
        if (cpu0.tail[p])
            cpu0.tail[p]->sched_next = t;
        else
            cpu0.head[p] = t;
        cpu0.tail[p] = t;
    }
    bitmap_set(p);
}

void sched_dequeue(tcb_t *t)
{
    unsigned p = t->priority;
    if (!sched_queued(t))
        return;
    if (t->sched_prev)
        t->sched_prev->sched_next = t->sched_next;
    else
        cpu0.head[p] = t->sched_next;
    if (t->sched_next)
        t->sched_next->sched_prev = t->sched_prev;
    else
        cpu0.tail[p] = t->sched_prev;
    t->sched_next = t->sched_prev = 0;
    if (!cpu0.head[p])
        bitmap_clear(p);
}

tcb_t *sched_highest(void)
{
    for (int w = SCHED_PRIORITIES / 64 - 1; w >= 0; w--)
        if (cpu0.bitmap[w])
            return cpu0.head[w * 64 + 63 - __builtin_clzll(cpu0.bitmap[w])];
    return 0;
}

int sched_ready_above(unsigned prio)
{
    for (int w = SCHED_PRIORITIES / 64 - 1; w >= (int)(prio / 64); w--) {
        uint64_t bits = cpu0.bitmap[w];
        if (w == (int)(prio / 64))
            bits &= prio % 64 == 63 ? 0 : ~0ull << (prio % 64 + 1);
        if (bits)
            return 1;
    }
    return 0;
}

static void wake(tcb_t *t, int at_head)
{
    t->state = THREAD_RUNNING;
    if (t == cpu0.current)
        return;
    sched_enqueue(t, at_head);
    if (!cpu0.current || t->priority > cpu0.current->priority)
        cpu0.reschedule = 1;
}

void sched_wake(tcb_t *t)
{
    wake(t, 0);
}

void sched_wake_partner(tcb_t *t)
{
    wake(t, 1);
}

void sched_block(tcb_t *t)
{
    sched_dequeue(t);
    if (t == cpu0.current)
        cpu0.reschedule = 1;
}

void sched_remove(tcb_t *t)
{
    sched_block(t);
    if (t == cpu0.current)
        cpu0.current = 0;
}

void sched_yield(void)
{
    cpu0.reschedule = 1;
    cpu0.requeue_tail = 1;
}

void sched_tick(void)
{
    cpu0.ticks++;
    tcb_t *c = cpu0.current;
    if (c && c->state == THREAD_RUNNING && --c->timeslice == 0) {
        c->timeslice = SCHED_TIMESLICE;
        cpu0.reschedule = 1;
        cpu0.requeue_tail = 1;
    }
}

void sched_set_priority(tcb_t *t, uint8_t prio)
{
    int queued = sched_queued(t);
    sched_dequeue(t);
    t->priority = prio;
    if (queued)
        sched_enqueue(t, 0);
    /* a lower priority for current, or a higher one for another, may
     * change who should run */
    cpu0.reschedule = 1;
}

void schedule_choose(void)
{
    tcb_t *cur = cpu0.current;
    if (cur && cur->state == THREAD_RUNNING) {
        if (!cpu0.reschedule)
            return;
        tcb_t *best = sched_highest();
        if (!best || best->priority < cur->priority ||
            (best->priority == cur->priority && !cpu0.requeue_tail)) {
            cpu0.reschedule = cpu0.requeue_tail = 0;
            return;
        }
        sched_enqueue(cur, !cpu0.requeue_tail);
    }
    cpu0.reschedule = cpu0.requeue_tail = 0;
    tcb_t *next;
    while (!(next = sched_highest())) {
        cpu0.current = 0;
        arch_idle(); /* returns after an interrupt was handled */
    }
    sched_dequeue(next);
    if (next->timeslice == 0)
        next->timeslice = SCHED_TIMESLICE;
    trace_switch(cur, next);
    arch_switch_to(cur, next);
    cpu0.current = next;
    cpu0.reschedule = cpu0.requeue_tail = 0;
}
