/* SPDX-License-Identifier: MIT */
/*
 * User-level tests of the IPC fastpath's semantics (docs/kernel/fastpath.md).
 *
 * The fastpath takes Call, ReplyRecv and foreign-ABI syscalls when their
 * conditions hold and must give exactly the full path's results; the
 * kernel-user run has it on, kernel-user-slowpath off, and both run these
 * tests. They pin down what a register-to-register copy could get wrong:
 * which message registers arrive (the others keep their values: raw
 * `syscall` with sentinels in RDX R8 R9 R10), the info word (label and
 * length only), the badge, the status; what happens when a condition does
 * not hold (a sender already queued, a pending bound signal, missing
 * rights, no Reply object); which thread runs next (the order the threads
 * record: a partner below the current thread waits for higher ready
 * threads, but runs before ready threads of its own priority, on both
 * paths: docs/kernel/fastpath.md, "Direct switch"); and a foreign
 * syscall's message and answer.
 */
#include "utest.h"

#define ALL     L4_CAP_RIGHTS_ALL
#define BADGE   UINT64_C(0xbad9e)
#define JUNK    7u /* set in the caps_unwrapped field of sent info words */
#define NSERIES 6  /* Calls of series_fn: lengths 0..4, then an empty one */

/* --- Raw syscalls ---------------------------------------------------------------- */

/* A native syscall's registers, in and out: RAX sysno/status, RDI
 * cptr/badge, RSI info, MR0-MR3 in RDX R8 R9 R10, R12 the reply cptr. */
struct regs {
    l4_word_t rax, rdi, rsi, mr[L4_MSG_REGISTERS], r12;
};

static void raw_syscall(struct regs *r)
{
    register l4_word_t rax __asm__("rax") = r->rax;
    register l4_word_t rdi __asm__("rdi") = r->rdi;
    register l4_word_t rsi __asm__("rsi") = r->rsi;
    register l4_word_t rdx __asm__("rdx") = r->mr[0];
    register l4_word_t r8 __asm__("r8") = r->mr[1];
    register l4_word_t r9 __asm__("r9") = r->mr[2];
    register l4_word_t r10 __asm__("r10") = r->mr[3];
    register l4_word_t r12 __asm__("r12") = r->r12;
    __asm__ volatile("syscall"
                     : "+r"(rax), "+r"(rdi), "+r"(rsi), "+r"(rdx), "+r"(r8), "+r"(r9), "+r"(r10),
                       "+r"(r12)
                     :
                     : "rcx", "r11", "cc", "memory");
    r->rax = rax;
    r->rdi = rdi;
    r->rsi = rsi;
    r->mr[0] = rdx;
    r->mr[1] = r8;
    r->mr[2] = r9;
    r->mr[3] = r10;
    r->r12 = r12;
}

/* A syscall with MR0-MR3 = base + 0..3 in the registers. */
static struct regs syscall_with(l4_word_t sysno, l4_cptr_t cptr, l4_word_t info, l4_word_t base,
                                l4_cptr_t reply)
{
    struct regs r = {sysno, cptr, info, {base, base + 1, base + 2, base + 3}, reply};
    raw_syscall(&r);
    return r;
}

/* MR i of a received message: the sender's word below n, otherwise the
 * value the register held before the syscall. */
static void expect_mrs(const l4_word_t got[L4_MSG_REGISTERS], l4_word_t sent, unsigned n,
                       l4_word_t before)
{
    for (unsigned i = 0; i < L4_MSG_REGISTERS; i++)
        UT_EQ(got[i], i < n ? sent + i : before + i);
}

/* Words of the k-th Call, of the k-th reply, and the receiver's sentinels. */
static l4_word_t call_word(unsigned k)
{
    return 0xca110000u + 0x10 * k;
}

static l4_word_t reply_word(unsigned k)
{
    return 0x5e9100u + 0x10 * k;
}

static l4_word_t sentinel(unsigned k)
{
    return 0x5e7100000u + 0x10 * k;
}

/* Length of series_fn's k-th Call. */
static unsigned series_length(unsigned k)
{
    return k < L4_MSG_REGISTERS + 1 ? k : 0;
}

/* --- Threads --------------------------------------------------------------------- */

/* The order in which threads reached their marks. */
static volatile char order[16];
static volatile unsigned norder;

static void rec(char c)
{
    if (c && norder < sizeof order - 1)
        order[norder++] = c;
}

static void order_reset(void)
{
    norder = 0;
    for (unsigned i = 0; i < sizeof order; i++)
        order[i] = 0;
}

/* Fail unless the marks were exactly want. */
static void expect_order(const char *want)
{
    char got[sizeof order];
    unsigned n = norder, i;
    for (i = 0; i < n; i++)
        got[i] = order[i];
    got[n] = 0;
    for (i = 0; want[i] && i < n && want[i] == got[i]; i++)
        ;
    if (want[i] || i != n)
        ut_fail(__FILE__, __LINE__, "order of events %s, expected %s", got, want);
}

