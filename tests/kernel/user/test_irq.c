/* SPDX-License-Identifier: MIT */
/*
 * User-level tests of device interrupts (docs/kernel/interrupts.md).
 *
 * IRQControlGet makes the one IRQHandler capability of a line; its errors.
 * Delivery from a real device: the test takes IOPort capabilities for the
 * PIT (0x40-0x43), programs channel 0 (periodic, mode 2, or one-shot,
 * mode 0) and binds a notification to the PIT's line, GSI 2 on q35 (ISA
 * IRQ 0, moved by the interrupt source override). Each interrupt signals
 * the notification with the badge of the capability that was bound and
 * masks the line until Ack; Clear, rebinding, and deleting the
 * notification or the handler change where (and whether) signals go. Waits
 * are bounded: Poll in a loop with Yield against a TSC deadline, or a
 * blocking Wait with a priority-1 rescue thread. Each test stops the PIT
 * and revokes IRQControl and IOPortControl when done (and first, so a
 * failed test leaves nothing behind).
 */
#include "utest.h"

#define IRQ_CTRL    L4_ROOT_SLOT_IRQ_CONTROL
#define IOPORT_CTRL L4_ROOT_SLOT_IOPORT_CONTROL
#define ALL         L4_CAP_RIGHTS_ALL

#define PIT_GSI      2
#define PIT_CH0      0x40
#define PIT_CMD      0x43
#define PIT_HZ       1193182u
#define PIT_PERIODIC 0x34 /* channel 0, low then high byte, mode 2 (rate generator) */
#define PIT_ONE_SHOT 0x30 /* channel 0, low then high byte, mode 0 (interrupt on count) */

#define BADGE        0x40
#define RESCUE_BADGE 0x800000
#define WAIT_MS      1000 /* an interrupt due within a few ms must come by then */
#define QUIET_MS     50   /* 50 periods of the 1 kHz PIT without a signal */

/* --- Helpers ------------------------------------------------------------------ */

static uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t)hi << 32 | lo;
}

static uint64_t tsc_per_ms(void)
{
    l4_word_t hz = ut_boot_info()->tsc_hz;
    return (hz ? hz : UINT64_C(1000000000)) / 1000;
}

/* The word taken from n once it is non-zero, polling with Yield for up to
 * ms milliseconds; 0 if nothing came. */
static l4_word_t poll_ms(l4_cptr_t n, unsigned ms)
{
    uint64_t end = rdtsc() + ms * tsc_per_ms();
    do {
        l4_word_t w = 0;
        if (l4_poll(n, &w) == L4_NO_ERROR && w)
            return w;
        l4_yield();
    } while (rdtsc() < end);
    return 0;
}

static void reset(void)
{
    l4_cnode_revoke(UT_CNODE, IRQ_CTRL, UT_DEPTH);
    l4_cnode_revoke(UT_CNODE, IOPORT_CTRL, UT_DEPTH);
}

/* The IRQHandler of a line in a fresh slot; 0 on error. */
static l4_cptr_t get(l4_word_t irq)
{
    l4_cptr_t s = ut_slot();
    if (!s || l4_irq_control_get(IRQ_CTRL, irq, UT_CNODE, s, UT_DEPTH) != L4_NO_ERROR)
        return 0;
    return s;
}

/* The PIT's ports, its line's handler, and a notification bound to the
 * line through a capability with badge BADGE (channel 0 stopped, so
 * nothing is signalled before the test starts it). */
struct pit {
    l4_cptr_t ports, irq, n, badged;
};

static void spin_ms(unsigned ms)
{
    uint64_t end = rdtsc() + ms * tsc_per_ms();
    while (rdtsc() < end)
        l4_yield();
}

/* Stop channel 0: a one-shot count of 1 ends at once and leaves the
 * output high (a command word alone does not stop QEMU's PIT). Its edge
 * is over when this returns. */
static void pit_stop(l4_cptr_t ports)
{
    l4_io_port_out8(ports, PIT_CMD, PIT_ONE_SHOT);
    l4_io_port_out8(ports, PIT_CH0, 1);
    l4_io_port_out8(ports, PIT_CH0, 0);
    spin_ms(3);
}

