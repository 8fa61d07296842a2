/* SPDX-License-Identifier: MIT */
/*
 * The console server's state and its parts (main.c: start-up; serve.c:
 * the loop and the message handlers; rings.c: mapping the clients'
 * shared pages and keeping their capabilities; uart.c: COM1). The pure
 * logic is console_core.c.
 *
 * Who holds what: the server's CNode (its start-info page's) holds its
 * endpoint, untyped, COM1's IOPort and IRQHandler, the interrupt server's
 * endpoint if given, and, in slots from the slot allocator: one Reply
 * object, the interrupt notification (bound to the server's thread) and
 * its badged copy (bound to the IRQHandler), the receive slot, and per
 * client the ring's Frame4K (mapped at ring_va(i)) and the input
 * notification (a copy minted with the client's bits).
 */
#ifndef CONSOLE_SERVER_H
#define CONSOLE_SERVER_H

#include <l4/alloc.h>
#include <l4/vspace.h>
#include "console_core.h"

/* The interrupt notification's badge: above every endpoint badge the root
 * mints (<l4/platform.h>), so a message is never taken for an interrupt. */
#define CONSOLE_IRQ_BADGE  (UINT64_C(1) << 47)
#define CONSOLE_IRQ2_BADGE (UINT64_C(1) << 46) /* COM2: the host channel */
#define HOST_IN_BYTES      4096

/* Where client i's ring is mapped: one page table covers them all. */
#define CONSOLE_RING_VA_BASE UINT64_C(0x0000500000000000)
#define CONSOLE_MAX_SLOTS    1024

struct console_server {
    struct cons_state core;
    l4_cptr_t ep, com1, com1_irq, irq_ep; /* from the start-info page */
    l4_cptr_t cnode, tcb;
    l4_cptr_t reply, irq_ntfn, recv_slot;
    struct l4_slot_alloc slots;
    uint64_t slot_bits[L4_SLOT_BITMAP_WORDS(CONSOLE_MAX_SLOTS)];
    struct l4_untyped uts[1];
    struct l4_untyped_alloc ua;
    struct l4_vspace vs;
    struct l4_vspace_table tables[8];
    struct l4_vspace_frame frames[CONS_MAX_CLIENTS];
    l4_cptr_t ring_cap[CONS_MAX_CLIENTS];
    /* The host channel (docs/servers/console.md): COM2, given to one
     * compartment client; frames in both directions. */
    l4_cptr_t com2, com2_irq;
    l4_word_t host_client; /* its badge, 0 if none */
    uint8_t host_in[HOST_IN_BYTES];
    size_t host_len;
    bool host_eof;
    uint8_t frame_type, frame_left; /* the host frame being read */
    int frame_state;                /* 0: type next, 1: length next, 2: data */
    uint8_t out_stream;             /* the stream FlushStream is writing */
};

static inline l4_word_t ring_va(int i)
{
    return CONSOLE_RING_VA_BASE + (l4_word_t)i * 4096u;
}

/* serve.c */
_Noreturn void console_serve(struct console_server *cs);

/* rings.c */
/* Move the capability in the receive slot to a fresh slot: 0 if none. */
l4_cptr_t console_take_received(struct console_server *cs);
/* Delete a capability the server keeps and free its slot (0: nothing). */
void console_drop_cap(struct console_server *cs, l4_cptr_t cap);
console_status_t console_ring_attach(struct console_server *cs, int i, l4_word_t detail[]);
void console_ring_detach(struct console_server *cs, int i);

/* The hook of the interrupt server's console line (serve.c). */
void raise_console_line(struct console_server *cs, uint64_t id);

#endif
