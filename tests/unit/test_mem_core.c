/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the memory server's core (servers/mem/compartment.c,
 * guest.c, maptable.c) on a fake kernel (struct mem_sys recording its
 * calls): the quota split; the map table against a model under random
 * inserts and removals; the address and rights checks at their edges;
 * a compartment's life (create, add memory, start mapping every page,
 * destroy in bounded steps giving every slot back); a failed start
 * leaving nothing; refused maps making no kernel call and charging
 * nothing; the batch's per-entry semantics; page tables paid as a whole.
 */
#include <stdlib.h>
#include <string.h>
#include <l4/pv/mem.h>
#include "core.h"
#include "mem.h"
#include "suites.h"

/* --- The fake kernel ---------------------------------------------------------------- */

static struct {
    unsigned calls;         /* every kernel call */
    unsigned destroys;      /* destroy() calls */
    unsigned frame_maps;    /* frame_map() calls */
    l4_error_t map_error;   /* what frame_map() returns */
    l4_error_t probe;       /* what untyped_probe() returns */
    l4_cap_type_t bad_type; /* is_type() says no for this type */
} fk;

static struct mem_batch_entry batch_pages[MEM_BATCH_ENTRY_MAX_ENTRIES];

static l4_error_t f_retype(void *c, l4_cptr_t ut, l4_word_t t, l4_word_t b, l4_word_t s,
                           l4_word_t n)
{
    (void)c, (void)ut, (void)t, (void)b, (void)s, (void)n;
    fk.calls++;
    return L4_NO_ERROR;
}

static l4_error_t f_copy(void *c, l4_word_t d, l4_cptr_t s, l4_cap_rights_t r)
{
    (void)c, (void)d, (void)s, (void)r;
    fk.calls++;
    return L4_NO_ERROR;
}

static l4_error_t f_move(void *c, l4_word_t d, l4_cptr_t s)
{
    (void)c, (void)d, (void)s;
    fk.calls++;
    return L4_NO_ERROR;
}

static l4_error_t f_slot(void *c, l4_cptr_t s)
{
    (void)c, (void)s;
    fk.calls++;
    return L4_NO_ERROR;
}

static l4_error_t f_destroy(void *c, l4_cptr_t s)
{
    fk.destroys++;
    return f_slot(c, s);
}

static l4_error_t f_frame_map(void *c, l4_cptr_t f, l4_cptr_t p, l4_word_t va, l4_word_t r)
{
    (void)c, (void)f, (void)p, (void)va, (void)r;
    fk.calls++;
    fk.frame_maps++;
    return fk.map_error;
}

static l4_error_t f_remap(void *c, l4_cptr_t f, l4_word_t r)
{
    (void)c, (void)f, (void)r;
    fk.calls++;
    return L4_NO_ERROR;
}

static l4_error_t f_table_map(void *c, l4_cptr_t t, l4_cptr_t p, l4_word_t va)
{
    (void)c, (void)t, (void)p, (void)va;
    fk.calls++;
    return L4_NO_ERROR;
}

static l4_error_t f_probe(void *c, l4_cptr_t ut, unsigned bits)
{
    (void)c, (void)ut, (void)bits;
    fk.calls++;
    return fk.probe;
}

static bool f_is_type(void *c, l4_cptr_t s, l4_cap_type_t t)
{
    (void)c, (void)s;
    fk.calls++;
    return t != fk.bad_type;
}

static bool f_writable(void *c, l4_cptr_t f)
{
    (void)c, (void)f;
    fk.calls++;
    return true;
}

static volatile struct mem_batch_entry *f_batch_map(void *c, unsigned id, const l4_cptr_t *f)
{
    (void)c, (void)id, (void)f;
    return batch_pages;
}

static void f_batch_unmap(void *c, unsigned id)
{
    (void)c, (void)id;
}

static l4_error_t f_thread_setup(void *c, l4_cptr_t t, l4_cptr_t cn, l4_cptr_t ipc, l4_cptr_t f,
                                 l4_word_t b, l4_cptr_t p, uint8_t prio, bool reused)
{
    (void)c, (void)t, (void)cn, (void)ipc, (void)f, (void)b, (void)p, (void)prio, (void)reused;
    fk.calls++;
    return L4_NO_ERROR;
}

