/* SPDX-License-Identifier: MIT */
/*
 * Server loop: ReplyRecv on an endpoint, a handler per message label, a
 * badge-to-client table and a pool of Reply objects (libl4/server/).
 *
 * Interface:
 *   struct l4_client_table   badge -> client record (void *): add, remove,
 *                            lookup; open addressing in an array the caller
 *                            owns (capacity a power of two). Badge 0
 *                            (unbadged) and badges of L4_BADGE_BITS or more
 *                            bits are never clients.
 *   struct l4_reply_pool     the Reply objects the loop receives with. One
 *                            is current (named by the next receive); a
 *                            handler may keep it to answer later
 *                            (l4_server_keep() gives a token), and the loop
 *                            takes a free one as the next current. An
 *                            answered kept Reply goes back to the pool.
 *                            Tokens carry a generation, so a stale or
 *                            repeated answer is refused, not misdirected.
 *   struct l4_server         the endpoint, an operation table sorted or not
 *                            (label -> handler, and whether the sender must
 *                            be a known client), the two tables above.
 *   l4_server_dispatch()     pure: look the label and badge up, run the
 *                            handler or make the error answer
 *   l4_server_run()          the loop: Recv, then dispatch and ReplyRecv
 *                            (or Recv with a fresh Reply object after a
 *                            keep) until a handler calls l4_server_stop()
 *   l4_server_answer()       answer a kept Reply (Send on it), from any
 *                            code running on the server's thread
 * Protocol: a request's label selects the operation and its words are the
 * arguments; an answer's label is an l4_error_t (L4_NO_ERROR = success),
 * its words the results. The loop answers an unknown label with
 * L4_ILLEGAL_OPERATION and a badge that is not a client's (for operations
 * that need one) with L4_INVALID_CAPABILITY, and waits for the next
 * message: a client cannot stop or crash the loop with any message.
 * Everything but l4_server_run() and l4_server_answer() is pure and
 * host-tested (tests/unit/test_server.c). One server per thread.
 */
#ifndef L4_SERVER_H
#define L4_SERVER_H

#include <stdbool.h>
#include <stdint.h>
#include <l4/abi_gen.h>

/* --- Badge to client ------------------------------------------------------------ */

struct l4_client_entry {
    l4_word_t badge; /* 0: empty */
    void *client;
};

struct l4_client_table {
    struct l4_client_entry *entries;
    unsigned capacity, count; /* capacity: a power of two */
};

/* L4_INVALID_ARGUMENT unless capacity is a power of two (entries cleared). */
l4_error_t l4_client_table_init(struct l4_client_table *t, struct l4_client_entry *entries,
                                unsigned capacity);
/* L4_RANGE_ERROR (badge 0 or too wide), L4_DELETE_FIRST (badge known),
 * L4_NOT_ENOUGH_MEMORY (full: at most capacity - 1 clients). */
l4_error_t l4_client_table_add(struct l4_client_table *t, l4_word_t badge, void *client);
/* L4_FAILED_LOOKUP if badge is not a client's. */
l4_error_t l4_client_table_remove(struct l4_client_table *t, l4_word_t badge);
/* The client record of badge, or NULL (for any badge). */
void *l4_client_table_lookup(const struct l4_client_table *t, l4_word_t badge);

/* --- Reply objects ------------------------------------------------------------------- */

enum l4_reply_state { L4_REPLY_FREE, L4_REPLY_CURRENT, L4_REPLY_KEPT };

struct l4_reply_slot {
    l4_cptr_t cap;
    uint8_t state;
    uint32_t generation; /* bumped at every keep */
};

struct l4_reply_pool {
    struct l4_reply_slot *slots;
    unsigned capacity, current, nkept;
};

/* A kept Reply: slot index and generation. */
typedef l4_word_t l4_reply_token_t;

/* Pool over caps[0..n-1] (Reply capabilities; n >= 1); caps[0] becomes
 * current. L4_INVALID_ARGUMENT if n is 0 or above 65536. */
