/* SPDX-License-Identifier: MIT */
/*
 * The capabilities clients' starters hand the console server: moving a
 * received one out of the receive slot, mapping a client's ring frame in
 * the server's own address space (page tables from its untyped, libl4's
 * vspace helper) and taking it down again.
 *
 * The ring frame comes from the root task (ClientSetRing is admin-only),
 * so its type is checked (Frame4K) but its rights are trusted to include
 * Write, as the protocol requires: the kernel maps a capability without
 * Write read-only, and the server's first write of the ring's tail would
 * then fault. The client only controls the page's contents, which
 * cons_ring_drain() checks.
 */
#include <l4/stubs_gen.h>
#include "console.h"

l4_cptr_t console_take_received(struct console_server *cs)
{
    l4_word_t slot;
    if (l4_slot_alloc(&cs->slots, &slot) != L4_NO_ERROR)
        return L4_CPTR_NULL;
    if (l4_cnode_move(cs->cnode, slot, 64, cs->cnode, cs->recv_slot, 64) != L4_NO_ERROR) {
        l4_slot_free(&cs->slots, slot);
        return L4_CPTR_NULL;
    }
    return slot;
}

void console_drop_cap(struct console_server *cs, l4_cptr_t cap)
{
    if (cap == L4_CPTR_NULL)
        return;
    l4_cnode_delete(cs->cnode, cap, 64);
    l4_slot_free(&cs->slots, cap);
}

console_status_t console_ring_attach(struct console_server *cs, int i, l4_word_t detail[])
{
    struct cons_client *c = &cs->core.clients[i];
    if (c->ring)
        return L4_DELETE_FIRST;
    if (l4_debug_cap_identify(cs->recv_slot) != L4_CAP_FRAME_4K) {
        detail[0] = CONSOLE_ARG_CLIENT_SET_RING_RING;
        return L4_INVALID_CAPABILITY;
    }
    l4_cptr_t frame = console_take_received(cs);
    if (frame == L4_CPTR_NULL)
        return L4_NOT_ENOUGH_MEMORY;
    l4_error_t e =
        l4_vspace_map(&cs->vs, frame, ring_va(i), 12, L4_VM_RIGHTS_READ | L4_VM_RIGHTS_WRITE, 0);
    if (e != L4_NO_ERROR) {
        console_drop_cap(cs, frame);
        return e == L4_NOT_ENOUGH_MEMORY ? L4_NOT_ENOUGH_MEMORY : e;
    }
    cs->ring_cap[i] = frame;
    struct console_ring *r = (struct console_ring *)(uintptr_t)ring_va(i);
    /* Start at the tail the page holds if it is consistent with its head
     * (a zeroed ring: 0), else at its head: whatever the page held, the
     * first Flush then sees a sane ring. */
    uint32_t head = ((volatile struct console_ring *)r)->head;
    uint32_t tail = ((volatile struct console_ring *)r)->tail;
    c->tail = (uint32_t)(head - tail) <= CONSOLE_RING_DATA_SIZE ? tail : head;
    c->ring = r;
    return L4_NO_ERROR;
}

void console_ring_detach(struct console_server *cs, int i)
{
    struct cons_client *c = &cs->core.clients[i];
    if (!c->ring)
        return;
    l4_vspace_unmap(&cs->vs, ring_va(i), NULL);
    console_drop_cap(cs, cs->ring_cap[i]);
    cs->ring_cap[i] = L4_CPTR_NULL;
    c->ring = NULL;
}
