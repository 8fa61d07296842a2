/* SPDX-License-Identifier: MIT */
/*
 * User-level tests of libl4's server loop (<l4/server.h>) on the kernel.
 *
 * A server thread runs l4_server_run() on an endpoint with three Reply
 * objects and a client table of three badges. The test function and two
 * caller threads Call it through badged copies of the endpoint: an
 * operation answered at once, an operation whose Reply the handler keeps
 * (two callers), and one that answers both kept Replies, in the reverse
 * order of their keeping, each with the right caller's words. Around that:
 * the third keep fails while only the current Reply is left, a stale token
 * is refused, unknown badges (and the unbadged capability) and unknown
 * labels get error answers and the loop goes on, and a stop operation ends
 * l4_server_run() with NoError after its answer.
 */
#include <l4/server.h>
#include "utest.h"

#define PRIO_SERVER 200
#define PRIO_CALLER 150

enum { OP_ADD = 1, OP_LATER = 2, OP_RELEASE = 3, OP_STOP = 4 };

struct client {
    l4_word_t bias;
};

static struct client clients[3] = {{1000}, {2000}, {3000}};
static const l4_word_t badges[3] = {0x11, 0x22, 0x33};

static struct l4_server srv;
static struct l4_client_entry entries[8];
static struct l4_client_table table;
static struct l4_reply_slot reply_slots[3];
static struct l4_reply_pool replies;

/* What the handlers did. */
static l4_reply_token_t kept[2];
static l4_word_t kept_word[2];
static unsigned nkept;
static volatile l4_error_t run_result;
static volatile int run_done;

static void op_add(struct l4_server *s, struct l4_server_msg *m)
{
    (void)s;
    const struct client *c = m->client;
    m->mr[0] = m->mr[0] + m->mr[1] + c->bias;
    m->answer_length = 1;
}

static void op_later(struct l4_server *s, struct l4_server_msg *m)
{
    l4_reply_token_t t;
    l4_error_t e = l4_server_keep(s, m, &t);
    if (e != L4_NO_ERROR) {
        m->status = e; /* no Reply object to spare: answer now */
        return;
    }
    kept[nkept] = t;
    kept_word[nkept] = m->mr[0];
    nkept++;
}

/* Answer the kept Replies, last kept first: sequence number and the
 * caller's own word; then a stale token must be refused. */
static void op_release(struct l4_server *s, struct l4_server_msg *m)
{
    l4_word_t seq = 1;
    l4_error_t first = L4_NO_ERROR;
    while (nkept > 0) {
        nkept--;
        l4_word_t w[2] = {seq++, kept_word[nkept]};
        l4_error_t e = l4_server_answer(s, kept[nkept], L4_NO_ERROR, w, 2);
        if (first == L4_NO_ERROR)
            first = e;
    }
    m->mr[0] = first;
    m->mr[1] = l4_server_answer(s, kept[0], L4_NO_ERROR, m->mr, 0); /* answered already */
    m->mr[2] = s->replies->nkept;
    m->answer_length = 3;
}

static void op_stop(struct l4_server *s, struct l4_server_msg *m)
{
    l4_server_stop(s);
    m->answer_length = 0;
}

static const struct l4_server_op ops[] = {
    {.label = OP_ADD, .handler = op_add},
    {.label = OP_LATER, .handler = op_later},
    {.label = OP_RELEASE, .handler = op_release},
    {.label = OP_STOP, .handler = op_stop},
};

static void server_fn(l4_word_t arg)
{
    (void)arg;
    run_result = l4_server_run(&srv);
    run_done = 1;
}

/* A Call with two words; the answer's label and words. */
struct answer {
    l4_error_t status;      /* of the Call itself */
    l4_word_t label, mr[3]; /* the server's answer */
};

static struct answer server_call(l4_cptr_t ep, l4_word_t label, l4_word_t a, l4_word_t b)
{
    l4_word_t mrs[L4_MSG_REGISTERS] = {a, b};
    l4_msginfo_t info = 0;
    struct answer r;
    r.status = l4_call_mrs(ep, l4_msginfo_new(label, 0, 0, 2), &info, mrs);
    r.label = l4_msginfo_get_label(info);
    for (unsigned i = 0; i < 3; i++)
        r.mr[i] = mrs[i];
    return r;
}

/* Caller threads: one Call of OP_LATER with their word, answer kept. */
static volatile struct answer later_answer[2];
static volatile int later_done[2];

static void later_fn(l4_word_t arg)
{
    unsigned i = UT_ARG_I(arg);
    struct answer r = server_call(UT_ARG_A(arg), OP_LATER, 0x100 + i, 0);
    later_answer[i].status = r.status;
    later_answer[i].label = r.label;
    later_answer[i].mr[0] = r.mr[0];
    later_answer[i].mr[1] = r.mr[1];
    later_done[i] = 1;
}

