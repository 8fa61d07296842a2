/* SPDX-License-Identifier: MIT */
/*
 * User-level tests of capability transfer in IPC (docs/kernel/ipc.md,
 * "Capability transfer").
 *
 * With Grant on the sender's endpoint capability (for a reply: on the
 * Call's), the first extra capability that is not to the endpoint itself is
 * copied into the receiver's receive slot (receive_cnode, receive_index,
 * receive_depth of its IPC buffer), derived from the sender's, with its
 * rights and badge; capabilities to the endpoint the message goes through
 * are unwrapped to their badges (caps_or_badges[i], bit i of
 * caps_unwrapped). Transfer stops at a capability that does not resolve,
 * cannot be copied (Untyped, Reply) or finds no free receive slot, and the
 * received extra_caps says how many arrived; without Grant nothing is
 * transferred and the message still arrives. The test function receives
 * (its receive slot is set for each test and cleared after it); senders and
 * callers are test threads (utest.h).
 */
#include "utest.h"

#define ALL      L4_CAP_RIGHTS_ALL
#define NO_GRANT (L4_CAP_RIGHTS_READ | L4_CAP_RIGHTS_WRITE | L4_CAP_RIGHTS_GRANT_REPLY)

/* --- Helpers ------------------------------------------------------------------ */

/* Name slot (of the root CNode) as the calling thread's receive slot;
 * slot 0 with depth 0: receive no capability. */
static void set_receive_slot(l4_cptr_t cnode, l4_word_t index, l4_word_t depth)
{
    struct l4_ipc_buffer *b = l4_ipc_buffer();
    b->receive_cnode = cnode;
    b->receive_index = index;
    b->receive_depth = depth;
}

/* A test whose body runs with the test thread's receive slot set by the
 * body, and cleared again however the body ends. */
#define XFER_TEST(name, description)                                                               \
    static void name##_body(void);                                                                 \
    UTEST(name, description)                                                                       \
    {                                                                                              \
        name##_body();                                                                             \
        set_receive_slot(0, 0, 0);                                                                 \
    }                                                                                              \
    static void name##_body(void)

enum op_kind { OP_SEND, OP_CALL };

/* A message a test thread sends or calls with, and what it got back. */
struct op {
    enum op_kind kind;
    l4_cptr_t cap; /* endpoint */
    l4_msginfo_t info;
    l4_word_t mr0;
    l4_cptr_t caps[L4_MSG_MAX_EXTRA_CAPS]; /* the extra capabilities */
    l4_cptr_t rslot;                       /* calling: receive slot for the reply, or 0 */
    /* results */
    volatile int finished;
    volatile l4_word_t status, out_info, out_mr0;
};

static void worker(l4_word_t arg)
{
    struct op *o = (struct op *)arg;
    struct l4_ipc_buffer *b = l4_ipc_buffer();
    l4_word_t mrs[L4_MSG_REGISTERS] = {o->mr0};
    l4_msginfo_t info = 0;
    l4_error_t e = L4_INVALID_ARGUMENT;
    for (unsigned i = 0; i < L4_MSG_MAX_EXTRA_CAPS; i++)
        b->caps_or_badges[i] = o->caps[i];
    if (o->rslot)
        set_receive_slot(UT_CNODE, o->rslot, UT_DEPTH);
    switch (o->kind) {
    case OP_SEND:
        e = l4_send_mrs(o->cap, o->info, mrs);
        break;
    case OP_CALL:
        e = l4_call_mrs(o->cap, o->info, &info, mrs);
        break;
    }
    set_receive_slot(0, 0, 0); /* the thread record is reused by later tests */
    o->status = e;
    o->out_info = info;
    o->out_mr0 = mrs[0];
    o->finished = 1;
}

/* A thread at priority 100 sending through cap: label 0x1c, MR0 = mr0, the
 * extra capabilities c0..c2 (0: none; their number is the highest given). */
static int send_caps(struct op *o, l4_cptr_t cap, l4_word_t mr0, l4_cptr_t c0, l4_cptr_t c1,
                     l4_cptr_t c2)
{
    unsigned n = c2 ? 3 : c1 ? 2 : c0 ? 1 : 0;
    *o = (struct op){.kind = OP_SEND,
                     .cap = cap,
                     .info = l4_msginfo_new(0x1c, 0, n, 1),
                     .mr0 = mr0,
                     .caps = {c0, c1, c2}};
    return ut_thread(worker, (l4_word_t)o, 100) != 0;
}