l4_error_t l4_reply_pool_init(struct l4_reply_pool *p, struct l4_reply_slot *slots,
                              const l4_cptr_t *caps, unsigned n);
/* The Reply capability the next receive names. */
l4_cptr_t l4_reply_pool_current(const struct l4_reply_pool *p);
/* Keep the current Reply and make a free one current: L4_NOT_ENOUGH_MEMORY
 * (nothing changes) if none is free, since the loop must always receive
 * with a Reply object. */
l4_error_t l4_reply_pool_keep(struct l4_reply_pool *p, l4_reply_token_t *token);
/* The capability of a kept Reply: L4_RANGE_ERROR (no such slot),
 * L4_ILLEGAL_OPERATION (not kept, or a token of an earlier keep). */
l4_error_t l4_reply_pool_peek(const struct l4_reply_pool *p, l4_reply_token_t token,
                              l4_cptr_t *cap);
/* Return a kept Reply to the pool (after its answer); errors as peek. */
l4_error_t l4_reply_pool_release(struct l4_reply_pool *p, l4_reply_token_t token);

/* --- The loop -------------------------------------------------------------------------- */

#define L4_SERVER_MAX_WORDS L4_MSG_MAX_LENGTH

struct l4_server;

/* A request, and the answer the handler fills in. */
struct l4_server_msg {
    l4_word_t badge;
    l4_word_t label;
    unsigned length;                   /* words in mr */
    l4_word_t mr[L4_SERVER_MAX_WORDS]; /* request words, then answer words */
    void *client;                      /* the badge's record, or NULL */
    l4_error_t status;                 /* answer label */
    unsigned answer_length;            /* answer words in mr */
    bool kept;                         /* set by l4_server_keep(): no answer now */
};

/* A handler: fill status, answer_length and mr, or keep the Reply. */
typedef void (*l4_server_handler_t)(struct l4_server *s, struct l4_server_msg *m);

struct l4_server_op {
    l4_word_t label;
    l4_server_handler_t handler;
    bool anyone; /* also for senders that are not clients (badge unknown) */
};

struct l4_server {
    l4_cptr_t endpoint;
    const struct l4_server_op *ops;
    unsigned nops;
    struct l4_client_table *clients;
    struct l4_reply_pool *replies;
    void *ctx; /* free for the server */
    bool stopping;
    l4_word_t requests, refused; /* counters */
    struct l4_server_msg msg;    /* the message being handled (1 KiB) */
};

void l4_server_init(struct l4_server *s, l4_cptr_t endpoint, const struct l4_server_op *ops,
                    unsigned nops, struct l4_client_table *clients, struct l4_reply_pool *replies,
                    void *ctx);
/* Dispatch one received message (badge, label, length, mr set): the
 * answer is in m (status, answer_length, mr) unless m->kept. */
void l4_server_dispatch(struct l4_server *s, struct l4_server_msg *m);
/* In a handler: keep the current Reply (m->kept is set); the answer is
 * given later with l4_server_answer(token). L4_NOT_ENOUGH_MEMORY if no
 * other Reply object is free (answer now instead). */
l4_error_t l4_server_keep(struct l4_server *s, struct l4_server_msg *m, l4_reply_token_t *token);
/* In a handler: leave l4_server_run() after this message's answer. */
void l4_server_stop(struct l4_server *s);

/* Kernel calls (server_sys.c). Run the loop until stopped: L4_NO_ERROR
 * after l4_server_stop(), or the first error of a receive (the Reply
 * objects and the endpoint are the server's own, so none is expected). */
l4_error_t l4_server_run(struct l4_server *s);
/* Answer a kept Reply with status and words mr[0..length-1], and return
 * it to the pool: errors as l4_reply_pool_peek(), L4_RANGE_ERROR for a
 * length above L4_SERVER_MAX_WORDS, or Send's (the Reply goes back to the
 * pool even then: its caller is gone). */
l4_error_t l4_server_answer(struct l4_server *s, l4_reply_token_t token, l4_error_t status,
                            const l4_word_t *mr, unsigned length);

#endif
