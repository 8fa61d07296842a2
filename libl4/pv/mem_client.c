/* SPDX-License-Identifier: MIT */
/*
 * Filling the memory server's batch pages (see <l4/pv/mem.h>): each call
 * appends one struct mem_batch_entry, result cleared, or refuses when the
 * pages are full. Pure logic.
 */
#include <l4/pv/mem.h>

void l4_pv_mem_batch_init(struct l4_pv_mem_batch *b, void *base)
{
    b->entries = base;
    b->count = 0;
    b->max = MEM_BATCH_ENTRY_MAX_ENTRIES;
}

static int put(struct l4_pv_mem_batch *b, uint32_t op, uint32_t space, uint64_t va, uint64_t pfn,
               uint32_t rights)
{
    if (b->count >= b->max)
        return -1;
    volatile struct mem_batch_entry *e = &b->entries[b->count++];
    e->op = op;
    e->space = space;
    e->vaddr = va;
    e->pfn = pfn;
    e->rights = rights;
    e->result = 0;
    return 0;
}

int l4_pv_mem_batch_map(struct l4_pv_mem_batch *b, uint32_t space, uint64_t va, uint64_t pfn,
                        uint32_t rights)
{
    return put(b, MEM_BATCH_ENTRY_OP_MAP, space, va, pfn, rights);
}

int l4_pv_mem_batch_unmap(struct l4_pv_mem_batch *b, uint32_t space, uint64_t va)
{
    return put(b, MEM_BATCH_ENTRY_OP_UNMAP, space, va, 0, 0);
}

int l4_pv_mem_batch_protect(struct l4_pv_mem_batch *b, uint32_t space, uint64_t va, uint32_t rights)
{
    return put(b, MEM_BATCH_ENTRY_OP_PROTECT, space, va, 0, rights);
}

int l4_pv_mem_batch_protect_range(struct l4_pv_mem_batch *b, uint32_t space, uint64_t va,
                                  uint64_t pages, uint32_t rights)
{
    return put(b, MEM_BATCH_ENTRY_OP_PROTECT_RANGE, space, va, pages, rights);
}

int l4_pv_mem_batch_unmap_range(struct l4_pv_mem_batch *b, uint32_t space, uint64_t va,
                                uint64_t pages)
{
    return put(b, MEM_BATCH_ENTRY_OP_UNMAP_RANGE, space, va, pages, 0);
}

uint32_t l4_pv_mem_batch_result(const struct l4_pv_mem_batch *b, unsigned i)
{
    return i < b->max ? b->entries[i].result : UINT32_MAX;
}
