/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the server loop's bookkeeping (libl4/server/server.c,
 * <l4/server.h>): the badge-to-client table (badge 0 and too-wide badges
 * refused, duplicates, full table, removal inside a probe cluster, any
 * 64-bit badge looked up safely, against a model under random operations);
 * the Reply pool (keep moves to a free Reply object, exhaustion leaves the
 * current one, tokens of answered or never-kept Replies and forged indices
 * refused, out-of-order release); and dispatch (unknown label, unknown
 * badge, anonymous operations, keep from a handler, lengths clamped).
 */
#include <stdlib.h>
#include <l4/server.h>
#include "suites.h"

/* --- Client table ----------------------------------------------------------------- */

static struct l4_client_entry entries[8];
static struct l4_client_table ct;
static int recs[64];

static void ct_setup(void)
{
    ck_assert_int_eq(l4_client_table_init(&ct, entries, 8), L4_NO_ERROR);
}

START_TEST(table_init_errors)
{
    struct l4_client_entry e[6];
    ck_assert_int_eq(l4_client_table_init(&ct, e, 6), L4_INVALID_ARGUMENT);
    ck_assert_int_eq(l4_client_table_init(&ct, e, 1), L4_INVALID_ARGUMENT);
    ck_assert_int_eq(l4_client_table_init(&ct, e, 0), L4_INVALID_ARGUMENT);
    ck_assert_int_eq(l4_client_table_init(&ct, NULL, 4), L4_INVALID_ARGUMENT);
}
END_TEST

START_TEST(table_add_lookup_remove)
{
    ck_assert_int_eq(l4_client_table_add(&ct, 0, &recs[0]), L4_RANGE_ERROR);
    ck_assert_int_eq(l4_client_table_add(&ct, UINT64_C(1) << 48, &recs[0]), L4_RANGE_ERROR);
    ck_assert_int_eq(l4_client_table_add(&ct, UINT64_MAX, &recs[0]), L4_RANGE_ERROR);
    ck_assert_int_eq(l4_client_table_add(&ct, (UINT64_C(1) << 48) - 1, &recs[1]), L4_NO_ERROR);
    ck_assert_ptr_eq(l4_client_table_lookup(&ct, (UINT64_C(1) << 48) - 1), &recs[1]);
    for (l4_word_t b = 1; b <= 6; b++)
        ck_assert_int_eq(l4_client_table_add(&ct, b, &recs[b + 1]), L4_NO_ERROR);
    ck_assert_int_eq(l4_client_table_add(&ct, 3, &recs[0]), L4_DELETE_FIRST);
    /* 7 of 8: full (one entry stays empty so every probe ends) */
    ck_assert_int_eq(l4_client_table_add(&ct, 99, &recs[0]), L4_NOT_ENOUGH_MEMORY);
    for (l4_word_t b = 1; b <= 6; b++)
        ck_assert_ptr_eq(l4_client_table_lookup(&ct, b), &recs[b + 1]);
    /* unknown badges, including ones no client can have */
    ck_assert_ptr_null(l4_client_table_lookup(&ct, 0));
    ck_assert_ptr_null(l4_client_table_lookup(&ct, 7));
    ck_assert_ptr_null(l4_client_table_lookup(&ct, UINT64_MAX));
    ck_assert_int_eq(l4_client_table_remove(&ct, 7), L4_FAILED_LOOKUP);
    ck_assert_int_eq(l4_client_table_remove(&ct, 0), L4_FAILED_LOOKUP);
    /* remove each in turn: the others stay reachable */
    for (l4_word_t b = 1; b <= 6; b++) {
        ck_assert_int_eq(l4_client_table_remove(&ct, b), L4_NO_ERROR);
        ck_assert_int_eq(l4_client_table_remove(&ct, b), L4_FAILED_LOOKUP);
        ck_assert_ptr_null(l4_client_table_lookup(&ct, b));
        for (l4_word_t c = b + 1; c <= 6; c++)
            ck_assert_ptr_eq(l4_client_table_lookup(&ct, c), &recs[c + 1]);
    }
    ck_assert_uint_eq(ct.count, 1);
}
END_TEST

