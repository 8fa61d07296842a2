/* SPDX-License-Identifier: MIT */
/*
 * Thread control blocks and their invocations (see <obj/tcb.h>).
 *
 * Decode checks every argument and changes nothing, filling a struct
 * tcb_op; invoke performs it and cannot fail. Priorities are bounded by
 * the authority's maximum controlled priority (MCP), so no thread can
 * raise a thread above what its creator may grant.
 */
#include <api/fault.h>
#include <api/syscall.h>
#include <l4/invocation_labels_gen.h>
#include <arch/mmu.h>
#include <cap/derivation.h>
#include <core/arch_hooks.h>
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

/* --- invocations ------------------------------------------------------------
 *
 * As for every object (seL4's decodeTCBInvocation / invokeTCB_*): decode
 * checks every argument, records the error detail at the check that
 * fails and changes nothing, filling a struct tcb_op; invoke performs it
 * and cannot fail. Configure deletes capabilities, which may destroy any
 * object, even the TCB being configured or the CNodes holding the source
 * capabilities: its invoke step rechecks both after each deletion.
 */

enum { TCB_SLOTS = 3 }; /* CSpace, VSpace, IPC buffer */

struct tcb_op {
    uint64_t label;
    tcb_t *t;
    cte_t *tcb_slot; /* the invoked capability, and what it held at decode */
    cap_t tcb_cap;
    union {
        struct {
            uint64_t fault_ep, ipc_buffer;
            cte_t *src[TCB_SLOTS];
            cap_t cap[TCB_SLOTS]; /* what to install: the source's cap (CSpace: with the guard) */
        } configure;
        uint8_t priority; /* SetPriority, SetMCPriority */
        struct {
            unsigned count;
            int flag; /* ReadRegisters: suspend; WriteRegisters: resume */
            const uint64_t *regs;
        } regs;
        notification_t *notification;
        uint64_t word;      /* SetTLSBase, SetForeignABI */
        uint8_t *fpu_image; /* ReadFPU: the frame's bytes; WriteFPU: the checked copy */
    };
};

static int configured(const tcb_t *t)
{
    return cap_type(t->cspace_slot.cap) == CAP_CNODE && cap_type(t->vspace_slot.cap) == CAP_PML4 &&
           tcb_ipc_buffer(t) != 0;
}

static l4_error_t fail_arg(struct invocation *inv, l4_error_t e, unsigned arg)
{
    invocation_error_detail(inv, arg, 0);
    return e;
}

/* Extra capability xcap (argument arg) must be a capability of type. */
static cte_t *need_cap(struct invocation *inv, unsigned xcap, enum cap_type type)
{
    cte_t *c = inv->caps[xcap];
    return c && cap_type(c->cap) == type ? c : 0;
}

/* A frame the kernel reads (Read) or writes (Write) through its direct
 * map: it must be a 4 KiB frame of RAM (device memory is not in the
 * direct map) whose capability grants the rights the kernel uses. */
static cte_t *need_frame(struct invocation *inv, unsigned xcap, unsigned rights)
{
    cte_t *c = need_cap(inv, xcap, CAP_FRAME_4K);
    if (!c || cap_frame_is_device(c->cap) || (cap_rights(c->cap) & rights) != rights)
        return 0;
    return c;
}

