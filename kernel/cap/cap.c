/* SPDX-License-Identifier: MIT */
/*
 * Capability identity: object sizes and "same object" / "covers" relations,
 * the one switch over capability types that the derivation tree needs.
 */
#include <cap/cap.h>
#include <core/arch_hooks.h>

/* log2 sizes of fixed-size objects (variable-size ones: 0); the arch's
 * own types are arch_object_bits() */
static const unsigned object_bits[CAP_TYPE_COUNT] = {
    [CAP_TCB] = L4_OBJECT_TCB_SIZE_BITS,
    [CAP_ENDPOINT] = L4_OBJECT_ENDPOINT_SIZE_BITS,
    [CAP_NOTIFICATION] = L4_OBJECT_NOTIFICATION_SIZE_BITS,
    [CAP_REPLY] = L4_OBJECT_REPLY_SIZE_BITS,
};

uint64_t cap_object_size(cap_t c)
{
    switch (cap_type(c)) {
    case CAP_UNTYPED:
        return 1ull << cap_untyped_size_bits(c);
    case CAP_CNODE:
        return 1ull << (cap_cnode_radix(c) + CNODE_SLOT_BITS);
    default: {
        /* fixed-size objects; 0 for the kernel-issued types, which own no
         * memory */
        int bits = cap_object_bits(cap_type(c));
        return bits ? 1ull << bits : 0;
    }
    }
}

int cap_same_object(cap_t a, cap_t b)
{
    if (cap_type(a) != cap_type(b) || cap_type(a) == CAP_NULL)
        return 0;
    if (cap_type(a) == CAP_UNTYPED)
        return a.w1 == b.w1 && cap_untyped_size_bits(a) == cap_untyped_size_bits(b);
    return a.w1 == b.w1;
}

int cap_untyped_covers(cap_t u, cap_t c)
{
    if (cap_type(u) != CAP_UNTYPED || cap_type(c) == CAP_NULL)
        return 0;
    uint64_t base = u.w1, end = base + cap_object_size(u);
    uint64_t obase = c.w1, osize = cap_object_size(c);
    return obase >= base && osize <= end - obase && obase < end;
}

int cap_object_bits(enum cap_type t)
{
    if (t >= CAP_TYPE_COUNT)
        return 0;
    return object_bits[t] ? (int)object_bits[t] : arch_object_bits(t);
}
