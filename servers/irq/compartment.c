/* SPDX-License-Identifier: MIT */
/*
 * Compartments and the rules of the interrupt server's messages: see
 * compartment.h. Pure: the only shared memory touched is through
 * l4_pv_irq_raise(), which reads fixed words of the page and trusts none.
 */
#include <l4/pv/virq.h>
#include "compartment.h"

enum irq_caller_kind irq_caller(l4_word_t badge)
{
    if (badge == L4_PLAT_BADGE_ROOT)
        return IRQ_CALLER_ROOT;
    if (badge == L4_PLAT_BADGE_SERVER(L4_PLAT_SERVER_CONSOLE))
        return IRQ_CALLER_CONSOLE;
    if (L4_PLAT_BADGE_IS_COMPARTMENT(badge))
        return IRQ_CALLER_COMPARTMENT;
    return IRQ_CALLER_OTHER;
}

static irq_status_t range(l4_word_t detail[IRQ_MAX_DETAIL])
{
    detail[0] = 0;
    detail[1] = IRQ_MAX_COMPARTMENTS - 1;
    return L4_RANGE_ERROR;
}

static irq_status_t fail1(irq_status_t st, l4_word_t v, l4_word_t detail[IRQ_MAX_DETAIL])
{
    detail[0] = v;
    return st;
}

irq_status_t irq_check_admin(l4_word_t badge, l4_word_t id, l4_word_t detail[IRQ_MAX_DETAIL])
{
    if (irq_caller(badge) != IRQ_CALLER_ROOT)
        return L4_ILLEGAL_OPERATION;
    if (id >= IRQ_MAX_COMPARTMENTS)
        return range(detail);
    return L4_NO_ERROR;
}

irq_status_t irq_check_guest(const struct irq_table *t, l4_word_t badge, unsigned *id,
                             l4_word_t detail[IRQ_MAX_DETAIL])
{
    if (irq_caller(badge) != IRQ_CALLER_COMPARTMENT)
        return L4_ILLEGAL_OPERATION;
    unsigned i = (unsigned)L4_PLAT_COMPARTMENT_OF(badge);
    if (!t->c[i].present)
        return fail1(IRQ_ERROR_NO_COMPARTMENT, i, detail);
    *id = i;
    return L4_NO_ERROR;
}

irq_status_t irq_check_raise(const struct irq_table *t, l4_word_t badge, l4_word_t id,
                             l4_word_t line, l4_word_t detail[IRQ_MAX_DETAIL])
{
    if (irq_caller(badge) != IRQ_CALLER_CONSOLE)
        return L4_ILLEGAL_OPERATION;
    if (id >= IRQ_MAX_COMPARTMENTS)
        return range(detail);
    if (line != L4_PV_IRQ_LINE_CONSOLE)
        return fail1(IRQ_ERROR_BAD_LINE, line, detail);
    if (!t->c[id].present)
        return fail1(IRQ_ERROR_NO_COMPARTMENT, id, detail);
    return L4_NO_ERROR;
}

irq_status_t irq_check_event(const struct irq_table *t, l4_word_t badge, l4_word_t target,
                             l4_word_t line, l4_word_t detail[IRQ_MAX_DETAIL])
{
    unsigned from;
    irq_status_t st = irq_check_guest(t, badge, &from, detail);
    if (st != L4_NO_ERROR)
        return st;
    if (target >= IRQ_MAX_COMPARTMENTS)
        return range(detail);
    if (line < L4_PV_IRQ_LINE_EVENT_FIRST || line >= L4_PV_IRQ_LINES)
        return fail1(IRQ_ERROR_BAD_LINE, line, detail);
    if (!(t->c[from].event_targets & (UINT64_C(1) << target)))
        return fail1(IRQ_ERROR_NOT_PERMITTED, target, detail);
    if (!t->c[target].present)
        return fail1(IRQ_ERROR_NO_COMPARTMENT, target, detail);
    return L4_NO_ERROR;
}

void irq_compartment_init(struct irq_compartment *c, unsigned id, struct l4_pv_page *page,
                          l4_cptr_t frame)
{
    *c = (struct irq_compartment){
        .present = true,
        .page = page,
        .frame = frame,
        .upcall = L4_CPTR_NULL,
        .event_targets = UINT64_C(1) << (id % IRQ_MAX_COMPARTMENTS),
    };
}

bool irq_compartment_raise(struct irq_compartment *c, unsigned line)
{
    if (!c->present || l4_pv_irq_raise(&c->page->irq, line) != L4_PV_IRQ_SIGNAL)
        return false;
    if (c->upcall == L4_CPTR_NULL) {
        c->signal_owed = true;
        return false;
    }
    return true;
}

bool irq_compartment_set_upcall(struct irq_compartment *c, l4_cptr_t upcall)
{
    c->upcall = upcall;
    if (upcall == L4_CPTR_NULL || !c->signal_owed)
        return false;
    c->signal_owed = false;
    return true;
}
