/* SPDX-License-Identifier: MIT */
/*
 * User-level tests of endpoint IPC (docs/kernel/ipc.md, "Messages" and "Endpoints").
 *
 * Send and Recv meet in either order; label, length, badge and message words
 * arrive intact (MR0-MR3 in registers, MR4-MR119 through the IPC buffers, the
 * length cut to 120); queued senders and receivers are served FIFO whatever
 * their priority; NBSend drops a message nobody waits for and NBRecv returns
 * badge 0 and info 0 when nothing is pending; Send, Call and Recv check the
 * capability's type and rights; a higher-priority receiver woken by a Send runs
 * before its sender continues; deleting an endpoint wakes every thread queued
 * on it with Cancelled. The partners are test threads (utest.h) that record
 * what their syscalls returned in static records and a shared event log; the
 * test function checks them.
 */
#include "utest.h"

#define ALL L4_CAP_RIGHTS_ALL
#define RW  (L4_CAP_RIGHTS_READ | L4_CAP_RIGHTS_WRITE)

/* --- Helpers ------------------------------------------------------------------ */

/* Word i of the test pattern of long messages. */
static l4_word_t pattern(unsigned i)
{
    return UINT64_C(0x5a5a000000000000) ^ ((l4_word_t)i * UINT64_C(0x9e3779b97f4a7c15));
}

/* The shared event log: threads append EV(id, phase) as they go. */
#define EV(id, phase) ((id)*16 + (phase))
static volatile unsigned events[16];
static volatile unsigned nevents;

static void log_event(unsigned ev)
{
    if (nevents < 16)
        events[nevents++] = ev;
}

enum op_kind { OP_SEND, OP_NBSEND, OP_CALL, OP_RECV, OP_NBRECV };

/* One syscall a test thread makes, and what it returned. */
struct op {
    enum op_kind kind;
    l4_cptr_t cap;     /* endpoint to send to or receive from */
    l4_msginfo_t info; /* message-info word of a send or call */
    l4_word_t mr[L4_MSG_REGISTERS];
    unsigned fill;       /* sending: MR4..fill-1 from pattern() */
    l4_word_t user_data; /* sending: the IPC buffer's user_data, if non-zero */
    unsigned id;         /* for the event log: EV(id, 1) before, EV(id, 2) after */
    l4_cptr_t done;      /* notification to signal at the end, or 0 */
    /* results */
    volatile int finished;
    volatile l4_word_t status, badge, out_info;
    volatile l4_word_t out_mr[L4_MSG_REGISTERS];
};

static void worker(l4_word_t arg)
{
    struct op *o = (struct op *)arg;
    struct l4_ipc_buffer *b = l4_ipc_buffer();
    l4_word_t mrs[L4_MSG_REGISTERS], badge = 0;
    l4_msginfo_t info = 0;
    l4_error_t e = L4_INVALID_ARGUMENT;
    for (unsigned i = 0; i < L4_MSG_REGISTERS; i++)
        mrs[i] = o->mr[i];
    for (unsigned i = L4_MSG_REGISTERS; i < o->fill && i < L4_MSG_MAX_LENGTH; i++)
        b->msg[i] = pattern(i);
    if (o->user_data)
        b->user_data = o->user_data;
    log_event(EV(o->id, 1));
    switch (o->kind) {
    case OP_SEND:
        e = l4_send_mrs(o->cap, o->info, mrs);
        break;
    case OP_NBSEND:
        e = l4_nbsend_mrs(o->cap, o->info, mrs);
        break;
    case OP_CALL:
        e = l4_call_mrs(o->cap, o->info, &info, mrs);
        break;
    case OP_RECV:
        e = l4_recv_mrs(o->cap, L4_CPTR_NULL, &badge, &info, mrs);
        break;
    case OP_NBRECV:
        e = l4_nbrecv_mrs(o->cap, L4_CPTR_NULL, &badge, &info, mrs);
        break;
    }
    log_event(EV(o->id, 2));
    b->user_data = 0;
    o->status = e;
    o->badge = badge;
    o->out_info = info;
    for (unsigned i = 0; i < L4_MSG_REGISTERS; i++)
        o->out_mr[i] = mrs[i];
    o->finished = 1;
    if (o->done)
        l4_signal(o->done);
}