static l4_error_t pit_start(l4_cptr_t ports, uint8_t mode, uint16_t count)
{
    l4_error_t e = l4_io_port_out8(ports, PIT_CMD, mode);
    if (e == L4_NO_ERROR)
        e = l4_io_port_out8(ports, PIT_CH0, (uint8_t)count);
    if (e == L4_NO_ERROR)
        e = l4_io_port_out8(ports, PIT_CH0, (uint8_t)(count >> 8));
    return e;
}

static int pit_setup(struct pit *p)
{
    reset();
    p->ports = ut_slot();
    if (!p->ports || l4_io_port_control_issue(IOPORT_CTRL, PIT_CH0, PIT_CMD, UT_CNODE, p->ports,
                                              UT_DEPTH) != L4_NO_ERROR)
        return 0;
    pit_stop(p->ports); /* while the line is masked: a last edge is lost */
    p->irq = get(PIT_GSI);
    p->n = ut_new(L4_OBJECT_NOTIFICATION, 0);
    p->badged = p->n ? ut_mint(p->n, ALL, BADGE) : 0;
    return p->irq && p->badged && l4_irq_handler_set_notification(p->irq, p->badged) == L4_NO_ERROR;
}

static void pit_finish(struct pit *p)
{
    pit_stop(p->ports);
    reset();
}

/* --- IRQControlGet ------------------------------------------------------------- */

UTEST(irq_get_identify, "IRQControlGet puts the line's IRQHandler in an empty slot; after its "
                        "deletion the line can be got again")
{
    reset();
    l4_cptr_t h = get(PIT_GSI);
    UT_ASSERT(h);
    UT_EQ(ut_id(h), L4_CAP_IRQ_HANDLER);
    UT_OK(ut_delete(h));
    UT_EQ(ut_id(h), L4_CAP_NULL);
    h = get(PIT_GSI);
    UT_ASSERT(h);
    UT_OK(ut_delete(h));
    UT_EQ(l4_debug_check_invariants(), 0);
}

UTEST(irq_get_range, "lines the kernel does not manage (0, the legacy ExtINT input, and 24 and "
                     "up on q35) are RangeError [1, 23]; so is a depth of 0, 65 or 0x100 + 64")
{
    reset();
    l4_cptr_t s = ut_slot();
    static const l4_word_t bad[] = {0, 24, 64, 255, 256, UINT64_C(1) << 32, ~UINT64_C(0)};
    for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        UT_ERR(l4_irq_control_get(IRQ_CTRL, bad[i], UT_CNODE, s, UT_DEPTH), L4_RANGE_ERROR);
        UT_EQ(l4_get_mr(0), 1);
        UT_EQ(l4_get_mr(1), 23);
    }
    UT_ERR(l4_irq_control_get(IRQ_CTRL, 5, UT_CNODE, s, 0), L4_RANGE_ERROR);
    UT_EQ(l4_get_mr(0), 1);
    UT_EQ(l4_get_mr(1), 64);
    UT_ERR(l4_irq_control_get(IRQ_CTRL, 5, UT_CNODE, s, 65), L4_RANGE_ERROR);
    UT_EQ(ut_id(s), L4_CAP_NULL);
    /* the depth is the whole word: 0x100 + 64 is not 64 */
    l4_word_t w[L4_LABEL_IRQ_CONTROL_GET_WORDS] = {
        [L4_MR_IRQ_CONTROL_GET_IRQ] = 5,
        [L4_MR_IRQ_CONTROL_GET_DEST_INDEX] = s,
        [L4_MR_IRQ_CONTROL_GET_DEST_DEPTH] = 0x100 + UT_DEPTH,
    };
    UT_ERR(ut_invoke(IRQ_CTRL, L4_LABEL_IRQ_CONTROL_GET, 1, UT_CNODE,
                     L4_LABEL_IRQ_CONTROL_GET_WORDS, w),
           L4_RANGE_ERROR);
    UT_EQ(l4_get_mr(0), 1);
    UT_EQ(l4_get_mr(1), 64);
    UT_EQ(ut_id(s), L4_CAP_NULL);
    l4_cptr_t first = get(1), last = get(23);
    UT_ASSERT(first && last);
    UT_OK(ut_delete(first));
    UT_OK(ut_delete(last));
}