/* Receive one message on ep: its info and MR0. */
static l4_error_t receive(l4_cptr_t ep, l4_msginfo_t *info, l4_word_t *mr0)
{
    l4_word_t m[L4_MSG_REGISTERS] = {0};
    l4_error_t e = l4_recv_mrs(ep, L4_CPTR_NULL, 0, info, m);
    *mr0 = m[0];
    return e;
}

/* --- Transfer ------------------------------------------------------------------ */

XFER_TEST(xfer_grant_one, "with Grant, an extra capability arrives in the receiver's receive "
                          "slot with the message")
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0), n = ut_new(L4_OBJECT_NOTIFICATION, 0);
    l4_cptr_t nb = ut_mint(n, ALL, 0x12), slot = ut_slot();
    UT_ASSERT(ep && n && nb && slot);
    static struct op s;
    UT_ASSERT(send_caps(&s, ep, 0x42, nb, 0, 0));
    set_receive_slot(UT_CNODE, slot, UT_DEPTH);
    l4_msginfo_t info = 0;
    l4_word_t mr0 = 0;
    UT_OK(receive(ep, &info, &mr0));
    UT_EQ(l4_msginfo_get_label(info), 0x1c);
    UT_EQ(l4_msginfo_get_length(info), 1);
    UT_EQ(l4_msginfo_get_extra_caps(info), 1);
    UT_EQ(l4_msginfo_get_caps_unwrapped(info), 0);
    UT_EQ(mr0, 0x42);
    UT_EQ(ut_id(slot), L4_CAP_NOTIFICATION);
    UT_EQ(ut_id(nb), L4_CAP_NOTIFICATION); /* copied, not moved */
    UT_OK(l4_signal(slot));                /* the same object, the same badge */
    UT_EQ(ut_poll_word(n), 0x12);
    UT_ASSERT(ut_settle_once());
    UT_OK(s.status);
}

XFER_TEST(xfer_derived, "the received capability is derived from the sender's: revoking the "
                        "sender's deletes it")
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0), n = ut_new(L4_OBJECT_NOTIFICATION, 0);
    l4_cptr_t other = ut_mint(n, ALL, 0), slot = ut_slot();
    UT_ASSERT(ep && n && other && slot);
    static struct op s;
    l4_cptr_t b = ut_mint(n, ALL, 0x9);
    UT_ASSERT(b && send_caps(&s, ep, 0, b, 0, 0));
    set_receive_slot(UT_CNODE, slot, UT_DEPTH);
    l4_msginfo_t info = 0;
    l4_word_t mr0 = 0;
    UT_OK(receive(ep, &info, &mr0));
    UT_EQ(l4_msginfo_get_extra_caps(info), 1);
    UT_EQ(ut_id(slot), L4_CAP_NOTIFICATION);
    UT_OK(l4_cnode_revoke(UT_CNODE, b, UT_DEPTH));
    UT_EQ(ut_id(slot), L4_CAP_NULL);
    UT_EQ(ut_id(b), L4_CAP_NOTIFICATION);
    UT_EQ(ut_id(other), L4_CAP_NOTIFICATION); /* not derived from b */
}

XFER_TEST(xfer_rights_badge, "the received capability keeps the sender's rights and badge")
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0), n = ut_new(L4_OBJECT_NOTIFICATION, 0);
    l4_cptr_t wb = ut_mint(n, L4_CAP_RIGHTS_WRITE, 0x30), slot = ut_slot();
    UT_ASSERT(ep && n && wb && slot);
    static struct op s;
    UT_ASSERT(send_caps(&s, ep, 0, wb, 0, 0));
    set_receive_slot(UT_CNODE, slot, UT_DEPTH);
    l4_msginfo_t info = 0;
    l4_word_t mr0 = 0;
    UT_OK(receive(ep, &info, &mr0));
    UT_EQ(l4_msginfo_get_extra_caps(info), 1);
    UT_OK(l4_signal(slot));
    UT_EQ(ut_poll_word(n), 0x30);
    l4_word_t w = 0;
    UT_ERR(l4_poll(slot, &w), L4_INVALID_CAPABILITY); /* no Read */
}

