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
    case CAP_PML4:
    case CAP_PDPT:
    case CAP_PD:
    case CAP_PT:
    case CAP_FRAME_4K:
    case CAP_FRAME_2M:
        *bits = (unsigned)cap_object_bits(type);
        return UNTYPED_OK;
    default: /* null, and the kernel-issued types (IRQ, I/O port) */
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

/* --- Retype -------------------------------------------------------------- */

#include <cap/cspace.h>
#include <cap/derivation.h>
#include <core/arch_hooks.h>
#include <core/string.h>
#include <obj/objects.h>
#include <l4/invocation_labels_gen.h>

/* Fail with an error and its detail words. */
static l4_error_t fail(struct retype_op *op, l4_error_t e, uint64_t d0, uint64_t d1)
{
    op->detail[0] = d0;
    op->detail[1] = d1;
    return e;
}

l4_error_t untyped_decode_retype(cte_t *ut, unsigned type, unsigned size_arg, cap_t root,
                                 uint64_t node_index, unsigned node_depth, uint64_t node_offset,
                                 uint64_t n, struct retype_op *op)
{
    cap_t u = ut->cap;
    op->detail[0] = op->detail[1] = 0;
    if (cap_type(u) != CAP_UNTYPED)
        return L4_INVALID_CAPABILITY;
    if (type == CAP_NULL || type >= CAP_TYPE_COUNT)
        return fail(op, L4_INVALID_ARGUMENT, L4_ARG_UNTYPED_RETYPE_TYPE, 0);
    enum untyped_error ue = untyped_object_bits((enum cap_type)type, size_arg, &op->bits);
    if (ue == UNTYPED_BAD_TYPE)
        return fail(op, L4_INVALID_ARGUMENT, L4_ARG_UNTYPED_RETYPE_TYPE, 0);
    if (ue != UNTYPED_OK)
        return type == CAP_UNTYPED
                   ? fail(op, L4_RANGE_ERROR, CAP_UNTYPED_MIN_BITS, CAP_UNTYPED_MAX_BITS)
                   : fail(op, L4_RANGE_ERROR, L4_OBJECT_CNODE_MIN_SIZE_BITS, CNODE_MAX_RADIX);
    if (cap_untyped_is_device(u) && type != CAP_UNTYPED && type != CAP_FRAME_4K &&
        type != CAP_FRAME_2M)
        return L4_ILLEGAL_OPERATION; /* device memory never holds kernel objects */
    if (n < 1 || n > UNTYPED_RETYPE_MAX_OBJECTS)
        return fail(op, L4_RANGE_ERROR, 1, UNTYPED_RETYPE_MAX_OBJECTS);

    /* destination CNode */
    cap_t node = root;
    if (node_depth != 0) {
        cte_t *ns;
        if (cap_type(root) != CAP_CNODE)
            return fail(op, L4_INVALID_CAPABILITY, L4_ARG_UNTYPED_RETYPE_ROOT, 0);
        enum lookup_fault f = cspace_lookup_slot(root, node_index, node_depth, &ns);
        if (f == LOOKUP_BAD_DEPTH)
            return fail(op, L4_RANGE_ERROR, 0, 64);
        if (f != LOOKUP_OK)
            return L4_FAILED_LOOKUP; /* detail 0: a destination */
        node = ns->cap;
    }
    if (cap_type(node) != CAP_CNODE)
        return L4_FAILED_LOOKUP;
    uint64_t slots = 1ull << cap_cnode_radix(node);
    if (node_offset >= slots || n > slots - node_offset)
        return fail(op, L4_RANGE_ERROR, 0, slots >= n ? slots - n : 0);
    /* the destination slots: a range, so not cspace_lookup_empty_slot() */
    cte_t *dest = (cte_t *)cap_object(node) + node_offset;
    for (uint64_t i = 0; i < n; i++)
        if (cap_type(dest[i].cap) != CAP_NULL)
            return L4_DELETE_FIRST;

    ue = untyped_place(u, derivation_has_children(ut), op->bits, n, &op->first, &op->new_free);
    if (ue != UNTYPED_OK)
        return L4_NOT_ENOUGH_MEMORY;
    if (!arch_object_can_create((enum cap_type)type, n))
        return L4_NOT_ENOUGH_MEMORY; /* x86-64: every PML4 needs an ASID */
    op->ut = ut;
    op->dest = dest;
    op->type = (enum cap_type)type;
    op->size_arg = size_arg;
    op->n = n;
    return L4_NO_ERROR;
}

void untyped_invoke_retype(const struct retype_op *op)
{
    char *base = cap_object(op->ut->cap);
    uint64_t size = 1ull << op->bits;
    for (uint64_t i = 0; i < op->n; i++) {
        char *mem = base + op->first + i * size;
        /* untyped memory is zeroed when used; device memory never */
        if (op->type != CAP_UNTYPED && !cap_untyped_is_device(op->ut->cap))
            memzero(mem, size);
        cap_t c = object_create(op->type, mem, op->size_arg);
        if (op->type == CAP_UNTYPED && cap_untyped_is_device(op->ut->cap))
            c = cap_untyped_new(mem, op->size_arg, 1); /* device memory stays device */
        if (op->type != CAP_UNTYPED && cap_untyped_is_device(op->ut->cap))
            c = cap_frame_set_device(c, 1);
        derivation_insert(&op->dest[i], c, op->ut, CTE_REVOCABLE);
    }
    op->ut->cap = cap_untyped_set_free_offset(op->ut->cap, op->new_free);
}

/* --- message decoding ------------------------------------------------------ */

#include <api/syscall.h>
#include <l4/invocation_labels_gen.h>

l4_error_t untyped_decode_invocation(cte_t *slot, struct invocation *inv)
{
    const uint64_t *m = inv->mr;
    struct retype_op op;
    if (inv->label != L4_LABEL_UNTYPED_RETYPE)
        return L4_ILLEGAL_OPERATION;
    cte_t *root = inv->caps[L4_XCAP_UNTYPED_RETYPE_ROOT];
    if (!root || cap_type(root->cap) != CAP_CNODE) {
        invocation_error_detail(inv, L4_ARG_UNTYPED_RETYPE_ROOT, 0);
        return L4_INVALID_CAPABILITY;
    }
    uint64_t type = m[L4_MR_UNTYPED_RETYPE_TYPE], size = m[L4_MR_UNTYPED_RETYPE_SIZE_BITS];
    uint64_t depth = m[L4_MR_UNTYPED_RETYPE_NODE_DEPTH]; /* the whole word */
    if (depth > 64) {
        invocation_error_detail(inv, 0, 64);
        return L4_RANGE_ERROR;
    }
    l4_error_t e = untyped_decode_retype(
        slot, type > 0xffff ? 0xffff : (unsigned)type, size > 64 ? 64 : (unsigned)size, root->cap,
        m[L4_MR_UNTYPED_RETYPE_NODE_INDEX], (unsigned)depth, m[L4_MR_UNTYPED_RETYPE_NODE_OFFSET],
        m[L4_MR_UNTYPED_RETYPE_NUM_OBJECTS], &op);
    if (e != L4_NO_ERROR) {
        invocation_error_detail(inv, op.detail[0], op.detail[1]);
        return e;
    }
    untyped_invoke_retype(&op);
    return L4_NO_ERROR;
}
