/* SPDX-License-Identifier: MIT */
/*
 * The interrupt server's compartments and its rules on who may do what
 * (pure logic, host-tested in tests/unit/test_irq_compartment.c).
 *
 * Interface:
 *   struct irq_compartment   one compartment: its PV page as the server
 *                            maps it, the capabilities the server holds
 *                            for it, the signal it owes, its event policy
 *   irq_caller()             what a badge is (<l4/platform.h>)
 *   irq_check_admin()        an admin message: root only, id in range
 *   irq_check_guest()        a guest message: the caller's compartment
 *   irq_check_raise()        RaiseLine: the console server, console line
 *   irq_check_event()        EventSend: event lines, the policy's targets
 *   irq_compartment_raise()  raise a line in the page (l4_pv_irq_raise())
 *                            and say whether to signal the upcall now
 *   irq_compartment_set_upcall() a new notification: whether a signal
 *                            owed meanwhile must be sent now
 * Each check returns an l4 or irq protocol status with its detail words,
 * in a fixed order: the caller's badge, then the numbers in the message,
 * then whether the compartments exist, so a compartment learns nothing
 * about others from a refusal. The badge is the only identity: nothing a
 * guest sends names its own compartment.
 */
#ifndef IRQ_COMPARTMENT_H
#define IRQ_COMPARTMENT_H

#include <stdbool.h>
#include <stdint.h>
#include <l4/abi_gen.h>
#include <l4/platform.h>
#include <l4/proto/irq_gen.h>
#include <l4/structs_gen.h>

#define IRQ_MAX_COMPARTMENTS L4_PLAT_MAX_COMPARTMENTS

struct irq_compartment {
    bool present;
    struct l4_pv_page *page; /* the server's mapping of the PV page */
    l4_cptr_t frame;         /* the server's capability to the page's frame */
    l4_cptr_t upcall;        /* the upcall notification, or L4_CPTR_NULL */
    /* A raise claimed the upcall (l4_pv_irq_raise() said SIGNAL) while
     * there was no notification: the flag upcall_pending is set, so no
     * later raise signals; CompartmentSetUpcall sends this signal. */
    bool signal_owed;
    /* Bit j: this compartment may send events to compartment j. For now
     * only its own bit (no policy source in the manifest). */
    uint64_t event_targets;
};

struct irq_table {
    struct irq_compartment c[IRQ_MAX_COMPARTMENTS];
};

enum irq_caller_kind {
    IRQ_CALLER_OTHER,
    IRQ_CALLER_ROOT,
    IRQ_CALLER_CONSOLE,
    IRQ_CALLER_COMPARTMENT,
};

enum irq_caller_kind irq_caller(l4_word_t badge);

/* Admin messages: IllegalOperation (not root), RangeError [0, 63] (id). */
irq_status_t irq_check_admin(l4_word_t badge, l4_word_t id, l4_word_t detail[IRQ_MAX_DETAIL]);
/* Guest messages: IllegalOperation (not a compartment's badge),
 * NoCompartment (not added); *id is the caller's compartment. */
irq_status_t irq_check_guest(const struct irq_table *t, l4_word_t badge, unsigned *id,
                             l4_word_t detail[IRQ_MAX_DETAIL]);
/* RaiseLine: IllegalOperation (not the console server), RangeError (id),
 * BadLine (not the console line), NoCompartment (id not added). */
irq_status_t irq_check_raise(const struct irq_table *t, l4_word_t badge, l4_word_t id,
                             l4_word_t line, l4_word_t detail[IRQ_MAX_DETAIL]);
/* EventSend: irq_check_guest()'s errors, RangeError (target), BadLine
 * (not an event line), NotPermitted (not in the sender's targets),
 * NoCompartment (target not added). */
irq_status_t irq_check_event(const struct irq_table *t, l4_word_t badge, l4_word_t target,
                             l4_word_t line, l4_word_t detail[IRQ_MAX_DETAIL]);

/* A compartment just added: present, its page and frame, no upcall, only
 * itself as event target. */
void irq_compartment_init(struct irq_compartment *c, unsigned id, struct l4_pv_page *page,
                          l4_cptr_t frame);
/* Raise line (< L4_PV_IRQ_LINES) in c's page. True: signal c->upcall now.
 * A claim made while c has no upcall notification is recorded as owed. */
bool irq_compartment_raise(struct irq_compartment *c, unsigned line);
/* c's upcall notification becomes upcall (the caller deletes the old one).
 * True: a signal was owed, send it now. */
bool irq_compartment_set_upcall(struct irq_compartment *c, l4_cptr_t upcall);

#endif
