/* SPDX-License-Identifier: MIT */
/*
 * The runner's watchdog: ends the run when a test can never finish.
 *
 * A thread at priority 0, below every test thread, so it runs only while
 * the test (priority 255) and all its threads are blocked or suspended.
 * There are no timeouts in the kernel's IPC, so a test in that state for
 * UT_TEST_TIMEOUT_S seconds of the TSC is deadlocked (or its thread
 * faulted): the watchdog reports the test as failed and powers off with
 * status 1, instead of leaving the harness to time out on the whole run.
 * Its TCB comes from a boot untyped the tests never use.
 */
#include <l4/rt.h>
#include "utest_internal.h"

static struct {
    struct l4_rt_thread t;
    _Alignas(16) unsigned char stack[8192];
} wd;

/* Written by the runner, read by the watchdog. */
static volatile unsigned test_number;
static const char *volatile test_name;

void ut_watchdog_test(unsigned number, const char *name)
{
    test_name = name;
    test_number = number;
}

static uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t)hi << 32 | lo;
}

static void watch(l4_word_t tsc_hz)
{
    unsigned seen = 0;
    uint64_t since = 0;
    for (;;) {
        unsigned n = test_number;
        uint64_t now = rdtsc();
        if (n != seen) {
            seen = n;
            since = now;
        } else if (n && now - since > (uint64_t)UT_TEST_TIMEOUT_S * tsc_hz) {
            l4_printf("# %s: every thread blocked for %d s: deadlock, or a thread faulted\n",
                      test_name, UT_TEST_TIMEOUT_S);
            l4_printf("not ok %u - %s\n", n, test_name);
            l4_printf("Bail out! %s never finished\n", test_name);
            l4_rt_exit(1);
        }
        l4_yield();
    }
}

int ut_watchdog_start(void)
{
    const struct l4_boot_info *bi = ut_boot_info();
    l4_cptr_t tcb = ut_res_runner_object(L4_OBJECT_TCB);
    l4_cptr_t frame = l4_rt_image_frame(&wd.t.ipc_buffer);
    if (tcb == L4_CPTR_NULL || frame == L4_CPTR_NULL)
        return -1;
    struct l4_rt_thread_config c = {
        .tcb = tcb,
        .cspace = UT_CNODE,
        .vspace = L4_ROOT_SLOT_VSPACE,
        .ipc_frame = frame,
        .authority = L4_ROOT_SLOT_TCB,
        .priority = 0,
        .stack_top = wd.stack + sizeof wd.stack,
    };
    l4_word_t hz = bi->tsc_hz ? bi->tsc_hz : UINT64_C(1000000000);
    l4_debug_name_thread(tcb, "utest-watchdog");
    return l4_rt_thread_start(&wd.t, &c, watch, hz) == L4_NO_ERROR ? 0 : -1;
}