/* Start a test thread making o's syscall; 0 on error. */
static l4_cptr_t start(struct op *o, uint8_t prio)
{
    return ut_thread(worker, (l4_word_t)o, prio);
}

/* A priority-1 thread that, should the test block where it must not, takes
 * or answers whatever the test is blocked in on endpoint ep (so that the
 * test fails on its next assertion instead of deadlocking). */
static void rescue_fn(l4_word_t ep)
{
    l4_nbrecv(ep, L4_CPTR_NULL, 0, 0);
    l4_nbsend(ep, l4_msginfo_new(0xdead, 0, 0, 0));
}

static int rescue(l4_cptr_t ep)
{
    return ut_thread(rescue_fn, ep, 1) != 0;
}

/* NBRecv with the message-info and MR registers holding junk on entry (the
 * generated stub passes 0 in them), so that the kernel must write them. */
static l4_error_t nbrecv_junk(l4_cptr_t src, l4_word_t *badge, l4_msginfo_t *info)
{
    l4_word_t cptr = src, inf = UINT64_C(0x5678);
    l4_word_t mr[L4_MSG_REGISTERS] = {1, 2, 3, 4};
    l4_error_t e = (l4_error_t)l4_arch_syscall(L4_SYS_NBRECV, &cptr, &inf, mr, L4_CPTR_NULL);
    *badge = cptr;
    *info = inf;
    return e;
}

/* --- Rendezvous ------------------------------------------------------------------ */

UTEST(ipc_recv_first, "a receiver waiting first gets a Send's label, length, badge 0 and "
                      "MR0-MR3 at once")
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0);
    UT_ASSERT(ep);
    static struct op s;
    s = (struct op){.kind = OP_SEND,
                    .cap = ep,
                    .info = l4_msginfo_new(0x5a5, 0, 0, 4),
                    .mr = {0x11, 0x22, 0x33, 0x44}};
    UT_ASSERT(start(&s, 100));
    l4_word_t m[L4_MSG_REGISTERS] = {0}, badge = 0xbad;
    l4_msginfo_t info = 0;
    UT_OK(l4_recv_mrs(ep, L4_CPTR_NULL, &badge, &info, m));
    UT_EQ(badge, 0); /* the original capability is unbadged */
    UT_EQ(l4_msginfo_get_label(info), 0x5a5);
    UT_EQ(l4_msginfo_get_length(info), 4);
    UT_EQ(l4_msginfo_get_extra_caps(info), 0);
    UT_EQ(l4_msginfo_get_caps_unwrapped(info), 0);
    UT_EQ(m[0], 0x11);
    UT_EQ(m[1], 0x22);
    UT_EQ(m[2], 0x33);
    UT_EQ(m[3], 0x44);
    UT_ASSERT(ut_settle_once());
    UT_EQ(s.finished, 1);
    UT_OK(s.status);
}

UTEST(ipc_send_first, "a sender that arrived first blocks until a Recv takes its message")
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0);
    l4_cptr_t eb = ut_mint(ep, ALL, 0x777);
    UT_ASSERT(ep && eb);
    static struct op s;
    s = (struct op){.kind = OP_SEND,
                    .cap = eb,
                    .info = l4_msginfo_new(0x42, 0, 0, 2),
                    .mr = {0xaaaa, 0xbbbb, 0xcccc, 0xdddd}};
    UT_ASSERT(start(&s, 100));
    UT_ASSERT(ut_settle_once());
    UT_EQ(s.finished, 0); /* blocked in Send */
    l4_word_t m[L4_MSG_REGISTERS] = {0}, badge = 0;
    l4_msginfo_t info = 0;
    UT_OK(l4_recv_mrs(ep, L4_CPTR_NULL, &badge, &info, m));
    UT_EQ(badge, 0x777);
    UT_EQ(l4_msginfo_get_label(info), 0x42);
    UT_EQ(l4_msginfo_get_length(info), 2);
    UT_EQ(m[0], 0xaaaa);
    UT_EQ(m[1], 0xbbbb);
    UT_ASSERT(ut_settle_once());
    UT_EQ(s.finished, 1);
    UT_OK(s.status);
}

