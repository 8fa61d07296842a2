/* SPDX-License-Identifier: MIT */
/*
 * The PV test guest: a small guest kernel, linked with libl4, that the
 * root task starts as a compartment like any other (docs/servers/README.md,
 * "What each program is given"). What it does is its first argument (the
 * manifest's `init`):
 *
 *   exit:N    print a greeting and end the compartment with status N
 *   crash     touch an unmapped address (the root task sees the fault)
 *   dirty-crash  first fill every pseudo-physical page with 0xa5, then
 *             crash; restarted (restarts=N in its environment, N > 0), run
 *             the checks instead, which find every page zeroed
 *   hog       exhaust its address spaces, threads and reserve (each must
 *             fail with QuotaExhausted for it alone), exit with failures
 *   bench[:N] run the PV benchmarks (bench.c) with N samples each
 *   checks    run the platform checks (pvtest_checks(): every hypercall's
 *             success and error paths), print one TAP line per check and
 *             exit with the number of failures
 *
 * Output goes through the console server (the runtime's l4_printf() uses
 * the "console" capability), exit through the root task's Exit.
 */
#include <stdlib.h>
#include <string.h>
#include <l4/debug.h>
#include <l4/platform.h>
#include <l4/proto/root_client_gen.h>
#include <l4/rt.h>
#include <l4/start_info.h>
#include <l4/stubs_gen.h>
#include "pvtest.h"

static _Noreturn void guest_exit(unsigned status)
{
    l4_cptr_t root = l4_rt_cap(L4_PLAT_CAP_ROOT);
    if (root != L4_CPTR_NULL)
        (void)root_exit(root, status);
    /* no root capability, or Exit came back: stop here */
    for (;;)
        (void)l4_tcb_suspend(l4_rt_start_info()->tcb);
}

int main(int argc, char **argv)
{
    const char *name = l4_rt_getenv(L4_PLAT_ENV_COMPARTMENT);
    const char *what = argc > 1 ? argv[1] : "exit:0";
    l4_printf("pvtest[%s]: started, '%s'\n", name ? name : "?", what);
    if (strncmp(what, "exit:", 5) == 0)
        guest_exit((unsigned)strtoul(what + 5, 0, 10));
    /* dirty-crash, restarted: check that the new quota holds none of it */
    const char *restarts = l4_rt_getenv(L4_PLAT_ENV_RESTARTS);
    if (strcmp(what, "dirty-crash") == 0 && restarts && strcmp(restarts, "0") != 0)
        what = "checks";
    if (strcmp(what, "crash") == 0 || strcmp(what, "dirty-crash") == 0) {
        if (what[0] == 'd')
            pvtest_mem_dirty();
        l4_printf("pvtest[%s]: touching address 0x10\n", name ? name : "?");
        volatile uintptr_t bad = 0x10;
        *(volatile int *)bad = 1;
    }
    if (strcmp(what, "hog") == 0) {
        pvtest_set_name(name ? name : "?");
        pvtest_mem_hog();
        guest_exit(pvtest_failures());
    }
    if (strncmp(what, "bench", 5) == 0)
        guest_exit(pvtest_bench(what[5] == ':' ? (unsigned)strtoul(what + 6, 0, 10) : 0));
    if (strcmp(what, "checks") == 0)
        guest_exit(pvtest_checks(name ? name : "?"));
    l4_printf("pvtest[%s]: unknown command '%s'\n", name ? name : "?", what);
    guest_exit(2);
}
