/* SPDX-License-Identifier: MIT */
/*
 * The console server's pure logic (console_core.h): the client table, the
 * layout of the line (raw or labelled), the output ring's checks, the
 * focus keys and the input buffers. No syscalls: the glue (main.c,
 * serve.c) maps rings, drives the UART and signals notifications.
 */
#include <string.h>
#include "console_core.h"

static const char *const server_names[L4_PLAT_SERVERS] = {
    [L4_PLAT_SERVER_CONSOLE] = "console",
    [L4_PLAT_SERVER_IRQ] = "irq",
    [L4_PLAT_SERVER_MEM] = "mem",
};

static void client_reset(struct cons_client *c, int i)
{
    memset(c, 0, sizeof *c);
    if (i < CONS_FIRST_COMPARTMENT) {
        c->used = true;
        strcpy(c->name, server_names[i]);
    }
}

void cons_init(struct cons_state *s, cons_sink_t sink, void *sink_ctx)
{
    memset(s, 0, sizeof *s);
    for (int i = 0; i < (int)CONS_MAX_CLIENTS; i++)
        client_reset(&s->clients[i], i);
    s->focus = -1;
    s->line_owner = -1;
    s->keys = CONS_KEYS_NORMAL;
    s->sink = sink;
    s->sink_ctx = sink_ctx;
}

int cons_index(uint64_t badge)
{
    if (badge >= L4_PLAT_BADGE_SERVER(0) && badge < L4_PLAT_BADGE_SERVER(L4_PLAT_SERVERS))
        return (int)(badge - L4_PLAT_BADGE_SERVER(0));
    if (L4_PLAT_BADGE_IS_COMPARTMENT(badge))
        return CONS_FIRST_COMPARTMENT + (int)L4_PLAT_COMPARTMENT_OF(badge);
    return -1;
}

uint64_t cons_badge(int i)
{
    return i < CONS_FIRST_COMPARTMENT
               ? L4_PLAT_BADGE_SERVER((unsigned)i)
               : L4_PLAT_BADGE_COMPARTMENT((unsigned)(i - CONS_FIRST_COMPARTMENT));
}

bool cons_is_compartment(int i)
{
    return i >= CONS_FIRST_COMPARTMENT && i < (int)CONS_MAX_CLIENTS;
}

struct cons_client *cons_client(struct cons_state *s, uint64_t badge)
{
    int i = cons_index(badge);
    return i >= 0 && s->clients[i].used ? &s->clients[i] : NULL;
}

/* --- Admin ------------------------------------------------------------------ */

console_status_t cons_client_add(struct cons_state *s, uint64_t id, uint64_t name0, uint64_t name1,
                                 uint64_t name2)
{
    int i = cons_index(id);
    if (i < 0)
        return CONSOLE_ERROR_NO_CLIENT;
    if (cons_is_compartment(i) && s->clients[i].used)
        return L4_DELETE_FIRST;
    const uint64_t words[3] = {name0, name1, name2};
    char name[CONS_NAME_MAX + 1];
    unsigned n = 0;
    for (; n < CONS_NAME_MAX; n++) {
        uint8_t b = (uint8_t)(words[n / 8] >> (8 * (n % 8)));
        if (b == 0)
            break;
        if (b < 0x21 || b > 0x7e) /* no blanks, controls or escapes in a label */
            return L4_INVALID_ARGUMENT;
        name[n] = (char)b;
    }
    if (n == 0)
        return L4_INVALID_ARGUMENT;
    name[n] = '\0';
    struct cons_client *c = &s->clients[i];
    memcpy(c->name, name, n + 1);
    if (cons_is_compartment(i)) {
        c->used = true;
        s->compartments++;
        if (s->focus < 0)
            s->focus = i;
    }
    return L4_NO_ERROR;
}

/* The next (dir 1) or previous (dir -1) compartment client after from,
 * wrapping; -1 if there is none but from itself. */
static int next_compartment(const struct cons_state *s, int from, int dir)
{
    int n = (int)L4_PLAT_MAX_COMPARTMENTS;
    int start = cons_is_compartment(from) ? from - CONS_FIRST_COMPARTMENT : (dir > 0 ? n - 1 : 0);
    for (int k = 1; k <= n; k++) {
        int j = ((start + dir * k) % n + n) % n;
        if (s->clients[CONS_FIRST_COMPARTMENT + j].used)
            return CONS_FIRST_COMPARTMENT + j;
    }
    return -1;
}

console_status_t cons_client_remove(struct cons_state *s, uint64_t id)
{
    int i = cons_index(id);
    if (i < 0 || !s->clients[i].used)
        return CONSOLE_ERROR_NO_CLIENT;
    if (s->line_owner == i) {
        /* its unfinished line ends here, so the next writer starts afresh */
        s->sink(s->sink_ctx, "\r\n", 2);
        s->line_owner = -1;
    }
    client_reset(&s->clients[i], i);
    if (cons_is_compartment(i)) {
        s->compartments--;
        if (s->focus == i) {
            s->focus = next_compartment(s, i, 1);
            s->keys = CONS_KEYS_NORMAL;
        }
    }
    return L4_NO_ERROR;
}

