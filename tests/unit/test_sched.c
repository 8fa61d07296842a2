/* SPDX-License-Identifier: MIT */
/*
 * Scheduler queues and policy (kernel/core/sched.c) on the host: FIFO
 * order within a priority, the highest priority first, the bitmap kept in
 * step, preemption by a woken higher-priority thread (the preempted one
 * keeps its place at the head), round robin on yield and on the end of a
 * time slice, and priority changes of queued threads. The fake arch's
 * arch_switch_to() records which thread was chosen.
 */
#include <check.h>
#include <string.h>
#include <core/kernel_entry.h>
#include <core/sched.h>
#include "suites.h"

extern struct tcb *fake_switched_to;

static tcb_t threads[6] __attribute__((aligned(2048)));

static tcb_t *mk(unsigned i, uint8_t prio)
{
    tcb_t *t = &threads[i];
    memset(t, 0, sizeof *t);
    tcb_init(t);
    t->priority = prio;
    t->name[0] = (char)('a' + i);
    return t;
}

/* Start with t current, as after a switch to it. */
static void run(tcb_t *t)
{
    t->state = THREAD_RUNNING;
    sched_enqueue(t, 0);
    cpu()->reschedule = 1;
    schedule();
    ck_assert_ptr_eq(cpu()->current, t);
}

START_TEST(fifo_within_priority)
{
    tcb_t *a = mk(0, 10), *b = mk(1, 10), *c = mk(2, 10);
    sched_enqueue(a, 0);
    sched_enqueue(b, 0);
    sched_enqueue(c, 0);
    ck_assert_ptr_eq(sched_highest(), a);
    sched_dequeue(a);
    ck_assert_ptr_eq(sched_highest(), b);
    sched_dequeue(c); /* from the tail */
    ck_assert_ptr_eq(sched_highest(), b);
    ck_assert_ptr_eq(cpu()->tail[10], b);
    sched_dequeue(b);
    ck_assert_ptr_null(sched_highest());
    ck_assert_uint_eq(cpu()->bitmap[0], 0);
    /* dequeue of a thread in no queue changes nothing */
    sched_dequeue(b);
    ck_assert_ptr_null(cpu()->head[10]);
}
END_TEST

START_TEST(highest_priority_first_across_words)
{
    tcb_t *lo = mk(0, 0), *mid = mk(1, 64), *hi = mk(2, 255), *top = mk(3, 200);
    sched_enqueue(lo, 0);
    sched_enqueue(mid, 0);
    ck_assert_ptr_eq(sched_highest(), mid);
    sched_enqueue(top, 0);
    sched_enqueue(hi, 0);
    ck_assert_ptr_eq(sched_highest(), hi);
    ck_assert(cpu()->bitmap[3] & (1ull << 63));
    sched_dequeue(hi);
    ck_assert_ptr_eq(sched_highest(), top);
    ck_assert(!(cpu()->bitmap[3] & (1ull << 63)));
    sched_dequeue(top);
    sched_dequeue(mid);
    ck_assert_ptr_eq(sched_highest(), lo);
}
END_TEST

START_TEST(enqueue_twice_is_harmless)
{
    tcb_t *a = mk(0, 5), *b = mk(1, 5);
    sched_enqueue(a, 0);
    sched_enqueue(b, 0);
    sched_enqueue(a, 1); /* already queued: stays where it is */
    ck_assert_ptr_eq(cpu()->head[5], a);
    ck_assert_ptr_eq(cpu()->tail[5], b);
    ck_assert(sched_queued(a) && sched_queued(b));
}
END_TEST

START_TEST(higher_priority_wake_preempts)
{
    tcb_t *low = mk(0, 10), *other = mk(1, 10), *high = mk(2, 20);
    run(low);
    other->state = THREAD_INACTIVE;
    sched_wake(other);
    ck_assert_int_eq(cpu()->reschedule, 0); /* same priority: no preemption */
    sched_wake(high);
    ck_assert_int_eq(cpu()->reschedule, 1);
    schedule();
    ck_assert_ptr_eq(cpu()->current, high);
    ck_assert_ptr_eq(fake_switched_to, high);
    /* the preempted thread is first in its queue again, before `other` */
    ck_assert_ptr_eq(cpu()->head[10], low);
    ck_assert_ptr_eq(low->sched_next, other);
}
END_TEST

