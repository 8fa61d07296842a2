/* SPDX-License-Identifier: MIT */
/*
 * Tests of the framework itself (utest.h, the libl4 runtime): test threads
 * run only while the test blocks, in priority order, each with its own IPC
 * buffer and TLS block (so the invocation stubs and musl's formatting work
 * on them), and end cleanly when their function returns.
 */
#include <stdio.h>
#include <string.h>
#include <l4/rt.h>
#include "utest.h"

#define ALL L4_CAP_RIGHTS_ALL

/* What the threads saw, for the test to check. */
static volatile l4_word_t seen_ipc[2], seen_tls[2];
static volatile unsigned order[4], ran;
static char formatted[32];

/* A badged copy of notification n (badge bits tell the senders apart). */
static l4_cptr_t badged(l4_cptr_t n, l4_word_t badge)
{
    l4_cptr_t b = ut_slot();
    if (l4_cnode_mint(UT_CNODE, b, UT_DEPTH, UT_CNODE, n, UT_DEPTH, ALL, badge) != L4_NO_ERROR)
        return 0;
    return b;
}

static void report_in(l4_word_t arg)
{
    unsigned who = (unsigned)(arg >> 32);
    l4_cptr_t signal_cap = arg & 0xffffffff;
    seen_ipc[who] = (l4_word_t)l4_ipc_buffer();
    seen_tls[who] = (l4_word_t)l4_rt_tls();
    order[ran++] = who;
    snprintf(formatted, sizeof formatted, "thread %u: %#x", who, 0x2a);
    l4_signal(signal_cap);
}

UTEST(utest_thread_runs, "a test thread runs once the test blocks, with its own IPC buffer and "
                         "TLS block")
{
    l4_cptr_t n = ut_new(L4_OBJECT_NOTIFICATION, 0), b = badged(n, 0x5);
    UT_ASSERT(n && b);
    ran = 0;
    formatted[0] = '\0';
    UT_ASSERT(ut_thread(report_in, b, 100) != 0);
    UT_EQ(ran, 0); /* the test runs at the highest priority */
    l4_word_t word = 0;
    UT_OK(l4_wait(n, &word));
    UT_EQ(word, 0x5);
    UT_EQ(ran, 1);
    UT_ASSERT(seen_ipc[0] != (l4_word_t)l4_ipc_buffer());
    UT_EQ(seen_ipc[0] % L4_IPC_BUFFER_SIZE, 0);
    UT_ASSERT(seen_tls[0] != (l4_word_t)l4_rt_tls());
    UT_ASSERT(!strcmp(formatted, "thread 0: 0x2a"));
}

UTEST(utest_thread_priorities, "of two test threads the higher priority one runs first")
{
    l4_cptr_t n = ut_new(L4_OBJECT_NOTIFICATION, 0);
    l4_cptr_t b1 = badged(n, 0x1), b2 = badged(n, 0x2);
    UT_ASSERT(n && b1 && b2);
    ran = 0;
    UT_ASSERT(ut_thread(report_in, (UINT64_C(0) << 32) | b1, 50) != 0);
    UT_ASSERT(ut_thread(report_in, (UINT64_C(1) << 32) | b2, 150) != 0);
    l4_word_t all = 0;
    while (all != 0x3) {
        l4_word_t word = 0;
        UT_OK(l4_wait(n, &word));
        all |= word;
    }
    UT_EQ(ran, 2);
    UT_EQ(order[0], 1);
    UT_EQ(order[1], 0);
    UT_ASSERT(seen_ipc[0] != seen_ipc[1]);
    UT_ASSERT(seen_tls[0] != seen_tls[1]);
}

static void return_at_once(l4_word_t arg)
{
    (void)arg;
    ran++;
}

UTEST(utest_thread_returns, "a thread whose function returns stops, and its TCB stays valid")
{
    l4_cptr_t n = ut_new(L4_OBJECT_NOTIFICATION, 0);
    UT_ASSERT(n != 0);
    ran = 0;
    l4_cptr_t t = ut_thread(return_at_once, 0, 10);
    UT_ASSERT(t != 0);
    /* a second, lower-priority thread runs only once the first one has
     * returned and stopped; the test waits for its signal */
    l4_cptr_t b = ut_slot();
    UT_OK(l4_cnode_mint(UT_CNODE, b, UT_DEPTH, UT_CNODE, n, UT_DEPTH, ALL, 1));
    UT_ASSERT(ut_thread(report_in, b, 5) != 0);
    l4_word_t word = 0;
    UT_OK(l4_wait(n, &word));
    UT_EQ(ran, 2);
    UT_EQ(l4_debug_cap_identify(t), L4_CAP_TCB);
}
