/* SPDX-License-Identifier: MIT */
/*
 * The virtual interrupt controller: guest and server sides.
 *
 * struct l4_pv_irq (libl4/spec/structs.toml, in struct l4_pv_page) is
 * shared between the interrupt server and one compartment's guest kernel.
 * The guest never executes cli/sti: its virtual IF is upcall_mask, so
 * disable, enable, save and restore below are memory accesses, inline. The
 * server raises lines with l4_pv_irq_raise(), which says when to signal the
 * guest's upcall notification; the upcall_pending flag ("an upcall is
 * outstanding") makes every event delivered exactly once and signalled at
 * most once, however raise races with the guest (docs/paravirt-abi.md,
 * "Virtual interrupt controller", has the protocol and the memory order of
 * every access). Pure logic with GCC __atomic builtins: no syscalls;
 * host-tested, interleavings included (tests/unit/test_pv_virq.c).
 *
 * The guest's upcall handler (run on the notification, or directly when
 * enable/restore/unmask return true) is:
 *
 *     unsigned long f = l4_pv_irq_save(irq);
 *     do {
 *         uint64_t lines;
 *         while ((lines = l4_pv_irq_take(irq)) != 0)
 *             dispatch(lines);
 *     } while (l4_pv_irq_upcall_done(irq));
 *     l4_pv_irq_restore(irq, f);   // true: run the handler again
 */
#ifndef L4_PV_VIRQ_H
#define L4_PV_VIRQ_H

#include <stdbool.h>
#include <stdint.h>
#include <l4/structs_gen.h>
#include <l4/pv/step.h>

/* What l4_pv_irq_raise() and the per-line calls return. */
enum l4_pv_irq_status {
    L4_PV_IRQ_QUIET = 0,  /* raise: pending, no signal now (masked, IF off, or one outstanding) */
    L4_PV_IRQ_SIGNAL = 1, /* raise: signal the guest's upcall notification now, once */
    L4_PV_IRQ_BAD_LINE = -1, /* the line is not below L4_PV_IRQ_LINES: nothing done */
};

/* Flags of l4_pv_irq_save(): the virtual IF was off. */
#define L4_PV_IRQ_FLAGS_DISABLED 1ul

/* --- Guest side: the virtual IF (inline: cli/sti/pushf/popf) ---------------- */

/* cli: a store, and a compiler barrier so that nothing of the critical
 * section moves above it. Relaxed is enough: a raise that still sees the
 * IF on only signals early, and the handshake makes that harmless. */
static inline void l4_pv_irq_disable(struct l4_pv_irq *irq)
{
    L4_PV_STEP();
    __atomic_store_n(&irq->upcall_mask, 1, __ATOMIC_RELAXED);
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
}

/* Whether the virtual IF is on (pushf). */
static inline bool l4_pv_irq_enabled(const struct l4_pv_irq *irq)
{
    /* Only the guest writes it: no step (the server's reads commute). */
    return __atomic_load_n(&irq->upcall_mask, __ATOMIC_RELAXED) == 0;
}

/* Claim the upcall if an unmasked line is pending and none is outstanding:
 * true means the caller set the flag and so owns the upcall (the server:
 * signal the notification; the guest: run the handler), and that a line
 * was still deliverable after it did, so the upcall finds something to
 * take (unless the guest masks it first). A claim that finds nothing left
 * gives the flag back and looks again, so the flag is never held with
 * nothing to deliver. Called by either side after its own seq_cst write
 * that may have made a line deliverable (pending bit, IF on, line
 * unmasked, flag cleared): of that write and the other side's, at least
 * one side's loads see the other's (store, then load, both seq_cst), so no
 * event is left behind. Bounded: a retry needs the guest to have taken
 * the lines between the look and the claim, which a well-behaved guest's
 * handler does at most once per claim; the last round keeps the flag even
 * with nothing left (an empty upcall, never a lost one), so a guest that
 * rewrites the page cannot keep the server looping. */
#define L4_PV_IRQ_CLAIM_ROUNDS 4

