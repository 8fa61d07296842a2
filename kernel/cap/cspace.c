/* SPDX-License-Identifier: MIT */
/*
 * Guarded radix lookup through CNodes (see <cap/cspace.h>). Every level
 * consumes guard_size + radix >= 1 bits, so a lookup takes at most 64
 * steps even through cycles of CNodes.
 */
#include <cap/cspace.h>

/* The `width` bits of x that end `end` bits above bit 0: x[end-width, end). */
static uint64_t bits_at(uint64_t x, unsigned end, unsigned width)
{
    if (width == 0)
        return 0;
    uint64_t v = end >= 64 ? x : x & ((1ull << end) - 1);
    v >>= end - width;
    return width >= 64 ? v : v & ((1ull << width) - 1);
}

enum lookup_fault cspace_resolve(cap_t root, uint64_t cptr, unsigned depth, struct lookup_result *r)
{
    cap_t node = root;
    unsigned left = depth;
    r->slot = 0;
    r->bits_left = depth;
    if (depth < 1 || depth > 64)
        return LOOKUP_BAD_DEPTH;
    for (;;) {
        if (cap_type(node) != CAP_CNODE)
            return LOOKUP_INVALID_ROOT;
        unsigned radix = cap_cnode_radix(node), gsize = cap_cnode_guard_size(node);
        unsigned level = radix + gsize;
        if (level == 0 || level > left)
            return LOOKUP_DEPTH_MISMATCH;
        if (bits_at(cptr, left, gsize) != cap_cnode_guard(node))
            return LOOKUP_GUARD_MISMATCH;
        uint64_t index = bits_at(cptr, left - gsize, radix);
        cte_t *slot = (cte_t *)cap_object(node) + index;
        left -= level;
        r->slot = slot;
        r->bits_left = left;
        if (left == 0 || cap_type(slot->cap) != CAP_CNODE)
            return LOOKUP_OK;
        node = slot->cap;
    }
}

enum lookup_fault cspace_lookup_slot(cap_t root, uint64_t cptr, unsigned depth, cte_t **slot)
{
    struct lookup_result r;
    enum lookup_fault f = cspace_resolve(root, cptr, depth, &r);
    if (f == LOOKUP_OK && r.bits_left != 0)
        f = LOOKUP_DEPTH_MISMATCH;
    *slot = f == LOOKUP_OK ? r.slot : 0;
    return f;
}

enum lookup_fault cspace_lookup_cap(cap_t root, uint64_t cptr, cte_t **slot)
{
    if (cspace_is_flat(root)) {
        cte_t *s = cspace_flat_slot(root, cptr);
        *slot = s && cap_type(s->cap) != CAP_NULL ? s : 0;
        return *slot ? LOOKUP_OK : s ? LOOKUP_MISSING_CAP : LOOKUP_GUARD_MISMATCH;
    }
    struct lookup_result r;
    enum lookup_fault f = cspace_resolve(root, cptr, 64, &r);
    if (f == LOOKUP_OK && cap_type(r.slot->cap) == CAP_NULL)
        f = LOOKUP_MISSING_CAP;
    *slot = f == LOOKUP_OK ? r.slot : 0;
    return f;
}

l4_error_t cspace_lookup_any_slot(cap_t root, uint64_t index, uint64_t depth, uint64_t which,
                                  cte_t **slot, uint64_t detail[2])
{
    detail[0] = detail[1] = 0;
    *slot = 0;
    if (depth < 1 || depth > 64) {
        detail[0] = 1;
        detail[1] = 64;
        return L4_RANGE_ERROR;
    }
    if (cap_type(root) != CAP_CNODE)
        return L4_INVALID_CAPABILITY;
    if (cspace_lookup_slot(root, index, (unsigned)depth, slot) != LOOKUP_OK) {
        *slot = 0;
        detail[0] = which;
        return L4_FAILED_LOOKUP;
    }
    return L4_NO_ERROR;
}

l4_error_t cspace_lookup_empty_slot(cap_t root, uint64_t index, uint64_t depth, cte_t **slot,
                                    uint64_t detail[2])
{
    cte_t *s;
    l4_error_t e = cspace_lookup_any_slot(root, index, depth, 0, &s, detail);
    *slot = 0;
    if (e != L4_NO_ERROR)
        return e; /* FailedLookup detail 0: the destination */
    if (cap_type(s->cap) != CAP_NULL)
        return L4_DELETE_FIRST;
    *slot = s;
    return L4_NO_ERROR;
}
