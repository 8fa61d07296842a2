/* SPDX-License-Identifier: MIT */
/*
 * A compartment's PV page on the server's side: the frame the root task
 * transfers is checked, kept in a slot of ours, mapped at IRQ_PV_VA(id)
 * and initialised; on removal unmapped and deleted.
 *
 * The check of a frame has no side effect: DebugCapIdentify says whether
 * it is a Frame4K, and TCB ReadFPU on our own TCB with it as the target
 * frame says whether it is writable RAM: the kernel's decode refuses a
 * frame without Write right or of device memory with InvalidCapability
 * before it refuses our own TCB as the thread (IllegalOperation), and
 * nothing is done either way. A read-only frame mapped "writable" would
 * be mapped read-only (rights are masked by the capability's) and the
 * server would fault on its first write.
 */
#include <string.h>
#include <l4/pv/pvclock.h>
#include <l4/pv/virq.h>
#include <l4/stubs_gen.h>
#include "irq.h"

bool irq_frame_ok(const struct irq_server *s, l4_cptr_t cap)
{
    if (l4_debug_cap_identify(cap) != L4_CAP_FRAME_4K)
        return false;
    return l4_tcb_read_fpu(s->tcb, cap) == L4_ILLEGAL_OPERATION;
}

l4_error_t irq_take_received(struct irq_server *s, l4_cptr_t *slot)
{
    l4_word_t n;
    l4_error_t e = l4_slot_alloc(&s->slots, &n);
    if (e != L4_NO_ERROR)
        return e;
    e = l4_cnode_move(s->cnode, n, 64, s->cnode, s->recv_slot, 64);
    if (e != L4_NO_ERROR) {
        l4_slot_free(&s->slots, n);
        return e;
    }
    *slot = n;
    return L4_NO_ERROR;
}

void irq_drop_cap(struct irq_server *s, l4_cptr_t slot)
{
    if (slot == L4_CPTR_NULL)
        return;
    l4_cnode_delete(s->cnode, slot, 64);
    l4_slot_free(&s->slots, slot);
}

/* The page as the guest first sees it: magic and version, the clock's
 * line (the server's own: ns since TSC 0, so tsc_base = ns_base = 0),
 * every line masked, the virtual IF off, nothing pending. */
static void page_init(const struct irq_server *s, struct l4_pv_page *p)
{
    memset(p, 0, sizeof *p);
    p->magic = L4_PV_PAGE_MAGIC;
    p->version = L4_PV_PAGE_VERSION;
    l4_pv_clock_init(&p->clock);
    l4_pv_clock_publish(&p->clock, s->clock.hz, 0, 0);
    l4_pv_clock_publish_wall(&p->clock, s->wall_ns);
    l4_pv_irq_init(&p->irq);
}

l4_error_t irq_page_add(struct irq_server *s, unsigned id)
{
    l4_cptr_t frame;
    l4_error_t e = irq_take_received(s, &frame);
    if (e != L4_NO_ERROR)
        return e;
    e = l4_vspace_map(&s->vs, frame, IRQ_PV_VA(id), 12, L4_VM_RIGHTS_READ | L4_VM_RIGHTS_WRITE, 0);
    if (e != L4_NO_ERROR) {
        irq_drop_cap(s, frame);
        return e == L4_NOT_ENOUGH_MEMORY ? e : L4_INVALID_CAPABILITY;
    }
    struct l4_pv_page *p = (struct l4_pv_page *)(uintptr_t)IRQ_PV_VA(id);
    page_init(s, p);
    irq_compartment_init(&s->table.c[id], id, p, frame);
    return L4_NO_ERROR;
}

void irq_page_remove(struct irq_server *s, unsigned id)
{
    struct irq_compartment *c = &s->table.c[id];
    irq_deadlines_cancel(&s->deadlines, id);
    if (l4_vspace_unmap(&s->vs, IRQ_PV_VA(id), NULL) != L4_NO_ERROR) {
        /* the frame capability is gone (revoked): so is the mapping */
        int i = l4_vspace_find_frame(&s->vs, IRQ_PV_VA(id));
        if (i >= 0)
            l4_vspace_forget_frame(&s->vs, (unsigned)i);
    }
    irq_drop_cap(s, c->frame);
    irq_drop_cap(s, c->upcall);
    *c = (struct irq_compartment){.upcall = L4_CPTR_NULL};
}
