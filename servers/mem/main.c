/* SPDX-License-Identifier: MIT */
/*
 * The memory server: start-up and the receive loop (servers/mem/).
 *
 * Started by the root task (docs/servers/README.md) with the start-info
 * capabilities "ep" (its endpoint), "untyped" (its own memory: page
 * tables for the batch pages it maps, its Reply object) and "console"
 * (or "debug_console" in a test harness). It serves the mem protocol
 * (libl4/spec/protocols/mem.toml; docs/servers/mem.md): admin messages
 * from L4_PLAT_BADGE_ROOT, guest messages from compartment badges. The
 * generated mem_dispatch() decodes; the handlers here check the badge and
 * call the core (compartment.c, guest.c). After each message that carried
 * a capability the receive slot is emptied, so no client can block the
 * next transfer.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <l4/debug.h>
#include <l4/proto/console_client_gen.h>
#include <l4/proto/mem_server_gen.h>
#include <l4/rt.h>
#include <l4/start_info.h>
#include <l4/stubs_gen.h>
#include "sys.h"

/* Bookkeeping memory: the map tables and page arrays of the compartments
 * (about 60 bytes per pseudo-physical page). A server given an untyped of
 * 4 MiB or more maps its heap from it in 2 MiB frames at HEAP_VA, keeping
 * 1 MiB for its own page tables; a smaller one uses this arena. */
#define HEAP_BYTES     (256u << 10)
#define HEAP_VA        UINT64_C(0x0000600000000000)
#define HEAP_MAX_LARGE 64u /* 128 MiB */
static char heap[HEAP_BYTES] __attribute__((aligned(16)));

static struct mem_server srv;
static struct memsys msys;
static struct mem_sys sys_ops;
static struct l4_slot_alloc slots;
static uint64_t slot_bits[L4_SLOT_BITMAP_WORDS(1u << 16)];
static struct l4_untyped own_uts[1];
static struct l4_untyped_alloc own_ua;
static struct l4_vspace own_vs;
static struct l4_vspace_table own_tables[8];
static struct l4_vspace_frame
    own_frames[L4_PLAT_MAX_COMPARTMENTS * L4_PLAT_MEM_BATCH_PAGES + HEAP_MAX_LARGE];

static bool admin(l4_word_t badge)
{
    return badge == L4_PLAT_BADGE_ROOT;
}

/* The caller's started compartment, or the status to refuse with. */
static struct mem_comp *guest(l4_word_t badge, mem_status_t *st, l4_word_t detail[])
{
    struct mem_comp *c = memsrv_guest(&srv, badge);
    if (!c) {
        *st = L4_PLAT_BADGE_IS_COMPARTMENT(badge) ? MEM_ERROR_NO_COMPARTMENT : L4_ILLEGAL_OPERATION;
        detail[0] = L4_PLAT_COMPARTMENT_OF(badge);
    }
    return c;
}

static mem_status_t h_create(void *ctx, l4_word_t badge,
                             const struct mem_compartment_create_args *a,
                             struct mem_compartment_create_result *r, l4_word_t d[])
{
    (void)ctx;
    if (!admin(badge))
        return L4_ILLEGAL_OPERATION;
    return memsrv_compartment_create(&srv, a->id, a->max_spaces, a->max_threads, a->max_priority,
                                     a->guest_pml4, &r->inbox, d);
}

static mem_status_t h_add(void *ctx, l4_word_t badge,
                          const struct mem_compartment_add_memory_args *a, l4_word_t d[])
{
    (void)ctx;
    if (!admin(badge))
        return L4_ILLEGAL_OPERATION;
    return memsrv_compartment_add_memory(&srv, a->id, a->size_bits, d);
}

static mem_status_t h_batch_set(void *ctx, l4_word_t badge,
                                const struct mem_compartment_set_batch_args *a, l4_word_t d[])
{
    (void)ctx;
    if (!admin(badge))
        return L4_ILLEGAL_OPERATION;
    return memsrv_compartment_set_batch(&srv, a->id, a->index, a->frame, d);
}

