/* SPDX-License-Identifier: MIT */
/*
 * The memory server's guest messages: spaces, mappings, the batch,
 * threads and objects of a started compartment (servers/mem/).
 *
 * Interface: memsrv_space_*, memsrv_map/_unmap/_protect/_query,
 * memsrv_batch, memsrv_thread_*, memsrv_object_* (mem.h). Each checks
 * every argument against the caller's own compartment (its spaces, its
 * pages, its quota) before it makes anything: a refused request has no
 * effect. Page tables are made on demand and kept (in the map table) until
 * their space goes; freed tables, spaces, thread kits and objects are kept
 * for reuse, since memory retyped from an untyped comes back only when
 * everything made from it is gone.
 */
#include "core.h"

static const l4_word_t table_shift[4] = {12, 21, 30, 39};
static const l4_word_t table_type[4] = {L4_OBJECT_FRAME_4K, L4_OBJECT_PT, L4_OBJECT_PD,
                                        L4_OBJECT_PDPT};

mem_status_t memsrv_check_vaddr(l4_word_t va, l4_word_t detail[])
{
    /* canonical user half, below the top page (L4_USER_TOP), page-aligned */
    if (va & 0xfff || va >= L4_USER_TOP) {
        detail[0] = va;
        return MEM_ERROR_BAD_ADDRESS;
    }
    return L4_NO_ERROR;
}

mem_status_t memsrv_check_rights(l4_word_t rights, l4_word_t allowed, l4_word_t detail[])
{
    if (rights & ~(l4_word_t)MEM_BATCH_ENTRY_RIGHTS_ALL || !(rights & MEM_BATCH_ENTRY_RIGHT_READ) ||
        (rights & ~allowed)) {
        detail[0] = rights;
        detail[1] = allowed;
        return MEM_ERROR_BAD_RIGHTS;
    }
    return L4_NO_ERROR;
}

static mem_status_t check_space(const struct mem_comp *c, l4_word_t space, l4_word_t detail[])
{
    if (space >= c->max_spaces || !c->spaces[space].used) {
        detail[0] = space;
        return MEM_ERROR_BAD_SPACE;
    }
    return L4_NO_ERROR;
}

static l4_word_t table_base(l4_word_t va, unsigned level)
{
    return va & ~((UINT64_C(1) << table_shift[level]) - 1);
}

mem_status_t memsrv_tables(struct mem_server *s, struct mem_comp *c, unsigned space, l4_cptr_t pml4,
                           l4_word_t va, l4_word_t detail[])
{
    const struct mem_sys *y = s->sys;
    /* what is missing, and can the quota pay for all of it? */
    unsigned missing = 0, fresh = 0, need = 0;
    for (unsigned lv = 3; lv >= 1; lv--)
        if (!memsrv_map_find(c, memsrv_map_key(lv, space, table_base(va, lv)))) {
            missing |= 1u << lv;
            fresh += c->npool[lv] == 0;
            need++;
        }
    if (!missing)
        return L4_NO_ERROR;
    /* leave room for the frame mapping that follows */
    if (2 * (c->map_count + need + 1) > c->map_cap)
        return memsrv_quota(detail, MEM_BATCH_ENTRY_QUOTA_MAPPINGS, c->map_cap / 2);
    if (c->reserve_used + ((uint64_t)fresh << 12) > c->reserve)
        return memsrv_quota(detail, MEM_BATCH_ENTRY_QUOTA_MEMORY, c->reserve);
    if (c->slots.nfree < fresh + 1)
        return memsrv_quota(detail, MEM_BATCH_ENTRY_QUOTA_SLOTS, c->slot_count);
    for (unsigned lv = 3; lv >= 1; lv--) {
        if (!(missing & (1u << lv)))
            continue;
        l4_cptr_t t;
        mem_status_t st = L4_NO_ERROR;
        if (c->npool[lv])
            t = c->pool[lv][--c->npool[lv]];
        else
            st = memsrv_alloc(s, c, table_type[lv], 0, 1, true, &t, detail);
        if (st != L4_NO_ERROR)
            return st;
        l4_error_t e = y->table_map(y->ctx, t, pml4, va);
        if (e == L4_DELETE_FIRST) {
            /* a table we did not make is there already (the guest
             * kernel's own): use it, keep ours */
            c->pool[lv][c->npool[lv]++] = t;
            continue;
        }
        if (e != L4_NO_ERROR) {
            c->pool[lv][c->npool[lv]++] = t;
            return e;
        }
        struct mem_map *m = memsrv_map_insert(c, memsrv_map_key(lv, space, table_base(va, lv)));
        m->cap = t;
    }
    return L4_NO_ERROR;
}