UTEST(ipc_long_message, "a 120-word message arrives intact: MR4-MR119 through the IPC "
                        "buffers")
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0);
    UT_ASSERT(ep);
    struct l4_ipc_buffer *b = l4_ipc_buffer();
    static struct op s;
    s = (struct op){.kind = OP_SEND,
                    .cap = ep,
                    .info = l4_msginfo_new(7, 0, 0, L4_MSG_MAX_LENGTH),
                    .mr = {pattern(0), pattern(1), pattern(2), pattern(3)},
                    .fill = L4_MSG_MAX_LENGTH};
    UT_ASSERT(start(&s, 100));
    /* (after start(): the stubs that start a thread use the IPC buffer) */
    for (unsigned i = L4_MSG_REGISTERS; i < L4_MSG_MAX_LENGTH; i++)
        b->msg[i] = 0;
    l4_word_t m[L4_MSG_REGISTERS] = {0};
    l4_msginfo_t info = 0;
    UT_OK(l4_recv_mrs(ep, L4_CPTR_NULL, 0, &info, m));
    UT_EQ(l4_msginfo_get_length(info), L4_MSG_MAX_LENGTH);
    UT_EQ(l4_msginfo_get_label(info), 7);
    for (unsigned i = 0; i < L4_MSG_REGISTERS; i++)
        UT_EQ(m[i], pattern(i));
    for (unsigned i = L4_MSG_REGISTERS; i < L4_MSG_MAX_LENGTH; i++)
        UT_EQ(b->msg[i], pattern(i));
}

UTEST(ipc_length_capped, "a length above 120 is cut to 120: nothing past msg[119] is written")
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0);
    UT_ASSERT(ep);
    struct l4_ipc_buffer *b = l4_ipc_buffer();
    l4_word_t user_data = b->user_data;
    static struct op s;
    s = (struct op){.kind = OP_SEND,
                    .cap = ep,
                    .info = l4_msginfo_new(8, 0, 0, L4_MSGINFO_LENGTH_MASK), /* 127 */
                    .mr = {pattern(0), pattern(1), pattern(2), pattern(3)},
                    .fill = L4_MSG_MAX_LENGTH,
                    .user_data = UINT64_C(0xfeedfacecafef00d)}; /* the word after msg[119] */
    UT_ASSERT(start(&s, 100));
    /* (after start(): the stubs that start a thread use the IPC buffer) */
    for (unsigned i = L4_MSG_REGISTERS; i < L4_MSG_MAX_LENGTH; i++)
        b->msg[i] = 0;
    l4_word_t m[L4_MSG_REGISTERS] = {0};
    l4_msginfo_t info = 0;
    UT_OK(l4_recv_mrs(ep, L4_CPTR_NULL, 0, &info, m));
    UT_EQ(l4_msginfo_get_length(info), L4_MSG_MAX_LENGTH);
    UT_EQ(l4_msginfo_get_extra_caps(info), 0);
    for (unsigned i = L4_MSG_REGISTERS; i < L4_MSG_MAX_LENGTH; i++)
        UT_EQ(b->msg[i], pattern(i));
    UT_EQ(b->user_data, user_data);
    UT_ASSERT(ut_settle_once());
    UT_OK(s.status);
}

