/* SPDX-License-Identifier: MIT */
/*
 * Randomized stress runs of capability operations and thread life cycles.
 *
 * stress_cap_ops drives a fixed-seed random but mostly valid sequence of
 * Retype, Copy, Mint, Move, Mutate, Delete and Revoke over a pool of root
 * CNode slots, the test's untyped and the untypeds made from it, against
 * a model of the kernel's derivation tree (docs/kernel/capabilities.md:
 * one preorder list, derived capabilities inserted after their source,
 * descendants found by the parent relation, untyped watermarks reset when
 * nothing made from an untyped is left). After every step the status must
 * be the one the model predicts, every pool slot must hold the type the
 * model says (DebugCapIdentify) and DebugCheckInvariants must return 0.
 *
 * stress_thread_ops starts threads that block in Send, Recv or Wait on a
 * few endpoints and notifications, then randomly suspends, resumes and
 * deletes them, signals, sends and receives, and deletes and remakes the
 * objects they wait on; after every step every thread must be blocked or
 * stopped (the priority-1 helper gets the CPU) and the invariants hold.
 *
 * Lengths: STRESS_STEPS and THREAD_STEPS at compile time (-D...), or the
 * words stress_steps=N, stress_seed=N and thread_steps=N on the kernel
 * command line (boot info) for a longer run.
 */
#include <l4/rt.h>
#include "utest.h"

#ifndef STRESS_STEPS
#define STRESS_STEPS 3000
#endif
#ifndef THREAD_STEPS
#define THREAD_STEPS 1000
#endif
#define STRESS_SEED UINT64_C(0x5eed0f7e55e7a001)

#define ALL L4_CAP_RIGHTS_ALL

static unsigned below(unsigned n)
{
    return (unsigned)(ut_rnd() % n);
}

/* The number after "key=" on the boot command line, or def. */
static uint64_t cmdline_knob(const char *key, uint64_t def)
{
    const char *p = ut_boot_info()->cmdline;
    size_t max = sizeof ut_boot_info()->cmdline, klen = 0;
    while (key[klen])
        klen++;
    for (size_t i = 0; i + klen < max && p[i]; i++) {
        if (i > 0 && p[i - 1] != ' ')
            continue;
        size_t k = 0;
        while (k < klen && p[i + k] == key[k])
            k++;
        if (k < klen || p[i + k] != '=')
            continue;
        uint64_t v = 0;
        for (size_t j = i + k + 1; j < max && p[j] >= '0' && p[j] <= '9'; j++)
            v = v * 10 + (uint64_t)(p[j] - '0');
        return v;
    }
    return def;
}

/* ==== the capability model ========================================================= */

#define POOL     64
#define UT_ENTRY POOL /* the model entry of the test's untyped */
#define NONE     (-1)

struct mcap {
    l4_cap_type_t type; /* L4_CAP_NULL: empty */
    int revocable, first_badged;
    unsigned bits;  /* log2 of the object's size */
    unsigned radix; /* CNode */
    uint64_t addr;  /* offset from the test's untyped */
    uint64_t badge; /* endpoint, notification */
    uint64_t free;  /* untyped: watermark */
    int prev, next; /* the derivation list, NONE at either end */
};

static struct mcap m[POOL + 1];
static l4_cptr_t pool_base;

static l4_cptr_t slot_of(int e)
{
    return e == UT_ENTRY ? ut_untyped() : pool_base + (l4_cptr_t)e;
}

static int full(int e)
{
    return m[e].type != L4_CAP_NULL;
}

static int same_object(const struct mcap *a, const struct mcap *b)
{
    if (a->type != b->type || a->type == L4_CAP_NULL)
        return 0;
    if (a->type == L4_CAP_UNTYPED)
        return a->addr == b->addr && a->bits == b->bits;
    return a->addr == b->addr;
}

