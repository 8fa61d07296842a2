/* SPDX-License-Identifier: MIT */
/*
 * Helpers of the two kernel fuzzers (interface in fuzz_common.h).
 *
 * The knob parser, the task's CSpace fill and reset, the trusted root
 * threads with their progress check, and the end-of-run sweep, written
 * once for test_fuzz.c and the instruction fuzzer.
 */
#include "fuzz_common.h"
#include "fuzz_loop.h"

#define ALL L4_CAP_RIGHTS_ALL

uint64_t fuzz_rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t)hi << 32 | lo;
}

uint64_t fuzz_tsc_hz(void)
{
    return ut_boot_info()->tsc_hz ? ut_boot_info()->tsc_hz : UINT64_C(1000000000);
}

/* The number after "key=" on the boot command line (decimal or 0x hex), or def. */
uint64_t fuzz_knob(const char *key, uint64_t def)
{
    const char *p = ut_boot_info()->cmdline;
    size_t max = sizeof ut_boot_info()->cmdline, klen = 0;
    while (key[klen])
        klen++;
    for (size_t i = 0; i + klen + 1 < max && p[i]; i++) {
        size_t k = 0;
        if (i > 0 && p[i - 1] != ' ')
            continue;
        while (k < klen && p[i + k] == key[k])
            k++;
        if (k < klen || p[i + k] != '=')
            continue;
        uint64_t v = 0, base = 10;
        size_t j = i + k + 1;
        if (j + 1 < max && p[j] == '0' && (p[j + 1] == 'x' || p[j + 1] == 'X'))
            base = 16, j += 2;
        for (; j < max && p[j] && p[j] != ' '; j++) {
            char c = p[j];
            unsigned d = c >= '0' && c <= '9'   ? (unsigned)(c - '0')
                         : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
                         : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10)
                                                : 99;
            if (d >= base)
                break;
            v = v * base + d;
        }
        return v;
    }
    return def;
}

l4_cnode_guard_t fuzz_flat_guard(unsigned radix)
{
    return l4_cnode_guard_new(0, 64 - radix);
}

/* ==== the task's CSpace ============================================================ */

/* Give the task its capabilities (its CNode must be empty). */
l4_error_t fuzz_fill_cspace(const struct fuzz_task *t)
{
    const l4_word_t d = FZ_CNODE_RADIX;
    l4_cptr_t cn = t->cnode;
    l4_error_t e;
    if ((e = l4_cnode_mint(cn, FZ_SLOT_CNODE, d, UT_CNODE, cn, UT_DEPTH, ALL,
                           fuzz_flat_guard(FZ_CNODE_RADIX))) ||
        (e = l4_cnode_mint(cn, FZ_SLOT_FAULT_EP, d, UT_CNODE, t->fault_ep, UT_DEPTH,
                           L4_CAP_RIGHTS_WRITE | L4_CAP_RIGHTS_GRANT_REPLY, t->badge)) ||
        (e = l4_cnode_copy(cn, FZ_SLOT_EP, d, UT_CNODE, t->ep, UT_DEPTH, ALL)) ||
        (e = l4_cnode_mint(cn, FZ_SLOT_EP_BADGED, d, UT_CNODE, t->ep, UT_DEPTH, ALL, 0x42)) ||
        (e = l4_cnode_copy(cn, FZ_SLOT_NTFN, d, UT_CNODE, t->ntfn, UT_DEPTH, ALL)) ||
        (e = l4_cnode_mint(cn, FZ_SLOT_NTFN_BADGED, d, UT_CNODE, t->ntfn, UT_DEPTH, ALL, 0x5)) ||
        (e = l4_untyped_retype(t->pool, L4_OBJECT_REPLY, 0, UT_CNODE, cn, UT_DEPTH, FZ_SLOT_REPLY,
                               1)) ||
        (e = l4_untyped_retype(t->pool, L4_OBJECT_UNTYPED, 14, UT_CNODE, cn, UT_DEPTH,
                               FZ_SLOT_UNTYPED, 1)) ||
        (e = l4_cnode_copy(cn, FZ_SLOT_FRAME, d, UT_CNODE, t->frame, UT_DEPTH, ALL)) ||
        (e = l4_cnode_copy(cn, FZ_SLOT_VSPACE, d, UT_CNODE, t->vspace, UT_DEPTH, ALL)) ||
        (e = l4_cnode_copy(cn, FZ_SLOT_TCB, d, UT_CNODE, t->tcb, UT_DEPTH, ALL)) ||
        (e = l4_cnode_copy(cn, FZ_SLOT_VICTIM, d, UT_CNODE, t->victim, UT_DEPTH, ALL)))
        return e;
    return L4_NO_ERROR;
}