/* One raw Call by a test thread, and what it returned. */
struct client {
    l4_cptr_t ep;
    l4_word_t label, len, base; /* the message: MR i = base + i */
    char mark;                  /* recorded before the Call, and in lower case after */
    l4_cptr_t then_signal;      /* notification to signal afterwards, or 0 */
    volatile int done;
    volatile l4_word_t status, badge, info, out[L4_MSG_REGISTERS];
};

static void client_fn(l4_word_t arg)
{
    struct client *c = (struct client *)arg;
    rec(c->mark);
    struct regs r = syscall_with(L4_SYS_CALL, c->ep, l4_msginfo_new(c->label, 0, 0, c->len),
                                 c->base, L4_CPTR_NULL);
    rec(c->mark ? (char)(c->mark + ('a' - 'A')) : 0);
    c->status = r.rax;
    c->badge = r.rdi;
    c->info = r.rsi;
    for (unsigned i = 0; i < L4_MSG_REGISTERS; i++)
        c->out[i] = r.mr[i];
    c->done = 1;
    if (c->then_signal)
        l4_signal(c->then_signal);
}

/* Start a client at prio; 1 on success. It runs once the test blocks, so
 * the caller may still set mark and then_signal. */
static int start_client(struct client *c, l4_cptr_t ep, l4_word_t label, l4_word_t len,
                        l4_word_t base, uint8_t prio)
{
    *c = (struct client){.ep = ep, .label = label, .len = len, .base = base};
    return ut_thread(client_fn, (l4_word_t)c, prio) != 0;
}

/* The Calls of series_fn: registers after each. */
static struct regs series[NSERIES];
static volatile unsigned nseries;

/* NSERIES raw Calls on endpoint arg: the k-th with label 0x100 + k, length
 * series_length(k), junk in caps_unwrapped, MR i = call_word(k) + i in all
 * four registers and R12 = 0x12 + k. */
static void series_fn(l4_word_t ep)
{
    for (unsigned k = 0; k < NSERIES; k++) {
        series[k] =
            syscall_with(L4_SYS_CALL, ep, l4_msginfo_new(0x100 + k, JUNK, 0, series_length(k)),
                         call_word(k), 0x12 + k);
        nseries = k + 1;
    }
}

/* What serve_fn received. */
static volatile struct {
    unsigned count;
    l4_word_t status, badge, info, mr0;
} served;

/* Receive once on endpoint A with Reply object B (none if 0), mark I,
 * answer with MR0 + 1 through B. */
static void serve_fn(l4_word_t arg)
{
    l4_word_t m[L4_MSG_REGISTERS] = {0}, badge = 0;
    l4_msginfo_t info = 0;
    served.status = l4_recv_mrs(UT_ARG_A(arg), UT_ARG_B(arg), &badge, &info, m);
    rec((char)UT_ARG_I(arg));
    served.badge = badge;
    served.info = info;
    served.mr0 = m[0];
    served.count++;
    m[0]++;
    if (UT_ARG_B(arg))
        l4_send_mrs(UT_ARG_B(arg), l4_msginfo_new(0, 0, 0, 1), m);
}

/* Wait on notification A if not 0, then mark I. */
static void mark_fn(l4_word_t arg)
{
    if (UT_ARG_A(arg))
        l4_wait(UT_ARG_A(arg), 0);
    rec((char)UT_ARG_I(arg));
}

/* A priority-1 thread that ends a receive of the test's on ep (label 0xdead). */
static void rescue_fn(l4_word_t ep)
{
    l4_nbsend(ep, l4_msginfo_new(0xdead, 0, 0, 0));
}

/* --- Call and ReplyRecv: the message ---------------------------------------------- */

UTEST(fastpath_call_message, "Call of length 0..4: the receiver gets exactly those MRs (the others "
                             "keep their values), label and length without the caps fields, the "
                             "badge, status 0")
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0), r = ut_new(L4_OBJECT_REPLY, 0);
    l4_cptr_t b = ut_mint(ep, ALL, BADGE);
    UT_ASSERT(ep && r && b);
    nseries = 0;
    UT_ASSERT(ut_thread(series_fn, b, 100));
    for (unsigned k = 0; k <= L4_MSG_REGISTERS; k++) {
        struct regs m = syscall_with(L4_SYS_RECV, ep, ~(l4_word_t)0, sentinel(k), r);
        UT_OK(m.rax);
        UT_EQ(m.rdi, BADGE);
        UT_EQ(m.rsi, l4_msginfo_new(0x100 + k, 0, 0, k));
        UT_EQ(m.r12, r);
        expect_mrs(m.mr, call_word(k), k, sentinel(k));
        UT_ASSERT(!ut_failed());
        UT_EQ(nseries, k); /* the caller is still in its Call */
        UT_OK(l4_send(r, l4_msginfo_new(0, 0, 0, 0)));
    }
    /* the last Call, with an empty answer */
    struct regs m = syscall_with(L4_SYS_RECV, ep, 0, sentinel(9), r);
    UT_EQ(m.rsi, l4_msginfo_new(0x100 + NSERIES - 1, 0, 0, 0));
    expect_mrs(m.mr, 0, 0, sentinel(9));
    UT_OK(l4_send(r, l4_msginfo_new(0, 0, 0, 0)));
    UT_ASSERT(ut_settle_once());
    UT_EQ(nseries, NSERIES);
    for (unsigned k = 0; k < NSERIES; k++) {
        UT_OK(series[k].rax);
        UT_EQ(series[k].rdi, 0);
        UT_EQ(series[k].rsi, 0);
        UT_EQ(series[k].r12, 0x12 + k);
    }
    UT_EQ(l4_debug_check_invariants(), 0);
}