static void *f_alloc(void *c, size_t n)
{
    (void)c;
    return calloc(1, n);
}

static void f_free(void *c, void *p)
{
    (void)c;
    free(p);
}

static const struct mem_sys fake = {
    .retype = f_retype,
    .copy = f_copy,
    .move = f_move,
    .destroy = f_destroy,
    .revoke = f_slot,
    .frame_map = f_frame_map,
    .frame_remap = f_remap,
    .frame_unmap = f_slot,
    .table_map = f_table_map,
    .table_unmap = f_slot,
    .is_type = f_is_type,
    .frame_writable = f_writable,
    .untyped_probe = f_probe,
    .batch_map = f_batch_map,
    .batch_unmap = f_batch_unmap,
    .thread_setup = f_thread_setup,
    .thread_stop = f_slot,
    .alloc = f_alloc,
    .free = f_free,
};

#define SLOTS 4096
static struct mem_server srv;
static struct l4_slot_alloc sa;
static uint64_t sa_bits[L4_SLOT_BITMAP_WORDS(SLOTS)];
static l4_word_t d[MEM_MAX_DETAIL];

static void setup(void)
{
    static const struct l4_cspace_dest dest = {.root = 2, .cptr_depth = 64};
    memset(&fk, 0, sizeof fk);
    ck_assert_int_eq(l4_slot_alloc_init(&sa, 16, SLOTS, sa_bits, L4_SLOT_BITMAP_WORDS(SLOTS)), 0);
    memsrv_init(&srv, &fake, &sa, &dest, 200, 15);
}

/* Compartment id with 2^bits of quota, started; returns it. */
static struct mem_comp *started(unsigned id, unsigned bits)
{
    l4_word_t inbox = 0, pages = 0;
    ck_assert_uint_eq(memsrv_compartment_create(&srv, id, 4, 4, 100, 9, &inbox, d), 0);
    ck_assert_uint_eq(inbox, 15);
    ck_assert_uint_eq(memsrv_compartment_add_memory(&srv, id, bits, d), 0);
    for (unsigned i = 0; i < L4_PLAT_MEM_BATCH_PAGES; i++)
        ck_assert_uint_eq(memsrv_compartment_set_batch(&srv, id, i, 9, d), 0);
    ck_assert_uint_eq(memsrv_compartment_start(&srv, id, &pages, d), 0);
    return &srv.comps[id];
}

/* --- Tests ----------------------------------------------------------------------------- */

START_TEST(split_quota)
{
    uint64_t r;
    uint32_t p, s;
    memsrv_split_quota(64 << 10, &r, &p, &s);
    ck_assert_uint_eq(p, 0); /* all reserve */
    memsrv_split_quota(256 << 10, &r, &p, &s);
    ck_assert_uint_eq(r, 64 << 10);
    ck_assert_uint_eq(p, 48);
    ck_assert_uint_eq(s, 48 + 24 + 64);
    memsrv_split_quota(UINT64_C(64) << 20, &r, &p, &s);
    ck_assert_uint_eq(r, UINT64_C(8) << 20); /* an eighth */
    ck_assert_uint_eq(p, (UINT64_C(56) << 20) >> 12);
    ck_assert_uint_le((uint64_t)s * MEM_SLOT_BYTES + MEM_MIN_RESERVE_FREE, r);
}
END_TEST