START_TEST(lower_priority_wake_does_not_preempt)
{
    tcb_t *high = mk(0, 100), *low = mk(1, 3);
    run(high);
    sched_wake(low);
    schedule();
    ck_assert_ptr_eq(cpu()->current, high);
    ck_assert(sched_queued(low));
}
END_TEST

START_TEST(yield_rotates_equal_priority)
{
    tcb_t *a = mk(0, 7), *b = mk(1, 7), *c = mk(2, 7);
    run(a);
    sched_wake(b);
    sched_wake(c);
    sched_yield();
    schedule();
    ck_assert_ptr_eq(cpu()->current, b);
    ck_assert_ptr_eq(cpu()->tail[7], a);
    sched_yield();
    schedule();
    ck_assert_ptr_eq(cpu()->current, c);
    sched_yield();
    schedule();
    ck_assert_ptr_eq(cpu()->current, a);
}
END_TEST

START_TEST(yield_alone_keeps_running)
{
    tcb_t *a = mk(0, 7), *low = mk(1, 6);
    run(a);
    sched_wake(low);
    sched_yield();
    schedule();
    ck_assert_ptr_eq(cpu()->current, a);
    ck_assert_int_eq(cpu()->reschedule, 0);
}
END_TEST

START_TEST(timeslice_expiry_round_robin)
{
    tcb_t *a = mk(0, 9), *b = mk(1, 9);
    run(a);
    sched_wake(b);
    for (unsigned i = 0; i + 1 < SCHED_TIMESLICE; i++) {
        sched_tick();
        schedule();
        ck_assert_ptr_eq(cpu()->current, a);
    }
    sched_tick(); /* the last tick of a's slice */
    schedule();
    ck_assert_ptr_eq(cpu()->current, b);
    ck_assert_ptr_eq(cpu()->tail[9], a);
    ck_assert_uint_eq(a->timeslice, SCHED_TIMESLICE); /* refilled for its next turn */
    ck_assert_uint_eq(cpu()->ticks, SCHED_TIMESLICE);
}
END_TEST

START_TEST(blocking_current_runs_next_highest)
{
    tcb_t *a = mk(0, 50), *b = mk(1, 40), *c = mk(2, 45);
    run(a);
    sched_wake(b);
    sched_wake(c);
    a->state = THREAD_BLOCKED_RECV;
    sched_block(a);
    schedule();
    ck_assert_ptr_eq(cpu()->current, c);
    ck_assert(!sched_queued(a));
}
END_TEST

START_TEST(set_priority_moves_queued_thread)
{
    tcb_t *cur = mk(0, 100), *t = mk(1, 10), *u = mk(2, 30);
    run(cur);
    sched_wake(t);
    sched_wake(u);
    sched_set_priority(t, 31);
    ck_assert_ptr_null(cpu()->head[10]);
    ck_assert_ptr_eq(sched_highest(), t);
    ck_assert_uint_eq(t->priority, 31);
    /* lowering current below a ready thread hands the CPU over */
    sched_set_priority(cur, 20);
    schedule();
    ck_assert_ptr_eq(cpu()->current, t);
}
END_TEST

START_TEST(remove_current_forgets_it)
{
    tcb_t *a = mk(0, 10), *b = mk(1, 5);
    run(a);
    sched_wake(b);
    a->state = THREAD_INACTIVE;
    sched_remove(a);
    ck_assert_ptr_null(cpu()->current);
    schedule();
    ck_assert_ptr_eq(cpu()->current, b);
}
END_TEST

Suite *sched_suite(void)
{
    Suite *s = suite_create("sched");
    TCase *tc = tcase_create("sched");
    tcase_add_test(tc, fifo_within_priority);
    tcase_add_test(tc, highest_priority_first_across_words);
    tcase_add_test(tc, enqueue_twice_is_harmless);
    tcase_add_test(tc, higher_priority_wake_preempts);
    tcase_add_test(tc, lower_priority_wake_does_not_preempt);
    tcase_add_test(tc, yield_rotates_equal_priority);
    tcase_add_test(tc, yield_alone_keeps_running);
    tcase_add_test(tc, timeslice_expiry_round_robin);
    tcase_add_test(tc, blocking_current_runs_next_highest);
    tcase_add_test(tc, set_priority_moves_queued_thread);
    tcase_add_test(tc, remove_current_forgets_it);
    suite_add_tcase(s, tc);
    return s;
}
