/* SPDX-License-Identifier: MIT */
/*
 * User-level tests of object deletion while threads are blocked.
 *
 * What docs/kernel/ipc.md ("Cancellation and destruction") and
 * docs/kernel/capabilities.md ("Destroying objects") promise when the
 * last capability to an object goes while threads use it: a destroyed
 * TCB leaves every queue (later IPC sees only the other threads), a
 * destroyed endpoint, notification or Reply object wakes its waiters with
 * Cancelled, a destroyed CNode deletes what it holds, and revoking an
 * untyped destroys the running and blocked threads made from it; the
 * memory of a revoked untyped is then reused from its start. After each
 * destruction the kernel's invariant check (DebugCheckInvariants) must
 * find nothing wrong.
 */
#include <l4/rt.h>
#include "utest.h"

#define ALL  L4_CAP_RIGHTS_ALL
#define PRIO 100

/* --- thread bodies and what they saw ----------------------------------------------- */

#define SEEN 8

static volatile unsigned cnt[SEEN];
static volatile l4_word_t st[SEEN], got_badge[SEEN], got_mr0[SEEN];

static void reset_seen(void)
{
    for (unsigned i = 0; i < SEEN; i++)
        cnt[i] = 0, st[i] = got_badge[i] = got_mr0[i] = ~0ul;
}

/* Receive on endpoint A (Reply object B, or none) until an error. */
static void receiver(l4_word_t arg)
{
    unsigned i = UT_ARG_I(arg);
    l4_error_t e;
    do {
        l4_word_t badge = 0, mrs[L4_MSG_REGISTERS] = {0};
        l4_msginfo_t info = 0;
        e = l4_recv_mrs(UT_ARG_A(arg), UT_ARG_B(arg), &badge, &info, mrs);
        st[i] = e;
        if (e == L4_NO_ERROR) {
            got_badge[i] = badge;
            got_mr0[i] = mrs[0];
        }
        cnt[i]++;
    } while (e == L4_NO_ERROR);
}

/* Send once on endpoint capability A with MR0 = 0x100 + index. */
static void sender(l4_word_t arg)
{
    unsigned i = UT_ARG_I(arg);
    l4_word_t mrs[L4_MSG_REGISTERS] = {0x100 + i};
    st[i] = l4_send_mrs(UT_ARG_A(arg), l4_msginfo_new(0, 0, 0, 1), mrs);
    cnt[i]++;
}

/* Call endpoint A once with MR0 = 0x200 + index; record the answer. */
static void caller(l4_word_t arg)
{
    unsigned i = UT_ARG_I(arg);
    l4_word_t mrs[L4_MSG_REGISTERS] = {0x200 + i};
    l4_msginfo_t info = 0;
    st[i] = l4_call_mrs(UT_ARG_A(arg), l4_msginfo_new(0, 0, 0, 1), &info, mrs);
    got_mr0[i] = mrs[0];
    cnt[i]++;
}

/* Wait on notification A until an error. */
static void waiter(l4_word_t arg)
{
    unsigned i = UT_ARG_I(arg);
    l4_error_t e;
    do {
        l4_word_t word = 0;
        e = l4_wait(UT_ARG_A(arg), &word);
        st[i] = e;
        got_badge[i] = word;
        cnt[i]++;
    } while (e == L4_NO_ERROR);
}

static volatile uint64_t spins;

/* Signal A once, then count for ever (only revoke or delete ends it). */
static void spinner(l4_word_t arg)
{
    spins = 1;
    l4_signal(UT_ARG_A(arg));
    for (;;)
        spins++;
}

/* --- threads on TCBs from another untyped ---------------------------------------------- */

#define OWN_THREADS 4

static struct {
    struct l4_rt_thread t;
    _Alignas(16) unsigned char stack[8192];
} own[OWN_THREADS];

/* Start fn(arg) at prio on the new TCB in slot tcb, with thread record i;
 * returns tcb (0, failing the test, on error). */