START_TEST(vaddr_rights_checks)
{
    ck_assert_uint_eq(memsrv_check_vaddr(0, d), 0);
    ck_assert_uint_eq(memsrv_check_vaddr(L4_USER_TOP - 4096, d), 0);
    ck_assert_uint_eq(memsrv_check_vaddr(L4_USER_TOP, d), MEM_ERROR_BAD_ADDRESS);
    ck_assert_uint_eq(memsrv_check_vaddr(UINT64_C(0x0000800000000000), d), MEM_ERROR_BAD_ADDRESS);
    ck_assert_uint_eq(memsrv_check_vaddr(UINT64_C(0xffff800000000000), d), MEM_ERROR_BAD_ADDRESS);
    ck_assert_uint_eq(d[0], UINT64_C(0xffff800000000000));
    ck_assert_uint_eq(memsrv_check_vaddr(~UINT64_C(0xfff), d), MEM_ERROR_BAD_ADDRESS);
    ck_assert_uint_eq(memsrv_check_vaddr(0x1001, d), MEM_ERROR_BAD_ADDRESS);
    ck_assert_uint_eq(memsrv_check_rights(1, 7, d), 0);
    ck_assert_uint_eq(memsrv_check_rights(7, 7, d), 0);
    ck_assert_uint_eq(memsrv_check_rights(0, 7, d), MEM_ERROR_BAD_RIGHTS);
    ck_assert_uint_eq(memsrv_check_rights(2, 7, d), MEM_ERROR_BAD_RIGHTS);
    ck_assert_uint_eq(memsrv_check_rights(9, 15, d), MEM_ERROR_BAD_RIGHTS);
    ck_assert_uint_eq(memsrv_check_rights(3, 1, d), MEM_ERROR_BAD_RIGHTS);
    ck_assert_uint_eq(d[0], 3);
    ck_assert_uint_eq(d[1], 1);
}
END_TEST

START_TEST(map_table_model)
{
    static struct mem_map tab[256];
    struct mem_comp c = {.map = tab, .map_cap = 256};
    memset(tab, 0, sizeof tab);
    enum { N = 120 };
    uint64_t keys[N];
    bool in[N];
    srand(7);
    for (unsigned i = 0; i < N; i++) {
        /* close addresses in few spaces: many collisions */
        keys[i] = memsrv_map_key(i % 4, i % 3, (l4_word_t)(i * 7919 % 512) << 12);
        in[i] = false;
    }
    for (unsigned step = 0; step < 20000; step++) {
        unsigned i = (unsigned)rand() % N;
        struct mem_map *e = memsrv_map_find(&c, keys[i]);
        ck_assert(!!e == in[i]);
        if (in[i]) {
            ck_assert_uint_eq(e->cap, i + 1);
            memsrv_map_remove(&c, e);
            in[i] = false;
        } else {
            e = memsrv_map_insert(&c, keys[i]);
            ck_assert_ptr_nonnull(e);
            e->cap = i + 1;
            in[i] = true;
        }
    }
    unsigned n = 0;
    for (unsigned i = 0; i < N; i++) {
        n += in[i];
        struct mem_map *e = memsrv_map_find(&c, keys[i]);
        ck_assert(!!e == in[i]);
    }
    ck_assert_uint_eq(c.map_count, n);
    /* never more than half full */
    struct mem_comp small = {.map = tab, .map_cap = 16};
    memset(tab, 0, sizeof tab);
    for (unsigned i = 0; i < 8; i++)
        ck_assert_ptr_nonnull(memsrv_map_insert(&small, memsrv_map_key(0, 0, i << 12)));
    ck_assert_ptr_null(memsrv_map_insert(&small, memsrv_map_key(0, 0, 99 << 12)));
}
END_TEST