UTEST(ipc_length_short, "a 6-word message fills msg[4] and msg[5] only; the rest of the "
                        "receiver's buffer is untouched")
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0);
    UT_ASSERT(ep);
    struct l4_ipc_buffer *b = l4_ipc_buffer();
    static struct op s;
    s = (struct op){.kind = OP_SEND,
                    .cap = ep,
                    .info = l4_msginfo_new(9, 0, 0, 6),
                    .mr = {1, 2, 3, 4},
                    .fill = L4_MSG_MAX_LENGTH};
    UT_ASSERT(start(&s, 100));
    /* (after start(): the stubs that start a thread use the IPC buffer) */
    for (unsigned i = L4_MSG_REGISTERS; i < L4_MSG_MAX_LENGTH; i++)
        b->msg[i] = 0x0dd;
    l4_msginfo_t info = 0;
    l4_word_t m[L4_MSG_REGISTERS] = {0};
    UT_OK(l4_recv_mrs(ep, L4_CPTR_NULL, 0, &info, m));
    UT_EQ(l4_msginfo_get_length(info), 6);
    UT_EQ(m[3], 4);
    UT_EQ(b->msg[4], pattern(4));
    UT_EQ(b->msg[5], pattern(5));
    for (unsigned i = 6; i < L4_MSG_MAX_LENGTH; i++)
        UT_EQ(b->msg[i], 0x0dd);
}

/* --- Badges and queues -------------------------------------------------------------- */

UTEST(ipc_badges_two_senders, "two senders through differently badged copies are told apart "
                              "by the badge")
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0);
    l4_cptr_t b1 = ut_mint(ep, ALL, 0x111), b2 = ut_mint(ep, L4_CAP_RIGHTS_WRITE, 0x222);
    UT_ASSERT(ep && b1 && b2);
    static struct op s1, s2;
    s1 = (struct op){.kind = OP_SEND, .cap = b1, .info = l4_msginfo_new(1, 0, 0, 1), .mr = {1}};
    s2 = (struct op){.kind = OP_SEND, .cap = b2, .info = l4_msginfo_new(2, 0, 0, 1), .mr = {2}};
    UT_ASSERT(start(&s1, 100));
    UT_ASSERT(start(&s2, 90));
    l4_word_t seen = 0;
    for (unsigned k = 0; k < 2; k++) {
        l4_word_t m[L4_MSG_REGISTERS] = {0}, badge = 0;
        l4_msginfo_t info = 0;
        UT_OK(l4_recv_mrs(ep, L4_CPTR_NULL, &badge, &info, m));
        UT_ASSERT(m[0] == 1 || m[0] == 2);
        UT_EQ(badge, m[0] == 1 ? 0x111 : 0x222);
        UT_EQ(l4_msginfo_get_label(info), m[0]);
        seen |= m[0];
    }
    UT_EQ(seen, 3);
}

UTEST(ipc_fifo_senders, "queued senders are received in the order they queued, not by "
                        "priority")
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0);
    UT_ASSERT(ep);
    static struct op s[3];
    static const uint8_t prio[3] = {10, 100, 50};
    for (unsigned i = 0; i < 3; i++) {
        s[i] = (struct op){
            .kind = OP_SEND, .cap = ep, .info = l4_msginfo_new(0, 0, 0, 1), .mr = {i + 1}};
        UT_ASSERT(start(&s[i], prio[i]));
        UT_ASSERT(ut_settle_once()); /* s[i] is queued before s[i + 1] starts */
        UT_EQ(s[i].finished, 0);
    }
    for (unsigned i = 0; i < 3; i++) {
        l4_word_t m[L4_MSG_REGISTERS] = {0};
        l4_msginfo_t info = 0;
        UT_OK(l4_nbrecv_mrs(ep, L4_CPTR_NULL, 0, &info, m));
        UT_EQ(l4_msginfo_get_length(info), 1);
        UT_EQ(m[0], i + 1);
    }
    l4_msginfo_t info = 1;
    UT_OK(l4_nbrecv(ep, L4_CPTR_NULL, 0, &info));
    UT_EQ(info, 0); /* the queue is empty */
    UT_EQ(l4_debug_check_invariants(), 0);
}

