/* SPDX-License-Identifier: MIT */
/* Unit test suites, one per kernel component; unit_main.c runs them all. */
#ifndef UNIT_SUITES_H
#define UNIT_SUITES_H

#include <check.h>

Suite *memmap_suite(void);
Suite *format_suite(void);
Suite *elf_suite(void);
Suite *elf_load_suite(void);
Suite *multiboot_suite(void);
Suite *cap_suite(void);
Suite *cnode_suite(void);
Suite *cspace_suite(void);
Suite *derivation_suite(void);
Suite *untyped_suite(void);
Suite *sched_suite(void);
Suite *vspace_suite(void);
Suite *irq_suite(void);
Suite *ioport_suite(void);
Suite *trace_suite(void);
Suite *manifest_suite(void);
Suite *alloc_suite(void);
Suite *vspace_lib_suite(void);
Suite *server_suite(void);
Suite *start_info_suite(void);
Suite *spawn_suite(void);
Suite *pv_virq_suite(void);
Suite *pv_clock_suite(void);
Suite *random_suite(void);
Suite *console_core_suite(void);
Suite *shim_exec_suite(void);
Suite *shim_exec_stack_suite(void);
Suite *mem_core_suite(void);
Suite *irq_deadline_suite(void);
Suite *irq_rtc_suite(void);
Suite *shim_vvar_suite(void);
Suite *irq_compartment_suite(void);
Suite *shim_cpio_suite(void);
Suite *shim_tmpfs_suite(void);
Suite *shim_tmpfs_linux_suite(void);
Suite *shim_fd_suite(void);
Suite *shim_tty_suite(void);
Suite *shim_signal_suite(void);
Suite *shim_cred_suite(void);

#endif
