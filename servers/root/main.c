/* SPDX-License-Identifier: MIT */
/*
 * The root task: first user-level program, owner of every capability the
 * kernel hands over at boot.
 *
 * Today it reports what it was given (the boot-info page of
 * <l4/bootinfo.h>), the entropy seed module and what the manifest module
 * says it should build (boot_modules.c) on the console, and then stops
 * itself: it suspends its own TCB, so the system stays up, idle, until
 * QEMU is quit. It never
 * powers the machine off. Its output goes through the DebugConsole
 * capability in its fixed slot (the runtime's l4_printf()); it holds the
 * only PowerControl capability (docs/kernel/console.md).
 */
#include <l4/debug.h>
#include <l4/rt.h>
#include <l4/stubs_gen.h>
#include "boot_modules.h"

/* Stop for good, leaving the machine running. */
static _Noreturn void stay_idle(void)
{
    l4_tcb_suspend(L4_ROOT_SLOT_TCB);
    for (;;) /* only if Suspend failed */
        l4_yield();
}

int main(int argc, char **argv)
{
    const struct l4_boot_info *bi = l4_rt_boot_info();
    (void)argc;
    (void)argv;
    if (!bi) {
        l4_printf("root: no valid boot info (bad magic)\n");
        stay_idle();
    }
    l4_printf("root: boot info at %p, %lu untyped, %lu free slots\n", (const void *)bi,
              (unsigned long)bi->num_untyped, (unsigned long)bi->empty.count);
    root_report_seed(bi);
    root_report_manifest(bi);
    stay_idle();
}