START_TEST(life_bounded_destroy)
{
    l4_word_t free0 = sa.nfree;
    struct mem_comp *c = started(5, 18);
    ck_assert_uint_eq(c->state, MEM_STARTED);
    ck_assert_uint_eq(c->phys_pages, 48);
    ck_assert_uint_eq(fk.frame_maps, 48);
    ck_assert_ptr_eq(memsrv_guest(&srv, L4_PLAT_BADGE_COMPARTMENT(5)), c);
    ck_assert_ptr_null(memsrv_guest(&srv, L4_PLAT_BADGE_COMPARTMENT(4)));
    ck_assert_ptr_null(memsrv_guest(&srv, L4_PLAT_BADGE_ROOT));
    l4_word_t s, done = 0, rec, calls = 0, total = 0;
    ck_assert_uint_eq(memsrv_space_create(&srv, c, &s, d), 0);
    for (l4_word_t i = 0; i < 40; i++)
        ck_assert_uint_eq(memsrv_map(&srv, c, s, 0x400000 + i * 4096, i, 3, d), 0);
    while (!done) {
        unsigned before = fk.destroys;
        ck_assert_uint_eq(memsrv_compartment_destroy(&srv, 5, &done, &rec, d), 0);
        ck_assert_uint_le(rec, MEM_DESTROY_STEP);
        if (!done)
            ck_assert_uint_le(fk.destroys - before, MEM_DESTROY_STEP);
        /* guests are refused from the first step on */
        ck_assert_ptr_null(memsrv_guest(&srv, L4_PLAT_BADGE_COMPARTMENT(5)));
        total += rec;
        calls++;
    }
    /* 48 pages, 40 copies, 1 PML4, 6 tables */
    ck_assert_uint_eq(total, 48 + 40 + 1 + 6);
    ck_assert_uint_ge(calls, 3);
    ck_assert_uint_eq(srv.comps[5].state, MEM_FREE);
    ck_assert_uint_eq(sa.nfree, free0); /* every admin slot and the range are back */
    ck_assert_uint_eq(memsrv_compartment_destroy(&srv, 5, &done, &rec, d),
                      MEM_ERROR_NO_COMPARTMENT);
}
END_TEST

/* Destroying a space removes its mappings and tables (found by its own
 * list, not a scan), and nothing of another space's; unmaps on the way
 * keep both lists right. */
START_TEST(space_destroy_by_its_list)
{
    struct mem_comp *c = started(6, 18);
    l4_word_t a, b;
    ck_assert_uint_eq(memsrv_space_create(&srv, c, &a, d), 0);
    ck_assert_uint_eq(memsrv_space_create(&srv, c, &b, d), 0);
    for (l4_word_t i = 0; i < 12; i++) {
        ck_assert_uint_eq(memsrv_map(&srv, c, a, 0x400000 + i * 4096, i, 3, d), 0);
        ck_assert_uint_eq(memsrv_map(&srv, c, b, 0x800000 + i * 4096, 20 + i, 3, d), 0);
    }
    ck_assert_uint_eq(memsrv_unmap(&srv, c, a, 0x400000 + 5 * 4096, d), 0);
    ck_assert_uint_eq(memsrv_unmap(&srv, c, b, 0x800000, d), 0);
    uint32_t before = c->map_count, in_b = 0;
    for (uint32_t i = 0; i < c->map_cap; i++)
        if (c->map[i].key && memsrv_key_space(c->map[i].key) == b)
            in_b++;
    ck_assert_uint_eq(memsrv_space_destroy(&srv, c, a, d), 0);
    uint32_t left_a = 0, left_b = 0;
    for (uint32_t i = 0; i < c->map_cap; i++) {
        left_a += c->map[i].key && memsrv_key_space(c->map[i].key) == a;
        left_b += c->map[i].key && memsrv_key_space(c->map[i].key) == b;
    }
    ck_assert_uint_eq(left_a, 0);
    ck_assert_uint_eq(left_b, in_b);
    ck_assert_uint_lt(c->map_count, before);
    ck_assert_uint_eq(c->spaces[a].head, 0);
    /* b's list still names exactly its entries */
    uint32_t walked = 0;
    for (uint64_t k = c->spaces[b].head; k; walked++) {
        struct mem_map *e = memsrv_map_find(c, k);
        ck_assert_ptr_nonnull(e);
        k = e->next;
    }
    ck_assert_uint_eq(walked, in_b);
    ck_assert_uint_eq(memsrv_space_destroy(&srv, c, b, d), 0);
    ck_assert_uint_eq(c->spaces[b].head, 0);
}
END_TEST

