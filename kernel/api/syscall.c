/* SPDX-License-Identifier: MIT */
/*
 * The syscall dispatcher (see <api/syscall.h>).
 *
 * Send-type syscalls (Call, Send, NBSend) look up the capability in RDI:
 * an endpoint sends (needs Write; Call also GrantReply), a notification
 * signals (Write), a Reply capability answers its caller, anything else is
 * an invocation of a kernel object. Receive-type syscalls (Recv, NBRecv,
 * ReplyRecv) need Read on an endpoint or notification and take the Reply
 * object to bind in R12. The two debug syscalls act only through the
 * caller's own CSpace; console output, the invariant check and power-off
 * are invocations of DebugConsole and PowerControl capabilities.
 */
#include <api/fault.h>
#include <api/syscall.h>
#include <cap/cspace.h>
#include <core/arch_hooks.h>
#include <core/kernel_entry.h>
#include <core/sched.h>
#include <core/string.h>
#include <core/trace.h>
#include <obj/endpoint.h>
#include <obj/notification.h>
#include <obj/reply.h>

static void fail(tcb_t *t, l4_error_t e)
{
    ctx_set_status(&t->ctx, e);
    ctx_set_info(&t->ctx, l4_msginfo_new(e, 0, 0, 0));
}

static cte_t *lookup(tcb_t *t, uint64_t cptr)
{
    cte_t *slot;
    return cspace_lookup_cap(t->cspace_slot.cap, cptr, &slot) == LOOKUP_OK ? slot : 0;
}

static void do_send(tcb_t *t, int blocking, int is_call)
{
    cte_t *slot = lookup(t, ctx_cptr(&t->ctx));
    if (!slot) {
        fail(t, L4_INVALID_CAPABILITY);
        return;
    }
    cap_t c = slot->cap;
    unsigned rights = cap_rights(c);
    switch (cap_type(c)) {
    case CAP_ENDPOINT:
        if (!(rights & CAP_RIGHT_WRITE) || (is_call && !(rights & CAP_RIGHT_GRANT_REPLY))) {
            fail(t, L4_INVALID_CAPABILITY);
            return;
        }
        endpoint_send(cap_object(c), t, c, blocking, is_call);
        return;
    case CAP_NOTIFICATION:
        if (!(rights & CAP_RIGHT_WRITE)) {
            fail(t, L4_INVALID_CAPABILITY);
            return;
        }
        notification_signal(cap_object(c), cap_badge(c));
        ctx_set_status(&t->ctx, L4_NO_ERROR);
        return;
    case CAP_REPLY:
        ctx_set_status(&t->ctx, reply_send(cap_object(c), t));
        return;
    default:
        invocation_perform(t, slot, ctx_info(&t->ctx), is_call);
        return;
    }
}

static void do_recv(tcb_t *t, int blocking, int reply_first)
{
    reply_t *reply = 0;
    uint64_t rcptr = ctx_reply_cptr(&t->ctx);
    if (rcptr != L4_CPTR_NULL) {
        cte_t *rs = lookup(t, rcptr);
        if (!rs || cap_type(rs->cap) != CAP_REPLY) {
            fail(t, L4_INVALID_CAPABILITY);
            return;
        }
        reply = cap_object(rs->cap);
    }
    if (reply_first && reply)
        reply_send(reply, t); /* nothing owed is not an error here */

    cte_t *slot = lookup(t, ctx_cptr(&t->ctx));
    if (!slot || !(cap_rights(slot->cap) & CAP_RIGHT_READ)) {
        fail(t, L4_INVALID_CAPABILITY);
        return;
    }
    switch (cap_type(slot->cap)) {
    case CAP_ENDPOINT:
        /* a Reply object still owed an answer, or already named by another
         * waiting receiver, cannot take a new caller */
        if (reply && (reply->caller || (reply->receiver && reply->receiver != t))) {
            fail(t, L4_ILLEGAL_OPERATION);
            return;
        }
        endpoint_recv(cap_object(slot->cap), t, reply, blocking);
        return;
    case CAP_NOTIFICATION: {
        notification_t *n = cap_object(slot->cap);
        tcb_t *b = notification_bound_tcb(n);
        if (b && b != t) {
            fail(t, L4_ILLEGAL_OPERATION);
            return;
        }
        notification_wait(n, t, blocking);
        return;
    }
    default:
        fail(t, L4_INVALID_CAPABILITY);
        return;
    }
}

static void do_debug(tcb_t *t, uint64_t sysno)
{
    struct arch_context *c = &t->ctx;
    switch (sysno) {
    case L4_SYS_DEBUG_CAP_IDENTIFY: {
        cte_t *s = lookup(t, ctx_cptr(c));
        ctx_set_status(c, s ? cap_type(s->cap) : CAP_NULL);
        return;
    }
    case L4_SYS_DEBUG_NAME_THREAD: {
        cte_t *s = lookup(t, ctx_cptr(c));
        struct l4_ipc_buffer *b = tcb_ipc_buffer(t);
        if (!s || cap_type(s->cap) != CAP_TCB || !b) {
            ctx_set_status(c, L4_INVALID_CAPABILITY);
            return;
        }
        tcb_t *target = cap_object(s->cap);
        const char *name = (const char *)b->msg;
        size_t n = strnlen(name, sizeof target->name - 1);
        memcpy(target->name, name, n);
        target->name[n] = 0;
        trace_thread_name(target);
        ctx_set_status(c, L4_NO_ERROR);
        return;
    }
    default:
        ctx_set_status(c, L4_ILLEGAL_OPERATION);
        return;
    }
}

void syscall_handle(void)
{
    tcb_t *t = cpu()->current;
    struct arch_context *c = &t->ctx;
    uint64_t sysno = ctx_sysno(c);
    trace_syscall(t);

    if (t->foreign_abi) {
        /* every syscall of a foreign ABI goes to the thread's handler */
        fault_raise(t, FAULT_SYSCALL, 0, 0, ctx_pc(c));
        return;
    }
    switch (sysno) {
    case L4_SYS_CALL:
        do_send(t, 1, 1);
        break;
    case L4_SYS_SEND:
        do_send(t, 1, 0);
        break;
    case L4_SYS_NBSEND:
        do_send(t, 0, 0);
        break;
    case L4_SYS_RECV:
        do_recv(t, 1, 0);
        break;
    case L4_SYS_NBRECV:
        do_recv(t, 0, 0);
        break;
    case L4_SYS_REPLY_RECV:
        do_recv(t, 1, 1);
        break;
    case L4_SYS_YIELD:
        sched_yield();
        break;
    default:
        if (sysno == L4_SYS_DEBUG_CAP_IDENTIFY || sysno == L4_SYS_DEBUG_NAME_THREAD)
            do_debug(t, sysno);
        else
            ctx_set_status(c, L4_ILLEGAL_OPERATION);
        break;
    }
}