static mem_status_t h_start(void *ctx, l4_word_t badge, const struct mem_compartment_start_args *a,
                            struct mem_compartment_start_result *r, l4_word_t d[])
{
    (void)ctx;
    if (!admin(badge))
        return L4_ILLEGAL_OPERATION;
    return memsrv_compartment_start(&srv, a->id, &r->phys_pages, d);
}

static mem_status_t h_limit(void *ctx, l4_word_t badge,
                            const struct mem_compartment_limit_pages_args *a, l4_word_t d[])
{
    (void)ctx;
    if (!admin(badge))
        return L4_ILLEGAL_OPERATION;
    return memsrv_compartment_limit_pages(&srv, a->id, a->first_pfn, a->count, a->max_rights, d);
}

static mem_status_t h_destroy(void *ctx, l4_word_t badge,
                              const struct mem_compartment_destroy_args *a,
                              struct mem_compartment_destroy_result *r, l4_word_t d[])
{
    (void)ctx;
    if (!admin(badge))
        return L4_ILLEGAL_OPERATION;
    return memsrv_compartment_destroy(&srv, a->id, &r->done, &r->reclaimed, d);
}

#define GUEST(c)                                                                                   \
    mem_status_t st_ = L4_NO_ERROR;                                                                \
    struct mem_comp *c = guest(badge, &st_, d);                                                    \
    (void)ctx;                                                                                     \
    if (!c)                                                                                        \
        return st_;

static mem_status_t h_space_create(void *ctx, l4_word_t badge, struct mem_space_create_result *r,
                                   l4_word_t d[])
{
    GUEST(c);
    return memsrv_space_create(&srv, c, &r->space, d);
}

static mem_status_t h_space_destroy(void *ctx, l4_word_t badge,
                                    const struct mem_space_destroy_args *a, l4_word_t d[])
{
    GUEST(c);
    return memsrv_space_destroy(&srv, c, a->space, d);
}

static mem_status_t h_map(void *ctx, l4_word_t badge, const struct mem_map_args *a, l4_word_t d[])
{
    GUEST(c);
    return memsrv_map(&srv, c, a->space, a->vaddr, a->pfn, a->rights, d);
}

static mem_status_t h_unmap(void *ctx, l4_word_t badge, const struct mem_unmap_args *a,
                            l4_word_t d[])
{
    GUEST(c);
    return memsrv_unmap(&srv, c, a->space, a->vaddr, d);
}

static mem_status_t h_protect(void *ctx, l4_word_t badge, const struct mem_protect_args *a,
                              l4_word_t d[])
{
    GUEST(c);
    return memsrv_protect(&srv, c, a->space, a->vaddr, a->rights, d);
}

static mem_status_t h_query(void *ctx, l4_word_t badge, const struct mem_query_args *a,
                            struct mem_query_result *r, l4_word_t d[])
{
    GUEST(c);
    return memsrv_query(&srv, c, a->space, a->vaddr, &r->pfn, &r->rights, d);
}

static mem_status_t h_batch(void *ctx, l4_word_t badge, const struct mem_batch_args *a,
                            struct mem_batch_result *r, l4_word_t d[])
{
    GUEST(c);
    return memsrv_batch(&srv, c, a->count, &r->failed, &r->first_failed, d);
}

static mem_status_t h_thread_create(void *ctx, l4_word_t badge,
                                    const struct mem_thread_create_args *a,
                                    struct mem_thread_create_result *r, l4_word_t d[])
{
    GUEST(c);
    return memsrv_thread_create(&srv, c, a->space, a->fault_badge, a->priority, a->fault_ep,
                                &r->handle, &r->tcb, d);
}

static mem_status_t h_thread_destroy(void *ctx, l4_word_t badge,
                                     const struct mem_thread_destroy_args *a, l4_word_t d[])
{
    GUEST(c);
    return memsrv_thread_destroy(&srv, c, a->handle, d);
}

