/* SPDX-License-Identifier: MIT */
/*
 * User-level tests of notifications (docs/kernel/ipc.md, "Notifications").
 *
 * Signal ORs the capability's badge into the word; Wait takes and clears it
 * or blocks until a signal, Poll takes it without blocking; a signal through
 * an unbadged capability is pending too; waiters are woken one per signal,
 * in FIFO order; Signal needs Write, Wait and Poll need Read. A thread bound
 * to a notification (TCB BindNotification) is woken by its signals while it
 * waits on an endpoint, a pending bound signal is taken before a queued
 * sender, and only the bound thread may wait on it; binding checks for
 * existing bindings and waiters. Deleting a notification wakes its waiters
 * with Cancelled. Waiters are test threads (utest.h) that record what their
 * syscall returned.
 */
#include "utest.h"

#define ALL L4_CAP_RIGHTS_ALL

/* --- Helpers ------------------------------------------------------------------ */

/* Recv or NBRecv (sysno) with the message-info register holding junk on
 * entry (the generated stubs pass 0 in it), so that the kernel must write
 * it; MR0 is returned in *mr0. */
static l4_error_t recv_junk(l4_word_t sysno, l4_cptr_t src, l4_word_t *badge, l4_msginfo_t *info,
                            l4_word_t *mr0)
{
    l4_word_t cptr = src, inf = UINT64_C(0x5678);
    l4_word_t mr[L4_MSG_REGISTERS] = {0};
    l4_error_t e = (l4_error_t)l4_arch_syscall(sysno, &cptr, &inf, mr, L4_CPTR_NULL);
    *badge = cptr;
    *info = inf;
    *mr0 = mr[0];
    return e;
}

enum op_kind { OP_WAIT, OP_RECV, OP_SEND };

/* One syscall a test thread makes, and what it returned. */
struct op {
    enum op_kind kind;
    l4_cptr_t cap; /* notification to wait on, endpoint to receive from or send to */
    l4_msginfo_t info;
    l4_word_t mr0;
    /* results */
    volatile int finished;
    volatile l4_word_t status, badge, out_info, out_mr0;
};

static void worker(l4_word_t arg)
{
    struct op *o = (struct op *)arg;
    l4_word_t mrs[L4_MSG_REGISTERS] = {o->mr0}, badge = 0;
    l4_msginfo_t info = 0;
    l4_error_t e = L4_INVALID_ARGUMENT;
    switch (o->kind) {
    case OP_WAIT:
        e = l4_wait(o->cap, &badge);
        break;
    case OP_RECV:
        e = recv_junk(L4_SYS_RECV, o->cap, &badge, &info, &mrs[0]);
        break;
    case OP_SEND:
        e = l4_send_mrs(o->cap, o->info, mrs);
        break;
    }
    o->status = e;
    o->badge = badge;
    o->out_info = info;
    o->out_mr0 = mrs[0];
    o->finished = 1;
}

static l4_cptr_t start(struct op *o, uint8_t prio)
{
    return ut_thread(worker, (l4_word_t)o, prio);
}

/* Should the test block in a Wait that must not block, a priority-1 thread
 * signals through a copy of n with badge RESCUE_BADGE, so that the Wait
 * returns that badge and the test fails instead of deadlocking. */
#define RESCUE_BADGE 0x800000

static int rescue(l4_cptr_t n)
{
    l4_cptr_t b = ut_mint(n, ALL, RESCUE_BADGE);
    return b && ut_thread(ut_signal_fn, b, 1);
}

/* --- Signal, Wait, Poll ------------------------------------------------------------ */

UTEST(ntfn_signal_then_wait, "Signal then Wait: the Wait returns the badge at once")
{
    l4_cptr_t n = ut_new(L4_OBJECT_NOTIFICATION, 0), b = ut_mint(n, ALL, 0x10);
    UT_ASSERT(n && b && rescue(n));
    UT_OK(l4_signal(b));
    l4_word_t w = 0;
    UT_OK(l4_wait(n, &w));
    UT_EQ(w, 0x10);
    UT_EQ(ut_poll_word(n), 0); /* the Wait cleared the word */
}

