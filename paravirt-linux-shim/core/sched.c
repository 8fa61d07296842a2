/* SPDX-License-Identifier: MIT */
/*
 * The shim's scheduler (docs/linux/scheduling.md). The compartment is one
 * virtual CPU: at most one of its processes holds it, and only that
 * process's thread is runnable in the kernel. Every other process is
 * blocked in the shim (parked, its Reply kept by what it waits for),
 * queued (ready: its answer kept, or its thread suspended), stopped, or
 * gone. Round robin with a 10 ms slice on the virtual timer; a process
 * woken from a block goes ahead of the others and preempts the running
 * one: at once from an event (timer, input), at the running one's next
 * call once it has run WAKE_GRAN_NS, at the latest when its slice ends.
 *
 * Interface (shim.h); all of it runs with the virtual IF off (the event
 * loop masks it around each event, main.c):
 *   sched_may_run(p)          p's thread waits suspended with its registers
 *                             set: true if p holds the CPU now (the caller
 *                             resumes it), false if it is queued (resumed
 *                             when its turn comes)
 *   sched_answer(p, r, v)     p's parked call ends with v: answered through
 *                             Reply r now, or queued with r kept
 *   sched_fault_begin/end     a fault of the running process is handled;
 *                             not answered by the end: it blocked
 *   sched_settle(p)           p's queued answer goes into its registers
 *   sched_leave(p)            p stops or ends: out of the queue and the CPU
 *   sched_dispatch()          the CPU is free: the next queued one runs
 *   sched_tick(now)           the virtual timer: a slice ended?
 *   sched_next_deadline()     when the timer must come back for the slice
 */
#include <string.h>
#include <l4/stubs_gen.h>
#include "shim.h"

#define SLICE_NS     10000000u /* a round robin time slice: 10 ms */
#define WAKE_GRAN_NS 1000000u  /* a woken process waits at most this for another */

static int cur;            /* the pid holding the CPU; 0: none */
static bool cur_woken;     /* it got the CPU as a wake-up */
static bool cur_in_shim;   /* its fault is being handled */
static bool cur_went_on;   /* and was answered (or its thread resumed) */
static uint64_t cur_since; /* when it got the CPU (PV clock, ns) */
static uint64_t slice_end;

/* The ready queue (pids): the woken first, newest first, then the rest in
 * round robin order. */
static int queue[SHIM_MAX_PROCS];
static unsigned qlen, nwoken;

static void enqueue(struct process *p, unsigned at, bool woken)
{
    if (p->queued || qlen == SHIM_MAX_PROCS)
        return;
    memmove(&queue[at + 1], &queue[at], (qlen - at) * sizeof queue[0]);
    queue[at] = p->pid;
    qlen++;
    if (woken)
        nwoken++;
    p->queued = true;
}

static void dequeue_at(unsigned i)
{
    memmove(&queue[i], &queue[i + 1], (qlen - i - 1) * sizeof queue[0]);
    qlen--;
    if (i < nwoken)
        nwoken--;
}

/* p holds the CPU from now on, for a slice (or what it had left). */
static void give(struct process *p, bool woken)
{
    cur = p->pid;
    cur_woken = woken;
    cur_in_shim = false;
    cur_since = shim_now_ns();
    slice_end = cur_since + (p->slice_left ? p->slice_left : SLICE_NS);
    p->slice_left = 0;
}

/* Take the CPU from the running process (running in user mode, or with a
 * fault sent and not yet received: the kernel aborts that, and the call
 * is made again on resume). At the end of its slice it goes to the tail;
 * cut short by a wake-up, to the head of the rest with what it had left. */
static void preempt(uint64_t now, bool slice_over)
{
    struct process *p = proc_by_pid(cur);
    cur = 0;
    if (!p || !p->tcb)
        return;
    shim_flush_reply(); /* its answer first: suspending aborts an unanswered call */
    (void)l4_tcb_suspend(p->tcb);
    p->slice_left = slice_over || slice_end <= now ? 0 : slice_end - now;
    enqueue(p, p->slice_left ? nwoken : qlen, false);
}

