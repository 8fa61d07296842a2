/* SPDX-License-Identifier: MIT */
/*
 * The memory server's admin messages: a compartment's life (servers/mem/).
 *
 * Interface: memsrv_compartment_create/_add_memory/_set_batch/_start/
 * _limit_pages/_destroy (mem.h), and the helpers guest.c shares:
 * memsrv_alloc() (objects from the quota) and the checks. A compartment
 * goes FREE -> CREATED (limits, guest PML4, untypeds, batch pages) ->
 * STARTED (pages made and mapped in the guest kernel's window) ->
 * DESTROYING (slots deleted MEM_DESTROY_STEP per call) -> FREE.
 *
 * Quota split (memsrv_split_quota, docs/servers/mem.md): reserve =
 * max(quota / 8, MEM_MIN_RESERVE) for page tables, spaces, threads and
 * objects; the rest in 4 KiB pseudo-physical pages. The compartment's slot
 * range (its pages, one per mapping, tables, objects) is paid from the
 * reserve at MEM_SLOT_BYTES each when it starts.
 */
#include <string.h>
#include "core.h"

void memsrv_init(struct mem_server *s, const struct mem_sys *sys, struct l4_slot_alloc *slots,
                 const struct l4_cspace_dest *dest, uint8_t mcp, l4_cptr_t inbox)
{
    memset(s, 0, sizeof *s);
    s->sys = sys;
    s->slots = slots;
    s->dest = *dest;
    s->mcp = mcp;
    s->inbox = inbox;
}

void memsrv_split_quota(uint64_t quota, uint64_t *reserve, uint32_t *pages, uint32_t *slots)
{
    uint64_t r = quota / 8 > MEM_MIN_RESERVE ? quota / 8 : MEM_MIN_RESERVE;
    *reserve = r;
    *pages = 0;
    *slots = 0;
    if (quota <= r)
        return;
    uint64_t p = (quota - r) >> 12;
    if (p > (1u << 24))
        p = 1u << 24;
    /* a slot per page, half as many again for extra mappings, and a few
     * for tables and objects */
    uint64_t sl = p + p / 2 + 64;
    if (r < sl * MEM_SLOT_BYTES + MEM_MIN_RESERVE_FREE)
        return;
    *pages = (uint32_t)p;
    *slots = (uint32_t)sl;
}

/* The compartment id names, in any state but FREE. */
static struct mem_comp *comp_of(struct mem_server *s, l4_word_t id, l4_word_t detail[])
{
    detail[0] = id;
    if (id >= L4_PLAT_MAX_COMPARTMENTS || s->comps[id].state == MEM_FREE)
        return NULL;
    return &s->comps[id];
}

struct mem_comp *memsrv_guest(struct mem_server *s, l4_word_t badge)
{
    if (!L4_PLAT_BADGE_IS_COMPARTMENT(badge))
        return NULL;
    struct mem_comp *c = &s->comps[L4_PLAT_COMPARTMENT_OF(badge)];
    return c->state == MEM_STARTED ? c : NULL;
}

mem_status_t memsrv_alloc(struct mem_server *s, struct mem_comp *c, l4_word_t type,
                          l4_word_t size_bits, l4_word_t n, bool charged, l4_cptr_t *first,
                          l4_word_t detail[])
{
    unsigned bits = l4_object_size_bits(type, size_bits);
    uint64_t bytes = (uint64_t)n << bits;
    if (charged && c->reserve_used + bytes > c->reserve)
        return memsrv_quota(detail, MEM_BATCH_ENTRY_QUOTA_MEMORY, c->reserve);
    if (c->slots.nfree < n)
        return memsrv_quota(detail, MEM_BATCH_ENTRY_QUOTA_SLOTS, c->slot_count);
    unsigned index;
    l4_word_t offset, slot;
    if (l4_untyped_alloc_pick(&c->ua, type, size_bits, n, 0, &index, &offset) != L4_NO_ERROR)
        return memsrv_quota(detail, MEM_BATCH_ENTRY_QUOTA_MEMORY, c->reserve);
    if (l4_slot_alloc_range(&c->slots, n, &slot) != L4_NO_ERROR)
        return memsrv_quota(detail, MEM_BATCH_ENTRY_QUOTA_SLOTS, c->slot_count);
    l4_error_t e = s->sys->retype(s->sys->ctx, c->uts[index].cap, type, size_bits, slot, n);
    if (e != L4_NO_ERROR) {
        l4_slot_free_range(&c->slots, slot, n);
        return e == L4_NOT_ENOUGH_MEMORY
                   ? memsrv_quota(detail, MEM_BATCH_ENTRY_QUOTA_MEMORY, c->reserve)
                   : e;
    }
    l4_untyped_alloc_commit(&c->ua, index, offset, bits, n);
    if (charged)
        c->reserve_used += bytes;
    *first = slot;
    return L4_NO_ERROR;
}