UTEST(irq_get_revoke_first, "a second IRQControlGet of a line is RevokeFirst while any "
                            "capability to its handler exists, copies included")
{
    reset();
    l4_cptr_t h = get(5);
    UT_ASSERT(h);
    l4_cptr_t s = ut_slot();
    UT_ERR(l4_irq_control_get(IRQ_CTRL, 5, UT_CNODE, s, UT_DEPTH), L4_REVOKE_FIRST);
    l4_cptr_t c = ut_copy(h, ALL);
    UT_ASSERT(c);
    UT_OK(ut_delete(h));
    UT_ERR(l4_irq_control_get(IRQ_CTRL, 5, UT_CNODE, s, UT_DEPTH), L4_REVOKE_FIRST);
    UT_EQ(ut_id(s), L4_CAP_NULL);
    l4_cptr_t other = get(6); /* other lines are independent */
    UT_ASSERT(other);
    UT_OK(ut_delete(c));
    UT_OK(l4_irq_control_get(IRQ_CTRL, 5, UT_CNODE, s, UT_DEPTH));
    UT_OK(ut_delete(s));
    UT_OK(ut_delete(other));
}

UTEST(irq_get_slot_errors, "IRQControlGet: an occupied slot is DeleteFirst, a guard mismatch "
                           "FailedLookup, a root that is no CNode InvalidCapability (argument "
                           "1); none of them issues the handler")
{
    reset();
    l4_cptr_t s = ut_slot();
    UT_ERR(l4_irq_control_get(IRQ_CTRL, 5, UT_CNODE, L4_ROOT_SLOT_TCB, UT_DEPTH), L4_DELETE_FIRST);
    UT_ERR(l4_irq_control_get(IRQ_CTRL, 5, UT_CNODE, UINT64_C(1) << 63 | s, UT_DEPTH),
           L4_FAILED_LOOKUP);
    UT_EQ(l4_get_mr(0), 0);
    UT_ERR(l4_irq_control_get(IRQ_CTRL, 5, L4_ROOT_SLOT_TCB, s, UT_DEPTH), L4_INVALID_CAPABILITY);
    UT_EQ(l4_get_mr(0), L4_ARG_IRQ_CONTROL_GET_DEST_ROOT);
    l4_word_t mrs[L4_MSG_REGISTERS] = {5, s};
    l4_ipc_buffer()->caps_or_badges[0] = UT_CNODE;
    UT_ERR(l4_call_mrs(IRQ_CTRL, l4_msginfo_new(L4_LABEL_IRQ_CONTROL_GET, 0, 1, 2), NULL, mrs),
           L4_TRUNCATED_MESSAGE);
    l4_word_t mrs2[L4_MSG_REGISTERS] = {5, s, UT_DEPTH};
    UT_ERR(l4_call_mrs(IRQ_CTRL, l4_msginfo_new(L4_LABEL_IRQ_CONTROL_GET, 0, 0, 3), NULL, mrs2),
           L4_TRUNCATED_MESSAGE);
    UT_EQ(ut_id(s), L4_CAP_NULL);
    UT_OK(l4_irq_control_get(IRQ_CTRL, 5, UT_CNODE, s, UT_DEPTH));
    UT_OK(ut_delete(s));
}

UTEST(irq_wrong_labels, "IRQ labels on other capabilities, and other labels on IRQ "
                        "capabilities, are IllegalOperation; IRQControl cannot be copied, "
                        "handlers take no badge")
{
    reset();
    l4_cptr_t h = get(5);
    UT_ASSERT(h);
    UT_ERR(l4_irq_handler_ack(IRQ_CTRL), L4_ILLEGAL_OPERATION);
    UT_ERR(l4_irq_handler_clear(L4_ROOT_SLOT_TCB), L4_ILLEGAL_OPERATION);
    UT_ERR(l4_irq_control_get(h, 6, UT_CNODE, ut_slot(), UT_DEPTH), L4_ILLEGAL_OPERATION);
    uint8_t v;
    UT_ERR(l4_io_port_in8(h, 0x80, &v), L4_ILLEGAL_OPERATION);
    UT_ERR(l4_cnode_copy(UT_CNODE, ut_slot(), UT_DEPTH, UT_CNODE, IRQ_CTRL, UT_DEPTH, ALL),
           L4_ILLEGAL_OPERATION);
    l4_cptr_t s = ut_slot();
    UT_ERR(l4_cnode_mint(UT_CNODE, s, UT_DEPTH, UT_CNODE, h, UT_DEPTH, ALL, 7),
           L4_ILLEGAL_OPERATION);
    UT_OK(ut_delete(h));
}

