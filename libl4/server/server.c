/* SPDX-License-Identifier: MIT */
/*
 * Server loop bookkeeping: badge-to-client table, Reply-object pool,
 * dispatch (see <l4/server.h>).
 *
 * Interface: l4_client_table_*(), l4_reply_pool_*(), l4_server_init(),
 * l4_server_dispatch(), l4_server_keep(), l4_server_stop(). Badges come
 * from clients' capabilities, so every lookup takes any 64-bit word and
 * ends in a bounded number of steps; the table is open-addressed with
 * linear probing and deletes by shifting the rest of the cluster back (no
 * tombstones to fill it up). No syscalls: host-tested.
 */
#include <stddef.h>
#include <l4/server.h>

/* --- Badge to client ------------------------------------------------------------ */

l4_error_t l4_client_table_init(struct l4_client_table *t, struct l4_client_entry *entries,
                                unsigned capacity)
{
    if (capacity < 2 || (capacity & (capacity - 1)) || !entries)
        return L4_INVALID_ARGUMENT;
    for (unsigned i = 0; i < capacity; i++)
        entries[i] = (struct l4_client_entry){0};
    *t = (struct l4_client_table){.entries = entries, .capacity = capacity, .count = 0};
    return L4_NO_ERROR;
}

static unsigned home(const struct l4_client_table *t, l4_word_t badge)
{
    return (unsigned)((badge * UINT64_C(0x9e3779b97f4a7c15)) >> 32) & (t->capacity - 1);
}

/* Index of badge's entry, or -1. */
static long find(const struct l4_client_table *t, l4_word_t badge)
{
    if (badge == 0)
        return -1;
    unsigned i = home(t, badge);
    for (unsigned k = 0; k < t->capacity; k++, i = (i + 1) & (t->capacity - 1)) {
        if (t->entries[i].badge == badge)
            return (long)i;
        if (t->entries[i].badge == 0)
            return -1;
    }
    return -1;
}

static void insert(struct l4_client_table *t, l4_word_t badge, void *client)
{
    unsigned i = home(t, badge);
    while (t->entries[i].badge != 0)
        i = (i + 1) & (t->capacity - 1);
    t->entries[i] = (struct l4_client_entry){.badge = badge, .client = client};
    t->count++;
}

l4_error_t l4_client_table_add(struct l4_client_table *t, l4_word_t badge, void *client)
{
    if (badge == 0 || badge >> L4_BADGE_BITS)
        return L4_RANGE_ERROR;
    if (find(t, badge) >= 0)
        return L4_DELETE_FIRST;
    if (t->count + 1 >= t->capacity) /* keep one empty entry: probes end */
        return L4_NOT_ENOUGH_MEMORY;
    insert(t, badge, client);
    return L4_NO_ERROR;
}

l4_error_t l4_client_table_remove(struct l4_client_table *t, l4_word_t badge)
{
    long at = find(t, badge);
    if (at < 0)
        return L4_FAILED_LOOKUP;
    unsigned mask = t->capacity - 1, i = (unsigned)at;
    t->entries[i] = (struct l4_client_entry){0};
    t->count--;
    /* re-place the rest of the cluster, which may have probed past i */
    for (unsigned j = (i + 1) & mask; t->entries[j].badge != 0; j = (j + 1) & mask) {
        struct l4_client_entry e = t->entries[j];
        t->entries[j] = (struct l4_client_entry){0};
        t->count--;
        insert(t, e.badge, e.client);
    }
    return L4_NO_ERROR;
}

void *l4_client_table_lookup(const struct l4_client_table *t, l4_word_t badge)
{
    long i = find(t, badge);
    return i < 0 ? NULL : t->entries[i].client;
}

/* --- Reply objects ------------------------------------------------------------------- */

#define TOKEN_INDEX_BITS 16

l4_error_t l4_reply_pool_init(struct l4_reply_pool *p, struct l4_reply_slot *slots,
                              const l4_cptr_t *caps, unsigned n)
{
    if (n == 0 || n > (1u << TOKEN_INDEX_BITS) || !slots || !caps)
        return L4_INVALID_ARGUMENT;
    for (unsigned i = 0; i < n; i++)
        slots[i] = (struct l4_reply_slot){.cap = caps[i], .state = L4_REPLY_FREE};
    slots[0].state = L4_REPLY_CURRENT;
    *p = (struct l4_reply_pool){.slots = slots, .capacity = n, .current = 0, .nkept = 0};
    return L4_NO_ERROR;
}

