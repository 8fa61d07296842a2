/* SPDX-License-Identifier: MIT */
/*
 * The console server's loop and message handlers.
 *
 * One thread receives everything on its endpoint: clients' Calls
 * (decoded and answered by the generated console_dispatch(),
 * <l4/proto/console_server_gen.h>) and COM1's interrupts, which arrive
 * through the notification bound to the thread as a receive with
 * message-info 0 and CONSOLE_IRQ_BADGE in the badge. After an interrupt
 * the loop receives again without answering (nobody called).
 *
 * Identity is the badge alone (docs/servers/README.md): the admin
 * messages need L4_PLAT_BADGE_ROOT (else IllegalOperation), every other
 * message a client's badge (else NoClient).
 */
#include <string.h>
#include <l4/proto/console_server_gen.h>
#include <l4/stubs_gen.h>
#include <l4/platform.h>
#include <l4/proto/irq_client_gen.h>
#include <l4/rt.h>
#include <l4/structs_gen.h>
#include "console.h"
#include "uart.h"

/* Input arrived for compartment badge id: raise its console line on the
 * interrupt server (RaiseLine, protocol irq.toml, allowed for the console
 * server's badge and this line only), so that its guest kernel's upcall
 * fires; nothing without an "irq" capability. */
void raise_console_line(struct console_server *cs, uint64_t id)
{
    if (cs->irq_ep == L4_CPTR_NULL || !L4_PLAT_BADGE_IS_COMPARTMENT(id))
        return;
    /* the interrupt server never calls the console server (it prints
     * through the kernel's console), so this Call cannot deadlock */
    (void)irq_raise_line(cs->irq_ep, L4_PLAT_COMPARTMENT_OF(id), L4_PV_IRQ_LINE_CONSOLE);
}

static console_status_t no_client(l4_word_t badge, l4_word_t detail[])
{
    detail[0] = badge;
    return CONSOLE_ERROR_NO_CLIENT;
}

static console_status_t do_write(void *ctx, l4_word_t badge, const struct console_write_args *a,
                                 struct console_write_result *r, l4_word_t detail[])
{
    struct console_server *cs = ctx;
    if (!cons_client(&cs->core, badge))
        return no_client(badge, detail);
    if (a->length > CONS_WRITE_MAX) {
        detail[0] = 0;
        detail[1] = CONS_WRITE_MAX;
        return L4_RANGE_ERROR;
    }
    const l4_word_t w[3] = {a->text0, a->text1, a->text2};
    char buf[CONS_WRITE_MAX];
    for (unsigned k = 0; k < a->length; k++)
        buf[k] = (char)(w[k / 8] >> (8 * (k % 8)));
    cons_output(&cs->core, cons_index(badge), buf, a->length);
    r->written = a->length;
    return L4_NO_ERROR;
}

static console_status_t do_flush(void *ctx, l4_word_t badge, struct console_flush_result *r,
                                 l4_word_t detail[])
{
    struct console_server *cs = ctx;
    if (!cons_client(&cs->core, badge))
        return no_client(badge, detail);
    uint64_t written = 0;
    console_status_t st = cons_ring_drain(&cs->core, cons_index(badge), &written, detail);
    r->written = written;
    return st;
}

static console_status_t do_read(void *ctx, l4_word_t badge, const struct console_read_args *a,
                                struct console_read_result *r, l4_word_t detail[])
{
    struct console_server *cs = ctx;
    if (!cons_client(&cs->core, badge))
        return no_client(badge, detail);
    if (a->max == 0 || a->max > CONS_READ_MAX) {
        detail[0] = 1;
        detail[1] = CONS_READ_MAX;
        return L4_RANGE_ERROR;
    }
    if (badge == cs->host_client) { /* the host channel's input */
        if (cs->host_len == 0)
            return cs->host_eof ? CONSOLE_ERROR_END_OF_INPUT : CONSOLE_ERROR_WOULD_BLOCK;
        size_t k = cs->host_len < a->max ? cs->host_len : a->max;
        uint64_t data = 0;
        for (size_t i = 0; i < k; i++)
            data |= (uint64_t)cs->host_in[i] << (8 * i);
        memmove(cs->host_in, cs->host_in + k, cs->host_len - k);
        cs->host_len -= k;
        r->length = k;
        r->data = data;
        return L4_NO_ERROR;
    }
    uint64_t len = 0, data = 0;
    console_status_t st = cons_read(&cs->core, cons_index(badge), a->max, &len, &data);
    r->length = len;
    r->data = data;
    return st;
}