UTEST(ntfn_badges_or, "badges of several signals before a Wait are ORed together")
{
    l4_cptr_t n = ut_new(L4_OBJECT_NOTIFICATION, 0);
    l4_cptr_t b1 = ut_mint(n, ALL, 0x1), b2 = ut_mint(n, ALL, 0x4),
              b3 = ut_mint(n, L4_CAP_RIGHTS_WRITE, 0x100);
    UT_ASSERT(n && b1 && b2 && b3 && rescue(n));
    UT_OK(l4_signal(b1));
    UT_OK(l4_signal(b3));
    UT_OK(l4_signal(b2));
    UT_OK(l4_signal(b1)); /* again: no change */
    l4_word_t w = 0;
    UT_OK(l4_wait(n, &w));
    UT_EQ(w, 0x105);
}

UTEST(ntfn_poll, "Poll with nothing pending returns 0; Poll takes the word and clears it")
{
    l4_cptr_t n = ut_new(L4_OBJECT_NOTIFICATION, 0), b = ut_mint(n, ALL, 0x30);
    UT_ASSERT(n && b);
    l4_word_t w = 0x99;
    UT_OK(l4_poll(n, &w));
    UT_EQ(w, 0);
    UT_OK(l4_signal(b));
    w = 0;
    UT_OK(l4_poll(b, &w)); /* through the badged copy: the same word */
    UT_EQ(w, 0x30);
    w = 0x99;
    UT_OK(l4_poll(n, &w));
    UT_EQ(w, 0);
}

/* What the signalling thread of ntfn_wait_blocks did, and when. */
static volatile int before_signal, after_signal;

static void signal_marked(l4_word_t b)
{
    before_signal = 1;
    l4_signal(b);
    after_signal = 1;
}

UTEST(ntfn_wait_blocks, "Wait blocks until another thread signals, and then runs at once")
{
    l4_cptr_t n = ut_new(L4_OBJECT_NOTIFICATION, 0), b = ut_mint(n, ALL, 0x8);
    UT_ASSERT(n && b);
    before_signal = after_signal = 0;
    UT_ASSERT(ut_thread(signal_marked, b, 50));
    UT_EQ(before_signal, 0);
    l4_word_t w = 0;
    UT_OK(l4_wait(n, &w));
    UT_EQ(w, 0x8);
    UT_EQ(before_signal, 1);
    UT_EQ(after_signal, 0); /* the signal woke the waiter, which preempted it */
    UT_ASSERT(ut_settle_once());
    UT_EQ(after_signal, 1);
}

UTEST(ntfn_unbadged_pending, "a signal through an unbadged capability is pending: Wait returns "
                             "badge 0 without blocking, once")
{
    l4_cptr_t n = ut_new(L4_OBJECT_NOTIFICATION, 0);
    UT_ASSERT(n && rescue(n));
    UT_OK(l4_signal(n));
    UT_OK(l4_signal(n));
    l4_word_t w = 0x77;
    UT_OK(l4_wait(n, &w));
    UT_EQ(w, 0); /* RESCUE_BADGE had the Wait blocked */
    /* the Wait consumed the signal: the next one blocks until the rescue */
    UT_OK(l4_wait(n, &w));
    UT_EQ(w, RESCUE_BADGE);
}

