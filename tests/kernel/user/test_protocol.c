/* SPDX-License-Identifier: MIT */
/*
 * User-level protocols end to end: the console protocol
 * (libl4/spec/protocols/console.toml, docs/protocols.md) between a client
 * using the generated stubs and a server thread using the generated
 * decoder and dispatch.
 *
 * The server is a test thread (priority 100) serving one endpoint with a
 * Reply object and a receive slot; its handlers write to a "screen" buffer,
 * read from an "input" buffer, drain the output ring of the client whose
 * badge is RING_BADGE (a page-aligned struct console_ring in .bss, shared
 * because client and server are in one address space), and keep the
 * notification SetInputNotification transfers (checking its type with
 * DebugCapIdentify, as this test server may). The test function is the
 * client (priority 255): each Call blocks it until the server replied.
 * Besides the successes it checks every error path the generated code
 * owns — unknown label, too few words, too few capabilities, a capability
 * argument of the wrong kind, a narrow argument out of range, a reply
 * shorter than the out-values — and the handlers' errors with their
 * detail words.
 */
#include <string.h>
#include <l4/proto/console_client_gen.h>
#include <l4/proto/console_server_gen.h>
#include "utest.h"

#define ALL         L4_CAP_RIGHTS_ALL
#define RING_BADGE  1
#define OTHER_BADGE 2

static struct console_ring ring __attribute__((aligned(4096)));

/* What the server thread sees and does. */
static struct srv {
    l4_cptr_t ep, reply, rslot, notification;
    l4_word_t bits;
    char screen[256];
    unsigned screen_len;
    char input[16];
    unsigned input_len;
    unsigned handled; /* handler calls */
} srv;

static void screen_put(const char *s, unsigned n)
{
    for (unsigned i = 0; i < n && srv.screen_len < sizeof srv.screen - 1; i++)
        srv.screen[srv.screen_len++] = s[i];
}

static console_status_t h_write(void *ctx, l4_word_t badge, const struct console_write_args *a,
                                struct console_write_result *r, l4_word_t detail[])
{
    (void)ctx;
    (void)badge;
    srv.handled++;
    if (a->length > 24) {
        detail[0] = 0;
        detail[1] = 24;
        return L4_RANGE_ERROR;
    }
    l4_word_t w[3] = {a->text0, a->text1, a->text2};
    char buf[24];
    memcpy(buf, w, sizeof buf);
    screen_put(buf, a->length);
    r->written = a->length;
    return L4_NO_ERROR;
}

static console_status_t h_flush(void *ctx, l4_word_t badge, struct console_flush_result *r,
                                l4_word_t detail[])
{
    (void)ctx;
    srv.handled++;
    if (badge != RING_BADGE)
        return CONSOLE_ERROR_NO_RING;
    uint32_t head = ring.head, tail = ring.tail;
    if (head - tail > CONSOLE_RING_DATA_SIZE) {
        detail[0] = head;
        detail[1] = tail;
        return CONSOLE_ERROR_BAD_RING;
    }
    r->written = head - tail;
    for (; tail != head; tail++)
        screen_put(&ring.data[tail % CONSOLE_RING_DATA_SIZE], 1);
    ring.tail = tail;
    return L4_NO_ERROR;
}

static console_status_t h_read(void *ctx, l4_word_t badge, const struct console_read_args *a,
                               struct console_read_result *r, l4_word_t detail[])
{
    (void)ctx;
    (void)badge;
    srv.handled++;
    if (a->max == 0 || a->max > 8) {
        detail[0] = 1;
        detail[1] = 8;
        return L4_RANGE_ERROR;
    }
    if (srv.input_len == 0)
        return CONSOLE_ERROR_WOULD_BLOCK;
    unsigned n = srv.input_len < a->max ? srv.input_len : a->max;
    l4_word_t data = 0;
    memcpy(&data, srv.input, n);
    memmove(srv.input, srv.input + n, srv.input_len - n);
    srv.input_len -= n;
    r->length = n;
    r->data = data;
    return L4_NO_ERROR;
}