/* The objects of the task other than its VSpace and TCB, in root slots. */
void fuzz_make_objects(struct fuzz_task *t, l4_word_t badge)
{
    t->fault_ep = ut_new(L4_OBJECT_ENDPOINT, 0);
    t->ep = ut_new(L4_OBJECT_ENDPOINT, 0);
    t->ntfn = ut_new(L4_OBJECT_NOTIFICATION, 0);
    t->frame = ut_new(L4_OBJECT_FRAME_4K, 0);
    t->victim = ut_new(L4_OBJECT_TCB, 0);
    t->pool = ut_new(L4_OBJECT_UNTYPED, 15);
    t->cnode = ut_new(L4_OBJECT_CNODE, FZ_CNODE_RADIX);
    t->badge = badge;
}

/* Stop the task and undo whatever it did to its capabilities: everything
 * made from its untyped goes (the pool is its parent), every copy of the
 * objects it was given goes and its CNode is emptied. */
l4_error_t fuzz_clear_task(const struct fuzz_task *t)
{
    const l4_cptr_t originals[] = {t->pool,   t->ep,  t->ntfn,  t->frame,
                                   t->victim, t->tcb, t->cnode, t->vspace};
    l4_error_t e;
    if ((e = l4_tcb_suspend(t->tcb)) || (e = l4_tcb_suspend(t->victim)))
        return e;
    for (unsigned i = 0; i < sizeof originals / sizeof originals[0]; i++)
        if ((e = l4_cnode_revoke(UT_CNODE, originals[i], UT_DEPTH)))
            return e;
    for (l4_word_t s = 0; s < (UINT64_C(1) << FZ_CNODE_RADIX); s++)
        if ((e = l4_cnode_delete(t->cnode, s, FZ_CNODE_RADIX)))
            return e;
    return L4_NO_ERROR;
}

/* ==== root threads at the task's priority ========================================== */

volatile int fuzz_stop;
volatile uint64_t fuzz_trusted_count, fuzz_trusted_errors, fuzz_partner_msgs, fuzz_partner_caps;
static volatile uint64_t tick_period;
static l4_cptr_t partner_slot;
static struct fuzz_threads_cfg cfg;

/* The word at %fs:0: the TLS self pointer, equal to the FS base. */
static uint64_t fs_self(void)
{
    uint64_t v;
    __asm__ volatile("movq %%fs:0, %0" : "=r"(v));
    return v;
}

/* Trusted client: Call the pong thread on endpoint A, check the answer. */
static void ping_fn(l4_word_t arg)
{
    uint64_t self = fs_self();
    for (l4_word_t i = 0; !fuzz_stop; i++) {
        if (cfg.check_fs && fs_self() != self) /* its FS base changed under it */
            fuzz_trusted_errors++;
        l4_word_t mr[L4_MSG_REGISTERS] = {i, ~i, 0, 0};
        l4_msginfo_t info = 0;
        l4_error_t e =
            l4_call_mrs(UT_ARG_A(arg), l4_msginfo_new(cfg.ping_label, 0, 0, 2), &info, mr);
        if (e != L4_NO_ERROR || mr[0] != i + 1 || mr[1] != ~i ||
            l4_msginfo_get_label(info) != cfg.ping_label + 1)
            fuzz_trusted_errors++;
        fuzz_trusted_count++;
        l4_yield();
    }
}

/* Trusted server on endpoint A with Reply object B: MR0 + 1 back. */
static void pong_fn(l4_word_t arg)
{
    l4_word_t mr[L4_MSG_REGISTERS] = {0}, badge = 0;
    l4_msginfo_t info = 0;
    l4_error_t e = l4_recv_mrs(UT_ARG_A(arg), UT_ARG_B(arg), &badge, &info, mr);
    for (;;) {
        if (e != L4_NO_ERROR || l4_msginfo_get_label(info) != cfg.ping_label)
            fuzz_trusted_errors++;
        mr[0]++;
        e = l4_reply_recv_mrs(UT_ARG_A(arg), l4_msginfo_new(cfg.ping_label + 1, 0, 0, 2),
                              UT_ARG_B(arg), &badge, &info, mr);
    }
}

/* Serves the task's endpoint A with Reply object B: takes any message
 * (capabilities land in partner_slot and are deleted) and answers Calls
 * with a random label and length (and random words, partner_words). */
