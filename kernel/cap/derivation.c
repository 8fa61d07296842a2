/* SPDX-License-Identifier: MIT */
/*
 * Capability derivation tree: list operations and the parent relation
 * (see <cap/derivation.h>). Arch-free; tests/unit/test_derivation.c drives
 * it with random trees against a reference model.
 */
#include <cap/derivation.h>

static void set_prev(cte_t *e, cte_t *p)
{
    e->prev = (uint64_t)(uintptr_t)p | (e->prev & CTE_FLAG_MASK);
}

int derivation_is_parent_of(const cte_t *a, const cte_t *b)
{
    if (!cte_revocable(a))
        return 0;
    cap_t ca = a->cap, cb = b->cap;
    /* Untyped caps are never copied (only moved), so whatever follows an
     * untyped inside its region was made from it. */
    if (cap_type(ca) == CAP_UNTYPED)
        return cap_untyped_covers(ca, cb);
    /* The control capabilities exist once and are the parents of every
     * IRQHandler and IOPort capability they issued (revoking one deletes
     * them all). */
    if (cap_type(ca) == CAP_IRQ_CONTROL)
        return cap_type(cb) == CAP_IRQ_HANDLER;
    if (cap_type(ca) == CAP_IOPORT_CONTROL)
        return cap_type(cb) == CAP_IOPORT;
    if (!cap_same_object(ca, cb))
        return 0;
    if (cap_type(ca) == CAP_ENDPOINT || cap_type(ca) == CAP_NOTIFICATION) {
        uint64_t badge = cap_badge(ca);
        if (badge == 0)
            return 1;
        return badge == cap_badge(cb) && !cte_first_badged(b);
    }
    return 1;
}

void derivation_insert(cte_t *dest, cap_t cap, cte_t *parent, uint64_t flags)
{
    /* every copy path comes here: a copy never holds its source's mapping */
    dest->cap = cap_copy_of(cap);
    dest->prev = (uint64_t)(uintptr_t)parent | (flags & CTE_FLAG_MASK);
    dest->next = parent ? parent->next : 0;
    if (parent) {
        if (cte_next(parent))
            set_prev(cte_next(parent), dest);
        parent->next = (uint64_t)(uintptr_t)dest;
    }
}

void derivation_remove(cte_t *e)
{
    cte_t *p = cte_prev(e), *n = cte_next(e);
    if (p)
        p->next = (uint64_t)(uintptr_t)n;
    if (n)
        set_prev(n, p);
    e->cap = cap_null();
    e->prev = e->next = 0;
}

void derivation_move(cte_t *dest, cte_t *src, cap_t newcap)
{
    cte_t *p = cte_prev(src), *n = cte_next(src);
    dest->cap = newcap;
    dest->prev = src->prev;
    dest->next = src->next;
    if (p)
        p->next = (uint64_t)(uintptr_t)dest;
    if (n)
        set_prev(n, dest);
    src->cap = cap_null();
    src->prev = src->next = 0;
}

int derivation_has_children(const cte_t *e)
{
    const cte_t *n = cte_next(e);
    return n && derivation_is_parent_of(e, n);
}

int derivation_is_final(const cte_t *e)
{
    const cte_t *p = cte_prev(e), *n = cte_next(e);
    if (p && cap_type(p->cap) == cap_type(e->cap) && cap_same_object(p->cap, e->cap))
        return 0;
    if (n && cap_type(n->cap) == cap_type(e->cap) && cap_same_object(n->cap, e->cap))
        return 0;
    return 1;
}