UTEST(ipc_fifo_receivers, "queued receivers get messages in the order they queued, not by "
                          "priority")
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0);
    UT_ASSERT(ep);
    static struct op r[2];
    r[0] = (struct op){.kind = OP_RECV, .cap = ep};
    r[1] = (struct op){.kind = OP_RECV, .cap = ep};
    UT_ASSERT(start(&r[0], 10));
    UT_ASSERT(ut_settle_once());
    UT_ASSERT(start(&r[1], 100));
    UT_ASSERT(ut_settle_once());
    l4_word_t m1[L4_MSG_REGISTERS] = {0x1001}, m2[L4_MSG_REGISTERS] = {0x1002};
    UT_OK(l4_nbsend_mrs(ep, l4_msginfo_new(0, 0, 0, 1), m1));
    UT_OK(l4_nbsend_mrs(ep, l4_msginfo_new(0, 0, 0, 1), m2));
    UT_ASSERT(ut_settle_once());
    UT_EQ(r[0].finished, 1);
    UT_EQ(r[1].finished, 1);
    UT_OK(r[0].status);
    UT_OK(r[1].status);
    UT_EQ(r[0].out_mr[0], 0x1001);
    UT_EQ(r[1].out_mr[0], 0x1002);
}

/* --- Non-blocking variants ------------------------------------------------------------ */

UTEST(ipc_nbsend_no_receiver, "NBSend with no receiver waiting drops the message: NoError, and "
                              "NBRecv finds nothing later")
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0), eb = ut_mint(ep, ALL, 0x99);
    UT_ASSERT(ep && eb);
    l4_word_t m[L4_MSG_REGISTERS] = {1, 2, 3, 4};
    UT_OK(l4_nbsend_mrs(ep, l4_msginfo_new(3, 0, 0, 4), m));
    UT_OK(l4_nbsend_mrs(eb, l4_msginfo_new(4, 0, 0, 4), m));
    l4_word_t badge = 0x55;
    l4_msginfo_t info = 0x55;
    UT_OK(nbrecv_junk(ep, &badge, &info));
    UT_EQ(badge, 0);
    UT_EQ(info, 0);
}

UTEST(ipc_nbsend_to_receiver, "NBSend to a waiting receiver delivers like Send")
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0), eb = ut_mint(ep, ALL, 0x5);
    UT_ASSERT(ep && eb);
    static struct op r;
    r = (struct op){.kind = OP_RECV, .cap = ep};
    UT_ASSERT(start(&r, 100));
    UT_ASSERT(ut_settle_once());
    l4_word_t m[L4_MSG_REGISTERS] = {0x99, 0x98};
    UT_OK(l4_nbsend_mrs(eb, l4_msginfo_new(0x31, 0, 0, 2), m));
    UT_ASSERT(ut_settle_once());
    UT_EQ(r.finished, 1);
    UT_OK(r.status);
    UT_EQ(r.badge, 0x5);
    UT_EQ(l4_msginfo_get_label(r.out_info), 0x31);
    UT_EQ(l4_msginfo_get_length(r.out_info), 2);
    UT_EQ(r.out_mr[0], 0x99);
    UT_EQ(r.out_mr[1], 0x98);
}

UTEST(ipc_nbrecv_nothing, "NBRecv with nothing pending returns NoError, badge 0 and info 0 "
                          "without queueing")
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0), eb = ut_mint(ep, ALL, 0x3);
    UT_ASSERT(ep && eb);
    l4_word_t badge = 0x1234;
    l4_msginfo_t info = 0x5678;
    UT_OK(nbrecv_junk(eb, &badge, &info));
    UT_EQ(badge, 0);
    UT_EQ(info, 0);
    UT_OK(l4_nbrecv(ep, L4_CPTR_NULL, &badge, &info));
    UT_EQ(badge, 0);
    UT_EQ(info, 0);
    /* it did not leave a receiver behind: an NBSend now finds nobody */
    UT_OK(l4_nbsend(ep, l4_msginfo_new(1, 0, 0, 0)));
    UT_OK(nbrecv_junk(ep, &badge, &info));
    UT_EQ(badge, 0);
    UT_EQ(info, 0);
    UT_EQ(l4_debug_check_invariants(), 0);
}