START_TEST(start_failure_undone)
{
    l4_word_t inbox, pages = 0, free0 = sa.nfree;
    ck_assert_uint_eq(memsrv_compartment_create(&srv, 1, 4, 4, 100, 9, &inbox, d), 0);
    fk.probe = L4_INVALID_CAPABILITY;
    ck_assert_uint_eq(memsrv_compartment_add_memory(&srv, 1, 18, d), L4_INVALID_CAPABILITY);
    ck_assert_uint_eq(srv.comps[1].quota, 0);
    fk.probe = L4_NO_ERROR;
    ck_assert_uint_eq(memsrv_compartment_add_memory(&srv, 1, 18, d), 0);
    l4_word_t free1 = sa.nfree;
    fk.map_error = L4_INVALID_CAPABILITY; /* guest_pml4 was not a PML4 */
    ck_assert_uint_eq(memsrv_compartment_start(&srv, 1, &pages, d), L4_INVALID_CAPABILITY);
    ck_assert_uint_eq(srv.comps[1].state, MEM_CREATED);
    ck_assert_uint_eq(sa.nfree, free1);
    ck_assert_uint_eq(srv.comps[1].uts[0].watermark, 0);
    fk.map_error = L4_NO_ERROR;
    ck_assert_uint_eq(memsrv_compartment_start(&srv, 1, &pages, d), 0);
    ck_assert_uint_eq(pages, 48);
    l4_word_t done = 0, rec;
    while (!done)
        ck_assert_uint_eq(memsrv_compartment_destroy(&srv, 1, &done, &rec, d), 0);
    ck_assert_uint_eq(sa.nfree, free0);
}
END_TEST

START_TEST(destroy_before_start)
{
    l4_word_t inbox, free0 = sa.nfree, done = 0, rec = 9, s, x;
    ck_assert_uint_eq(memsrv_compartment_create(&srv, 2, 4, 4, 100, 9, &inbox, d), 0);
    ck_assert_uint_eq(memsrv_compartment_create(&srv, 2, 4, 4, 100, 9, &inbox, d),
                      MEM_ERROR_BAD_STATE);
    ck_assert_uint_eq(memsrv_compartment_create(&srv, 3, 4, 4, 201, 9, &inbox, d), L4_RANGE_ERROR);
    fk.bad_type = L4_CAP_PML4;
    ck_assert_uint_eq(memsrv_compartment_create(&srv, 3, 4, 4, 100, 9, &inbox, d),
                      L4_INVALID_CAPABILITY);
    ck_assert_uint_eq(srv.comps[3].state, MEM_FREE);
    fk.bad_type = L4_CAP_UNTYPED;
    ck_assert_uint_eq(memsrv_compartment_add_memory(&srv, 2, 18, d), L4_INVALID_CAPABILITY);
    fk.bad_type = L4_CAP_FRAME_4K;
    ck_assert_uint_eq(memsrv_compartment_set_batch(&srv, 2, 0, 9, d), L4_INVALID_CAPABILITY);
    fk.bad_type = L4_CAP_NULL;
    ck_assert_uint_eq(memsrv_compartment_add_memory(&srv, 2, 18, d), 0);
    ck_assert_uint_eq(memsrv_compartment_add_memory(&srv, 2, 11, d), L4_RANGE_ERROR);
    ck_assert_uint_eq(memsrv_compartment_set_batch(&srv, 2, 0, 9, d), 0);
    ck_assert_ptr_null(memsrv_guest(&srv, L4_PLAT_BADGE_COMPARTMENT(2)));
    ck_assert_uint_eq(memsrv_compartment_destroy(&srv, 2, &done, &rec, d), 0);
    ck_assert_uint_eq(done, 1);
    ck_assert_uint_eq(rec, 0);
    ck_assert_uint_eq(sa.nfree, free0);
    /* started without batch pages: Batch is refused, the rest works */
    struct mem_comp *c;
    l4_word_t pages;
    ck_assert_uint_eq(memsrv_compartment_create(&srv, 2, 4, 4, 100, 9, &inbox, d), 0);
    ck_assert_uint_eq(memsrv_compartment_add_memory(&srv, 2, 18, d), 0);
    ck_assert_uint_eq(memsrv_compartment_start(&srv, 2, &pages, d), 0);
    c = memsrv_guest(&srv, L4_PLAT_BADGE_COMPARTMENT(2));
    ck_assert_ptr_nonnull(c);
    ck_assert_uint_eq(memsrv_batch(&srv, c, 0, &x, &x, d), MEM_ERROR_BAD_STATE);
    ck_assert_uint_eq(memsrv_space_create(&srv, c, &s, d), 0);
}
END_TEST