UTEST(irq_set_notification_errors, "SetNotification needs a notification capability with "
                                   "Write: an endpoint, a read-only notification or an empty "
                                   "slot is InvalidCapability (argument 0)")
{
    reset();
    l4_cptr_t h = get(5), ep = ut_new(L4_OBJECT_ENDPOINT, 0);
    l4_cptr_t n = ut_new(L4_OBJECT_NOTIFICATION, 0);
    UT_ASSERT(h && ep && n);
    l4_cptr_t ro = ut_mint(n, L4_CAP_RIGHTS_READ, 3);
    UT_ASSERT(ro);
    UT_ERR(l4_irq_handler_set_notification(h, ep), L4_INVALID_CAPABILITY);
    UT_EQ(l4_get_mr(0), L4_ARG_IRQ_HANDLER_SET_NOTIFICATION_NOTIFICATION);
    UT_ERR(l4_irq_handler_set_notification(h, ro), L4_INVALID_CAPABILITY);
    UT_ERR(l4_irq_handler_set_notification(h, ut_slot()), L4_INVALID_CAPABILITY);
    l4_word_t mrs[L4_MSG_REGISTERS] = {0};
    UT_ERR(
        l4_call_mrs(h, l4_msginfo_new(L4_LABEL_IRQ_HANDLER_SET_NOTIFICATION, 0, 0, 0), NULL, mrs),
        L4_TRUNCATED_MESSAGE);
    l4_cptr_t wo = ut_mint(n, L4_CAP_RIGHTS_WRITE, 4);
    UT_ASSERT(wo);
    UT_OK(l4_irq_handler_set_notification(h, wo)); /* Write alone is enough */
    UT_OK(l4_irq_handler_clear(h));
    UT_OK(l4_irq_handler_clear(h)); /* clearing twice is fine */
    UT_OK(l4_irq_handler_ack(h));   /* so is Ack with nothing pending */
    UT_OK(ut_delete(h));
}

UTEST(irq_revoke_control, "revoking IRQControl deletes every IRQHandler capability and copy; "
                          "the lines can be got again")
{
    reset();
    l4_cptr_t a = get(3), b = get(PIT_GSI);
    UT_ASSERT(a && b);
    l4_cptr_t ac = ut_copy(a, ALL);
    UT_ASSERT(ac);
    UT_OK(l4_cnode_revoke(UT_CNODE, IRQ_CTRL, UT_DEPTH));
    UT_EQ(ut_id(a), L4_CAP_NULL);
    UT_EQ(ut_id(b), L4_CAP_NULL);
    UT_EQ(ut_id(ac), L4_CAP_NULL);
    UT_EQ(ut_id(IRQ_CTRL), L4_CAP_IRQ_CONTROL);
    a = get(3);
    UT_ASSERT(a);
    UT_OK(ut_delete(a));
    UT_EQ(l4_debug_check_invariants(), 0);
}

/* --- Delivery from the PIT ------------------------------------------------------- */

UTEST(irq_pit_periodic_ack, "a periodic PIT signals the bound notification with its badge; "
                            "after Ack the next interrupt comes")
{
    struct pit p;
    UT_ASSERT(pit_setup(&p));
    UT_OK(pit_start(p.ports, PIT_PERIODIC, PIT_HZ / 1000));
    UT_EQ(poll_ms(p.n, WAIT_MS), BADGE);
    UT_OK(l4_irq_handler_ack(p.irq));
    UT_EQ(poll_ms(p.n, WAIT_MS), BADGE);
    UT_OK(l4_irq_handler_ack(p.irq));
    UT_EQ(poll_ms(p.n, WAIT_MS), BADGE);
    pit_finish(&p);
    UT_EQ(l4_debug_check_invariants(), 0);
}