UTEST(fastpath_reply_message, "ReplyRecv answers of length 0..4 reach the caller the same way "
                              "(its other MRs keep its own words, badge 0) and the server "
                              "receives the next Call")
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0), r = ut_new(L4_OBJECT_REPLY, 0);
    l4_cptr_t b = ut_mint(ep, ALL, BADGE);
    UT_ASSERT(ep && r && b);
    nseries = 0;
    UT_ASSERT(ut_thread(series_fn, b, 100));
    struct regs m = syscall_with(L4_SYS_RECV, ep, 0, sentinel(0), r);
    UT_OK(m.rax);
    UT_EQ(m.rsi, l4_msginfo_new(0x100, 0, 0, 0));
    for (unsigned k = 0; k + 1 < NSERIES; k++) {
        unsigned n = L4_MSG_REGISTERS - k; /* answers of 4, 3, 2, 1, 0 words */
        m = syscall_with(L4_SYS_REPLY_RECV, ep, l4_msginfo_new(0x300 + k, JUNK, 0, n),
                         reply_word(k), r);
        /* the caller got the answer */
        UT_EQ(nseries, k + 1);
        UT_OK(series[k].rax);
        UT_EQ(series[k].rdi, 0);
        UT_EQ(series[k].rsi, l4_msginfo_new(0x300 + k, 0, 0, n));
        UT_EQ(series[k].r12, 0x12 + k);
        expect_mrs(series[k].mr, reply_word(k), n, call_word(k));
        UT_ASSERT(!ut_failed());
        /* and the server its next Call */
        unsigned len = series_length(k + 1);
        UT_OK(m.rax);
        UT_EQ(m.rdi, BADGE);
        UT_EQ(m.rsi, l4_msginfo_new(0x100 + k + 1, 0, 0, len));
        UT_EQ(m.r12, r);
        expect_mrs(m.mr, call_word(k + 1), len, reply_word(k));
        UT_ASSERT(!ut_failed());
    }
    UT_OK(l4_send(r, l4_msginfo_new(0, 0, 0, 0)));
    UT_ASSERT(ut_settle_once());
    UT_EQ(nseries, NSERIES);
    UT_EQ(l4_debug_check_invariants(), 0);
}

/* --- ReplyRecv when the full path must act --------------------------------------- */

UTEST(fastpath_reply_recv_sender_queued, "ReplyRecv with a Call already queued: the server gets "
                                         "that message at once, the answered caller its reply")
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0), r = ut_new(L4_OBJECT_REPLY, 0);
    l4_cptr_t b1 = ut_mint(ep, ALL, 0xb1), b2 = ut_mint(ep, ALL, 0xb2);
    UT_ASSERT(ep && r && b1 && b2);
    static struct client c1, c2;
    UT_ASSERT(start_client(&c1, b1, 0x31, 1, 0x310, 100));
    struct regs m = syscall_with(L4_SYS_RECV, ep, 0, sentinel(0), r);
    UT_OK(m.rax);
    UT_EQ(m.rdi, 0xb1);
    UT_ASSERT(start_client(&c2, b2, 0x32, 2, 0x320, 100));
    UT_ASSERT(ut_settle_once());
    UT_EQ(c2.done, 0); /* queued in its Call */
    m = syscall_with(L4_SYS_REPLY_RECV, ep, l4_msginfo_new(0x41, 0, 0, 1), 0x410, r);
    UT_OK(m.rax);
    UT_EQ(m.rdi, 0xb2);
    UT_EQ(m.rsi, l4_msginfo_new(0x32, 0, 0, 2));
    expect_mrs(m.mr, 0x320, 2, 0x410);
    UT_ASSERT(!ut_failed());
    UT_ASSERT(ut_settle_once());
    UT_EQ(c1.done, 1);
    UT_OK(c1.status);
    UT_EQ(c1.badge, 0);
    UT_EQ(c1.info, l4_msginfo_new(0x41, 0, 0, 1));
    UT_EQ(c1.out[0], 0x410);
    UT_EQ(c2.done, 0); /* bound to r now */
    l4_word_t w[L4_MSG_REGISTERS] = {0x420};
    UT_OK(l4_send_mrs(r, l4_msginfo_new(0x42, 0, 0, 1), w));
    UT_ASSERT(ut_settle_once());
    UT_EQ(c2.done, 1);
    UT_OK(c2.status);
    UT_EQ(c2.out[0], 0x420);
    UT_EQ(l4_debug_check_invariants(), 0);
}

