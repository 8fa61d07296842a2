/* SPDX-License-Identifier: MIT */
/*
 * The IPC fastpath (see <api/fastpath.h> and docs/kernel/fastpath.md).
 *
 * Three short paths for the common case of a client-server round trip:
 *   Call        to an endpoint where a receiver waits with a Reply object;
 *   ReplyRecv   answering a caller, then waiting on an endpoint with no
 *               sender queued;
 *   a foreign-ABI syscall, sent as exception IPC to a handler that waits
 *               (its answer is a ReplyRecv whose caller is in a foreign
 *               syscall).
 * Each first checks every condition under which the full path would do
 * something else (capability lookup and rights, message short and without
 * capabilities, the partner's state, priorities, a pending bound signal)
 * and, having changed nothing, takes the full path if one fails
 * (syscall_slowpath()), which gives the same result. Otherwise it moves
 * the message words register to register, updates the endpoint queue and
 * the Reply object exactly as the full path would, and leaves the kernel
 * in the partner (which must run next: its priority is at least that of
 * every ready thread) through arch_fastpath_exit(), skipping the
 * scheduler.
 */
#include <api/fastpath.h>
#include <api/fault.h>
#include <arch/switch.h>
#include <cap/cspace.h>
#include <core/arch_hooks.h>
#include <core/sched.h>
#include <core/trace.h>
#include <obj/endpoint.h>
#include <obj/notification.h>
#include <obj/reply.h>

int fastpath_enabled = 1;

/* Every helper is inlined: the fastpath is one function per syscall. */
#define FASTPATH_INLINE inline __attribute__((always_inline))

/* The capability cptr names in t's CSpace, or a null capability. A flat
 * CSpace (<cap/cspace.h>) is resolved inline; others by the full lookup. */
static FASTPATH_INLINE cap_t lookup(const tcb_t *t, uint64_t cptr)
{
    cap_t root = t->cspace_slot.cap;
    if (cspace_is_flat(root)) {
        cte_t *s = cspace_flat_slot(root, cptr);
        return s ? s->cap : cap_null();
    }
    cte_t *slot;
    return cspace_lookup_cap(root, cptr, &slot) == LOOKUP_OK ? slot->cap : cap_null();
}

/* May `next` run at once instead of the scheduler's choice, when the
 * current thread blocks? The current thread's priority is at least that
 * of every ready thread (schedule() ran at the last exit), so a partner
 * that is not below it may; a lower one only if no ready thread is above
 * it. */
static FASTPATH_INLINE int may_switch_to(const tcb_t *cur, const tcb_t *next)
{
    return next->priority >= cur->priority || !sched_ready_above(next->priority);
}

/* A message of at most four words and no capabilities? (The length and
 * extra-caps fields are the low bits of the message info.) */
static FASTPATH_INLINE int short_message(uint64_t info)
{
    return (info & (L4_MSGINFO_LENGTH_MASK | L4_MSGINFO_EXTRA_CAPS_MASK)) <= L4_MSG_REGISTERS;
}

/* The message info a receiver gets for a short message: label and length
 * kept, no capabilities, none unwrapped. */
static FASTPATH_INLINE uint64_t delivered_info(uint64_t info)
{
    return info & (L4_MSGINFO_LABEL_MASK | L4_MSGINFO_LENGTH_MASK);
}

/* Copy the first len (<= 4) message registers from s to r. */
static FASTPATH_INLINE void copy_mrs(struct arch_context *r, const struct arch_context *s,
                                     unsigned len)
{
    switch (len) {
    case 4:
        ctx_set_mr(r, 3, ctx_mr(s, 3));
        /* fall through */
    case 3:
        ctx_set_mr(r, 2, ctx_mr(s, 2));
        /* fall through */
    case 2:
        ctx_set_mr(r, 1, ctx_mr(s, 1));
        /* fall through */
    case 1:
        ctx_set_mr(r, 0, ctx_mr(s, 0));
        /* fall through */
    default:
        break;
    }
}

/* The receiver waiting first on ep, if it waits with a Reply object. */
static FASTPATH_INLINE tcb_t *waiting_receiver(const endpoint_t *ep)
{
    tcb_t *r = ep->head;
    return r && r->state == THREAD_BLOCKED_RECV && r->reply ? r : 0;
}

/* Leave the kernel in next, which is in no ready queue, in place of the
 * current thread, which the caller has blocked. */
static FASTPATH_INLINE _Noreturn void switch_and_exit(tcb_t *cur, tcb_t *next)
{
    if (next->timeslice == 0)
        next->timeslice = SCHED_TIMESLICE;
    trace_switch(cur, next);
    cpu()->current = next;
    arch_fastpath_exit(cur, next);
}

/* Take receiver r, the head of ep's queue, with its Reply object, block
 * the current thread s on that object as its caller (as endpoint_send()
 * and caller_delivered() do), and run r. */
static FASTPATH_INLINE _Noreturn void deliver_call(endpoint_t *ep, tcb_t *s, tcb_t *r,
                                                   int can_grant)
{
    reply_t *reply = r->reply;
    ipc_queue_pop(&ep->head, &ep->tail); /* r, the first receiver */
    r->reply = 0;
    r->blocked_on = 0;
    r->state = THREAD_RUNNING;
    reply->receiver = 0;
    reply->caller = s;
    reply->can_grant = (uint64_t)can_grant;
    s->state = THREAD_BLOCKED_REPLY;
    s->blocked_on = reply;
    switch_and_exit(s, r);
}