XFER_TEST(xfer_no_grant, "without Grant the message arrives but no capability: extra_caps 0, "
                         "the slot stays empty")
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0), n = ut_new(L4_OBJECT_NOTIFICATION, 0);
    l4_cptr_t ng = ut_mint(ep, NO_GRANT, 0x4), slot = ut_slot();
    UT_ASSERT(ep && n && ng && slot);
    static struct op s;
    UT_ASSERT(send_caps(&s, ng, 0x77, n, 0, 0));
    set_receive_slot(UT_CNODE, slot, UT_DEPTH);
    l4_msginfo_t info = 0;
    l4_word_t mr0 = 0;
    UT_OK(receive(ep, &info, &mr0));
    UT_EQ(l4_msginfo_get_label(info), 0x1c);
    UT_EQ(l4_msginfo_get_length(info), 1);
    UT_EQ(mr0, 0x77);
    UT_EQ(l4_msginfo_get_extra_caps(info), 0);
    UT_EQ(ut_id(slot), L4_CAP_NULL);
    UT_ASSERT(ut_settle_once());
    UT_OK(s.status);
}

XFER_TEST(xfer_sender_first, "a queued sender's capability is transferred when the receiver "
                             "arrives, into the slot named then")
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0), n = ut_new(L4_OBJECT_NOTIFICATION, 0);
    l4_cptr_t slot = ut_slot();
    UT_ASSERT(ep && n && slot);
    static struct op s;
    UT_ASSERT(send_caps(&s, ep, 0x5, n, 0, 0));
    UT_ASSERT(ut_settle_once());
    UT_EQ(s.finished, 0);
    set_receive_slot(UT_CNODE, slot, UT_DEPTH);
    l4_msginfo_t info = 0;
    l4_word_t mr0 = 0;
    UT_OK(receive(ep, &info, &mr0));
    UT_EQ(mr0, 0x5);
    UT_EQ(l4_msginfo_get_extra_caps(info), 1);
    UT_EQ(ut_id(slot), L4_CAP_NOTIFICATION);
}

XFER_TEST(xfer_other_endpoint, "a capability to another endpoint is transferred, not unwrapped")
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0), ep2 = ut_new(L4_OBJECT_ENDPOINT, 0);
    l4_cptr_t e2b = ut_mint(ep2, ALL, 0x66), slot = ut_slot();
    UT_ASSERT(ep && ep2 && e2b && slot);
    static struct op s;
    UT_ASSERT(send_caps(&s, ep, 0, e2b, 0, 0));
    set_receive_slot(UT_CNODE, slot, UT_DEPTH);
    l4_msginfo_t info = 0;
    l4_word_t mr0 = 0;
    UT_OK(receive(ep, &info, &mr0));
    UT_EQ(l4_msginfo_get_extra_caps(info), 1);
    UT_EQ(l4_msginfo_get_caps_unwrapped(info), 0);
    UT_EQ(ut_id(slot), L4_CAP_ENDPOINT);
    /* it names ep2: it receives what a sender queued there */
    static struct op s2;
    UT_ASSERT(send_caps(&s2, ep2, 0x9, 0, 0, 0));
    UT_ASSERT(ut_settle_once());
    UT_EQ(s2.finished, 0);
    UT_OK(l4_nbrecv(slot, L4_CPTR_NULL, 0, &info));
    UT_EQ(l4_msginfo_get_label(info), 0x1c);
    UT_EQ(l4_ipc_buffer()->msg[0], 0x9);
}

/* --- Unwrapping ------------------------------------------------------------------ */

XFER_TEST(xfer_unwrap, "a capability to the endpoint the message goes through is unwrapped: "
                       "badge in caps_or_badges, caps_unwrapped bit set")
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0), sb = ut_mint(ep, ALL, 0x11);
    l4_cptr_t eb = ut_mint(ep, ALL, 0x55), slot = ut_slot();
    UT_ASSERT(ep && sb && eb && slot);
    static struct op s;
    UT_ASSERT(send_caps(&s, sb, 0, eb, ep, 0));
    set_receive_slot(UT_CNODE, slot, UT_DEPTH);
    struct l4_ipc_buffer *b = l4_ipc_buffer();
    b->caps_or_badges[0] = b->caps_or_badges[1] = b->caps_or_badges[2] = 0xdead;
    l4_word_t m[L4_MSG_REGISTERS] = {0}, badge = 0;
    l4_msginfo_t info = 0;
    UT_OK(l4_recv_mrs(ep, L4_CPTR_NULL, &badge, &info, m));
    UT_EQ(badge, 0x11);
    UT_EQ(l4_msginfo_get_extra_caps(info), 2);
    UT_EQ(l4_msginfo_get_caps_unwrapped(info), 0x3);
    UT_EQ(b->caps_or_badges[0], 0x55);
    UT_EQ(b->caps_or_badges[1], 0);  /* the unbadged original */
    UT_EQ(ut_id(slot), L4_CAP_NULL); /* nothing copied */
}