UTEST(fastpath_reply_recv_bound_signal, "ReplyRecv with a signal pending on the bound "
                                        "notification: the server returns with its word, the "
                                        "caller got its reply")
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0), r = ut_new(L4_OBJECT_REPLY, 0);
    l4_cptr_t n = ut_new(L4_OBJECT_NOTIFICATION, 0);
    l4_cptr_t nb = ut_mint(n, ALL, 0x40);
    UT_ASSERT(ep && r && n && nb);
    UT_OK(l4_tcb_bind_notification(L4_ROOT_SLOT_TCB, n));
    static struct client c;
    UT_ASSERT(start_client(&c, ep, 0x51, 1, 0x510, 100));
    struct regs m = syscall_with(L4_SYS_RECV, ep, 0, sentinel(0), r);
    UT_OK(m.rax);
    UT_EQ(m.mr[0], 0x510);
    UT_OK(l4_signal(nb));
    m = syscall_with(L4_SYS_REPLY_RECV, ep, l4_msginfo_new(0x52, 0, 0, 2), 0x520, r);
    UT_OK(m.rax);
    UT_EQ(m.rdi, 0x40);
    UT_EQ(m.rsi, 0);
    expect_mrs(m.mr, 0, 0, 0x520); /* a signal writes no MR */
    UT_ASSERT(ut_settle_once());
    UT_EQ(c.done, 1);
    UT_OK(c.status);
    UT_EQ(c.info, l4_msginfo_new(0x52, 0, 0, 2));
    UT_EQ(c.out[0], 0x520);
    UT_EQ(c.out[1], 0x521);
    UT_EQ(ut_poll_word(n), 0); /* taken */
    UT_ERR(l4_send(r, l4_msginfo_new(0, 0, 0, 0)), L4_ILLEGAL_OPERATION);
    UT_OK(l4_tcb_unbind_notification(L4_ROOT_SLOT_TCB));
    UT_EQ(l4_debug_check_invariants(), 0);
}

UTEST(fastpath_reply_recv_then_signal, "a server waiting after ReplyRecv is woken by a signal to "
                                       "its bound notification, and its Reply object is free")
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0), r = ut_new(L4_OBJECT_REPLY, 0);
    l4_cptr_t n = ut_new(L4_OBJECT_NOTIFICATION, 0);
    l4_cptr_t nb = ut_mint(n, ALL, 0x80);
    UT_ASSERT(ep && r && n && nb);
    UT_OK(l4_tcb_bind_notification(L4_ROOT_SLOT_TCB, n));
    static struct client c;
    UT_ASSERT(start_client(&c, ep, 0x61, 0, 0, 100));
    c.then_signal = nb;
    struct regs m = syscall_with(L4_SYS_RECV, ep, 0, sentinel(0), r);
    UT_OK(m.rax);
    UT_EQ(m.rsi, l4_msginfo_new(0x61, 0, 0, 0));
    m = syscall_with(L4_SYS_REPLY_RECV, ep, l4_msginfo_new(0x62, 0, 0, 1), 0x620, r);
    UT_OK(m.rax);
    UT_EQ(m.rdi, 0x80);
    UT_EQ(m.rsi, 0);
    expect_mrs(m.mr, 0, 0, 0x620);
    UT_ASSERT(!ut_failed());
    UT_EQ(c.done, 1);
    UT_OK(c.status);
    UT_EQ(c.out[0], 0x620);
    UT_EQ(l4_debug_check_invariants(), 0);
    l4_msginfo_t info = 1;
    UT_OK(l4_nbrecv(ep, r, 0, &info)); /* no longer named by a waiting receiver */
    UT_EQ(info, 0);
    UT_OK(l4_tcb_unbind_notification(L4_ROOT_SLOT_TCB));
}

/* --- Rights and Reply objects ------------------------------------------------------ */

UTEST(fastpath_call_rights, "Call through an endpoint capability without GrantReply or Write, or "
                            "a cptr that does not resolve, is InvalidCapability; the receiver "
                            "keeps waiting")
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0), r = ut_new(L4_OBJECT_REPLY, 0);
    l4_cptr_t no_gr = ut_copy(ep, L4_CAP_RIGHTS_READ | L4_CAP_RIGHTS_WRITE | L4_CAP_RIGHTS_GRANT);
    l4_cptr_t no_w = ut_copy(ep, L4_CAP_RIGHTS_READ | L4_CAP_RIGHTS_GRANT_REPLY);
    l4_cptr_t ok = ut_mint(ep, ALL, 0x77), empty = ut_slot();
    UT_ASSERT(ep && r && no_gr && no_w && ok && empty);
    served.count = 0;
    UT_ASSERT(ut_thread(serve_fn, UT_ARG(0, ep, r), 100));
    UT_ASSERT(ut_settle_once()); /* waiting with its Reply object */
    const l4_cptr_t bad[4] = {no_gr, no_w, empty, ep | UINT64_C(1) << 63};
    for (unsigned i = 0; i < 4; i++) {
        struct regs m = syscall_with(L4_SYS_CALL, bad[i], l4_msginfo_new(0x71, 0, 0, 1), 0x710, 0);
        UT_ERR(m.rax, L4_INVALID_CAPABILITY);
        UT_EQ(m.rsi, l4_msginfo_new(L4_INVALID_CAPABILITY, 0, 0, 0));
    }
    UT_EQ(served.count, 0);
    struct regs m = syscall_with(L4_SYS_CALL, ok, l4_msginfo_new(0x72, 0, 0, 1), 0x720, 0);
    UT_OK(m.rax);
    UT_EQ(m.rsi, l4_msginfo_new(0, 0, 0, 1));
    UT_EQ(m.mr[0], 0x721);
    UT_EQ(served.count, 1);
    UT_EQ(served.badge, 0x77);
    UT_EQ(served.info, l4_msginfo_new(0x72, 0, 0, 1));
    UT_EQ(l4_debug_check_invariants(), 0);
}