_Noreturn void fastpath_call(tcb_t *s)
{
    uint64_t info = ctx_info(&s->ctx);
    if (!fastpath_enabled || !short_message(info))
        syscall_slowpath();
    cap_t c = lookup(s, ctx_cptr(&s->ctx));
    if (!cap_is(c, CAP_ENDPOINT, CAP_RIGHT_WRITE | CAP_RIGHT_GRANT_REPLY))
        syscall_slowpath();
    endpoint_t *ep = cap_object(c);
    tcb_t *r = waiting_receiver(ep);
    if (!r || !may_switch_to(s, r))
        syscall_slowpath();

    uint64_t badge = cap_badge(c);
    trace_syscall(s);
    trace_ipc_send(ep, s, badge, 1, 1);
    trace_ipc_deliver(s, r, badge, ep);
    copy_mrs(&r->ctx, &s->ctx, (unsigned)l4_msginfo_get_length(info));
    ctx_set_info(&r->ctx, delivered_info(info));
    ctx_set_badge(&r->ctx, badge);
    ctx_set_status(&r->ctx, L4_NO_ERROR);
    deliver_call(ep, s, r, (cap_rights(c) & CAP_RIGHT_GRANT) != 0);
}

/* A foreign syscall's message (L4_FAULT_SYSCALL_MR_*): words 0-3 (RAX RDI
 * RSI RDX) in the handler's registers, 4-11 in its IPC buffer. */
_Noreturn void fastpath_foreign_syscall(tcb_t *s)
{
    if (!fastpath_enabled)
        syscall_slowpath();
    cap_t c = lookup(s, s->fault_ep);
    if (!cap_is(c, CAP_ENDPOINT, CAP_RIGHT_WRITE | CAP_RIGHT_GRANT_REPLY))
        syscall_slowpath();
    endpoint_t *ep = cap_object(c);
    tcb_t *h = waiting_receiver(ep);
    if (!h || !may_switch_to(s, h))
        syscall_slowpath();
    struct l4_ipc_buffer *hb = tcb_ipc_buffer(h);
    if (!hb)
        syscall_slowpath();

    uint64_t badge = cap_badge(c);
    const struct arch_context *f = &s->ctx;
    trace_syscall(s);
    trace_event4(L4_TRACE_FAULT, FAULT_SYSCALL, 0, 0, ctx_pc(f));
    s->fault_kind = FAULT_SYSCALL;
    s->fault_vector = s->fault_code = 0;
    s->fault_addr = ctx_pc(f);
    trace_ipc_send(ep, s, badge, 1, 1);
    trace_ipc_deliver(s, h, badge, ep);
    ctx_foreign_syscall_message(f, &h->ctx, hb->msg);
    ctx_set_info(&h->ctx, l4_msginfo_new(FAULT_SYSCALL, 0, 0, L4_FAULT_SYSCALL_LENGTH));
    ctx_set_badge(&h->ctx, badge);
    ctx_set_status(&h->ctx, L4_NO_ERROR);
    deliver_call(ep, s, h, (cap_rights(c) & CAP_RIGHT_GRANT) != 0);
}

_Noreturn void fastpath_reply_recv(tcb_t *t)
{
    uint64_t info = ctx_info(&t->ctx);
    if (!fastpath_enabled || !short_message(info))
        syscall_slowpath();
    cap_t rc = lookup(t, ctx_reply_cptr(&t->ctx));
    if (cap_type(rc) != CAP_REPLY)
        syscall_slowpath();
    reply_t *reply = cap_object(rc);
    tcb_t *c = reply->caller;
    if (!c || (reply->receiver && reply->receiver != t))
        syscall_slowpath();
    /* a caller in a foreign syscall takes a resuming answer of registers
     * only; other faults take the full path */
    if (c->fault_kind &&
        (c->fault_kind != FAULT_SYSCALL || l4_msginfo_get_label(info) != L4_FAULT_REPLY_RESUME))
        syscall_slowpath();
    cap_t ec = lookup(t, ctx_cptr(&t->ctx));
    if (!cap_is(ec, CAP_ENDPOINT, CAP_RIGHT_READ))
        syscall_slowpath();
    endpoint_t *ep = cap_object(ec);
    if ((ep->head && ep->head->state == THREAD_BLOCKED_SEND) ||
        (t->bound_notification && (t->bound_notification->bound_active & 1)) ||
        !may_switch_to(t, c))
        syscall_slowpath();

    unsigned len = (unsigned)l4_msginfo_get_length(info);
    trace_syscall(t);
    trace_ipc_reply(t, c);
    trace_ipc_deliver(t, c, 0, 0);
    if (c->fault_kind) {
        ctx_foreign_syscall_answer(&c->ctx, &t->ctx, len);
        c->fault_kind = FAULT_NONE;
    } else {
        copy_mrs(&c->ctx, &t->ctx, len);
        ctx_set_info(&c->ctx, delivered_info(info));
        ctx_set_badge(&c->ctx, 0);
        ctx_set_status(&c->ctx, L4_NO_ERROR);
    }
    reply->caller = 0;
    c->blocked_on = 0;
    c->state = THREAD_RUNNING;

    /* wait on ep, at the tail of its queue, as endpoint_recv() does */
    trace_ipc_recv(ep, t, 1, 1);
    t->state = THREAD_BLOCKED_RECV;
    t->blocked_on = ep;
    t->reply = reply;
    reply->receiver = t;
    ipc_queue_append(&ep->head, &ep->tail, t);
    switch_and_exit(t, c);
}