static console_status_t
do_set_input_notification(void *ctx, l4_word_t badge,
                          const struct console_set_input_notification_args *a, l4_word_t detail[])
{
    struct console_server *cs = ctx;
    struct cons_client *c = cons_client(&cs->core, badge);
    if (!c || !cons_is_compartment(cons_index(badge)))
        return no_client(badge, detail);
    if (a->bits == 0 || a->bits >> L4_BADGE_BITS) {
        detail[0] = 1;
        return L4_INVALID_ARGUMENT;
    }
    if (l4_debug_cap_identify(a->notification) != L4_CAP_NOTIFICATION) {
        detail[0] = 0;
        return L4_INVALID_CAPABILITY;
    }
    /* a copy that signals exactly the client's bits (Mint refuses to
     * re-badge a badged capability: the client must send an unbadged one) */
    l4_word_t slot;
    if (l4_slot_alloc(&cs->slots, &slot) != L4_NO_ERROR)
        return L4_NOT_ENOUGH_MEMORY;
    if (l4_cnode_mint(cs->cnode, slot, 64, cs->cnode, a->notification, 64, L4_CAP_RIGHTS_WRITE,
                      a->bits) != L4_NO_ERROR) {
        l4_slot_free(&cs->slots, slot);
        detail[0] = 0;
        return L4_INVALID_CAPABILITY;
    }
    console_drop_cap(cs, c->notification);
    c->notification = slot;
    c->notify_bits = a->bits;
    if (c->in_count)
        l4_signal(slot);
    return L4_NO_ERROR;
}

static console_status_t do_client_add(void *ctx, l4_word_t badge,
                                      const struct console_client_add_args *a, l4_word_t detail[])
{
    struct console_server *cs = ctx;
    if (badge != L4_PLAT_BADGE_ROOT)
        return L4_ILLEGAL_OPERATION;
    console_status_t st = cons_client_add(&cs->core, a->id, a->name0, a->name1, a->name2);
    if (st == CONSOLE_ERROR_NO_CLIENT)
        detail[0] = a->id;
    return st;
}

static console_status_t do_client_set_ring(void *ctx, l4_word_t badge,
                                           const struct console_client_set_ring_args *a,
                                           l4_word_t detail[])
{
    struct console_server *cs = ctx;
    if (badge != L4_PLAT_BADGE_ROOT)
        return L4_ILLEGAL_OPERATION;
    if (!cons_client(&cs->core, a->id))
        return no_client(a->id, detail);
    return console_ring_attach(cs, cons_index(a->id), detail);
}

static console_status_t do_client_remove(void *ctx, l4_word_t badge,
                                         const struct console_client_remove_args *a,
                                         l4_word_t detail[])
{
    struct console_server *cs = ctx;
    if (badge != L4_PLAT_BADGE_ROOT)
        return L4_ILLEGAL_OPERATION;
    struct cons_client *c = cons_client(&cs->core, a->id);
    if (!c)
        return no_client(a->id, detail);
    int i = cons_index(a->id);
    console_ring_detach(cs, i);
    console_drop_cap(cs, c->notification);
    c->notification = 0;
    return cons_client_remove(&cs->core, a->id);
}

/* The host channel's frames: a stream byte, a length byte, the bytes. */
static void host_sink(struct console_server *cs, const char *buf, size_t n)
{
    uint8_t stream = cs->out_stream; /* set by do_flush_stream for this drain */
    while (n) {
        uint8_t k = n > 255 ? 255 : (uint8_t)n;
        char hdr[2] = {(char)stream, (char)k};
        uart_write(cs->com2, hdr, 2);
        uart_write(cs->com2, buf, k);
        buf += k;
        n -= k;
    }
}

static console_status_t do_flush_stream(void *ctx, l4_word_t badge,
                                        const struct console_flush_stream_args *a,
                                        struct console_flush_stream_result *r, l4_word_t detail[])
{
    struct console_server *cs = ctx;
    if (!cons_client(&cs->core, badge))
        return no_client(badge, detail);
    if ((a->stream != 1 && a->stream != 2) || badge != cs->host_client || !cs->com2) {
        detail[0] = 0;
        return L4_INVALID_ARGUMENT;
    }
    /* drain the ring as cons_ring_drain() does, into host frames: the
     * same checks (head read once, at most the ring's size pending) */
    struct cons_client *c = cons_client(&cs->core, badge);
    if (!c->ring)
        return CONSOLE_ERROR_NO_RING;
    volatile struct console_ring *ring = c->ring;
    uint32_t head = ring->head;
    uint32_t pending = head - c->tail;
    if (pending > CONSOLE_RING_DATA_SIZE) {
        detail[0] = head;
        detail[1] = c->tail;
        return CONSOLE_ERROR_BAD_RING;
    }
    cs->out_stream = a->stream;
    char buf[255];
    uint32_t done = 0;
    while (done < pending) {
        uint32_t chunk = pending - done < sizeof buf ? pending - done : (uint32_t)sizeof buf;
        for (uint32_t k = 0; k < chunk; k++)
            buf[k] = ring->data[(c->tail + done + k) % CONSOLE_RING_DATA_SIZE];
        host_sink(cs, buf, chunk);
        done += chunk;
    }
    c->tail = head;
    ring->tail = head;
    uint64_t written = pending;
    console_status_t st = L4_NO_ERROR;
    r->written = written;
    return st;
}

