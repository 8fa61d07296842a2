/* SPDX-License-Identifier: MIT */
/*
 * A mutex for the runtime's threads (see <l4/rt.h>).
 *
 * Interface: l4_rt_mutex_init(), l4_rt_mutex_lock(), l4_rt_mutex_unlock().
 * With a Notification capability the mutex is a counting lock ("benaphore",
 * as seL4's libsel4sync builds it): count is holders plus waiters, taken
 * and dropped with atomic adds; only a contended lock makes a syscall (the
 * waiter Waits on the notification, the unlocker Signals it). Each Signal
 * is consumed by the one Wait that takes the lock over before the next
 * unlock, so the notification's single bit is enough. Without a
 * notification it is a spinlock that Yields while held: enough for threads
 * of one priority (Yield lets the holder run), but a higher-priority
 * thread would spin while a lower-priority holder never runs, so programs
 * with threads of several priorities must give a notification.
 */
#include <l4/rt.h>
#include <l4/stubs_gen.h>

void l4_rt_mutex_init(struct l4_rt_mutex *m, l4_cptr_t notification)
{
    m->count = 0;
    m->notification = notification;
}

void l4_rt_mutex_lock(struct l4_rt_mutex *m)
{
    if (m->notification == L4_CPTR_NULL) {
        while (__atomic_exchange_n(&m->count, 1, __ATOMIC_ACQUIRE))
            l4_yield();
        return;
    }
    if (__atomic_fetch_add(&m->count, 1, __ATOMIC_ACQUIRE) > 0)
        l4_wait(m->notification, 0); /* handed over by the unlocker's Signal */
}

void l4_rt_mutex_unlock(struct l4_rt_mutex *m)
{
    if (m->notification == L4_CPTR_NULL) {
        __atomic_store_n(&m->count, 0, __ATOMIC_RELEASE);
        return;
    }
    if (__atomic_fetch_sub(&m->count, 1, __ATOMIC_RELEASE) > 1)
        l4_signal(m->notification); /* somebody waits, or is about to */
}
