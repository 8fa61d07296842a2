/* SPDX-License-Identifier: MIT */
/*
 * The boot-info page: what the kernel tells the root task at start.
 *
 * The one definition of the root task's start-up contract, included by the
 * kernel (which fills it, kernel/core/root_task.c) and by user code (which
 * reads it). The root task starts at its ELF entry with
 *   RDI = L4_ROOT_BOOTINFO_VADDR (this structure, read-only),
 *   RSP = L4_ROOT_STACK_TOP (L4_ROOT_STACK_PAGES pages of stack below it),
 * its IPC buffer mapped at L4_ROOT_IPC_BUFFER_VADDR, priority and maximum
 * controlled priority L4_MAX_PRIORITY, and a single-level CSpace: a CNode of
 * 2^L4_ROOT_CNODE_RADIX slots whose capability carries a guard of
 * 64 - L4_ROOT_CNODE_RADIX zero bits, so that a capability pointer is
 * simply the slot number. The fixed slots are L4_ROOT_SLOT_*; the rest are
 * described by the slot regions below.
 */
#ifndef L4_BOOTINFO_H
#define L4_BOOTINFO_H

#include <stdint.h>
#include <l4/abi_gen.h>

#define L4_BOOTINFO_MAGIC UINT64_C(0x3161726573736574) /* "tessera1", little-endian */

#define L4_ROOT_CNODE_RADIX 12

/* Fixed slots of the root CNode. */
enum l4_root_slot {
    L4_ROOT_SLOT_NULL = 0,           /* always empty: the null cptr */
    L4_ROOT_SLOT_TCB = 1,            /* the root task's own TCB */
    L4_ROOT_SLOT_CNODE = 2,          /* the root CNode (with its guard) */
    L4_ROOT_SLOT_VSPACE = 3,         /* the root task's PML4 */
    L4_ROOT_SLOT_IRQ_CONTROL = 4,    /* IRQControl */
    L4_ROOT_SLOT_IOPORT_CONTROL = 5, /* IOPortControl */
    L4_ROOT_SLOT_IPC_BUFFER = 6,     /* Frame4K of the IPC buffer */
    L4_ROOT_SLOT_BOOTINFO = 7,       /* Frame4K of this page */
    L4_ROOT_SLOT_DEBUG_CONSOLE = 8,  /* DebugConsole: kernel console output, invariant check */
    L4_ROOT_SLOT_POWER_CONTROL = 9,  /* PowerControl: power-off with an exit status */
    L4_ROOT_SLOT_FIRST_FREE = 10,    /* regions below start here */
};

/* Fixed virtual addresses of the root task (all in one 2 MiB page table). */
#define L4_ROOT_STACK_TOP        UINT64_C(0x00007fffffff0000)
#define L4_ROOT_STACK_PAGES      16
#define L4_ROOT_IPC_BUFFER_VADDR UINT64_C(0x00007ffffffd0000)
#define L4_ROOT_BOOTINFO_VADDR   UINT64_C(0x00007ffffffc0000)
/* The kernel event trace's ring, when there is one (see trace_frames). */
#define L4_ROOT_TRACE_VADDR     UINT64_C(0x00007fffffe00000)
#define L4_ROOT_TRACE_MAX_PAGES 256
_Static_assert(L4_ROOT_TRACE_VADDR + L4_ROOT_TRACE_MAX_PAGES * UINT64_C(4096) <=
                   L4_ROOT_BOOTINFO_VADDR,
               "the trace ring shares the page table of the fixed pages, below them");

#define L4_BOOTINFO_MAX_UNTYPED 128
#define L4_BOOTINFO_MAX_MODULES 16
#define L4_BOOTINFO_CMDLINE_MAX 256
#define L4_BOOTINFO_MODNAME_MAX 64

/* Slots first .. first+count-1 of the root CNode. */
struct l4_slot_region {
    l4_word_t first, count;
};

/* Untyped capability number i of the untyped region names this memory. */
struct l4_untyped_desc {
    l4_word_t paddr;
    uint8_t size_bits;
    uint8_t is_device; /* device memory: retypes only into Untyped (and frames, later) */
    uint8_t pad[6];
};

/* A multiboot module after the root task: its bytes are in the read-only
 * Frame4K capabilities of `frames`, one per page, from paddr (page-aligned
 * by the loader) on. name is its command line ("PATH NAME" from QEMU's
 * loader), or the last L4_BOOTINFO_MODNAME_MAX - 1 bytes of it when it is
 * longer, so that its last word survives a long path. */
struct l4_boot_module {
    l4_word_t paddr, size;
    struct l4_slot_region frames;
    char name[L4_BOOTINFO_MODNAME_MAX];
};

struct l4_boot_info {
    l4_word_t magic;    /* L4_BOOTINFO_MAGIC */
    l4_word_t tsc_hz;   /* TSC frequency measured at boot */
    l4_word_t timer_hz; /* preemption timer ticks per second */
    l4_word_t cnode_radix;
    l4_word_t ipc_buffer; /* L4_ROOT_IPC_BUFFER_VADDR */
    /* The root task's image: page i of [image_base, image_end) is the
     * Frame4K capability in slot image_frames.first + i. */
    l4_word_t image_base, image_end;
    struct l4_slot_region image_frames;
    struct l4_slot_region stack_frames; /* one per stack page, lowest first */
    struct l4_slot_region page_tables;  /* PDPT, PD and PT objects of the VSpace */
    struct l4_slot_region untyped;      /* slot first + i: untyped_list[i] */
    struct l4_slot_region empty;        /* free slots to the end of the CNode */
    l4_word_t num_untyped;
    struct l4_untyped_desc untyped_list[L4_BOOTINFO_MAX_UNTYPED];
    l4_word_t num_modules;
    struct l4_boot_module modules[L4_BOOTINFO_MAX_MODULES];
    char cmdline[L4_BOOTINFO_CMDLINE_MAX];
    /* The kernel event trace (<l4/trace.h>) of a kernel built with it: one
     * read-only Frame4K capability per page of the ring, in order, mapped
     * read-only from trace_vaddr (L4_ROOT_TRACE_VADDR) on. Holding them is
     * the privilege to read the trace. A kernel without the trace gives
     * none: count 0 and trace_vaddr 0. */
    struct l4_slot_region trace_frames;
    l4_word_t trace_vaddr;
};

_Static_assert(sizeof(struct l4_untyped_desc) == 16, "untyped descriptor is two words");
_Static_assert(sizeof(struct l4_boot_info) <= 4096, "the boot info fits one page");

#endif