static l4_cptr_t thread_on(l4_cptr_t tcb, unsigned i, void (*fn)(l4_word_t), l4_word_t arg,
                           uint8_t prio)
{
    if (!tcb) {
        ut_fail(__FILE__, __LINE__, "no TCB for thread %u", i);
        return 0;
    }
    l4_debug_name_thread(tcb, "lifecycle");
    struct l4_rt_thread_config c = {
        .tcb = tcb,
        .cspace = UT_CNODE,
        .vspace = L4_ROOT_SLOT_VSPACE,
        .ipc_frame = l4_rt_image_frame(&own[i].t.ipc_buffer),
        .authority = L4_ROOT_SLOT_TCB,
        .priority = prio,
        .stack_top = own[i].stack + sizeof own[i].stack,
    };
    l4_error_t e = l4_rt_thread_start(&own[i].t, &c, fn, arg);
    if (e != L4_NO_ERROR) {
        ut_fail(__FILE__, __LINE__, "starting thread %u failed: %s", i, l4_error_name(e));
        return 0;
    }
    return tcb;
}

/* --- deleting blocked threads ---------------------------------------------------------- */

UTEST(life_delete_blocked_sender, "deleting TCBs blocked in Send (head, middle, tail) leaves no "
                                  "queue entry: a receive gets only the other senders")
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0), s[5];
    UT_ASSERT(ep && ut_settle_init());
    reset_seen();
    for (unsigned i = 0; i < 5; i++) {
        l4_cptr_t b = ut_mint(ep, ALL, i + 1);
        UT_ASSERT(b);
        s[i] = ut_thread(sender, UT_ARG(i, b, 0), PRIO);
        UT_ASSERT(s[i]);
        UT_OK(ut_settle()); /* queued in order */
    }
    UT_EQ(l4_debug_check_invariants(), 0);
    static const unsigned victims[] = {0, 2, 4};
    for (unsigned v = 0; v < 3; v++) {
        UT_OK(ut_delete(s[victims[v]]));
        UT_EQ(ut_id(s[victims[v]]), L4_CAP_NULL);
        UT_EQ(l4_debug_check_invariants(), 0);
    }
    for (unsigned k = 1; k < 4; k += 2) {
        l4_word_t badge = 0, mrs[L4_MSG_REGISTERS] = {0};
        l4_msginfo_t info = 0;
        UT_OK(l4_recv_mrs(ep, L4_CPTR_NULL, &badge, &info, mrs));
        UT_EQ(badge, k + 1);
        UT_EQ(mrs[0], 0x100 + k);
    }
    l4_word_t badge = 1;
    l4_msginfo_t info = 1;
    UT_OK(l4_nbrecv(ep, L4_CPTR_NULL, &badge, &info));
    UT_EQ(badge, 0);
    UT_EQ(info, 0);
    UT_OK(ut_settle());
    UT_EQ(cnt[1], 1);
    UT_EQ(st[1], L4_NO_ERROR);
    UT_EQ(cnt[3], 1);
    UT_EQ(cnt[0] + cnt[2] + cnt[4], 0);
    UT_EQ(l4_debug_check_invariants(), 0);
}

UTEST(life_delete_blocked_receiver, "deleting a TCB blocked in Recv leaves no queue entry: the "
                                    "next messages go to the other receivers")
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0), r[3];
    UT_ASSERT(ep && ut_settle_init());
    reset_seen();
    for (unsigned i = 0; i < 3; i++) {
        r[i] = ut_thread(receiver, UT_ARG(i, ep, L4_CPTR_NULL), PRIO);
        UT_ASSERT(r[i]);
        UT_OK(ut_settle());
    }
    UT_OK(ut_delete(r[0])); /* the head of the queue */
    UT_EQ(l4_debug_check_invariants(), 0);
    for (unsigned k = 0; k < 2; k++) {
        l4_word_t mrs[L4_MSG_REGISTERS] = {0x10 + k};
        UT_OK(l4_send_mrs(ep, l4_msginfo_new(0, 0, 0, 1), mrs)); /* a receiver waits */
    }
    UT_OK(ut_settle());
    UT_EQ(cnt[0], 0);
    UT_EQ(cnt[1], 1);
    UT_EQ(got_mr0[1], 0x10);
    UT_EQ(cnt[2], 1);
    UT_EQ(got_mr0[2], 0x11);
    /* both wait again; delete the tail, then the other one gets it */
    UT_OK(ut_delete(r[2]));
    UT_EQ(l4_debug_check_invariants(), 0);
    l4_word_t mrs[L4_MSG_REGISTERS] = {0x12};
    UT_OK(l4_send_mrs(ep, l4_msginfo_new(0, 0, 0, 1), mrs));
    UT_OK(ut_settle());
    UT_EQ(cnt[1], 2);
    UT_EQ(got_mr0[1], 0x12);
    UT_EQ(l4_debug_check_invariants(), 0);
}