static mem_status_t h_object_create(void *ctx, l4_word_t badge,
                                    const struct mem_object_create_args *a,
                                    struct mem_object_create_result *r, l4_word_t d[])
{
    GUEST(c);
    return memsrv_object_create(&srv, c, a->type, &r->handle, &r->cap, d);
}

static mem_status_t h_object_destroy(void *ctx, l4_word_t badge,
                                     const struct mem_object_destroy_args *a, l4_word_t d[])
{
    GUEST(c);
    return memsrv_object_destroy(&srv, c, a->handle, d);
}

static mem_status_t h_info(void *ctx, l4_word_t badge, struct mem_info_result *r, l4_word_t d[])
{
    GUEST(c);
    r->phys_pages = c->phys_pages;
    r->reserve_free = c->reserve - c->reserve_used;
    r->spaces_used = c->spaces_used;
    r->spaces_max = c->max_spaces;
    r->threads_used = c->threads_used;
    r->threads_max = c->max_threads;
    r->slots_free = c->slots.nfree;
    return L4_NO_ERROR;
}

static const struct mem_server_ops ops = {
    .compartment_create = h_create,
    .compartment_add_memory = h_add,
    .compartment_set_batch = h_batch_set,
    .compartment_start = h_start,
    .compartment_limit_pages = h_limit,
    .compartment_destroy = h_destroy,
    .space_create = h_space_create,
    .space_destroy = h_space_destroy,
    .map = h_map,
    .unmap = h_unmap,
    .protect = h_protect,
    .query = h_query,
    .batch = h_batch,
    .thread_create = h_thread_create,
    .thread_destroy = h_thread_destroy,
    .object_create = h_object_create,
    .object_destroy = h_object_destroy,
    .info = h_info,
};

/* The size of our own untyped: the largest child it can make whole. */
static unsigned untyped_bits(l4_cptr_t ut)
{
    for (unsigned b = 30; b >= 12; b--)
        if (memsys_untyped_probe(&msys, ut, b) == L4_NO_ERROR)
            return b;
    return 0;
}

/* Our MCP: the highest priority our TCB may give a thread, probed on a
 * TCB of our own that never runs (it stays, 2 KiB of our untyped, as
 * msys.scratch_tcb: its ReadFPU checks batch frames). */
static uint8_t probe_mcp(l4_cptr_t self)
{
    struct l4_object t;
    if (l4_untyped_alloc_object(&own_ua, L4_OBJECT_TCB, 0, 0, &t))
        return 0;
    msys.scratch_tcb = t.cap;
    for (unsigned p = L4_MAX_PRIORITY; p > 0; p--)
        if (l4_tcb_set_priority(t.cap, self, (uint8_t)p) == L4_NO_ERROR)
            return (uint8_t)p;
    return 0;
}

/* Print a line: through the console server ("console", the platform's
 * way), else the kernel's debug console (a test harness's "debug_console"). */