static int covers(const struct mcap *u, const struct mcap *c)
{
    if (u->type != L4_CAP_UNTYPED || c->type == L4_CAP_NULL)
        return 0;
    uint64_t base = u->addr, end = base + (UINT64_C(1) << u->bits);
    uint64_t size = UINT64_C(1) << c->bits;
    return c->addr >= base && size <= end - c->addr && c->addr < end;
}

/* derivation_is_parent_of() */
static int is_parent_of(int a, int b)
{
    const struct mcap *ca = &m[a], *cb = &m[b];
    if (!ca->revocable)
        return 0;
    if (ca->type == L4_CAP_UNTYPED)
        return covers(ca, cb);
    if (!same_object(ca, cb))
        return 0;
    if (ca->type == L4_CAP_ENDPOINT || ca->type == L4_CAP_NOTIFICATION) {
        if (ca->badge == 0)
            return 1;
        return ca->badge == cb->badge && !cb->first_badged;
    }
    return 1;
}

static int has_children(int e)
{
    return m[e].next != NONE && is_parent_of(e, m[e].next);
}

static void list_remove(int e)
{
    int p = m[e].prev, n = m[e].next;
    if (p != NONE)
        m[p].next = n;
    if (n != NONE)
        m[n].prev = p;
    m[e] = (struct mcap){.type = L4_CAP_NULL, .prev = NONE, .next = NONE};
}

static void list_insert_after(int e, int parent)
{
    m[e].prev = parent;
    m[e].next = m[parent].next;
    if (m[parent].next != NONE)
        m[m[parent].next].prev = e;
    m[parent].next = e;
}

/* Objects in the model hold no capabilities (no CNode is ever filled, no
 * TCB configured), so destroying one (deleting its last capability)
 * deletes nothing else. */
static void model_delete(int e)
{
    if (full(e))
        list_remove(e);
}

static void model_revoke(int e)
{
    while (has_children(e))
        model_delete(m[e].next);
}

static unsigned object_bits(l4_cap_type_t type, unsigned size)
{
    switch (type) {
    case L4_CAP_UNTYPED:
        return size;
    case L4_CAP_CNODE:
        return size + 5;
    case L4_CAP_TCB:
        return L4_OBJECT_TCB_SIZE_BITS;
    case L4_CAP_ENDPOINT:
        return L4_OBJECT_ENDPOINT_SIZE_BITS;
    case L4_CAP_NOTIFICATION:
        return L4_OBJECT_NOTIFICATION_SIZE_BITS;
    case L4_CAP_REPLY:
        return L4_OBJECT_REPLY_SIZE_BITS;
    default:
        return L4_OBJECT_FRAME_4K_SIZE_BITS;
    }
}

/* Retype: the kernel's checks in its order, then untyped_place(). */
static l4_error_t model_retype(int src, l4_cap_type_t type, unsigned size, int dest, unsigned n)
{
    if (!full(src))
        return L4_INVALID_CAPABILITY;
    if (m[src].type != L4_CAP_UNTYPED)
        return L4_ILLEGAL_OPERATION;
    for (unsigned i = 0; i < n; i++)
        if (full(dest + (int)i))
            return L4_DELETE_FIRST;
    unsigned bits = object_bits(type, size), ut_bits = m[src].bits;
    if (bits > ut_bits)
        return L4_NOT_ENOUGH_MEMORY;
    uint64_t usize = UINT64_C(1) << ut_bits, align = (UINT64_C(1) << bits) - 1;
    uint64_t start = has_children(src) ? m[src].free : 0;
    start = (start + align) & ~align;
    if (start > usize || n > (usize - start) >> bits)
        return L4_NOT_ENOUGH_MEMORY;
    for (unsigned i = 0; i < n; i++) {
        int d = dest + (int)i;
        m[d] = (struct mcap){
            .type = type,
            .revocable = 1,
            .bits = bits,
            .radix = type == L4_CAP_CNODE ? size : 0,
            .addr = m[src].addr + start + ((uint64_t)i << bits),
        };
        list_insert_after(d, src);
    }
    m[src].free = start + ((uint64_t)n << bits);
    return L4_NO_ERROR;
}

