/* SPDX-License-Identifier: MIT */
/*
 * The interrupt server's state and the functions its files share.
 *
 * One thread, one endpoint, one Reply object. Its TCB has the PIT line's
 * notification bound, so a single receive loop (main.c) gets both the
 * clients' messages and the PIT's interrupt (a message with label 0 and
 * no words). Files: main.c (start-up, the loop), pit.c (the PIT: the TSC
 * calibration and the one-shot timer device), rtc.c (the wall clock from
 * the CMOS RTC), pvpage.c (mapping and
 * initialising a compartment's PV page), service.c (the protocol's
 * handlers), and the pure logic: deadline.c (the deadline queue),
 * compartment.c (compartments and the rules), clock.c (the time base),
 * rtc_time.c (the RTC's registers as a date).
 * docs/servers/irq.md describes it all.
 */
#ifndef IRQ_IRQ_H
#define IRQ_IRQ_H

#include <stdbool.h>
#include <stdint.h>
#include <l4/alloc.h>
#include <l4/proto/irq_server_gen.h>
#include <l4/vspace.h>
#include "clock.h"
#include "compartment.h"
#include "deadline.h"

/* Where the server maps compartment i's PV page: one page table's worth
 * (2 MiB) holds all 64. */
#define IRQ_PV_VA_BASE UINT64_C(0x0000100000000000)
#define IRQ_PV_VA(i)   (IRQ_PV_VA_BASE + (uint64_t)(i)*4096u)

/* The most free slots the server manages (its CNode may be larger). */
#define IRQ_MAX_SLOTS 1024u

struct irq_server {
    l4_cptr_t ep, cnode, vspace, tcb;
    l4_cptr_t pit, pit_irq; /* IOPort 0x40..0x43, IRQHandler of the PIT's line */
    l4_cptr_t rtc;          /* IOPort 0x70..0x71 (the CMOS RTC), or 0 */
    l4_cptr_t ntfn;         /* the PIT line's notification, bound to our TCB */
    l4_cptr_t reply;        /* the Reply object the loop receives with */
    l4_cptr_t recv_slot;    /* where a transferred capability lands */

    struct l4_slot_alloc slots;
    uint64_t slot_bits[L4_SLOT_BITMAP_WORDS(IRQ_MAX_SLOTS)];
    struct l4_untyped uts[1];
    struct l4_untyped_alloc ua;
    struct l4_vspace vs;
    struct l4_vspace_table tables[8];
    struct l4_vspace_frame frames[IRQ_MAX_COMPARTMENTS];

    struct irq_clock clock;
    uint64_t wall_ns; /* Unix time (ns) at clock 0, from the RTC; 0: none */
    struct irq_deadlines deadlines;
    struct irq_table table;

    /* The PIT shot in flight: armed, and when it ends (ns, predicted). */
    bool armed;
    uint64_t armed_until;
    uint64_t interrupts, early; /* counters: PIT interrupts, those before any deadline */
};

/* pit.c */
uint64_t irq_rdtsc(void);
uint64_t irq_now(const struct irq_server *s);
/* Stop the PIT, bind its line to s->ntfn and calibrate the TSC: 0 or -1. */
int irq_pit_init(struct irq_server *s);
/* Raise every expired deadline's timer line, then arm the PIT for the
 * earliest left (unless the shot in flight ends before it). */
void irq_timer_run(struct irq_server *s);
/* The PIT's line fired (or a label-0 message came): Ack, then run. */
void irq_timer_interrupt(struct irq_server *s);

/* rtc.c */
/* Read the RTC (if given) into s->wall_ns; after the calibration. */
void irq_rtc_init(struct irq_server *s);

/* pvpage.c */
/* Check that cap is a writable Frame4K of RAM (no side effect). */
bool irq_frame_ok(const struct irq_server *s, l4_cptr_t cap);
/* Move the frame in the receive slot to a slot of ours, map it at
 * IRQ_PV_VA(id) and initialise the page; the compartment's record. */
l4_error_t irq_page_add(struct irq_server *s, unsigned id);
/* Unmap the page and delete our capabilities of compartment id. */
void irq_page_remove(struct irq_server *s, unsigned id);
/* Move the capability in the receive slot to a fresh slot of ours. */
l4_error_t irq_take_received(struct irq_server *s, l4_cptr_t *slot);
void irq_drop_cap(struct irq_server *s, l4_cptr_t slot);

/* service.c */
extern const struct irq_server_ops irq_ops;
/* Raise line of compartment id and signal its upcall if the page says so. */
void irq_raise(struct irq_server *s, unsigned id, unsigned line);

#endif
