/* SPDX-License-Identifier: MIT */
/*
 * The guest kernel's side of the memory server's batch (the PV memory ABI,
 * docs/servers/mem.md, "The batch").
 *
 * Interface: struct l4_pv_mem_batch fills the shared batch pages (start-info
 * page "mem_batch", L4_PLAT_MEM_BATCH_VA) one entry at a time:
 * l4_pv_mem_batch_map(), _unmap(), _protect(), _protect_range(),
 * _unmap_range() append an entry and return 0, or -1 when the pages are
 * full (flush first); l4_pv_mem_batch_flush() sends Batch(count) on the
 * memory server's capability and starts over. After a flush each entry's
 * result is in the pages (0 or the status the single message would have
 * given): l4_pv_mem_batch_result(b, i). The appending is pure logic
 * (libl4/pv/mem_client.c, host-tested in tests/unit/test_mem_core.c); the
 * flush is one IPC through the generated stub.
 */
#ifndef L4_PV_MEM_H
#define L4_PV_MEM_H

#include <stdint.h>
#include <l4/platform.h>
#include <l4/proto/mem_gen.h>

struct l4_pv_mem_batch {
    volatile struct mem_batch_entry *entries; /* the shared pages */
    unsigned count;                           /* entries filled since the last flush */
    unsigned max;                             /* MEM_BATCH_ENTRY_MAX_ENTRIES */
};

/* Use the batch pages at base (the guest kernel's mapping of "mem_batch"). */
void l4_pv_mem_batch_init(struct l4_pv_mem_batch *b, void *base);
int l4_pv_mem_batch_map(struct l4_pv_mem_batch *b, uint32_t space, uint64_t va, uint64_t pfn,
                        uint32_t rights);
int l4_pv_mem_batch_unmap(struct l4_pv_mem_batch *b, uint32_t space, uint64_t va);
int l4_pv_mem_batch_protect(struct l4_pv_mem_batch *b, uint32_t space, uint64_t va,
                            uint32_t rights);
/* Every mapped page of [va, va + pages * 4096): new rights, or unmapped. */
int l4_pv_mem_batch_protect_range(struct l4_pv_mem_batch *b, uint32_t space, uint64_t va,
                                  uint64_t pages, uint32_t rights);
int l4_pv_mem_batch_unmap_range(struct l4_pv_mem_batch *b, uint32_t space, uint64_t va,
                                uint64_t pages);
/* Entry i's result after a flush. */
uint32_t l4_pv_mem_batch_result(const struct l4_pv_mem_batch *b, unsigned i);

#ifdef L4_PV_MEM_CLIENT
#include <l4/proto/mem_client_gen.h>
/* Send the filled entries (Batch) on the server capability mem and start
 * over: the status of Batch, with the failures' count and first index. */
static inline mem_status_t l4_pv_mem_batch_flush(struct l4_pv_mem_batch *b, l4_cptr_t mem,
                                                 l4_word_t *failed, l4_word_t *first_failed)
{
    mem_status_t st = mem_batch(mem, b->count, failed, first_failed);
    b->count = 0;
    return st;
}
#endif

#endif