static console_status_t
h_set_input_notification(void *ctx, l4_word_t badge,
                         const struct console_set_input_notification_args *a, l4_word_t detail[])
{
    (void)ctx;
    (void)badge;
    srv.handled++;
    console_status_t st = L4_NO_ERROR;
    if (ut_id(a->notification) != L4_CAP_NOTIFICATION) {
        detail[0] = CONSOLE_ARG_SET_INPUT_NOTIFICATION_NOTIFICATION;
        st = L4_INVALID_CAPABILITY;
    } else if (a->bits == 0) {
        detail[0] = CONSOLE_ARG_SET_INPUT_NOTIFICATION_BITS;
        st = L4_INVALID_ARGUMENT;
    }
    if (st != L4_NO_ERROR) {
        l4_cnode_delete(UT_CNODE, a->notification, UT_DEPTH); /* empty the receive slot */
        return st;
    }
    /* keep it badged with the bits (a Signal sends the badge), free the receive slot */
    srv.notification = srv.rslot + 1;
    l4_cnode_delete(UT_CNODE, srv.notification, UT_DEPTH);
    l4_error_t e = l4_cnode_mint(UT_CNODE, srv.notification, UT_DEPTH, UT_CNODE, a->notification,
                                 UT_DEPTH, L4_CAP_RIGHTS_ALL, a->bits);
    l4_cnode_delete(UT_CNODE, a->notification, UT_DEPTH);
    if (e != L4_NO_ERROR)
        return L4_ILLEGAL_OPERATION;
    srv.bits = a->bits;
    if (srv.input_len)
        l4_signal(srv.notification);
    return L4_NO_ERROR;
}

static const struct console_server_ops ops = {
    .write = h_write,
    .flush = h_flush,
    .read = h_read,
    .set_input_notification = h_set_input_notification,
};

/* The server loop: receive, dispatch, reply and receive the next. */
static void server(l4_word_t arg)
{
    (void)arg;
    struct l4_ipc_buffer *ipc = l4_ipc_buffer();
    ipc->receive_cnode = UT_CNODE;
    ipc->receive_index = srv.rslot;
    ipc->receive_depth = UT_DEPTH;
    l4_word_t badge = 0, mrs[L4_MSG_REGISTERS] = {0};
    l4_msginfo_t info = 0;
    if (l4_recv_mrs(srv.ep, srv.reply, &badge, &info, mrs) != L4_NO_ERROR)
        return;
    for (;;) {
        l4_msginfo_t r = console_dispatch(&ops, NULL, badge, info, mrs, ipc, srv.rslot);
        if (l4_reply_recv_mrs(srv.ep, r, srv.reply, &badge, &info, mrs) != L4_NO_ERROR)
            return;
    }
}

/* A server that answers every call with status 0 and no words. */
static void short_replier(l4_word_t arg)
{
    (void)arg;
    l4_word_t badge = 0, mrs[L4_MSG_REGISTERS] = {0};
    l4_msginfo_t info = 0;
    if (l4_recv_mrs(srv.ep, srv.reply, &badge, &info, mrs) != L4_NO_ERROR)
        return;
    while (l4_reply_recv_mrs(srv.ep, l4_msginfo_new(0, 0, 0, 0), srv.reply, &badge, &info, mrs) ==
           L4_NO_ERROR)
        ;
}

/* A fresh server; *c1 and *c2 are the client's endpoint capabilities with
 * badges RING_BADGE and OTHER_BADGE (with Grant, so capabilities travel). */
static int start_server(l4_cptr_t *c1, l4_cptr_t *c2)
{
    memset(&srv, 0, sizeof srv);
    memset(&ring, 0, sizeof ring);
    srv.ep = ut_new(L4_OBJECT_ENDPOINT, 0);
    srv.reply = ut_new(L4_OBJECT_REPLY, 0);
    srv.rslot = ut_slots(2); /* receive slot, then where the notification is kept */
    if (!srv.ep || !srv.reply || !srv.rslot)
        return 0;
    *c1 = ut_mint(srv.ep, ALL, RING_BADGE);
    *c2 = ut_mint(srv.ep, ALL, OTHER_BADGE);
    return *c1 && *c2 && ut_thread(server, 0, 100) != 0;
}

/* Write s (up to 24 bytes) with the Write stub. */
static console_status_t write_text(l4_cptr_t c, const char *s, l4_word_t *written)
{
    l4_word_t w[3] = {0, 0, 0};
    size_t n = strlen(s);
    memcpy(w, s, n > 24 ? 24 : n);
    return console_write(c, (uint8_t)n, w[0], w[1], w[2], written);
}

