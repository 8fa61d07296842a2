/* SPDX-License-Identifier: MIT */
/*
 * User-level tests of Call and Reply objects (docs/kernel/ipc.md, "Call and
 * Reply objects").
 *
 * A Call received with a Reply object binds the caller to it until somebody
 * sends through the Reply capability: ReplyRecv answers and takes the next
 * caller with the same object; a server may hold several Reply objects and
 * answer them later, in any order, through moved capabilities and from
 * other threads. The rules: Send on a Reply object that owes nothing is
 * IllegalOperation (ReplyRecv with one just receives); a Reply object that
 * owes an answer, or that another waiting receiver named, cannot be named
 * by a new Recv; a Call received without a Reply object, or whose Reply
 * object is deleted, ends with Cancelled, and so does one whose caller is
 * suspended; the reply cptr must name a Reply capability. The test function
 * is the server; callers are test threads (utest.h) that record what their
 * Call returned.
 */
#include "utest.h"

#define ALL L4_CAP_RIGHTS_ALL

/* --- Helpers ------------------------------------------------------------------ */

/* The order in which callers got their answers. */
static volatile unsigned answered[8];
static volatile unsigned nanswered;

enum op_kind { OP_CALL, OP_SEND, OP_RECV, OP_REPLY };

/* One syscall a test thread makes, and what it returned. */
struct op {
    enum op_kind kind;
    l4_cptr_t cap;   /* endpoint to call, send to or receive from; Reply to answer */
    l4_cptr_t reply; /* receiving: the Reply object to name */
    l4_msginfo_t info;
    l4_word_t mr[L4_MSG_REGISTERS];
    unsigned id;    /* recorded in answered[] when the syscall returns */
    l4_cptr_t done; /* notification to signal at the end, or 0 */
    /* results */
    volatile int finished;
    volatile l4_word_t status, badge, out_info;
    volatile l4_word_t out_mr[L4_MSG_REGISTERS];
};

static void worker(l4_word_t arg)
{
    struct op *o = (struct op *)arg;
    l4_word_t mrs[L4_MSG_REGISTERS], badge = 0;
    l4_msginfo_t info = 0;
    l4_error_t e = L4_INVALID_ARGUMENT;
    for (unsigned i = 0; i < L4_MSG_REGISTERS; i++)
        mrs[i] = o->mr[i];
    switch (o->kind) {
    case OP_CALL:
        e = l4_call_mrs(o->cap, o->info, &info, mrs);
        break;
    case OP_SEND:
    case OP_REPLY:
        e = l4_send_mrs(o->cap, o->info, mrs);
        break;
    case OP_RECV:
        e = l4_recv_mrs(o->cap, o->reply, &badge, &info, mrs);
        break;
    }
    if (nanswered < 8)
        answered[nanswered++] = o->id;
    o->status = e;
    o->badge = badge;
    o->out_info = info;
    for (unsigned i = 0; i < L4_MSG_REGISTERS; i++)
        o->out_mr[i] = mrs[i];
    o->finished = 1;
    if (o->done)
        l4_signal(o->done);
}

static l4_cptr_t start(struct op *o, uint8_t prio)
{
    return ut_thread(worker, (l4_word_t)o, prio);
}

/* A caller: Call cap with label, one word w. */
static struct op call_op(l4_cptr_t cap, l4_word_t label, l4_word_t w)
{
    return (struct op){
        .kind = OP_CALL, .cap = cap, .info = l4_msginfo_new(label, 0, 0, 1), .mr = {w}};
}

/* A priority-1 thread that ends a Recv of the test's on ep that should not
 * have blocked (so the test fails instead of deadlocking). */
static void rescue_fn(l4_word_t ep)
{
    l4_nbsend(ep, l4_msginfo_new(0xdead, 0, 0, 0));
}

static int rescue(l4_cptr_t ep)
{
    return ut_thread(rescue_fn, ep, 1) != 0;
}

/* Answer through reply with one word w and label 0. */
static l4_error_t answer(l4_cptr_t reply, l4_word_t w)
{
    l4_word_t m[L4_MSG_REGISTERS] = {w};
    return l4_send_mrs(reply, l4_msginfo_new(0, 0, 0, 1), m);
}

/* --- Round trips ------------------------------------------------------------------ */

/* The caller of reply_round_trip: two Calls, the results of both kept. */
static volatile l4_word_t rt_status[2], rt_info[2], rt_mr[2][3];

