/* SPDX-License-Identifier: MIT */
/*
 * CNode invocations (see <obj/cnode.h>). Decode validates: slots resolve
 * with exactly their depth, the destination is empty, the source is not,
 * the capability may be copied and the badge or guard fits. Invoke only
 * moves entries in the derivation tree.
 */
#include <cap/cspace.h>
#include <cap/derivation.h>
#include <obj/cnode.h>
#include <obj/objects.h>

static l4_error_t lookup_error(enum lookup_fault f)
{
    return f == LOOKUP_BAD_DEPTH ? L4_RANGE_ERROR : L4_FAILED_LOOKUP;
}

/* The slot (index, depth) names in cnode, empty or not. */
static l4_error_t lookup_any(cap_t cnode, uint64_t index, unsigned depth, cte_t **slot)
{
    if (cap_type(cnode) != CAP_CNODE)
        return L4_INVALID_CAPABILITY;
    enum lookup_fault f = cspace_lookup_slot(cnode, index, depth, slot);
    return f == LOOKUP_OK ? L4_NO_ERROR : lookup_error(f);
}

static l4_error_t lookup_dest(cap_t cnode, uint64_t index, unsigned depth, cte_t **dest)
{
    l4_error_t e = lookup_any(cnode, index, depth, dest);
    if (e == L4_NO_ERROR && cap_type((*dest)->cap) != CAP_NULL)
        e = L4_DELETE_FIRST;
    return e;
}

static l4_error_t lookup_src(cap_t root, uint64_t index, unsigned depth, cte_t **src)
{
    l4_error_t e = lookup_any(root, index, depth, src);
    if (e == L4_NO_ERROR && cap_type((*src)->cap) == CAP_NULL)
        e = L4_FAILED_LOOKUP;
    return e;
}

/* Apply a badge (endpoint, notification) or guard word (CNode) to c. */
static l4_error_t apply_data(cap_t *c, uint64_t data)
{
    switch (cap_type(*c)) {
    case CAP_ENDPOINT:
    case CAP_NOTIFICATION:
        if (cap_badge(*c) != 0)
            return L4_ILLEGAL_OPERATION; /* a badge is set once */
        if (data >> CAP_BADGE_BITS)
            return L4_RANGE_ERROR;
        *c = cap_set_badge(*c, data);
        return L4_NO_ERROR;
    case CAP_CNODE: {
        unsigned gsize = (unsigned)l4_cnode_guard_get_guard_size(data);
        uint64_t guard = l4_cnode_guard_get_guard(data);
        if (gsize > CAP_GUARD_BITS || gsize + cap_cnode_radix(*c) > 64 || (guard >> gsize))
            return L4_RANGE_ERROR;
        *c = cap_cnode_set_guard(*c, gsize, guard);
        return L4_NO_ERROR;
    }
    default:
        return data ? L4_ILLEGAL_OPERATION : L4_NO_ERROR;
    }
}

l4_error_t cnode_decode_copy(cap_t cnode, uint64_t dest_index, unsigned dest_depth, cap_t src_root,
                             uint64_t src_index, unsigned src_depth, unsigned rights, int mint,
                             uint64_t badge, struct cnode_op *op)
{
    l4_error_t e = lookup_dest(cnode, dest_index, dest_depth, &op->dest);
    if (e == L4_NO_ERROR)
        e = lookup_src(src_root, src_index, src_depth, &op->src);
    if (e != L4_NO_ERROR)
        return e;
    cap_t c = op->src->cap;
    if (!object_is_copyable(cap_type(c)))
        return L4_ILLEGAL_OPERATION;
    c = cap_with_rights(c, cap_rights(c) & rights);
    op->flags = 0;
    if (mint) {
        int was_unbadged = cap_badge(c) == 0;
        e = apply_data(&c, badge);
        if (e != L4_NO_ERROR)
            return e;
        /* a badged mint of an unbadged endpoint is a new original */
        if (was_unbadged && cap_badge(c) != 0)
            op->flags = CTE_REVOCABLE | CTE_FIRST_BADGED;
    }
    op->kind = CNODE_OP_COPY;
    op->cap = c;
    return L4_NO_ERROR;
}

l4_error_t cnode_decode_move(cap_t cnode, uint64_t dest_index, unsigned dest_depth, cap_t src_root,
                             uint64_t src_index, unsigned src_depth, int mutate, uint64_t badge,
                             struct cnode_op *op)
{
    l4_error_t e = lookup_dest(cnode, dest_index, dest_depth, &op->dest);
    if (e == L4_NO_ERROR)
        e = lookup_src(src_root, src_index, src_depth, &op->src);
    if (e != L4_NO_ERROR)
        return e;
    cap_t c = op->src->cap;
    if (mutate) {
        /* changing the badge of an original would change what its
         * descendants are: only a cap without children may be mutated */
        if (derivation_has_children(op->src))
            return L4_REVOKE_FIRST;
        e = apply_data(&c, badge);
        if (e != L4_NO_ERROR)
            return e;
    }
    op->kind = CNODE_OP_MOVE;
    op->cap = c;
    op->flags = 0;
    return L4_NO_ERROR;
}

l4_error_t cnode_decode_delete(cap_t cnode, uint64_t index, unsigned depth, struct cnode_op *op)
{
    op->kind = CNODE_OP_DELETE;
    op->src = 0;
    return lookup_any(cnode, index, depth, &op->dest);
}

l4_error_t cnode_decode_revoke(cap_t cnode, uint64_t index, unsigned depth, struct cnode_op *op)
{
    op->kind = CNODE_OP_REVOKE;
    op->src = 0;
    return lookup_any(cnode, index, depth, &op->dest);
}

void cte_delete(cte_t *slot)
{
    if (cap_type(slot->cap) == CAP_NULL)
        return;
    cap_t c = slot->cap;
    int final = derivation_is_final(slot);
    /* Take the entry out first: finalising a CNode may come back to a
     * slot that names the same CNode, which is then empty. */
    derivation_remove(slot);
    if (final)
        object_finalise(c);
}

void cte_revoke(cte_t *slot)
{
    while (derivation_has_children(slot))
        cte_delete(cte_next(slot));
}

void cnode_invoke(const struct cnode_op *op)
{
    switch (op->kind) {
    case CNODE_OP_COPY:
        derivation_insert(op->dest, op->cap, op->src, op->flags);
        break;
    case CNODE_OP_MOVE:
        derivation_move(op->dest, op->src, op->cap);
        break;
    case CNODE_OP_DELETE:
        cte_delete(op->dest);
        break;
    case CNODE_OP_REVOKE:
        cte_revoke(op->dest);
        break;
    }
}