/* cnode_apply_data() on a copy of the source's capability. */
static l4_error_t apply_data(struct mcap *c, uint64_t data)
{
    switch (c->type) {
    case L4_CAP_ENDPOINT:
    case L4_CAP_NOTIFICATION:
        if (c->badge != 0)
            return L4_ILLEGAL_OPERATION;
        if (data >> L4_BADGE_BITS)
            return L4_RANGE_ERROR;
        c->badge = data;
        return L4_NO_ERROR;
    case L4_CAP_CNODE: {
        uint64_t gsize = l4_cnode_guard_get_guard_size(data),
                 guard = l4_cnode_guard_get_guard(data);
        if (gsize + c->radix > 64 || (gsize < 64 && (guard >> gsize)) || (guard >> L4_GUARD_BITS))
            return L4_RANGE_ERROR;
        return L4_NO_ERROR;
    }
    default:
        return data ? L4_ILLEGAL_OPERATION : L4_NO_ERROR;
    }
}

static l4_error_t model_copy(int dest, int src, int mint, uint64_t data)
{
    if (full(dest))
        return L4_DELETE_FIRST;
    if (!full(src))
        return L4_FAILED_LOOKUP;
    if (m[src].type == L4_CAP_UNTYPED || m[src].type == L4_CAP_REPLY)
        return L4_ILLEGAL_OPERATION;
    struct mcap c = m[src];
    c.revocable = c.first_badged = 0;
    if (mint) {
        int was_unbadged = c.badge == 0;
        l4_error_t e = apply_data(&c, data);
        if (e != L4_NO_ERROR)
            return e;
        if (was_unbadged && c.badge != 0)
            c.revocable = c.first_badged = 1;
    }
    m[dest] = c;
    list_insert_after(dest, src);
    return L4_NO_ERROR;
}

static l4_error_t model_move(int dest, int src, int mutate, uint64_t data)
{
    if (full(dest))
        return L4_DELETE_FIRST;
    if (!full(src))
        return L4_FAILED_LOOKUP;
    struct mcap c = m[src];
    if (mutate) {
        if (has_children(src))
            return L4_REVOKE_FIRST;
        l4_error_t e = apply_data(&c, data);
        if (e != L4_NO_ERROR)
            return e;
    }
    /* derivation_move(): the entry keeps its place and flags */
    m[dest] = c;
    if (c.prev != NONE)
        m[c.prev].next = dest;
    if (c.next != NONE)
        m[c.next].prev = dest;
    m[src] = (struct mcap){.type = L4_CAP_NULL, .prev = NONE, .next = NONE};
    return L4_NO_ERROR;
}

/* ---- choosing operands ---- */

/* A random pool entry, full (want 1) or empty (want 0) if there is one,
 * and any entry one time in ten. */
static int pick(int want)
{
    if (below(10) == 0)
        return (int)below(POOL);
    int start = (int)below(POOL);
    for (int k = 0; k < POOL; k++) {
        int e = (start + k) % POOL;
        if (full(e) == want)
            return e;
    }
    return start;
}

/* A random untyped of the model (the test's own half the time). */
static int pick_untyped(void)
{
    if (below(2) == 0)
        return UT_ENTRY;
    int start = (int)below(POOL);
    for (int k = 0; k < POOL; k++) {
        int e = (start + k) % POOL;
        if (m[e].type == L4_CAP_UNTYPED)
            return e;
    }
    return UT_ENTRY;
}

/* Invocable as a retype source without starting IPC: no endpoint,
 * notification or Reply capability. */
static int safe_to_invoke(int e)
{
    l4_cap_type_t t = m[e].type;
    return t != L4_CAP_ENDPOINT && t != L4_CAP_NOTIFICATION && t != L4_CAP_REPLY;
}

static const l4_cap_type_t retype_types[] = {
    L4_CAP_UNTYPED, L4_CAP_TCB,   L4_CAP_ENDPOINT, L4_CAP_NOTIFICATION,
    L4_CAP_CNODE,   L4_CAP_REPLY, L4_CAP_FRAME_4K,
};