static void two_calls(l4_word_t ep)
{
    l4_word_t m[L4_MSG_REGISTERS] = {20, 22};
    l4_msginfo_t info = 0;
    rt_status[0] = l4_call_mrs(ep, l4_msginfo_new(1, 0, 0, 2), &info, m);
    rt_info[0] = info;
    rt_mr[0][0] = m[0];
    rt_mr[0][1] = m[1];
    rt_mr[0][2] = l4_get_mr(5);
    l4_word_t m2[L4_MSG_REGISTERS] = {99};
    rt_status[1] = l4_call_mrs(ep, l4_msginfo_new(2, 0, 0, 1), &info, m2);
    rt_info[1] = info;
    rt_mr[1][0] = m2[0];
}

UTEST(reply_round_trip, "Call and ReplyRecv: the caller gets the reply's label and words, and "
                        "the Reply object takes the next Call")
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0), r = ut_new(L4_OBJECT_REPLY, 0);
    l4_cptr_t cb = ut_mint(ep, ALL, 0xc1);
    UT_ASSERT(ep && r && cb);
    rt_status[0] = rt_status[1] = 0xff;
    UT_ASSERT(ut_thread(two_calls, cb, 100));
    l4_word_t m[L4_MSG_REGISTERS] = {0}, badge = 0;
    l4_msginfo_t info = 0;
    UT_OK(l4_recv_mrs(ep, r, &badge, &info, m));
    UT_EQ(badge, 0xc1);
    UT_EQ(l4_msginfo_get_label(info), 1);
    UT_EQ(l4_msginfo_get_length(info), 2);
    UT_EQ(m[0], 20);
    UT_EQ(m[1], 22);
    /* answer with six words (MR5 in the IPC buffer), receive the second Call */
    l4_word_t out[L4_MSG_REGISTERS] = {m[0] + m[1], m[0] * m[1], 0, 0};
    l4_set_mr(4, 0);
    l4_set_mr(5, 0xabc);
    UT_OK(l4_reply_recv_mrs(ep, l4_msginfo_new(0x77, 0, 0, 6), r, &badge, &info, out));
    UT_EQ(badge, 0xc1);
    UT_EQ(l4_msginfo_get_label(info), 2);
    UT_EQ(out[0], 99);
    /* the first Call has its answer */
    UT_OK(rt_status[0]);
    UT_EQ(l4_msginfo_get_label(rt_info[0]), 0x77);
    UT_EQ(l4_msginfo_get_length(rt_info[0]), 6);
    UT_EQ(rt_mr[0][0], 42);
    UT_EQ(rt_mr[0][1], 440);
    UT_EQ(rt_mr[0][2], 0xabc);
    /* the same Reply object now answers the second Call */
    UT_OK(answer(r, 100));
    UT_ASSERT(ut_settle_once());
    UT_OK(rt_status[1]);
    UT_EQ(l4_msginfo_get_label(rt_info[1]), 0);
    UT_EQ(l4_msginfo_get_length(rt_info[1]), 1);
    UT_EQ(rt_mr[1][0], 100);
}

UTEST(reply_caller_first, "a Call queued before the server's Recv is bound to the Reply object "
                          "the Recv names")
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0), r = ut_new(L4_OBJECT_REPLY, 0);
    UT_ASSERT(ep && r);
    static struct op c;
    c = call_op(ep, 3, 0x31);
    UT_ASSERT(start(&c, 100));
    UT_ASSERT(ut_settle_once());
    UT_EQ(c.finished, 0); /* queued in Call */
    l4_word_t m[L4_MSG_REGISTERS] = {0};
    UT_OK(l4_nbrecv_mrs(ep, r, 0, 0, m));
    UT_EQ(m[0], 0x31);
    UT_ASSERT(ut_settle_once());
    UT_EQ(c.finished, 0); /* now waiting for the answer */
    UT_OK(answer(r, 0x32));
    UT_ASSERT(ut_settle_once());
    UT_EQ(c.finished, 1);
    UT_OK(c.status);
    UT_EQ(c.out_mr[0], 0x32);
}