UTEST(life_delete_ready_thread, "deleting a runnable thread that never ran takes it out of the "
                                "ready queue")
{
    UT_ASSERT(ut_settle_init());
    l4_cptr_t n = ut_new(L4_OBJECT_NOTIFICATION, 0);
    UT_ASSERT(n);
    reset_seen();
    l4_cptr_t t = ut_thread(waiter, UT_ARG(0, n, 0), PRIO);
    UT_ASSERT(t);
    UT_OK(ut_delete(t));
    UT_EQ(l4_debug_check_invariants(), 0);
    UT_OK(ut_settle());
    UT_EQ(cnt[0], 0);
    UT_OK(l4_signal(n)); /* nobody waits: pending */
    l4_word_t w = 1;
    UT_OK(l4_poll(n, &w));
    UT_EQ(cnt[0], 0);
}

UTEST(life_tcb_copy_keeps_thread, "a thread lives while any capability to its TCB remains; "
                                  "deleting the last one stops it")
{
    l4_cptr_t n = ut_new(L4_OBJECT_NOTIFICATION, 0);
    UT_ASSERT(n && ut_settle_init());
    reset_seen();
    l4_cptr_t t = ut_thread(waiter, UT_ARG(0, n, 0), PRIO);
    UT_ASSERT(t);
    l4_cptr_t c = ut_copy(t, ALL);
    UT_ASSERT(c);
    UT_OK(ut_settle());
    UT_OK(ut_delete(t));
    UT_OK(l4_signal(n));
    UT_OK(ut_settle());
    UT_EQ(cnt[0], 1); /* still waiting, and woken */
    UT_OK(ut_delete(c));
    UT_EQ(l4_debug_check_invariants(), 0);
    UT_OK(l4_signal(n));
    UT_OK(ut_settle());
    UT_EQ(cnt[0], 1);
    l4_word_t w = 0;
    UT_OK(l4_poll(n, &w));
    UT_EQ(w, 0); /* an unbadged signal: pending, word 0 */
}

static volatile unsigned self_steps;

/* Delete the last capability to its own TCB (slot A). */
static void delete_self(l4_word_t arg)
{
    self_steps = 1;
    l4_cnode_delete(UT_CNODE, UT_ARG_A(arg), UT_DEPTH);
    self_steps = 2; /* never */
}

UTEST(life_delete_own_tcb, "a thread that deletes the last capability to its own TCB stops at "
                           "once")
{
    UT_ASSERT(ut_settle_init());
    self_steps = 0;
    l4_cptr_t slot = ut_slot();
    UT_ASSERT(slot);
    l4_cptr_t t = ut_thread(delete_self, UT_ARG(0, slot, 0), PRIO);
    UT_ASSERT(t);
    UT_OK(l4_cnode_move(UT_CNODE, slot, UT_DEPTH, UT_CNODE, t, UT_DEPTH));
    UT_OK(ut_settle());
    UT_EQ(self_steps, 1);
    UT_EQ(ut_id(slot), L4_CAP_NULL);
    UT_EQ(l4_debug_check_invariants(), 0);
}

/* --- deleting endpoints, notifications, Reply objects ------------------------------------ */

