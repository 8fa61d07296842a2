/* SPDX-License-Identifier: MIT */
/*
 * Benchmarks of the kernel's own syscalls: null, Yield, Call, Signal/Wait.
 *
 * null_syscall   an unknown syscall number: the kernel returns
 *                IllegalOperation at once (entry, dispatch, exit)
 * yield_alone    Yield with no other thread ready (the watchdog, ready at
 *                the lowest priority, is suspended meanwhile: the
 *                scheduler's search would find it)
 * call_W_SPACE   Call on an endpoint with W message words (0, or 4: MR0-MR3
 *                in registers) to a server that answers with ReplyRecv and
 *                the same number of words, in the root task's space (same)
 *                or in a second one (cross); one sample is one round trip,
 *                from the client's syscall to its return. The server, a
 *                register-only loop (remote.S), has its own Reply object and
 *                the client's priority, and waits in ReplyRecv whenever the
 *                client calls.
 * signal_wait    one way: from just before a helper thread's Signal until
 *                the root thread, waiting on the notification at a higher
 *                priority, returns from Wait (timed with split stamps).
 * The root thread is the client, the caller and the waiter.
 */
#include "bench.h"

/* A syscall number the kernel does not know (not one of the debug ones). */
#define UNKNOWN_SYSCALL 63
_Static_assert(UNKNOWN_SYSCALL > L4_SYS_DEBUG_NAME_THREAD, "not a known syscall");

void bench_null_syscall(const char *name)
{
    for (unsigned i = 0; i < bench_warmup + bench_iterations; i++) {
        struct bench_regs r = {.rax = UNKNOWN_SYSCALL};
        bench_record(i, bench_timed_syscall(&r));
        if (r.rax != L4_ILLEGAL_OPERATION) {
            bench_fail(name, "syscall %d returned %s", UNKNOWN_SYSCALL, l4_error_name(r.rax));
            return;
        }
    }
    bench_report(name, BENCH_PAIR);
}

void bench_yield_alone(const char *name)
{
    l4_error_t e = l4_tcb_suspend(bench_watchdog());
    if (e != L4_NO_ERROR) {
        bench_fail(name, "suspending the watchdog failed: %s", l4_error_name(e));
        return;
    }
    for (unsigned i = 0; i < bench_warmup + bench_iterations; i++) {
        struct bench_regs r = {.rax = L4_SYS_YIELD};
        bench_record(i, bench_timed_syscall(&r));
    }
    e = l4_tcb_resume(bench_watchdog());
    if (e != L4_NO_ERROR) {
        bench_fail(name, "resuming the watchdog failed: %s", l4_error_name(e));
        return;
    }
    bench_report(name, BENCH_PAIR);
}

static void call_benchmark(const char *name, unsigned words, int remote)
{
    struct bench_space space;
    if (remote) {
        if (bench_space_remote(name, &space))
            return;
    } else {
        bench_space_root(&space);
    }
    l4_cptr_t ep = bench_new(name, L4_OBJECT_ENDPOINT);
    l4_cptr_t reply = bench_new(name, L4_OBJECT_REPLY);
    l4_msginfo_t info = l4_msginfo_new(0, 0, 0, words);
    if (!ep || !reply ||
        !bench_asm_thread(name, &space, bench_echo_server, reply, ep, info, BENCH_PRIO_MAIN))
        return;
    for (unsigned i = 0; i < bench_warmup + bench_iterations; i++) {
        struct bench_regs r = {.rax = L4_SYS_CALL, .rdi = ep, .rsi = info};
        if (words) {
            r.rdx = i;
            r.r8 = ~(uint64_t)i;
            r.r9 = (uint64_t)i << 32;
            r.r10 = UINT64_C(0x5eed) ^ i;
        }
        bench_record(i, bench_timed_syscall(&r));
        if (r.rax != L4_NO_ERROR || l4_msginfo_get_length(r.rsi) != words) {
            bench_fail(name, "Call returned %s with %lu words", l4_error_name(r.rax),
                       (unsigned long)l4_msginfo_get_length(r.rsi));
            return;
        }
        if (words && (r.rdx != i || r.r8 != ~(uint64_t)i || r.r9 != (uint64_t)i << 32 ||
                      r.r10 != (UINT64_C(0x5eed) ^ i))) {
            bench_fail(name, "the answer to call %u is not the echo of its words", i);
            return;
        }
    }
    bench_report(name, BENCH_PAIR);
}

void bench_call_0_same(const char *name)
{
    call_benchmark(name, 0, 0);
}

void bench_call_4_same(const char *name)
{
    call_benchmark(name, 4, 0);
}

void bench_call_0_cross(const char *name)
{
    call_benchmark(name, 0, 1);
}

void bench_call_4_cross(const char *name)
{
    call_benchmark(name, 4, 1);
}

/* --- signal_wait ---------------------------------------------------------------- */

/* The signaller's registers (the waiter reads the start stamp) and the
 * number of its Signals that failed. */
static struct bench_regs signal_regs;
static volatile unsigned signal_errors;

static void signaller(l4_word_t ntfn)
{
    for (unsigned i = 0; i < bench_warmup + bench_iterations; i++) {
        signal_regs = (struct bench_regs){.rax = L4_SYS_SEND, .rdi = ntfn};
        bench_stamp_syscall(&signal_regs);
        if (signal_regs.rax != L4_NO_ERROR)
            signal_errors++;
    }
}

void bench_signal_wait(const char *name)
{
    l4_cptr_t ntfn = bench_new(name, L4_OBJECT_NOTIFICATION);
    signal_errors = 0;
    if (!ntfn || !bench_thread(name, signaller, ntfn, BENCH_PRIO_HELPER, L4_CPTR_NULL))
        return;
    /* The signaller runs only while this thread waits, and each Signal
     * makes this thread (higher priority) run at once. */
    for (unsigned i = 0; i < bench_warmup + bench_iterations; i++) {
        struct bench_regs r = {.rax = L4_SYS_RECV, .rdi = ntfn};
        uint64_t end = bench_syscall_stamp(&r);
        if (r.rax != L4_NO_ERROR || signal_errors) {
            bench_fail(name, "Wait returned %s; %u Signals failed", l4_error_name(r.rax),
                       signal_errors);
            return;
        }
        bench_record(i, end - (signal_regs.stamp_hi << 32 | signal_regs.stamp_lo));
    }
    bench_report(name, BENCH_SPLIT);
}
