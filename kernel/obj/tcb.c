/* SPDX-License-Identifier: MIT */
/*
 * Thread control blocks and their invocations (see <obj/tcb.h>).
 *
 * Decode checks every argument and changes nothing; the invoke half that
 * follows it in the same function cannot fail. Priorities are bounded by
 * the authority's maximum controlled priority (MCP), so no thread can
 * raise a thread above what its creator may grant.
 */
#include <api/fault.h>
#include <api/syscall.h>
#include <l4/invocation_labels_gen.h>
#include <arch/mmu.h>
#include <cap/derivation.h>
#include <core/sched.h>
#include <core/string.h>
#include <obj/cnode.h>
#include <obj/endpoint.h>
#include <obj/notification.h>
#include <obj/reply.h>
#include <obj/tcb.h>

void tcb_init(tcb_t *t)
{
    ctx_init(&t->ctx);
    t->state = THREAD_INACTIVE;
    trace_tcb_init(t);
}

struct l4_ipc_buffer *tcb_ipc_buffer(const tcb_t *t)
{
    cap_t f = t->ipc_buffer_slot.cap;
    if (cap_type(f) != CAP_FRAME_4K)
        return 0;
    return (struct l4_ipc_buffer *)((char *)cap_object(f) + (t->ipc_buffer & (PAGE_SIZE - 1)));
}

void tcb_cancel_ipc(tcb_t *t)
{
    switch (t->state) {
    case THREAD_BLOCKED_SEND:
    case THREAD_BLOCKED_RECV:
        endpoint_dequeue(t->blocked_on, t);
        break;
    case THREAD_BLOCKED_NOTIFICATION:
        notification_dequeue(t->blocked_on, t);
        break;
    case THREAD_BLOCKED_REPLY:
        reply_unbind(t->blocked_on);
        break;
    case THREAD_INACTIVE:
    case THREAD_RUNNING:
        break;
    }
    if (t->reply) {
        t->reply->receiver = 0;
        t->reply = 0;
    }
    t->blocked_on = 0;
}

void tcb_wake_with_error(tcb_t *t, l4_error_t e)
{
    if (t->fault_kind) {
        /* not in a syscall of its own: no status to return */
        fault_abort(t);
        return;
    }
    t->blocked_on = 0;
    ctx_set_status(&t->ctx, e);
    ctx_set_info(&t->ctx, l4_msginfo_new(e, 0, 0, 0));
    sched_wake(t);
}

void tcb_suspend(tcb_t *t)
{
    if (t->fault_kind) {
        tcb_cancel_ipc(t);
        fault_abort(t);
        return;
    }
    switch (t->state) {
    case THREAD_BLOCKED_SEND:
    case THREAD_BLOCKED_RECV:
    case THREAD_BLOCKED_NOTIFICATION:
        /* nothing was transferred yet: run the syscall again on resume */
        tcb_cancel_ipc(t);
        ctx_restart_syscall(&t->ctx);
        break;
    case THREAD_BLOCKED_REPLY:
        /* the message was delivered; the answer will never come */
        tcb_cancel_ipc(t);
        ctx_set_status(&t->ctx, L4_CANCELLED);
        break;
    case THREAD_INACTIVE:
    case THREAD_RUNNING:
        break;
    }
    sched_block(t);
    t->state = THREAD_INACTIVE;
}

void tcb_resume(tcb_t *t)
{
    if (t->state == THREAD_INACTIVE)
        sched_wake(t);
}

void tcb_finalise(tcb_t *t)
{
    tcb_cancel_ipc(t);
    if (t->bound_notification)
        notification_unbind(t);
    sched_remove(t);
    t->state = THREAD_INACTIVE;
    cte_delete(&t->cspace_slot);
    cte_delete(&t->vspace_slot);
    cte_delete(&t->ipc_buffer_slot);
}

/* --- invocations ---------------------------------------------------------- */

static int configured(const tcb_t *t)
{
    return cap_type(t->cspace_slot.cap) == CAP_CNODE && cap_type(t->vspace_slot.cap) == CAP_PML4 &&
           tcb_ipc_buffer(t) != 0;
}

/* Replace the capability in one of the TCB's own slots with a copy of
 * src's. Deleting the old one may destroy objects (even, through a CNode,
 * src's slot): copy only if src still holds the capability decoded. */