START_TEST(refusals_have_no_effect)
{
    struct mem_comp *c = started(0, 18), *b = started(1, 18);
    l4_word_t s, sb;
    ck_assert_uint_eq(memsrv_space_create(&srv, c, &s, d), 0);
    ck_assert_uint_eq(memsrv_map(&srv, c, s, 0x400000, 1, 3, d), 0);
    unsigned calls = fk.calls;
    uint64_t used = c->reserve_used;
    l4_word_t nfree = c->slots.nfree;
    ck_assert_uint_eq(memsrv_map(&srv, c, s, 0x400000, 2, 3, d), MEM_ERROR_OCCUPIED);
    ck_assert_uint_eq(memsrv_map(&srv, c, s, 0x401000, 48, 3, d), MEM_ERROR_BAD_PFN);
    ck_assert_uint_eq(memsrv_map(&srv, c, s + 1, 0x401000, 2, 3, d), MEM_ERROR_BAD_SPACE);
    ck_assert_uint_eq(memsrv_map(&srv, b, s, 0x401000, 2, 3, d), MEM_ERROR_BAD_SPACE);
    ck_assert_uint_eq(memsrv_map(&srv, c, s, UINT64_C(0xffff800000000000), 2, 3, d),
                      MEM_ERROR_BAD_ADDRESS);
    ck_assert_uint_eq(memsrv_map(&srv, c, s, 0x401000, 2, 2, d), MEM_ERROR_BAD_RIGHTS);
    ck_assert_uint_eq(memsrv_unmap(&srv, c, s, 0x402000, d), MEM_ERROR_NOT_MAPPED);
    ck_assert_uint_eq(memsrv_protect(&srv, c, s, 0x400000, 8 | 1, d), MEM_ERROR_BAD_RIGHTS);
    ck_assert_uint_eq(fk.calls, calls);
    ck_assert_uint_eq(c->reserve_used, used);
    ck_assert_uint_eq(c->slots.nfree, nfree);
    /* B's own space 0 is not A's space 0 */
    ck_assert_uint_eq(memsrv_space_create(&srv, b, &sb, d), 0);
    l4_word_t pfn, r;
    ck_assert_uint_eq(memsrv_query(&srv, b, sb, 0x400000, &pfn, &r, d), MEM_ERROR_NOT_MAPPED);
    ck_assert_uint_eq(memsrv_query(&srv, c, s, 0x400000, &pfn, &r, d), 0);
    ck_assert_uint_eq(pfn, 1);
}
END_TEST

START_TEST(tables_paid_as_a_whole)
{
    struct mem_comp *c = started(0, 18);
    l4_word_t s, i;
    ck_assert_uint_eq(memsrv_space_create(&srv, c, &s, d), 0);
    mem_status_t st = 0;
    uint64_t used = 0;
    for (i = 1; i < 100 && st == 0; i++) {
        used = c->reserve_used;
        st = memsrv_map(&srv, c, s, i << 39, 0, 1, d);
    }
    ck_assert_uint_eq(st, MEM_ERROR_QUOTA_EXHAUSTED);
    ck_assert_uint_eq(d[0], MEM_BATCH_ENTRY_QUOTA_MEMORY);
    ck_assert_uint_eq(c->reserve_used, used); /* not one table of the three */
    ck_assert_uint_ge(c->reserve - used, 4096);
}
END_TEST

static void put(unsigned i, uint32_t op, uint32_t space, uint64_t va, uint64_t pfn, uint32_t r)
{
    batch_pages[i] = (struct mem_batch_entry){op, space, va, pfn, r, 0xdead};
}

