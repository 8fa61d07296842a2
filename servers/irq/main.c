/* SPDX-License-Identifier: MIT */
/*
 * The interrupt server: start-up and the receive loop.
 *
 * Started by the root task (docs/servers/README.md) with the capabilities
 * "ep" (its endpoint), "untyped" (its memory), "pit" (IOPort 0x40..0x43),
 * "pit_irq" (IRQHandler of the PIT's line) and "console" (unused: the
 * console server Calls this one with RaiseLine, so a Call the other way
 * could deadlock both; output goes to "debug_console" when given).
 *
 * Start-up: slots and untyped memory for its objects and page tables, a
 * Reply object and the PIT line's notification; the PIT stopped, the TSC
 * calibrated against it, the notification bound to the server's TCB
 * (pit.c). Then one loop: ReplyRecv on the endpoint returns either a
 * client's message or, with label 0 and no words, the PIT's interrupt
 * (the bound notification). The interrupt runs the timer; every message
 * goes to the generated irq_dispatch() (a label-0 message is refused with
 * IllegalOperation there: a client cannot pass for the interrupt beyond
 * making the timer look at its deadlines). A capability left in the
 * receive slot by any message is deleted before the next receive.
 */
#include <l4/debug.h>
#include <l4/platform.h>
#include <l4/rt.h>
#include <l4/stubs_gen.h>
#include "irq.h"

static struct irq_server server;

/* The untyped's size: its largest Untyped child that fits, made and
 * deleted again (nothing else is made from it yet, so it starts over).
 * The start-info page names capabilities, not sizes. */
static unsigned untyped_bits(l4_cptr_t ut, l4_cptr_t cnode, l4_word_t scratch)
{
    for (unsigned bits = 40; bits >= 12; bits--)
        if (l4_untyped_retype(ut, L4_OBJECT_UNTYPED, bits, cnode, 0, 0, scratch, 1) ==
            L4_NO_ERROR) {
            l4_cnode_delete(cnode, scratch, 64);
            return bits;
        }
    return 0;
}

static l4_cptr_t new_object(struct irq_server *s, l4_word_t type)
{
    struct l4_object o;
    return l4_untyped_alloc_object(&s->ua, type, 0, 0, &o) == L4_NO_ERROR ? o.cap : L4_CPTR_NULL;
}

static int start(struct irq_server *s)
{
    const struct l4_start_info *si = l4_rt_start_info();
    if (!si)
        return -1;
    s->cnode = si->cnode;
    s->vspace = si->vspace;
    s->tcb = si->tcb;
    s->ep = l4_rt_cap(L4_PLAT_CAP_EP);
    s->pit = l4_rt_cap(L4_PLAT_CAP_PIT);
    s->pit_irq = l4_rt_cap(L4_PLAT_CAP_PIT_IRQ);
    s->rtc = l4_rt_cap(L4_PLAT_CAP_RTC); /* optional: no wall clock without it */
    l4_cptr_t ut = l4_rt_cap(L4_PLAT_CAP_UNTYPED);
    if (!s->ep || !s->pit || !s->pit_irq || !ut) {
        l4_printf("irq: missing start-up capabilities\n");
        return -1;
    }
    l4_word_t n = si->free_count < IRQ_MAX_SLOTS ? si->free_count : IRQ_MAX_SLOTS;
    if (n < 8 || l4_slot_alloc_init(&s->slots, si->free_first, n, s->slot_bits,
                                    sizeof s->slot_bits / sizeof s->slot_bits[0]) != L4_NO_ERROR)
        return -1;
    l4_word_t scratch;
    if (l4_slot_alloc(&s->slots, &s->recv_slot) != L4_NO_ERROR ||
        l4_slot_alloc(&s->slots, &scratch) != L4_NO_ERROR)
        return -1;
    unsigned bits = untyped_bits(ut, s->cnode, scratch);
    l4_slot_free(&s->slots, scratch);
    const struct l4_cspace_dest dest = {.root = s->cnode, .cptr_depth = 64};
    l4_untyped_alloc_init(&s->ua, s->uts, 1, &s->slots, &dest);
    if (!bits || l4_untyped_alloc_add(&s->ua, ut, bits, 0, false) != L4_NO_ERROR) {
        l4_printf("irq: no usable untyped memory\n");
        return -1;
    }
    l4_vspace_init(&s->vs, s->vspace, &s->ua, s->tables, 8, s->frames, IRQ_MAX_COMPARTMENTS);
    s->reply = new_object(s, L4_OBJECT_REPLY);
    s->ntfn = new_object(s, L4_OBJECT_NOTIFICATION);
    if (!s->reply || !s->ntfn)
        return -1;
    irq_deadlines_init(&s->deadlines);
    for (unsigned i = 0; i < IRQ_MAX_COMPARTMENTS; i++)
        s->table.c[i].upcall = L4_CPTR_NULL;
    if (irq_pit_init(s) != 0) {
        l4_printf("irq: the PIT could not be set up\n");
        return -1;
    }
    irq_rtc_init(s);
    return 0;
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    struct irq_server *s = &server;
    if (start(s) != 0)
        return 1;
    struct l4_ipc_buffer *ipc = l4_ipc_buffer();
    l4_word_t badge = 0, mrs[L4_MSG_REGISTERS] = {0};
    l4_msginfo_t info = 0;
    ipc->receive_cnode = s->cnode;
    ipc->receive_index = s->recv_slot;
    ipc->receive_depth = 64;
    l4_rt_ready(); /* the root task may send its admin messages now */
    l4_error_t e = l4_recv_mrs(s->ep, s->reply, &badge, &info, mrs);
    for (;;) {
        l4_msginfo_t r = l4_msginfo_new(L4_ILLEGAL_OPERATION, 0, 0, 0);
        if (e == L4_NO_ERROR) {
            if (l4_msginfo_get_label(info) == 0 && l4_msginfo_get_length(info) == 0)
                irq_timer_interrupt(s);
            r = irq_dispatch(&irq_ops, s, badge, info, mrs, ipc, s->recv_slot);
            if (l4_debug_cap_identify(s->recv_slot) != L4_CAP_NULL)
                l4_cnode_delete(s->cnode, s->recv_slot, 64);
        }
        e = l4_reply_recv_mrs(s->ep, r, s->reply, &badge, &info, mrs);
    }
}