UTEST(fastpath_call_no_reply_object, "a Call to a receiver waiting without a Reply object "
                                     "delivers the message and returns Cancelled")
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0), b = ut_mint(ep, ALL, 0x99);
    UT_ASSERT(ep && b);
    served.count = 0;
    UT_ASSERT(ut_thread(serve_fn, UT_ARG(0, ep, L4_CPTR_NULL), 100));
    UT_ASSERT(ut_settle_once());
    struct regs m = syscall_with(L4_SYS_CALL, b, l4_msginfo_new(0x91, 0, 0, 1), 0x910, 0);
    UT_ERR(m.rax, L4_CANCELLED);
    UT_ASSERT(ut_settle_once());
    UT_EQ(served.count, 1);
    UT_OK(served.status);
    UT_EQ(served.badge, 0x99);
    UT_EQ(served.info, l4_msginfo_new(0x91, 0, 0, 1));
    UT_EQ(served.mr0, 0x910);
    UT_EQ(l4_debug_check_invariants(), 0);
}

UTEST(fastpath_reply_recv_no_read, "ReplyRecv through an endpoint capability without Read "
                                   "answers the caller, then fails with InvalidCapability")
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0), r = ut_new(L4_OBJECT_REPLY, 0);
    l4_cptr_t no_r = ut_copy(ep, L4_CAP_RIGHTS_WRITE | L4_CAP_RIGHTS_GRANT_REPLY);
    UT_ASSERT(ep && r && no_r);
    static struct client c;
    UT_ASSERT(start_client(&c, ep, 0xa1, 1, 0xa10, 100));
    struct regs m = syscall_with(L4_SYS_RECV, ep, 0, sentinel(0), r);
    UT_OK(m.rax);
    m = syscall_with(L4_SYS_REPLY_RECV, no_r, l4_msginfo_new(0xa2, 0, 0, 1), 0xa20, r);
    UT_ERR(m.rax, L4_INVALID_CAPABILITY);
    UT_EQ(m.rsi, l4_msginfo_new(L4_INVALID_CAPABILITY, 0, 0, 0));
    UT_ASSERT(ut_settle_once());
    UT_EQ(c.done, 1);
    UT_OK(c.status);
    UT_EQ(c.info, l4_msginfo_new(0xa2, 0, 0, 1));
    UT_EQ(c.out[0], 0xa20);
    UT_ERR(l4_send(r, l4_msginfo_new(0, 0, 0, 0)), L4_ILLEGAL_OPERATION);
    UT_EQ(l4_debug_check_invariants(), 0);
}

/* --- Who runs next ------------------------------------------------------------------ */

/* A caller at priority 100 (marks C, c) Calls a receiver at prio_r that
 * waits with a Reply object (mark R, answers at once) while a thread at
 * prio_m (mark M, started after the caller) is ready: fail unless the
 * marks come in the order want. */
static void call_order(uint8_t prio_r, uint8_t prio_m, const char *want)
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0), r = ut_new(L4_OBJECT_REPLY, 0);
    UT_ASSERT(ep && r);
    order_reset();
    UT_ASSERT(ut_thread(serve_fn, UT_ARG('R', ep, r), prio_r));
    UT_ASSERT(ut_settle_once()); /* the receiver waits */
    static struct client c;
    UT_ASSERT(start_client(&c, ep, 0, 0, 0, 100));
    c.mark = 'C';
    UT_ASSERT(ut_thread(mark_fn, UT_ARG('M', 0, 0), prio_m));
    UT_ASSERT(ut_settle_once());
    expect_order(want);
    UT_EQ(c.done, 1);
    UT_OK(c.status);
    UT_EQ(l4_debug_check_invariants(), 0);
}

/* The caller's server, at 100: receive (mark S), wake the thread waiting
 * on wake_peer, answer with ReplyRecv and wait on. */
static l4_cptr_t wake_peer;

