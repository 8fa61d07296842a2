/* SPDX-License-Identifier: MIT */
/*
 * The memory server's QEMU harness (tests/servers/mem/): a root task that
 * starts servers/mem exactly as docs/servers/README.md says and plays the
 * root task (admin badge) and two compartments (two badged capabilities).
 *
 * Interface: mh_start() spawns the server for the running test (every
 * test starts its own, from the test's untyped, so each begins clean;
 * the runner is built with 32 MiB per test, UT_UNTYPED_BITS 25):
 * capabilities "ep", "untyped" (moved: the kernel never copies one) and
 * "debug_console" for its output. mh.root, mh.guest[0], mh.guest[1] are
 * the badged endpoint capabilities (L4_PLAT_BADGE_ROOT and
 * L4_PLAT_BADGE_COMPARTMENT(0/1)). mh_compartment() runs the admin
 * sequence: CompartmentCreate (guest PML4: compartment 0 gets the
 * harness's own VSpace, so the harness reads and writes its pages through
 * the window at L4_PLAT_PHYS_BASE as its guest kernel would; compartment 1
 * a fresh PML4), CompartmentAddMemory (an untyped retyped from a parent
 * the harness keeps, moved into the server's inbox), CompartmentSetBatch
 * (four frames; compartment 0's also mapped at L4_PLAT_MEM_BATCH_VA in the
 * harness) and CompartmentStart. mh_destroy() calls CompartmentDestroy
 * until done and returns the number of calls.
 */
#ifndef MEM_HARNESS_H
#define MEM_HARNESS_H

#include <l4/platform.h>
#include <l4/proto/mem_client_gen.h>
#include "utest.h"

struct mh_comp {
    l4_cptr_t parent; /* the untyped the compartment's memory is retyped from */
    l4_cptr_t memory; /* that child (moved to the server) */
    unsigned bits;
    l4_word_t pages; /* phys_pages */
    l4_word_t inbox;
    l4_cptr_t batch[L4_PLAT_MEM_BATCH_PAGES];
};

struct mh {
    l4_cptr_t ep, root, guest[2], server_only;
    l4_cptr_t server_cnode; /* the server's CNode, as its starter holds it */
    unsigned server_radix;
    struct mh_comp comp[2];
};

extern struct mh mh;

/* Start the server (a 64 KiB untyped, 1024 slots); 0 (test failed) on
 * error. mh_start_sized(): with an untyped of 2^untyped_bits and a CNode
 * of 2^cnode_radix slots. */
int mh_start(void);
int mh_start_sized(unsigned untyped_bits, unsigned cnode_radix);
/* The admin sequence for compartment id (0 or 1) with 2^bits bytes of
 * quota; 0 (test failed) on error. */
int mh_compartment(unsigned id, unsigned bits, l4_word_t max_spaces, l4_word_t max_threads,
                   l4_word_t max_priority);
/* Move a fresh untyped of 2^bits from parent into the server's inbox. */
l4_error_t mh_to_inbox(l4_cptr_t untyped, l4_word_t inbox);
/* CompartmentDestroy until done: the number of calls, 0 on error; each
 * call's reclaimed count must stay within the server's step. */
unsigned mh_destroy(unsigned id);

/* The batch entries of compartment 0, as its guest kernel sees them. */
#define MH_BATCH ((volatile struct mem_batch_entry *)L4_PLAT_MEM_BATCH_VA)
/* Pseudo-physical page pfn of compartment 0, through the window. */
#define MH_PAGE(pfn) ((volatile uint64_t *)(L4_PLAT_PHYS_BASE + (uint64_t)(pfn)*4096))

#define MH_R  MEM_BATCH_ENTRY_RIGHT_READ
#define MH_W  MEM_BATCH_ENTRY_RIGHT_WRITE
#define MH_X  MEM_BATCH_ENTRY_RIGHT_EXEC
#define MH_RW (MH_R | MH_W)
#define MH_RX (MH_R | MH_X)

#endif
