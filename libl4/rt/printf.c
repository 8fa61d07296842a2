/* SPDX-License-Identifier: MIT */
/*
 * Debug output through the DebugPutChar syscall (see <l4/debug.h>).
 *
 * Formatting is musl's vsnprintf into a stack buffer: musl formats into a
 * FILE whose lock is -1, so none of its locking (the only musl code here
 * with syscall instructions) runs; tests/unit/rt_libc_check.py checks that
 * the linked programs contain no other musl code that enters the kernel.
 */
#include <stdio.h>
#include <l4/debug.h>
#include <l4/rt.h>
#include <l4/stubs_gen.h>

int l4_puts(const char *s)
{
    int n = 0;
    for (; s[n]; n++)
        l4_debug_put_char((uint8_t)s[n]);
    return n;
}

int l4_vprintf(const char *fmt, va_list ap)
{
    char buf[L4_PRINTF_MAX];
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    if (n < 0)
        return l4_puts("l4rt: bad format string\n");
    int written = l4_puts(buf);
    if ((size_t)n >= sizeof buf)
        written += l4_puts("...\n");
    return written;
}

int l4_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = l4_vprintf(fmt, ap);
    va_end(ap);
    return n;
}