XFER_TEST(xfer_unwrap_mixed, "unwrapped capabilities mix with a transferred one: badges for the "
                             "endpoint's, the slot for the other")
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0), n = ut_new(L4_OBJECT_NOTIFICATION, 0);
    l4_cptr_t e1 = ut_mint(ep, ALL, 0x55), e2 = ut_mint(ep, ALL, 0x66), nb = ut_mint(n, ALL, 0x30);
    l4_cptr_t slot = ut_slot();
    UT_ASSERT(ep && n && e1 && e2 && nb && slot);
    static struct op s;
    UT_ASSERT(send_caps(&s, ep, 0, e1, nb, e2));
    set_receive_slot(UT_CNODE, slot, UT_DEPTH);
    struct l4_ipc_buffer *b = l4_ipc_buffer();
    l4_msginfo_t info = 0;
    l4_word_t mr0 = 0;
    UT_OK(receive(ep, &info, &mr0));
    UT_EQ(l4_msginfo_get_extra_caps(info), 3);
    UT_EQ(l4_msginfo_get_caps_unwrapped(info), 0x5);
    UT_EQ(b->caps_or_badges[0], 0x55);
    UT_EQ(b->caps_or_badges[2], 0x66);
    UT_EQ(ut_id(slot), L4_CAP_NOTIFICATION);
    UT_OK(l4_signal(slot));
    UT_EQ(ut_poll_word(n), 0x30);
}

/* --- Where transfer stops ------------------------------------------------------------ */

XFER_TEST(xfer_slot_occupied, "an occupied receive slot: the capability is not transferred and "
                              "the slot keeps what it held")
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0), n = ut_new(L4_OBJECT_NOTIFICATION, 0);
    l4_cptr_t e1 = ut_mint(ep, ALL, 0x21), slot = ut_new(L4_OBJECT_TCB, 0);
    UT_ASSERT(ep && n && e1 && slot);
    static struct op s1, s2;
    UT_ASSERT(send_caps(&s1, ep, 0x1, n, 0, 0));
    set_receive_slot(UT_CNODE, slot, UT_DEPTH);
    l4_msginfo_t info = 0;
    l4_word_t mr0 = 0;
    UT_OK(receive(ep, &info, &mr0));
    UT_EQ(mr0, 0x1); /* the message arrives */
    UT_EQ(l4_msginfo_get_extra_caps(info), 0);
    UT_EQ(ut_id(slot), L4_CAP_TCB);
    /* unwrapping needs no slot: it goes on up to the capability that does */
    UT_ASSERT(send_caps(&s2, ep, 0x2, e1, n, 0));
    UT_OK(receive(ep, &info, &mr0));
    UT_EQ(mr0, 0x2);
    UT_EQ(l4_msginfo_get_extra_caps(info), 1);
    UT_EQ(l4_msginfo_get_caps_unwrapped(info), 0x1);
    UT_EQ(l4_ipc_buffer()->caps_or_badges[0], 0x21);
    UT_EQ(ut_id(slot), L4_CAP_TCB);
}

XFER_TEST(xfer_no_receive_slot, "no usable receive slot (depth 0, or receive_cnode not a CNode): "
                                "nothing is transferred")
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0), n = ut_new(L4_OBJECT_NOTIFICATION, 0);
    l4_cptr_t slot = ut_slot();
    UT_ASSERT(ep && n && slot);
    static struct op s1, s2;
    UT_ASSERT(send_caps(&s1, ep, 0x1, n, 0, 0));
    set_receive_slot(UT_CNODE, slot, 0);
    l4_msginfo_t info = 0;
    l4_word_t mr0 = 0;
    UT_OK(receive(ep, &info, &mr0));
    UT_EQ(mr0, 0x1);
    UT_EQ(l4_msginfo_get_extra_caps(info), 0);
    UT_EQ(ut_id(slot), L4_CAP_NULL);
    UT_ASSERT(send_caps(&s2, ep, 0x2, n, 0, 0));
    set_receive_slot(ep, slot, UT_DEPTH);
    UT_OK(receive(ep, &info, &mr0));
    UT_EQ(mr0, 0x2);
    UT_EQ(l4_msginfo_get_extra_caps(info), 0);
    UT_EQ(ut_id(slot), L4_CAP_NULL);
}