UTEST(reply_out_of_order, "a server holding three Reply objects answers its callers later, out "
                          "of order, and each answer reaches its own caller")
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0), done = ut_new(L4_OBJECT_NOTIFICATION, 0);
    UT_ASSERT(ep && done);
    static struct op c[3];
    static const uint8_t prio[3] = {100, 90, 80};
    l4_cptr_t r[3];
    for (unsigned i = 0; i < 3; i++) {
        l4_cptr_t cb = ut_mint(ep, ALL, i + 1);
        r[i] = ut_new(L4_OBJECT_REPLY, 0);
        UT_ASSERT(cb && r[i]);
        c[i] = call_op(cb, 0, i + 1);
        c[i].id = i + 1;
        c[i].done = done;
        UT_ASSERT(start(&c[i], prio[i]));
    }
    nanswered = 0;
    /* take the three Calls, one per Reply object: who[k] is the caller r[k] owes */
    unsigned who[3];
    l4_word_t seen = 0;
    for (unsigned k = 0; k < 3; k++) {
        l4_word_t m[L4_MSG_REGISTERS] = {0}, badge = 0;
        UT_OK(l4_recv_mrs(ep, r[k], &badge, 0, m));
        UT_ASSERT(m[0] >= 1 && m[0] <= 3);
        UT_EQ(badge, m[0]);
        who[k] = (unsigned)m[0];
        seen |= UINT64_C(1) << m[0];
    }
    UT_EQ(seen, 0xe);
    UT_EQ(nanswered, 0);
    /* answer r[2], then r[0], then r[1], letting each caller run at once */
    static const unsigned order[3] = {2, 0, 1};
    for (unsigned j = 0; j < 3; j++) {
        unsigned k = order[j];
        UT_OK(answer(r[k], 100 * who[k] + k));
        l4_word_t w = 0;
        UT_OK(l4_wait(done, &w));
        UT_EQ(nanswered, j + 1);
        UT_EQ(answered[j], who[k]);
        UT_ERR(answer(r[k], 0), L4_ILLEGAL_OPERATION); /* it owes nothing now */
    }
    for (unsigned k = 0; k < 3; k++) {
        struct op *o = &c[who[k] - 1];
        UT_OK(o->status);
        UT_EQ(o->out_mr[0], 100 * who[k] + k);
    }
    UT_EQ(l4_debug_check_invariants(), 0);
}

UTEST(reply_moved_cap, "a Reply capability moved to another slot still answers its caller, from "
                       "another thread")
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0), r = ut_new(L4_OBJECT_REPLY, 0);
    l4_cptr_t moved = ut_slot();
    UT_ASSERT(ep && r && moved);
    static struct op c, a;
    c = call_op(ep, 0, 5);
    c.id = 1;
    nanswered = 0;
    UT_ASSERT(start(&c, 100));
    l4_word_t m[L4_MSG_REGISTERS] = {0};
    UT_OK(l4_recv_mrs(ep, r, 0, 0, m));
    UT_EQ(m[0], 5);
    UT_OK(l4_cnode_move(UT_CNODE, moved, UT_DEPTH, UT_CNODE, r, UT_DEPTH));
    UT_EQ(l4_debug_cap_identify(r), L4_CAP_NULL);
    UT_EQ(l4_debug_cap_identify(moved), L4_CAP_REPLY);
    UT_ERR(answer(r, 1), L4_INVALID_CAPABILITY); /* the old slot is empty */
    /* a thread above the caller answers through the moved capability */
    a = (struct op){
        .kind = OP_REPLY, .cap = moved, .info = l4_msginfo_new(0x55, 0, 0, 1), .mr = {55}, .id = 2};
    UT_ASSERT(start(&a, 120));
    UT_ASSERT(ut_settle_once());
    UT_OK(a.status);
    UT_EQ(c.finished, 1);
    UT_OK(c.status);
    UT_EQ(l4_msginfo_get_label(c.out_info), 0x55);
    UT_EQ(c.out_mr[0], 55);
    UT_EQ(nanswered, 2);
    UT_EQ(answered[0], 2);
    UT_EQ(answered[1], 1);
}

/* --- Errors ------------------------------------------------------------------ */

UTEST(reply_send_owes_nothing, "Send and NBSend on a Reply object that owes nothing are "
                               "IllegalOperation, also after its answer")
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0), r = ut_new(L4_OBJECT_REPLY, 0);
    UT_ASSERT(ep && r);
    UT_ERR(l4_send(r, l4_msginfo_new(0, 0, 0, 0)), L4_ILLEGAL_OPERATION);
    UT_ERR(l4_nbsend(r, l4_msginfo_new(0, 0, 0, 0)), L4_ILLEGAL_OPERATION);
    static struct op c;
    c = call_op(ep, 0, 1);
    UT_ASSERT(start(&c, 100));
    UT_OK(l4_recv(ep, r, 0, 0));
    UT_OK(answer(r, 2));
    UT_ERR(answer(r, 3), L4_ILLEGAL_OPERATION);
    UT_ERR(l4_nbsend(r, l4_msginfo_new(0, 0, 0, 0)), L4_ILLEGAL_OPERATION);
    UT_ASSERT(ut_settle_once());
    UT_OK(c.status);
    UT_EQ(c.out_mr[0], 2); /* the first answer only */
}

