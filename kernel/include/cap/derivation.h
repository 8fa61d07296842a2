/* SPDX-License-Identifier: MIT */
/*
 * The capability derivation tree (seL4's "mapping database").
 *
 * Interface: the tree is stored as one doubly-linked list of cte_t in
 * preorder: every capability follows the capability it was derived from,
 * and the descendants of an entry are exactly the entries that follow it
 * while derivation_is_parent_of() holds. That makes insert and remove O(1)
 * and revoke a walk from the entry forward.
 *
 * Parenthood (derivation_is_parent_of(a, b)): a must be revocable ("an
 * original": made by retype, or a badged mint from an unbadged original)
 * and name the same region as b (an untyped covers everything made from
 * it); for endpoints and notifications an unbadged original is the parent
 * of every copy, a badged one only of copies with its badge that are not
 * themselves first of their badge. IRQControl is the parent of every
 * IRQHandler capability, IOPortControl of every IOPort capability.
 */
#ifndef CAP_DERIVATION_H
#define CAP_DERIVATION_H

#include <cap/cap.h>

static inline cte_t *cte_prev(const cte_t *e)
{
    return (cte_t *)(uintptr_t)(e->prev & ~CTE_FLAG_MASK);
}

static inline cte_t *cte_next(const cte_t *e)
{
    return (cte_t *)(uintptr_t)e->next;
}

static inline int cte_revocable(const cte_t *e)
{
    return (e->prev & CTE_REVOCABLE) != 0;
}

static inline int cte_first_badged(const cte_t *e)
{
    return (e->prev & CTE_FIRST_BADGED) != 0;
}

int derivation_is_parent_of(const cte_t *a, const cte_t *b);

/* Put cap into the empty slot dest, derived from parent (NULL: a root of
 * the tree, as at boot), with the given flags (CTE_REVOCABLE,
 * CTE_FIRST_BADGED). A frame or page-table capability arrives without a
 * mapping record (cap_copy_of()). */
void derivation_insert(cte_t *dest, cap_t cap, cte_t *parent, uint64_t flags);

/* Take e out of the tree and clear it; its descendants move up to its
 * parent, keeping their order. */
void derivation_remove(cte_t *e);

/* Move the entry in src (tree position, flags and cap) to the empty dest. */
void derivation_move(cte_t *dest, cte_t *src, cap_t newcap);

/* 1 if e has at least one descendant. */
int derivation_has_children(const cte_t *e);

/* 1 if no other entry names the same object as e, i.e. deleting e would
 * destroy the object. Copies are always next to each other or separated
 * only by descendants, so the neighbours suffice. */
int derivation_is_final(const cte_t *e);

#endif