mem_status_t memsrv_compartment_create(struct mem_server *s, l4_word_t id, l4_word_t max_spaces,
                                       l4_word_t max_threads, l4_word_t max_priority,
                                       l4_cptr_t recv, l4_word_t *inbox, l4_word_t detail[])
{
    const struct mem_sys *y = s->sys;
    mem_status_t st = L4_NO_ERROR;
    l4_word_t slot = 0;
    if (id >= L4_PLAT_MAX_COMPARTMENTS)
        st = memsrv_range(detail, MEM_ARG_COMPARTMENT_CREATE_ID, L4_PLAT_MAX_COMPARTMENTS - 1);
    else if (max_spaces < 1 || max_spaces > MEM_MAX_SPACES)
        st = memsrv_range(detail, MEM_ARG_COMPARTMENT_CREATE_MAX_SPACES, MEM_MAX_SPACES);
    else if (max_threads > MEM_MAX_THREADS)
        st = memsrv_range(detail, MEM_ARG_COMPARTMENT_CREATE_MAX_THREADS, MEM_MAX_THREADS);
    else if (max_priority > s->mcp)
        st = memsrv_range(detail, MEM_ARG_COMPARTMENT_CREATE_MAX_PRIORITY, s->mcp);
    else if (s->comps[id].state != MEM_FREE) {
        detail[0] = s->comps[id].state;
        st = MEM_ERROR_BAD_STATE;
    } else if (!y->is_type(y->ctx, recv, L4_CAP_PML4)) {
        detail[0] = MEM_ARG_COMPARTMENT_CREATE_GUEST_PML4;
        st = L4_INVALID_CAPABILITY;
    } else if (l4_slot_alloc(s->slots, &slot) != L4_NO_ERROR)
        st = L4_NOT_ENOUGH_MEMORY;
    else if (y->move(y->ctx, slot, recv) != L4_NO_ERROR) {
        l4_slot_free(s->slots, slot);
        st = L4_NOT_ENOUGH_MEMORY;
    }
    if (st != L4_NO_ERROR) {
        y->destroy(y->ctx, recv); /* the receive slot must be empty for the next message */
        return st;
    }
    struct mem_comp *c = &s->comps[id];
    memset(c, 0, sizeof *c);
    c->state = MEM_CREATED;
    c->id = (unsigned)id;
    c->max_spaces = (uint32_t)max_spaces;
    c->max_threads = (uint32_t)max_threads;
    c->max_priority = (uint8_t)max_priority;
    c->guest_pml4 = slot;
    l4_untyped_alloc_init(&c->ua, c->uts, MEM_MAX_UNTYPEDS, &c->slots, &s->dest);
    *inbox = s->inbox;
    return L4_NO_ERROR;
}