UTEST(reply_recv_idle, "ReplyRecv with a Reply object that owes nothing just receives; a Send "
                       "received with it leaves it owing nothing")
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0), r = ut_new(L4_OBJECT_REPLY, 0);
    UT_ASSERT(ep && r);
    static struct op s;
    s = (struct op){.kind = OP_SEND, .cap = ep, .info = l4_msginfo_new(0x17, 0, 0, 1), .mr = {7}};
    UT_ASSERT(start(&s, 100));
    l4_word_t m[L4_MSG_REGISTERS] = {0x1234};
    l4_msginfo_t info = 0;
    UT_OK(l4_reply_recv_mrs(ep, l4_msginfo_new(0x5, 0, 0, 1), r, 0, &info, m));
    UT_EQ(l4_msginfo_get_label(info), 0x17);
    UT_EQ(m[0], 7);
    UT_ERR(answer(r, 1), L4_ILLEGAL_OPERATION); /* a plain Send binds nobody */
    UT_ASSERT(ut_settle_once());
    UT_OK(s.status);
}

UTEST(reply_recv_while_owing, "Recv and NBRecv naming a Reply object that still owes an answer "
                              "are IllegalOperation")
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0), r = ut_new(L4_OBJECT_REPLY, 0);
    UT_ASSERT(ep && r);
    static struct op c;
    c = call_op(ep, 0, 1);
    UT_ASSERT(start(&c, 100));
    UT_OK(l4_recv(ep, r, 0, 0));
    UT_ASSERT(rescue(ep));
    UT_ERR(l4_recv(ep, r, 0, 0), L4_ILLEGAL_OPERATION);
    UT_ERR(l4_nbrecv(ep, r, 0, 0), L4_ILLEGAL_OPERATION);
    /* the caller is still owed its answer, through the same object */
    UT_OK(answer(r, 0x44));
    l4_msginfo_t info = 1;
    UT_OK(l4_nbrecv(ep, r, 0, &info)); /* idle again: allowed */
    UT_EQ(info, 0);
    UT_ASSERT(ut_settle_once());
    UT_OK(c.status);
    UT_EQ(c.out_mr[0], 0x44);
}

UTEST(reply_named_by_waiting_receiver, "a Reply object a waiting receiver named cannot be named "
                                       "by another Recv")
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0), ep2 = ut_new(L4_OBJECT_ENDPOINT, 0);
    l4_cptr_t r = ut_new(L4_OBJECT_REPLY, 0);
    UT_ASSERT(ep && ep2 && r);
    static struct op w;
    w = (struct op){.kind = OP_RECV, .cap = ep, .reply = r};
    UT_ASSERT(start(&w, 100));
    UT_ASSERT(ut_settle_once());
    UT_EQ(w.finished, 0);
    UT_ERR(l4_nbrecv(ep, r, 0, 0), L4_ILLEGAL_OPERATION);
    UT_ERR(l4_nbrecv(ep2, r, 0, 0), L4_ILLEGAL_OPERATION);
    /* once the receiver has its message the object is free again */
    l4_word_t m[L4_MSG_REGISTERS] = {0x21};
    UT_OK(l4_nbsend_mrs(ep, l4_msginfo_new(0, 0, 0, 1), m));
    UT_OK(l4_nbrecv(ep2, r, 0, 0));
    UT_ASSERT(ut_settle_once());
    UT_OK(w.status);
    UT_EQ(w.out_mr[0], 0x21);
    UT_EQ(l4_debug_check_invariants(), 0);
}

UTEST(reply_call_without_reply, "a Call received without a Reply object delivers its message "
                                "and returns Cancelled to the caller")
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0);
    UT_ASSERT(ep);
    static struct op c1, c2;
    /* the receiver first */
    c1 = call_op(ep, 0x61, 0x610);
    UT_ASSERT(start(&c1, 100));
    l4_word_t m[L4_MSG_REGISTERS] = {0};
    l4_msginfo_t info = 0;
    UT_OK(l4_recv_mrs(ep, L4_CPTR_NULL, 0, &info, m));
    UT_EQ(l4_msginfo_get_label(info), 0x61);
    UT_EQ(m[0], 0x610);
    UT_ASSERT(ut_settle_once());
    UT_EQ(c1.finished, 1);
    UT_ERR(c1.status, L4_CANCELLED);
    /* the caller first */
    c2 = call_op(ep, 0x62, 0x620);
    UT_ASSERT(start(&c2, 100));
    UT_ASSERT(ut_settle_once());
    UT_EQ(c2.finished, 0);
    UT_OK(l4_nbrecv_mrs(ep, L4_CPTR_NULL, 0, &info, m));
    UT_EQ(l4_msginfo_get_label(info), 0x62);
    UT_EQ(m[0], 0x620);
    UT_ASSERT(ut_settle_once());
    UT_EQ(c2.finished, 1);
    UT_ERR(c2.status, L4_CANCELLED);
    UT_EQ(l4_debug_check_invariants(), 0);
}

