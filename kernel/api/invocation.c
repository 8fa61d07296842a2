/* SPDX-License-Identifier: MIT */
/*
 * Invocations of kernel objects: gather the message, check the label
 * applies and the message is long enough, then hand it to the object's
 * decode function, the one switch over capability types for invocations;
 * the types only the architecture has go to arch_decode_invocation()
 * (<core/arch_hooks.h>).
 * The reply carries the status as its label and in RAX; on success the
 * out-values follow, on error the error's detail words.
 */
#include <api/syscall.h>
#include <cap/cspace.h>
#include <core/arch_hooks.h>
#include <core/sched.h>
#include <core/string.h>
#include <l4/invocation_labels_gen.h>
#include <obj/cnode.h>
#include <obj/debug_console.h>
#include <obj/irq.h>
#include <obj/untyped.h>

/* One invocation at a time: the kernel is not preemptible. */
static struct invocation inv;

void invocation_error_detail(struct invocation *i, uint64_t d0, uint64_t d1)
{
    i->out[0] = d0;
    i->out[1] = d1;
    i->out_length = 2;
}

static void gather(tcb_t *t, cte_t *slot, uint64_t info)
{
    struct l4_ipc_buffer *b = tcb_ipc_buffer(t);
    inv.thread = t;
    inv.slot = slot;
    inv.label = l4_msginfo_get_label(info);
    inv.length = (unsigned)l4_msginfo_get_length(info);
    if (inv.length > L4_MSG_MAX_LENGTH)
        inv.length = L4_MSG_MAX_LENGTH;
    if (!b && inv.length > L4_MSG_REGISTERS)
        inv.length = L4_MSG_REGISTERS;
    /* only the words present: decoders read no further than the length
     * they checked (l4_label_min_length(), or a count they compared) */
    for (unsigned i = 0; i < inv.length; i++)
        inv.mr[i] = i < L4_MSG_REGISTERS ? ctx_mr(&t->ctx, i) : b->msg[i];
    inv.ncaps = (unsigned)l4_msginfo_get_extra_caps(info);
    if (inv.ncaps > L4_MSG_MAX_EXTRA_CAPS || !b)
        inv.ncaps = b ? L4_MSG_MAX_EXTRA_CAPS : 0;
    for (unsigned i = 0; i < L4_MSG_MAX_EXTRA_CAPS; i++) {
        cte_t *c = 0;
        /* a cptr that does not resolve is passed as NULL: the decoder
         * reports InvalidCapability with the argument's position */
        if (i < inv.ncaps &&
            cspace_lookup_cap(t->cspace_slot.cap, b->caps_or_badges[i], &c) != LOOKUP_OK)
            c = 0;
        inv.caps[i] = c;
    }
    inv.out_length = 0;
}

static l4_error_t decode(cte_t *slot)
{
    enum cap_type type = cap_type(slot->cap);
    if (!l4_label_applies_to(inv.label, type))
        return L4_ILLEGAL_OPERATION;
    if (inv.length < l4_label_min_length(inv.label) || inv.ncaps < l4_label_extra_caps(inv.label))
        return L4_TRUNCATED_MESSAGE;
    switch (type) {
    case CAP_UNTYPED:
        return untyped_decode_invocation(slot, &inv);
    case CAP_CNODE:
        return cnode_decode_invocation(slot, &inv);
    case CAP_TCB:
        return tcb_decode_invocation(slot, &inv);
    case CAP_IRQ_CONTROL:
        return irq_control_decode_invocation(slot, &inv);
    case CAP_IRQ_HANDLER:
        return irq_handler_decode_invocation(slot, &inv);
    case CAP_DEBUG_CONSOLE:
        return debug_console_decode_invocation(slot, &inv);
    case CAP_POWER_CONTROL:
        return power_control_decode_invocation(slot, &inv);
    default:
        return arch_decode_invocation(slot, &inv);
    }
}

void invocation_perform(tcb_t *t, cte_t *slot, uint64_t info, int want_reply)
{
    cpu()->reload_user_state = 1; /* e.g. Configure or SetTLSBase of itself */
    gather(t, slot, info);
    l4_error_t e = decode(slot);
    /* The invocation may have destroyed the caller (sched_remove() then
     * clears current): its TCB is dead memory, no status or reply goes
     * there. */
    if (cpu()->current != t)
        return;
    if (e != L4_NO_ERROR && inv.out_length == 0)
        invocation_error_detail(&inv, 0, 0);
    ctx_set_status(&t->ctx, e);
    if (!want_reply)
        return;
    /* looked up again: the invocation may have deleted the IPC buffer's
     * frame (the TCB's copy of it is then gone too) */
    struct l4_ipc_buffer *b = tcb_ipc_buffer(t);
    unsigned n = inv.out_length;
    if (!b && n > L4_MSG_REGISTERS)
        n = L4_MSG_REGISTERS;
    for (unsigned i = 0; i < n; i++) {
        if (i < L4_MSG_REGISTERS)
            ctx_set_mr(&t->ctx, i, inv.out[i]);
        else
            b->msg[i] = inv.out[i];
    }
    ctx_set_info(&t->ctx, l4_msginfo_new(e, 0, 0, n));
}
