/* SPDX-License-Identifier: MIT */
/*
 * Kernel console output: printf-style formatting onto the arch console.
 *
 * Interface: kprintf() and kvprintf() write through arch_console_putc();
 * kvsnprintf() (kernel/lib/format.c) does the formatting and is shared with
 * the host unit tests.
 */
#ifndef CORE_CONSOLE_H
#define CORE_CONSOLE_H

#include <stdarg.h>
#include <stddef.h>

#define KPRINTF_FORMAT __attribute__((format(printf, 1, 2)))

int kprintf(const char *fmt, ...) KPRINTF_FORMAT;
int kvprintf(const char *fmt, va_list ap);
void kputs(const char *s);

/* The line's owner (docs/kernel/console.md): once user level holds an
 * IOPort capability to the console UART's ports, kprintf() and kputs()
 * stay silent (console_muted()) until forced on: for good by panic(),
 * for the time of its output by a DebugConsole invocation. */
void console_set_user_driver(int present);
void console_force(int on);
int console_muted(void);
/* One byte of DebugConsole output: written whoever owns the line. */
void console_debug_putc(char c);

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int ksnprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
