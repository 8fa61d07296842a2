/* SPDX-License-Identifier: MIT */
/*
 * Starting a program in a CSpace and VSpace of its own (libl4/spawn/).
 *
 * Interface: a parent that holds untyped memory (a struct l4_untyped_alloc
 * whose slots are in its own CSpace) fills a struct l4_spawn_config and
 * calls l4_spawn(), which makes, all from that allocator:
 *   - a PML4 (the kernel assigns its ASID) and the page tables it needs,
 *   - a CNode of 2^cnode_radix slots, given to the child with a guard of
 *     64 - radix zero bits so that a cptr is the slot number (the
 *     start-info contract, libl4/README.md),
 *   - fresh frames for every page of the ELF image (checked and walked with
 *     elf_load(), <l4/elf_load.h>), filled through a temporary mapping at
 *     config->scratch_va in the parent's own VSpace, then mapped in the
 *     child with the segment's rights (W^X as the image asks),
 *   - a stack of stack_pages pages below L4_SPAWN_STACK_TOP (with an
 *     unmapped guard page under it), an IPC-buffer frame at
 *     L4_SPAWN_IPC_BUFFER_VA and the start-info page at L4_SPAWN_INFO_VA,
 *     mapped read-only, filled with <l4/start_info.h>'s builder,
 *   - a TCB configured with that CSpace, VSpace and IPC buffer, the fault
 *     endpoint (if any), priority and MCP, RIP = the ELF entry, RSP = the
 *     stack top, RDI = the start-info page, and resumed.
 * The child's CNode holds, by slot (L4_SPAWN_SLOT_*): its TCB, CNode,
 * VSpace and IPC-buffer frame, then the fault endpoint (if given), then
 * copies of config->caps in order; free_first is the slot after them.
 * The start-info page names each given capability, and argv.
 *
 * Errors (l4_error_t): L4_INVALID_ARGUMENT for an image elf_load() refuses
 * (status->elf_error says why), a config that cannot work (radix, too
 * many capabilities or arguments, a name the builder refuses:
 * status->si_error), L4_NOT_ENOUGH_MEMORY when the untyped allocator, its
 * slots, the child's CNode or the caller's tables/frames arrays run out,
 * L4_DELETE_FIRST if the stack or pages overlap the image, or what the
 * kernel returned. A failed l4_spawn() has undone everything it made:
 * every object freed back to the allocator, its slots empty, the scratch
 * page unmapped; status->step names the step that failed.
 *
 * The scratch page's page tables, made on first use, stay recorded in
 * config->parent for the next spawn; the scratch page itself is unmapped
 * between uses.
 *
 * l4_spawn_destroy() stops the child and takes back everything l4_spawn()
 * made: each object's capability is revoked (deleting the copies the child
 * holds) and freed to the allocator. Capabilities the child made itself in
 * its free slots are deleted with its CNode. The config's capabilities are
 * only copied: the parent keeps its own; except an Untyped, which the
 * kernel never copies: it is moved into the child (and goes with the
 * child's CNode when the child is destroyed or the spawn fails).
 *
 * Shared pages (config->pages) are copies of the parent's frame
 * capabilities, mapped in the child and named in its start-info page; the
 * copies are deleted by l4_spawn_destroy(), the parent's frames kept.
 *
 * Limits: one thread; 4 KiB pages only; segments sharing a page are
 * refused by elf_check() (servers/user.ld aligns them). Not thread-safe
 * (as the allocators).
 */
#ifndef L4_SPAWN_H
#define L4_SPAWN_H

#include <stddef.h>
#include <l4/start_info.h>
#include <l4/vspace.h>

/* Where l4_spawn() puts the child's own pages (above any image linked by
 * servers/user.ld, in one page table). */
#define L4_SPAWN_INFO_VA         UINT64_C(0x00007f0000000000)
#define L4_SPAWN_IPC_BUFFER_VA   UINT64_C(0x00007f0000001000)
#define L4_SPAWN_STACK_TOP       UINT64_C(0x00007f0000100000)
#define L4_SPAWN_MAX_STACK_PAGES 64

/* Slots of the child's CNode. */
#define L4_SPAWN_SLOT_TCB        1
#define L4_SPAWN_SLOT_CNODE      2
#define L4_SPAWN_SLOT_VSPACE     3
#define L4_SPAWN_SLOT_IPC_BUFFER 4
#define L4_SPAWN_SLOT_FIRST_CAP  5 /* the fault endpoint, if any, then the named caps */

/* A shared page the parent gives the child: a copy of frame (the parent's
 * capability, which it keeps) is mapped at vaddr in the child, and the
 * start-info page names it. The pages of one entry are frames[0..count). */