static l4_error_t decode_configure(tcb_t *t, struct invocation *inv, struct tcb_op *op)
{
    cte_t *cs = need_cap(inv, L4_XCAP_TCB_CONFIGURE_CSPACE_ROOT, CAP_CNODE);
    if (!cs)
        return fail_arg(inv, L4_INVALID_CAPABILITY, L4_ARG_TCB_CONFIGURE_CSPACE_ROOT);
    cte_t *vs = need_cap(inv, L4_XCAP_TCB_CONFIGURE_VSPACE_ROOT, CAP_PML4);
    if (!vs)
        return fail_arg(inv, L4_INVALID_CAPABILITY, L4_ARG_TCB_CONFIGURE_VSPACE_ROOT);
    /* the kernel reads messages from the IPC buffer and writes them to it */
    cte_t *ib =
        need_frame(inv, L4_XCAP_TCB_CONFIGURE_IPC_BUFFER_FRAME, CAP_RIGHT_READ | CAP_RIGHT_WRITE);
    if (!ib)
        return fail_arg(inv, L4_INVALID_CAPABILITY, L4_ARG_TCB_CONFIGURE_IPC_BUFFER_FRAME);
    uint64_t addr = inv->mr[L4_MR_TCB_CONFIGURE_IPC_BUFFER_ADDR];
    if (addr & (L4_IPC_BUFFER_SIZE - 1))
        return L4_ALIGNMENT_ERROR;
    cap_t cscap = cs->cap;
    uint64_t data = inv->mr[L4_MR_TCB_CONFIGURE_CSPACE_ROOT_DATA];
    if (data && cnode_apply_data(&cscap, data) != L4_NO_ERROR) {
        invocation_error_detail(inv, 0, (1ull << CAP_GUARD_BITS) - 1);
        return L4_RANGE_ERROR;
    }
    op->configure.fault_ep = inv->mr[L4_MR_TCB_CONFIGURE_FAULT_EP];
    op->configure.ipc_buffer = addr;
    op->configure.src[0] = cs;
    op->configure.cap[0] = cscap;
    op->configure.src[1] = vs;
    op->configure.cap[1] = vs->cap;
    op->configure.src[2] = ib;
    op->configure.cap[2] = ib->cap;
    return L4_NO_ERROR;
}

/* The TCB still exists: the invoked slot still holds its capability (a
 * destroyed CNode's slots are all emptied, and nothing is retyped during
 * an invocation, so a stale slot never names the TCB again). */
static int tcb_alive(const struct tcb_op *op)
{
    return cap_same_object(op->tcb_slot->cap, op->tcb_cap);
}

static void invoke_configure(const struct tcb_op *op)
{
    tcb_t *t = op->t;
    cte_t *slot[TCB_SLOTS] = {&t->cspace_slot, &t->vspace_slot, &t->ipc_buffer_slot};
    /* nothing is deleted yet: t exists */
    t->fault_ep = op->configure.fault_ep;
    t->ipc_buffer = op->configure.ipc_buffer;
    for (unsigned i = 0; i < TCB_SLOTS; i++) {
        /* Deleting the old capability may destroy anything it kept alive:
         * the old CSpace, and through it the TCB itself (its last
         * capability lived there) or the CNode holding a source. Install
         * only into a TCB that still exists, only a source still there. */
        cte_delete(slot[i]);
        if (!tcb_alive(op))
            return;
        cte_t *src = op->configure.src[i];
        if (cap_same_object(src->cap, op->configure.cap[i]))
            derivation_insert(slot[i], op->configure.cap[i], src, 0);
    }
}

static l4_error_t decode_priority(struct invocation *inv, struct tcb_op *op)
{
    _Static_assert(L4_XCAP_TCB_SET_PRIORITY_AUTHORITY == L4_XCAP_TCB_SET_MC_PRIORITY_AUTHORITY,
                   "same layout");
    _Static_assert(L4_MR_TCB_SET_PRIORITY_PRIORITY == L4_MR_TCB_SET_MC_PRIORITY_MCP, "same layout");
    cte_t *a = need_cap(inv, L4_XCAP_TCB_SET_PRIORITY_AUTHORITY, CAP_TCB);
    if (!a)
        return fail_arg(inv, L4_INVALID_CAPABILITY, L4_ARG_TCB_SET_PRIORITY_AUTHORITY);
    tcb_t *auth = cap_object(a->cap);
    uint64_t prio = inv->mr[L4_MR_TCB_SET_PRIORITY_PRIORITY]; /* the whole word: 0x100 is not 0 */
    if (prio > auth->mcp) {
        invocation_error_detail(inv, 0, auth->mcp);
        return L4_RANGE_ERROR;
    }
    op->priority = (uint8_t)prio;
    return L4_NO_ERROR;
}

static l4_error_t decode_read_registers(tcb_t *t, struct invocation *inv, struct tcb_op *op)
{
    uint64_t count = inv->mr[L4_MR_TCB_READ_REGISTERS_COUNT];
    if (count < 1 || count > L4_USER_CONTEXT_WORDS) {
        invocation_error_detail(inv, 1, L4_USER_CONTEXT_WORDS);
        return L4_RANGE_ERROR;
    }
    if (t == inv->thread)
        return L4_ILLEGAL_OPERATION;
    op->regs.count = (unsigned)count;
    op->regs.flag = inv->mr[L4_MR_TCB_READ_REGISTERS_SUSPEND_SOURCE] & 1;
    return L4_NO_ERROR;
}

