/* SPDX-License-Identifier: MIT */
/*
 * Device interrupts: IRQControl and IRQHandler (see <obj/irq.h>).
 *
 * The table of lines is the kernel's only interrupt state; the arch masks
 * and unmasks lines through arch_irq_mask()/arch_irq_unmask(), and
 * sync_mask() keeps the controller in step with the rule of <obj/irq.h>:
 * unmasked exactly while issued, bound and not awaiting Ack.
 */
#include <api/syscall.h>
#include <cap/cspace.h>
#include <cap/derivation.h>
#include <core/arch_hooks.h>
#include <core/kernel_entry.h>
#include <l4/invocation_labels_gen.h>
#include <obj/irq.h>

static struct irq_line lines[IRQ_LINES_MAX];

const struct irq_line *irq_line(unsigned irq)
{
    return &lines[irq];
}

static unsigned line_count(void)
{
    unsigned n = arch_irq_count();
    return n > IRQ_LINES_MAX ? IRQ_LINES_MAX : n;
}

static void sync_mask(unsigned irq)
{
    struct irq_line *l = &lines[irq];
    int want = l->issued && l->notification && !l->unacked;
    if (want == l->enabled)
        return;
    l->enabled = (uint8_t)want;
    if (want)
        arch_irq_unmask(irq);
    else
        arch_irq_mask(irq);
}

static unsigned handler_irq(cap_t handler)
{
    return cap_irq_handler_irq(handler) % IRQ_LINES_MAX;
}

/* --- IRQControlGet ------------------------------------------------------------ */

l4_error_t irq_control_decode_get(cte_t *control, uint64_t irq, cap_t root, uint64_t index,
                                  uint64_t depth, struct irq_get_op *op)
{
    op->detail[0] = op->detail[1] = 0;
    if (irq < arch_irq_first() || irq >= line_count()) {
        op->detail[0] = arch_irq_first();
        op->detail[1] = line_count() ? line_count() - 1 : 0;
        return L4_RANGE_ERROR;
    }
    if (depth < 1 || depth > 64) {
        op->detail[0] = 1;
        op->detail[1] = 64;
        return L4_RANGE_ERROR;
    }
    if (lines[irq].issued)
        return L4_REVOKE_FIRST;
    l4_error_t e = cspace_lookup_empty_slot(root, index, depth, &op->dest, op->detail);
    if (e != L4_NO_ERROR)
        return e;
    op->control = control;
    op->irq = (unsigned)irq;
    return L4_NO_ERROR;
}

void irq_control_invoke_get(const struct irq_get_op *op)
{
    struct irq_line *l = &lines[op->irq];
    l->issued = 1;
    l->unacked = 0;
    l->notification = 0;
    l->badge = 0;
    /* an original: its copies are its children, and it is IRQControl's */
    derivation_insert(op->dest, cap_irq_handler_new(op->irq, l), op->control, CTE_REVOCABLE);
}

/* --- IRQHandler ------------------------------------------------------------- */

void irq_handler_invoke_ack(cap_t handler)
{
    unsigned irq = handler_irq(handler);
    lines[irq].unacked = 0;
    sync_mask(irq);
}

void irq_handler_invoke_set_notification(cap_t handler, cap_t notification)
{
    unsigned irq = handler_irq(handler);
    lines[irq].notification = cap_object(notification);
    lines[irq].badge = cap_badge(notification);
    sync_mask(irq);
}

void irq_handler_invoke_clear(cap_t handler)
{
    unsigned irq = handler_irq(handler);
    lines[irq].notification = 0;
    lines[irq].badge = 0;
    sync_mask(irq);
}

void irq_handle(unsigned irq)
{
    if (irq >= IRQ_LINES_MAX)
        return;
    struct irq_line *l = &lines[irq];
    l->enabled = 0; /* the arch masked it */
    l->count++;
    if (!l->issued || !l->notification)
        return; /* raced with Clear or a deletion: stays masked */
    l->unacked = 1;
    notification_signal(l->notification, l->badge);
}

void irq_handler_finalise(cap_t handler)
{
    unsigned irq = handler_irq(handler);
    struct irq_line *l = &lines[irq];
    l->issued = 0;
    l->notification = 0;
    l->badge = 0;
    l->unacked = 0;
    sync_mask(irq);
}

void irq_notification_finalise(notification_t *n)
{
    for (unsigned irq = 0; irq < IRQ_LINES_MAX; irq++)
        if (lines[irq].notification == n) {
            lines[irq].notification = 0;
            lines[irq].badge = 0;
            sync_mask(irq);
        }
}

/* --- message decoding ------------------------------------------------------ */

l4_error_t irq_control_decode_invocation(cte_t *slot, struct invocation *inv)
{
    const uint64_t *m = inv->mr;
    if (inv->label != L4_LABEL_IRQ_CONTROL_GET)
        return L4_ILLEGAL_OPERATION;
    cte_t *root = inv->caps[L4_XCAP_IRQ_CONTROL_GET_DEST_ROOT];
    if (!root || cap_type(root->cap) != CAP_CNODE) {
        invocation_error_detail(inv, L4_ARG_IRQ_CONTROL_GET_DEST_ROOT, 0);
        return L4_INVALID_CAPABILITY;
    }
    uint64_t irq = m[L4_MR_IRQ_CONTROL_GET_IRQ];
    struct irq_get_op op;
    l4_error_t e = irq_control_decode_get(slot, irq, root->cap, m[L4_MR_IRQ_CONTROL_GET_DEST_INDEX],
                                          m[L4_MR_IRQ_CONTROL_GET_DEST_DEPTH], &op);
    if (e != L4_NO_ERROR) {
        invocation_error_detail(inv, op.detail[0], op.detail[1]);
        return e;
    }
    irq_control_invoke_get(&op);
    return L4_NO_ERROR;
}

l4_error_t irq_handler_decode_invocation(cte_t *slot, struct invocation *inv)
{
    cap_t h = slot->cap;
    switch (inv->label) {
    case L4_LABEL_IRQ_HANDLER_ACK:
        irq_handler_invoke_ack(h);
        return L4_NO_ERROR;
    case L4_LABEL_IRQ_HANDLER_SET_NOTIFICATION: {
        cte_t *n = inv->caps[L4_XCAP_IRQ_HANDLER_SET_NOTIFICATION_NOTIFICATION];
        /* signalling needs Write, as Send on the capability would */
        if (!n || cap_type(n->cap) != CAP_NOTIFICATION || !(cap_rights(n->cap) & CAP_RIGHT_WRITE)) {
            invocation_error_detail(inv, L4_ARG_IRQ_HANDLER_SET_NOTIFICATION_NOTIFICATION, 0);
            return L4_INVALID_CAPABILITY;
        }
        irq_handler_invoke_set_notification(h, n->cap); /* one step: nothing is deleted */
        return L4_NO_ERROR;
    }
    case L4_LABEL_IRQ_HANDLER_CLEAR:
        irq_handler_invoke_clear(h);
        return L4_NO_ERROR;
    default:
        return L4_ILLEGAL_OPERATION;
    }
}