struct l4_spawn_page {
    const char *name;        /* in the start-info page (at most 23 bytes) */
    const l4_cptr_t *frames; /* the parent's Frame4K capabilities */
    unsigned count;          /* 1..L4_SPAWN_MAX_SHARED_FRAMES in all entries */
    l4_word_t vaddr;         /* page-aligned, outside the image, stack and own pages */
    bool writable;
};

#define L4_SPAWN_MAX_SHARED_FRAMES 16

/* A capability the parent gives the child, by name. */
struct l4_spawn_cap {
    const char *name;       /* in the start-info page (at most 23 bytes) */
    l4_cptr_t cap;          /* the parent's cptr (as ua->dest names its slots) */
    l4_cap_type_t type;     /* what the start-info page says it is */
    l4_cap_rights_t rights; /* rights of the child's copy */
};
/* An Untyped capability (type L4_CAP_UNTYPED) is moved, not copied: the
 * kernel never copies one. The parent loses it (it can take it back by
 * revoking the Untyped it was made from). */

struct l4_spawn_config {
    const void *image; /* ELF64 executable, in the parent's memory */
    size_t image_size;
    unsigned cnode_radix; /* child's CNode: 2^radix slots (3..L4_OBJECT_CNODE_MAX_SIZE_BITS) */
    unsigned stack_pages; /* 1..L4_SPAWN_MAX_STACK_PAGES */
    const struct l4_spawn_cap *caps;
    unsigned ncaps;
    const char *const *argv;
    unsigned argc;
    l4_cptr_t fault_ep;    /* parent's endpoint for the child's faults, or L4_CPTR_NULL */
    l4_word_t fault_badge; /* badge of the child's copy of it (0: an unbadged copy) */
    uint8_t priority, mcp;
    l4_cptr_t authority;      /* TCB whose MCP allows priority and mcp (the parent's own) */
    struct l4_vspace *parent; /* the parent's own VSpace, for the scratch mapping */
    l4_word_t scratch_va;     /* a page-aligned address free in it */
    const char *thread_name;  /* for the kernel's debug output, or NULL */
    const struct l4_spawn_page *pages; /* shared pages, or NULL */
    unsigned npages;
    const char *const *envp; /* NAME=value strings for the start-info page */
    unsigned envc;
    bool suspended; /* make everything but do not start: l4_spawn_start() */
    /* A range of capabilities moved (not copied) into the child's slots
     * right after the named ones, named once: the start-info entry
     * range_name names the first, and the range ends where the free slots
     * begin (free_first). For Reply objects, which the kernel never
     * copies, so they cannot travel in a message. */
    const char *range_name;
    const l4_cptr_t *range;
    unsigned nrange;
    l4_cap_type_t range_type;
};

/* What l4_spawn() made, for l4_spawn_destroy(). The caller provides the
 * arrays of the child's VSpace (l4_spawn_init()): tables (six suffice for
 * an image below 1 GiB) and frames (image pages + stack_pages + 2). */
struct l4_spawn {
    struct l4_untyped_alloc *ua;
    struct l4_object tcb, cnode, pml4;
    struct l4_vspace vs;
    unsigned cnode_radix;
    l4_word_t cnode_used; /* child slots 1..cnode_used-1 were filled here */
    l4_word_t entry;
    bool running;
    /* the parent's slots holding the copies of shared frames */
    l4_word_t shared_slots[L4_SPAWN_MAX_SHARED_FRAMES];
    unsigned nshared;
};

/* Why l4_spawn() failed, for messages and tests. */
struct l4_spawn_status {
    const char *step; /* the step that failed ("" on success) */
    int elf_error;    /* elf_load()'s enum elf_error, 0 if it accepted the image */
    int si_error;     /* the start-info builder's L4_SI_* status */
};

void l4_spawn_init(struct l4_spawn *sp, struct l4_untyped_alloc *ua, struct l4_vspace_table *tables,
                   unsigned table_capacity, struct l4_vspace_frame *frames,
                   unsigned frame_capacity);

/* Check the config and count the image's pages, with no syscall: what
 * l4_spawn() refuses before making anything. *pages (if not NULL) gets the
 * number of frames the child's VSpace needs. */
l4_error_t l4_spawn_check(const struct l4_spawn_config *cfg, unsigned *pages,
                          struct l4_spawn_status *status);

l4_error_t l4_spawn(struct l4_spawn *sp, const struct l4_spawn_config *cfg,
                    struct l4_spawn_status *status);

/* Start a child made with config->suspended (Resume its TCB). */
l4_error_t l4_spawn_start(struct l4_spawn *sp);

/* Suspend the child and take back everything (see above); the first error,
 * after trying every step. sp can be reused with l4_spawn() afterwards. */
l4_error_t l4_spawn_destroy(struct l4_spawn *sp);

#endif
