/* SPDX-License-Identifier: MIT */
/*
 * Objects, threads and address spaces of the IPC benchmark (see bench.h).
 *
 * Each benchmark gets a fresh Untyped of 2^BENCH_UNTYPED_BITS bytes, split
 * from the largest boot untyped, and the root CNode's free slots from the
 * bottom up; bench_end() revokes and deletes that Untyped (destroying every
 * thread, endpoint and page table the benchmark made) and empties the slots
 * (the copies of image-frame capabilities are not derived from it), so
 * every benchmark starts from the same state and nothing of the last one
 * is left runnable.
 *
 * The watchdog thread (bench_watchdog_start) is made once, from another
 * boot untyped, into the slot after the benchmark's untyped, and lives for
 * the whole run.
 *
 * The second address space of the cross-space benchmarks is a new PML4
 * with one PDPT, PD and PT, mapping copies of the image-frame capabilities
 * that cover remote.S (read+execute, at the same addresses) and one fresh
 * frame per thread for its IPC buffer. It shares the root CNode, so only
 * the VSpace differs from the same-space runs.
 */
#include "bench.h"

#define BENCH_UNTYPED_BITS 22
#define PAGE_SIZE          UINT64_C(0x1000)
#define PT_REACH           UINT64_C(0x200000)
#define STACK_SIZE         (16 * 1024)
#define MAX_THREADS        2 /* runtime threads per benchmark */
#define MAX_ROOT_IPC       4 /* register-only threads in the root space */

struct thread_record {
    struct l4_rt_thread t;
    _Alignas(16) unsigned char stack[STACK_SIZE];
};

static struct thread_record records[MAX_THREADS], watchdog_record;
static struct l4_ipc_buffer root_ipc[MAX_ROOT_IPC] __attribute__((aligned(L4_IPC_BUFFER_SIZE)));
static unsigned records_used, root_ipc_used;

static l4_cptr_t big_untyped, spare_untyped, bench_untyped, watchdog_slot;
static l4_cptr_t slot_base, slot_next, slot_end;

int bench_res_init(const struct l4_boot_info *bi)
{
    int best = -1;
    for (l4_word_t i = 0; i < bi->num_untyped && i < bi->untyped.count; i++) {
        const struct l4_untyped_desc *d = &bi->untyped_list[i];
        if (d->is_device || d->size_bits < BENCH_UNTYPED_BITS)
            continue;
        if (best < 0 || d->size_bits > bi->untyped_list[best].size_bits)
            best = (int)i;
    }
    if (best < 0 || bi->empty.count < 64) {
        bench_fail("setup", "no boot untyped of 2^%d bytes, or too few free slots",
                   BENCH_UNTYPED_BITS);
        return -1;
    }
    big_untyped = bi->untyped.first + (l4_word_t)best;
    spare_untyped = L4_CPTR_NULL;
    for (l4_word_t i = 0; i < bi->num_untyped && i < bi->untyped.count; i++)
        if ((int)i != best && !bi->untyped_list[i].is_device &&
            bi->untyped_list[i].size_bits >= L4_OBJECT_TCB_SIZE_BITS + 1)
            spare_untyped = bi->untyped.first + i;
    bench_untyped = bi->empty.first;
    watchdog_slot = bench_untyped + 1;
    slot_base = slot_next = bench_untyped + 2;
    slot_end = bi->empty.first + bi->empty.count;
    return 0;
}

int bench_watchdog_start(void (*fn)(l4_word_t))
{
    l4_error_t e = L4_NOT_ENOUGH_MEMORY;
    if (spare_untyped != L4_CPTR_NULL)
        e = l4_untyped_retype(spare_untyped, L4_OBJECT_TCB, 0, BENCH_CNODE, 0, 0, watchdog_slot, 1);
    struct l4_rt_thread_config c = {
        .tcb = watchdog_slot,
        .cspace = BENCH_CNODE,
        .vspace = L4_ROOT_SLOT_VSPACE,
        .ipc_frame = l4_rt_image_frame(&watchdog_record.t.ipc_buffer),
        .authority = L4_ROOT_SLOT_TCB,
        .priority = BENCH_PRIO_WATCHDOG,
        .stack_top = watchdog_record.stack + sizeof watchdog_record.stack,
        .fault_ep = L4_CPTR_NULL,
    };
    if (e == L4_NO_ERROR) {
        l4_debug_name_thread(watchdog_slot, "bench-watchdog");
        e = l4_rt_thread_start(&watchdog_record.t, &c, fn, 0);
    }
    if (e != L4_NO_ERROR) {
        bench_fail("setup", "starting the watchdog failed: %s", l4_error_name(e));
        return -1;
    }
    return 0;
}

