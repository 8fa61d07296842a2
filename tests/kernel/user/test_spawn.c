/* SPDX-License-Identifier: MIT */
/*
 * User-level tests of libl4's spawn library (<l4/spawn.h>): the test root
 * task starts child/spawn_child.c (embedded in this image as bytes) in a
 * CSpace and VSpace of its own, with a start-info page, and the child
 * reports back over the "parent" endpoint what its runtime read from that
 * page: argc, a checksum of argv, free_first, stack_top and whether it
 * has a DebugConsole. This is the runtime's start-info path running for
 * real. Refused images and exhausted memory must leave no object and no
 * slot behind.
 */
#include <string.h>
#include <l4/elf.h>
#include <l4/spawn.h>
#include "vspace_util.h"

extern const unsigned char spawn_child_image[];
extern const unsigned long spawn_child_image_size;

#define SCRATCH    VA(61)
#define MAX_FRAMES 128

static struct l4_vspace_table child_tables[8];
static struct l4_vspace_frame child_frames[MAX_FRAMES];
static struct l4_vspace_table parent_tables[4];
static struct l4_vspace_frame parent_frames[2];
static struct l4_vspace parent_vs;
static struct l4_spawn child;

static const char *const child_argv[] = {"child", "hello", "42"};

/* FNV-1a over each string and its NUL, as the child computes it. */
static uint64_t argv_checksum(unsigned argc, const char *const *argv)
{
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    for (unsigned i = 0; i < argc; i++)
        for (const char *p = argv[i];; p++) {
            h = (h ^ (uint8_t)*p) * UINT64_C(0x100000001b3);
            if (!*p)
                break;
        }
    return h;
}

static struct l4_spawn_config base_config(const struct l4_spawn_cap *caps, unsigned ncaps)
{
    l4_vspace_init(&parent_vs, VS, ut_untyped_alloc(), parent_tables, 4, parent_frames, 2);
    l4_spawn_init(&child, ut_untyped_alloc(), child_tables, 8, child_frames, MAX_FRAMES);
    return (struct l4_spawn_config){
        .image = spawn_child_image,
        .image_size = spawn_child_image_size,
        .cnode_radix = 6,
        .stack_pages = 4,
        .caps = caps,
        .ncaps = ncaps,
        .argv = child_argv,
        .argc = 3,
        .priority = 100,
        .mcp = 0,
        .authority = L4_ROOT_SLOT_TCB,
        .parent = &parent_vs,
        .scratch_va = SCRATCH,
        .thread_name = "spawn-child",
    };
}

/* Wait for the child's report on ep (reply object r), answer it with 0. */
static void child_report(l4_cptr_t ep, l4_cptr_t r, l4_word_t m[5])
{
    l4_msginfo_t info;
    l4_word_t badge = 0;
    UT_OK(l4_recv(ep, r, &badge, &info));
    UT_EQ(l4_msginfo_get_length(info), 5);
    for (unsigned i = 0; i < 5; i++)
        m[i] = l4_get_mr(i);
    l4_set_mr(0, 0);
    UT_OK(l4_send(r, l4_msginfo_new(0, 0, 0, 1)));
}

UTEST(spawn_child, "spawn: a child in its own CSpace and VSpace gets argv, its start-info page and "
                   "the capabilities given, Calls its parent; destroy empties every slot")
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0), r = ut_new(L4_OBJECT_REPLY, 0);
    UT_ASSERT(ep && r);
    const struct l4_spawn_cap caps[] = {
        {"parent", ep, L4_CAP_ENDPOINT, L4_CAP_RIGHTS_WRITE | L4_CAP_RIGHTS_GRANT_REPLY},
        {L4_SI_CAP_DEBUG_CONSOLE, L4_ROOT_SLOT_DEBUG_CONSOLE, L4_CAP_DEBUG_CONSOLE,
         L4_CAP_RIGHTS_ALL},
    };
    struct l4_spawn_config cfg = base_config(caps, 2);
    struct l4_slot_alloc *slots = ut_untyped_alloc()->slots;
    l4_word_t nfree = slots->nfree;
    struct l4_spawn_status st;
    l4_error_t e = l4_spawn(&child, &cfg, &st);
    if (e != L4_NO_ERROR)
        ut_fail(__FILE__, __LINE__, "l4_spawn: %s at step %s", l4_error_name(e), st.step);
    UT_OK(e);
    UT_ASSERT(child.running);
    UT_EQ(ut_id(child.tcb.cap), L4_CAP_TCB);
    UT_EQ(ut_id(child.pml4.cap), L4_CAP_PML4);
    l4_word_t m[5] = {0};
    child_report(ep, r, m);
    UT_EQ(m[0], 3);
    UT_EQ(m[1], argv_checksum(3, child_argv));
    UT_EQ(m[2], L4_SPAWN_SLOT_FIRST_CAP + 2); /* free_first: after its two caps */
    UT_EQ(m[3], L4_SPAWN_STACK_TOP);          /* stack_top */
    UT_EQ(m[4], L4_SPAWN_SLOT_FIRST_CAP + 1); /* debug_console, second given */
    l4_cptr_t made[3] = {child.tcb.cap, child.cnode.cap, child.pml4.cap};
    UT_OK(l4_spawn_destroy(&child));
    for (unsigned i = 0; i < 3; i++)
        UT_EQ(ut_id(made[i]), L4_CAP_NULL);
    UT_EQ(child.vs.nframes, 0);
    UT_EQ(child.vs.ntables, 0);
    UT_OK(l4_vspace_destroy(&parent_vs));
    UT_EQ(slots->nfree, nfree); /* every slot the spawn used is back */
    UT_EQ(ut_id(L4_ROOT_SLOT_DEBUG_CONSOLE), L4_CAP_DEBUG_CONSOLE); /* ours, kept */
}

