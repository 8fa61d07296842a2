/* SPDX-License-Identifier: MIT */
/*
 * kernel_run() of the system image: what the kernel does once booted.
 *
 * For now the system's job ends at the boot banner: the kernel reports
 * "boot complete" and idles until QEMU is quit. The command-line option
 * poweroff=N powers off with status N instead (used by the boot tests to
 * check that a status reaches the tool's exit code).
 */
#include <core/arch_hooks.h>
#include <core/boot.h>
#include <core/console.h>

_Noreturn void kernel_run(const struct boot_info *bi)
{
    char value[16];
    kputs("tessera: boot complete\n");
    if (!cmdline_get(bi->cmdline, "poweroff", value, sizeof value)) {
        int status = 0;
        for (const char *p = value; *p >= '0' && *p <= '9'; p++)
            status = status * 10 + (*p - '0');
        kprintf("tessera: powering off with status %d\n", status & 0xff);
        arch_poweroff(status & 0xff);
    }
    kputs("tessera: idle; Ctrl-A X quits QEMU\n");
    arch_halt();
}