static inline bool l4_pv_irq_claim_upcall(struct l4_pv_irq *irq)
{
    for (unsigned round = 1;; round++) {
        L4_PV_STEP();
        uint64_t mask = __atomic_load_n(&irq->mask, __ATOMIC_SEQ_CST);
        L4_PV_STEP();
        if ((__atomic_load_n(&irq->pending, __ATOMIC_SEQ_CST) & ~mask) == 0)
            return false;
        uint32_t idle = 0;
        L4_PV_STEP();
        if (!__atomic_compare_exchange_n(&irq->upcall_pending, &idle, 1, false, __ATOMIC_SEQ_CST,
                                         __ATOMIC_SEQ_CST))
            return false; /* outstanding: its handler takes the lines */
        L4_PV_STEP();
        mask = __atomic_load_n(&irq->mask, __ATOMIC_SEQ_CST);
        L4_PV_STEP();
        if ((__atomic_load_n(&irq->pending, __ATOMIC_SEQ_CST) & ~mask) != 0 ||
            round == L4_PV_IRQ_CLAIM_ROUNDS)
            return true;
        /* The lines were taken between the look and the claim. */
        L4_PV_STEP();
        __atomic_store_n(&irq->upcall_pending, 0, __ATOMIC_SEQ_CST);
    }
}

/* sti. True: events became pending while the IF was off and the caller
 * owns the upcall: run the handler (or ask the server to deliver it). */
static inline bool l4_pv_irq_enable(struct l4_pv_irq *irq)
{
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
    L4_PV_STEP();
    __atomic_store_n(&irq->upcall_mask, 0, __ATOMIC_SEQ_CST);
    return l4_pv_irq_claim_upcall(irq);
}

/* pushf; cli. Returns the flags for l4_pv_irq_restore(). */
static inline unsigned long l4_pv_irq_save(struct l4_pv_irq *irq)
{
    unsigned long flags = l4_pv_irq_enabled(irq) ? 0 : L4_PV_IRQ_FLAGS_DISABLED;
    l4_pv_irq_disable(irq);
    return flags;
}

/* popf: the IF as l4_pv_irq_save() found it. True as for l4_pv_irq_enable(). */
static inline bool l4_pv_irq_restore(struct l4_pv_irq *irq, unsigned long flags)
{
    if (flags & L4_PV_IRQ_FLAGS_DISABLED) {
        l4_pv_irq_disable(irq);
        return false;
    }
    return l4_pv_irq_enable(irq);
}

/* --- Guest side: lines and the handler -------------------------------------- */

/* Take the pending unmasked lines: clear them in pending and return them
 * (one atomic fetch-and-AND: each raise is taken by exactly one take).
 * Masked lines stay pending. Works with the IF on or off. */
uint64_t l4_pv_irq_take(struct l4_pv_irq *irq);

/* End of the handler: clear the upcall flag and look again. True: a line
 * became pending meanwhile and the handler still owns the upcall: take
 * again. False: done; a later raise signals anew (or already did). */
bool l4_pv_irq_upcall_done(struct l4_pv_irq *irq);

/* Mask a line: raises stay pending until it is unmasked. Returns
 * L4_PV_IRQ_QUIET, or L4_PV_IRQ_BAD_LINE. */
int l4_pv_irq_mask(struct l4_pv_irq *irq, unsigned line);

/* Unmask a line. Returns L4_PV_IRQ_SIGNAL when the line (or another) is
 * pending with the IF on and the caller now owns the upcall (run the
 * handler), L4_PV_IRQ_QUIET otherwise, L4_PV_IRQ_BAD_LINE. */
int l4_pv_irq_unmask(struct l4_pv_irq *irq, unsigned line);

/* --- Server side ------------------------------------------------------------ */

/* Set up a page's controller before sharing it: nothing pending, every
 * line masked, the IF off, no upcall outstanding. */
void l4_pv_irq_init(struct l4_pv_irq *irq);

/* Raise a line. L4_PV_IRQ_SIGNAL: signal the guest's upcall notification
 * now (the line is unmasked, the IF on, and no upcall was outstanding: this
 * raise set the flag); L4_PV_IRQ_QUIET: pending, delivered later by the
 * upcall already outstanding or on unmask / enable; L4_PV_IRQ_BAD_LINE.
 * Reads only fixed words of the page: a hostile guest's values change only
 * its own events. */
int l4_pv_irq_raise(struct l4_pv_irq *irq, unsigned line);

/* Name of an l4_pv_irq_status ("?" if unknown). */
const char *l4_pv_irq_status_name(int status);

#endif
