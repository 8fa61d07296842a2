/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the memory server's core files (compartment.c,
 * guest.c, maptable.c); the interface is mem.h.
 */
#ifndef MEM_CORE_H
#define MEM_CORE_H

#include "mem.h"

/* Set a QuotaExhausted error's detail (what, limit) and return it. */
static inline mem_status_t memsrv_quota(l4_word_t detail[], l4_word_t what, l4_word_t limit)
{
    detail[0] = what;
    detail[1] = limit;
    return MEM_ERROR_QUOTA_EXHAUSTED;
}

/* A RangeError: detail (the argument's position, its maximum). */
static inline mem_status_t memsrv_range(l4_word_t detail[], l4_word_t arg, l4_word_t max)
{
    detail[0] = arg;
    detail[1] = max;
    return L4_RANGE_ERROR;
}

static inline unsigned memsrv_key_level(uint64_t key)
{
    return (unsigned)(key >> 56) & 3;
}

static inline unsigned memsrv_key_space(uint64_t key)
{
    return (unsigned)(key >> 40) & 0xff;
}

/* n objects from c's quota into consecutive slots of its range (*first);
 * charged: paid from the reserve. QuotaExhausted when it cannot pay. */
mem_status_t memsrv_alloc(struct mem_server *s, struct mem_comp *c, l4_word_t type,
                          l4_word_t size_bits, l4_word_t n, bool charged, l4_cptr_t *first,
                          l4_word_t detail[]);

/* Make (or take from the pool) the PDPT, PD and PT that va of space needs
 * in pml4, after checking that the quota can pay for all of them. */
mem_status_t memsrv_tables(struct mem_server *s, struct mem_comp *c, unsigned space, l4_cptr_t pml4,
                           l4_word_t va, l4_word_t detail[]);

#endif