static l4_error_t decode_write_registers(tcb_t *t, struct invocation *inv, struct tcb_op *op)
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
        if (!ctx_user_word_valid(i, inv->mr[L4_MR_TCB_WRITE_REGISTERS_REGS + i]))
            return fail_arg(inv, L4_INVALID_ARGUMENT, L4_ARG_TCB_WRITE_REGISTERS_REGS);
    if (t == inv->thread)
        return L4_ILLEGAL_OPERATION;
    if (resume && t->state == THREAD_INACTIVE && !configured(t))
        return L4_ILLEGAL_OPERATION;
    op->regs.count = (unsigned)count;
    op->regs.flag = resume;
    op->regs.regs = &inv->mr[L4_MR_TCB_WRITE_REGISTERS_REGS];
    return L4_NO_ERROR;
}

static l4_error_t decode_bind_notification(tcb_t *t, struct invocation *inv, struct tcb_op *op)
{
    cte_t *c = need_cap(inv, L4_XCAP_TCB_BIND_NOTIFICATION_NOTIFICATION, CAP_NOTIFICATION);
    /* waiting on it needs Read, as Recv on the capability would */
    if (!c || !(cap_rights(c->cap) & CAP_RIGHT_READ))
        return fail_arg(inv, L4_INVALID_CAPABILITY, L4_ARG_TCB_BIND_NOTIFICATION_NOTIFICATION);
    notification_t *n = cap_object(c->cap);
    if (t->bound_notification || notification_bound_tcb(n) || n->head)
        return L4_ILLEGAL_OPERATION;
    op->notification = n;
    return L4_NO_ERROR;
}

/* WriteFPU's image, copied from the frame (one invocation at a time: the
 * kernel is not preemptible) */
static uint8_t fpu_image_copy[ARCH_FPU_IMAGE_SIZE];

/* ReadFPU (write: 0) or WriteFPU (write: 1) of another thread: its state
 * is in its TCB only while it is not the one running. */
static l4_error_t decode_fpu(tcb_t *t, struct invocation *inv, int write, struct tcb_op *op)
{
    _Static_assert(L4_XCAP_TCB_READ_FPU_FRAME == L4_XCAP_TCB_WRITE_FPU_FRAME, "same layout");
    _Static_assert(L4_ARG_TCB_READ_FPU_FRAME == L4_ARG_TCB_WRITE_FPU_FRAME, "same layout");
    _Static_assert(ARCH_FPU_IMAGE_SIZE <= PAGE_SIZE, "the image fits a frame");
    /* the kernel writes the frame for ReadFPU, reads it for WriteFPU */
    cte_t *f =
        need_frame(inv, L4_XCAP_TCB_READ_FPU_FRAME, write ? CAP_RIGHT_READ : CAP_RIGHT_WRITE);
    if (!f)
        return fail_arg(inv, L4_INVALID_CAPABILITY, L4_ARG_TCB_READ_FPU_FRAME);
    if (t == inv->thread)
        return L4_ILLEGAL_OPERATION;
    op->fpu_image = cap_object(f->cap);
    if (write) {
        /* check and load one copy: the frame may change under the kernel
         * (a device writing it by DMA) between the check and the load */
        memcpy(fpu_image_copy, op->fpu_image, sizeof fpu_image_copy);
        op->fpu_image = fpu_image_copy;
        if (arch_fpu_image_check(fpu_image_copy) != 0)
            return fail_arg(inv, L4_INVALID_ARGUMENT, L4_ARG_TCB_WRITE_FPU_FRAME);
    }
    return L4_NO_ERROR;
}

