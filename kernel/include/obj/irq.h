/* SPDX-License-Identifier: MIT */
/*
 * Device interrupts: the IRQControl and IRQHandler capabilities.
 *
 * The kernel keeps one entry per interrupt line: whether an IRQHandler
 * capability for it exists, the notification it signals (with the badge
 * of the capability that named it), and whether an interrupt awaits Ack.
 * A line is unmasked exactly while its handler exists, a notification is
 * bound and no interrupt awaits Ack; every interrupt masks it until Ack.
 *
 * Interface: irq_control_decode_invocation() and
 * irq_handler_decode_invocation() (IRQControlGet; IRQHandlerAck,
 * SetNotification, Clear), with the decode and invoke steps they use also
 * exported for the host unit tests; irq_handle() (<core/kernel_entry.h>:
 * an interrupt arrived on a line, called by the arch with the line masked); irq_handler_finalise()
 * (the last IRQHandler capability of a line was deleted: the line is
 * masked and its entry freed); irq_notification_finalise() (a notification
 * is being destroyed: lines signalling it are unbound).
 */
#ifndef OBJ_IRQ_H
#define OBJ_IRQ_H

#include <cap/cap.h>
#include <obj/notification.h>

struct irq_line {
    notification_t *notification; /* signalled on an interrupt, or NULL */
    uint64_t badge;               /* ORed into its word */
    uint8_t issued;               /* an IRQHandler capability exists */
    uint8_t unacked;              /* an interrupt was delivered, no Ack yet */
    uint8_t enabled;              /* unmasked at the interrupt controller */
    uint64_t count;               /* interrupts taken (diagnostics) */
};

/* The entry of a line (irq < IRQ_LINES_MAX). */
const struct irq_line *irq_line(unsigned irq);

struct irq_get_op {
    cte_t *control, *dest;
    unsigned irq;
    uint64_t detail[2]; /* on error: its detail words, set where the check failed */
};

l4_error_t irq_control_decode_get(cte_t *control, uint64_t irq, cap_t root, uint64_t index,
                                  uint64_t depth, struct irq_get_op *op);
void irq_control_invoke_get(const struct irq_get_op *op);

void irq_handler_invoke_ack(cap_t handler);
void irq_handler_invoke_set_notification(cap_t handler, cap_t notification);
void irq_handler_invoke_clear(cap_t handler);

struct invocation;
l4_error_t irq_control_decode_invocation(cte_t *slot, struct invocation *inv);
l4_error_t irq_handler_decode_invocation(cte_t *slot, struct invocation *inv);

void irq_handler_finalise(cap_t handler);
void irq_notification_finalise(notification_t *n);

#endif
