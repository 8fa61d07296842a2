/* SPDX-License-Identifier: MIT */
/*
 * The memory server's kernel calls (sys.c): the struct mem_sys the core
 * uses, over the server's own CNode, TCB and VSpace.
 */
#ifndef MEM_SYS_H
#define MEM_SYS_H

#include <l4/vspace.h>
#include "mem.h"

/* Where the server maps the compartments' batch pages (one page table). */
#define MEMSYS_BATCH_BASE UINT64_C(0x0000500000000000)

struct memsys {
    l4_cptr_t cnode;       /* the server's own CNode (cptr = slot, depth 64) */
    l4_cptr_t tcb;         /* the server's own TCB: the authority for priorities */
    l4_cptr_t scratch;     /* an empty slot for probes */
    l4_cptr_t scratch_tcb; /* a thread that never runs: ReadFPU checks frames */
    struct l4_vspace *vs;
};

/* The table to copy, with ctx set to a struct memsys. */
extern const struct mem_sys memsys_ops_template;

/* Whether ut is an untyped of at least 2^bits bytes with nothing made from it. */
l4_error_t memsys_untyped_probe(struct memsys *ms, l4_cptr_t ut, unsigned bits);

#endif
