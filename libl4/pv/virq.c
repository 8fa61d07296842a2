/* SPDX-License-Identifier: MIT */
/*
 * The virtual interrupt controller: taking, masking and raising lines.
 *
 * The inline guest fast paths (the virtual IF) are in <l4/pv/virq.h>; the
 * protocol and each access's memory order are in docs/paravirt-abi.md,
 * "Virtual interrupt controller". Every read-modify-write of a shared word
 * is seq_cst: the no-lost-event argument is a store-then-load on each side
 * (Dekker), which needs a total order; none of these is on a hot path.
 */
#include <l4/pv/virq.h>

static inline uint64_t line_bit(unsigned line)
{
    return (uint64_t)1 << line;
}

uint64_t l4_pv_irq_take(struct l4_pv_irq *irq)
{
    uint64_t mask = __atomic_load_n(&irq->mask, __ATOMIC_RELAXED); /* only the guest writes it */
    L4_PV_STEP();
    /* Keep the masked lines, take the others, in one step. */
    uint64_t old = __atomic_fetch_and(&irq->pending, mask, __ATOMIC_SEQ_CST);
    return old & ~mask;
}

bool l4_pv_irq_upcall_done(struct l4_pv_irq *irq)
{
    L4_PV_STEP();
    __atomic_store_n(&irq->upcall_pending, 0, __ATOMIC_SEQ_CST);
    /* A raise that saw the flag still set did not signal: its line is
     * pending now, and this look finds it (seq_cst store, then load). */
    return l4_pv_irq_claim_upcall(irq);
}

int l4_pv_irq_mask(struct l4_pv_irq *irq, unsigned line)
{
    if (line >= L4_PV_IRQ_LINES)
        return L4_PV_IRQ_BAD_LINE;
    L4_PV_STEP();
    __atomic_fetch_or(&irq->mask, line_bit(line), __ATOMIC_SEQ_CST);
    return L4_PV_IRQ_QUIET;
}

int l4_pv_irq_unmask(struct l4_pv_irq *irq, unsigned line)
{
    if (line >= L4_PV_IRQ_LINES)
        return L4_PV_IRQ_BAD_LINE;
    L4_PV_STEP();
    __atomic_fetch_and(&irq->mask, ~line_bit(line), __ATOMIC_SEQ_CST);
    /* With the IF off, the enable that turns it on looks. */
    if (!l4_pv_irq_enabled(irq))
        return L4_PV_IRQ_QUIET;
    return l4_pv_irq_claim_upcall(irq) ? L4_PV_IRQ_SIGNAL : L4_PV_IRQ_QUIET;
}

void l4_pv_irq_init(struct l4_pv_irq *irq)
{
    __atomic_store_n(&irq->pending, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&irq->mask, ~(uint64_t)0, __ATOMIC_RELAXED);
    __atomic_store_n(&irq->upcall_mask, 1, __ATOMIC_RELAXED);
    __atomic_store_n(&irq->upcall_pending, 0, __ATOMIC_RELAXED);
    for (unsigned i = 0; i < sizeof irq->reserved / sizeof irq->reserved[0]; i++)
        irq->reserved[i] = 0;
    __atomic_thread_fence(__ATOMIC_RELEASE);
}

int l4_pv_irq_raise(struct l4_pv_irq *irq, unsigned line)
{
    if (line >= L4_PV_IRQ_LINES)
        return L4_PV_IRQ_BAD_LINE;
    uint64_t bit = line_bit(line);
    L4_PV_STEP();
    __atomic_fetch_or(&irq->pending, bit, __ATOMIC_SEQ_CST);
    /* Pending first, then look: a guest that unmasks or enables after
     * these loads sees the bit (its write, then its load of pending). */
    L4_PV_STEP();
    if (__atomic_load_n(&irq->mask, __ATOMIC_SEQ_CST) & bit)
        return L4_PV_IRQ_QUIET;
    L4_PV_STEP();
    if (__atomic_load_n(&irq->upcall_mask, __ATOMIC_SEQ_CST) != 0)
        return L4_PV_IRQ_QUIET;
    /* Claim the flag: only the raise that sets it signals. */
    return l4_pv_irq_claim_upcall(irq) ? L4_PV_IRQ_SIGNAL : L4_PV_IRQ_QUIET;
}

const char *l4_pv_irq_status_name(int status)
{
    switch (status) {
    case L4_PV_IRQ_QUIET:
        return "quiet";
    case L4_PV_IRQ_SIGNAL:
        return "signal";
    case L4_PV_IRQ_BAD_LINE:
        return "bad line";
    }
    return "?";
}