UTEST(server_loop_keeps_and_answers_later, "server loop: handler table, badge table, kept Replies "
                                           "answered later in reverse order, errors, stop")
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0);
    l4_cptr_t rc[3] = {ut_new(L4_OBJECT_REPLY, 0), ut_new(L4_OBJECT_REPLY, 0),
                       ut_new(L4_OBJECT_REPLY, 0)};
    UT_ASSERT(ep && rc[0] && rc[1] && rc[2]);
    l4_cptr_t cap[3], stranger = ut_mint(ep, L4_CAP_RIGHTS_ALL, 0x99);
    for (unsigned i = 0; i < 3; i++) {
        cap[i] = ut_mint(ep, L4_CAP_RIGHTS_ALL, badges[i]);
        UT_ASSERT(cap[i]);
    }
    UT_ASSERT(stranger);

    nkept = 0;
    run_done = 0;
    later_done[0] = later_done[1] = 0;
    UT_OK(l4_client_table_init(&table, entries, 8));
    for (unsigned i = 0; i < 3; i++)
        UT_OK(l4_client_table_add(&table, badges[i], &clients[i]));
    UT_OK(l4_reply_pool_init(&replies, reply_slots, rc, 3));
    l4_server_init(&srv, ep, ops, sizeof ops / sizeof ops[0], &table, &replies, NULL);
    UT_ASSERT(ut_settle_init());
    UT_ASSERT(ut_thread(server_fn, 0, PRIO_SERVER));

    /* answered at once, with the client's record */
    struct answer r = server_call(cap[0], OP_ADD, 20, 22);
    UT_OK(r.status);
    UT_EQ(r.label, L4_NO_ERROR);
    UT_EQ(r.mr[0], 1042);
    r = server_call(cap[2], OP_ADD, 1, 2);
    UT_EQ(r.label, L4_NO_ERROR);
    UT_EQ(r.mr[0], 3003);

    /* unknown badge, unbadged capability, unknown label: error answers */
    r = server_call(stranger, OP_ADD, 1, 2);
    UT_OK(r.status);
    UT_EQ(r.label, L4_INVALID_CAPABILITY);
    r = server_call(ep, OP_ADD, 1, 2);
    UT_EQ(r.label, L4_INVALID_CAPABILITY);
    r = server_call(cap[1], 77, 1, 2);
    UT_EQ(r.label, L4_ILLEGAL_OPERATION);

    /* two callers whose Replies are kept */
    UT_ASSERT(ut_thread(later_fn, UT_ARG(0, cap[1], 0), PRIO_CALLER));
    UT_ASSERT(ut_thread(later_fn, UT_ARG(1, cap[2], 0), PRIO_CALLER));
    UT_OK(ut_settle());
    UT_EQ(nkept, 2);
    UT_EQ(later_done[0], 0);
    UT_EQ(later_done[1], 0);
    UT_EQ(replies.nkept, 2);

    /* a third keep finds only the current Reply: answered at once */
    r = server_call(cap[0], OP_LATER, 7, 0);
    UT_OK(r.status);
    UT_EQ(r.label, L4_NOT_ENOUGH_MEMORY);
    /* the loop still answers with the Reply it keeps receiving with */
    r = server_call(cap[0], OP_ADD, 0, 0);
    UT_EQ(r.mr[0], 1000);

    /* answer both, last kept first; a repeated answer is refused */
    r = server_call(cap[0], OP_RELEASE, 0, 0);
    UT_OK(r.status);
    UT_EQ(r.label, L4_NO_ERROR);
    UT_EQ(r.mr[0], L4_NO_ERROR);
    UT_EQ(r.mr[1], L4_ILLEGAL_OPERATION);
    UT_EQ(r.mr[2], 0);
    UT_OK(ut_settle());
    UT_EQ(later_done[0], 1);
    UT_EQ(later_done[1], 1);
    UT_OK(later_answer[0].status);
    UT_OK(later_answer[1].status);
    UT_EQ(later_answer[0].label, L4_NO_ERROR);
    UT_EQ(later_answer[1].label, L4_NO_ERROR);
    UT_EQ(later_answer[1].mr[0], 1); /* kept second, answered first */
    UT_EQ(later_answer[1].mr[1], 0x101);
    UT_EQ(later_answer[0].mr[0], 2);
    UT_EQ(later_answer[0].mr[1], 0x100);

    /* the Replies are back: two more can be kept and answered */
    UT_ASSERT(ut_thread(later_fn, UT_ARG(0, cap[1], 0), PRIO_CALLER));
    UT_OK(ut_settle());
    UT_EQ(nkept, 1);
    r = server_call(cap[0], OP_RELEASE, 0, 0);
    UT_EQ(r.mr[0], L4_NO_ERROR);
    UT_OK(ut_settle());
    UT_EQ(later_answer[0].mr[0], 1);
    UT_EQ(later_answer[0].mr[1], 0x100);

    /* stop: answered, then l4_server_run() returns */
    r = server_call(cap[1], OP_STOP, 0, 0);
    UT_OK(r.status);
    UT_EQ(r.label, L4_NO_ERROR);
    UT_OK(ut_settle());
    UT_EQ(run_done, 1);
    UT_OK(run_result);
    UT_EQ(srv.refused, 3);
}
