/* SPDX-License-Identifier: MIT */
/*
 * The DebugConsole and PowerControl capabilities: the kernel's debug
 * output, its invariant check and power-off, each a right of its own.
 *
 * Neither names an object: the kernel makes one of each at boot, for the
 * root task (L4_ROOT_SLOT_DEBUG_CONSOLE, L4_ROOT_SLOT_POWER_CONTROL), which
 * may copy them to whom it trusts; deleting the last copy destroys
 * nothing. A thread without them cannot write to the kernel console, walk
 * kernel state with interrupts off or stop the machine
 * (docs/kernel/console.md).
 *
 * Interface: debug_console_decode_invocation() (PutChar, PutString,
 * CheckInvariants) and power_control_decode_invocation() (PowerOff);
 * each checks every argument before it acts.
 */
#ifndef OBJ_DEBUG_CONSOLE_H
#define OBJ_DEBUG_CONSOLE_H

#include <cap/cap.h>

struct invocation;
l4_error_t debug_console_decode_invocation(cte_t *slot, struct invocation *inv);
l4_error_t power_control_decode_invocation(cte_t *slot, struct invocation *inv);

#endif