enum op {
    OP_RETYPE,
    OP_COPY,
    OP_MINT,
    OP_MOVE,
    OP_MUTATE,
    OP_DELETE,
    OP_REVOKE,
    OP_REVOKE_ALL,
    OPS
};

static const char *const op_names[OPS] = {"retype", "copy",   "mint",   "move",
                                          "mutate", "delete", "revoke", "revoke-all"};

static enum op pick_op(void)
{
    unsigned r = below(1000);
    return r < 250   ? OP_RETYPE
           : r < 400 ? OP_COPY
           : r < 500 ? OP_MINT
           : r < 600 ? OP_MOVE
           : r < 670 ? OP_MUTATE
           : r < 840 ? OP_DELETE
           : r < 995 ? OP_REVOKE
                     : OP_REVOKE_ALL;
}

/* A badge or guard word: mostly valid, sometimes too wide or zero. */
static uint64_t pick_data(int src)
{
    unsigned r = below(20);
    if (r == 0)
        return 0;
    if (r == 1)
        return UINT64_C(1) << L4_BADGE_BITS;
    if (src >= 0 && m[src].type == L4_CAP_CNODE)
        return r == 2 ? l4_cnode_guard_new(1, 0) : l4_cnode_guard_new(below(4), 2);
    if (src >= 0 && m[src].type != L4_CAP_ENDPOINT && m[src].type != L4_CAP_NOTIFICATION)
        return r < 10 ? 0 : 1;
    return 1 + ut_rnd() % 0xffff;
}

/* Compare every pool slot with the model; report the first difference. */
static int pool_agrees(unsigned step, const char *what)
{
    for (int e = 0; e < POOL; e++) {
        l4_cap_type_t t = l4_debug_cap_identify(slot_of(e));
        if (t != m[e].type) {
            ut_fail(__FILE__, __LINE__, "step %u (%s): slot %d holds %s, the model says %s", step,
                    what, e, l4_cap_type_name(t), l4_cap_type_name(m[e].type));
            return 0;
        }
    }
    return 1;
}

