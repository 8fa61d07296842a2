/* SPDX-License-Identifier: MIT */
/*
 * Fatal kernel errors.
 *
 * panic() is for kernel bugs: it prints "PANIC: <message>", a backtrace and
 * powers off with EXIT_PANIC. boot_error() is for bad boot input (missing or
 * corrupt module, no memory): a clear "tessera: boot error:" line and a
 * power-off with EXIT_BOOT_ERROR, never a panic.
 */
#ifndef CORE_PANIC_H
#define CORE_PANIC_H

_Noreturn void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void boot_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define KASSERT(c)                                                                                 \
    do {                                                                                           \
        if (!(c))                                                                                  \
            panic("assertion failed: %s at %s:%d", #c, __FILE__, __LINE__);                        \
    } while (0)

#endif
