/* SPDX-License-Identifier: MIT */
/*
 * The console server: owner of COM1, one virtual console per compartment
 * and platform server (docs/servers/console.md).
 *
 * Start-up (the contract of docs/servers/README.md): the start-info page
 * names "ep", "untyped", "com1" (IOPort 0x3f8-0x3ff), "com1_irq"
 * (IRQHandler of line 4) and, if the interrupt server runs, "irq". The
 * server finds its untyped's size (Retype probes, the memory given back
 * at once), sets up its slot and untyped allocators and its address-space
 * helper over its own PML4, makes a Reply object and the interrupt
 * notification (bound to its thread, a badged copy bound to the
 * IRQHandler), programs the UART and serves for ever (serve.c).
 * Without one of its capabilities it reports why on its DebugConsole, if
 * it has one, and stops.
 */
#include <l4/debug.h>
#include <l4/rt.h>
#include <l4/start_info.h>
#include <l4/stubs_gen.h>
#include "console.h"
#include "uart.h"

static struct console_server server;

static void sink(void *ctx, const char *buf, size_t n)
{
    struct console_server *cs = ctx;
    uart_write(cs->com1, buf, n);
}

/* The size of an untyped nothing has been made from: the largest Untyped
 * one Retype can make from it (deleted again, which gives the memory
 * back: the kernel restarts an untyped without children from its base). */
static int untyped_bits(l4_cptr_t ut, l4_cptr_t cnode, l4_word_t slot)
{
    for (int b = L4_OBJECT_UNTYPED_MAX_SIZE_BITS; b >= 12; b--)
        if (l4_untyped_retype(ut, L4_OBJECT_UNTYPED, (l4_word_t)b, cnode, 0, 0, slot, 1) ==
            L4_NO_ERROR) {
            l4_cnode_delete(cnode, slot, 64);
            return b;
        }
    return -1;
}

static _Noreturn void give_up(const char *why, l4_error_t e)
{
    l4_printf("console: %s: %s\n", why, l4_error_name(e));
    l4_rt_exit(L4_RT_STATUS_FAILED);
}

