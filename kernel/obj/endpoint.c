/* SPDX-License-Identifier: MIT */
/*
 * Endpoint IPC (see <obj/endpoint.h>): rendezvous of a sender and a
 * receiver, with FIFO queues of whichever side arrived first.
 */
#include <api/fault.h>
#include <api/message.h>
#include <core/sched.h>
#include <core/trace.h>
#include <obj/endpoint.h>
#include <obj/notification.h>
#include <obj/reply.h>

void endpoint_dequeue(endpoint_t *ep, tcb_t *t)
{
    ipc_queue_remove(&ep->head, &ep->tail, t);
}

/* A caller whose message was delivered: bind it to the receiver's Reply
 * object, or answer Cancelled if the receiver gave none. */
static void caller_delivered(tcb_t *caller, reply_t *reply, int can_grant)
{
    if (reply) {
        sched_block(caller);
        reply_bind(reply, caller, can_grant);
    } else if (caller->fault_kind) {
        fault_unhandled(caller, "fault received without a Reply object", caller->fault_vector,
                        caller->fault_addr);
    } else {
        ctx_set_status(&caller->ctx, L4_CANCELLED);
        sched_wake(caller);
    }
}

void endpoint_send(endpoint_t *ep, tcb_t *s, cap_t cap, int blocking, int is_call)
{
    int grant = (cap_rights(cap) & CAP_RIGHT_GRANT) != 0;
    trace_ipc_send(ep, s, cap_badge(cap), blocking, is_call);
    tcb_t *r = ep->head;
    if (r && r->state == THREAD_BLOCKED_RECV) {
        ipc_queue_pop(&ep->head, &ep->tail);
        reply_t *reply = r->reply;
        r->reply = 0;
        r->blocked_on = 0;
        if (reply)
            reply->receiver = 0;
        message_transfer(s, r, cap_badge(cap), grant, ep);
        if (is_call)
            sched_wake_partner(r);
        else
            sched_wake(r);
        if (is_call)
            caller_delivered(s, reply, grant);
        else
            ctx_set_status(&s->ctx, L4_NO_ERROR);
        return;
    }
    if (!blocking) {
        ctx_set_status(&s->ctx, L4_NO_ERROR);
        return;
    }
    s->state = THREAD_BLOCKED_SEND;
    s->blocked_on = ep;
    s->ipc_badge = cap_badge(cap);
    s->ipc_is_call = (uint8_t)is_call;
    s->ipc_can_grant = (uint8_t)grant;
    ipc_queue_append(&ep->head, &ep->tail, s);
    sched_block(s);
}

void endpoint_recv(endpoint_t *ep, tcb_t *r, reply_t *reply, int blocking)
{
    trace_ipc_recv(ep, r, reply != 0, blocking);
    if (notification_take_bound(r))
        return;
    tcb_t *s = ep->head;
    if (s && s->state == THREAD_BLOCKED_SEND) {
        ipc_queue_pop(&ep->head, &ep->tail);
        s->blocked_on = 0;
        message_transfer(s, r, s->ipc_badge, s->ipc_can_grant, ep);
        if (s->ipc_is_call) {
            caller_delivered(s, reply, s->ipc_can_grant);
        } else {
            ctx_set_status(&s->ctx, L4_NO_ERROR);
            sched_wake(s);
        }
        return;
    }
    if (!blocking) {
        ctx_set_status(&r->ctx, L4_NO_ERROR);
        ctx_set_badge(&r->ctx, 0);
        ctx_set_info(&r->ctx, 0);
        return;
    }
    r->state = THREAD_BLOCKED_RECV;
    r->blocked_on = ep;
    r->reply = reply;
    if (reply)
        reply->receiver = r;
    ipc_queue_append(&ep->head, &ep->tail, r);
    sched_block(r);
}

void endpoint_finalise(endpoint_t *ep)
{
    while (ep->head) {
        tcb_t *t = ep->head;
        tcb_cancel_ipc(t);
        tcb_wake_with_error(t, L4_CANCELLED);
    }
}