static void reply_server_fn(l4_word_t arg)
{
    l4_recv(UT_ARG_A(arg), UT_ARG_B(arg), 0, 0);
    rec('S');
    l4_signal(wake_peer);
    l4_reply_recv(UT_ARG_A(arg), l4_msginfo_new(0, 0, 0, 0), UT_ARG_B(arg), 0, 0);
}

/* A caller at priority 90 (marks C, c) Calls that server; the thread the
 * server wakes (mark M) has priority prio_m: fail unless the marks come in
 * the order want. */
static void reply_order(uint8_t prio_m, const char *want)
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0), r = ut_new(L4_OBJECT_REPLY, 0);
    wake_peer = ut_new(L4_OBJECT_NOTIFICATION, 0);
    UT_ASSERT(ep && r && wake_peer);
    order_reset();
    UT_ASSERT(ut_thread(mark_fn, UT_ARG('M', wake_peer, 0), prio_m));
    UT_ASSERT(ut_thread(reply_server_fn, UT_ARG(0, ep, r), 100));
    UT_ASSERT(ut_settle_once()); /* both wait */
    static struct client c;
    UT_ASSERT(start_client(&c, ep, 0, 0, 0, 90));
    c.mark = 'C';
    UT_ASSERT(ut_settle_once());
    expect_order(want);
    UT_EQ(c.done, 1);
    UT_OK(c.status);
    UT_EQ(l4_debug_check_invariants(), 0);
}

UTEST(fastpath_call_lower_receiver_waits, "a Call to a receiver at P-10 while a thread at P-5 "
                                          "is ready: that thread runs first")
{
    call_order(90, 95, "CMRc");
}

UTEST(fastpath_call_higher_receiver_runs, "a Call to a receiver above the caller runs it at once, "
                                          "before a ready thread below the caller")
{
    call_order(110, 95, "CRcM");
}

UTEST(fastpath_call_receiver_before_peer, "a Call to a receiver at P-10 while a thread of that "
                                          "priority is ready: the receiver, the Call's partner, "
                                          "runs first")
{
    call_order(90, 90, "CRcM");
}

UTEST(fastpath_call_equal_receiver_before_peer, "a Call to a receiver at the caller's priority "
                                                "while a thread of that priority is ready: the "
                                                "receiver runs first, then the answered caller")
{
    call_order(100, 100, "CRcM");
}

UTEST(fastpath_reply_lower_caller_waits, "ReplyRecv answering a caller at P-10 while the server "
                                         "woke a thread at P-5: that thread runs first")
{
    reply_order(95, "CSMc");
}

UTEST(fastpath_reply_caller_before_peer, "ReplyRecv answering a caller at P-10 while the server "
                                         "woke a thread of that priority: the caller, the "
                                         "reply's partner, runs first")
{
    reply_order(90, "CScM");
}

/* --- Foreign-ABI syscalls ------------------------------------------------------------ */

/* The registers of a foreign syscall, in and out, and what the thread saw
 * at it: the RIP after `syscall`, the alternative RIP `redirect` (a path
 * that sets `redirected`), RSP and RFLAGS (CF set). */
struct fsys {
    l4_word_t rax, rdi, rsi, rdx, r10, r8, r9;
    l4_word_t rip, redirect, rsp, rflags, redirected;
};

static struct fsys fsys[8];
static volatile unsigned nfsys;

static void foreign_raw(struct fsys *f)
{
    register l4_word_t r10 __asm__("r10") = f->r10;
    register l4_word_t r8 __asm__("r8") = f->r8;
    register l4_word_t r9 __asm__("r9") = f->r9;
    l4_word_t redirected;
    __asm__ volatile("leaq 2f(%%rip), %%rcx\n\t"
                     "movq %%rcx, %c[redirect](%[f])\n\t"
                     "leaq 1f(%%rip), %%rcx\n\t"
                     "movq %%rcx, %c[rip](%[f])\n\t"
                     "movq %%rsp, %c[rsp](%[f])\n\t"
                     "leaq -128(%%rsp), %%rsp\n\t" /* below the red zone; lea keeps the flags */
                     "stc\n\t"
                     "pushfq\n\t"
                     "popq %%rcx\n\t"
                     "leaq 128(%%rsp), %%rsp\n\t"
                     "movq %%rcx, %c[rflags](%[f])\n\t"
                     "syscall\n"
                     "1:\n\t"
                     "xorl %%ecx, %%ecx\n\t"
                     "jmp 3f\n"
                     "2:\n\t"
                     "movl $1, %%ecx\n"
                     "3:"
                     : "+a"(f->rax), "+D"(f->rdi), "+S"(f->rsi), "+d"(f->rdx), "+r"(r10), "+r"(r8),
                       "+r"(r9), "=&c"(redirected)
                     : [f] "r"(f), [redirect] "i"(offsetof(struct fsys, redirect)),
                       [rip] "i"(offsetof(struct fsys, rip)), [rsp] "i"(offsetof(struct fsys, rsp)),
                       [rflags] "i"(offsetof(struct fsys, rflags))
                     : "r11", "cc", "memory");
    f->r10 = r10;
    f->r8 = r8;
    f->r9 = r9;
    f->redirected = redirected;
}

