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

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int ksnprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