UTEST(stress_cap_ops, "a fixed-seed random run of Retype, Copy, Mint, Move, Mutate, Delete and "
                      "Revoke agrees with a model of the derivation tree, invariants intact")
{
    unsigned steps = (unsigned)cmdline_knob("stress_steps", STRESS_STEPS);
    uint64_t seed = cmdline_knob("stress_seed", STRESS_SEED);
    ut_rnd_seed(seed ? seed : STRESS_SEED);
    pool_base = ut_slots(POOL);
    UT_ASSERT(pool_base);
    for (int e = 0; e < POOL; e++)
        m[e] = (struct mcap){.type = L4_CAP_NULL, .prev = NONE, .next = NONE};
    m[UT_ENTRY] = (struct mcap){.type = L4_CAP_UNTYPED,
                                .revocable = 1,
                                .bits = UT_UNTYPED_BITS,
                                .prev = NONE,
                                .next = NONE};
    unsigned count[OPS][L4_ERROR_COUNT] = {{0}};
    unsigned max_full = 0;

    for (unsigned step = 0; step < steps; step++) {
        enum op op = pick_op();
        l4_error_t want = L4_NO_ERROR, got = L4_NO_ERROR;
        int a = 0, b = 0;
        switch (op) {
        case OP_RETYPE: {
            a = pick_untyped();
            if (below(20) == 0) { /* a source that is no untyped, or empty */
                int s = (int)below(POOL);
                if (safe_to_invoke(s))
                    a = s;
            }
            l4_cap_type_t type = retype_types[below(sizeof retype_types / sizeof retype_types[0])];
            unsigned size = type == L4_CAP_UNTYPED ? 8 + below(9)
                            : type == L4_CAP_CNODE ? 1 + below(4)
                                                   : 0;
            b = pick(0);
            unsigned n = 1 + below(3);
            if (n > (unsigned)(POOL - b))
                n = (unsigned)(POOL - b);
            want = model_retype(a, type, size, b, n);
            got = l4_untyped_retype(slot_of(a), (l4_object_type_t)type, size, UT_CNODE, 0, 0,
                                    slot_of(b), n);
            break;
        }
        case OP_COPY:
        case OP_MINT: {
            a = pick(0);
            b = pick(1);
            uint64_t data = op == OP_MINT ? pick_data(b) : 0;
            l4_cap_rights_t rights = below(4) ? ALL : (l4_cap_rights_t)below(16);
            want = model_copy(a, b, op == OP_MINT, data);
            got = op == OP_MINT ? l4_cnode_mint(UT_CNODE, slot_of(a), UT_DEPTH, UT_CNODE,
                                                slot_of(b), UT_DEPTH, rights, data)
                                : l4_cnode_copy(UT_CNODE, slot_of(a), UT_DEPTH, UT_CNODE,
                                                slot_of(b), UT_DEPTH, rights);
            break;
        }
        case OP_MOVE:
        case OP_MUTATE: {
            a = pick(0);
            b = pick(1);
            uint64_t data = op == OP_MUTATE ? pick_data(b) : 0;
            want = model_move(a, b, op == OP_MUTATE, data);
            got = op == OP_MUTATE ? l4_cnode_mutate(UT_CNODE, slot_of(a), UT_DEPTH, UT_CNODE,
                                                    slot_of(b), UT_DEPTH, data)
                                  : l4_cnode_move(UT_CNODE, slot_of(a), UT_DEPTH, UT_CNODE,
                                                  slot_of(b), UT_DEPTH);
            break;
        }
        case OP_DELETE:
            a = pick(1);
            model_delete(a);
            got = l4_cnode_delete(UT_CNODE, slot_of(a), UT_DEPTH);
            break;
        case OP_REVOKE:
            a = below(4) ? pick(1) : pick_untyped();
            model_revoke(a);
            got = l4_cnode_revoke(UT_CNODE, slot_of(a), UT_DEPTH);
            break;
        case OP_REVOKE_ALL:
        default:
            a = UT_ENTRY;
            model_revoke(a);
            got = l4_cnode_revoke(UT_CNODE, slot_of(a), UT_DEPTH);
            break;
        }
        if (got < L4_ERROR_COUNT)
            count[op][got]++;
        if (got != want) {
            ut_fail(__FILE__, __LINE__, "step %u: %s(%d, %d): got %s, the model says %s", step,
                    op_names[op], a, b, l4_error_name(got), l4_error_name(want));
            return;
        }
        if (!pool_agrees(step, op_names[op]))
            return;
        l4_word_t v = l4_debug_check_invariants();
        if (v != 0) {
            ut_fail(__FILE__, __LINE__, "step %u (%s): %lu invariant violations", step,
                    op_names[op], (unsigned long)v);
            return;
        }
        unsigned nfull = 0;
        for (int e = 0; e < POOL; e++)
            nfull += (unsigned)full(e);
        if (nfull > max_full)
            max_full = nfull;
    }

    l4_printf("# %u steps, at most %u of %u slots full\n", steps, max_full, POOL);
    for (unsigned op = 0; op < OPS; op++) {
        l4_printf("#   %-10s", op_names[op]);
        for (unsigned k = 0; k < L4_ERROR_COUNT; k++)
            if (count[op][k])
                l4_printf(" %s %u", l4_error_name(k), count[op][k]);
        l4_printf("\n");
    }
    /* revoking the test's untyped empties the pool */
    model_revoke(UT_ENTRY);
    UT_OK(l4_cnode_revoke(UT_CNODE, ut_untyped(), UT_DEPTH));
    UT_ASSERT(pool_agrees(steps, "final revoke"));
    for (int e = 0; e < POOL; e++)
        UT_EQ(m[e].type, L4_CAP_NULL);
    UT_EQ(l4_debug_check_invariants(), 0);
}