START_TEST(batch_per_entry)
{
    struct mem_comp *c = started(0, 18);
    l4_word_t s, failed, first, pfn, r;
    ck_assert_uint_eq(memsrv_space_create(&srv, c, &s, d), 0);
    put(0, MEM_BATCH_ENTRY_OP_MAP, (uint32_t)s, 0x400000, 1, 3);
    put(1, MEM_BATCH_ENTRY_OP_MAP, (uint32_t)s, 0x401000, 99, 3); /* bad pfn */
    put(2, MEM_BATCH_ENTRY_OP_MAP, (uint32_t)s, 0x402000, 2, 3);
    put(3, MEM_BATCH_ENTRY_OP_UNMAP, (uint32_t)s, 0x400000, 0, 0);
    put(4, 0, (uint32_t)s, 0, 0, 0); /* no such op */
    ck_assert_uint_eq(memsrv_batch(&srv, c, 5, &failed, &first, d), 0);
    ck_assert_uint_eq(failed, 2);
    ck_assert_uint_eq(first, 1);
    ck_assert_uint_eq(batch_pages[0].result, 0);
    ck_assert_uint_eq(batch_pages[1].result, MEM_ERROR_BAD_PFN);
    ck_assert_uint_eq(batch_pages[2].result, 0);
    ck_assert_uint_eq(batch_pages[3].result, 0);
    ck_assert_uint_eq(batch_pages[4].result, L4_INVALID_ARGUMENT);
    ck_assert_uint_eq(memsrv_query(&srv, c, s, 0x402000, &pfn, &r, d), 0);
    ck_assert_uint_eq(memsrv_query(&srv, c, s, 0x400000, &pfn, &r, d), MEM_ERROR_NOT_MAPPED);
    ck_assert_uint_eq(memsrv_batch(&srv, c, MEM_BATCH_ENTRY_MAX_ENTRIES + 1, &failed, &first, d),
                      L4_RANGE_ERROR);
    /* a range wrapping past the user half is refused as a whole */
    put(0, MEM_BATCH_ENTRY_OP_PROTECT_RANGE, (uint32_t)s, L4_USER_TOP - 4096, 2, 1);
    put(1, MEM_BATCH_ENTRY_OP_UNMAP_RANGE, (uint32_t)s, 0x400000, 0, 0);
    ck_assert_uint_eq(memsrv_batch(&srv, c, 2, &failed, &first, d), 0);
    ck_assert_uint_eq(batch_pages[0].result, MEM_ERROR_BAD_ADDRESS);
    ck_assert_uint_eq(batch_pages[1].result, MEM_ERROR_BAD_ADDRESS);
}
END_TEST

START_TEST(threads_and_objects)
{
    struct mem_comp *c = started(0, 18);
    l4_word_t s, h[3], x;
    l4_cptr_t t;
    ck_assert_uint_eq(memsrv_space_create(&srv, c, &s, d), 0);
    ck_assert_uint_eq(memsrv_thread_create(&srv, c, s, 1, 101, 9, &h[0], &t, d), L4_RANGE_ERROR);
    ck_assert_uint_eq(memsrv_thread_create(&srv, c, s, 0, 100, 9, &h[0], &t, d), L4_RANGE_ERROR);
    ck_assert_uint_eq(memsrv_thread_create(&srv, c, s, UINT64_C(1) << 48, 100, 9, &h[0], &t, d),
                      L4_RANGE_ERROR);
    fk.bad_type = L4_CAP_ENDPOINT;
    ck_assert_uint_eq(memsrv_thread_create(&srv, c, s, 1, 100, 9, &h[0], &t, d),
                      L4_INVALID_CAPABILITY);
    ck_assert_uint_eq(c->threads_used, 0);
    fk.bad_type = L4_CAP_NULL;
    for (unsigned i = 0; i < 4; i++)
        ck_assert_uint_eq(memsrv_thread_create(&srv, c, s, 1, 100, 9, &x, &t, d), 0);
    ck_assert_uint_eq(memsrv_thread_create(&srv, c, s, 1, 100, 9, &x, &t, d),
                      MEM_ERROR_QUOTA_EXHAUSTED);
    ck_assert_uint_eq(d[0], MEM_BATCH_ENTRY_QUOTA_THREADS);
    ck_assert_uint_eq(memsrv_object_create(&srv, c, L4_OBJECT_REPLY, &x, &t, d),
                      L4_INVALID_ARGUMENT);
    ck_assert_uint_eq(memsrv_object_create(&srv, c, L4_OBJECT_ENDPOINT, &h[1], &t, d), 0);
    ck_assert_uint_eq(memsrv_thread_destroy(&srv, c, h[1], d), MEM_ERROR_BAD_HANDLE);
    ck_assert_uint_eq(memsrv_object_destroy(&srv, c, h[1], d), 0);
    ck_assert_uint_eq(memsrv_object_destroy(&srv, c, h[1], d), MEM_ERROR_BAD_HANDLE);
    uint64_t used = c->reserve_used;
    ck_assert_uint_eq(memsrv_object_create(&srv, c, L4_OBJECT_ENDPOINT, &h[2], &t, d), 0);
    ck_assert_uint_eq(h[2], h[1]); /* the kept object again */
    ck_assert_uint_eq(c->reserve_used, used);
    ck_assert_uint_eq(memsrv_space_destroy(&srv, c, s, d), 0);
    ck_assert_uint_eq(c->threads_used, 0);
}
END_TEST

