/* SPDX-License-Identifier: MIT */
/*
 * I/O ports: IOPortControl and IOPort (see <arch/obj/ioport.h>).
 *
 * The bitmap of issued ports is 8 KiB of kernel data, one bit a port.
 * Every argument is checked as the whole word it arrives in: a port above
 * 0xffff, a depth above 64 or an Out value wider than the access is
 * refused (RangeError), never cut to its low bits, which would name
 * another port or slot than the caller wrote. Issuing a range that covers
 * a port of the kernel console's UART hands the line to that driver: the
 * kernel's own output stops until the last such range is freed
 * (docs/kernel/console.md).
 */
#include <api/syscall.h>
#include <arch/obj/ioport.h>
#include <cap/cspace.h>
#include <cap/derivation.h>
#include <core/arch_hooks.h>
#include <core/console.h>
#include <l4/invocation_labels_gen.h>

#define PORT_MAX (IOPORT_COUNT - 1)

static uint64_t issued[IOPORT_COUNT / 64];
_Static_assert(sizeof issued == 8192, "one bit per port");
static unsigned console_ranges; /* issued ranges with a console UART port */

/* Mask of the bits lo..hi (inclusive) of one word. */
static uint64_t word_mask(unsigned lo, unsigned hi)
{
    uint64_t upto = hi == 63 ? ~0ull : (1ull << (hi + 1)) - 1;
    return upto & ~((1ull << lo) - 1);
}

int ioport_bitmap_any(const uint64_t *bitmap, unsigned first, unsigned last)
{
    for (unsigned w = first / 64; w <= last / 64; w++) {
        unsigned lo = w == first / 64 ? first % 64 : 0;
        unsigned hi = w == last / 64 ? last % 64 : 63;
        if (bitmap[w] & word_mask(lo, hi))
            return 1;
    }
    return 0;
}

void ioport_bitmap_assign(uint64_t *bitmap, unsigned first, unsigned last, int value)
{
    for (unsigned w = first / 64; w <= last / 64; w++) {
        unsigned lo = w == first / 64 ? first % 64 : 0;
        unsigned hi = w == last / 64 ? last % 64 : 63;
        if (value)
            bitmap[w] |= word_mask(lo, hi);
        else
            bitmap[w] &= ~word_mask(lo, hi);
    }
}

int ioport_issued(unsigned port)
{
    return port < IOPORT_COUNT && ioport_bitmap_any(issued, port, port);
}

/* --- IOPortControlIssue ------------------------------------------------------ */

l4_error_t ioport_control_decode_issue(cte_t *control, uint64_t first, uint64_t last, cap_t root,
                                       uint64_t index, uint64_t depth, struct ioport_issue_op *op)
{
    op->detail[0] = op->detail[1] = 0;
    if (first > PORT_MAX || last > PORT_MAX) {
        op->detail[1] = PORT_MAX;
        return L4_RANGE_ERROR;
    }
    if (last < first) {
        op->detail[0] = L4_ARG_IO_PORT_CONTROL_ISSUE_LAST_PORT;
        return L4_INVALID_ARGUMENT;
    }
    /* the destination: depth, root, lookup and emptiness, with their
     * detail words */
    l4_error_t e = cspace_lookup_empty_slot(root, index, depth, &op->dest, op->detail);
    if (e != L4_NO_ERROR)
        return e;
    /* the kernel's own ports count as issued for good */
    if (ioport_bitmap_any(issued, (unsigned)first, (unsigned)last) ||
        arch_ioport_kernel_owned((uint16_t)first, (uint16_t)last))
        return L4_REVOKE_FIRST;
    op->control = control;
    op->first = (uint16_t)first;
    op->last = (uint16_t)last;
    return L4_NO_ERROR;
}

void ioport_control_invoke_issue(const struct ioport_issue_op *op)
{
    ioport_bitmap_assign(issued, op->first, op->last, 1);
    derivation_insert(op->dest, cap_ioport_new(op->first, op->last), op->control, CTE_REVOCABLE);
    if (arch_ioport_is_console(op->first, op->last))
        console_set_user_driver(++console_ranges != 0);
}

void ioport_finalise(cap_t c)
{
    ioport_bitmap_assign(issued, cap_ioport_first(c), cap_ioport_last(c), 0);
    if (arch_ioport_is_console(cap_ioport_first(c), cap_ioport_last(c)))
        console_set_user_driver(--console_ranges != 0);
}