UTEST(irq_unacked_stays_masked, "without Ack the line stays masked: no second signal while the "
                                "PIT keeps ticking, until the Ack")
{
    struct pit p;
    UT_ASSERT(pit_setup(&p));
    UT_OK(pit_start(p.ports, PIT_PERIODIC, PIT_HZ / 1000));
    UT_EQ(poll_ms(p.n, WAIT_MS), BADGE);
    UT_EQ(poll_ms(p.n, QUIET_MS), 0);
    UT_EQ(poll_ms(p.n, QUIET_MS), 0);
    UT_OK(l4_irq_handler_ack(p.irq));
    UT_EQ(poll_ms(p.n, WAIT_MS), BADGE);
    pit_finish(&p);
}

UTEST(irq_pit_one_shot, "a one-shot PIT count (mode 0) interrupts exactly once; programming it "
                        "again interrupts again")
{
    struct pit p;
    UT_ASSERT(pit_setup(&p));
    UT_OK(pit_start(p.ports, PIT_ONE_SHOT, PIT_HZ / 1000)); /* 1 ms */
    UT_EQ(poll_ms(p.n, WAIT_MS), BADGE);
    UT_OK(l4_irq_handler_ack(p.irq));
    UT_EQ(poll_ms(p.n, QUIET_MS), 0);                      /* unmasked, but the count ended */
    UT_OK(pit_start(p.ports, PIT_ONE_SHOT, PIT_HZ / 500)); /* 2 ms */
    UT_EQ(poll_ms(p.n, WAIT_MS), BADGE);
    UT_OK(l4_irq_handler_ack(p.irq));
    UT_EQ(poll_ms(p.n, QUIET_MS), 0);
    pit_finish(&p);
}

/* Priority-1 thread: after WAIT_MS, signal notification arg (a badged
 * capability) so that a test blocked in Wait ends even without the
 * interrupt. It runs only while the test is blocked. */
static void rescue_fn(l4_word_t n)
{
    uint64_t end = rdtsc() + WAIT_MS * tsc_per_ms();
    while (rdtsc() < end)
        l4_yield();
    l4_signal(n);
}

UTEST(irq_blocking_wait, "a Wait blocked on the bound notification is ended by the interrupt "
                         "(a priority-1 rescue thread would end it after a second)")
{
    struct pit p;
    UT_ASSERT(pit_setup(&p));
    l4_cptr_t rescue = ut_mint(p.n, ALL, RESCUE_BADGE);
    UT_ASSERT(rescue && ut_thread(rescue_fn, rescue, 1));
    UT_OK(pit_start(p.ports, PIT_ONE_SHOT, PIT_HZ / 200)); /* 5 ms */
    l4_word_t w = 0;
    UT_OK(l4_wait(p.n, &w));
    UT_EQ(w, BADGE);
    UT_OK(l4_irq_handler_ack(p.irq));
    UT_OK(pit_start(p.ports, PIT_ONE_SHOT, PIT_HZ / 200));
    UT_OK(l4_wait(p.n, &w));
    UT_EQ(w, BADGE);
    pit_finish(&p);
}

static volatile l4_word_t bound_badge, bound_status;

/* Receive on endpoint A (a signal to the bound notification ends it),
 * record the result, then signal notification B. */
static void bound_recv_fn(l4_word_t arg)
{
    l4_word_t badge = 0;
    bound_status = l4_recv(UT_ARG_A(arg), L4_CPTR_NULL, &badge, 0);
    bound_badge = badge;
    l4_signal(UT_ARG_B(arg));
}