UTEST(ntfn_waiters_fifo, "each signal wakes one waiter, the one that waited longest, with the "
                         "word")
{
    l4_cptr_t n = ut_new(L4_OBJECT_NOTIFICATION, 0);
    l4_cptr_t b1 = ut_mint(n, ALL, 0x1), b2 = ut_mint(n, ALL, 0x2);
    UT_ASSERT(n && b1 && b2);
    static struct op w[2];
    w[0] = (struct op){.kind = OP_WAIT, .cap = n};
    w[1] = (struct op){.kind = OP_WAIT, .cap = n};
    UT_ASSERT(start(&w[0], 10));
    UT_ASSERT(ut_settle_once());
    UT_ASSERT(start(&w[1], 100));
    UT_ASSERT(ut_settle_once());
    UT_EQ(w[0].finished + w[1].finished, 0);
    UT_OK(l4_signal(b1));
    UT_ASSERT(ut_settle_once());
    UT_EQ(w[0].finished, 1);
    UT_EQ(w[1].finished, 0);
    UT_OK(w[0].status);
    UT_EQ(w[0].badge, 0x1);
    UT_OK(l4_signal(b2));
    UT_ASSERT(ut_settle_once());
    UT_EQ(w[1].finished, 1);
    UT_OK(w[1].status);
    UT_EQ(w[1].badge, 0x2);
    UT_EQ(ut_poll_word(n), 0); /* nothing left over */
}

UTEST(ntfn_rights, "Signal without Write, Wait and Poll without Read are InvalidCapability")
{
    l4_cptr_t n = ut_new(L4_OBJECT_NOTIFICATION, 0);
    l4_cptr_t r = ut_mint(n, L4_CAP_RIGHTS_READ, 0x2), w = ut_mint(n, L4_CAP_RIGHTS_WRITE, 0x4);
    UT_ASSERT(n && r && w && rescue(n));
    UT_ERR(l4_signal(r), L4_INVALID_CAPABILITY);
    l4_word_t word = 0;
    UT_ERR(l4_wait(w, &word), L4_INVALID_CAPABILITY);
    UT_ERR(l4_poll(w, &word), L4_INVALID_CAPABILITY);
    UT_EQ(ut_poll_word(n), 0); /* the refused signal set nothing */
    UT_OK(l4_signal(w));
    UT_OK(l4_wait(r, &word));
    UT_EQ(word, 0x4);
}

UTEST(ntfn_wrong_type, "Wait or Poll on a Reply or Untyped, Signal or Wait on an empty slot: "
                       "InvalidCapability; Signal on an idle Reply: IllegalOperation")
{
    l4_cptr_t reply = ut_new(L4_OBJECT_REPLY, 0), empty = ut_slot();
    UT_ASSERT(reply && empty);
    l4_word_t w = 0;
    UT_ERR(l4_wait(reply, &w), L4_INVALID_CAPABILITY);
    UT_ERR(l4_poll(ut_untyped(), &w), L4_INVALID_CAPABILITY);
    UT_ERR(l4_signal(empty), L4_INVALID_CAPABILITY);
    UT_ERR(l4_wait(empty, &w), L4_INVALID_CAPABILITY);
    UT_ERR(l4_signal(reply), L4_ILLEGAL_OPERATION); /* a Reply that owes nothing */
}

/* --- Bound notifications ---------------------------------------------------------- */

UTEST(ntfn_bound_wakes_recv, "a thread in Recv on an endpoint is woken by a signal of its bound "
                             "notification: badge = word, info 0")
{
    l4_cptr_t n = ut_new(L4_OBJECT_NOTIFICATION, 0), b = ut_mint(n, ALL, 0x20);
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0);
    UT_ASSERT(n && b && ep);
    static struct op r;
    r = (struct op){.kind = OP_RECV, .cap = ep};
    l4_cptr_t t = start(&r, 100);
    UT_ASSERT(t);
    UT_OK(l4_tcb_bind_notification(t, n));
    UT_ASSERT(ut_settle_once());
    UT_EQ(r.finished, 0); /* in Recv on the endpoint */
    UT_OK(l4_signal(b));
    UT_ASSERT(ut_settle_once());
    UT_EQ(r.finished, 1);
    UT_OK(r.status);
    UT_EQ(r.badge, 0x20);
    UT_EQ(r.out_info, 0);
    UT_EQ(ut_poll_word(n), ~(l4_word_t)0); /* bound to r's thread: the test may not poll */
    /* the thread left the endpoint's queue: nobody receives this */
    UT_OK(l4_nbsend(ep, l4_msginfo_new(1, 0, 0, 0)));
    UT_EQ(l4_debug_check_invariants(), 0);
}