mem_status_t memsrv_compartment_add_memory(struct mem_server *s, l4_word_t id, l4_word_t bits,
                                           l4_word_t detail[])
{
    const struct mem_sys *y = s->sys;
    struct mem_comp *c = comp_of(s, id, detail);
    mem_status_t st = L4_NO_ERROR;
    l4_word_t slot = 0;
    if (!c)
        st = MEM_ERROR_NO_COMPARTMENT;
    else if (c->state != MEM_CREATED) {
        detail[0] = c->state;
        st = MEM_ERROR_BAD_STATE;
    } else if (bits < 12 || bits > 32)
        st = memsrv_range(detail, MEM_ARG_COMPARTMENT_ADD_MEMORY_SIZE_BITS, 32);
    else if (c->nuts >= MEM_MAX_UNTYPEDS)
        st = memsrv_quota(detail, MEM_BATCH_ENTRY_QUOTA_UNTYPEDS, MEM_MAX_UNTYPEDS);
    else if (!y->is_type(y->ctx, s->inbox, L4_CAP_UNTYPED) ||
             y->untyped_probe(y->ctx, s->inbox, (unsigned)bits) != L4_NO_ERROR) {
        detail[0] = 0;
        st = L4_INVALID_CAPABILITY;
    } else if (l4_slot_alloc(s->slots, &slot) != L4_NO_ERROR)
        st = L4_NOT_ENOUGH_MEMORY;
    else if (y->move(y->ctx, slot, s->inbox) != L4_NO_ERROR) {
        l4_slot_free(s->slots, slot);
        st = L4_NOT_ENOUGH_MEMORY;
    }
    if (st != L4_NO_ERROR) {
        y->destroy(y->ctx, s->inbox); /* empty for the next one (no effect if empty) */
        return st;
    }
    c->ut_caps[c->nuts] = slot;
    /* the physical address is not known here; the placement only needs the
     * untyped's alignment to its size, which the kernel guarantees */
    l4_untyped_alloc_add(&c->ua, slot, (unsigned)bits, 0, false);
    c->nuts++;
    c->quota += UINT64_C(1) << bits;
    return L4_NO_ERROR;
}

mem_status_t memsrv_compartment_set_batch(struct mem_server *s, l4_word_t id, l4_word_t index,
                                          l4_cptr_t recv, l4_word_t detail[])
{
    const struct mem_sys *y = s->sys;
    struct mem_comp *c = comp_of(s, id, detail);
    mem_status_t st = L4_NO_ERROR;
    l4_word_t slot = 0;
    if (!c)
        st = MEM_ERROR_NO_COMPARTMENT;
    else if (index >= L4_PLAT_MEM_BATCH_PAGES)
        st = memsrv_range(detail, MEM_ARG_COMPARTMENT_SET_BATCH_INDEX, L4_PLAT_MEM_BATCH_PAGES - 1);
    else if (c->batch_caps[index] || c->state == MEM_DESTROYING) {
        detail[0] = c->state;
        st = MEM_ERROR_BAD_STATE;
    } else if (!y->is_type(y->ctx, recv, L4_CAP_FRAME_4K) || !y->frame_writable(y->ctx, recv)) {
        detail[0] = MEM_ARG_COMPARTMENT_SET_BATCH_FRAME;
        st = L4_INVALID_CAPABILITY;
    } else if (l4_slot_alloc(s->slots, &slot) != L4_NO_ERROR)
        st = L4_NOT_ENOUGH_MEMORY;
    else if (y->move(y->ctx, slot, recv) != L4_NO_ERROR) {
        l4_slot_free(s->slots, slot);
        st = L4_NOT_ENOUGH_MEMORY;
    }
    if (st != L4_NO_ERROR) {
        y->destroy(y->ctx, recv);
        return st;
    }
    c->batch_caps[index] = slot;
    for (unsigned i = 0; i < L4_PLAT_MEM_BATCH_PAGES; i++)
        if (!c->batch_caps[i])
            return L4_NO_ERROR;
    /* all pages given: map them in the server (checked above: writable
     * Frame4Ks; a failure here is the server's own memory running out) */
    c->batch = y->batch_map(y->ctx, c->id, c->batch_caps);
    if (!c->batch) {
        y->destroy(y->ctx, slot);
        l4_slot_free(s->slots, slot);
        c->batch_caps[index] = 0;
        return L4_NOT_ENOUGH_MEMORY;
    }
    return L4_NO_ERROR;
}

/* Delete everything made from the quota and forget the per-start state:
 * what a failed Start undoes, unbounded (nothing was handed out yet). */
