/* SPDX-License-Identifier: MIT */
/*
 * The console server's pure logic: who its clients are, how their output
 * is laid out on the one serial line, where typed input goes.
 *
 * Interface (no syscalls; host-tested in tests/unit/test_console_core.c):
 *   cons_init()             an empty state: the three platform servers are
 *                           clients (named "console", "irq", "mem"), no
 *                           compartment is
 *   cons_index()            badge -> client index, or -1 (any word is safe)
 *   cons_client_add()       ClientAdd's checks and effect (name, focus)
 *   cons_client_remove()    ClientRemove's bookkeeping (focus moves on)
 *   cons_output()           a client's bytes onto the line: raw, or
 *                           labelled per line (see below), through the
 *                           sink given to cons_init()
 *   cons_ring_drain()       Flush: check a shared ring's indices, copy the
 *                           pending bytes out once, consume them
 *   cons_input()            one typed byte: the focus keys, or the focused
 *                           compartment's input buffer
 *   cons_read()             Read: up to 8 buffered bytes of a client
 *
 * Layout of the line (docs/servers/console.md): a compartment's output is
 * written as it is while it is the only compartment client; with two or
 * more, every line starts with "[name] ". Servers' lines are always
 * labelled, and their "\n" is written "\r\n" as the kernel's are. When a
 * client writes while another one's line is unfinished, the console ends
 * that line with "\r\n" first, so no two clients share a line.
 *
 * Input: Ctrl-] (0x1d) starts a focus command; the next byte picks the
 * compartment that gets input: '0'..'9' compartment 0..9, 'n' the next
 * client compartment, 'p' the previous one, Ctrl-] a literal 0x1d for the
 * focused one; anything else cancels. Each compartment has a bounded input
 * buffer: bytes arriving when it is full are dropped and counted, never
 * waited for.
 *
 * Invariants: focus is -1 or the index of a compartment client; line_owner
 * is -1 (the line is at its start) or a client index; a client's ring
 * tail is the server's own copy (what it consumed), never read back from
 * the shared page.
 */
#ifndef CONSOLE_CORE_H
#define CONSOLE_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <l4/platform.h>
#include <l4/proto/console_gen.h>

/* Clients: the platform servers first (index = server number), then the
 * compartments (index = CONS_FIRST_COMPARTMENT + compartment number). */
#define CONS_FIRST_COMPARTMENT ((int)L4_PLAT_SERVERS)
#define CONS_MAX_CLIENTS       ((int)(L4_PLAT_SERVERS + L4_PLAT_MAX_COMPARTMENTS))
#define CONS_NAME_MAX          24  /* bytes of a name, as ClientAdd carries them */
#define CONS_INPUT_SIZE        256 /* bytes of input buffered per compartment */
#define CONS_WRITE_MAX         24  /* bytes of an inline Write */
#define CONS_READ_MAX          8   /* bytes of one Read */

/* The focus keys. */
#define CONS_KEY_ESCAPE 0x1d /* Ctrl-] */

struct cons_client {
    bool used; /* a client now (servers: always) */
    char name[CONS_NAME_MAX + 1];
    /* output ring: mapped by the glue, checked here */
    struct console_ring *ring; /* NULL: none */
    uint32_t tail;             /* bytes consumed: the server's own copy */
    /* input (compartments only) */
    uint8_t in[CONS_INPUT_SIZE];
    unsigned in_first, in_count;
    uint64_t in_dropped; /* bytes lost to a full buffer */
    /* the glue's resources for this client */
    uint64_t notification; /* cptr of its input notification, 0: none */
    uint64_t notify_bits;
};

/* Where output goes: the whole of buf, in order. */
typedef void (*cons_sink_t)(void *ctx, const char *buf, size_t n);

enum cons_key_state { CONS_KEYS_NORMAL, CONS_KEYS_ESCAPE };

struct cons_state {
    struct cons_client clients[CONS_MAX_CLIENTS];
    unsigned compartments; /* compartment clients */
    int focus;             /* compartment index that gets input, -1: none */
    int line_owner;        /* whose unfinished line is on the wire, -1: none */
    enum cons_key_state keys;
    uint64_t input_unfocused; /* bytes typed while no compartment had the focus */
    cons_sink_t sink;
    void *sink_ctx;
};

void cons_init(struct cons_state *s, cons_sink_t sink, void *sink_ctx);

/* The client index a badge names (whether a client now or not), or -1. */
int cons_index(uint64_t badge);
/* The badge of client index i. */
uint64_t cons_badge(int i);
bool cons_is_compartment(int i);
/* The client a badge names if it is one now, else NULL. */
struct cons_client *cons_client(struct cons_state *s, uint64_t badge);

/* ClientAdd: L4_NO_ERROR; CONSOLE_ERROR_NO_CLIENT (id names no possible
 * client), L4_DELETE_FIRST (the compartment is one already),
 * L4_INVALID_ARGUMENT (empty name, or a byte outside 0x21..0x7e before the
 * first NUL). Nothing changes on an error. */
console_status_t cons_client_add(struct cons_state *s, uint64_t id, uint64_t name0, uint64_t name1,
                                 uint64_t name2);
/* ClientRemove's bookkeeping: the client's record is reset (a server's to
 * its default name) and the focus moves on. The glue must have unmapped
 * its ring and deleted its notification first. CONSOLE_ERROR_NO_CLIENT if
 * id is not a client. */
console_status_t cons_client_remove(struct cons_state *s, uint64_t id);

/* Whether client i's lines get its label now. */
bool cons_labelled(const struct cons_state *s, int i);

/* Write n bytes of client i (an index of a client) on the line. */
void cons_output(struct cons_state *s, int i, const char *buf, size_t n);
/* A line of the console's own (client 0, "console"). */
void cons_say(struct cons_state *s, const char *text);

/* Flush: the bytes pending in client i's ring, checked then written and
 * consumed. L4_NO_ERROR with *written; CONSOLE_ERROR_NO_RING;
 * CONSOLE_ERROR_BAD_RING with detail[0] = the head read, detail[1] = the
 * server's tail, if head - tail exceeds the ring's size (nothing consumed:
 * the client may repair head). The head is read once: bytes the client
 * appends meanwhile wait for the next Flush; each data byte is read once
 * into a private buffer, so a client changing them only changes its own
 * output. */
console_status_t cons_ring_drain(struct cons_state *s, int i, uint64_t *written,
                                 uint64_t detail[2]);

/* One typed byte. Returns the index of the client that got input, or -1
 * (a focus key, a dropped byte, no focus). */
int cons_input(struct cons_state *s, uint8_t byte);

/* Read: up to max (1..8) bytes of client i's input into *data (first byte
 * lowest). L4_NO_ERROR with *length; L4_RANGE_ERROR (max);
 * CONSOLE_ERROR_WOULD_BLOCK (nothing buffered). */
console_status_t cons_read(struct cons_state *s, int i, unsigned max, uint64_t *length,
                           uint64_t *data);

/* Focus on compartment index i (a client), announcing it on the line;
 * false if i is not a compartment client. */
bool cons_focus(struct cons_state *s, int i);

#endif