static l4_cptr_t new_object(struct console_server *cs, l4_word_t type)
{
    struct l4_object o;
    l4_error_t e = l4_untyped_alloc_object(&cs->ua, type, 0, 0, &o);
    if (e != L4_NO_ERROR)
        give_up("cannot make an object", e);
    return o.cap;
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    struct console_server *cs = &server;
    const struct l4_start_info *si = l4_rt_start_info();
    if (!si)
        give_up("no start-info page", L4_INVALID_ARGUMENT);
    cs->ep = l4_rt_cap(L4_PLAT_CAP_EP);
    l4_cptr_t untyped = l4_rt_cap(L4_PLAT_CAP_UNTYPED);
    cs->com1 = l4_rt_cap(L4_PLAT_CAP_COM1);
    cs->com1_irq = l4_rt_cap(L4_PLAT_CAP_COM1_IRQ);
    cs->irq_ep = l4_rt_cap(L4_PLAT_CAP_IRQ); /* may be absent */
    cs->com2 = l4_rt_cap("com2");            /* the host channel: may be absent */
    cs->com2_irq = l4_rt_cap("com2_irq");
    cs->cnode = si->cnode;
    cs->tcb = si->tcb;
    if (!cs->ep || !untyped || !cs->com1 || !cs->com1_irq)
        give_up("missing one of ep, untyped, com1, com1_irq", L4_INVALID_CAPABILITY);

    l4_word_t nslots = si->free_count < CONSOLE_MAX_SLOTS ? si->free_count : CONSOLE_MAX_SLOTS;
    l4_error_t e = l4_slot_alloc_init(&cs->slots, si->free_first, nslots, cs->slot_bits,
                                      sizeof cs->slot_bits / sizeof cs->slot_bits[0]);
    if (e != L4_NO_ERROR)
        give_up("no free slots", e);
    const struct l4_cspace_dest dest = {.root = cs->cnode, .cptr_depth = 64};
    l4_untyped_alloc_init(&cs->ua, cs->uts, 1, &cs->slots, &dest);
    l4_word_t probe;
    if (l4_slot_alloc(&cs->slots, &probe) != L4_NO_ERROR)
        give_up("no free slots", L4_NOT_ENOUGH_MEMORY);
    int bits = untyped_bits(untyped, cs->cnode, probe);
    l4_slot_free(&cs->slots, probe);
    if (bits < 0)
        give_up("untyped too small", L4_NOT_ENOUGH_MEMORY);
    /* paddr 0: the mirror only needs offsets (an untyped is aligned to
     * its size, so offsets align as addresses do) */
    if ((e = l4_untyped_alloc_add(&cs->ua, untyped, (unsigned)bits, 0, false)) != L4_NO_ERROR)
        give_up("untyped", e);
    l4_vspace_init(&cs->vs, si->vspace, &cs->ua, cs->tables, 8, cs->frames, CONS_MAX_CLIENTS);

    cs->reply = new_object(cs, L4_OBJECT_REPLY);
    cs->irq_ntfn = new_object(cs, L4_OBJECT_NOTIFICATION);
    l4_word_t badged, recv;
    if (l4_slot_alloc(&cs->slots, &badged) != L4_NO_ERROR ||
        l4_slot_alloc(&cs->slots, &recv) != L4_NO_ERROR)
        give_up("no free slots", L4_NOT_ENOUGH_MEMORY);
    cs->recv_slot = recv;
    if ((e = l4_cnode_mint(cs->cnode, badged, 64, cs->cnode, cs->irq_ntfn, 64, L4_CAP_RIGHTS_WRITE,
                           CONSOLE_IRQ_BADGE)) != L4_NO_ERROR)
        give_up("minting the interrupt notification", e);
    if ((e = l4_tcb_bind_notification(cs->tcb, cs->irq_ntfn)) != L4_NO_ERROR)
        give_up("binding the interrupt notification", e);
    if ((e = l4_irq_handler_set_notification(cs->com1_irq, badged)) != L4_NO_ERROR)
        give_up("IRQ 4 SetNotification", e);

    const char *com2_why = 0;
    if (cs->com2 && cs->com2_irq) {
        l4_word_t badged2 = 0;
        uart_set_com2(cs->com2);
        if (l4_slot_alloc(&cs->slots, &badged2) != L4_NO_ERROR)
            com2_why = "no slot";
        else if (l4_cnode_mint(cs->cnode, badged2, 64, cs->cnode, cs->irq_ntfn, 64,
                               L4_CAP_RIGHTS_WRITE, CONSOLE_IRQ2_BADGE) != L4_NO_ERROR)
            com2_why = "minting its notification";
        else if (l4_irq_handler_set_notification(cs->com2_irq, badged2) != L4_NO_ERROR)
            com2_why = "IRQ 3 SetNotification";
        else if (uart_init(cs->com2) != L4_NO_ERROR)
            com2_why = "the UART";
        if (!com2_why) {
            /* what the host sent before now stays: console_serve() reads it */
        } else {
            cs->com2 = 0; /* no host channel, then */
        }
    } else {
        cs->com2 = 0;
    }
    cons_init(&cs->core, sink, cs);
    if ((e = uart_init(cs->com1)) != L4_NO_ERROR)
        give_up("COM1", e);
    /* input typed before now: take it (nobody has the focus yet) */
    uint8_t junk[16];
    while (uart_receive(cs->com1, junk, sizeof junk))
        ;
    l4_irq_handler_ack(cs->com1_irq);
    if (com2_why) {
        cons_say(&cs->core, "no host channel: COM2: ");
        cons_say(&cs->core, com2_why);
        cons_say(&cs->core, "\n");
    }
    cons_say(&cs->core, cs->com2 ? "ready (host channel on COM2)\n" : "ready\n");
    console_serve(cs);
}