/* --- Spaces --------------------------------------------------------------- */

mem_status_t memsrv_space_create(struct mem_server *s, struct mem_comp *c, l4_word_t *space,
                                 l4_word_t detail[])
{
    if (c->spaces_used >= c->max_spaces)
        return memsrv_quota(detail, MEM_BATCH_ENTRY_QUOTA_SPACES, c->max_spaces);
    /* a free handle, one that kept its PML4 first */
    int pick = -1;
    for (uint32_t i = 0; i < c->max_spaces; i++)
        if (!c->spaces[i].used && (pick < 0 || (c->spaces[i].pml4 && !c->spaces[pick].pml4)))
            pick = (int)i;
    struct mem_space *sp = &c->spaces[pick];
    if (!sp->pml4) {
        l4_cptr_t t;
        mem_status_t st = memsrv_alloc(s, c, L4_OBJECT_PML4, 0, 1, true, &t, detail);
        if (st != L4_NO_ERROR)
            return st;
        sp->pml4 = t;
    }
    sp->used = true;
    sp->threads = 0;
    c->spaces_used++;
    *space = (l4_word_t)pick;
    return L4_NO_ERROR;
}

static void thread_kill(struct mem_server *s, struct mem_comp *c, struct mem_handle *h);

mem_status_t memsrv_space_destroy(struct mem_server *s, struct mem_comp *c, l4_word_t space,
                                  l4_word_t detail[])
{
    const struct mem_sys *y = s->sys;
    mem_status_t st = check_space(c, space, detail);
    if (st != L4_NO_ERROR)
        return st;
    for (uint32_t i = 0; i < c->nhandles; i++)
        if (c->handles[i].kind == MEM_HANDLE_THREAD && c->handles[i].live &&
            c->handles[i].space == space)
            thread_kill(s, c, &c->handles[i]);
    /* frames first, then the tables: its own entries, by its list */
    for (unsigned pass = 0; pass < 2; pass++)
        for (uint64_t k = c->spaces[space].head; k;) {
            struct mem_map *e = memsrv_map_find(c, k);
            if (!e)
                break; /* cannot happen: the list names entries that exist */
            k = e->next;
            unsigned lv = memsrv_key_level(e->key);
            if ((pass == 0) != (lv == 0))
                continue;
            if (lv == 0) {
                y->frame_unmap(y->ctx, e->cap);
                y->destroy(y->ctx, e->cap);
                l4_slot_free(&c->slots, e->cap);
                c->pages[e->pfn].maps--;
            } else {
                y->table_unmap(y->ctx, e->cap);
                if (c->npool[lv] < MEM_POOL)
                    c->pool[lv][c->npool[lv]++] = e->cap;
                else {
                    y->destroy(y->ctx, e->cap);
                    l4_slot_free(&c->slots, e->cap);
                }
            }
            memsrv_map_remove(c, e);
        }
    c->spaces[space].used = false;
    c->spaces_used--;
    return L4_NO_ERROR;
}

/* --- Mappings -------------------------------------------------------------- */