/* --- In and Out ---------------------------------------------------------------- */

l4_error_t ioport_check_access(cap_t c, uint64_t port, unsigned bytes)
{
    if (port > PORT_MAX || port < cap_ioport_first(c) || port + bytes - 1 > cap_ioport_last(c))
        return L4_INVALID_ARGUMENT;
    return L4_NO_ERROR;
}

/* The access width of an In or Out label, and whether it writes. */
static unsigned access_bytes(uint64_t label, int *out)
{
    switch (label) {
    case L4_LABEL_IO_PORT_IN8:
    case L4_LABEL_IO_PORT_OUT8:
        *out = label == L4_LABEL_IO_PORT_OUT8;
        return 1;
    case L4_LABEL_IO_PORT_IN16:
    case L4_LABEL_IO_PORT_OUT16:
        *out = label == L4_LABEL_IO_PORT_OUT16;
        return 2;
    case L4_LABEL_IO_PORT_IN32:
    case L4_LABEL_IO_PORT_OUT32:
        *out = label == L4_LABEL_IO_PORT_OUT32;
        return 4;
    default:
        return 0;
    }
}

l4_error_t ioport_decode_invocation(cte_t *slot, struct invocation *inv)
{
    int out;
    unsigned bytes = access_bytes(inv->label, &out);
    if (!bytes)
        return L4_ILLEGAL_OPERATION;
    _Static_assert(L4_MR_IO_PORT_IN8_PORT == L4_MR_IO_PORT_OUT32_PORT, "same layout");
    _Static_assert(L4_MR_IO_PORT_OUT8_VALUE == L4_MR_IO_PORT_OUT32_VALUE, "same layout");
    _Static_assert(L4_RET_IO_PORT_IN8_VALUE == 0 && L4_RET_IO_PORT_IN32_VALUE == 0, "one word");
    uint64_t port = inv->mr[L4_MR_IO_PORT_IN8_PORT];
    if (port > PORT_MAX) {
        invocation_error_detail(inv, 0, PORT_MAX);
        return L4_RANGE_ERROR;
    }
    if (ioport_check_access(slot->cap, port, bytes) != L4_NO_ERROR) {
        invocation_error_detail(inv, L4_ARG_IO_PORT_IN8_PORT, 0);
        return L4_INVALID_ARGUMENT;
    }
    if (out) {
        uint64_t v = inv->mr[L4_MR_IO_PORT_OUT8_VALUE];
        uint64_t max = bytes == 4 ? 0xffffffffull : (1ull << (8 * bytes)) - 1;
        if (v > max) {
            invocation_error_detail(inv, 0, max);
            return L4_RANGE_ERROR;
        }
        arch_ioport_out((uint16_t)port, bytes, (uint32_t)v);
        return L4_NO_ERROR;
    }
    inv->out[0] = arch_ioport_in((uint16_t)port, bytes);
    inv->out_length = 1;
    return L4_NO_ERROR;
}

l4_error_t ioport_control_decode_invocation(cte_t *slot, struct invocation *inv)
{
    const uint64_t *m = inv->mr;
    if (inv->label != L4_LABEL_IO_PORT_CONTROL_ISSUE)
        return L4_ILLEGAL_OPERATION;
    cte_t *root = inv->caps[L4_XCAP_IO_PORT_CONTROL_ISSUE_DEST_ROOT];
    if (!root || cap_type(root->cap) != CAP_CNODE) {
        invocation_error_detail(inv, L4_ARG_IO_PORT_CONTROL_ISSUE_DEST_ROOT, 0);
        return L4_INVALID_CAPABILITY;
    }
    struct ioport_issue_op op;
    l4_error_t e = ioport_control_decode_issue(slot, m[L4_MR_IO_PORT_CONTROL_ISSUE_FIRST_PORT],
                                               m[L4_MR_IO_PORT_CONTROL_ISSUE_LAST_PORT], root->cap,
                                               m[L4_MR_IO_PORT_CONTROL_ISSUE_DEST_INDEX],
                                               m[L4_MR_IO_PORT_CONTROL_ISSUE_DEST_DEPTH], &op);
    if (e != L4_NO_ERROR) {
        invocation_error_detail(inv, op.detail[0], op.detail[1]);
        return e;
    }
    ioport_control_invoke_issue(&op);
    return L4_NO_ERROR;
}
