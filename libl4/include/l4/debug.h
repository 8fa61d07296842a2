/* SPDX-License-Identifier: MIT */
/*
 * Debug output of user programs on the kernel console.
 *
 * Interface: l4_printf() / l4_vprintf() format with musl's vsnprintf (the C
 * conversions, without floating point in code built -mgeneral-regs-only,
 * and without %m, %lc and %ls, which need musl's locale and thread data)
 * into a buffer of L4_PRINTF_MAX bytes and write it with DebugConsole
 * PutString invocations (24 bytes each); longer output is cut and marked
 * with "...". l4_puts() writes a string as is. All return the number of
 * bytes written.
 *
 * The output needs a DebugConsole capability (docs/kernel/console.md):
 * the runtime uses the one l4_rt_debug_console() names, which a root task
 * finds in its fixed slot L4_ROOT_SLOT_DEBUG_CONSOLE (set at start-up from
 * the boot info) and another program in its start-info page, as the
 * capability named "debug_console" (PowerControl: "power"; see
 * <l4/start_info.h>). Without one (L4_CPTR_NULL, or a capability
 * that is gone) output is dropped silently. The same holds for
 * l4_rt_exit()'s power-off and its PowerControl capability.
 * l4_debug_check_invariants() runs the kernel's invariant check through
 * the DebugConsole capability: the number of violations, or
 * L4_DEBUG_NO_CONSOLE if the invocation failed.
 */
#ifndef L4_DEBUG_H
#define L4_DEBUG_H

#include <stdarg.h>
#include <l4/abi_gen.h>

#define L4_PRINTF_MAX       512
#define L4_DEBUG_NO_CONSOLE (~(l4_word_t)0)

int l4_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int l4_vprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
int l4_puts(const char *s);
/* Write n bytes as they are (no NUL needed); n. */
int l4_write(const char *s, unsigned long n);

l4_cptr_t l4_rt_debug_console(void);
l4_cptr_t l4_rt_power_control(void);
l4_word_t l4_debug_check_invariants(void);

#endif
