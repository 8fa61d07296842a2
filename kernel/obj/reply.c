/* SPDX-License-Identifier: MIT */
/*
 * Reply objects (see <obj/reply.h>).
 */
#include <api/fault.h>
#include <api/message.h>
#include <core/sched.h>
#include <core/trace.h>
#include <obj/reply.h>

void reply_bind(reply_t *r, tcb_t *caller, int can_grant)
{
    r->caller = caller;
    r->can_grant = (uint64_t)can_grant;
    caller->state = THREAD_BLOCKED_REPLY;
    caller->blocked_on = r;
}

l4_error_t reply_send(reply_t *r, tcb_t *sender)
{
    tcb_t *c = r->caller;
    if (!c)
        return L4_ILLEGAL_OPERATION;
    trace_ipc_reply(sender, c);
    r->caller = 0;
    c->blocked_on = 0;
    if (c->fault_kind) {
        fault_reply(sender, c);
        return L4_NO_ERROR;
    }
    message_transfer(sender, c, 0, (int)r->can_grant, 0);
    sched_wake_partner(c);
    return L4_NO_ERROR;
}

void reply_unbind(reply_t *r)
{
    if (r->caller)
        r->caller->blocked_on = 0;
    r->caller = 0;
}

void reply_finalise(reply_t *r)
{
    tcb_t *c = r->caller;
    if (c) {
        reply_unbind(r);
        tcb_wake_with_error(c, L4_CANCELLED);
    }
    if (r->receiver) {
        r->receiver->reply = 0;
        r->receiver = 0;
    }
}
