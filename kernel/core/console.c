/* SPDX-License-Identifier: MIT */
/*
 * Kernel console: formatted output onto the arch console (the serial line).
 *
 * Interface: kprintf(), kvprintf(), kputs(). Lines end in "\r\n" on the wire.
 * Output longer than one 256-byte chunk is cut, with "..." marking the cut.
 */
#include <core/arch_hooks.h>
#include <core/console.h>

void kputs(const char *s)
{
    for (; *s; s++) {
        if (*s == '\n')
            arch_console_putc('\r');
        arch_console_putc(*s);
    }
}

int kvprintf(const char *fmt, va_list ap)
{
    char buf[256];
    int n = kvsnprintf(buf, sizeof buf, fmt, ap);
    kputs(buf);
    if (n >= (int)sizeof buf)
        kputs("...\n");
    return n;
}

int kprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = kvprintf(fmt, ap);
    va_end(ap);
    return n;
}