UTEST(life_delete_endpoint_cancels, "deleting the last capability to an endpoint wakes its "
                                    "receivers, senders and callers with Cancelled")
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0), ep2 = ut_new(L4_OBJECT_ENDPOINT, 0);
    UT_ASSERT(ep && ep2 && ut_settle_init());
    l4_cptr_t c = ut_copy(ep, ALL);
    UT_ASSERT(c);
    reset_seen();
    UT_ASSERT(ut_thread(receiver, UT_ARG(0, ep, L4_CPTR_NULL), PRIO));
    UT_ASSERT(ut_thread(receiver, UT_ARG(1, ep, L4_CPTR_NULL), PRIO));
    UT_ASSERT(ut_thread(sender, UT_ARG(2, ep2, 0), PRIO));
    UT_ASSERT(ut_thread(caller, UT_ARG(3, ep2, 0), PRIO));
    UT_OK(ut_settle());
    UT_OK(ut_delete(ep)); /* a copy is left: nothing happens */
    UT_OK(ut_settle());
    UT_EQ(cnt[0] + cnt[1], 0);
    UT_EQ(l4_debug_check_invariants(), 0);
    UT_OK(ut_delete(c));
    UT_EQ(l4_debug_check_invariants(), 0);
    UT_OK(ut_delete(ep2));
    UT_EQ(l4_debug_check_invariants(), 0);
    UT_OK(ut_settle());
    for (unsigned i = 0; i < 4; i++) {
        UT_EQ(cnt[i], 1);
        UT_EQ(st[i], L4_CANCELLED);
    }
    UT_EQ(l4_debug_check_invariants(), 0);
}

UTEST(life_delete_notification_cancels, "deleting the last capability to a notification wakes "
                                        "its waiters with Cancelled")
{
    l4_cptr_t n = ut_new(L4_OBJECT_NOTIFICATION, 0);
    UT_ASSERT(n && ut_settle_init());
    l4_cptr_t b = ut_mint(n, ALL, 4);
    UT_ASSERT(b);
    reset_seen();
    for (unsigned i = 0; i < 3; i++)
        UT_ASSERT(ut_thread(waiter, UT_ARG(i, b, 0), PRIO));
    UT_OK(ut_settle());
    UT_OK(ut_delete(n)); /* the badged copy is left */
    UT_OK(ut_settle());
    UT_EQ(cnt[0] + cnt[1] + cnt[2], 0);
    UT_OK(l4_signal(b)); /* still works: the first waiter gets it */
    UT_OK(ut_settle());
    UT_EQ(cnt[0], 1);
    UT_EQ(got_badge[0], 4);
    UT_OK(ut_delete(b));
    UT_EQ(l4_debug_check_invariants(), 0);
    UT_OK(ut_settle());
    for (unsigned i = 0; i < 3; i++)
        UT_EQ(st[i], L4_CANCELLED);
    UT_EQ(cnt[0], 2);
    UT_EQ(cnt[1], 1);
    UT_EQ(cnt[2], 1);
}

UTEST(life_delete_bound_notification, "deleting a bound notification unbinds it; the thread's "
                                      "Recv on an endpoint goes on")
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0), n = ut_new(L4_OBJECT_NOTIFICATION, 0);
    UT_ASSERT(ep && n && ut_settle_init());
    reset_seen();
    l4_cptr_t r = ut_thread(receiver, UT_ARG(0, ep, L4_CPTR_NULL), PRIO);
    UT_ASSERT(r);
    UT_OK(l4_tcb_bind_notification(r, n));
    UT_OK(ut_settle());
    UT_OK(ut_delete(n));
    UT_EQ(l4_debug_check_invariants(), 0);
    UT_OK(ut_settle());
    UT_EQ(cnt[0], 0);
    UT_ERR(l4_tcb_unbind_notification(r), L4_ILLEGAL_OPERATION); /* nothing bound now */
    l4_word_t mrs[L4_MSG_REGISTERS] = {0x31};
    UT_OK(l4_send_mrs(ep, l4_msginfo_new(0, 0, 0, 1), mrs));
    UT_OK(ut_settle());
    UT_EQ(cnt[0], 1);
    UT_EQ(st[0], L4_NO_ERROR);
    UT_EQ(got_mr0[0], 0x31);
    /* a new notification can be bound again */
    l4_cptr_t n2 = ut_new(L4_OBJECT_NOTIFICATION, 0);
    UT_ASSERT(n2);
    UT_OK(l4_tcb_bind_notification(r, n2));
}

UTEST(life_delete_reply_cancels_caller, "deleting a Reply object that owes an answer wakes the "
                                        "caller with Cancelled")
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0), reply = ut_new(L4_OBJECT_REPLY, 0);
    UT_ASSERT(ep && reply && ut_settle_init());
    reset_seen();
    UT_ASSERT(ut_thread(caller, UT_ARG(0, ep, 0), PRIO));
    UT_OK(ut_settle());
    l4_msginfo_t info = 0;
    UT_OK(l4_recv(ep, reply, 0, &info));
    UT_EQ(l4_get_mr(0), 0x200);
    UT_OK(ut_settle());
    UT_EQ(cnt[0], 0); /* waiting for the reply */
    UT_OK(ut_delete(reply));
    UT_EQ(l4_debug_check_invariants(), 0);
    UT_OK(ut_settle());
    UT_EQ(cnt[0], 1);
    UT_EQ(st[0], L4_CANCELLED);
}

