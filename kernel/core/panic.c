/* SPDX-License-Identifier: MIT */
/*
 * panic() for kernel bugs and boot_error() for bad boot input.
 *
 * Both print one recognisable line first ("PANIC:" or "tessera: boot
 * error:"), which the test runners and tools/tessera look for, then power
 * off with a status that reaches QEMU's exit code. Both write even when a
 * user-level driver owns the console line (docs/kernel/console.md).
 */
#include <arch/layout.h>
#include <core/arch_hooks.h>
#include <core/console.h>
#include <core/panic.h>

static int panicking;

_Noreturn void panic(const char *fmt, ...)
{
    va_list ap;
    console_force(1); /* over a user-level driver too, polled, no re-init */
    if (panicking++) {
        kputs("PANIC: recursive panic\n");
        arch_poweroff(EXIT_PANIC);
    }
    kputs("PANIC: ");
    va_start(ap, fmt);
    kvprintf(fmt, ap);
    va_end(ap);
    kputs("\n");
    arch_backtrace();
    arch_poweroff(EXIT_PANIC);
}

_Noreturn void boot_error(const char *fmt, ...)
{
    va_list ap;
    console_force(1);
    kputs("tessera: boot error: ");
    va_start(ap, fmt);
    kvprintf(fmt, ap);
    va_end(ap);
    kputs("; halting\n");
    arch_poweroff(EXIT_BOOT_ERROR);
}