mem_status_t memsrv_map(struct mem_server *s, struct mem_comp *c, l4_word_t space, l4_word_t va,
                        l4_word_t pfn, l4_word_t rights, l4_word_t detail[])
{
    const struct mem_sys *y = s->sys;
    mem_status_t st = check_space(c, space, detail);
    if (st == L4_NO_ERROR)
        st = memsrv_check_vaddr(va, detail);
    if (st != L4_NO_ERROR)
        return st;
    if (pfn >= c->phys_pages) {
        detail[0] = pfn;
        detail[1] = c->phys_pages;
        return MEM_ERROR_BAD_PFN;
    }
    st = memsrv_check_rights(rights, c->pages[pfn].max_rights, detail);
    if (st != L4_NO_ERROR)
        return st;
    uint64_t key = memsrv_map_key(0, (unsigned)space, va);
    if (memsrv_map_find(c, key)) {
        detail[0] = va;
        return MEM_ERROR_OCCUPIED;
    }
    if (2 * (c->map_count + 1) > c->map_cap)
        return memsrv_quota(detail, MEM_BATCH_ENTRY_QUOTA_MAPPINGS, c->map_cap / 2);
    if (!c->slots.nfree)
        return memsrv_quota(detail, MEM_BATCH_ENTRY_QUOTA_SLOTS, c->slot_count);
    /* tables: checked as a whole before any is made */
    st = memsrv_tables(s, c, (unsigned)space, c->spaces[space].pml4, va, detail);
    if (st != L4_NO_ERROR)
        return st;
    l4_word_t slot;
    if (l4_slot_alloc(&c->slots, &slot) != L4_NO_ERROR)
        return memsrv_quota(detail, MEM_BATCH_ENTRY_QUOTA_SLOTS, c->slot_count);
    /* each frame capability holds one mapping: a copy per mapping */
    l4_error_t e = y->copy(y->ctx, slot, c->pages[pfn].cap, L4_CAP_RIGHTS_ALL);
    if (e == L4_NO_ERROR)
        e = y->frame_map(y->ctx, slot, c->spaces[space].pml4, va, rights);
    if (e != L4_NO_ERROR) {
        y->destroy(y->ctx, slot);
        l4_slot_free(&c->slots, slot);
        return e;
    }
    struct mem_map *m = memsrv_map_insert(c, key);
    m->cap = slot;
    m->pfn = (uint32_t)pfn;
    m->rights = (uint8_t)rights;
    c->pages[pfn].maps++;
    return L4_NO_ERROR;
}

/* The frame mapping at va of space, after the space and address checks. */
static mem_status_t find_mapping(struct mem_comp *c, l4_word_t space, l4_word_t va,
                                 struct mem_map **out, l4_word_t detail[])
{
    mem_status_t st = check_space(c, space, detail);
    if (st == L4_NO_ERROR)
        st = memsrv_check_vaddr(va, detail);
    if (st != L4_NO_ERROR)
        return st;
    *out = memsrv_map_find(c, memsrv_map_key(0, (unsigned)space, va));
    if (!*out) {
        detail[0] = va;
        return MEM_ERROR_NOT_MAPPED;
    }
    return L4_NO_ERROR;
}

static void unmap_entry(struct mem_server *s, struct mem_comp *c, struct mem_map *m)
{
    const struct mem_sys *y = s->sys;
    y->frame_unmap(y->ctx, m->cap);
    y->destroy(y->ctx, m->cap);
    l4_slot_free(&c->slots, m->cap);
    c->pages[m->pfn].maps--;
    memsrv_map_remove(c, m);
}

mem_status_t memsrv_unmap(struct mem_server *s, struct mem_comp *c, l4_word_t space, l4_word_t va,
                          l4_word_t detail[])
{
    struct mem_map *m;
    mem_status_t st = find_mapping(c, space, va, &m, detail);
    if (st == L4_NO_ERROR)
        unmap_entry(s, c, m);
    return st;
}

mem_status_t memsrv_protect(struct mem_server *s, struct mem_comp *c, l4_word_t space, l4_word_t va,
                            l4_word_t rights, l4_word_t detail[])
{
    struct mem_map *m;
    mem_status_t st = find_mapping(c, space, va, &m, detail);
    if (st == L4_NO_ERROR)
        st = memsrv_check_rights(rights, c->pages[m->pfn].max_rights, detail);
    if (st != L4_NO_ERROR)
        return st;
    l4_error_t e = s->sys->frame_remap(s->sys->ctx, m->cap, rights);
    if (e == L4_NO_ERROR)
        m->rights = (uint8_t)rights;
    return e;
}

