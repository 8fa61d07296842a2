/* SPDX-License-Identifier: MIT */
/*
 * Samples, medians and the report lines of the IPC benchmark (see bench.h).
 *
 * A benchmark stores one time-stamp delta per recorded iteration in the
 * shared sample array and then calls bench_report(), which sorts the
 * samples and prints their median, minimum and maximum with the overhead of
 * the timing method: the median of the same number of deltas of the empty
 * timing code (bench_timed_empty for a pair of stamps in one thread,
 * bench_split_empty for stamps taken by two threads), measured once at
 * start by bench_measure_overheads(). net = median - overhead is the
 * figure the tools report.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include "bench.h"

static uint64_t samples[BENCH_MAX_ITERATIONS];
static uint64_t overhead[2]; /* by enum bench_timing */
static unsigned failures;

uint64_t *bench_samples(void)
{
    return samples;
}

static int compare_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Sorts v[0..n) and returns its median (n >= 1). */
static uint64_t median(uint64_t *v, unsigned n)
{
    qsort(v, n, sizeof *v, compare_u64);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

void bench_measure_overheads(void)
{
    struct bench_regs r = {0};
    for (unsigned i = 0; i < bench_warmup + bench_iterations; i++)
        bench_record(i, bench_timed_empty(&r));
    overhead[BENCH_PAIR] = median(samples, bench_iterations);
    for (unsigned i = 0; i < bench_warmup + bench_iterations; i++)
        bench_record(i, bench_split_empty(&r));
    overhead[BENCH_SPLIT] = median(samples, bench_iterations);
    l4_printf("BENCH-OVERHEAD pair=%lu split=%lu\n", (unsigned long)overhead[BENCH_PAIR],
              (unsigned long)overhead[BENCH_SPLIT]);
}

void bench_report(const char *name, enum bench_timing timing)
{
    unsigned n = bench_iterations;
    uint64_t m = median(samples, n);
    uint64_t o = overhead[timing];
    l4_printf("BENCH %s median=%lu overhead=%lu net=%ld min=%lu max=%lu n=%u\n", name,
              (unsigned long)m, (unsigned long)o, (long)(m - o), (unsigned long)samples[0],
              (unsigned long)samples[n - 1], n);
}

void bench_fail(const char *name, const char *fmt, ...)
{
    char msg[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    l4_printf("BENCH-ERROR %s: %s\n", name, msg);
    failures++;
}

unsigned bench_failures(void)
{
    return failures;
}
