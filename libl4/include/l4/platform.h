/* SPDX-License-Identifier: MIT */
/*
 * The platform's fixed names: the badges the root task mints on the
 * servers' endpoints, the start-info names it hands every server and guest,
 * and where a guest's pseudo-physical memory appears. The one place these
 * are written (docs/servers/README.md explains each).
 */
#ifndef L4_PLATFORM_H
#define L4_PLATFORM_H

#include <l4/abi_gen.h>

/* --- Badges on a server's endpoint -------------------------------------- */
/* The root task: the only badge allowed the admin messages. */
#define L4_PLAT_BADGE_ROOT 1u
/* A server calling another (the console server raising an input line on
 * the interrupt server; the memory and interrupt servers printing). */
#define L4_PLAT_SERVER_CONSOLE  0u
#define L4_PLAT_SERVER_IRQ      1u
#define L4_PLAT_SERVER_MEM      2u
#define L4_PLAT_SERVERS         3u
#define L4_PLAT_BADGE_SERVER(s) (2u + (s))
/* Compartment i of the manifest (0 .. L4_PLAT_MAX_COMPARTMENTS-1). */
#define L4_PLAT_MAX_COMPARTMENTS        64u
#define L4_PLAT_BADGE_COMPARTMENT(i)    (16u + (i))
#define L4_PLAT_BADGE_IS_COMPARTMENT(b) ((b) >= 16u && (b) < 16u + L4_PLAT_MAX_COMPARTMENTS)
#define L4_PLAT_COMPARTMENT_OF(b)       ((b)-16u)
/* Faults of servers and guest kernels reach the root task's endpoint with
 * the badge of the faulting program plus this bit. */
#define L4_PLAT_BADGE_FAULT 0x1000u

/* --- Start-info names --------------------------------------------------- */
/* Every server */
#define L4_PLAT_CAP_EP      "ep"      /* Endpoint: the server's own, it receives on it */
#define L4_PLAT_CAP_UNTYPED "untyped" /* Untyped: its memory (manifest 'memory') */
#define L4_PLAT_CAP_CONSOLE "console" /* Endpoint: console server, badged for the holder */
#define L4_PLAT_CAP_IRQ     "irq"     /* Endpoint: interrupt server, badged for the holder */
#define L4_PLAT_CAP_MEM     "mem"     /* Endpoint: memory server, badged (guests only) */
#define L4_PLAT_CAP_ROOT    "root"    /* Endpoint: root task, badged (guests: Exit) */
/* Console server */
#define L4_PLAT_CAP_COM1     "com1"     /* IOPort: 0x3f8..0x3ff */
#define L4_PLAT_CAP_COM1_IRQ "com1_irq" /* IRQHandler: line 4 */
/* Interrupt server */
#define L4_PLAT_CAP_PIT     "pit"     /* IOPort: 0x40..0x43 */
#define L4_PLAT_CAP_PIT_IRQ "pit_irq" /* IRQHandler: the PIT's line */
#define L4_PLAT_CAP_RTC     "rtc"     /* IOPort: 0x70..0x71, the CMOS RTC (optional) */
/* Guests */
/* Reply objects for the guest kernel's answers given later: the first of a
 * range that ends at the start-info page's free_first (Reply capabilities
 * are never copied, so no server can hand one out in a message). */
#define L4_PLAT_CAP_REPLIES       "replies"
#define L4_PLAT_GUEST_REPLIES_MAX 128u
#define L4_PLAT_CAP_UPCALL        "upcall" /* Notification: the guest binds it to its thread */
#define L4_PLAT_PAGE_PV           "pv"     /* struct l4_pv_page, writable, shared with irq */
#define L4_PLAT_PAGE_CONSOLE                                                                       \
    "console_ring"                   /* struct console_ring, writable, shared with console         \
                                      */
#define L4_PLAT_PAGE_MEM "mem_batch" /* the batch pages, writable, shared with mem */
/* The FPU page: one frame the guest kernel has mapped (writable) and also
 * holds as a capability (L4_PLAT_CAP_FPU, Read and Write), the frame TCB
 * ReadFPU and WriteFPU of its threads go through. Nobody else has it. */
#define L4_PLAT_PAGE_FPU        "fpu"
#define L4_PLAT_CAP_FPU         "fpu"
#define L4_PLAT_ENV_COMPARTMENT "compartment" /* compartment=NAME in the environment */
#define L4_PLAT_ENV_RESTARTS    "restarts"    /* restarts=N: how many times it was restarted */
#define L4_PLAT_ENV_CONSOLE     "console"     /* console=serial|host: where its stdio goes */
#define L4_PLAT_ENV_ID          "id"          /* id=I: its compartment number (EventSend) */
#define L4_PLAT_ENV_PRIORITY    "priority"    /* priority=P: its priority (its threads' most) */
#define L4_PLAT_ENV_INITRAMFS   "initramfs"   /* initramfs=BYTES at L4_PLAT_INITRAMFS_VA */
#define L4_PLAT_ENV_ENTROPY     "entropy"     /* entropy=64 hex digits: its random seed */
/* Servers: boot_tsc_hz=N, the kernel's own measure of the TSC at boot
 * (the interrupt server checks its calibration against it). */
#define L4_PLAT_ENV_BOOT_TSC_HZ "boot_tsc_hz"

/* --- A guest's address space ----------------------------------------- */
/* Pseudo-physical page n of a compartment is mapped in its guest kernel at
 * L4_PLAT_PHYS_BASE + n * 4096 (by the memory server, read-write). */
#define L4_PLAT_PHYS_BASE UINT64_C(0x0000400000000000)
/* The compartment's initramfs (manifest 'initramfs'), read-only. */
#define L4_PLAT_INITRAMFS_VA UINT64_C(0x0000200000000000)
/* The batch area: L4_PLAT_MEM_BATCH_PAGES pages at this address. */
#define L4_PLAT_MEM_BATCH_VA    UINT64_C(0x00007e0000000000)
#define L4_PLAT_MEM_BATCH_PAGES 4u

#endif
