/* SPDX-License-Identifier: MIT */
/*
 * Capability-space lookup: guarded radix translation of a capability
 * pointer through CNodes, as in seL4.
 *
 * Interface: cspace_resolve() translates the top `depth` bits of cptr
 * starting at the CNode cap `root`. At each CNode it first matches the
 * guard (guard_size bits) and then indexes 2^radix slots with the next
 * radix bits; if bits remain and the slot holds a CNode cap, translation
 * continues there. It stops at the first slot that is not a CNode, or when
 * the bits are used up, and reports how many bits were left.
 * cspace_lookup_slot() demands that exactly `depth` bits were used (the
 * slot arguments of invocations); cspace_lookup_cap() uses all 64 bits and
 * accepts an early stop (the capability a syscall names).
 */
#ifndef CAP_CSPACE_H
#define CAP_CSPACE_H

#include <cap/cap.h>

enum lookup_fault {
    LOOKUP_OK = 0,
    LOOKUP_INVALID_ROOT,   /* the root, or a node on the way, is not a CNode */
    LOOKUP_MISSING_CAP,    /* translation ended in an empty slot */
    LOOKUP_DEPTH_MISMATCH, /* a level needs more bits than remain, or bits remain */
    LOOKUP_GUARD_MISMATCH, /* the guard bits differ */
    LOOKUP_BAD_DEPTH,      /* depth not in 1..64 */
};

struct lookup_result {
    cte_t *slot;
    unsigned bits_left; /* bits not consumed (early stop or fault level) */
};

enum lookup_fault cspace_resolve(cap_t root, uint64_t cptr, unsigned depth,
                                 struct lookup_result *r);

/* The slot named by exactly `depth` bits (may be empty). */
enum lookup_fault cspace_lookup_slot(cap_t root, uint64_t cptr, unsigned depth, cte_t **slot);

/* The non-empty slot named by cptr with full 64-bit depth. */
enum lookup_fault cspace_lookup_cap(cap_t root, uint64_t cptr, cte_t **slot);

/* The empty slot (index, depth) names from the CNode capability root: the
 * destination of every invocation that creates a capability (CNode
 * Copy/Mint/Move/Mutate, IRQControl Get, IOPortControl Issue). Returns
 * L4_NO_ERROR, InvalidCapability (root is not a CNode), RangeError (depth,
 * the whole word, not 1..64; detail 1, 64), FailedLookup (detail 0: a destination) or
 * DeleteFirst (the slot holds a capability); detail[] gets the error's
 * detail words where the check fails (zero otherwise). */
l4_error_t cspace_lookup_empty_slot(cap_t root, uint64_t index, uint64_t depth, cte_t **slot,
                                    uint64_t detail[2]);

/* The slot (index, depth) names from root, empty or not, with the same
 * checks and errors; a FailedLookup's detail word 0 is `which` (0: a
 * destination, 1: a source). */
l4_error_t cspace_lookup_any_slot(cap_t root, uint64_t index, uint64_t depth, uint64_t which,
                                  cte_t **slot, uint64_t detail[2]);

/* A flat CSpace: one CNode whose guard and radix take all 64 bits (as the
 * root task's), where a lookup is one index. cspace_flat_slot() gives the
 * slot cptr names in it, or NULL if the guard does not match; the same
 * result as cspace_resolve() (used by cspace_lookup_cap() and inline by
 * the IPC fastpath). */
static inline __attribute__((always_inline)) int cspace_is_flat(cap_t root)
{
    unsigned radix = cap_cnode_radix(root);
    return cap_type(root) == CAP_CNODE && radix + cap_cnode_guard_size(root) == 64 && radix != 0;
}

static inline __attribute__((always_inline)) cte_t *cspace_flat_slot(cap_t root, uint64_t cptr)
{
    unsigned radix = cap_cnode_radix(root);
    if ((cptr >> radix) != cap_cnode_guard(root))
        return 0;
    return (cte_t *)cap_object(root) + (cptr & ((1ull << radix) - 1));
}

#endif