UTEST(reply_delete_owing, "deleting a Reply object that owes an answer wakes its caller with "
                          "Cancelled")
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0), r = ut_new(L4_OBJECT_REPLY, 0);
    UT_ASSERT(ep && r);
    static struct op c;
    c = call_op(ep, 0, 1);
    UT_ASSERT(start(&c, 100));
    UT_OK(l4_recv(ep, r, 0, 0));
    UT_ASSERT(ut_settle_once());
    UT_EQ(c.finished, 0);
    UT_OK(ut_delete(r));
    UT_ASSERT(ut_settle_once());
    UT_EQ(c.finished, 1);
    UT_ERR(c.status, L4_CANCELLED);
    UT_EQ(l4_debug_check_invariants(), 0);
}

UTEST(reply_delete_named, "deleting a Reply object a waiting receiver named leaves the receiver "
                          "waiting; a Call then gets Cancelled")
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0), r = ut_new(L4_OBJECT_REPLY, 0);
    UT_ASSERT(ep && r);
    static struct op w, c;
    w = (struct op){.kind = OP_RECV, .cap = ep, .reply = r};
    UT_ASSERT(start(&w, 100));
    UT_ASSERT(ut_settle_once());
    UT_OK(ut_delete(r));
    UT_EQ(l4_debug_check_invariants(), 0);
    UT_ASSERT(ut_settle_once());
    UT_EQ(w.finished, 0); /* still in Recv */
    c = call_op(ep, 0x3, 0x33);
    UT_ASSERT(start(&c, 90));
    UT_ASSERT(ut_settle_once());
    UT_EQ(w.finished, 1);
    UT_OK(w.status);
    UT_EQ(w.out_mr[0], 0x33);
    UT_EQ(c.finished, 1);
    UT_ERR(c.status, L4_CANCELLED); /* nobody can answer it */
    UT_EQ(l4_debug_check_invariants(), 0);
}

UTEST(reply_bad_reply_cptr, "Recv, NBRecv and ReplyRecv with a reply cptr that is not a Reply "
                            "capability are InvalidCapability")
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0), n = ut_new(L4_OBJECT_NOTIFICATION, 0);
    l4_cptr_t tcb = ut_new(L4_OBJECT_TCB, 0), empty = ut_slot();
    UT_ASSERT(ep && n && tcb && empty && rescue(ep));
    const l4_cptr_t bad[4] = {n, tcb, ep, empty};
    for (unsigned i = 0; i < 4; i++) {
        UT_ERR(l4_recv(ep, bad[i], 0, 0), L4_INVALID_CAPABILITY);
        UT_ERR(l4_nbrecv(ep, bad[i], 0, 0), L4_INVALID_CAPABILITY);
        UT_ERR(l4_reply_recv(ep, l4_msginfo_new(0, 0, 0, 0), bad[i], 0, 0), L4_INVALID_CAPABILITY);
        /* checked on a notification too */
        UT_ERR(l4_nbrecv(n, bad[i], 0, 0), L4_INVALID_CAPABILITY);
    }
}

UTEST(reply_suspend_caller, "suspending a caller that waits for its answer unbinds it: the Reply "
                            "owes nothing and the Call returns Cancelled")
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0), r = ut_new(L4_OBJECT_REPLY, 0);
    UT_ASSERT(ep && r);
    static struct op c;
    c = call_op(ep, 0, 1);
    l4_cptr_t t = start(&c, 100);
    UT_ASSERT(t);
    UT_OK(l4_recv(ep, r, 0, 0));
    UT_OK(l4_tcb_suspend(t));
    UT_EQ(l4_debug_check_invariants(), 0);
    UT_ERR(answer(r, 1), L4_ILLEGAL_OPERATION);
    UT_OK(l4_tcb_resume(t));
    UT_ASSERT(ut_settle_once());
    UT_EQ(c.finished, 1);
    UT_ERR(c.status, L4_CANCELLED);
    /* the Reply object takes a new caller */
    static struct op c2;
    c2 = call_op(ep, 0, 2);
    UT_ASSERT(start(&c2, 100));
    UT_OK(l4_recv(ep, r, 0, 0));
    UT_OK(answer(r, 0x22));
    UT_ASSERT(ut_settle_once());
    UT_OK(c2.status);
    UT_EQ(c2.out_mr[0], 0x22);
}
