/* SPDX-License-Identifier: MIT */
/*
 * CNode invocations: Copy, Mint, Move, Mutate, Delete, Revoke; and the
 * generic slot deletion that destroys an object with its last capability.
 *
 * Interface: each operation is split as in seL4 into cnode_decode_*(),
 * which looks up and validates everything and changes nothing, filling a
 * struct cnode_op, and cnode_invoke(), which performs a decoded operation
 * and cannot fail. Slots are named by (index, depth) relative to a CNode
 * capability, as in <cap/cspace.h>; a depth is checked as the whole
 * message word (1..64), never a truncation of it.
 */
#ifndef OBJ_CNODE_H
#define OBJ_CNODE_H

#include <cap/cap.h>
#include <l4/abi_gen.h>

enum cnode_op_kind {
    CNODE_OP_COPY, /* copy and mint */
    CNODE_OP_MOVE, /* move and mutate */
    CNODE_OP_DELETE,
    CNODE_OP_REVOKE,
};

struct cnode_op {
    enum cnode_op_kind kind;
    cte_t *dest, *src;
    cap_t cap;          /* the capability to place in dest */
    uint64_t flags;     /* derivation flags for a copy */
    uint64_t detail[2]; /* on error: its detail words, set where the check failed */
};

/* Copy (mint = 0) or Mint (mint = 1: badge for endpoints and
 * notifications, an l4_cnode_guard_t word for CNodes). rights are ANDed with the
 * source's. */
l4_error_t cnode_decode_copy(cap_t cnode, uint64_t dest_index, uint64_t dest_depth, cap_t src_root,
                             uint64_t src_index, uint64_t src_depth, unsigned rights, int mint,
                             uint64_t badge, struct cnode_op *op);

/* Move (mutate = 0) or Mutate (mutate = 1: set a badge or guard on the way). */
l4_error_t cnode_decode_move(cap_t cnode, uint64_t dest_index, uint64_t dest_depth, cap_t src_root,
                             uint64_t src_index, uint64_t src_depth, int mutate, uint64_t badge,
                             struct cnode_op *op);

l4_error_t cnode_decode_delete(cap_t cnode, uint64_t index, uint64_t depth, struct cnode_op *op);
l4_error_t cnode_decode_revoke(cap_t cnode, uint64_t index, uint64_t depth, struct cnode_op *op);

void cnode_invoke(const struct cnode_op *op);

/* Apply a badge (endpoint, notification) or guard word (CNode) to *c, as
 * Mint and Mutate do; L4_NO_ERROR, RangeError or IllegalOperation. */
l4_error_t cnode_apply_data(cap_t *c, uint64_t data);

struct invocation;
l4_error_t cnode_decode_invocation(cte_t *slot, struct invocation *inv);

/* Delete the capability in slot; if it was the last one to its object,
 * destroy the object (a CNode's slots are deleted in turn). */
void cte_delete(cte_t *slot);

/* Delete every descendant of slot. */
void cte_revoke(cte_t *slot);

#endif