START_TEST(guest_batch_builder)
{
    struct l4_pv_mem_batch b;
    memset(batch_pages, 0xff, sizeof batch_pages);
    l4_pv_mem_batch_init(&b, batch_pages);
    ck_assert_int_eq(l4_pv_mem_batch_map(&b, 1, 0x400000, 7, 3), 0);
    ck_assert_int_eq(l4_pv_mem_batch_protect_range(&b, 2, 0x800000, 16, 1), 0);
    ck_assert_uint_eq(batch_pages[0].op, MEM_BATCH_ENTRY_OP_MAP);
    ck_assert_uint_eq(batch_pages[0].space, 1);
    ck_assert_uint_eq(batch_pages[0].vaddr, 0x400000);
    ck_assert_uint_eq(batch_pages[0].pfn, 7);
    ck_assert_uint_eq(batch_pages[0].rights, 3);
    ck_assert_uint_eq(batch_pages[0].result, 0);
    ck_assert_uint_eq(batch_pages[1].op, MEM_BATCH_ENTRY_OP_PROTECT_RANGE);
    ck_assert_uint_eq(batch_pages[1].pfn, 16);
    for (unsigned i = 2; i < MEM_BATCH_ENTRY_MAX_ENTRIES; i++)
        ck_assert_int_eq(l4_pv_mem_batch_unmap(&b, 0, i << 12), 0);
    ck_assert_int_eq(l4_pv_mem_batch_unmap(&b, 0, 0), -1); /* full */
    ck_assert_uint_eq(b.count, MEM_BATCH_ENTRY_MAX_ENTRIES);
    /* what the guest builds, the server applies */
    struct mem_comp *c = started(0, 18);
    l4_word_t s, failed, first;
    ck_assert_uint_eq(memsrv_space_create(&srv, c, &s, d), 0);
    l4_pv_mem_batch_init(&b, batch_pages);
    l4_pv_mem_batch_map(&b, (uint32_t)s, 0x400000, 1, 3);
    l4_pv_mem_batch_map(&b, (uint32_t)s, 0x400000, 2, 3);
    ck_assert_uint_eq(memsrv_batch(&srv, c, b.count, &failed, &first, d), 0);
    ck_assert_uint_eq(l4_pv_mem_batch_result(&b, 0), 0);
    ck_assert_uint_eq(l4_pv_mem_batch_result(&b, 1), MEM_ERROR_OCCUPIED);
    ck_assert_uint_eq(l4_pv_mem_batch_result(&b, MEM_BATCH_ENTRY_MAX_ENTRIES), UINT32_MAX);
}
END_TEST

Suite *mem_core_suite(void)
{
    Suite *s = suite_create("mem_core");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, split_quota);
    tcase_add_test(tc, vaddr_rights_checks);
    tcase_add_test(tc, map_table_model);
    tcase_add_test(tc, space_destroy_by_its_list);
    tcase_add_test(tc, life_bounded_destroy);
    tcase_add_test(tc, start_failure_undone);
    tcase_add_test(tc, destroy_before_start);
    tcase_add_test(tc, refusals_have_no_effect);
    tcase_add_test(tc, tables_paid_as_a_whole);
    tcase_add_test(tc, batch_per_entry);
    tcase_add_test(tc, threads_and_objects);
    tcase_add_test(tc, guest_batch_builder);
    suite_add_tcase(s, tc);
    return s;
}