UTEST(life_delete_reply_of_receiver, "deleting the Reply object a waiting receiver named: a Call "
                                     "it then receives is answered with Cancelled")
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0), reply = ut_new(L4_OBJECT_REPLY, 0);
    UT_ASSERT(ep && reply && ut_settle_init());
    reset_seen();
    UT_ASSERT(ut_thread(receiver, UT_ARG(0, ep, reply), PRIO));
    UT_OK(ut_settle());
    UT_OK(ut_delete(reply));
    UT_EQ(l4_debug_check_invariants(), 0);
    l4_word_t mrs[L4_MSG_REGISTERS] = {0x41};
    UT_ERR(l4_call_mrs(ep, l4_msginfo_new(0, 0, 0, 1), NULL, mrs), L4_CANCELLED);
    UT_OK(ut_settle());
    UT_EQ(cnt[0] >= 1, 1);
    UT_EQ(got_mr0[0], 0x41); /* the message itself arrived */
    UT_EQ(l4_debug_check_invariants(), 0);
}

UTEST(life_delete_caller_tcb, "deleting a caller waiting for its reply leaves the Reply object "
                              "owing nothing, and reusable")
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0), reply = ut_new(L4_OBJECT_REPLY, 0);
    UT_ASSERT(ep && reply && ut_settle_init());
    reset_seen();
    l4_cptr_t c = ut_thread(caller, UT_ARG(0, ep, 0), PRIO);
    UT_ASSERT(c);
    UT_OK(ut_settle());
    UT_OK(l4_recv(ep, reply, 0, 0));
    UT_OK(ut_delete(c));
    UT_EQ(l4_debug_check_invariants(), 0);
    UT_ERR(l4_send(reply, l4_msginfo_new(0, 0, 0, 0)), L4_ILLEGAL_OPERATION);
    UT_ASSERT(ut_thread(caller, UT_ARG(1, ep, 0), PRIO));
    UT_OK(ut_settle());
    UT_OK(l4_recv(ep, reply, 0, 0));
    UT_EQ(l4_get_mr(0), 0x201);
    l4_word_t mrs[L4_MSG_REGISTERS] = {0x55};
    UT_OK(l4_send_mrs(reply, l4_msginfo_new(0, 0, 0, 1), mrs));
    UT_OK(ut_settle());
    UT_EQ(cnt[1], 1);
    UT_EQ(st[1], L4_NO_ERROR);
    UT_EQ(got_mr0[1], 0x55);
    UT_EQ(cnt[0], 0);
}

/* --- CNodes and untypeds ------------------------------------------------------------------- */

UTEST(life_delete_cnode_contents, "deleting a CNode deletes what it holds: its endpoint cancels "
                                  "a receiver, its TCB stops a waiter")
{
    l4_cptr_t u = ut_new(L4_OBJECT_UNTYPED, 12), n = ut_new(L4_OBJECT_NOTIFICATION, 0);
    UT_ASSERT(u && n && ut_settle_init());
    l4_cptr_t cn = ut_retype(u, L4_OBJECT_CNODE, 2), ep = ut_retype(u, L4_OBJECT_ENDPOINT, 0);
    UT_ASSERT(cn && ep);
    reset_seen();
    UT_ASSERT(ut_thread(receiver, UT_ARG(0, ep, L4_CPTR_NULL), PRIO));
    l4_cptr_t w = ut_thread(waiter, UT_ARG(1, n, 0), PRIO);
    UT_ASSERT(w);
    UT_OK(ut_settle());
    /* the only capabilities to the endpoint and to w's TCB go into cn */
    UT_OK(l4_cnode_move(cn, 0, 2, UT_CNODE, ep, UT_DEPTH));
    UT_OK(l4_cnode_move(cn, 3, 2, UT_CNODE, w, UT_DEPTH));
    UT_EQ(ut_id(ep), L4_CAP_NULL);
    UT_OK(ut_settle());
    UT_EQ(cnt[0] + cnt[1], 0);
    UT_OK(ut_delete(cn));
    UT_EQ(l4_debug_check_invariants(), 0);
    UT_OK(ut_settle());
    UT_EQ(cnt[0], 1);
    UT_EQ(st[0], L4_CANCELLED);
    UT_EQ(cnt[1], 0);
    l4_cptr_t nb = ut_mint(n, ALL, 0x8);
    UT_ASSERT(nb);
    UT_OK(l4_signal(nb)); /* w is gone: nobody waits, the signal stays pending */
    UT_OK(ut_settle());
    UT_EQ(cnt[1], 0);
    l4_word_t word = 0;
    UT_OK(l4_poll(n, &word));
    UT_EQ(word, 0x8);
    /* nothing made from u is left: all of it is free again */
    l4_cptr_t again = ut_retype(u, L4_OBJECT_UNTYPED, 12);
    UT_ASSERT(again);
    UT_EQ(l4_debug_check_invariants(), 0);
}