UTEST(irq_bound_thread, "an interrupt on a notification bound to a thread ends that thread's "
                        "Recv on an endpoint, with the badge")
{
    struct pit p;
    UT_ASSERT(pit_setup(&p));
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0), done = ut_new(L4_OBJECT_NOTIFICATION, 0);
    UT_ASSERT(ep && done);
    l4_cptr_t done_b = ut_mint(done, ALL, 1), rescue = ut_mint(done, ALL, RESCUE_BADGE);
    UT_ASSERT(done_b && rescue);
    bound_status = ~0ul;
    bound_badge = 0;
    l4_cptr_t t = ut_thread(bound_recv_fn, UT_ARG(0, ep, done_b), 100);
    UT_ASSERT(t);
    UT_OK(l4_tcb_bind_notification(t, p.n));
    UT_ASSERT(ut_thread(rescue_fn, rescue, 1));
    UT_OK(pit_start(p.ports, PIT_ONE_SHOT, PIT_HZ / 200)); /* 5 ms */
    l4_word_t w = 0;
    UT_OK(l4_wait(done, &w)); /* t receives when the interrupt comes */
    UT_EQ(w, 1);
    UT_EQ(bound_status, L4_NO_ERROR);
    UT_EQ(bound_badge, BADGE);
    pit_finish(&p);
}

/* --- Binding and unbinding -------------------------------------------------------- */

UTEST(irq_clear_stops_signals, "after Clear the line stays masked, Ack included; SetNotification "
                               "again brings the signals back")
{
    struct pit p;
    UT_ASSERT(pit_setup(&p));
    UT_OK(pit_start(p.ports, PIT_PERIODIC, PIT_HZ / 1000));
    UT_EQ(poll_ms(p.n, WAIT_MS), BADGE);
    UT_OK(l4_irq_handler_clear(p.irq));
    UT_OK(l4_irq_handler_ack(p.irq)); /* nobody to signal: stays masked */
    UT_EQ(poll_ms(p.n, QUIET_MS), 0);
    UT_OK(l4_irq_handler_set_notification(p.irq, p.badged));
    UT_EQ(poll_ms(p.n, WAIT_MS), BADGE);
    pit_finish(&p);
}

UTEST(irq_rebind, "SetNotification on a bound line replaces the binding: signals go to the new "
                  "notification with its capability's badge")
{
    struct pit p;
    UT_ASSERT(pit_setup(&p));
    l4_cptr_t n2 = ut_new(L4_OBJECT_NOTIFICATION, 0);
    l4_cptr_t b2 = n2 ? ut_mint(n2, ALL, 0x1000) : 0;
    UT_ASSERT(b2);
    UT_OK(pit_start(p.ports, PIT_PERIODIC, PIT_HZ / 1000));
    UT_EQ(poll_ms(p.n, WAIT_MS), BADGE);
    UT_OK(l4_irq_handler_set_notification(p.irq, b2));
    UT_OK(l4_irq_handler_ack(p.irq));
    UT_EQ(poll_ms(n2, WAIT_MS), 0x1000);
    UT_OK(l4_irq_handler_ack(p.irq));
    UT_EQ(poll_ms(n2, WAIT_MS), 0x1000);
    UT_EQ(ut_poll_word(p.n), 0); /* the first notification heard nothing more */
    pit_finish(&p);
}

UTEST(irq_copy_handler, "a copy of the IRQHandler acknowledges and binds as the original; "
                        "the line lives while either exists")
{
    struct pit p;
    UT_ASSERT(pit_setup(&p));
    l4_cptr_t c = ut_copy(p.irq, ALL);
    UT_ASSERT(c);
    UT_OK(pit_start(p.ports, PIT_PERIODIC, PIT_HZ / 1000));
    UT_EQ(poll_ms(p.n, WAIT_MS), BADGE);
    UT_OK(l4_irq_handler_ack(c));
    UT_EQ(poll_ms(p.n, WAIT_MS), BADGE);
    UT_OK(ut_delete(p.irq));
    UT_OK(l4_irq_handler_ack(c)); /* the binding survived the original */
    UT_EQ(poll_ms(p.n, WAIT_MS), BADGE);
    UT_OK(ut_delete(c));
    UT_EQ(poll_ms(p.n, QUIET_MS), 0);
    pit_finish(&p);
}

