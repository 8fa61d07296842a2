/* SPDX-License-Identifier: MIT */
/*
 * Untyped memory arithmetic (see <obj/untyped.h>). The retype invocation
 * that uses it validates every argument here before touching memory, so a
 * failed retype changes nothing.
 */
#include <obj/untyped.h>

enum untyped_error untyped_object_bits(enum cap_type type, unsigned size_arg, unsigned *bits)
{
    switch (type) {
    case CAP_UNTYPED:
        if (size_arg < CAP_UNTYPED_MIN_BITS || size_arg > CAP_UNTYPED_MAX_BITS)
            return UNTYPED_BAD_SIZE;
        *bits = size_arg;
        return UNTYPED_OK;
    case CAP_CNODE:
        if (size_arg < 1 || size_arg > CNODE_MAX_RADIX)
            return UNTYPED_BAD_SIZE;
        *bits = size_arg + CNODE_SLOT_BITS;
        return UNTYPED_OK;
    case CAP_TCB:
    case CAP_ENDPOINT:
    case CAP_NOTIFICATION:
    case CAP_REPLY:
        *bits = (unsigned)cap_object_bits(type);
        return UNTYPED_OK;
    case CAP_NULL:
    case CAP_TYPE_COUNT:
        break;
    }
    return UNTYPED_BAD_TYPE;
}

enum untyped_error untyped_place(cap_t ut, int has_children, unsigned bits, uint64_t n,
                                 uint64_t *first, uint64_t *new_free)
{
    unsigned ut_bits = cap_untyped_size_bits(ut);
    if (n == 0)
        return UNTYPED_BAD_COUNT;
    if (bits > ut_bits)
        return UNTYPED_NO_MEMORY;
    uint64_t size = 1ull << ut_bits;
    uint64_t start = has_children ? cap_untyped_free_offset(ut) : 0;
    uint64_t align = (1ull << bits) - 1;
    if (start > size)
        return UNTYPED_NO_MEMORY;
    start = (start + align) & ~align; /* cannot wrap: start <= size <= 2^47 */
    /* room for n objects? compare counts, not products, to avoid overflow */
    if (start > size || n > (size - start) >> bits)
        return UNTYPED_NO_MEMORY;
    *first = start;
    *new_free = start + (n << bits);
    return UNTYPED_OK;
}