l4_cptr_t l4_reply_pool_current(const struct l4_reply_pool *p)
{
    return p->slots[p->current].cap;
}

l4_error_t l4_reply_pool_keep(struct l4_reply_pool *p, l4_reply_token_t *token)
{
    unsigned next = p->capacity;
    for (unsigned i = 0; i < p->capacity; i++)
        if (p->slots[i].state == L4_REPLY_FREE) {
            next = i;
            break;
        }
    if (next == p->capacity)
        return L4_NOT_ENOUGH_MEMORY;
    struct l4_reply_slot *k = &p->slots[p->current];
    k->state = L4_REPLY_KEPT;
    k->generation++;
    *token = (l4_word_t)k->generation << TOKEN_INDEX_BITS | p->current;
    p->slots[next].state = L4_REPLY_CURRENT;
    p->current = next;
    p->nkept++;
    return L4_NO_ERROR;
}

/* The kept slot a token names. */
static l4_error_t token_slot(const struct l4_reply_pool *p, l4_reply_token_t token, unsigned *i)
{
    unsigned idx = (unsigned)(token & ((1u << TOKEN_INDEX_BITS) - 1));
    if (idx >= p->capacity)
        return L4_RANGE_ERROR;
    const struct l4_reply_slot *s = &p->slots[idx];
    if (s->state != L4_REPLY_KEPT || token >> TOKEN_INDEX_BITS != s->generation)
        return L4_ILLEGAL_OPERATION; /* answered already, or never kept */
    *i = idx;
    return L4_NO_ERROR;
}

l4_error_t l4_reply_pool_peek(const struct l4_reply_pool *p, l4_reply_token_t token, l4_cptr_t *cap)
{
    unsigned i;
    l4_error_t e = token_slot(p, token, &i);
    if (e == L4_NO_ERROR)
        *cap = p->slots[i].cap;
    return e;
}

l4_error_t l4_reply_pool_release(struct l4_reply_pool *p, l4_reply_token_t token)
{
    unsigned i;
    l4_error_t e = token_slot(p, token, &i);
    if (e != L4_NO_ERROR)
        return e;
    p->slots[i].state = L4_REPLY_FREE;
    p->nkept--;
    return L4_NO_ERROR;
}

/* --- Dispatch ---------------------------------------------------------------------------- */

void l4_server_init(struct l4_server *s, l4_cptr_t endpoint, const struct l4_server_op *ops,
                    unsigned nops, struct l4_client_table *clients, struct l4_reply_pool *replies,
                    void *ctx)
{
    *s = (struct l4_server){.endpoint = endpoint,
                            .ops = ops,
                            .nops = nops,
                            .clients = clients,
                            .replies = replies,
                            .ctx = ctx};
}

void l4_server_dispatch(struct l4_server *s, struct l4_server_msg *m)
{
    s->requests++;
    m->kept = false;
    m->status = L4_NO_ERROR;
    m->answer_length = 0;
    if (m->length > L4_SERVER_MAX_WORDS)
        m->length = L4_SERVER_MAX_WORDS;
    m->client = s->clients ? l4_client_table_lookup(s->clients, m->badge) : NULL;
    const struct l4_server_op *op = NULL;
    for (unsigned i = 0; i < s->nops; i++)
        if (s->ops[i].label == m->label) {
            op = &s->ops[i];
            break;
        }
    if (!op || !op->handler) {
        m->status = L4_ILLEGAL_OPERATION;
        s->refused++;
        return;
    }
    if (!op->anyone && !m->client) {
        m->status = L4_INVALID_CAPABILITY;
        s->refused++;
        return;
    }
    op->handler(s, m);
    if (m->answer_length > L4_SERVER_MAX_WORDS)
        m->answer_length = L4_SERVER_MAX_WORDS;
}

l4_error_t l4_server_keep(struct l4_server *s, struct l4_server_msg *m, l4_reply_token_t *token)
{
    if (!s->replies)
        return L4_NOT_ENOUGH_MEMORY;
    l4_error_t e = l4_reply_pool_keep(s->replies, token);
    if (e == L4_NO_ERROR)
        m->kept = true;
    return e;
}

void l4_server_stop(struct l4_server *s)
{
    s->stopping = true;
}
