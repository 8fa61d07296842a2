/* SPDX-License-Identifier: MIT */
/*
 * Notifications: a word of binary semaphores for asynchronous signals.
 *
 * Signal ORs the capability's badge into the word and wakes the first
 * waiter (or the bound thread, even while it waits on an endpoint); Wait
 * takes and clears the word, blocking while it is 0; Poll does not block.
 *
 * Interface: notification_signal(), notification_wait(),
 * notification_bind()/notification_unbind() (TCB BindNotification),
 * notification_finalise() (waiters woken with Cancelled, binding undone).
 */
#ifndef OBJ_NOTIFICATION_H
#define OBJ_NOTIFICATION_H

#include <obj/tcb.h>

typedef struct notification {
    uint64_t word;
    tcb_t *head, *tail; /* waiters */
    /* the bound thread (whose endpoint Recv a signal also ends), with bit 0
     * set while a signal is pending (TCBs are 2 KiB aligned): a signal
     * through an unbadged capability is pending even though word is 0 */
    uint64_t bound_active;
} notification_t;

static inline tcb_t *notification_bound_tcb(const notification_t *n)
{
    return (tcb_t *)(uintptr_t)(n->bound_active & ~1ull);
}

_Static_assert(sizeof(notification_t) <= (1u << L4_OBJECT_NOTIFICATION_SIZE_BITS),
               "notification size");

void notification_signal(notification_t *n, uint64_t badge);
void notification_wait(notification_t *n, tcb_t *t, int blocking);
void notification_bind(notification_t *n, tcb_t *t);
void notification_unbind(tcb_t *t);
void notification_dequeue(notification_t *n, tcb_t *t);
void notification_finalise(notification_t *n);

/* Deliver a pending signal of t's bound notification as t's receive
 * result; returns 1 if there was one. */
int notification_take_bound(tcb_t *t);

#endif