UTEST(life_revoke_untyped_threads, "revoking an untyped destroys the running and blocked threads "
                                   "and the objects made from it, cleanly")
{
    l4_cptr_t u = ut_new(L4_OBJECT_UNTYPED, 16), go = ut_new(L4_OBJECT_NOTIFICATION, 0);
    l4_cptr_t outer = ut_new(L4_OBJECT_ENDPOINT, 0);
    UT_ASSERT(u && go && outer && ut_settle_init());
    reset_seen();
    spins = 0;
    /* Revoke deletes the newest objects first: t0's notification dies
     * before t0 (waking it with Cancelled), t1 dies before its endpoint */
    l4_cptr_t t0 = ut_retype(u, L4_OBJECT_TCB, 0), nu = ut_retype(u, L4_OBJECT_NOTIFICATION, 0);
    UT_ASSERT(nu && thread_on(t0, 0, waiter, UT_ARG(0, nu, 0), PRIO));
    l4_cptr_t epu = ut_retype(u, L4_OBJECT_ENDPOINT, 0);
    UT_ASSERT(epu);
    l4_cptr_t t1 =
        thread_on(ut_retype(u, L4_OBJECT_TCB, 0), 1, receiver, UT_ARG(1, epu, L4_CPTR_NULL), PRIO);
    l4_cptr_t t2 = thread_on(ut_retype(u, L4_OBJECT_TCB, 0), 2, sender, UT_ARG(2, outer, 0), PRIO);
    UT_ASSERT(t1 && t2);
    UT_OK(ut_settle()); /* all three blocked */
    l4_cptr_t t3 = thread_on(ut_retype(u, L4_OBJECT_TCB, 0), 3, spinner, UT_ARG(3, go, 0), PRIO);
    UT_ASSERT(t3);
    UT_OK(l4_wait(go, 0)); /* it runs, and stays runnable */
    UT_ASSERT(spins >= 1);
    UT_EQ(l4_debug_check_invariants(), 0);

    UT_OK(l4_cnode_revoke(UT_CNODE, u, UT_DEPTH));
    UT_EQ(l4_debug_check_invariants(), 0);
    const l4_cptr_t gone[] = {nu, t0, epu, t1, t2, t3};
    for (unsigned i = 0; i < sizeof gone / sizeof gone[0]; i++)
        UT_EQ(ut_id(gone[i]), L4_CAP_NULL);
    UT_EQ(ut_id(u), L4_CAP_UNTYPED);
    /* the spinner is no longer runnable: the priority-1 helper gets the CPU */
    uint64_t frozen = spins;
    UT_OK(ut_settle());
    UT_EQ(spins, frozen);
    for (unsigned i = 0; i < 3; i++)
        UT_EQ(cnt[i], 0);
    /* the outer endpoint's queue lost the sender */
    l4_word_t badge = 1;
    l4_msginfo_t info = 1;
    UT_OK(l4_nbrecv(outer, L4_CPTR_NULL, &badge, &info));
    UT_EQ(badge, 0);
    UT_EQ(info, 0);
    UT_ASSERT(ut_thread(sender, UT_ARG(4, outer, 0), PRIO));
    UT_OK(ut_settle());
    l4_word_t mrs[L4_MSG_REGISTERS] = {0};
    UT_OK(l4_recv_mrs(outer, L4_CPTR_NULL, &badge, &info, mrs));
    UT_EQ(mrs[0], 0x104);
    /* all of u is free again */
    UT_ASSERT(ut_retype(u, L4_OBJECT_UNTYPED, 16));
    UT_EQ(l4_debug_check_invariants(), 0);
}