UTEST(spawn_no_console, "spawn: a child not given a DebugConsole has none; a badged fault "
                        "endpoint takes the first slot after its own")
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0), r = ut_new(L4_OBJECT_REPLY, 0);
    l4_cptr_t fault = ut_new(L4_OBJECT_ENDPOINT, 0);
    UT_ASSERT(ep && r && fault);
    const struct l4_spawn_cap caps[] = {
        {"parent", ep, L4_CAP_ENDPOINT, L4_CAP_RIGHTS_WRITE | L4_CAP_RIGHTS_GRANT_REPLY},
    };
    struct l4_spawn_config cfg = base_config(caps, 1);
    cfg.fault_ep = fault;
    cfg.fault_badge = 0x77;
    cfg.argc = 1;
    struct l4_spawn_status st;
    l4_error_t e = l4_spawn(&child, &cfg, &st);
    if (e != L4_NO_ERROR)
        ut_fail(__FILE__, __LINE__, "l4_spawn: %s at step %s", l4_error_name(e), st.step);
    UT_OK(e);
    l4_word_t m[5] = {0};
    child_report(ep, r, m);
    UT_EQ(m[0], 1);
    UT_EQ(m[1], argv_checksum(1, child_argv));
    UT_EQ(m[2], L4_SPAWN_SLOT_FIRST_CAP + 2); /* fault endpoint, parent */
    UT_EQ(m[4], L4_CPTR_NULL);                /* l4_rt_cap("debug_console") */
    UT_OK(l4_spawn_destroy(&child));
    UT_OK(l4_vspace_destroy(&parent_vs));
}

UTEST(spawn_fault, "spawn: the child's faults go to the fault endpoint given, with its badge: a "
                   "write to its read-only start-info page")
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0), r = ut_new(L4_OBJECT_REPLY, 0);
    l4_cptr_t fault = ut_new(L4_OBJECT_ENDPOINT, 0);
    UT_ASSERT(ep && r && fault);
    const struct l4_spawn_cap caps[] = {
        {"parent", ep, L4_CAP_ENDPOINT, L4_CAP_RIGHTS_WRITE | L4_CAP_RIGHTS_GRANT_REPLY},
    };
    static const char *const argv[] = {"child", "fault"};
    struct l4_spawn_config cfg = base_config(caps, 1);
    cfg.fault_ep = fault;
    cfg.fault_badge = 0x5a;
    cfg.argv = argv;
    cfg.argc = 2;
    struct l4_spawn_status st;
    UT_OK(l4_spawn(&child, &cfg, &st));
    l4_msginfo_t info;
    l4_word_t badge = 0;
    UT_OK(l4_recv(fault, r, &badge, &info));
    UT_EQ(badge, 0x5a);
    UT_EQ(l4_msginfo_get_label(info), L4_FAULT_LABEL_EXCEPTION);
    UT_EQ(l4_get_mr(L4_FAULT_EXCEPTION_MR_VECTOR), 14);
    UT_EQ(l4_get_mr(L4_FAULT_EXCEPTION_MR_ADDRESS), L4_SPAWN_INFO_VA);
    UT_OK(l4_spawn_destroy(&child)); /* while it waits for the answer */
    UT_OK(l4_vspace_destroy(&parent_vs));
}

