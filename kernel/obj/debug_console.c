/* SPDX-License-Identifier: MIT */
/*
 * DebugConsole and PowerControl invocations (see <obj/debug_console.h>).
 *
 * Output is polled and raw (no "\n" to "\r\n"), as it always was for user
 * programs; it goes out even while a user-level driver owns the UART.
 */
#include <api/syscall.h>
#include <core/arch_hooks.h>
#include <core/console.h>
#include <core/invariants.h>
#include <l4/invocation_labels_gen.h>
#include <obj/debug_console.h>

#define PUT_STRING_MAX 24 /* bytes in text0..text2 */

l4_error_t debug_console_decode_invocation(cte_t *slot, struct invocation *inv)
{
    const uint64_t *m = inv->mr;
    (void)slot;
    switch (inv->label) {
    case L4_LABEL_DEBUG_CONSOLE_PUT_CHAR:
        if (m[L4_MR_DEBUG_CONSOLE_PUT_CHAR_C] > 0xff) {
            invocation_error_detail(inv, 0, 0xff);
            return L4_RANGE_ERROR;
        }
        console_debug_putc((char)m[L4_MR_DEBUG_CONSOLE_PUT_CHAR_C]);
        return L4_NO_ERROR;
    case L4_LABEL_DEBUG_CONSOLE_PUT_STRING: {
        _Static_assert(
            L4_MR_DEBUG_CONSOLE_PUT_STRING_TEXT1 == L4_MR_DEBUG_CONSOLE_PUT_STRING_TEXT0 + 1 &&
                L4_MR_DEBUG_CONSOLE_PUT_STRING_TEXT2 == L4_MR_DEBUG_CONSOLE_PUT_STRING_TEXT0 + 2,
            "text words in order");
        uint64_t n = m[L4_MR_DEBUG_CONSOLE_PUT_STRING_LENGTH];
        if (n > PUT_STRING_MAX) {
            invocation_error_detail(inv, 0, PUT_STRING_MAX);
            return L4_RANGE_ERROR;
        }
        for (unsigned i = 0; i < n; i++)
            console_debug_putc(
                (char)(m[L4_MR_DEBUG_CONSOLE_PUT_STRING_TEXT0 + i / 8] >> (8 * (i % 8))));
        return L4_NO_ERROR;
    }
    case L4_LABEL_DEBUG_CONSOLE_CHECK_INVARIANTS:
        /* its violation lines are this capability's output too */
        console_force(1);
        inv->out[L4_RET_DEBUG_CONSOLE_CHECK_INVARIANTS_VIOLATIONS] =
            invariants_check(inv->thread->cspace_slot.cap);
        console_force(0);
        inv->out_length = 1;
        return L4_NO_ERROR;
    default:
        return L4_ILLEGAL_OPERATION;
    }
}

l4_error_t power_control_decode_invocation(cte_t *slot, struct invocation *inv)
{
    (void)slot;
    if (inv->label != L4_LABEL_POWER_CONTROL_POWER_OFF)
        return L4_ILLEGAL_OPERATION;
    uint64_t status = inv->mr[L4_MR_POWER_CONTROL_POWER_OFF_EXIT_STATUS];
    if (status > 0xff) {
        invocation_error_detail(inv, 0, 0xff);
        return L4_RANGE_ERROR;
    }
    kprintf("tessera: PowerOff(%lu) from thread %s\n", (unsigned long)status,
            inv->thread->name[0] ? inv->thread->name : "?");
    arch_poweroff((int)status);
}