mem_status_t memsrv_query(struct mem_server *s, struct mem_comp *c, l4_word_t space, l4_word_t va,
                          l4_word_t *pfn, l4_word_t *rights, l4_word_t detail[])
{
    (void)s;
    struct mem_map *m;
    mem_status_t st = find_mapping(c, space, va, &m, detail);
    if (st == L4_NO_ERROR) {
        *pfn = m->pfn;
        *rights = m->rights;
    }
    return st;
}

/* A range op: every mapped page of [va, va + pages * 4096) of space;
 * checked as a whole first (protect: every page allows rights). */
static mem_status_t range_op(struct mem_server *s, struct mem_comp *c, bool protect,
                             l4_word_t space, l4_word_t va, l4_word_t pages, l4_word_t rights,
                             l4_word_t detail[])
{
    mem_status_t st = check_space(c, space, detail);
    if (st == L4_NO_ERROR)
        st = memsrv_check_vaddr(va, detail);
    if (st != L4_NO_ERROR)
        return st;
    if (!pages || pages > MEM_BATCH_ENTRY_RANGE_MAX_PAGES || pages > ((L4_USER_TOP - va) >> 12)) {
        detail[0] = va;
        return MEM_ERROR_BAD_ADDRESS;
    }
    if (protect) {
        st = memsrv_check_rights(rights, MEM_BATCH_ENTRY_RIGHTS_ALL, detail);
        for (l4_word_t i = 0; st == L4_NO_ERROR && i < pages; i++) {
            struct mem_map *m =
                memsrv_map_find(c, memsrv_map_key(0, (unsigned)space, va + (i << 12)));
            if (m)
                st = memsrv_check_rights(rights, c->pages[m->pfn].max_rights, detail);
        }
        if (st != L4_NO_ERROR)
            return st;
    }
    for (l4_word_t i = 0; i < pages; i++) {
        struct mem_map *m = memsrv_map_find(c, memsrv_map_key(0, (unsigned)space, va + (i << 12)));
        if (!m)
            continue;
        if (!protect)
            unmap_entry(s, c, m);
        else if (s->sys->frame_remap(s->sys->ctx, m->cap, rights) == L4_NO_ERROR)
            m->rights = (uint8_t)rights;
    }
    return L4_NO_ERROR;
}

/* --- Batch ------------------------------------------------------------------ */

mem_status_t memsrv_batch(struct mem_server *s, struct mem_comp *c, l4_word_t count,
                          l4_word_t *failed, l4_word_t *first_failed, l4_word_t detail[])
{
    if (count > MEM_BATCH_ENTRY_MAX_ENTRIES)
        return memsrv_range(detail, MEM_ARG_BATCH_COUNT, MEM_BATCH_ENTRY_MAX_ENTRIES);
    if (!c->batch) {
        detail[0] = c->state;
        return MEM_ERROR_BAD_STATE;
    }
    *failed = 0;
    *first_failed = count;
    for (l4_word_t i = 0; i < count; i++) {
        /* read each field once: the guest may change the page meanwhile */
        volatile struct mem_batch_entry *ve = &c->batch[i];
        l4_word_t op = ve->op, space = ve->space, va = ve->vaddr, pfn = ve->pfn;
        l4_word_t rights = ve->rights, d[MEM_MAX_DETAIL] = {0};
        mem_status_t st;
        switch (op) {
        case MEM_BATCH_ENTRY_OP_MAP:
            st = memsrv_map(s, c, space, va, pfn, rights, d);
            break;
        case MEM_BATCH_ENTRY_OP_UNMAP:
            st = memsrv_unmap(s, c, space, va, d);
            break;
        case MEM_BATCH_ENTRY_OP_PROTECT:
            st = memsrv_protect(s, c, space, va, rights, d);
            break;
        case MEM_BATCH_ENTRY_OP_PROTECT_RANGE:
        case MEM_BATCH_ENTRY_OP_UNMAP_RANGE:
            st = range_op(s, c, op == MEM_BATCH_ENTRY_OP_PROTECT_RANGE, space, va, pfn, rights, d);
            break;
        default:
            st = L4_INVALID_ARGUMENT;
        }
        ve->result = (uint32_t)st;
        if (st != L4_NO_ERROR && (*failed)++ == 0)
            *first_failed = i;
    }
    return L4_NO_ERROR;
}