UTEST(life_untyped_reuse, "retype, revoke, retype again: the same number of objects fit, and "
                          "they are new")
{
    l4_cptr_t u = ut_new(L4_OBJECT_UNTYPED, 14);
    UT_ASSERT(u);
    /* 2^14 bytes hold exactly 8 TCBs of 2 KiB */
    for (unsigned round = 0; round < 3; round++) {
        l4_cptr_t first = ut_slots(9);
        UT_ASSERT(first);
        UT_ERR(l4_untyped_retype(u, L4_OBJECT_TCB, 0, UT_CNODE, 0, 0, first, 9),
               L4_NOT_ENOUGH_MEMORY);
        UT_OK(l4_untyped_retype(u, L4_OBJECT_TCB, 0, UT_CNODE, 0, 0, first, 8));
        UT_ERR(l4_untyped_retype(u, L4_OBJECT_ENDPOINT, 0, UT_CNODE, 0, 0, first + 8, 1),
               L4_NOT_ENOUGH_MEMORY);
        if (round == 0) /* configure one: a TCB made later in its place is new */
            UT_OK(l4_tcb_configure(first, 0, UT_CNODE, 0, L4_ROOT_SLOT_VSPACE,
                                   L4_ROOT_IPC_BUFFER_VADDR, L4_ROOT_SLOT_IPC_BUFFER));
        else
            UT_ERR(l4_tcb_resume(first), L4_ILLEGAL_OPERATION);
        UT_OK(l4_cnode_revoke(UT_CNODE, u, UT_DEPTH));
        for (l4_cptr_t s = first; s < first + 8; s++)
            UT_EQ(ut_id(s), L4_CAP_NULL);
    }
    /* a pending signal does not survive into a notification made in its place */
    l4_cptr_t first = ut_slots(512);
    UT_ASSERT(first);
    UT_OK(l4_untyped_retype(u, L4_OBJECT_NOTIFICATION, 0, UT_CNODE, 0, 0, first, 256));
    UT_OK(l4_untyped_retype(u, L4_OBJECT_NOTIFICATION, 0, UT_CNODE, 0, 0, first + 256, 256));
    UT_ERR(l4_untyped_retype(u, L4_OBJECT_REPLY, 0, UT_CNODE, 0, 0, ut_slot(), 1),
           L4_NOT_ENOUGH_MEMORY);
    for (l4_cptr_t s = first; s < first + 512; s += 37) {
        l4_cptr_t b = ut_mint(s, ALL, 0x10);
        UT_ASSERT(b);
        UT_OK(l4_signal(b));
    }
    l4_word_t w0 = 0;
    UT_OK(l4_poll(first, &w0));
    UT_EQ(w0, 0x10);
    UT_OK(l4_signal(first + 37 * 13)); /* pending signals */
    UT_OK(l4_signal(first));
    UT_OK(l4_cnode_revoke(UT_CNODE, u, UT_DEPTH));
    UT_OK(l4_untyped_retype(u, L4_OBJECT_NOTIFICATION, 0, UT_CNODE, 0, 0, first, 256));
    UT_OK(l4_untyped_retype(u, L4_OBJECT_NOTIFICATION, 0, UT_CNODE, 0, 0, first + 256, 256));
    for (l4_cptr_t s = first; s < first + 512; s += 37) {
        l4_word_t w = 1;
        UT_OK(l4_poll(s, &w));
        UT_EQ(w, 0);
    }
    UT_OK(l4_cnode_revoke(UT_CNODE, u, UT_DEPTH));
    /* and one object of the whole size still fits */
    UT_OK(l4_untyped_retype(u, L4_OBJECT_CNODE, 14 - 5, UT_CNODE, 0, 0, first, 1));
    UT_EQ(l4_debug_check_invariants(), 0);
}