START_TEST(table_matches_model)
{
    struct l4_client_entry big[32];
    struct l4_client_table t;
    ck_assert_int_eq(l4_client_table_init(&t, big, 32), L4_NO_ERROR);
    /* badges from a small set, so that adds and removes collide */
    l4_word_t badge_of[40];
    bool in[40] = {0};
    unsigned n = 0;
    for (unsigned i = 0; i < 40; i++)
        badge_of[i] = (l4_word_t)(i + 1) * 32; /* same low bits: long clusters */
    srand(11);
    for (int step = 0; step < 20000; step++) {
        unsigned i = (unsigned)rand() % 40;
        if (rand() % 2) {
            l4_error_t e = l4_client_table_add(&t, badge_of[i], &recs[i]);
            l4_error_t want = in[i]     ? L4_DELETE_FIRST
                              : n == 31 ? L4_NOT_ENOUGH_MEMORY
                                        : L4_NO_ERROR;
            ck_assert_int_eq(e, want);
            if (want == L4_NO_ERROR) {
                in[i] = true;
                n++;
            }
        } else {
            ck_assert_int_eq(l4_client_table_remove(&t, badge_of[i]),
                             in[i] ? L4_NO_ERROR : L4_FAILED_LOOKUP);
            if (in[i]) {
                in[i] = false;
                n--;
            }
        }
        ck_assert_uint_eq(t.count, n);
        for (unsigned j = 0; j < 40; j++)
            ck_assert_ptr_eq(l4_client_table_lookup(&t, badge_of[j]), in[j] ? &recs[j] : NULL);
    }
}
END_TEST

/* --- Reply pool ------------------------------------------------------------------------ */

static struct l4_reply_slot rslots[3];
static struct l4_reply_pool rp;
static const l4_cptr_t rcaps[3] = {100, 101, 102};

static void rp_setup(void)
{
    ck_assert_int_eq(l4_reply_pool_init(&rp, rslots, rcaps, 3), L4_NO_ERROR);
}

START_TEST(reply_pool_keep_and_release)
{
    struct l4_reply_slot s[2];
    l4_reply_token_t a, b, c;
    l4_cptr_t cap;
    ck_assert_int_eq(l4_reply_pool_init(&rp, s, rcaps, 0), L4_INVALID_ARGUMENT);
    rp_setup();
    ck_assert_uint_eq(l4_reply_pool_current(&rp), 100);
    ck_assert_int_eq(l4_reply_pool_keep(&rp, &a), L4_NO_ERROR);
    ck_assert_uint_eq(l4_reply_pool_current(&rp), 101);
    ck_assert_int_eq(l4_reply_pool_keep(&rp, &b), L4_NO_ERROR);
    ck_assert_uint_eq(l4_reply_pool_current(&rp), 102);
    /* the last one must stay to receive with */
    ck_assert_int_eq(l4_reply_pool_keep(&rp, &c), L4_NOT_ENOUGH_MEMORY);
    ck_assert_uint_eq(l4_reply_pool_current(&rp), 102);
    ck_assert_int_eq(l4_reply_pool_peek(&rp, a, &cap), L4_NO_ERROR);
    ck_assert_uint_eq(cap, 100);
    ck_assert_int_eq(l4_reply_pool_peek(&rp, b, &cap), L4_NO_ERROR);
    ck_assert_uint_eq(cap, 101);
    /* out of order */
    ck_assert_int_eq(l4_reply_pool_release(&rp, b), L4_NO_ERROR);
    ck_assert_int_eq(l4_reply_pool_release(&rp, b), L4_ILLEGAL_OPERATION); /* answered twice */
    ck_assert_int_eq(l4_reply_pool_peek(&rp, b, &cap), L4_ILLEGAL_OPERATION);
    /* the freed one is kept again: the old token stays dead */
    ck_assert_int_eq(l4_reply_pool_keep(&rp, &c), L4_NO_ERROR);
    ck_assert_uint_eq(l4_reply_pool_current(&rp), 101);
    ck_assert_int_eq(l4_reply_pool_release(&rp, b), L4_ILLEGAL_OPERATION);
    ck_assert_int_eq(l4_reply_pool_peek(&rp, c, &cap), L4_NO_ERROR);
    ck_assert_uint_eq(cap, 102);
    /* forged tokens: the current (not kept) Reply, other indices, other generations */
    ck_assert_int_eq(l4_reply_pool_release(&rp, (l4_word_t)rslots[1].generation << 16 | 1),
                     L4_ILLEGAL_OPERATION);
    ck_assert_int_eq(l4_reply_pool_release(&rp, 3), L4_RANGE_ERROR);
    ck_assert_int_eq(l4_reply_pool_release(&rp, 0xffff), L4_RANGE_ERROR);
    ck_assert_int_eq(l4_reply_pool_release(&rp, a + (UINT64_C(1) << 16)), L4_ILLEGAL_OPERATION);
    ck_assert_int_eq(l4_reply_pool_release(&rp, a | (UINT64_C(1) << 63)), L4_ILLEGAL_OPERATION);
    ck_assert_uint_eq(rp.nkept, 2);
    ck_assert_int_eq(l4_reply_pool_release(&rp, a), L4_NO_ERROR);
    ck_assert_int_eq(l4_reply_pool_release(&rp, c), L4_NO_ERROR);
    ck_assert_uint_eq(rp.nkept, 0);
}
END_TEST

/* --- Dispatch ----------------------------------------------------------------------------- */

static l4_reply_token_t kept_token;