/* --- Threads and objects ---------------------------------------------------------- */

/* A handle entry: a kept kit of kind (and type) if there is one, else an
 * unused entry; -1 if none. */
static int find_handle(struct mem_comp *c, uint8_t kind, l4_word_t type)
{
    int empty = -1;
    for (uint32_t i = 0; i < c->nhandles; i++) {
        struct mem_handle *h = &c->handles[i];
        if (h->kind == kind && !h->live && (kind != MEM_HANDLE_OBJECT || h->obj_type == type))
            return (int)i;
        if (h->kind == MEM_HANDLE_NONE && empty < 0)
            empty = (int)i;
    }
    return empty;
}

mem_status_t memsrv_thread_create(struct mem_server *s, struct mem_comp *c, l4_word_t space,
                                  l4_word_t badge, l4_word_t priority, l4_cptr_t recv,
                                  l4_word_t *handle, l4_cptr_t *tcb, l4_word_t detail[])
{
    const struct mem_sys *y = s->sys;
    mem_status_t st = check_space(c, space, detail);
    if (st == L4_NO_ERROR && priority > c->max_priority)
        st = memsrv_range(detail, MEM_ARG_THREAD_CREATE_PRIORITY, c->max_priority);
    if (st == L4_NO_ERROR && (badge == 0 || badge >> L4_BADGE_BITS))
        st = memsrv_range(detail, MEM_ARG_THREAD_CREATE_FAULT_BADGE,
                          (UINT64_C(1) << L4_BADGE_BITS) - 1);
    if (st == L4_NO_ERROR && !s->sys->is_type(s->sys->ctx, recv, L4_CAP_ENDPOINT)) {
        detail[0] = MEM_ARG_THREAD_CREATE_FAULT_EP;
        st = L4_INVALID_CAPABILITY;
    }
    if (st == L4_NO_ERROR && c->threads_used >= c->max_threads)
        st = memsrv_quota(detail, MEM_BATCH_ENTRY_QUOTA_THREADS, c->max_threads);
    int hi = st == L4_NO_ERROR ? find_handle(c, MEM_HANDLE_THREAD, 0) : -1;
    if (st == L4_NO_ERROR && hi < 0)
        st = memsrv_quota(detail, MEM_BATCH_ENTRY_QUOTA_OBJECTS, c->nhandles);
    struct mem_handle *h = hi >= 0 ? &c->handles[hi] : NULL;
    bool reused = h && h->kind == MEM_HANDLE_THREAD;
    if (st == L4_NO_ERROR && !reused) {
        /* a TCB, its CNode and its IPC-buffer frame, paid together */
        uint64_t bytes = (UINT64_C(1) << L4_OBJECT_TCB_SIZE_BITS) +
                         (UINT64_C(1) << (MEM_THREAD_CNODE_RADIX + L4_OBJECT_CNODE_UNIT_BITS)) +
                         4096;
        if (c->reserve_used + bytes > c->reserve)
            st = memsrv_quota(detail, MEM_BATCH_ENTRY_QUOTA_MEMORY, c->reserve);
        else if (c->slots.nfree < 3)
            st = memsrv_quota(detail, MEM_BATCH_ENTRY_QUOTA_SLOTS, c->slot_count);
        l4_cptr_t caps[3] = {0, 0, 0};
        if (st == L4_NO_ERROR)
            st = memsrv_alloc(s, c, L4_OBJECT_FRAME_4K, 0, 1, true, &caps[2], detail);
        if (st == L4_NO_ERROR)
            st = memsrv_alloc(s, c, L4_OBJECT_TCB, 0, 1, true, &caps[0], detail);
        if (st == L4_NO_ERROR)
            st = memsrv_alloc(s, c, L4_OBJECT_CNODE, MEM_THREAD_CNODE_RADIX, 1, true, &caps[1],
                              detail);
        if (st != L4_NO_ERROR) {
            for (unsigned i = 0; i < 3; i++)
                if (caps[i]) {
                    y->destroy(y->ctx, caps[i]);
                    l4_slot_free(&c->slots, caps[i]);
                }
        } else {
            *h =
                (struct mem_handle){.kind = MEM_HANDLE_THREAD, .caps = {caps[0], caps[1], caps[2]}};
        }
    }
    if (st == L4_NO_ERROR)
        st = y->thread_setup(y->ctx, h->caps[0], h->caps[1], h->caps[2], recv, badge,
                             c->spaces[space].pml4, (uint8_t)priority, reused);
    y->destroy(y->ctx, recv); /* the receive slot must be empty for the next message */
    if (st != L4_NO_ERROR)
        return st;
    h->live = true;
    h->space = (uint32_t)space;
    c->spaces[space].threads++;
    c->threads_used++;
    *handle = (l4_word_t)hi;
    *tcb = h->caps[0];
    return L4_NO_ERROR;
}