/* --- Capabilities and rights ------------------------------------------------------------ */

UTEST(ipc_send_needs_write, "Send, NBSend and Call through a capability without Write are "
                            "InvalidCapability")
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0);
    l4_cptr_t r =
        ut_mint(ep, L4_CAP_RIGHTS_READ | L4_CAP_RIGHTS_GRANT | L4_CAP_RIGHTS_GRANT_REPLY, 0);
    UT_ASSERT(ep && r && rescue(ep));
    UT_ERR(l4_send(r, l4_msginfo_new(1, 0, 0, 0)), L4_INVALID_CAPABILITY);
    UT_ERR(l4_nbsend(r, l4_msginfo_new(1, 0, 0, 0)), L4_INVALID_CAPABILITY);
    UT_ERR(l4_call(r, l4_msginfo_new(1, 0, 0, 0), 0), L4_INVALID_CAPABILITY);
    l4_msginfo_t info = 1;
    UT_OK(l4_nbrecv(ep, L4_CPTR_NULL, 0, &info));
    UT_EQ(info, 0); /* nothing was queued */
}

UTEST(ipc_recv_needs_read, "Recv, NBRecv and ReplyRecv through a capability without Read are "
                           "InvalidCapability")
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0), reply = ut_new(L4_OBJECT_REPLY, 0);
    l4_cptr_t w =
        ut_mint(ep, L4_CAP_RIGHTS_WRITE | L4_CAP_RIGHTS_GRANT | L4_CAP_RIGHTS_GRANT_REPLY, 0);
    UT_ASSERT(ep && reply && w && rescue(ep));
    UT_ERR(l4_recv(w, L4_CPTR_NULL, 0, 0), L4_INVALID_CAPABILITY);
    UT_ERR(l4_recv(w, reply, 0, 0), L4_INVALID_CAPABILITY);
    UT_ERR(l4_nbrecv(w, L4_CPTR_NULL, 0, 0), L4_INVALID_CAPABILITY);
    UT_ERR(l4_reply_recv(w, l4_msginfo_new(0, 0, 0, 0), reply, 0, 0), L4_INVALID_CAPABILITY);
    /* the capability still sends */
    UT_OK(l4_nbsend(w, l4_msginfo_new(1, 0, 0, 0)));
}

UTEST(ipc_call_needs_grant_reply, "Call without GrantReply is InvalidCapability, though Send "
                                  "through the same capability works")
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0);
    l4_cptr_t c = ut_mint(ep, RW | L4_CAP_RIGHTS_GRANT, 0x6);
    UT_ASSERT(ep && c);
    static struct op r;
    r = (struct op){.kind = OP_RECV, .cap = ep};
    UT_ASSERT(start(&r, 100));
    UT_ASSERT(ut_settle_once());
    UT_OK(l4_send(c, l4_msginfo_new(0x12, 0, 0, 0)));
    UT_ASSERT(ut_settle_once());
    UT_OK(r.status);
    UT_EQ(r.badge, 0x6);
    UT_EQ(l4_msginfo_get_label(r.out_info), 0x12);
    UT_ASSERT(rescue(ep));
    UT_ERR(l4_call(c, l4_msginfo_new(1, 0, 0, 0), 0), L4_INVALID_CAPABILITY);
    l4_msginfo_t info = 1;
    UT_OK(l4_nbrecv(ep, L4_CPTR_NULL, 0, &info));
    UT_EQ(info, 0); /* the refused Call did not queue */
}