/* A woken process claims the CPU: free, or taken from a running process
 * that did not get it as a wake-up itself or has had it long enough. Not
 * during the running process's own call (it is answered first). */
static bool claim(struct process *p)
{
    if (p->pid == cur) {
        cur_went_on = true;
        return true;
    }
    if (p->queued)
        return false;
    if (cur) {
        if (cur_in_shim)
            return false;
        uint64_t now = shim_now_ns();
        if (cur_woken && now - cur_since < WAKE_GRAN_NS)
            return false;
        preempt(now, false);
    }
    give(p, true);
    return true;
}

bool sched_may_run(struct process *p)
{
    if (claim(p))
        return true;
    enqueue(p, 0, true);
    shim_timer_at(slice_end); /* the running slice must end */
    return false;
}

void sched_answer(struct process *p, l4_word_t reply, l4_word_t value)
{
    if (!p->queued && claim(p)) {
        shim_reply_send(reply, value);
        return;
    }
    if (p->queued) { /* cannot happen: a parked process is not queued */
        shim_release_reply(reply);
        return;
    }
    p->run_reply = reply; /* kept until its turn (one per process) */
    p->run_value = value;
    enqueue(p, 0, true);
    shim_timer_at(slice_end);
}

void sched_settle(struct process *p)
{
    l4_word_t reply = p->run_reply;
    if (!reply)
        return;
    p->run_reply = 0;
    shim_answer_in_registers(p, p->run_value, false); /* it stays suspended, queued */
    shim_release_reply(reply);
}

void sched_leave(struct process *p)
{
    if (p->queued) {
        for (unsigned i = 0; i < qlen; i++)
            if (queue[i] == p->pid) {
                dequeue_at(i);
                break;
            }
        p->queued = false;
    }
    sched_settle(p);
    p->slice_left = 0;
    if (p->pid == cur)
        cur = 0; /* the next runs at the end of this event */
}

void sched_fault_begin(struct process *p)
{
    if (!cur)
        give(p, false); /* cannot happen: only the running one faults */
    cur_in_shim = p->pid == cur;
    cur_went_on = false;
}

void sched_fault_end(int pid, bool answered)
{
    bool in_shim = cur_in_shim;
    cur_in_shim = false;
    if (cur != pid || !in_shim)
        return;
    if (!answered && !cur_went_on) {
        cur = 0; /* parked: it blocks and holds no CPU */
        return;
    }
    /* it goes on: a process it woke waits for it at most WAKE_GRAN_NS
     * (checked here, at its calls, and at the end of its slice) */
    if (nwoken) {
        uint64_t now = shim_now_ns();
        if (now - cur_since >= WAKE_GRAN_NS)
            preempt(now, false);
    }
}

void sched_dispatch(void)
{
    bool armed = false;
    while (!cur && qlen) {
        bool woken = nwoken > 0;
        struct process *p = proc_by_pid(queue[0]);
        dequeue_at(0);
        if (!p || !p->queued || p->zombie)
            continue;
        p->queued = false;
        give(p, woken);
        l4_word_t reply = p->run_reply;
        if (reply) {
            p->run_reply = 0;
            shim_reply_send(reply, p->run_value);
        } else {
            (void)l4_tcb_resume(p->tcb);
        }
        armed = true;
    }
    if (armed && qlen)
        shim_timer_at(slice_end);
}

void sched_tick(uint64_t now)
{
    if (!cur || cur_in_shim || !qlen)
        return;
    if (now >= slice_end)
        preempt(now, true);
    else if (nwoken && now - cur_since >= WAKE_GRAN_NS)
        preempt(now, false);
}

uint64_t sched_next_deadline(void)
{
    return cur && qlen ? slice_end : 0;
}