l4_cptr_t bench_watchdog(void)
{
    return watchdog_slot;
}

int bench_begin(void)
{
    slot_next = slot_base;
    records_used = root_ipc_used = 0;
    l4_error_t e = l4_untyped_retype(big_untyped, L4_OBJECT_UNTYPED, BENCH_UNTYPED_BITS,
                                     BENCH_CNODE, 0, 0, bench_untyped, 1);
    if (e != L4_NO_ERROR) {
        bench_fail("setup", "retyping the benchmark's untyped failed: %s", l4_error_name(e));
        return -1;
    }
    return 0;
}

void bench_end(void)
{
    l4_error_t e = l4_cnode_revoke(BENCH_CNODE, bench_untyped, BENCH_DEPTH);
    if (e == L4_NO_ERROR)
        e = l4_cnode_delete(BENCH_CNODE, bench_untyped, BENCH_DEPTH);
    for (l4_cptr_t s = slot_base; s < slot_next && e == L4_NO_ERROR; s++)
        e = l4_cnode_delete(BENCH_CNODE, s, BENCH_DEPTH);
    if (e != L4_NO_ERROR)
        bench_fail("setup", "releasing the benchmark's objects failed: %s", l4_error_name(e));
}

static l4_cptr_t take_slot(const char *name)
{
    if (slot_next == slot_end) {
        bench_fail(name, "out of free slots");
        return 0;
    }
    return slot_next++;
}

l4_cptr_t bench_slot(const char *name)
{
    return take_slot(name);
}

l4_cptr_t bench_new_sized(const char *name, l4_object_type_t type, unsigned size_bits)
{
    l4_cptr_t slot = take_slot(name);
    if (!slot)
        return 0;
    l4_error_t e = l4_untyped_retype(bench_untyped, type, size_bits, BENCH_CNODE, 0, 0, slot, 1);
    if (e != L4_NO_ERROR) {
        bench_fail(name, "retyping a %s failed: %s", l4_cap_type_name(type), l4_error_name(e));
        return 0;
    }
    return slot;
}

l4_cptr_t bench_new(const char *name, l4_object_type_t type)
{
    return bench_new_sized(name, type, 0);
}

void bench_space_root(struct bench_space *s)
{
    s->vspace = L4_ROOT_SLOT_VSPACE;
    s->remote = 0;
    s->next_ipc_va = 0;
}

/* Map a new PDPT, PD and PT in vspace to cover va. */
static int map_tables(const char *name, l4_cptr_t vspace, l4_word_t va)
{
    static const l4_object_type_t types[] = {L4_OBJECT_PDPT, L4_OBJECT_PD, L4_OBJECT_PT};
    for (unsigned i = 0; i < 3; i++) {
        l4_cptr_t t = bench_new(name, types[i]);
        if (!t)
            return -1;
        l4_error_t e = l4_page_table_map(t, vspace, va, 0);
        if (e != L4_NO_ERROR) {
            bench_fail(name, "PageTableMap of a %s failed: %s", l4_cap_type_name(types[i]),
                       l4_error_name(e));
            return -1;
        }
    }
    return 0;
}