static void say(const char *fmt, ...)
{
    char buf[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    l4_cptr_t con = l4_rt_cap(L4_PLAT_CAP_CONSOLE);
    if (!con) {
        l4_puts(buf);
        return;
    }
    for (size_t off = 0, len = strlen(buf); off < len; off += 24) {
        l4_word_t w[3] = {0, 0, 0};
        size_t n = len - off > 24 ? 24 : len - off;
        memcpy(w, buf + off, n);
        if (console_write(con, (uint8_t)n, w[0], w[1], w[2], NULL) != L4_NO_ERROR)
            return;
    }
}

/* The heap: 2 MiB frames from our untyped of 2^bits bytes, or the arena.
 * Returns its size. Before the first allocation. */
static size_t heap_setup(unsigned bits)
{
    l4_word_t n = 0;
    if (bits >= 22) {
        /* the tables made before push the first frame to 2 MiB; from 8 MiB
         * on, the last 2 MiB stay out of the heap for what is made after
         * it (the Reply object, the tables of the batch pages) */
        l4_word_t want = bits >= 23 ? ((UINT64_C(1) << bits) >> 21) - 2
                                    : ((UINT64_C(1) << bits) - (UINT64_C(1) << 20)) >> 21;
        want = want > HEAP_MAX_LARGE ? HEAP_MAX_LARGE : want;
        while (n < want &&
               l4_vspace_map_new(&own_vs, HEAP_VA + (n << 21), 21,
                                 L4_VM_RIGHTS_READ | L4_VM_RIGHTS_WRITE, 0, NULL) == L4_NO_ERROR)
            n++;
    }
    if (n && l4_rt_heap_init((void *)HEAP_VA, n << 21) == 0)
        return n << 21;
    l4_rt_heap_init(heap, sizeof heap);
    return sizeof heap;
}

static int fail(const char *why)
{
    say("mem: %s\n", why);
    return 1;
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    const struct l4_start_info *si = l4_rt_start_info();
    l4_cptr_t ep = l4_rt_cap(L4_PLAT_CAP_EP), ut = l4_rt_cap(L4_PLAT_CAP_UNTYPED);
    if (!si || !ep || !ut)
        return fail("no start-info page, ep or untyped");
    l4_word_t count = si->free_count > (1u << 16) ? (1u << 16) : si->free_count;
    if (l4_slot_alloc_init(&slots, si->free_first, count, slot_bits, L4_SLOT_BITMAP_WORDS(count)))
        return fail("bad free slots");
    l4_word_t recv, inbox, reply;
    if (l4_slot_alloc(&slots, &recv) || l4_slot_alloc(&slots, &inbox) ||
        l4_slot_alloc(&slots, &msys.scratch))
        return fail("no slots");
    msys.cnode = si->cnode;
    msys.tcb = si->tcb;
    msys.vs = &own_vs;
    static const struct l4_cspace_dest dest = {.root = 0, .cptr_depth = 64};
    struct l4_cspace_dest d = dest;
    d.root = si->cnode;
    unsigned bits = untyped_bits(ut);
    l4_untyped_alloc_init(&own_ua, own_uts, 1, &slots, &d);
    if (!bits || l4_untyped_alloc_add(&own_ua, ut, bits, 0, false))
        return fail("own untyped unusable");
    l4_vspace_init(&own_vs, si->vspace, &own_ua, own_tables, 8, own_frames,
                   sizeof own_frames / sizeof own_frames[0]);
    size_t heap_bytes = heap_setup(bits);
    struct l4_object r;
    if (l4_untyped_alloc_object(&own_ua, L4_OBJECT_REPLY, 0, 0, &r))
        return fail("no Reply object");
    reply = r.cap;
    sys_ops = memsys_ops_template;
    sys_ops.ctx = &msys;
    /* our MCP bounds the priorities we may give threads */
    uint8_t mcp = probe_mcp(si->tcb);
    memsrv_init(&srv, &sys_ops, &slots, &d, mcp, inbox);

    struct l4_ipc_buffer *ipc = l4_ipc_buffer();
    l4_word_t badge, mrs[L4_MSG_REGISTERS];
    l4_msginfo_t info;
    ipc->receive_cnode = si->cnode;
    ipc->receive_index = recv;
    ipc->receive_depth = 64;
    say("mem: serving (own untyped 2^%u, heap %lu KiB, MCP %u, slots %lu..%lu)\n", bits,
        (unsigned long)(heap_bytes >> 10), mcp, (unsigned long)si->free_first,
        (unsigned long)(si->free_first + count - 1));
    l4_rt_ready(); /* the root task may send its admin messages now */
    l4_recv_mrs(ep, reply, &badge, &info, mrs);
    for (;;) {
        l4_word_t ncaps = l4_msginfo_get_extra_caps(info);
        l4_msginfo_t out = mem_dispatch(&ops, NULL, badge, info, mrs, ipc, recv);
        if (ncaps)
            l4_cnode_delete(si->cnode, recv, 64); /* whatever arrived and was not taken */
        ipc->receive_cnode = si->cnode;
        ipc->receive_index = recv;
        ipc->receive_depth = 64;
        l4_reply_recv_mrs(ep, out, reply, &badge, &info, mrs);
    }
}