XFER_TEST(xfer_untyped_never, "an Untyped is never transferred, and transfer stops at it")
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0), n = ut_new(L4_OBJECT_NOTIFICATION, 0);
    l4_cptr_t u = ut_new(L4_OBJECT_UNTYPED, 12), e1 = ut_mint(ep, ALL, 0x31), slot = ut_slot();
    UT_ASSERT(ep && n && u && e1 && slot);
    static struct op s1, s2;
    UT_ASSERT(send_caps(&s1, ep, 0x1, u, 0, 0));
    set_receive_slot(UT_CNODE, slot, UT_DEPTH);
    l4_msginfo_t info = 0;
    l4_word_t mr0 = 0;
    UT_OK(receive(ep, &info, &mr0));
    UT_EQ(mr0, 0x1);
    UT_EQ(l4_msginfo_get_extra_caps(info), 0);
    UT_EQ(ut_id(slot), L4_CAP_NULL);
    UT_EQ(ut_id(u), L4_CAP_UNTYPED);
    UT_ASSERT(send_caps(&s2, ep, 0x2, e1, u, n));
    UT_OK(receive(ep, &info, &mr0));
    UT_EQ(l4_msginfo_get_extra_caps(info), 1); /* the unwrapped one only */
    UT_EQ(l4_msginfo_get_caps_unwrapped(info), 0x1);
    UT_EQ(ut_id(slot), L4_CAP_NULL); /* n, after the untyped, did not travel */
}

XFER_TEST(xfer_reply_never, "a Reply capability is never transferred")
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0), r = ut_new(L4_OBJECT_REPLY, 0);
    l4_cptr_t slot = ut_slot();
    UT_ASSERT(ep && r && slot);
    static struct op s;
    UT_ASSERT(send_caps(&s, ep, 0x1, r, 0, 0));
    set_receive_slot(UT_CNODE, slot, UT_DEPTH);
    l4_msginfo_t info = 0;
    l4_word_t mr0 = 0;
    UT_OK(receive(ep, &info, &mr0));
    UT_EQ(mr0, 0x1);
    UT_EQ(l4_msginfo_get_extra_caps(info), 0);
    UT_EQ(ut_id(slot), L4_CAP_NULL);
}

XFER_TEST(xfer_unresolved, "transfer stops at an extra capability that does not resolve")
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0), n = ut_new(L4_OBJECT_NOTIFICATION, 0);
    l4_cptr_t empty = ut_slot(), slot = ut_slot();
    UT_ASSERT(ep && n && empty && slot);
    static struct op s1, s2;
    UT_ASSERT(send_caps(&s1, ep, 0x1, empty, n, 0));
    set_receive_slot(UT_CNODE, slot, UT_DEPTH);
    l4_msginfo_t info = 0;
    l4_word_t mr0 = 0;
    UT_OK(receive(ep, &info, &mr0));
    UT_EQ(mr0, 0x1);
    UT_EQ(l4_msginfo_get_extra_caps(info), 0);
    UT_EQ(ut_id(slot), L4_CAP_NULL);
    /* n first, then the empty slot: n arrives, the count says 1 */
    UT_ASSERT(send_caps(&s2, ep, 0x2, n, empty, 0));
    UT_OK(receive(ep, &info, &mr0));
    UT_EQ(l4_msginfo_get_extra_caps(info), 1);
    UT_EQ(ut_id(slot), L4_CAP_NOTIFICATION);
}

XFER_TEST(xfer_one_slot, "only the first transferable capability arrives: there is one receive "
                         "slot")
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0);
    l4_cptr_t n1 = ut_new(L4_OBJECT_NOTIFICATION, 0), n2 = ut_new(L4_OBJECT_NOTIFICATION, 0);
    l4_cptr_t b1 = ut_mint(n1, ALL, 0x1), b2 = ut_mint(n2, ALL, 0x2), slot = ut_slot();
    UT_ASSERT(ep && n1 && n2 && b1 && b2 && slot);
    static struct op s;
    UT_ASSERT(send_caps(&s, ep, 0, b1, b2, 0));
    set_receive_slot(UT_CNODE, slot, UT_DEPTH);
    l4_msginfo_t info = 0;
    l4_word_t mr0 = 0;
    UT_OK(receive(ep, &info, &mr0));
    UT_EQ(l4_msginfo_get_extra_caps(info), 1);
    UT_OK(l4_signal(slot));
    UT_EQ(ut_poll_word(n1), 0x1);
    UT_EQ(ut_poll_word(n2), 0);
}

