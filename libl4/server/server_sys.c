/* SPDX-License-Identifier: MIT */
/*
 * The server loop's kernel calls (see <l4/server.h>).
 *
 * Interface: l4_server_run(), l4_server_answer(). The loop receives with
 * the pool's current Reply object, copies the message out of the IPC
 * buffer into a struct l4_server_msg (at most L4_SERVER_MAX_WORDS words,
 * whatever the length field says), dispatches, and answers with ReplyRecv,
 * which also takes the next request with the same Reply object; after a
 * keep it receives with the new current Reply object instead.
 */
#include <l4/server.h>
#include <l4/stubs_gen.h>

static void take(struct l4_server_msg *m, l4_word_t badge, l4_msginfo_t info)
{
    const struct l4_ipc_buffer *b = l4_ipc_buffer();
    l4_word_t len = l4_msginfo_get_length(info);
    m->badge = badge;
    m->label = l4_msginfo_get_label(info);
    m->length = (unsigned)(len < L4_SERVER_MAX_WORDS ? len : L4_SERVER_MAX_WORDS);
    for (unsigned i = 0; i < m->length; i++)
        m->mr[i] = b->msg[i];
}

static l4_msginfo_t put(l4_error_t status, const l4_word_t *mr, unsigned length)
{
    struct l4_ipc_buffer *b = l4_ipc_buffer();
    for (unsigned i = 0; i < length; i++)
        b->msg[i] = mr[i];
    return l4_msginfo_new((l4_word_t)status, 0, 0, length);
}

l4_error_t l4_server_run(struct l4_server *s)
{
    struct l4_server_msg *m = &s->msg;
    l4_word_t badge = 0;
    l4_msginfo_t info = 0;
    s->stopping = false;
    l4_error_t e = l4_recv(s->endpoint, l4_reply_pool_current(s->replies), &badge, &info);
    for (;;) {
        if (e != L4_NO_ERROR)
            return e;
        take(m, badge, info);
        l4_server_dispatch(s, m);
        if (m->kept) {
            if (s->stopping)
                return L4_NO_ERROR;
            e = l4_recv(s->endpoint, l4_reply_pool_current(s->replies), &badge, &info);
            continue;
        }
        info = put(m->status, m->mr, m->answer_length);
        if (s->stopping) {
            /* answer as ReplyRecv would; a Send has no caller to answer */
            l4_send(l4_reply_pool_current(s->replies), info);
            return L4_NO_ERROR;
        }
        e = l4_reply_recv(s->endpoint, info, l4_reply_pool_current(s->replies), &badge, &info);
    }
}

l4_error_t l4_server_answer(struct l4_server *s, l4_reply_token_t token, l4_error_t status,
                            const l4_word_t *mr, unsigned length)
{
    l4_cptr_t cap;
    l4_error_t e = l4_reply_pool_peek(s->replies, token, &cap);
    if (e != L4_NO_ERROR)
        return e;
    if (length > L4_SERVER_MAX_WORDS)
        return L4_RANGE_ERROR;
    e = l4_send(cap, put(status, mr, length));
    l4_reply_pool_release(s->replies, token);
    return e;
}