static console_status_t do_client_set_host(void *ctx, l4_word_t badge,
                                           const struct console_client_set_host_args *a,
                                           l4_word_t detail[])
{
    struct console_server *cs = ctx;
    if (badge != L4_PLAT_BADGE_ROOT)
        return L4_ILLEGAL_OPERATION;
    if (!cons_client(&cs->core, a->id))
        return no_client(a->id, detail);
    if (!cs->com2) {
        detail[0] = 0;
        return L4_INVALID_ARGUMENT;
    }
    cs->host_client = a->id;
    if (cs->host_len || cs->host_eof)
        raise_console_line(cs, a->id); /* input that came first */
    return L4_NO_ERROR;
}

/* COM2 interrupted: host frames in (type 0: data, 1: end of input). */
static void handle_host_irq(struct console_server *cs)
{
    bool got = false;
    for (unsigned round = 0; round < 64; round++) {
        uint8_t buf[64];
        size_t n = uart_receive(cs->com2, buf, sizeof buf);
        for (size_t k = 0; k < n; k++) {
            uint8_t b = buf[k];
            if (cs->frame_state == 0) {
                cs->frame_type = b;
                cs->frame_state = 1;
            } else if (cs->frame_state == 1) {
                cs->frame_left = b;
                cs->frame_state = b ? 2 : 0;
                if (cs->frame_type == 1) { /* end of input */
                    cs->host_eof = true;
                    cs->frame_state = 0;
                    got = true;
                }
            } else {
                if (cs->frame_type == 0 && cs->host_len < sizeof cs->host_in)
                    cs->host_in[cs->host_len++] = b;
                got = true;
                if (--cs->frame_left == 0)
                    cs->frame_state = 0;
            }
        }
        l4_irq_handler_ack(cs->com2_irq);
        if (n == 0)
            break;
    }
    if (got && cs->host_client)
        raise_console_line(cs, cs->host_client);
}

static const struct console_server_ops ops = {
    .write = do_write,
    .flush = do_flush,
    .read = do_read,
    .set_input_notification = do_set_input_notification,
    .client_add = do_client_add,
    .client_set_ring = do_client_set_ring,
    .client_remove = do_client_remove,
    .flush_stream = do_flush_stream,
    .client_set_host = do_client_set_host,
};

/* COM1 interrupted: take every byte the receiver holds, acknowledge, and
 * look once more (an edge that came while the line was masked is lost,
 * so bytes that arrived before the Ack would otherwise wait for the
 * next one). Then tell each client that got input. */
static void handle_irq(struct console_server *cs)
{
    bool got[CONS_MAX_CLIENTS] = {false};
    for (unsigned round = 0; round < 8; round++) {
        uint8_t buf[64];
        size_t n = uart_receive(cs->com1, buf, sizeof buf);
        for (size_t k = 0; k < n; k++) {
            int i = cons_input(&cs->core, buf[k]);
            if (i >= 0)
                got[i] = true;
        }
        l4_irq_handler_ack(cs->com1_irq);
        if (n == 0)
            break;
    }
    for (int i = 0; i < (int)CONS_MAX_CLIENTS; i++) {
        if (!got[i])
            continue;
        if (cs->core.clients[i].notification)
            l4_signal(cs->core.clients[i].notification);
        raise_console_line(cs, cons_badge(i));
    }
}

_Noreturn void console_serve(struct console_server *cs)
{
    struct l4_ipc_buffer *ipc = l4_ipc_buffer();
    l4_word_t badge = 0, mrs[L4_MSG_REGISTERS] = {0};
    l4_msginfo_t info = 0;
    ipc->receive_cnode = cs->cnode;
    ipc->receive_index = cs->recv_slot;
    ipc->receive_depth = 64;
    if (cs->com2)
        handle_host_irq(cs); /* frames the host sent before we listened */
    l4_rt_ready();           /* the root task may send its admin messages now */
    l4_error_t e = l4_recv_mrs(cs->ep, cs->reply, &badge, &info, mrs);
    for (;;) {
        if (e != L4_NO_ERROR) {
            e = l4_recv_mrs(cs->ep, cs->reply, &badge, &info, mrs);
            continue;
        }
        if (info == 0 && (badge & (CONSOLE_IRQ_BADGE | CONSOLE_IRQ2_BADGE))) {
            if (badge & CONSOLE_IRQ2_BADGE)
                handle_host_irq(cs);
            if (badge & CONSOLE_IRQ_BADGE)
                handle_irq(cs);
            e = l4_recv_mrs(cs->ep, cs->reply, &badge, &info, mrs);
            continue;
        }
        l4_msginfo_t r = console_dispatch(&ops, cs, badge, info, mrs, ipc, cs->recv_slot);
        /* a capability a handler did not take must not block the next transfer */
        if (l4_msginfo_get_extra_caps(info) && l4_debug_cap_identify(cs->recv_slot) != L4_CAP_NULL)
            l4_cnode_delete(cs->cnode, cs->recv_slot, 64);
        e = l4_reply_recv_mrs(cs->ep, r, cs->reply, &badge, &info, mrs);
    }
}