/* Stop a thread and take the guest's TCB capability back; keep the kit. */
static void thread_kill(struct mem_server *s, struct mem_comp *c, struct mem_handle *h)
{
    const struct mem_sys *y = s->sys;
    y->thread_stop(y->ctx, h->caps[0]);
    y->revoke(y->ctx, h->caps[0]);
    h->live = false;
    c->spaces[h->space].threads--;
    c->threads_used--;
}

static struct mem_handle *live_handle(struct mem_comp *c, l4_word_t handle, uint8_t kind,
                                      l4_word_t detail[])
{
    if (handle >= c->nhandles || c->handles[handle].kind != kind || !c->handles[handle].live) {
        detail[0] = handle;
        return NULL;
    }
    return &c->handles[handle];
}

mem_status_t memsrv_thread_destroy(struct mem_server *s, struct mem_comp *c, l4_word_t handle,
                                   l4_word_t detail[])
{
    struct mem_handle *h = live_handle(c, handle, MEM_HANDLE_THREAD, detail);
    if (!h)
        return MEM_ERROR_BAD_HANDLE;
    thread_kill(s, c, h);
    return L4_NO_ERROR;
}

mem_status_t memsrv_object_create(struct mem_server *s, struct mem_comp *c, l4_word_t type,
                                  l4_word_t *handle, l4_cptr_t *cap, l4_word_t detail[])
{
    if (type != L4_OBJECT_ENDPOINT && type != L4_OBJECT_NOTIFICATION) {
        detail[0] = MEM_ARG_OBJECT_CREATE_TYPE;
        detail[1] = 0;
        return L4_INVALID_ARGUMENT;
    }
    if (c->objects_used >= MEM_MAX_OBJECTS)
        return memsrv_quota(detail, MEM_BATCH_ENTRY_QUOTA_OBJECTS, MEM_MAX_OBJECTS);
    int hi = find_handle(c, MEM_HANDLE_OBJECT, type);
    if (hi < 0)
        return memsrv_quota(detail, MEM_BATCH_ENTRY_QUOTA_OBJECTS, c->nhandles);
    struct mem_handle *h = &c->handles[hi];
    if (h->kind != MEM_HANDLE_OBJECT) {
        l4_cptr_t o;
        mem_status_t st = memsrv_alloc(s, c, type, 0, 1, true, &o, detail);
        if (st != L4_NO_ERROR)
            return st;
        *h = (struct mem_handle){.kind = MEM_HANDLE_OBJECT, .obj_type = type, .caps = {o}};
    }
    h->live = true;
    c->objects_used++;
    *handle = (l4_word_t)hi;
    *cap = h->caps[0];
    return L4_NO_ERROR;
}

mem_status_t memsrv_object_destroy(struct mem_server *s, struct mem_comp *c, l4_word_t handle,
                                   l4_word_t detail[])
{
    struct mem_handle *h = live_handle(c, handle, MEM_HANDLE_OBJECT, detail);
    if (!h)
        return MEM_ERROR_BAD_HANDLE;
    s->sys->revoke(s->sys->ctx, h->caps[0]); /* every copy the guest made or holds */
    h->live = false;
    c->objects_used--;
    return L4_NO_ERROR;
}