XFER_TEST(xfer_sub_cnode, "the receive slot may be in another CNode, named by receive_cnode and "
                          "its own depth")
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0), n = ut_new(L4_OBJECT_NOTIFICATION, 0);
    l4_cptr_t cn = ut_new(L4_OBJECT_CNODE, 3), back = ut_slot();
    UT_ASSERT(ep && n && cn && back);
    static struct op s;
    UT_ASSERT(send_caps(&s, ep, 0, n, 0, 0));
    set_receive_slot(cn, 5, 3);
    l4_msginfo_t info = 0;
    l4_word_t mr0 = 0;
    UT_OK(receive(ep, &info, &mr0));
    UT_EQ(l4_msginfo_get_extra_caps(info), 1);
    UT_OK(l4_cnode_move(UT_CNODE, back, UT_DEPTH, cn, 5, 3));
    UT_EQ(ut_id(back), L4_CAP_NOTIFICATION);
}

/* --- Replies ------------------------------------------------------------------ */

XFER_TEST(xfer_reply_grant, "a reply carries a capability if the Call's capability had Grant, "
                            "and not otherwise")
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0), n = ut_new(L4_OBJECT_NOTIFICATION, 0);
    l4_cptr_t r = ut_new(L4_OBJECT_REPLY, 0), ng = ut_mint(ep, NO_GRANT, 0);
    l4_cptr_t slot1 = ut_slot(), slot2 = ut_slot();
    UT_ASSERT(ep && n && r && ng && slot1 && slot2);
    static struct op c1, c2;
    c1 =
        (struct op){.kind = OP_CALL, .cap = ep, .info = l4_msginfo_new(1, 0, 0, 0), .rslot = slot1};
    c2 =
        (struct op){.kind = OP_CALL, .cap = ng, .info = l4_msginfo_new(2, 0, 0, 0), .rslot = slot2};
    UT_ASSERT(ut_thread(worker, (l4_word_t)&c1, 100));
    UT_ASSERT(ut_thread(worker, (l4_word_t)&c2, 90));
    struct l4_ipc_buffer *b = l4_ipc_buffer();
    for (unsigned k = 0; k < 2; k++) {
        l4_msginfo_t info = 0;
        UT_OK(l4_recv(ep, r, 0, &info));
        UT_EQ(l4_msginfo_get_label(info), k + 1);
        l4_word_t m[L4_MSG_REGISTERS] = {0x70 + k};
        b->caps_or_badges[0] = n;
        UT_OK(l4_send_mrs(r, l4_msginfo_new(0, 0, 1, 1), m));
    }
    UT_ASSERT(ut_settle_once());
    UT_OK(c1.status);
    UT_EQ(c1.out_mr0, 0x70);
    UT_EQ(l4_msginfo_get_extra_caps(c1.out_info), 1);
    UT_EQ(ut_id(slot1), L4_CAP_NOTIFICATION);
    UT_OK(c2.status);
    UT_EQ(c2.out_mr0, 0x71); /* the answer, without the capability */
    UT_EQ(l4_msginfo_get_extra_caps(c2.out_info), 0);
    UT_EQ(ut_id(slot2), L4_CAP_NULL);
}

XFER_TEST(xfer_call_carries_cap, "a Call with Grant carries a capability to the server")
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0), n = ut_new(L4_OBJECT_NOTIFICATION, 0);
    l4_cptr_t r = ut_new(L4_OBJECT_REPLY, 0), slot = ut_slot();
    UT_ASSERT(ep && n && r && slot);
    static struct op c;
    c = (struct op){
        .kind = OP_CALL, .cap = ep, .info = l4_msginfo_new(3, 0, 1, 1), .mr0 = 0x3, .caps = {n}};
    UT_ASSERT(ut_thread(worker, (l4_word_t)&c, 100));
    set_receive_slot(UT_CNODE, slot, UT_DEPTH);
    l4_msginfo_t info = 0;
    UT_OK(l4_recv(ep, r, 0, &info));
    UT_EQ(l4_msginfo_get_extra_caps(info), 1);
    UT_EQ(ut_id(slot), L4_CAP_NOTIFICATION);
    UT_OK(l4_send(r, l4_msginfo_new(0, 0, 0, 0)));
    UT_ASSERT(ut_settle_once());
    UT_OK(c.status);
}