/* Word r (0 RAX, 1 RDI, 2 RSI, 3 RDX, 4 R10, 5 R8, 6 R9) of syscall k. */
static l4_word_t fword(unsigned k, unsigned r)
{
    return 0xf0000u + 0x100 * k + r;
}

/* Foreign syscalls k = 0, 1, ... with RAX..R9 = fword(k, 0..6), each
 * recorded in fsys[k] when it returns; the last one is never answered. */
static void foreign_fn(l4_word_t arg)
{
    (void)arg;
    for (unsigned k = 0; k < 8; k++) {
        struct fsys *f = &fsys[k];
        f->rax = fword(k, 0);
        f->rdi = fword(k, 1);
        f->rsi = fword(k, 2);
        f->rdx = fword(k, 3);
        f->r10 = fword(k, 4);
        f->r8 = fword(k, 5);
        f->r9 = fword(k, 6);
        foreign_raw(f);
        nfsys = k + 1;
    }
}

#define GS_BASE UINT64_C(0x5a5a5a5a5000)

/* A foreign thread at 100 whose syscalls go to ep (badge 0xfa) and whose
 * GS base is GS_BASE; its FS base in *fs. */
static l4_cptr_t start_foreign(l4_cptr_t *ep, l4_word_t *fs)
{
    *ep = ut_new(L4_OBJECT_ENDPOINT, 0);
    l4_cptr_t fault_ep = *ep ? ut_mint(*ep, ALL, 0xfa) : 0;
    if (!fault_ep)
        return 0;
    nfsys = 0;
    l4_cptr_t t = ut_thread_faulting(foreign_fn, 0, 100, fault_ep);
    struct l4_user_context c = {0};
    if (!t || l4_tcb_read_registers(t, false, L4_USER_CONTEXT_WORDS, &c) != L4_NO_ERROR)
        return 0;
    *fs = c.fs_base;
    c.gs_base = GS_BASE;
    if (l4_tcb_write_registers(t, false, L4_USER_CONTEXT_WORDS, &c) != L4_NO_ERROR ||
        l4_tcb_set_foreign_abi(t, 1) != L4_NO_ERROR)
        return 0;
    return t;
}

/* The message m (and the IPC buffer) of foreign syscall k is all 12 words. */
static void expect_syscall(const struct regs *m, unsigned k, l4_word_t fs)
{
    const struct fsys *f = &fsys[k];
    UT_OK(m->rax);
    UT_EQ(m->rdi, 0xfa);
    UT_EQ(m->rsi, l4_msginfo_new(L4_FAULT_LABEL_SYSCALL, 0, 0, L4_FAULT_SYSCALL_LENGTH));
    UT_EQ(m->mr[L4_FAULT_SYSCALL_MR_RAX], fword(k, 0));
    UT_EQ(m->mr[L4_FAULT_SYSCALL_MR_RDI], fword(k, 1));
    UT_EQ(m->mr[L4_FAULT_SYSCALL_MR_RSI], fword(k, 2));
    UT_EQ(m->mr[L4_FAULT_SYSCALL_MR_RDX], fword(k, 3));
    UT_EQ(l4_get_mr(L4_FAULT_SYSCALL_MR_R10), fword(k, 4));
    UT_EQ(l4_get_mr(L4_FAULT_SYSCALL_MR_R8), fword(k, 5));
    UT_EQ(l4_get_mr(L4_FAULT_SYSCALL_MR_R9), fword(k, 6));
    UT_EQ(l4_get_mr(L4_FAULT_SYSCALL_MR_RIP), f->rip);
    UT_EQ(l4_get_mr(L4_FAULT_SYSCALL_MR_RSP), f->rsp);
    UT_EQ(l4_get_mr(L4_FAULT_SYSCALL_MR_RFLAGS), f->rflags);
    UT_EQ(l4_get_mr(L4_FAULT_SYSCALL_MR_FS_BASE), fs);
    UT_EQ(l4_get_mr(L4_FAULT_SYSCALL_MR_GS_BASE), GS_BASE);
}

/* Answer word i of the k-th answer. */
static l4_word_t aword(unsigned k, unsigned i)
{
    return 0xa0000u + 0x100 * k + i;
}

