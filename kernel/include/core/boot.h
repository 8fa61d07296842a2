/* SPDX-License-Identifier: MIT */
/*
 * Kernel start-up sequence (core/main.c) and what follows it.
 *
 * Interface: kernel_main() is entered from the arch boot code; once the
 * machine is set up and the boot input checked, it calls kernel_run(),
 * which each kernel image defines once: core/run.c for the system image,
 * tests/kernel/ktest.c for the in-kernel test image.
 */
#ifndef CORE_BOOT_H
#define CORE_BOOT_H

#include <stdint.h>
#include <core/bootinfo.h>

/* Free memory must be at least this large for the system to start. */
#define BOOT_MIN_FREE_MEMORY (4ull << 20)

void kernel_main(uint32_t magic, uint32_t info_pa);
_Noreturn void kernel_run(const struct boot_info *bi);

/* Filled by kernel_main(): RAM after the kernel image, modules and the
 * first MiB are taken out; this will become the initial untyped memory. */
extern struct mem_range boot_free[BOOT_MAX_RAM_RANGES];
extern unsigned boot_nfree;

#endif
