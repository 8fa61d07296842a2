/* SPDX-License-Identifier: MIT */
/*
 * Kernel console: formatted output onto the arch console (the serial line).
 *
 * Interface: kprintf(), kvprintf(), kputs(). Lines end in "\r\n" on the wire.
 * Output longer than one 256-byte chunk is cut, with "..." marking the cut.
 * While a user-level driver owns the line (console_set_user_driver()),
 * they write nothing, unless forced: by a panic for good, or around a
 * DebugConsole invocation's own output (console_force()); the DebugConsole
 * bytes themselves go out with console_debug_putc(). docs/kernel/console.md
 * says how the two writers share the line.
 */
#include <core/arch_hooks.h>
#include <core/console.h>

static int user_driver; /* an IOPort capability covers the console's UART */
static int forced;      /* write even so: panic, DebugConsole */

void console_set_user_driver(int present)
{
    user_driver = present;
}

void console_force(int on)
{
    forced = on;
}

int console_muted(void)
{
    return user_driver && !forced;
}

void console_debug_putc(char c)
{
    arch_console_putc(c);
}

void kputs(const char *s)
{
    if (console_muted())
        return;
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
