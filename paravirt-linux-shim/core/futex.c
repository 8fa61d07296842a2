/* SPDX-License-Identifier: MIT */
/*
 * futex (docs/linux/kernel.md, "Blocking"): FUTEX_WAIT and FUTEX_WAKE and
 * their bitset forms, what libc's locks and condition variables need
 * from one-threaded processes and from processes that share memory
 * (clear_child_tid matters only to threads, which come later).
 *
 * A waiter is parked like a blocked read: its Reply object kept, answered
 * 0 by a wake, -ETIMEDOUT at its deadline (the virtual timer, armed with
 * the sleepers'), or interrupted by a signal (EINTR, signal.c). A futex is
 * named by (pid, address) when private, or by the pseudo-physical page and
 * offset when it lies in MAP_SHARED memory, so that processes sharing the
 * page find the same futex.
 */
#include <string.h>
#include <shim/linux_abi.h>
#include "shim.h"

#define FUTEX_WAIT           0
#define FUTEX_WAKE           1
#define FUTEX_WAIT_BITSET    9
#define FUTEX_WAKE_BITSET    10
#define FUTEX_PRIVATE_FLAG   128
#define FUTEX_CLOCK_REALTIME 256
#define FUTEX_BITSET_ANY     0xffffffffu

struct futex_waiter {
    bool used;
    int pid;
    uint64_t key_a, key_b; /* (pid, address) or (pfn + 1 with a mark, offset) */
    uint32_t bitset;
    uint64_t deadline; /* PV clock ns; 0: none */
    l4_word_t reply;
};
static struct futex_waiter waiters[SHIM_MAX_PROCS];
/* Every used entry is below waiters_hi (it grows as entries are taken, the
 * loops stop there: with few waiting, a wake-up looks at few entries). */
static unsigned waiters_hi;

/* Lower waiters_hi past the entries freed at the end. */
static void trim_waiters(void)
{
    while (waiters_hi && !waiters[waiters_hi - 1].used)
        waiters_hi--;
}

#define SHARED_MARK (UINT64_C(1) << 63)

/* The futex's name; -EFAULT if the address is not a readable aligned u32
 * of the process, -EINVAL if misaligned. */
static int key_of(struct process *p, uint64_t uaddr, bool private, uint64_t *a, uint64_t *b)
{
    if (uaddr & 3)
        return -LINUX_EINVAL;
    uint32_t v;
    if (mm_copy_in(&p->mm, &v, uaddr, 4) != 0)
        return -LINUX_EFAULT;
    l4_word_t pfn;
    if (!private && mm_page_shared(&p->mm, uaddr) && mm_pfn_of(&p->mm, uaddr, &pfn)) {
        *a = SHARED_MARK | pfn;
        *b = uaddr & 0xfff;
    } else {
        *a = (uint64_t)(uint32_t)p->pid;
        *b = uaddr;
    }
    return 0;
}

static long do_wait(struct process *p, uint64_t uaddr, uint32_t val, uint64_t uts, bool abs,
                    bool realtime, uint32_t bitset, bool private)
{
    if (bitset == 0)
        return -LINUX_EINVAL;
    uint64_t ka, kb;
    int e = key_of(p, uaddr, private, &ka, &kb);
    if (e)
        return e;
    uint64_t deadline = 0;
    if (uts) {
        int64_t ts[2];
        if (mm_copy_in(&p->mm, ts, uts, sizeof ts) != 0)
            return -LINUX_EFAULT;
        if (ts[0] < 0 || ts[1] < 0 || ts[1] >= 1000000000)
            return -LINUX_EINVAL;
        uint64_t ns = (uint64_t)ts[0] * 1000000000u + (uint64_t)ts[1], now = shim_now_ns();
        if (abs) { /* an absolute time on CLOCK_MONOTONIC or CLOCK_REALTIME */
            uint64_t clock_now = realtime ? shim_realtime_ns() : now;
            deadline = ns > clock_now ? now + (ns - clock_now) : now;
        } else {
            deadline = now + ns;
        }
        if (deadline <= now)
            return -LINUX_ETIMEDOUT;
    }
    uint32_t cur;
    if (mm_copy_in(&p->mm, &cur, uaddr, 4) != 0)
        return -LINUX_EFAULT;
    if (cur != val)
        return -LINUX_EAGAIN;
    for (unsigned i = 0; i < SHIM_MAX_PROCS; i++)
        if (!waiters[i].used) {
            if (i >= waiters_hi)
                waiters_hi = i + 1;
            l4_word_t r = shim_keep_reply();
            if (!r)
                return -LINUX_ENOMEM;
            waiters[i] = (struct futex_waiter){true, p->pid, ka, kb, bitset, deadline, r};
            if (deadline)
                shim_timer_changed();
            return SHIM_BLOCKED;
        }
    return -LINUX_ENOMEM;
}

static long do_wake(struct process *p, uint64_t uaddr, uint32_t n, uint32_t bitset, bool private)
{
    if (bitset == 0)
        return -LINUX_EINVAL;
    uint64_t ka, kb;
    int e = key_of(p, uaddr, private, &ka, &kb);
    if (e)
        return e;
    long woken = 0;
    trim_waiters();
    for (unsigned i = 0; i < waiters_hi && (uint32_t)woken < n; i++) {
        struct futex_waiter *w = &waiters[i];
        if (w->used && w->key_a == ka && w->key_b == kb && (w->bitset & bitset)) {
            w->used = false;
            shim_answer(w->reply, 0);
            woken++;
        }
    }
    return woken;
}

long futex_syscall(struct process *p, const struct syscall_frame *f)
{
    const l4_word_t *a = f->a;
    unsigned op = (unsigned)a[1];
    bool private = op & FUTEX_PRIVATE_FLAG, realtime = op & FUTEX_CLOCK_REALTIME;
    switch (op & ~(unsigned)(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME)) {
    case FUTEX_WAIT:
        if (realtime)
            return -LINUX_ENOSYS; /* as Linux: only with the bitset form */
        return do_wait(p, a[0], (uint32_t)a[2], a[3], false, false, FUTEX_BITSET_ANY, private);
    case FUTEX_WAIT_BITSET:
        return do_wait(p, a[0], (uint32_t)a[2], a[3], true, realtime, (uint32_t)a[5], private);
    case FUTEX_WAKE:
        return do_wake(p, a[0], (uint32_t)a[2], FUTEX_BITSET_ANY, private);
    case FUTEX_WAKE_BITSET:
        return do_wake(p, a[0], (uint32_t)a[2], (uint32_t)a[5], private);
    }
    return -LINUX_ENOSYS;
}

void futex_forget(struct process *p)
{
    trim_waiters();
    for (unsigned i = 0; i < waiters_hi; i++)
        if (waiters[i].used && waiters[i].pid == p->pid) {
            waiters[i].used = false;
            shim_release_reply(waiters[i].reply);
        }
}

uint64_t futex_next_deadline(void)
{
    uint64_t first = 0;
    trim_waiters();
    for (unsigned i = 0; i < waiters_hi; i++)
        if (waiters[i].used && waiters[i].deadline && (!first || waiters[i].deadline < first))
            first = waiters[i].deadline;
    return first;
}

void futex_expire(uint64_t now)
{
    trim_waiters();
    for (unsigned i = 0; i < waiters_hi; i++)
        if (waiters[i].used && waiters[i].deadline && waiters[i].deadline <= now) {
            waiters[i].used = false;
            shim_answer(waiters[i].reply, (l4_word_t)-LINUX_ETIMEDOUT);
        }
}