static void unstart(struct mem_server *s, struct mem_comp *c)
{
    const struct mem_sys *y = s->sys;
    for (l4_word_t i = 0; i < c->slot_count; i++)
        if (l4_slot_in_use(&c->slots, c->slot_first + i))
            y->destroy(y->ctx, c->slot_first + i);
    if (c->slot_count)
        l4_slot_free_range(s->slots, c->slot_first, c->slot_count);
    for (unsigned i = 0; i < c->nuts; i++)
        c->uts[i].watermark = c->uts[i].live = 0;
    y->free(y->ctx, c->slot_bits);
    y->free(y->ctx, c->pages);
    y->free(y->ctx, c->map);
    y->free(y->ctx, c->spaces);
    y->free(y->ctx, c->handles);
    c->slot_bits = NULL;
    c->pages = NULL;
    c->map = NULL;
    c->spaces = NULL;
    c->handles = NULL;
    c->slot_first = c->slot_count = 0;
    c->phys_pages = 0;
    c->map_cap = c->map_count = 0;
    c->reserve = c->reserve_used = 0;
    memset(c->npool, 0, sizeof c->npool);
}

mem_status_t memsrv_compartment_start(struct mem_server *s, l4_word_t id, l4_word_t *pages_out,
                                      l4_word_t detail[])
{
    const struct mem_sys *y = s->sys;
    struct mem_comp *c = comp_of(s, id, detail);
    if (!c)
        return MEM_ERROR_NO_COMPARTMENT;
    if (c->state != MEM_CREATED) {
        detail[0] = c->state;
        return MEM_ERROR_BAD_STATE;
    }
    uint64_t reserve;
    uint32_t pages, nslots;
    memsrv_split_quota(c->quota, &reserve, &pages, &nslots);
    if (!pages)
        return memsrv_quota(detail, MEM_BATCH_ENTRY_QUOTA_MEMORY, c->quota);
    uint32_t nhandles = c->max_threads + MEM_MAX_OBJECTS;
    c->map_cap = memsrv_map_capacity_for(nslots);
    c->slot_bits = y->alloc(y->ctx, L4_SLOT_BITMAP_WORDS(nslots) * sizeof(uint64_t));
    c->pages = y->alloc(y->ctx, pages * sizeof(struct mem_page));
    c->map = y->alloc(y->ctx, c->map_cap * sizeof(struct mem_map));
    c->spaces = y->alloc(y->ctx, c->max_spaces * sizeof(struct mem_space));
    c->handles = y->alloc(y->ctx, nhandles * sizeof(struct mem_handle));
    l4_word_t first;
    if (!c->slot_bits || !c->pages || !c->map || !c->spaces || !c->handles ||
        l4_slot_alloc_range(s->slots, nslots, &first) != L4_NO_ERROR) {
        unstart(s, c);
        return L4_NOT_ENOUGH_MEMORY;
    }
    c->slot_first = first;
    c->slot_count = nslots;
    l4_slot_alloc_init(&c->slots, first, nslots, c->slot_bits, L4_SLOT_BITMAP_WORDS(nslots));
    c->nhandles = nhandles;
    c->reserve = reserve;
    c->reserve_used = (uint64_t)nslots * MEM_SLOT_BYTES;
    c->phys_pages = pages;

    /* the pages, 256 per Retype, then each mapped in the window */
    mem_status_t st = L4_NO_ERROR;
    for (uint32_t done = 0; done < pages && st == L4_NO_ERROR;) {
        l4_word_t n = pages - done > 256 ? 256 : pages - done, slot;
        st = memsrv_alloc(s, c, L4_OBJECT_FRAME_4K, 0, n, false, &slot, detail);
        for (l4_word_t i = 0; st == L4_NO_ERROR && i < n; i++)
            c->pages[done + i] =
                (struct mem_page){.cap = slot + i, .max_rights = MEM_BATCH_ENTRY_RIGHTS_ALL};
        done += (uint32_t)n;
    }
    for (uint32_t p = 0; p < pages && st == L4_NO_ERROR; p++) {
        l4_word_t va = L4_PLAT_PHYS_BASE + ((l4_word_t)p << 12);
        st = memsrv_tables(s, c, MEM_SPACE_WINDOW, c->guest_pml4, va, detail);
        if (st == L4_NO_ERROR)
            st = y->frame_map(y->ctx, c->pages[p].cap, c->guest_pml4, va,
                              L4_VM_RIGHTS_READ | L4_VM_RIGHTS_WRITE);
    }
    if (st != L4_NO_ERROR) {
        unstart(s, c);
        if (st == L4_INVALID_CAPABILITY)
            detail[0] = 0;
        return st;
    }
    c->state = MEM_STARTED;
    *pages_out = pages;
    return L4_NO_ERROR;
}

