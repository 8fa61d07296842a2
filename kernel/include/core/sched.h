/* SPDX-License-Identifier: MIT */
/*
 * The scheduler: 256 fixed priorities, round robin within a priority.
 *
 * Each priority has a FIFO ready queue; a bitmap of non-empty queues finds
 * the highest in a few instructions. The current thread is not in a ready
 * queue while it runs (as in seL4). A woken thread of higher priority than
 * the current one preempts it at the next kernel exit, and the preempted
 * thread goes back to the head of its queue with the rest of its time
 * slice; one that used its slice or yielded goes to the tail.
 *
 * All per-CPU state is in struct cpu_state, reached only through cpu(), so
 * that SMP can give each CPU its own later.
 *
 * Interface: sched_wake() (a thread became runnable), sched_block()
 * (current stopped running), sched_yield(), sched_tick() (timer, <core/kernel_entry.h>),
 * sched_remove() (a thread leaves the ready queues), schedule() (choose
 * the next thread; called on every kernel exit), and the queue primitives
 * that tests/unit/test_sched.c exercises.
 */
#ifndef CORE_SCHED_H
#define CORE_SCHED_H

#include <core/arch_hooks.h>
#include <core/trace.h>
#include <obj/tcb.h>

#define SCHED_PRIORITIES (L4_MAX_PRIORITY + 1)
#define SCHED_TIMESLICE  5 /* timer ticks */

struct cpu_state {
    tcb_t *current;   /* NULL while idle, or once current was destroyed */
    int reschedule;   /* choose again at kernel exit */
    int requeue_tail; /* current goes to the tail (yield, slice used up) */
    tcb_t *head[SCHED_PRIORITIES], *tail[SCHED_PRIORITIES];
    uint64_t bitmap[SCHED_PRIORITIES / 64];
    uint64_t ticks;
    /* The current thread's address space or TLS bases may differ from
     * what the CPU has loaded: set by a thread switch and by every kernel
     * object invocation (the only ways they change), cleared by the exit
     * to user mode that loads them. */
    int reload_user_state;
};

/* The one CPU's state; cpu() is how code reaches it. */
extern struct cpu_state cpu0;

static inline struct cpu_state *cpu(void)
{
    return &cpu0;
}

/* Queue primitives (no policy). */
void sched_enqueue(tcb_t *t, int at_head);
void sched_dequeue(tcb_t *t);
tcb_t *sched_highest(void);
int sched_queued(const tcb_t *t);

/* Is a thread of priority above prio ready? */
int sched_ready_above(unsigned prio);

void sched_wake(tcb_t *t);
/* Wake t, the partner of an IPC of the current thread that it answers or
 * serves for it (the receiver of a Call, the caller of a reply): at the
 * head of its priority's ready queue, so that when the current thread
 * blocks the partner runs in its place if no higher thread is ready, as
 * the fastpath's direct switch does (docs/kernel/fastpath.md). */
void sched_wake_partner(tcb_t *t);
void sched_block(tcb_t *t);
void sched_remove(tcb_t *t);
void sched_yield(void);
void sched_set_priority(tcb_t *t, uint8_t prio);

/* Pick the thread to run next and switch to it (idling with interrupts on
 * while nothing is runnable). */
void schedule_choose(void);

/* Run next, which is in no ready queue, in place of the current thread,
 * which the caller has blocked (the fastpath's direct switch). */
static inline void sched_switch_to(tcb_t *next)
{
    tcb_t *cur = cpu0.current;
    if (next->timeslice == 0)
        next->timeslice = SCHED_TIMESLICE;
    trace_switch(cur, next);
    arch_switch_to(cur, next);
    cpu0.current = next;
}

/* Choose the thread to run next; called on every kernel exit. The common
 * case, the current thread running on with nothing to reconsider, is
 * decided here without a call. */
static inline __attribute__((always_inline)) void schedule(void)
{
    tcb_t *cur = cpu0.current;
    if (cur && cur->state == THREAD_RUNNING && !cpu0.reschedule)
        return;
    schedule_choose();
}

#endif