UTEST(protocol_console_round_trip, "the generated console stubs reach the server's handlers "
                                   "through the generated dispatch: Write, Read, Flush of the "
                                   "ring, with their out-values")
{
    l4_cptr_t c1, c2;
    UT_ASSERT(start_server(&c1, &c2));
    l4_word_t written = 0, length = 0, data = 0;
    UT_OK(write_text(c1, "hello, ", &written));
    UT_EQ(written, 7);
    UT_OK(write_text(c2, "protocol", NULL));
    UT_ASSERT(srv.screen_len == 15 && !memcmp(srv.screen, "hello, protocol", 15));

    memcpy(srv.input, "abc", 3);
    srv.input_len = 3;
    UT_OK(console_read(c1, 2, &length, &data));
    UT_EQ(length, 2);
    UT_EQ(data, 'a' | ('b' << 8));
    UT_OK(console_read(c1, 8, &length, &data));
    UT_EQ(length, 1);
    UT_EQ(data, 'c');
    UT_ERR(console_read(c1, 8, &length, &data), CONSOLE_ERROR_WOULD_BLOCK);

    /* the ring, wrapping around its end */
    ring.head = ring.tail = CONSOLE_RING_DATA_SIZE - 2;
    const char *text = " ring!";
    for (unsigned i = 0; i < 6; i++)
        ring.data[(ring.head + i) % CONSOLE_RING_DATA_SIZE] = text[i];
    ring.head += 6;
    UT_OK(console_flush(c1, &written));
    UT_EQ(written, 6);
    UT_EQ(ring.tail, ring.head);
    UT_ASSERT(srv.screen_len == 21 && !memcmp(srv.screen + 15, " ring!", 6));
    UT_OK(console_flush(c1, &written));
    UT_EQ(written, 0);
    UT_EQ(srv.handled, 7);
}

UTEST(protocol_console_handler_errors, "the handlers' errors reach the client as the status "
                                       "with their detail words: RangeError, NoRing, BadRing, "
                                       "WouldBlock")
{
    l4_cptr_t c1, c2;
    UT_ASSERT(start_server(&c1, &c2));
    l4_word_t v = 0x5a5a;
    UT_ERR(console_write(c1, 25, 0, 0, 0, &v), L4_RANGE_ERROR);
    UT_EQ(l4_get_mr(0), 0);
    UT_EQ(l4_get_mr(1), 24);
    UT_EQ(v, 0x5a5a); /* out-values are written only on success */
    UT_ERR(console_read(c1, 0, &v, &v), L4_RANGE_ERROR);
    UT_EQ(l4_get_mr(0), 1);
    UT_EQ(l4_get_mr(1), 8);
    UT_ERR(console_flush(c2, &v), CONSOLE_ERROR_NO_RING);
    ring.head = CONSOLE_RING_DATA_SIZE + 5;
    ring.tail = 4;
    UT_ERR(console_flush(c1, &v), CONSOLE_ERROR_BAD_RING);
    UT_EQ(console_error_detail_words(CONSOLE_ERROR_BAD_RING), 2);
    UT_EQ(l4_get_mr(0), CONSOLE_RING_DATA_SIZE + 5);
    UT_EQ(l4_get_mr(1), 4);
    UT_EQ(ring.tail, 4);
    UT_ASSERT(!strcmp(console_error_name(CONSOLE_ERROR_BAD_RING), "BadRing"));
    UT_ASSERT(!strcmp(console_error_name(L4_RANGE_ERROR), "RangeError"));
    UT_EQ(v, 0x5a5a);
    UT_EQ(srv.screen_len, 0);
}