static l4_error_t decode(tcb_t *t, struct invocation *inv, struct tcb_op *op)
{
    switch (inv->label) {
    case L4_LABEL_TCB_CONFIGURE:
        return decode_configure(t, inv, op);
    case L4_LABEL_TCB_SET_PRIORITY:
    case L4_LABEL_TCB_SET_MC_PRIORITY:
        return decode_priority(inv, op);
    case L4_LABEL_TCB_READ_REGISTERS:
        return decode_read_registers(t, inv, op);
    case L4_LABEL_TCB_WRITE_REGISTERS:
        return decode_write_registers(t, inv, op);
    case L4_LABEL_TCB_RESUME:
        if (t->state == THREAD_INACTIVE && !configured(t))
            return L4_ILLEGAL_OPERATION;
        return L4_NO_ERROR;
    case L4_LABEL_TCB_SUSPEND:
        return L4_NO_ERROR;
    case L4_LABEL_TCB_BIND_NOTIFICATION:
        return decode_bind_notification(t, inv, op);
    case L4_LABEL_TCB_UNBIND_NOTIFICATION:
        return t->bound_notification ? L4_NO_ERROR : L4_ILLEGAL_OPERATION;
    case L4_LABEL_TCB_SET_TLS_BASE:
        op->word = inv->mr[L4_MR_TCB_SET_TLS_BASE_TLS_BASE];
        if (op->word >= L4_USER_TOP)
            return fail_arg(inv, L4_INVALID_ARGUMENT, L4_ARG_TCB_SET_TLS_BASE_TLS_BASE);
        return L4_NO_ERROR;
    case L4_LABEL_TCB_SET_FOREIGN_ABI:
        op->word = inv->mr[L4_MR_TCB_SET_FOREIGN_ABI_ENABLE] & 1;
        return L4_NO_ERROR;
    case L4_LABEL_TCB_READ_FPU:
    case L4_LABEL_TCB_WRITE_FPU:
        return decode_fpu(t, inv, inv->label == L4_LABEL_TCB_WRITE_FPU, op);
    default:
        return L4_ILLEGAL_OPERATION;
    }
}

static void invoke(const struct tcb_op *op, struct invocation *inv)
{
    tcb_t *t = op->t;
    switch (op->label) {
    case L4_LABEL_TCB_CONFIGURE:
        invoke_configure(op);
        break;
    case L4_LABEL_TCB_SET_PRIORITY:
        sched_set_priority(t, op->priority);
        break;
    case L4_LABEL_TCB_SET_MC_PRIORITY:
        t->mcp = op->priority;
        break;
    case L4_LABEL_TCB_READ_REGISTERS:
        if (op->regs.flag)
            tcb_suspend(t); /* destroys nothing */
        for (unsigned i = 0; i < op->regs.count; i++)
            inv->out[L4_RET_TCB_READ_REGISTERS_REGS + i] = ctx_get_user_word(&t->ctx, i);
        inv->out_length = op->regs.count;
        break;
    case L4_LABEL_TCB_WRITE_REGISTERS:
        for (unsigned i = 0; i < op->regs.count; i++)
            ctx_set_user_word(&t->ctx, i, op->regs.regs[i]);
        if (op->regs.flag)
            tcb_resume(t);
        break;
    case L4_LABEL_TCB_RESUME:
        tcb_resume(t);
        break;
    case L4_LABEL_TCB_SUSPEND:
        tcb_suspend(t);
        break;
    case L4_LABEL_TCB_BIND_NOTIFICATION:
        notification_bind(op->notification, t);
        break;
    case L4_LABEL_TCB_UNBIND_NOTIFICATION:
        notification_unbind(t);
        break;
    case L4_LABEL_TCB_SET_TLS_BASE:
        t->ctx.fs_base = op->word;
        break;
    case L4_LABEL_TCB_SET_FOREIGN_ABI:
        t->foreign_abi = (uint8_t)op->word;
        break;
    case L4_LABEL_TCB_READ_FPU:
        arch_fpu_image_read(t, op->fpu_image);
        break;
    case L4_LABEL_TCB_WRITE_FPU:
        arch_fpu_image_write(t, op->fpu_image);
        break;
    }
}

l4_error_t tcb_decode_invocation(cte_t *slot, struct invocation *inv)
{
    struct tcb_op op;
    op.label = inv->label;
    op.t = cap_object(slot->cap);
    op.tcb_slot = slot;
    op.tcb_cap = slot->cap;
    l4_error_t e = decode(op.t, inv, &op);
    if (e == L4_NO_ERROR)
        invoke(&op, inv);
    return e;
}
