/* SPDX-License-Identifier: MIT */
/*
 * Host unit tests (Check) of the arch-free kernel and libl4 code. Results
 * go to stdout as TAP so that meson counts every test case; each case runs
 * in its own process (Check's fork mode), so a crash fails only that case.
 */
#include <stdlib.h>
#include "suites.h"

int main(void)
{
    SRunner *sr = srunner_create(memmap_suite());
    srunner_add_suite(sr, format_suite());
    srunner_add_suite(sr, elf_suite());
    srunner_add_suite(sr, elf_load_suite());
    srunner_add_suite(sr, multiboot_suite());
    srunner_add_suite(sr, cap_suite());
    srunner_add_suite(sr, cnode_suite());
    srunner_add_suite(sr, cspace_suite());
    srunner_add_suite(sr, derivation_suite());
    srunner_add_suite(sr, untyped_suite());
    srunner_add_suite(sr, sched_suite());
    srunner_add_suite(sr, vspace_suite());
    srunner_add_suite(sr, irq_suite());
    srunner_add_suite(sr, ioport_suite());
    srunner_add_suite(sr, trace_suite());
    srunner_add_suite(sr, manifest_suite());
    srunner_add_suite(sr, alloc_suite());
    srunner_add_suite(sr, vspace_lib_suite());
    srunner_add_suite(sr, server_suite());
    srunner_add_suite(sr, start_info_suite());
    srunner_add_suite(sr, spawn_suite());
    srunner_add_suite(sr, pv_virq_suite());
    srunner_add_suite(sr, pv_clock_suite());
    srunner_add_suite(sr, random_suite());
    srunner_add_suite(sr, console_core_suite());
    srunner_add_suite(sr, shim_exec_suite());
    srunner_add_suite(sr, shim_exec_stack_suite());
    srunner_add_suite(sr, mem_core_suite());
    srunner_add_suite(sr, irq_deadline_suite());
    srunner_add_suite(sr, irq_compartment_suite());
    srunner_add_suite(sr, irq_rtc_suite());
    srunner_add_suite(sr, shim_vvar_suite());
    srunner_add_suite(sr, shim_cpio_suite());
    srunner_add_suite(sr, shim_tmpfs_suite());
    srunner_add_suite(sr, shim_tmpfs_linux_suite());
    srunner_add_suite(sr, shim_fd_suite());
    srunner_add_suite(sr, shim_tty_suite());
    srunner_add_suite(sr, shim_signal_suite());
    srunner_add_suite(sr, shim_cred_suite());
    srunner_set_tap(sr, "-");
    srunner_run_all(sr, CK_SILENT);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