/* ==== threads ======================================================================== */

#define NTHREADS 6
#define NOBJ     4 /* endpoints 0, 1; notifications 2, 3 */

static struct {
    struct l4_rt_thread t;
    _Alignas(16) unsigned char stack[8192];
} rec[NTHREADS];

static volatile unsigned ipcs, ends;

/* IPCs a worker completes before it ends: two workers sending to and
 * receiving from each other would otherwise never block. */
#define WORKER_IPCS 4

/* What a thread does on object A until an IPC fails: B = 0 receive,
 * 1 send, 2 call (endpoints), 3 wait (notifications). */
static _Noreturn void worker(l4_word_t arg)
{
    unsigned i = UT_ARG_I(arg);
    l4_cptr_t obj = UT_ARG_A(arg);
    l4_error_t e;
    unsigned n = 0;
    do {
        l4_word_t mrs[L4_MSG_REGISTERS] = {i};
        switch (UT_ARG_B(arg)) {
        case 0:
            e = l4_recv_mrs(obj, L4_CPTR_NULL, 0, 0, mrs);
            break;
        case 1:
            e = l4_send_mrs(obj, l4_msginfo_new(0, 0, 0, 1), mrs);
            break;
        case 2:
            e = l4_call_mrs(obj, l4_msginfo_new(0, 0, 0, 1), 0, mrs);
            break;
        default:
            e = l4_wait(obj, 0);
            break;
        }
        ipcs += e == L4_NO_ERROR;
    } while (e == L4_NO_ERROR && ++n < WORKER_IPCS);
    ends++;
    /* never return: the runtime's thread_entry yields for ever once a
     * thread that returned is resumed */
    for (;;)
        l4_tcb_suspend(l4_rt_tls()->tcb);
}