UTEST(irq_delete_handler_frees_line, "deleting the last IRQHandler masks the line and frees it: "
                                     "a new handler starts unbound and acknowledged")
{
    struct pit p;
    UT_ASSERT(pit_setup(&p));
    UT_OK(pit_start(p.ports, PIT_PERIODIC, PIT_HZ / 1000));
    UT_EQ(poll_ms(p.n, WAIT_MS), BADGE); /* left unacknowledged */
    UT_OK(ut_delete(p.irq));
    UT_EQ(poll_ms(p.n, QUIET_MS), 0);
    l4_cptr_t h = get(PIT_GSI);
    UT_ASSERT(h);
    UT_EQ(poll_ms(p.n, QUIET_MS), 0); /* no notification bound yet */
    UT_OK(l4_irq_handler_set_notification(h, p.badged));
    UT_EQ(poll_ms(p.n, WAIT_MS), BADGE); /* no Ack was needed */
    pit_finish(&p);
    UT_EQ(ut_id(h), L4_CAP_NULL);
}

UTEST(irq_delete_notification, "destroying the bound notification unbinds the line: a new "
                               "notification at the same address is never signalled, and "
                               "binding another works")
{
    struct pit p;
    UT_ASSERT(pit_setup(&p));
    /* a notification from its own small untyped, so that a new one can
     * take the same memory once it is destroyed */
    l4_cptr_t ut = ut_new(L4_OBJECT_UNTYPED, 5);
    UT_ASSERT(ut);
    l4_cptr_t n = ut_retype(ut, L4_OBJECT_NOTIFICATION, 0);
    UT_ASSERT(n);
    l4_cptr_t b = ut_mint(n, ALL, 0x2);
    UT_ASSERT(b);
    UT_OK(l4_irq_handler_set_notification(p.irq, b));
    UT_OK(pit_start(p.ports, PIT_PERIODIC, PIT_HZ / 1000));
    UT_EQ(poll_ms(n, WAIT_MS), 0x2);
    UT_OK(ut_delete(b));
    UT_OK(ut_delete(n)); /* the last capability: destroyed */
    UT_EQ(l4_debug_check_invariants(), 0);
    l4_cptr_t again = ut_retype(ut, L4_OBJECT_NOTIFICATION, 0);
    UT_ASSERT(again);
    UT_OK(l4_irq_handler_ack(p.irq)); /* no binding left: stays masked */
    UT_EQ(poll_ms(again, QUIET_MS), 0);
    UT_OK(l4_irq_handler_set_notification(p.irq, p.badged));
    UT_EQ(poll_ms(p.n, WAIT_MS), BADGE);
    pit_finish(&p);
    UT_EQ(l4_debug_check_invariants(), 0);
}

UTEST(irq_invariants_after_churn, "many Get/SetNotification/Ack/Clear/Delete steps on lines "
                                  "with and without a running PIT leave the kernel consistent")
{
    struct pit p;
    UT_ASSERT(pit_setup(&p));
    UT_OK(pit_start(p.ports, PIT_PERIODIC, PIT_HZ / 2000));
    ut_rnd_seed(0x1dea);
    l4_cptr_t handlers[4] = {p.irq, 0, 0, 0};
    static const l4_word_t line[4] = {PIT_GSI, 3, 9, 17};
    for (unsigned step = 0; step < 200; step++) {
        unsigned i = (unsigned)(ut_rnd() % 4);
        switch (ut_rnd() % 5) {
        case 0:
            if (!handlers[i])
                handlers[i] = get(line[i]);
            break;
        case 1:
            if (handlers[i])
                UT_OK(l4_irq_handler_set_notification(handlers[i], p.badged));
            break;
        case 2:
            if (handlers[i])
                UT_OK(l4_irq_handler_ack(handlers[i]));
            break;
        case 3:
            if (handlers[i])
                UT_OK(l4_irq_handler_clear(handlers[i]));
            break;
        default:
            if (handlers[i]) {
                UT_OK(ut_delete(handlers[i]));
                handlers[i] = 0;
            }
            break;
        }
        l4_word_t w = 0;
        UT_OK(l4_poll(p.n, &w));
        UT_ASSERT(w == 0 || w == BADGE);
        l4_yield();
    }
    UT_EQ(l4_debug_check_invariants(), 0);
    pit_finish(&p);
    UT_EQ(l4_debug_check_invariants(), 0);
}
