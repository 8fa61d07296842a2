/* SPDX-License-Identifier: MIT */
/*
 * Tessera x86-64 virtual memory layout, shared by C, assembly and the linker
 * script.
 *
 *   0x0000000000000000 .. 0x00007fffffffffff   user space (lower canonical half)
 *   0xffff800000000000 .. +PHYSMAP_SIZE         direct map of physical memory (NX)
 *   0xffffffff80000000 .. +2 GiB                kernel image (-mcmodel=kernel)
 *
 * The kernel is loaded by the boot loader at physical KERNEL_PHYS_BASE and
 * linked at KERNEL_VMA_BASE + physical address.
 */
#ifndef ARCH_LAYOUT_H
#define ARCH_LAYOUT_H

#define KERNEL_VMA_BASE  0xffffffff80000000
#define KERNEL_PHYS_BASE 0x100000
#define PHYSMAP_BASE     0xffff800000000000
/* The direct map covers at most this much physical address space (64 GiB). */
#define PHYSMAP_MAX 0x1000000000

#define PAGE_SIZE       4096
#define LARGE_PAGE_SIZE 0x200000

/* Segment selectors; the order is the one SYSCALL/SYSRET require. The
 * SEL_USER_CODE32 slot is the base of STAR's SYSRET selectors and holds a
 * null descriptor: user mode has no compatibility-mode segment. */
#define SEL_KERNEL_CODE 0x08
#define SEL_KERNEL_DATA 0x10
#define SEL_USER_CODE32 0x18
#define SEL_USER_DATA   0x20
#define SEL_USER_CODE   0x28
#define SEL_TSS         0x30

/* Kernel stack size of the boot CPU and of the double-fault stack. */
#define BOOT_STACK_SIZE 16384
#define IST_STACK_SIZE  8192

/* isa-debug-exit I/O port: QEMU exits with (status << 1) | 1. */
#define DEBUG_EXIT_PORT 0xf4

/* Power-off statuses, the contract with tools/ and the test runners. */
#define EXIT_OK          0
#define EXIT_TEST_FAILED 1
#define EXIT_PANIC       2
#define EXIT_BOOT_ERROR  3

#endif
