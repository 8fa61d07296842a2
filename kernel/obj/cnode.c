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

static l4_error_t lookup_src(cap_t root, uint64_t index, uint64_t depth, cte_t **src,
                             uint64_t detail[2])
{
    l4_error_t e = cspace_lookup_any_slot(root, index, depth, 1, src, detail);
    if (e == L4_NO_ERROR && cap_type((*src)->cap) == CAP_NULL) {
        detail[0] = 1; /* the source */
        e = L4_FAILED_LOOKUP;
    }
    return e;
}

/* cnode_apply_data() with the RangeError detail: the widest badge or
 * guard value the capability takes. */
static l4_error_t apply_data(cap_t *c, uint64_t data, uint64_t detail[2])
{
    l4_error_t e = cnode_apply_data(c, data);
    if (e == L4_RANGE_ERROR) {
        detail[0] = 0;
        detail[1] =
            cap_type(*c) == CAP_CNODE ? (1ull << CAP_GUARD_BITS) - 1 : (1ull << CAP_BADGE_BITS) - 1;
    }
    return e;
}

/* Apply a badge (endpoint, notification) or guard word (CNode) to c. */
l4_error_t cnode_apply_data(cap_t *c, uint64_t data)
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
        /* a guard may span the bits the radix leaves (a single-level
         * CSpace addressed by slot numbers needs 64 - radix zero bits),
         * but its value is stored in CAP_GUARD_BITS */
        if (gsize + cap_cnode_radix(*c) > 64 || (gsize < 64 && (guard >> gsize)) ||
            (guard >> CAP_GUARD_BITS))
            return L4_RANGE_ERROR;
        *c = cap_cnode_set_guard(*c, gsize, guard);
        return L4_NO_ERROR;
    }
    default:
        return data ? L4_ILLEGAL_OPERATION : L4_NO_ERROR;
    }
}