static void h_add(struct l4_server *s, struct l4_server_msg *m)
{
    (void)s;
    m->mr[0] = m->mr[0] + m->mr[1] + (l4_word_t) * (int *)m->client;
    m->answer_length = 1;
}

static void h_hello(struct l4_server *s, struct l4_server_msg *m)
{
    (void)s;
    m->status = m->client ? L4_NO_ERROR : L4_RANGE_ERROR;
    m->answer_length = 500; /* a handler's bug: clamped */
}

static void h_later(struct l4_server *s, struct l4_server_msg *m)
{
    if (l4_server_keep(s, m, &kept_token) != L4_NO_ERROR)
        m->status = L4_NOT_ENOUGH_MEMORY;
}

static void h_stop(struct l4_server *s, struct l4_server_msg *m)
{
    (void)m;
    l4_server_stop(s);
}

static const struct l4_server_op ops[] = {
    {.label = 1, .handler = h_add},   {.label = 2, .handler = h_hello, .anyone = true},
    {.label = 3, .handler = h_later}, {.label = 4, .handler = h_stop},
    {.label = 5, .handler = NULL},
};

START_TEST(dispatch_rules)
{
    struct l4_server s;
    struct l4_server_msg m = {0};
    ct_setup();
    rp_setup();
    recs[0] = 1000;
    ck_assert_int_eq(l4_client_table_add(&ct, 77, &recs[0]), L4_NO_ERROR);
    l4_server_init(&s, 9, ops, 5, &ct, &rp, NULL);

    m = (struct l4_server_msg){.badge = 77, .label = 1, .length = 2, .mr = {20, 22}};
    l4_server_dispatch(&s, &m);
    ck_assert_int_eq(m.status, L4_NO_ERROR);
    ck_assert_uint_eq(m.answer_length, 1);
    ck_assert_uint_eq(m.mr[0], 1042);
    ck_assert(!m.kept);
    /* unknown badge, unbadged, unknown label, label without handler */
    m = (struct l4_server_msg){.badge = 78, .label = 1, .length = 2};
    l4_server_dispatch(&s, &m);
    ck_assert_int_eq(m.status, L4_INVALID_CAPABILITY);
    ck_assert_uint_eq(m.answer_length, 0);
    m = (struct l4_server_msg){.badge = 0, .label = 1};
    l4_server_dispatch(&s, &m);
    ck_assert_int_eq(m.status, L4_INVALID_CAPABILITY);
    m = (struct l4_server_msg){.badge = 77, .label = 99};
    l4_server_dispatch(&s, &m);
    ck_assert_int_eq(m.status, L4_ILLEGAL_OPERATION);
    m = (struct l4_server_msg){.badge = 77, .label = 5};
    l4_server_dispatch(&s, &m);
    ck_assert_int_eq(m.status, L4_ILLEGAL_OPERATION);
    ck_assert_uint_eq(s.refused, 4);
    /* an operation for anyone; lengths clamped both ways */
    m = (struct l4_server_msg){.badge = UINT64_MAX, .label = 2, .length = 1000};
    l4_server_dispatch(&s, &m);
    ck_assert_int_eq(m.status, L4_RANGE_ERROR);
    ck_assert_uint_eq(m.length, L4_SERVER_MAX_WORDS);
    ck_assert_uint_eq(m.answer_length, L4_SERVER_MAX_WORDS);
    /* keep: twice, then the pool is down to the current Reply */
    m = (struct l4_server_msg){.badge = 77, .label = 3};
    l4_server_dispatch(&s, &m);
    ck_assert(m.kept);
    l4_reply_token_t first = kept_token;
    m = (struct l4_server_msg){.badge = 77, .label = 3};
    l4_server_dispatch(&s, &m);
    ck_assert(m.kept);
    ck_assert_uint_ne(first, kept_token);
    m = (struct l4_server_msg){.badge = 77, .label = 3};
    l4_server_dispatch(&s, &m);
    ck_assert(!m.kept);
    ck_assert_int_eq(m.status, L4_NOT_ENOUGH_MEMORY);
    ck_assert_uint_eq(l4_reply_pool_current(&rp), 102);
    ck_assert(!s.stopping);
    m = (struct l4_server_msg){.badge = 77, .label = 4};
    l4_server_dispatch(&s, &m);
    ck_assert(s.stopping);
    ck_assert_uint_eq(s.requests, 10);
}
END_TEST

Suite *server_suite(void)
{
    Suite *s = suite_create("server");
    TCase *tc = tcase_create("clients");
    tcase_add_checked_fixture(tc, ct_setup, NULL);
    tcase_add_test(tc, table_init_errors);
    tcase_add_test(tc, table_add_lookup_remove);
    tcase_add_test(tc, table_matches_model);
    suite_add_tcase(s, tc);
    tc = tcase_create("replies");
    tcase_add_test(tc, reply_pool_keep_and_release);
    tcase_add_test(tc, dispatch_rules);
    suite_add_tcase(s, tc);
    return s;
}