UTEST(ntfn_bound_before_sender, "a pending bound signal is taken before a queued sender")
{
    l4_cptr_t n = ut_new(L4_OBJECT_NOTIFICATION, 0), b = ut_mint(n, ALL, 0x40);
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0), eb = ut_mint(ep, ALL, 0x7);
    UT_ASSERT(n && b && ep && eb);
    static struct op s;
    s = (struct op){.kind = OP_SEND, .cap = eb, .info = l4_msginfo_new(0x3, 0, 0, 1), .mr0 = 0x99};
    UT_ASSERT(start(&s, 100));
    UT_ASSERT(ut_settle_once()); /* the sender is queued */
    UT_OK(l4_tcb_bind_notification(L4_ROOT_SLOT_TCB, n));
    UT_OK(l4_signal(b));
    l4_word_t badge = 0, mr0 = 0;
    l4_msginfo_t info = 1;
    UT_OK(recv_junk(L4_SYS_NBRECV, ep, &badge, &info, &mr0));
    UT_EQ(badge, 0x40);
    UT_EQ(info, 0);
    UT_OK(recv_junk(L4_SYS_RECV, ep, &badge, &info, &mr0));
    UT_EQ(badge, 0x7);
    UT_EQ(l4_msginfo_get_label(info), 0x3);
    UT_EQ(mr0, 0x99);
    UT_OK(l4_tcb_unbind_notification(L4_ROOT_SLOT_TCB));
    UT_ASSERT(ut_settle_once());
    UT_OK(s.status);
}

UTEST(ntfn_bound_thread_waits, "the bound thread itself may Wait on and Poll its notification")
{
    l4_cptr_t n = ut_new(L4_OBJECT_NOTIFICATION, 0), b = ut_mint(n, ALL, 0x3);
    UT_ASSERT(n && b);
    UT_OK(l4_tcb_bind_notification(L4_ROOT_SLOT_TCB, n));
    UT_ASSERT(rescue(n));
    UT_OK(l4_signal(b));
    l4_word_t w = 0;
    UT_OK(l4_wait(n, &w));
    UT_EQ(w, 0x3);
    UT_OK(l4_signal(b));
    UT_EQ(ut_poll_word(n), 0x3);
    UT_OK(l4_tcb_unbind_notification(L4_ROOT_SLOT_TCB));
}

UTEST(ntfn_bind_errors, "binding a bound thread or a notification bound elsewhere, and Unbind "
                        "with nothing bound, are IllegalOperation")
{
    l4_cptr_t t1 = ut_new(L4_OBJECT_TCB, 0), t2 = ut_new(L4_OBJECT_TCB, 0);
    l4_cptr_t n1 = ut_new(L4_OBJECT_NOTIFICATION, 0), n2 = ut_new(L4_OBJECT_NOTIFICATION, 0);
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0);
    UT_ASSERT(t1 && t2 && n1 && n2 && ep);
    UT_ERR(l4_tcb_unbind_notification(t1), L4_ILLEGAL_OPERATION);
    UT_OK(l4_tcb_bind_notification(t1, n1));
    UT_ERR(l4_tcb_bind_notification(t1, n2), L4_ILLEGAL_OPERATION); /* t1 already bound */
    UT_ERR(l4_tcb_bind_notification(t1, n1), L4_ILLEGAL_OPERATION);
    UT_ERR(l4_tcb_bind_notification(t2, n1), L4_ILLEGAL_OPERATION); /* n1 bound to t1 */
    UT_ERR(l4_tcb_unbind_notification(t2), L4_ILLEGAL_OPERATION);
    UT_ERR(l4_tcb_bind_notification(t2, ep), L4_INVALID_CAPABILITY); /* not a notification */
    UT_OK(l4_tcb_bind_notification(t2, n2));
    UT_OK(l4_tcb_unbind_notification(t1));
    UT_ERR(l4_tcb_unbind_notification(t1), L4_ILLEGAL_OPERATION);
    UT_OK(l4_tcb_bind_notification(t1, n1)); /* free again */
    UT_EQ(l4_debug_check_invariants(), 0);
}

