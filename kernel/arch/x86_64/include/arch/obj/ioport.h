/* SPDX-License-Identifier: MIT */
/*
 * I/O ports: the IOPortControl and IOPort capabilities.
 *
 * IOPortControl issues IOPort capabilities for ranges first..last of the
 * 65536 x86 I/O ports; a kernel bitmap marks the ports some issued range
 * covers, so ranges never overlap. An IOPort capability records its range
 * in its words; copies share it, and the range's bits are cleared when the
 * last capability to it is deleted. Ports the kernel uses itself
 * (arch_ioport_kernel_owned()) are never issued; issuing the console
 * UART's ports (arch_ioport_is_console()) silences the kernel's console.
 * Port numbers, values and depths are checked as whole words (RangeError
 * beyond 0xffff, the access width or 64). In and Out check that the
 * whole access lies in the capability's range and perform it with the
 * arch hooks: user mode has no direct port access.
 *
 * Interface: ioport_control_decode_invocation() (IOPortControlIssue) and
 * ioport_decode_invocation() (In8/16/32, Out8/16/32); ioport_finalise()
 * (last capability to a range deleted); the bitmap helpers and the decode
 * and invoke steps, exported for the host unit tests.
 */
#ifndef ARCH_OBJ_IOPORT_H
#define ARCH_OBJ_IOPORT_H

#include <cap/cap.h>

#define IOPORT_COUNT 65536

/* Bitmap of IOPORT_COUNT bits: 1 if any port of first..last is set. */
int ioport_bitmap_any(const uint64_t *bitmap, unsigned first, unsigned last);
/* Set (value 1) or clear (0) the bits first..last. */
void ioport_bitmap_assign(uint64_t *bitmap, unsigned first, unsigned last, int value);
/* 1 if port is covered by an issued IOPort capability. */
int ioport_issued(unsigned port);

struct ioport_issue_op {
    cte_t *control, *dest;
    uint16_t first, last;
    uint64_t detail[2]; /* on error: its detail words, set where the check failed */
};

l4_error_t ioport_control_decode_issue(cte_t *control, uint64_t first, uint64_t last, cap_t root,
                                       uint64_t index, uint64_t depth, struct ioport_issue_op *op);
void ioport_control_invoke_issue(const struct ioport_issue_op *op);

/* L4_NO_ERROR if an access of `bytes` bytes at port lies in c's range. */
l4_error_t ioport_check_access(cap_t c, uint64_t port, unsigned bytes);

struct invocation;
l4_error_t ioport_control_decode_invocation(cte_t *slot, struct invocation *inv);
l4_error_t ioport_decode_invocation(cte_t *slot, struct invocation *inv);

void ioport_finalise(cap_t c);

#endif