static void partner_fn(l4_word_t arg)
{
    struct l4_ipc_buffer *b = l4_ipc_buffer();
    uint64_t x = cfg.partner_seed;
    unsigned steps = cfg.partner_words ? cfg.partner_words : 1;
    l4_msginfo_t out = 0;
    for (;;) {
        b->receive_cnode = UT_CNODE;
        b->receive_index = partner_slot;
        b->receive_depth = UT_DEPTH;
        l4_reply_recv(UT_ARG_A(arg), out, UT_ARG_B(arg), 0, 0);
        fuzz_partner_msgs++;
        if (l4_debug_cap_identify(partner_slot) != L4_CAP_NULL) {
            fuzz_partner_caps++;
            l4_cnode_delete(UT_CNODE, partner_slot, UT_DEPTH);
        }
        for (unsigned i = 0; i < steps; i++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            if (i < cfg.partner_words)
                b->msg[i] = x;
        }
        out = l4_msginfo_new(x >> 40, 0, 0, x & cfg.partner_len_mask);
    }
}

/* Sends a tick through the badged fault-endpoint capability A every
 * tick_period TSC cycles, yielding to its peers in between. */
static void ticker_fn(l4_word_t arg)
{
    uint64_t next = fuzz_rdtsc() + tick_period;
    while (!fuzz_stop) {
        uint64_t now = fuzz_rdtsc();
        if (now >= next) {
            l4_nbsend(UT_ARG_A(arg), l4_msginfo_new(cfg.tick_label, 0, 0, 0));
            next = now + tick_period;
        }
        l4_yield();
    }
}

/* Start the root threads at the task's priority; *ping is the client's TCB. */
void fuzz_threads_start(const struct fuzz_threads_cfg *c, l4_cptr_t fault_ep, l4_cptr_t ep,
                        uint64_t tsc_hz, l4_cptr_t *ping)
{
    l4_cptr_t t = ut_new(L4_OBJECT_ENDPOINT, 0), t_reply = ut_new(L4_OBJECT_REPLY, 0);
    l4_cptr_t p_reply = ut_new(L4_OBJECT_REPLY, 0);
    l4_cptr_t tick = ut_mint(fault_ep, L4_CAP_RIGHTS_WRITE, c->tick_badge);
    partner_slot = ut_slot();
    *ping = 0;
    cfg = *c;
    UT_ASSERT(t && t_reply && p_reply && tick && partner_slot);
    fuzz_stop = 0;
    fuzz_trusted_count = fuzz_trusted_errors = fuzz_partner_msgs = fuzz_partner_caps = 0;
    tick_period = tsc_hz * c->tick_ms / 1000;
    UT_ASSERT(ut_thread(pong_fn, UT_ARG(0, t, t_reply), c->prio));
    UT_ASSERT((*ping = ut_thread(ping_fn, UT_ARG(0, t, 0), c->prio)));
    UT_ASSERT(ut_thread(partner_fn, UT_ARG(0, ep, p_reply), c->prio));
    UT_ASSERT(ut_thread(ticker_fn, UT_ARG(0, tick, 0), c->prio));
}

/* One window of ticks ends: 1 if the trusted client made no round trip in it. */
int fuzz_trusted_stalled(uint64_t ticks, unsigned window, uint64_t *last)
{
    if (ticks % window)
        return 0;
    int stalled = fuzz_trusted_count == *last;
    *last = fuzz_trusted_count;
    return stalled;
}

/* ==== the end of a run ============================================================= */

/* Revoke and delete every root slot in [first, end); 1 if all are empty. */
int fuzz_sweep(l4_cptr_t first, l4_cptr_t end)
{
    for (l4_cptr_t s = first; s < end; s++)
        if (ut_id(s) != L4_CAP_NULL) {
            l4_cnode_revoke(UT_CNODE, s, UT_DEPTH);
            ut_delete(s);
        }
    for (l4_cptr_t s = first; s < end; s++)
        if (ut_id(s) != L4_CAP_NULL)
            return 0;
    return 1;
}

/* Nothing made from the test's untyped is left: it can be retyped whole. */
l4_error_t fuzz_untyped_whole(void)
{
    l4_cptr_t whole = ut_slot();
    l4_error_t e = l4_untyped_retype(ut_untyped(), L4_OBJECT_UNTYPED, UT_UNTYPED_BITS, UT_CNODE, 0,
                                     0, whole, 1);
    ut_delete(whole);
    return e;
}