int bench_space_remote(const char *name, struct bench_space *s)
{
    l4_word_t lo = (l4_word_t)bench_remote_start & ~(PAGE_SIZE - 1);
    l4_word_t hi = ((l4_word_t)bench_remote_end + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    l4_word_t ipc_top = (lo & ~(PT_REACH - 1)) + PT_REACH;
    if (hi > ipc_top - MAX_THREADS * PAGE_SIZE) {
        bench_fail(name, "remote.S is too close to the end of its 2 MiB region");
        return -1;
    }
    s->vspace = bench_new(name, L4_OBJECT_PML4);
    s->remote = 1;
    s->next_ipc_va = ipc_top - PAGE_SIZE;
    if (!s->vspace || map_tables(name, s->vspace, lo))
        return -1;
    for (l4_word_t va = lo; va < hi; va += PAGE_SIZE) {
        l4_cptr_t src = l4_rt_image_frame((const void *)va);
        l4_cptr_t copy = take_slot(name);
        if (!src || !copy)
            return -1;
        l4_error_t e = l4_cnode_copy(BENCH_CNODE, copy, BENCH_DEPTH, BENCH_CNODE, src, BENCH_DEPTH,
                                     L4_CAP_RIGHTS_ALL);
        if (e == L4_NO_ERROR)
            e = l4_frame_map(copy, s->vspace, va, L4_VM_RIGHTS_READ | L4_VM_RIGHTS_EXECUTE, 0);
        if (e != L4_NO_ERROR) {
            bench_fail(name, "mapping the image page %#lx in the second space failed: %s",
                       (unsigned long)va, l4_error_name(e));
            return -1;
        }
    }
    return 0;
}

l4_cptr_t bench_thread(const char *name, void (*fn)(l4_word_t), l4_word_t arg, uint8_t prio,
                       l4_cptr_t fault_ep)
{
    if (records_used == MAX_THREADS) {
        bench_fail(name, "more than %d runtime threads", MAX_THREADS);
        return 0;
    }
    struct thread_record *r = &records[records_used];
    l4_cptr_t tcb = bench_new(name, L4_OBJECT_TCB);
    if (!tcb)
        return 0;
    records_used++;
    l4_debug_name_thread(tcb, name);
    struct l4_rt_thread_config c = {
        .tcb = tcb,
        .cspace = BENCH_CNODE,
        .vspace = L4_ROOT_SLOT_VSPACE,
        .ipc_frame = l4_rt_image_frame(&r->t.ipc_buffer),
        .authority = L4_ROOT_SLOT_TCB,
        .priority = prio,
        .stack_top = r->stack + sizeof r->stack,
        .fault_ep = fault_ep,
    };
    l4_error_t e = l4_rt_thread_start(&r->t, &c, fn, arg);
    if (e != L4_NO_ERROR) {
        bench_fail(name, "starting a thread failed: %s", l4_error_name(e));
        return 0;
    }
    return tcb;
}

/* The IPC buffer of a new register-only thread in s: address and frame. */
static int asm_ipc_buffer(const char *name, struct bench_space *s, l4_word_t *va, l4_cptr_t *frame)
{
    if (!s->remote) {
        if (root_ipc_used == MAX_ROOT_IPC) {
            bench_fail(name, "more than %d register-only threads", MAX_ROOT_IPC);
            return -1;
        }
        struct l4_ipc_buffer *b = &root_ipc[root_ipc_used++];
        *va = (l4_word_t)b;
        *frame = l4_rt_image_frame(b);
        return 0;
    }
    *va = s->next_ipc_va;
    *frame = bench_new(name, L4_OBJECT_FRAME_4K);
    if (!*frame)
        return -1;
    s->next_ipc_va -= PAGE_SIZE;
    l4_error_t e = l4_frame_map(*frame, s->vspace, *va, L4_VM_RIGHTS_READ | L4_VM_RIGHTS_WRITE, 0);
    if (e != L4_NO_ERROR) {
        bench_fail(name, "mapping an IPC buffer failed: %s", l4_error_name(e));
        return -1;
    }
    return 0;
}

l4_cptr_t bench_asm_thread(const char *name, struct bench_space *s, void (*entry)(void),
                           l4_word_t r12, l4_word_t r13, l4_word_t r14, uint8_t prio)
{
    l4_word_t ipc_va;
    l4_cptr_t ipc_frame;
    l4_cptr_t tcb = bench_new(name, L4_OBJECT_TCB);
    if (!tcb || asm_ipc_buffer(name, s, &ipc_va, &ipc_frame))
        return 0;
    l4_debug_name_thread(tcb, name);
    l4_error_t e =
        l4_tcb_configure(tcb, L4_CPTR_NULL, BENCH_CNODE, 0, s->vspace, ipc_va, ipc_frame);
    if (e == L4_NO_ERROR)
        e = l4_tcb_set_priority(tcb, L4_ROOT_SLOT_TCB, prio);
    struct l4_user_context ctx = {0};
    ctx.rip = (l4_word_t)entry;
    ctx.r12 = r12;
    ctx.r13 = r13;
    ctx.r14 = r14;
    if (e == L4_NO_ERROR)
        e = l4_tcb_write_registers(tcb, true, L4_USER_CONTEXT_WORDS, &ctx);
    if (e != L4_NO_ERROR) {
        bench_fail(name, "starting a register-only thread failed: %s", l4_error_name(e));
        return 0;
    }
    return tcb;
}
