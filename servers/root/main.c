/* SPDX-License-Identifier: MIT */
/*
 * The root task: first user-level program, owner of every capability the
 * kernel hands over at boot (the boot-info page, <l4/bootinfo.h>).
 *
 * It takes over the boot memory (memory.c), reads the entropy seed and the
 * manifest modules (boot_modules.c), and builds and keeps the system the
 * manifest describes (system.c): the servers, then the compartments, until
 * every compartment has ended; then it powers the machine off with the main
 * compartment's exit status. Its output goes through the DebugConsole
 * capability in its fixed slot (the runtime's l4_printf()); it holds the
 * only PowerControl capability (docs/kernel/console.md).
 */
#include <l4/debug.h>
#include <l4/rt.h>
#include <l4/stubs_gen.h>
#include "root.h"

/* The root task's heap: one 2 MiB frame (one slot), for the manifest's
 * copy and the spawn bookkeeping. */
#define HEAP_VA UINT64_C(0x0000002000000000)

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
    if (root_memory_init(bi) != 0 ||
        l4_vspace_map_new(&root_vs, HEAP_VA, 21, L4_VM_RIGHTS_READ | L4_VM_RIGHTS_WRITE, 0, 0) !=
            L4_NO_ERROR ||
        l4_rt_heap_init((void *)(uintptr_t)HEAP_VA, UINT64_C(1) << 21) != 0) {
        l4_printf("root: cannot take over the boot memory\n");
        stay_idle();
    }
    uint8_t seed[32] = {0};
    int have_seed;
    root_report_seed(bi, seed, &have_seed);
    struct l4_manifest m;
    if (root_read_manifest(bi, &m) != 0)
        stay_idle();
    root_run_system(bi, &m, seed);
}