UTEST(ipc_invalid_cptr, "IPC through an empty slot, the null cptr or a cptr that does not "
                        "resolve is InvalidCapability")
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0), empty = ut_slot();
    UT_ASSERT(ep && empty);
    l4_cptr_t bad = ep | (UINT64_C(1) << 40); /* breaks the root CNode's guard */
    const l4_cptr_t cptrs[3] = {empty, L4_CPTR_NULL, bad};
    for (unsigned i = 0; i < 3; i++) {
        UT_ERR(l4_send(cptrs[i], l4_msginfo_new(1, 0, 0, 0)), L4_INVALID_CAPABILITY);
        UT_ERR(l4_nbsend(cptrs[i], l4_msginfo_new(1, 0, 0, 0)), L4_INVALID_CAPABILITY);
        UT_ERR(l4_call(cptrs[i], l4_msginfo_new(1, 0, 0, 0), 0), L4_INVALID_CAPABILITY);
        UT_ERR(l4_recv(cptrs[i], L4_CPTR_NULL, 0, 0), L4_INVALID_CAPABILITY);
        UT_ERR(l4_nbrecv(cptrs[i], L4_CPTR_NULL, 0, 0), L4_INVALID_CAPABILITY);
    }
}

UTEST(ipc_recv_non_endpoint, "Recv and NBRecv on a TCB, CNode, Untyped or Reply capability are "
                             "InvalidCapability")
{
    l4_cptr_t tcb = ut_new(L4_OBJECT_TCB, 0), cn = ut_new(L4_OBJECT_CNODE, 2);
    l4_cptr_t reply = ut_new(L4_OBJECT_REPLY, 0);
    UT_ASSERT(tcb && cn && reply);
    const l4_cptr_t caps[4] = {tcb, cn, ut_untyped(), reply};
    for (unsigned i = 0; i < 4; i++) {
        UT_ERR(l4_recv(caps[i], L4_CPTR_NULL, 0, 0), L4_INVALID_CAPABILITY);
        UT_ERR(l4_nbrecv(caps[i], L4_CPTR_NULL, 0, 0), L4_INVALID_CAPABILITY);
    }
}

/* --- Scheduling ------------------------------------------------------------------ */

/* Wait on n until every bit of mask has been signalled. */
static void wait_all(l4_cptr_t n, l4_word_t mask)
{
    l4_word_t all = 0;
    while ((all & mask) != mask) {
        l4_word_t w = 0;
        UT_OK(l4_wait(n, &w));
        all |= w;
    }
}

UTEST(ipc_send_preempts, "a higher-priority receiver woken by a Send runs before the sender "
                         "continues")
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0), n = ut_new(L4_OBJECT_NOTIFICATION, 0);
    l4_cptr_t d1 = ut_mint(n, ALL, 1), d2 = ut_mint(n, ALL, 2);
    UT_ASSERT(ep && n && d1 && d2);
    static struct op r, s;
    r = (struct op){.kind = OP_RECV, .cap = ep, .id = 1, .done = d1};
    s = (struct op){
        .kind = OP_SEND, .cap = ep, .info = l4_msginfo_new(0, 0, 0, 0), .id = 2, .done = d2};
    nevents = 0;
    UT_ASSERT(start(&r, 100)); /* runs first and waits in Recv */
    UT_ASSERT(start(&s, 50));
    wait_all(n, 3);
    UT_OK(r.status);
    UT_OK(s.status);
    UT_EQ(nevents, 4);
    UT_EQ(events[0], EV(1, 1));
    UT_EQ(events[1], EV(2, 1));
    UT_EQ(events[2], EV(1, 2)); /* the receiver ran as soon as the Send woke it */
    UT_EQ(events[3], EV(2, 2));
}

