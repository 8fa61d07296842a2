/* SPDX-License-Identifier: MIT */
/*
 * Debug output of user programs on the kernel console.
 *
 * Interface: l4_printf() / l4_vprintf() format with musl's vsnprintf (the C
 * conversions, without floating point in code built -mgeneral-regs-only,
 * and without %m, %lc and %ls, which need musl's locale and thread data)
 * into a buffer of L4_PRINTF_MAX bytes and write it with the DebugPutChar
 * syscall; longer output is cut and marked with "...". l4_puts() writes a
 * string as is. All return the number of bytes written. Needs a kernel
 * built with the debug syscalls.
 */
#ifndef L4_DEBUG_H
#define L4_DEBUG_H

#include <stdarg.h>

#define L4_PRINTF_MAX 512

int l4_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int l4_vprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
int l4_puts(const char *s);

#endif