UTEST(protocol_console_decode_errors, "the generated decoder refuses an unknown label "
                                      "(IllegalOperation), too few words or capabilities "
                                      "(TruncatedMessage) and an out-of-range u8 (RangeError "
                                      "0..255) before any handler runs")
{
    l4_cptr_t c1, c2;
    UT_ASSERT(start_server(&c1, &c2));
    l4_word_t mrs[L4_MSG_REGISTERS] = {0};
    l4_msginfo_t info = 0;
    UT_OK(l4_call_mrs(c1, l4_msginfo_new(CONSOLE_LABEL_COUNT, 0, 0, 4), &info, mrs));
    UT_EQ(l4_msginfo_get_label(info), L4_ILLEGAL_OPERATION);
    UT_EQ(l4_msginfo_get_length(info), 0);
    UT_OK(l4_call_mrs(c1, l4_msginfo_new(CONSOLE_LABEL_INVALID, 0, 0, 0), &info, mrs));
    UT_EQ(l4_msginfo_get_label(info), L4_ILLEGAL_OPERATION);
    UT_OK(l4_call_mrs(c1, l4_msginfo_new(CONSOLE_LABEL_WRITE, 0, 0, CONSOLE_LABEL_WRITE_WORDS - 1),
                      &info, mrs));
    UT_EQ(l4_msginfo_get_label(info), L4_TRUNCATED_MESSAGE);
    UT_OK(l4_call_mrs(c1, l4_msginfo_new(CONSOLE_LABEL_READ, 0, 0, 0), &info, mrs));
    UT_EQ(l4_msginfo_get_label(info), L4_TRUNCATED_MESSAGE);
    /* SetInputNotification without its capability */
    l4_word_t m2[L4_MSG_REGISTERS] = {1};
    UT_OK(
        l4_call_mrs(c1, l4_msginfo_new(CONSOLE_LABEL_SET_INPUT_NOTIFICATION, 0, 0, 1), &info, m2));
    UT_EQ(l4_msginfo_get_label(info), L4_TRUNCATED_MESSAGE);
    /* a u8 argument above 255: the decoder's RangeError, not the handler's */
    l4_word_t m3[L4_MSG_REGISTERS] = {0x100 | 3, 0, 0, 0};
    UT_OK(l4_call_mrs(c1, l4_msginfo_new(CONSOLE_LABEL_WRITE, 0, 0, CONSOLE_LABEL_WRITE_WORDS),
                      &info, m3));
    UT_EQ(l4_msginfo_get_label(info), L4_RANGE_ERROR);
    UT_EQ(l4_msginfo_get_length(info), 2);
    UT_EQ(m3[0], 0);
    UT_EQ(m3[1], 255);
    UT_EQ(console_read(c1, 0, NULL, NULL) == L4_RANGE_ERROR, 1); /* the handler's (1..8) */
    UT_EQ(srv.handled, 1);
    UT_EQ(srv.screen_len, 0);
}

UTEST(protocol_console_capability_argument, "a transferred capability argument arrives in the "
                                            "server's receive slot; one that arrives unwrapped "
                                            "(the server's own endpoint) is InvalidCapability "
                                            "with its position; the handler checks the type")
{
    l4_cptr_t c1, c2;
    UT_ASSERT(start_server(&c1, &c2));
    l4_cptr_t n = ut_new(L4_OBJECT_NOTIFICATION, 0), ep2 = ut_new(L4_OBJECT_ENDPOINT, 0);
    UT_ASSERT(n && ep2);
    /* the wrong kind: a capability to the server's endpoint is unwrapped */
    UT_ERR(console_set_input_notification(c2, c1, 1), L4_INVALID_CAPABILITY);
    UT_EQ(l4_get_mr(0), CONSOLE_ARG_SET_INPUT_NOTIFICATION_NOTIFICATION);
    UT_EQ(srv.handled, 0);
    /* the right kind, the wrong type: the handler's check */
    UT_ERR(console_set_input_notification(c1, ep2, 1), L4_INVALID_CAPABILITY);
    UT_EQ(l4_get_mr(0), 0);
    UT_EQ(ut_id(srv.rslot), L4_CAP_NULL); /* the handler emptied the receive slot */
    UT_ERR(console_set_input_notification(c1, n, 0), L4_INVALID_ARGUMENT);
    UT_EQ(l4_get_mr(0), CONSOLE_ARG_SET_INPUT_NOTIFICATION_BITS);
    /* accepted: kept by the server, signalled at once as input is pending */
    memcpy(srv.input, "x", 1);
    srv.input_len = 1;
    UT_OK(console_set_input_notification(c1, n, 0x30));
    UT_EQ(ut_id(srv.notification), L4_CAP_NOTIFICATION);
    UT_EQ(ut_poll_word(n), 0x30);
    UT_EQ(srv.handled, 3);
}

UTEST(protocol_console_short_reply, "a client stub refuses a reply with fewer words than its "
                                    "out-values (TruncatedMessage) and writes none of them")
{
    /* a hand-made server that answers every call with NoError and no words */
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0), r = ut_new(L4_OBJECT_REPLY, 0);
    UT_ASSERT(ep && r);
    memset(&srv, 0, sizeof srv);
    srv.ep = ep;
    srv.reply = r;
    UT_ASSERT(ut_thread(short_replier, 0, 100));
    l4_word_t length = 7, data = 7;
    UT_ERR(console_read(ep, 1, &length, &data), L4_TRUNCATED_MESSAGE);
    UT_EQ(length, 7);
    UT_EQ(data, 7);
}