UTEST(ipc_send_no_preempt_lower, "a lower-priority receiver woken by a Send waits until the "
                                 "sender is done")
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0), n = ut_new(L4_OBJECT_NOTIFICATION, 0);
    l4_cptr_t d1 = ut_mint(n, ALL, 1), d2 = ut_mint(n, ALL, 2);
    UT_ASSERT(ep && n && d1 && d2);
    static struct op r, s;
    r = (struct op){.kind = OP_RECV, .cap = ep, .id = 1, .done = d1};
    s = (struct op){
        .kind = OP_SEND, .cap = ep, .info = l4_msginfo_new(0, 0, 0, 0), .id = 2, .done = d2};
    nevents = 0;
    UT_ASSERT(start(&r, 50));
    UT_ASSERT(ut_settle_once()); /* the receiver waits in Recv */
    UT_ASSERT(start(&s, 100));
    wait_all(n, 3);
    UT_OK(r.status);
    UT_OK(s.status);
    UT_EQ(nevents, 4);
    UT_EQ(events[0], EV(1, 1));
    UT_EQ(events[1], EV(2, 1));
    UT_EQ(events[2], EV(2, 2)); /* the sender went on */
    UT_EQ(events[3], EV(1, 2));
}

/* --- Destruction ------------------------------------------------------------------ */

UTEST(ipc_delete_wakes_receivers, "deleting an endpoint wakes the receivers blocked on it with "
                                  "Cancelled")
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0);
    UT_ASSERT(ep);
    static struct op r[2];
    r[0] = (struct op){.kind = OP_RECV, .cap = ep};
    r[1] = (struct op){.kind = OP_RECV, .cap = ep};
    UT_ASSERT(start(&r[0], 100));
    UT_ASSERT(start(&r[1], 90));
    UT_ASSERT(ut_settle_once());
    UT_EQ(r[0].finished + r[1].finished, 0);
    UT_OK(ut_delete(ep));
    UT_ASSERT(ut_settle_once());
    UT_EQ(r[0].finished, 1);
    UT_EQ(r[1].finished, 1);
    UT_ERR(r[0].status, L4_CANCELLED);
    UT_ERR(r[1].status, L4_CANCELLED);
    UT_EQ(l4_debug_check_invariants(), 0);
}

UTEST(ipc_delete_wakes_senders, "deleting an endpoint wakes its blocked sender and caller with "
                                "Cancelled")
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0), keep = ut_new(L4_OBJECT_ENDPOINT, 0);
    UT_ASSERT(ep && keep);
    static struct op s, c;
    s = (struct op){.kind = OP_SEND, .cap = ep, .info = l4_msginfo_new(1, 0, 0, 1)};
    c = (struct op){.kind = OP_CALL, .cap = ep, .info = l4_msginfo_new(2, 0, 0, 1)};
    UT_ASSERT(start(&s, 100));
    UT_ASSERT(start(&c, 90));
    UT_ASSERT(ut_settle_once());
    UT_EQ(s.finished + c.finished, 0);
    UT_OK(ut_delete(ep));
    UT_ASSERT(ut_settle_once());
    UT_EQ(s.finished, 1);
    UT_EQ(c.finished, 1);
    UT_ERR(s.status, L4_CANCELLED);
    UT_ERR(c.status, L4_CANCELLED);
    /* the other endpoint was not touched */
    l4_msginfo_t info = 1;
    UT_OK(l4_nbrecv(keep, L4_CPTR_NULL, 0, &info));
    UT_EQ(info, 0);
    UT_EQ(l4_debug_check_invariants(), 0);
}

UTEST(ipc_delete_copy_keeps_queue, "deleting one of two capabilities leaves the endpoint and "
                                   "its queue alone")
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0), c = ut_mint(ep, ALL, 0);
    UT_ASSERT(ep && c);
    static struct op s;
    s = (struct op){.kind = OP_SEND, .cap = c, .info = l4_msginfo_new(0, 0, 0, 1), .mr = {0x66}};
    UT_ASSERT(start(&s, 100));
    UT_ASSERT(ut_settle_once());
    UT_OK(ut_delete(c)); /* the sender's capability; the object lives on through ep */
    UT_EQ(s.finished, 0);
    l4_word_t m[L4_MSG_REGISTERS] = {0};
    UT_OK(l4_nbrecv_mrs(ep, L4_CPTR_NULL, 0, 0, m));
    UT_EQ(m[0], 0x66);
    UT_ASSERT(ut_settle_once());
    UT_OK(s.status);
}