UTEST(spawn_refused, "spawn: a non-ELF or truncated image, a bad radix and too small a frames "
                     "array are refused before anything is made")
{
    struct l4_spawn_config cfg = base_config(NULL, 0);
    struct l4_slot_alloc *slots = ut_untyped_alloc()->slots;
    l4_word_t nfree = slots->nfree, live = ut_untyped_alloc()->uts[0].live;
    static const char not_elf[128] = "#!/bin/sh\necho this is not an ELF image\n";
    struct l4_spawn_status st;
    cfg.image = not_elf;
    cfg.image_size = sizeof not_elf;
    UT_ERR(l4_spawn(&child, &cfg, &st), L4_INVALID_ARGUMENT);
    UT_EQ(st.elf_error, ELF_EMAGIC);
    cfg.image = spawn_child_image;
    cfg.image_size = 200; /* the program headers are cut off */
    UT_ERR(l4_spawn(&child, &cfg, &st), L4_INVALID_ARGUMENT);
    UT_ASSERT(st.elf_error != 0);
    cfg.image_size = spawn_child_image_size;
    cfg.cnode_radix = 2;
    UT_ERR(l4_spawn(&child, &cfg, &st), L4_INVALID_ARGUMENT);
    cfg.cnode_radix = 6;
    l4_spawn_init(&child, ut_untyped_alloc(), child_tables, 8, child_frames, 4);
    UT_ERR(l4_spawn(&child, &cfg, &st), L4_NOT_ENOUGH_MEMORY);
    UT_EQ(slots->nfree, nfree);
    UT_EQ(ut_untyped_alloc()->uts[0].live, live);
    UT_EQ(parent_vs.ntables, 0);
}

UTEST(spawn_undo, "spawn: a failure after the image is loaded (a capability name the start-info "
                  "page refuses) undoes every object and slot made")
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0);
    UT_ASSERT(ep);
    const struct l4_spawn_cap caps[] = {
        {"a_name_longer_than_23_bytes", ep, L4_CAP_ENDPOINT, L4_CAP_RIGHTS_WRITE},
    };
    struct l4_spawn_config cfg = base_config(caps, 1);
    struct l4_slot_alloc *slots = ut_untyped_alloc()->slots;
    l4_word_t first = l4_slot_alloc_high(slots), nfree = slots->nfree;
    l4_word_t live = ut_untyped_alloc()->uts[0].live;
    struct l4_spawn_status st;
    UT_ERR(l4_spawn(&child, &cfg, &st), L4_INVALID_ARGUMENT);
    UT_EQ(st.si_error, L4_SI_BAD_NAME);
    UT_ASSERT(st.step[0] == 's');         /* "start-info" */
    UT_OK(l4_vspace_destroy(&parent_vs)); /* the scratch page's tables */
    UT_EQ(slots->nfree, nfree);
    UT_EQ(ut_untyped_alloc()->uts[0].live, live);
    for (l4_word_t s = first; s < first + 64; s++)
        UT_EQ(ut_id(s), L4_CAP_NULL);
    UT_EQ(child.tcb.cap, 0);
    UT_EQ(child.pml4.cap, 0);
    UT_EQ(child.cnode.cap, 0);
    UT_EQ(child.vs.nframes, 0);
}

UTEST(spawn_no_memory, "spawn: an image too big for the untyped gives NotEnoughMemory and undoes "
                       "every object and slot made")
{
    /* an allocator of its own over 32 KiB: the PML4, CNode and TCB fit,
     * the image's pages do not */
    static struct l4_slot_alloc sa;
    static uint64_t bits[L4_SLOT_BITMAP_WORDS(64)];
    static struct l4_untyped uts[1];
    static struct l4_untyped_alloc ua;
    static const struct l4_cspace_dest dest = {.root = UT_CNODE, .cptr_depth = UT_DEPTH};
    l4_cptr_t small = ut_new(L4_OBJECT_UNTYPED, 15), first = ut_slots(64);
    UT_ASSERT(small && first);
    UT_OK(l4_slot_alloc_init(&sa, first, 64, bits, L4_SLOT_BITMAP_WORDS(64)));
    l4_untyped_alloc_init(&ua, uts, 1, &sa, &dest);
    UT_OK(l4_untyped_alloc_add(&ua, small, 15, 0, false));
    struct l4_spawn_config cfg = base_config(NULL, 0);
    l4_spawn_init(&child, &ua, child_tables, 8, child_frames, MAX_FRAMES);
    struct l4_spawn_status st;
    UT_ERR(l4_spawn(&child, &cfg, &st), L4_NOT_ENOUGH_MEMORY);
    UT_EQ(sa.nfree, 64);
    UT_EQ(uts[0].live, 0);
    for (unsigned i = 0; i < 64; i++)
        UT_EQ(ut_id(first + i), L4_CAP_NULL);
    UT_EQ(child.tcb.cap, 0);
    UT_EQ(child.vs.nframes, 0);
    UT_EQ(child.vs.ntables, 0);
    /* the same struct spawns again with enough memory: this child has no
     * "parent", so main returns at once and the runtime suspends it */
    l4_spawn_init(&child, ut_untyped_alloc(), child_tables, 8, child_frames, MAX_FRAMES);
    UT_OK(l4_spawn(&child, &cfg, &st));
    UT_OK(l4_spawn_destroy(&child));
    UT_OK(l4_vspace_destroy(&parent_vs));
}
