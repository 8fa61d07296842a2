/* SPDX-License-Identifier: MIT */
/*
 * kernel_run() of the system image: what the kernel does once booted.
 *
 * It prepares user-mode entry and the preemption timer, builds the root
 * task from the first module (core/root_task.c), reports "boot complete"
 * and leaves the kernel into the root task; from then on the kernel runs
 * only on syscalls, exceptions and interrupts. The command-line option
 * poweroff=N powers off with status N instead of starting the root task
 * (used by the boot tests to check that a status reaches the tool's exit
 * code).
 */
#include <core/arch_hooks.h>
#include <core/boot.h>
#include <core/console.h>
#include <core/root_task.h>

_Noreturn void kernel_run(const struct boot_info *bi)
{
    char value[16];
    arch_init_threads();
    root_task_create(bi);
    kputs("tessera: boot complete\n");
    if (!cmdline_get(bi->cmdline, "poweroff", value, sizeof value)) {
        int status = 0;
        for (const char *p = value; *p >= '0' && *p <= '9'; p++)
            status = status * 10 + (*p - '0');
        kprintf("tessera: powering off with status %d\n", status & 0xff);
        arch_poweroff(status & 0xff);
    }
    kputs("tessera: starting the root task; Ctrl-A X quits QEMU\n");
    arch_exit_to_user();
}
