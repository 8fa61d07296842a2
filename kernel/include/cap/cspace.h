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

#endif