mem_status_t memsrv_compartment_limit_pages(struct mem_server *s, l4_word_t id, l4_word_t first,
                                            l4_word_t count, l4_word_t rights, l4_word_t detail[])
{
    const struct mem_sys *y = s->sys;
    struct mem_comp *c = comp_of(s, id, detail);
    if (!c)
        return MEM_ERROR_NO_COMPARTMENT;
    if (c->state != MEM_STARTED) {
        detail[0] = c->state;
        return MEM_ERROR_BAD_STATE;
    }
    if (first >= c->phys_pages || count > c->phys_pages - first || !count) {
        detail[0] = first;
        detail[1] = c->phys_pages;
        return MEM_ERROR_BAD_PFN;
    }
    mem_status_t st = memsrv_check_rights(rights, MEM_BATCH_ENTRY_RIGHTS_ALL, detail);
    if (st != L4_NO_ERROR)
        return st;
    for (l4_word_t p = first; p < first + count; p++) {
        c->pages[p].max_rights = (uint8_t)(c->pages[p].max_rights & rights);
        /* the window: read-write at most */
        y->frame_remap(y->ctx, c->pages[p].cap,
                       c->pages[p].max_rights & (L4_VM_RIGHTS_READ | L4_VM_RIGHTS_WRITE));
    }
    /* mappings already made with more: reduced now */
    for (uint32_t i = 0; i < c->map_cap; i++) {
        struct mem_map *e = &c->map[i];
        if (!e->key || memsrv_key_level(e->key) != 0 || e->pfn < first || e->pfn >= first + count)
            continue;
        uint8_t r = (uint8_t)(e->rights & c->pages[e->pfn].max_rights);
        if (r != e->rights) {
            y->frame_remap(y->ctx, e->cap, r);
            e->rights = r;
        }
    }
    return L4_NO_ERROR;
}

/* Delete one admin slot of the server's allocator, if set. */
static void drop_admin(struct mem_server *s, l4_cptr_t *slot)
{
    if (!*slot)
        return;
    s->sys->destroy(s->sys->ctx, *slot);
    l4_slot_free(s->slots, *slot);
    *slot = 0;
}

mem_status_t memsrv_compartment_destroy(struct mem_server *s, l4_word_t id, l4_word_t *done,
                                        l4_word_t *reclaimed, l4_word_t detail[])
{
    const struct mem_sys *y = s->sys;
    struct mem_comp *c = comp_of(s, id, detail);
    if (!c)
        return MEM_ERROR_NO_COMPARTMENT;
    if (c->state != MEM_DESTROYING) {
        /* from now on the guest's calls fail (NoCompartment) */
        c->state = MEM_DESTROYING;
        c->destroy_cursor = 0;
        if (c->batch)
            y->batch_unmap(y->ctx, c->id);
        c->batch = NULL;
    }
    l4_word_t n = 0;
    for (; c->destroy_cursor < c->slot_count && n < MEM_DESTROY_STEP; c->destroy_cursor++) {
        l4_word_t slot = c->slot_first + c->destroy_cursor;
        if (!l4_slot_in_use(&c->slots, slot))
            continue;
        y->destroy(y->ctx, slot); /* revokes the copies the guest holds too */
        l4_slot_free(&c->slots, slot);
        n++;
    }
    *reclaimed = n;
    *done = 0;
    if (c->destroy_cursor < c->slot_count)
        return L4_NO_ERROR;
    /* every object from the quota is gone: the admin slots (at most
     * 1 + MEM_MAX_UNTYPEDS + batch pages, a bounded last step) */
    unstart(s, c);
    drop_admin(s, &c->guest_pml4);
    for (unsigned i = 0; i < c->nuts; i++)
        drop_admin(s, &c->ut_caps[i]);
    for (unsigned i = 0; i < L4_PLAT_MEM_BATCH_PAGES; i++)
        drop_admin(s, &c->batch_caps[i]);
    memset(c, 0, sizeof *c);
    *done = 1;
    return L4_NO_ERROR;
}
