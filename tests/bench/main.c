/* SPDX-License-Identifier: MIT */
/*
 * The IPC benchmark root task: runs every benchmark, prints one line each.
 *
 * Output on the serial console (parsed by tools/tessera_lib/bench.py):
 *   BENCH-START iterations=N warmup=W tsc_hz=F
 *   BENCH-OVERHEAD pair=P split=S
 *   BENCH <name> median=M overhead=O net=M-O min=A max=B n=N   (one each)
 *   BENCH-ERROR <name>: <why>                                   (on failure)
 *   BENCH-END benchmarks=K errors=E
 * then it powers off with status 0, or 1 if a benchmark failed. The kernel
 * command-line word iterations=N (1..BENCH_MAX_ITERATIONS) sets the number
 * of recorded samples per benchmark. Figures are time-stamp counter ticks:
 * host cycles under plain QEMU TCG, instructions under -icount shift=0.
 * No benchmark ever leaves every thread blocked, so a watchdog thread at
 * the lowest priority that runs at all reports a deadlock (a benchmark
 * waiting for an answer that never comes) and powers off with status 1.
 */
#include <stdlib.h>
#include <string.h>
#include "bench.h"

unsigned bench_iterations = BENCH_DEFAULT_ITERATIONS;
unsigned bench_warmup;

static const struct {
    const char *name;
    void (*run)(const char *name);
} benchmarks[] = {
    {"null_syscall", bench_null_syscall}, {"yield_alone", bench_yield_alone},
    {"call_0_same", bench_call_0_same},   {"call_4_same", bench_call_4_same},
    {"call_0_cross", bench_call_0_cross}, {"call_4_cross", bench_call_4_cross},
    {"signal_wait", bench_signal_wait},   {"pagefault_pager", bench_pagefault_pager},
    {"foreign_null", bench_foreign_null}, {"retype_frame_4k", bench_retype_frame_4k},
};

#define NUM_BENCHMARKS (sizeof benchmarks / sizeof benchmarks[0])

static const char *volatile running = "setup";

static void watchdog(l4_word_t unused)
{
    l4_printf("BENCH-ERROR %s: every thread is blocked\n", running);
    l4_rt_exit(1);
}

/* The value of the command-line word key=value, or NULL. */
static const char *cmdline_value(const char *cmdline, const char *key)
{
    size_t klen = strlen(key);
    for (const char *p = cmdline; *p;) {
        while (*p == ' ')
            p++;
        if (!strncmp(p, key, klen) && p[klen] == '=')
            return p + klen + 1;
        while (*p && *p != ' ')
            p++;
    }
    return NULL;
}

static int parse_iterations(const struct l4_boot_info *bi)
{
    char cmdline[L4_BOOTINFO_CMDLINE_MAX];
    memcpy(cmdline, bi->cmdline, sizeof cmdline);
    cmdline[sizeof cmdline - 1] = 0;
    const char *v = cmdline_value(cmdline, "iterations");
    if (v) {
        char *end;
        unsigned long n = strtoul(v, &end, 10);
        if (end == v || (*end && *end != ' ') || n < 1 || n > BENCH_MAX_ITERATIONS) {
            bench_fail("setup", "iterations must be 1..%d", BENCH_MAX_ITERATIONS);
            return -1;
        }
        bench_iterations = (unsigned)n;
    }
    bench_warmup = bench_iterations / 10 + 1;
    if (bench_warmup > BENCH_MAX_WARMUP)
        bench_warmup = BENCH_MAX_WARMUP;
    return 0;
}

int main(int argc, char **argv)
{
    const struct l4_boot_info *bi = l4_rt_boot_info();
    (void)argc;
    (void)argv;
    if (!bi) {
        l4_printf("BENCH-ERROR setup: no boot info\n");
        return 1;
    }
    if (parse_iterations(bi) || bench_res_init(bi) || bench_watchdog_start(watchdog))
        return 1;
    l4_debug_name_thread(L4_ROOT_SLOT_TCB, "ipc-bench");
    l4_printf("BENCH-START iterations=%u warmup=%u tsc_hz=%lu\n", bench_iterations, bench_warmup,
              (unsigned long)bi->tsc_hz);
    bench_measure_overheads();
    for (unsigned i = 0; i < NUM_BENCHMARKS; i++) {
        if (bench_begin())
            break;
        running = benchmarks[i].name;
        benchmarks[i].run(benchmarks[i].name);
        bench_end();
    }
    l4_printf("BENCH-END benchmarks=%u errors=%u\n", (unsigned)NUM_BENCHMARKS, bench_failures());
    return bench_failures() ? 1 : 0;
}