UTEST(ntfn_bind_waited_on, "binding a notification that has a waiter is IllegalOperation")
{
    l4_cptr_t n = ut_new(L4_OBJECT_NOTIFICATION, 0), b = ut_mint(n, ALL, 0x5);
    l4_cptr_t t = ut_new(L4_OBJECT_TCB, 0);
    UT_ASSERT(n && b && t);
    static struct op w;
    w = (struct op){.kind = OP_WAIT, .cap = n};
    UT_ASSERT(start(&w, 100));
    UT_ASSERT(ut_settle_once());
    UT_ERR(l4_tcb_bind_notification(t, n), L4_ILLEGAL_OPERATION);
    UT_OK(l4_signal(b));
    UT_ASSERT(ut_settle_once());
    UT_OK(w.status);
    UT_EQ(w.badge, 0x5);
    UT_OK(l4_tcb_bind_notification(t, n)); /* no waiter now */
}

UTEST(ntfn_wait_bound_elsewhere, "Wait and Poll on a notification bound to another thread are "
                                 "IllegalOperation; Signal still works")
{
    l4_cptr_t n = ut_new(L4_OBJECT_NOTIFICATION, 0), b = ut_mint(n, ALL, 0x11);
    l4_cptr_t t = ut_new(L4_OBJECT_TCB, 0);
    UT_ASSERT(n && b && t && rescue(n));
    UT_OK(l4_tcb_bind_notification(t, n));
    UT_OK(l4_signal(b));
    l4_word_t w = 0;
    UT_ERR(l4_wait(n, &w), L4_ILLEGAL_OPERATION);
    UT_ERR(l4_poll(b, &w), L4_ILLEGAL_OPERATION);
    UT_OK(l4_tcb_unbind_notification(t));
    UT_EQ(ut_poll_word(n), 0x11); /* the signal stayed pending */
}

/* --- Destruction ------------------------------------------------------------------ */

UTEST(ntfn_delete_wakes_waiters, "deleting a notification wakes its waiters with Cancelled")
{
    l4_cptr_t n = ut_new(L4_OBJECT_NOTIFICATION, 0);
    UT_ASSERT(n);
    static struct op w[2];
    w[0] = (struct op){.kind = OP_WAIT, .cap = n};
    w[1] = (struct op){.kind = OP_WAIT, .cap = n};
    UT_ASSERT(start(&w[0], 100));
    UT_ASSERT(start(&w[1], 90));
    UT_ASSERT(ut_settle_once());
    UT_EQ(w[0].finished + w[1].finished, 0);
    UT_OK(ut_delete(n));
    UT_ASSERT(ut_settle_once());
    UT_EQ(w[0].finished, 1);
    UT_EQ(w[1].finished, 1);
    UT_ERR(w[0].status, L4_CANCELLED);
    UT_ERR(w[1].status, L4_CANCELLED);
    UT_EQ(l4_debug_check_invariants(), 0);
}

UTEST(ntfn_delete_copy_keeps_waiter, "deleting one capability of a notification with others "
                                     "left keeps its waiter waiting")
{
    l4_cptr_t n = ut_new(L4_OBJECT_NOTIFICATION, 0), b = ut_mint(n, ALL, 0x6);
    UT_ASSERT(n && b);
    static struct op w;
    w = (struct op){.kind = OP_WAIT, .cap = b};
    UT_ASSERT(start(&w, 100));
    UT_ASSERT(ut_settle_once());
    UT_OK(ut_delete(b)); /* the waiter's own capability; the object lives on */
    UT_ASSERT(ut_settle_once());
    UT_EQ(w.finished, 0);
    UT_OK(l4_signal(n));
    UT_ASSERT(ut_settle_once());
    UT_EQ(w.finished, 1);
    UT_OK(w.status);
    UT_EQ(w.badge, 0);
}