static void set_slot(cte_t *slot, cte_t *src, cap_t cap)
{
    cap_t decoded = src->cap;
    cte_delete(slot);
    if (cap_same_object(src->cap, decoded))
        derivation_insert(slot, cap, src, 0);
}

static l4_error_t need_cap(struct invocation *inv, unsigned xcap, unsigned arg, enum cap_type type)
{
    cte_t *c = inv->caps[xcap];
    if (!c || cap_type(c->cap) != type) {
        invocation_error_detail(inv, arg, 0);
        return L4_INVALID_CAPABILITY;
    }
    return L4_NO_ERROR;
}

static l4_error_t configure(tcb_t *t, struct invocation *inv)
{
    l4_error_t e;
    if ((e = need_cap(inv, L4_XCAP_TCB_CONFIGURE_CSPACE_ROOT, L4_ARG_TCB_CONFIGURE_CSPACE_ROOT,
                      CAP_CNODE)) ||
        (e = need_cap(inv, L4_XCAP_TCB_CONFIGURE_VSPACE_ROOT, L4_ARG_TCB_CONFIGURE_VSPACE_ROOT,
                      CAP_PML4)) ||
        (e = need_cap(inv, L4_XCAP_TCB_CONFIGURE_IPC_BUFFER_FRAME,
                      L4_ARG_TCB_CONFIGURE_IPC_BUFFER_FRAME, CAP_FRAME_4K)))
        return e;
    /* the kernel reads IPC buffers through its direct map of RAM, which
     * device memory is not part of */
    if (cap_frame_is_device(inv->caps[L4_XCAP_TCB_CONFIGURE_IPC_BUFFER_FRAME]->cap)) {
        invocation_error_detail(inv, L4_ARG_TCB_CONFIGURE_IPC_BUFFER_FRAME, 0);
        return L4_INVALID_CAPABILITY;
    }
    uint64_t addr = inv->mr[L4_MR_TCB_CONFIGURE_IPC_BUFFER_ADDR];
    if (addr & (L4_IPC_BUFFER_SIZE - 1))
        return L4_ALIGNMENT_ERROR;
    cte_t *cs = inv->caps[L4_XCAP_TCB_CONFIGURE_CSPACE_ROOT];
    cap_t cscap = cs->cap;
    uint64_t data = inv->mr[L4_MR_TCB_CONFIGURE_CSPACE_ROOT_DATA];
    if (data && cnode_apply_data(&cscap, data) != L4_NO_ERROR)
        return L4_RANGE_ERROR;

    t->fault_ep = inv->mr[L4_MR_TCB_CONFIGURE_FAULT_EP];
    t->ipc_buffer = addr;
    cte_t *vs = inv->caps[L4_XCAP_TCB_CONFIGURE_VSPACE_ROOT];
    cte_t *ib = inv->caps[L4_XCAP_TCB_CONFIGURE_IPC_BUFFER_FRAME];
    cap_t vscap = vs->cap, ibcap = ib->cap;
    set_slot(&t->cspace_slot, cs, cscap);
    set_slot(&t->vspace_slot, vs, vscap);
    set_slot(&t->ipc_buffer_slot, ib, ibcap);
    return L4_NO_ERROR;
}

static l4_error_t set_priority(tcb_t *t, struct invocation *inv, int mcp)
{
    l4_error_t e = need_cap(inv, 0, 0, CAP_TCB);
    if (e)
        return e;
    tcb_t *auth = cap_object(inv->caps[0]->cap);
    uint64_t prio = inv->mr[0] & 0xff;
    if (prio > auth->mcp) {
        invocation_error_detail(inv, 0, auth->mcp);
        return L4_RANGE_ERROR;
    }
    if (mcp)
        t->mcp = (uint8_t)prio;
    else
        sched_set_priority(t, (uint8_t)prio);
    return L4_NO_ERROR;
}

static l4_error_t read_registers(tcb_t *t, struct invocation *inv)
{
    uint64_t count = inv->mr[L4_MR_TCB_READ_REGISTERS_COUNT];
    if (count < 1 || count > L4_USER_CONTEXT_WORDS) {
        invocation_error_detail(inv, 1, L4_USER_CONTEXT_WORDS);
        return L4_RANGE_ERROR;
    }
    if (t == inv->thread)
        return L4_ILLEGAL_OPERATION;
    if (inv->mr[L4_MR_TCB_READ_REGISTERS_SUSPEND_SOURCE] & 1)
        tcb_suspend(t);
    for (unsigned i = 0; i < count; i++)
        inv->out[L4_RET_TCB_READ_REGISTERS_REGS + i] = ctx_get_user_word(&t->ctx, i);
    inv->out_length = (unsigned)count;
    return L4_NO_ERROR;
}