/* --- Output ------------------------------------------------------------------- */

bool cons_labelled(const struct cons_state *s, int i)
{
    return !cons_is_compartment(i) || s->compartments > 1;
}

void cons_output(struct cons_state *s, int i, const char *buf, size_t n)
{
    char out[128];
    size_t k = 0;
    bool server = !cons_is_compartment(i);
#define PUT(ch)                                                                                    \
    do {                                                                                           \
        if (k == sizeof out) {                                                                     \
            s->sink(s->sink_ctx, out, k);                                                          \
            k = 0;                                                                                 \
        }                                                                                          \
        out[k++] = (ch);                                                                           \
    } while (0)
    for (size_t j = 0; j < n; j++) {
        char ch = buf[j];
        if (s->line_owner >= 0 && s->line_owner != i) {
            PUT('\r');
            PUT('\n');
            s->line_owner = -1;
        }
        if (s->line_owner < 0) {
            if (cons_labelled(s, i)) {
                PUT('[');
                for (const char *p = s->clients[i].name; *p; p++)
                    PUT(*p);
                PUT(']');
                PUT(' ');
            }
            s->line_owner = i;
        }
        if (server && ch == '\n')
            PUT('\r');
        PUT(ch);
        if (ch == '\n')
            s->line_owner = -1;
    }
#undef PUT
    if (k)
        s->sink(s->sink_ctx, out, k);
}

void cons_say(struct cons_state *s, const char *text)
{
    cons_output(s, L4_PLAT_SERVER_CONSOLE, text, strlen(text));
}

console_status_t cons_ring_drain(struct cons_state *s, int i, uint64_t *written, uint64_t detail[2])
{
    struct cons_client *c = &s->clients[i];
    if (!c->ring)
        return CONSOLE_ERROR_NO_RING;
    volatile struct console_ring *r = c->ring;
    uint32_t head = r->head; /* once: everything below uses this copy */
    uint32_t pending = head - c->tail;
    if (pending > CONSOLE_RING_DATA_SIZE) {
        detail[0] = head;
        detail[1] = c->tail;
        return CONSOLE_ERROR_BAD_RING;
    }
    char buf[256];
    uint32_t done = 0;
    while (done < pending) {
        uint32_t chunk = pending - done < sizeof buf ? pending - done : (uint32_t)sizeof buf;
        for (uint32_t k = 0; k < chunk; k++)
            buf[k] = r->data[(c->tail + done + k) % CONSOLE_RING_DATA_SIZE];
        cons_output(s, i, buf, chunk);
        done += chunk;
    }
    c->tail = head;
    r->tail = head; /* for the client to see; never read back */
    *written = pending;
    return L4_NO_ERROR;
}

/* --- Input -------------------------------------------------------------------- */

bool cons_focus(struct cons_state *s, int i)
{
    if (!cons_is_compartment(i) || !s->clients[i].used)
        return false;
    s->focus = i;
    char line[CONS_NAME_MAX + 32];
    strcpy(line, "input to ");
    strcat(line, s->clients[i].name);
    strcat(line, "\n");
    cons_say(s, line);
    return true;
}

/* Append a byte to client i's buffer, or count it dropped. */
static int deliver(struct cons_state *s, uint8_t byte)
{
    if (s->focus < 0) {
        s->input_unfocused++;
        return -1;
    }
    struct cons_client *c = &s->clients[s->focus];
    if (c->in_count == CONS_INPUT_SIZE) {
        c->in_dropped++;
        return -1;
    }
    c->in[(c->in_first + c->in_count) % CONS_INPUT_SIZE] = byte;
    c->in_count++;
    return s->focus;
}

int cons_input(struct cons_state *s, uint8_t byte)
{
    if (s->keys == CONS_KEYS_NORMAL) {
        if (byte == CONS_KEY_ESCAPE) {
            s->keys = CONS_KEYS_ESCAPE;
            return -1;
        }
        return deliver(s, byte);
    }
    s->keys = CONS_KEYS_NORMAL;
    if (byte == CONS_KEY_ESCAPE)
        return deliver(s, byte);
    if (byte >= '0' && byte <= '9') {
        cons_focus(s, CONS_FIRST_COMPARTMENT + (byte - '0'));
    } else if (byte == 'n' || byte == 'p') {
        int j = next_compartment(s, s->focus, byte == 'n' ? 1 : -1);
        if (j >= 0)
            cons_focus(s, j);
    }
    return -1;
}

console_status_t cons_read(struct cons_state *s, int i, unsigned max, uint64_t *length,
                           uint64_t *data)
{
    if (max == 0 || max > CONS_READ_MAX)
        return L4_RANGE_ERROR;
    struct cons_client *c = &s->clients[i];
    if (c->in_count == 0)
        return CONSOLE_ERROR_WOULD_BLOCK;
    unsigned n = c->in_count < max ? c->in_count : max;
    uint64_t w = 0;
    for (unsigned k = 0; k < n; k++) {
        w |= (uint64_t)c->in[c->in_first] << (8 * k);
        c->in_first = (c->in_first + 1) % CONS_INPUT_SIZE;
    }
    c->in_count -= n;
    *length = n;
    *data = w;
    return L4_NO_ERROR;
}
