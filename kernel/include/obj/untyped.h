/* SPDX-License-Identifier: MIT */
/*
 * Untyped memory: the only source of kernel objects.
 *
 * Interface: untyped_object_bits() gives the size of an object to be made
 * by retype (or a reason it cannot be made), untyped_place() finds where n
 * such objects go in an untyped region: after the watermark (free offset),
 * or from the start when the untyped has no children left (everything made
 * from it was revoked, so the region is reusable), aligned to the object
 * size. Both are pure arithmetic, tested on the host.
 */
#ifndef OBJ_UNTYPED_H
#define OBJ_UNTYPED_H

#include <cap/cap.h>

enum untyped_error {
    UNTYPED_OK = 0,
    UNTYPED_BAD_TYPE,  /* not a retypable type */
    UNTYPED_BAD_SIZE,  /* size argument out of range for the type */
    UNTYPED_NO_MEMORY, /* not enough room left */
    UNTYPED_BAD_COUNT, /* zero objects */
};

/* log2 size in bytes of one object of `type` made with size argument
 * `size_arg` (untyped: its size bits; CNode: its radix; others: ignored). */
enum untyped_error untyped_object_bits(enum cap_type type, unsigned size_arg, unsigned *bits);

/* Offset from the untyped's base of the first of n objects of 2^bits
 * bytes, and the new watermark after them. */
enum untyped_error untyped_place(cap_t ut, int has_children, unsigned bits, uint64_t n,
                                 uint64_t *first, uint64_t *new_free);

/* --- the Retype invocation -------------------------------------------- */

#include <l4/abi_gen.h>

#define UNTYPED_RETYPE_MAX_OBJECTS 256

struct retype_op {
    cte_t *ut;   /* the untyped's slot */
    cte_t *dest; /* first of n consecutive empty slots */
    enum cap_type type;
    unsigned size_arg;
    unsigned bits;
    uint64_t n, first, new_free;
    uint64_t detail[2]; /* on error: its detail words, set where the check failed */
};

/* Validate Retype(type, size_arg, root, node_index, node_depth,
 * node_offset, n) on the untyped in ut; changes nothing. node_depth 0
 * names root itself as the destination CNode. */
l4_error_t untyped_decode_retype(cte_t *ut, unsigned type, unsigned size_arg, cap_t root,
                                 uint64_t node_index, unsigned node_depth, uint64_t node_offset,
                                 uint64_t n, struct retype_op *op);

/* Make the objects: zero their memory, place original caps in the
 * destination slots as children of the untyped, advance the watermark. */
void untyped_invoke_retype(const struct retype_op *op);

struct invocation;
l4_error_t untyped_decode_invocation(cte_t *slot, struct invocation *inv);

#endif