static l4_error_t write_registers(tcb_t *t, struct invocation *inv)
{
    uint64_t count = inv->mr[L4_MR_TCB_WRITE_REGISTERS_COUNT];
    int resume = inv->mr[L4_MR_TCB_WRITE_REGISTERS_RESUME_TARGET] & 1;
    if (count < 1 || count > L4_USER_CONTEXT_WORDS) {
        invocation_error_detail(inv, 1, L4_USER_CONTEXT_WORDS);
        return L4_RANGE_ERROR;
    }
    if (inv->length < L4_MR_TCB_WRITE_REGISTERS_REGS + count)
        return L4_TRUNCATED_MESSAGE;
    for (unsigned i = 0; i < count; i++)
        if (!ctx_user_word_valid(i, inv->mr[L4_MR_TCB_WRITE_REGISTERS_REGS + i])) {
            invocation_error_detail(inv, L4_ARG_TCB_WRITE_REGISTERS_REGS, 0);
            return L4_INVALID_ARGUMENT;
        }
    if (t == inv->thread)
        return L4_ILLEGAL_OPERATION;
    if (resume && t->state == THREAD_INACTIVE && !configured(t))
        return L4_ILLEGAL_OPERATION;
    for (unsigned i = 0; i < count; i++)
        ctx_set_user_word(&t->ctx, i, inv->mr[L4_MR_TCB_WRITE_REGISTERS_REGS + i]);
    if (resume)
        tcb_resume(t);
    return L4_NO_ERROR;
}

static l4_error_t bind_notification(tcb_t *t, struct invocation *inv)
{
    l4_error_t e = need_cap(inv, 0, 0, CAP_NOTIFICATION);
    if (e)
        return e;
    cap_t nc = inv->caps[0]->cap;
    notification_t *n = cap_object(nc);
    if (!(cap_rights(nc) & CAP_RIGHT_READ)) {
        invocation_error_detail(inv, 0, 0);
        return L4_INVALID_CAPABILITY;
    }
    if (t->bound_notification || notification_bound_tcb(n) || n->head)
        return L4_ILLEGAL_OPERATION;
    notification_bind(n, t);
    return L4_NO_ERROR;
}

l4_error_t tcb_decode_invocation(cte_t *slot, struct invocation *inv)
{
    tcb_t *t = cap_object(slot->cap);
    switch (inv->label) {
    case L4_LABEL_TCB_CONFIGURE:
        return configure(t, inv);
    case L4_LABEL_TCB_SET_PRIORITY:
        return set_priority(t, inv, 0);
    case L4_LABEL_TCB_SET_MC_PRIORITY:
        return set_priority(t, inv, 1);
    case L4_LABEL_TCB_READ_REGISTERS:
        return read_registers(t, inv);
    case L4_LABEL_TCB_WRITE_REGISTERS:
        return write_registers(t, inv);
    case L4_LABEL_TCB_RESUME:
        if (t->state == THREAD_INACTIVE && !configured(t))
            return L4_ILLEGAL_OPERATION;
        tcb_resume(t);
        return L4_NO_ERROR;
    case L4_LABEL_TCB_SUSPEND:
        tcb_suspend(t);
        return L4_NO_ERROR;
    case L4_LABEL_TCB_BIND_NOTIFICATION:
        return bind_notification(t, inv);
    case L4_LABEL_TCB_UNBIND_NOTIFICATION:
        if (!t->bound_notification)
            return L4_ILLEGAL_OPERATION;
        notification_unbind(t);
        return L4_NO_ERROR;
    case L4_LABEL_TCB_SET_TLS_BASE: {
        uint64_t base = inv->mr[0];
        if (base >= L4_USER_TOP) {
            invocation_error_detail(inv, 0, 0);
            return L4_INVALID_ARGUMENT;
        }
        t->ctx.fs_base = base;
        return L4_NO_ERROR;
    }
    case L4_LABEL_TCB_SET_FOREIGN_ABI:
        t->foreign_abi = inv->mr[0] & 1;
        return L4_NO_ERROR;
    default:
        return L4_ILLEGAL_OPERATION;
    }
}
