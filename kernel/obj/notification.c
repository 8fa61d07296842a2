/* SPDX-License-Identifier: MIT */
/*
 * Notifications (see <obj/notification.h>).
 */
#include <core/sched.h>
#include <obj/endpoint.h>
#include <obj/notification.h>

static void set_active(notification_t *n, int active)
{
    n->bound_active = (n->bound_active & ~1ull) | (active ? 1 : 0);
}

/* End t's receive with the signal word as badge and an empty message. */
static void deliver(tcb_t *t, uint64_t word)
{
    t->blocked_on = 0;
    ctx_set_status(&t->ctx, L4_NO_ERROR);
    ctx_set_badge(&t->ctx, word);
    ctx_set_info(&t->ctx, 0);
}

void notification_signal(notification_t *n, uint64_t badge)
{
    tcb_t *t = n->head;
    if (t) {
        ipc_queue_remove(&n->head, &n->tail, t);
        deliver(t, n->word | badge);
        n->word = 0;
        set_active(n, 0);
        sched_wake(t);
        return;
    }
    t = notification_bound_tcb(n);
    if (t && t->state == THREAD_BLOCKED_RECV) {
        tcb_cancel_ipc(t); /* leaves the endpoint queue */
        deliver(t, n->word | badge);
        n->word = 0;
        set_active(n, 0);
        sched_wake(t);
        return;
    }
    n->word |= badge;
    set_active(n, 1);
}

void notification_wait(notification_t *n, tcb_t *t, int blocking)
{
    if (n->bound_active & 1) {
        deliver(t, n->word);
        n->word = 0;
        set_active(n, 0);
        return;
    }
    if (!blocking) {
        deliver(t, 0);
        return;
    }
    t->state = THREAD_BLOCKED_NOTIFICATION;
    t->blocked_on = n;
    ipc_queue_append(&n->head, &n->tail, t);
    sched_block(t);
}

int notification_take_bound(tcb_t *t)
{
    notification_t *n = t->bound_notification;
    if (!n || !(n->bound_active & 1))
        return 0;
    notification_wait(n, t, 0);
    return 1;
}

void notification_bind(notification_t *n, tcb_t *t)
{
    n->bound_active = (uint64_t)(uintptr_t)t | (n->bound_active & 1);
    t->bound_notification = n;
}

void notification_unbind(tcb_t *t)
{
    notification_t *n = t->bound_notification;
    if (n)
        n->bound_active &= 1;
    t->bound_notification = 0;
}

void notification_dequeue(notification_t *n, tcb_t *t)
{
    ipc_queue_remove(&n->head, &n->tail, t);
}

void notification_finalise(notification_t *n)
{
    while (n->head) {
        tcb_t *t = n->head;
        tcb_cancel_ipc(t);
        tcb_wake_with_error(t, L4_CANCELLED);
    }
    tcb_t *b = notification_bound_tcb(n);
    if (b)
        notification_unbind(b);
}