UTEST(stress_thread_ops, "a fixed-seed random run of thread starts, suspends, resumes, TCB and "
                         "object deletions and IPC leaves no thread runnable, invariants intact")
{
    unsigned steps = (unsigned)cmdline_knob("thread_steps", THREAD_STEPS);
    ut_rnd_seed(STRESS_SEED ^ 0x7ead);
    UT_ASSERT(ut_settle_init());
    /* each thread and each object has a slot and an untyped of exactly
     * its size, reused from its start once the object is deleted */
    l4_cptr_t obj = ut_slots(NOBJ), obj_ut = ut_slots(NOBJ);
    l4_cptr_t tcb_slot = ut_slots(NTHREADS), tcb_ut = ut_slots(NTHREADS), tcb[NTHREADS] = {0};
    UT_ASSERT(obj && obj_ut && tcb_slot && tcb_ut);
    for (unsigned k = 0; k < NOBJ; k++) {
        UT_OK(l4_untyped_retype(ut_untyped(), L4_OBJECT_UNTYPED, L4_OBJECT_NOTIFICATION_SIZE_BITS,
                                UT_CNODE, 0, 0, obj_ut + k, 1));
        UT_OK(l4_untyped_retype(obj_ut + k, k < 2 ? L4_OBJECT_ENDPOINT : L4_OBJECT_NOTIFICATION, 0,
                                UT_CNODE, 0, 0, obj + k, 1));
    }
    for (unsigned i = 0; i < NTHREADS; i++)
        UT_OK(l4_untyped_retype(ut_untyped(), L4_OBJECT_UNTYPED, L4_OBJECT_TCB_SIZE_BITS, UT_CNODE,
                                0, 0, tcb_ut + i, 1));
    ipcs = ends = 0;
    unsigned done[8] = {0};

    for (unsigned step = 0; step < steps; step++) {
        static const unsigned ops[] = {0, 0, 0, 1, 2, 3, 4, 5, 5, 6, 7};
        unsigned i = below(NTHREADS), k = below(NOBJ),
                 what = ops[below(sizeof ops / sizeof ops[0])];
        l4_error_t e = L4_NO_ERROR;
        switch (what) {
        case 0: /* start a thread in a free record */
            if (tcb[i])
                break;
            tcb[i] = tcb_slot + i;
            UT_OK(l4_untyped_retype(tcb_ut + i, L4_OBJECT_TCB, 0, UT_CNODE, 0, 0, tcb[i], 1));
            {
                struct l4_rt_thread_config c = {
                    .tcb = tcb[i],
                    .cspace = UT_CNODE,
                    .vspace = L4_ROOT_SLOT_VSPACE,
                    .ipc_frame = l4_rt_image_frame(&rec[i].t.ipc_buffer),
                    .authority = L4_ROOT_SLOT_TCB,
                    .priority = (uint8_t)(50 + below(3) * 25),
                    .stack_top = rec[i].stack + sizeof rec[i].stack,
                };
                l4_word_t how = k < 2 ? below(3) : 3;
                e = l4_rt_thread_start(&rec[i].t, &c, worker, UT_ARG(i, obj + k, how));
            }
            break;
        case 1:
            if (tcb[i])
                e = l4_tcb_suspend(tcb[i]);
            break;
        case 2:
            if (tcb[i])
                e = l4_tcb_resume(tcb[i]);
            break;
        case 3: /* delete a thread; its record is free again */
            if (tcb[i]) {
                e = l4_cnode_delete(UT_CNODE, tcb[i], UT_DEPTH);
                tcb[i] = 0;
            }
            break;
        case 4: /* delete an object and make a new one in its slot */
            e = l4_cnode_delete(UT_CNODE, obj + k, UT_DEPTH);
            if (e == L4_NO_ERROR)
                e = l4_untyped_retype(obj_ut + k,
                                      k < 2 ? L4_OBJECT_ENDPOINT : L4_OBJECT_NOTIFICATION, 0,
                                      UT_CNODE, 0, 0, obj + k, 1);
            break;
        case 5: /* signal, or send without blocking */
            if (k < 2) {
                l4_word_t mrs[L4_MSG_REGISTERS] = {0xee};
                e = l4_nbsend_mrs(obj + k, l4_msginfo_new(0, 0, 0, 1), mrs);
            } else {
                e = l4_signal(obj + k);
            }
            break;
        case 6: /* receive without blocking (takes a sender; a caller gets Cancelled) */
            e = k < 2 ? l4_nbrecv(obj + k, L4_CPTR_NULL, 0, 0) : l4_poll(obj + k, 0);
            break;
        default: /* change a thread's priority */
            if (tcb[i])
                e = l4_tcb_set_priority(tcb[i], L4_ROOT_SLOT_TCB, (uint8_t)(10 + below(200)));
            break;
        }
        if (e != L4_NO_ERROR) {
            ut_fail(__FILE__, __LINE__, "step %u: operation %u on thread %u, object %u: %s", step,
                    what, i, k, l4_error_name(e));
            return;
        }
        done[what]++;
        /* every thread blocked, suspended or gone: the helper gets the CPU */
        UT_OK(ut_settle());
        l4_word_t v = l4_debug_check_invariants();
        if (v != 0) {
            ut_fail(__FILE__, __LINE__, "step %u (operation %u): %lu invariant violations", step,
                    what, (unsigned long)v);
            return;
        }
        for (unsigned t = 0; t < NTHREADS; t++)
            if (l4_debug_cap_identify(tcb_slot + t) != (tcb[t] ? L4_CAP_TCB : L4_CAP_NULL)) {
                ut_fail(__FILE__, __LINE__, "step %u: thread %u's TCB slot is wrong", step, t);
                return;
            }
    }
    l4_printf(
        "# %u steps, operations picked: start %u suspend %u resume %u delete %u remake %u send %u "
        "receive %u priority %u; %u IPCs completed, %u threads ended\n",
        steps, done[0], done[1], done[2], done[3], done[4], done[5], done[6], done[7], ipcs, ends);
    UT_ASSERT(ipcs > 0 && ends > 0);
}
