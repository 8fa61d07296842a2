/* SPDX-License-Identifier: MIT */
/*
 * The interrupt server's protocol handlers (libl4/spec/protocols/irq.toml,
 * dispatched by the generated irq_dispatch()). Each checks the caller's
 * badge and the message with compartment.c's rules, then acts; nothing is
 * changed by a refused message. Admin messages come from the root task
 * alone; guest messages act on the caller's own compartment, named by its
 * badge only.
 */
#include <l4/stubs_gen.h>
#include "irq.h"

void irq_raise(struct irq_server *s, unsigned id, unsigned line)
{
    struct irq_compartment *c = &s->table.c[id];
    /* Our copy of the page's frame goes when the root task revokes the
     * frame (a compartment torn down before CompartmentRemove): the page
     * is then unmapped here, and touching it would fault the server. The
     * compartment is gone: forget it. */
    if (c->present && l4_debug_cap_identify(c->frame) != L4_CAP_FRAME_4K) {
        irq_page_remove(s, id);
        return;
    }
    /* The notification was checked to be one: Send only signals it (a
     * capability without Write right refuses, the guest's own loss). */
    if (irq_compartment_raise(c, line))
        l4_signal(c->upcall);
}

static irq_status_t compartment_add(void *ctx, l4_word_t badge,
                                    const struct irq_compartment_add_args *a,
                                    l4_word_t detail[IRQ_MAX_DETAIL])
{
    struct irq_server *s = ctx;
    irq_status_t st = irq_check_admin(badge, a->id, detail);
    if (st != L4_NO_ERROR)
        return st;
    if (s->table.c[a->id].present) {
        detail[0] = a->id;
        return IRQ_ERROR_COMPARTMENT_EXISTS;
    }
    if (!irq_frame_ok(s, a->pv_page)) {
        detail[0] = IRQ_ARG_COMPARTMENT_ADD_PV_PAGE;
        return L4_INVALID_CAPABILITY;
    }
    st = irq_page_add(s, (unsigned)a->id);
    if (st == L4_INVALID_CAPABILITY)
        detail[0] = IRQ_ARG_COMPARTMENT_ADD_PV_PAGE;
    return st;
}

static irq_status_t compartment_set_upcall(void *ctx, l4_word_t badge,
                                           const struct irq_compartment_set_upcall_args *a,
                                           l4_word_t detail[IRQ_MAX_DETAIL])
{
    struct irq_server *s = ctx;
    irq_status_t st = irq_check_admin(badge, a->id, detail);
    if (st != L4_NO_ERROR)
        return st;
    struct irq_compartment *c = &s->table.c[a->id];
    if (!c->present) {
        detail[0] = a->id;
        return IRQ_ERROR_NO_COMPARTMENT;
    }
    if (l4_debug_cap_identify(a->notification) != L4_CAP_NOTIFICATION) {
        detail[0] = IRQ_ARG_COMPARTMENT_SET_UPCALL_NOTIFICATION;
        return L4_INVALID_CAPABILITY;
    }
    l4_cptr_t n;
    st = irq_take_received(s, &n);
    if (st != L4_NO_ERROR)
        return st;
    irq_drop_cap(s, c->upcall);
    if (irq_compartment_set_upcall(c, n))
        l4_signal(n);
    return L4_NO_ERROR;
}

static irq_status_t compartment_remove(void *ctx, l4_word_t badge,
                                       const struct irq_compartment_remove_args *a,
                                       l4_word_t detail[IRQ_MAX_DETAIL])
{
    struct irq_server *s = ctx;
    irq_status_t st = irq_check_admin(badge, a->id, detail);
    if (st != L4_NO_ERROR)
        return st;
    if (!s->table.c[a->id].present) {
        detail[0] = a->id;
        return IRQ_ERROR_NO_COMPARTMENT;
    }
    irq_page_remove(s, (unsigned)a->id);
    return L4_NO_ERROR;
}

static irq_status_t timer_set(void *ctx, l4_word_t badge, const struct irq_timer_set_args *a,
                              struct irq_timer_set_result *r, l4_word_t detail[IRQ_MAX_DETAIL])
{
    struct irq_server *s = ctx;
    unsigned id;
    irq_status_t st = irq_check_guest(&s->table, badge, &id, detail);
    if (st != L4_NO_ERROR)
        return st;
    r->now_ns = irq_now(s);
    irq_deadlines_set(&s->deadlines, id, a->deadline_ns);
    /* an expired deadline is raised here, before the answer */
    irq_timer_run(s);
    return L4_NO_ERROR;
}

static irq_status_t timer_cancel(void *ctx, l4_word_t badge, struct irq_timer_cancel_result *r,
                                 l4_word_t detail[IRQ_MAX_DETAIL])
{
    struct irq_server *s = ctx;
    unsigned id;
    irq_status_t st = irq_check_guest(&s->table, badge, &id, detail);
    if (st != L4_NO_ERROR)
        return st;
    /* The PIT may still fire for it: that interrupt finds nothing due and
     * arms for the next deadline. */
    r->was_armed = irq_deadlines_cancel(&s->deadlines, id);
    return L4_NO_ERROR;
}

static irq_status_t raise_line(void *ctx, l4_word_t badge, const struct irq_raise_line_args *a,
                               l4_word_t detail[IRQ_MAX_DETAIL])
{
    struct irq_server *s = ctx;
    irq_status_t st = irq_check_raise(&s->table, badge, a->id, a->line, detail);
    if (st != L4_NO_ERROR)
        return st;
    irq_raise(s, (unsigned)a->id, (unsigned)a->line);
    return L4_NO_ERROR;
}

static irq_status_t event_send(void *ctx, l4_word_t badge, const struct irq_event_send_args *a,
                               l4_word_t detail[IRQ_MAX_DETAIL])
{
    struct irq_server *s = ctx;
    irq_status_t st = irq_check_event(&s->table, badge, a->target_id, a->line, detail);
    if (st != L4_NO_ERROR)
        return st;
    irq_raise(s, (unsigned)a->target_id, (unsigned)a->line);
    return L4_NO_ERROR;
}

const struct irq_server_ops irq_ops = {
    .compartment_add = compartment_add,
    .compartment_set_upcall = compartment_set_upcall,
    .compartment_remove = compartment_remove,
    .timer_set = timer_set,
    .timer_cancel = timer_cancel,
    .raise_line = raise_line,
    .event_send = event_send,
};