UTEST(fastpath_foreign_syscall, "a foreign syscall reaches the handler with all 12 words; answers "
                                "of 0..4 words set RAX, RDI, RSI, RDX in turn and leave the rest")
{
    l4_cptr_t ep, r = ut_new(L4_OBJECT_REPLY, 0);
    l4_word_t fs = 0;
    UT_ASSERT(r && start_foreign(&ep, &fs));
    struct regs m = syscall_with(L4_SYS_RECV, ep, 0, sentinel(0), r);
    for (unsigned k = 0; k <= L4_MSG_REGISTERS; k++) {
        expect_syscall(&m, k, fs);
        UT_ASSERT(!ut_failed());
        UT_EQ(nfsys, k);
        m = syscall_with(L4_SYS_REPLY_RECV, ep, l4_msginfo_new(L4_FAULT_REPLY_RESUME, 0, 0, k),
                         aword(k, 0), r);
        UT_EQ(nfsys, k + 1);
        const struct fsys *f = &fsys[k];
        UT_EQ(f->rax, k > 0 ? aword(k, 0) : fword(k, 0));
        UT_EQ(f->rdi, k > 1 ? aword(k, 1) : fword(k, 1));
        UT_EQ(f->rsi, k > 2 ? aword(k, 2) : fword(k, 2));
        UT_EQ(f->rdx, k > 3 ? aword(k, 3) : fword(k, 3));
        UT_EQ(f->r10, fword(k, 4));
        UT_EQ(f->r8, fword(k, 5));
        UT_EQ(f->r9, fword(k, 6));
        UT_EQ(f->redirected, 0);
    }
    expect_syscall(&m, L4_MSG_REGISTERS + 1, fs);
    UT_EQ(l4_debug_check_invariants(), 0);
}

UTEST(fastpath_foreign_stop_label, "a ReplyRecv answer to a foreign syscall with a non-resume "
                                   "label writes the registers but leaves the thread stopped")
{
    l4_cptr_t ep, r = ut_new(L4_OBJECT_REPLY, 0);
    l4_word_t fs = 0;
    l4_cptr_t t = start_foreign(&ep, &fs);
    UT_ASSERT(r && t);
    struct regs m = syscall_with(L4_SYS_RECV, ep, 0, sentinel(0), r);
    expect_syscall(&m, 0, fs);
    UT_ASSERT(!ut_failed());
    UT_ASSERT(ut_thread(rescue_fn, ep, 1));
    m = syscall_with(L4_SYS_REPLY_RECV, ep, l4_msginfo_new(1, 0, 0, 2), aword(0, 0), r);
    UT_OK(m.rax);
    UT_EQ(l4_msginfo_get_label(m.rsi), 0xdead); /* the rescue, not another syscall */
    UT_EQ(nfsys, 0);
    struct l4_user_context c = {0};
    UT_OK(l4_tcb_read_registers(t, false, L4_USER_CONTEXT_WORDS, &c));
    UT_EQ(c.rax, aword(0, 0));
    UT_EQ(c.rdi, aword(0, 1));
    UT_EQ(c.rsi, fword(0, 2));
    UT_EQ(l4_debug_check_invariants(), 0);
    /* Resume lets it go on from there */
    UT_OK(l4_tcb_resume(t));
    m = syscall_with(L4_SYS_RECV, ep, 0, sentinel(1), r);
    expect_syscall(&m, 1, fs);
    UT_EQ(nfsys, 1);
    UT_EQ(fsys[0].rax, aword(0, 0));
    UT_EQ(fsys[0].rdi, aword(0, 1));
    UT_EQ(fsys[0].rsi, fword(0, 2));
    UT_EQ(fsys[0].rdx, fword(0, 3));
}

UTEST(fastpath_foreign_long_answer, "an 8-word answer to a foreign syscall sets R10, R8, R9 and "
                                    "RIP too")
{
    l4_cptr_t ep, r = ut_new(L4_OBJECT_REPLY, 0);
    l4_word_t fs = 0;
    UT_ASSERT(r && start_foreign(&ep, &fs));
    struct regs m = syscall_with(L4_SYS_RECV, ep, 0, sentinel(0), r);
    expect_syscall(&m, 0, fs);
    UT_ASSERT(!ut_failed());
    for (unsigned i = L4_MSG_REGISTERS; i < L4_FAULT_SYSCALL_MR_RIP; i++)
        l4_set_mr(i, aword(0, i));
    l4_set_mr(L4_FAULT_SYSCALL_MR_RIP, fsys[0].redirect);
    m = syscall_with(L4_SYS_REPLY_RECV, ep,
                     l4_msginfo_new(L4_FAULT_REPLY_RESUME, 0, 0, L4_FAULT_SYSCALL_MR_RIP + 1),
                     aword(0, 0), r);
    expect_syscall(&m, 1, fs);
    UT_EQ(nfsys, 1);
    const struct fsys *f = &fsys[0];
    UT_EQ(f->redirected, 1);
    UT_EQ(f->rax, aword(0, L4_FAULT_SYSCALL_MR_RAX));
    UT_EQ(f->rdi, aword(0, L4_FAULT_SYSCALL_MR_RDI));
    UT_EQ(f->rsi, aword(0, L4_FAULT_SYSCALL_MR_RSI));
    UT_EQ(f->rdx, aword(0, L4_FAULT_SYSCALL_MR_RDX));
    UT_EQ(f->r10, aword(0, L4_FAULT_SYSCALL_MR_R10));
    UT_EQ(f->r8, aword(0, L4_FAULT_SYSCALL_MR_R8));
    UT_EQ(f->r9, aword(0, L4_FAULT_SYSCALL_MR_R9));
    UT_EQ(l4_debug_check_invariants(), 0);
}