l4_error_t cnode_decode_copy(cap_t cnode, uint64_t dest_index, uint64_t dest_depth, cap_t src_root,
                             uint64_t src_index, uint64_t src_depth, unsigned rights, int mint,
                             uint64_t badge, struct cnode_op *op)
{
    l4_error_t e = cspace_lookup_empty_slot(cnode, dest_index, dest_depth, &op->dest, op->detail);
    if (e == L4_NO_ERROR)
        e = lookup_src(src_root, src_index, src_depth, &op->src, op->detail);
    if (e != L4_NO_ERROR)
        return e;
    cap_t c = op->src->cap;
    if (!object_is_copyable(cap_type(c)))
        return L4_ILLEGAL_OPERATION;
    c = cap_with_rights(c, cap_rights(c) & rights);
    op->flags = 0;
    if (mint) {
        int was_unbadged = cap_badge(c) == 0;
        e = apply_data(&c, badge, op->detail);
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

l4_error_t cnode_decode_move(cap_t cnode, uint64_t dest_index, uint64_t dest_depth, cap_t src_root,
                             uint64_t src_index, uint64_t src_depth, int mutate, uint64_t badge,
                             struct cnode_op *op)
{
    l4_error_t e = cspace_lookup_empty_slot(cnode, dest_index, dest_depth, &op->dest, op->detail);
    if (e == L4_NO_ERROR)
        e = lookup_src(src_root, src_index, src_depth, &op->src, op->detail);
    if (e != L4_NO_ERROR)
        return e;
    cap_t c = op->src->cap;
    if (mutate) {
        /* changing the badge of an original would change what its
         * descendants are: only a cap without children may be mutated */
        if (derivation_has_children(op->src))
            return L4_REVOKE_FIRST;
        e = apply_data(&c, badge, op->detail);
        if (e != L4_NO_ERROR)
            return e;
    }
    op->kind = CNODE_OP_MOVE;
    op->cap = c;
    op->flags = 0;
    return L4_NO_ERROR;
}

l4_error_t cnode_decode_delete(cap_t cnode, uint64_t index, uint64_t depth, struct cnode_op *op)
{
    op->kind = CNODE_OP_DELETE;
    op->src = 0;
    return cspace_lookup_any_slot(cnode, index, depth, 0, &op->dest, op->detail);
}

l4_error_t cnode_decode_revoke(cap_t cnode, uint64_t index, uint64_t depth, struct cnode_op *op)
{
    op->kind = CNODE_OP_REVOKE;
    op->src = 0;
    return cspace_lookup_any_slot(cnode, index, depth, 0, &op->dest, op->detail);
}

/*
 * Destroying a CNode or TCB deletes the capabilities it holds, which may
 * be the last ones to further CNodes and TCBs, and so on: a chain as long
 * as user memory allows. To keep the kernel stack shallow, such objects
 * are not finalised recursively but put on a work list that the outermost
 * cte_delete() drains. The list is threaded through the slots that named
 * the objects: inside an object being destroyed those slots are dead
 * memory that nothing else reads, and it cannot be retyped before this
 * syscall ends. The outermost object waits in reap_first. Finalising
 * nests at most two calls deep, whatever the chain.
 */
static cte_t reap_first;
static cte_t *reap_list;
static int reaping;

static int finalise_deletes_caps(enum cap_type t)
{
    return t == CAP_CNODE || t == CAP_TCB;
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
    object_cap_removed(c); /* a frame or page table takes its mapping with it */
    if (!final)
        return;
    if (!finalise_deletes_caps(cap_type(c))) {
        object_finalise(c);
        return;
    }
    if (reaping) {
        /* slot is inside an object being destroyed: reuse it as a list node */
        slot->cap = c;
        slot->next = (uint64_t)(uintptr_t)reap_list;
        reap_list = slot;
        return;
    }
    reaping = 1;
    reap_first.cap = c;
    reap_first.next = 0;
    reap_list = &reap_first;
    while (reap_list) {
        cte_t *e = reap_list;
        reap_list = cte_next(e);
        cap_t obj = e->cap;
        e->cap = cap_null();
        e->prev = e->next = 0;
        object_finalise(obj);
    }
    reaping = 0;
}

void cte_revoke(cte_t *slot)
{
    /* a deletion may destroy the CNode that holds slot itself (an untyped
     * whose slot lies in a CNode made from it): stop once slot no longer
     * holds the capability revoked (a destroyed CNode's slots are emptied) */
    cap_t c = slot->cap;
    while (cap_same_object(slot->cap, c) && derivation_has_children(slot))
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

/* --- message decoding ------------------------------------------------------ */

#include <api/syscall.h>
#include <l4/invocation_labels_gen.h>

/* The source root of Copy/Mint/Move/Mutate: extra cap 0, a CNode. */
static l4_error_t src_root(struct invocation *inv, unsigned arg, cap_t *root)
{
    if (!inv->caps[0] || cap_type(inv->caps[0]->cap) != CAP_CNODE) {
        invocation_error_detail(inv, arg, 0);
        return L4_INVALID_CAPABILITY;
    }
    *root = inv->caps[0]->cap;
    return L4_NO_ERROR;
}

l4_error_t cnode_decode_invocation(cte_t *slot, struct invocation *inv)
{
    cap_t cn = slot->cap, root;
    const uint64_t *m = inv->mr;
    struct cnode_op op;
    l4_error_t e;
    switch (inv->label) {
    case L4_LABEL_CNODE_COPY:
    case L4_LABEL_CNODE_MINT: {
        int mint = inv->label == L4_LABEL_CNODE_MINT;
        _Static_assert(L4_MR_CNODE_COPY_RIGHTS == L4_MR_CNODE_MINT_RIGHTS, "same layout");
        _Static_assert(L4_MR_CNODE_COPY_SRC_INDEX == L4_MR_CNODE_MINT_SRC_INDEX, "same layout");
        if ((e = src_root(inv, L4_ARG_CNODE_COPY_SRC_ROOT, &root)))
            return e;
        e = cnode_decode_copy(cn, m[L4_MR_CNODE_COPY_DEST_INDEX], m[L4_MR_CNODE_COPY_DEST_DEPTH],
                              root, m[L4_MR_CNODE_COPY_SRC_INDEX], m[L4_MR_CNODE_COPY_SRC_DEPTH],
                              (unsigned)(m[L4_MR_CNODE_COPY_RIGHTS] & CAP_RIGHTS_ALL), mint,
                              mint ? m[L4_MR_CNODE_MINT_BADGE] : 0, &op);
        break;
    }
    case L4_LABEL_CNODE_MOVE:
    case L4_LABEL_CNODE_MUTATE: {
        int mutate = inv->label == L4_LABEL_CNODE_MUTATE;
        _Static_assert(L4_MR_CNODE_MOVE_SRC_DEPTH == L4_MR_CNODE_MUTATE_SRC_DEPTH, "same layout");
        if ((e = src_root(inv, L4_ARG_CNODE_MOVE_SRC_ROOT, &root)))
            return e;
        e = cnode_decode_move(cn, m[L4_MR_CNODE_MOVE_DEST_INDEX], m[L4_MR_CNODE_MOVE_DEST_DEPTH],
                              root, m[L4_MR_CNODE_MOVE_SRC_INDEX], m[L4_MR_CNODE_MOVE_SRC_DEPTH],
                              mutate, mutate ? m[L4_MR_CNODE_MUTATE_BADGE] : 0, &op);
        break;
    }
    case L4_LABEL_CNODE_DELETE:
        e = cnode_decode_delete(cn, m[L4_MR_CNODE_DELETE_INDEX], m[L4_MR_CNODE_DELETE_DEPTH], &op);
        break;
    case L4_LABEL_CNODE_REVOKE:
        e = cnode_decode_revoke(cn, m[L4_MR_CNODE_REVOKE_INDEX], m[L4_MR_CNODE_REVOKE_DEPTH], &op);
        break;
    default:
        return L4_ILLEGAL_OPERATION;
    }
    if (e != L4_NO_ERROR) {
        invocation_error_detail(inv, op.detail[0], op.detail[1]);
        return e;
    }
    cnode_invoke(&op);
    return L4_NO_ERROR;
}
