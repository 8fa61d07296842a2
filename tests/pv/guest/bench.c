/* SPDX-License-Identifier: MIT */
/*
 * The PV benchmarks (tools/tessera bench pv; docs/performance.md), run by
 * the PV test guest as a guest kernel would make the calls. Each one
 * samples an operation `iterations` times with the time-stamp counter
 * (host cycles under plain TCG, instructions under -icount shift=0) and
 * prints the median, less the median of an empty sample (the overhead), in
 * the line format of the IPC benchmark (tools/tessera_lib/bench.py):
 *
 *   ipc_round_trip    a Call the memory server answers at once (Query of
 *                     an address with nothing mapped: NotMapped)
 *   map_1             Map of one page
 *   map_batch_64      one Batch of 64 Map entries (filling them included)
 *   protect_batch_64  one Batch of 64 Protect entries
 *   fault_via_guest   a process's page fault, from one fault to the next:
 *                     the kernel delivers it to the guest, the guest asks
 *                     the memory server to map a page and answers, the
 *                     process touches its next page
 *
 * The pages each sample needs are prepared outside the timed part.
 */
#include <stdlib.h>
#include <string.h>
#include <l4/debug.h>
#include <l4/platform.h>
#include <l4/proto/mem_client_gen.h>
#include <l4/rt.h>
#include <l4/start_info.h>
#include <l4/stubs_gen.h>
#include "pvtest.h"

#define R      MEM_BATCH_ENTRY_RIGHT_READ
#define W      MEM_BATCH_ENTRY_RIGHT_WRITE
#define X      MEM_BATCH_ENTRY_RIGHT_EXEC
#define BASE   UINT64_C(0x0000000020000000)
#define FAULTS UINT64_C(0x0000000040000000) /* where the process touches pages */

static l4_cptr_t mem;
static uint64_t *samples;
static unsigned iterations, errors;

static inline uint64_t tsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi)::"memory");
    return (uint64_t)hi << 32 | lo;
}

static int cmp(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static uint64_t median(unsigned n, uint64_t *min, uint64_t *max)
{
    qsort(samples, n, sizeof *samples, cmp);
    *min = samples[0];
    *max = samples[n - 1];
    return samples[n / 2];
}

static uint64_t overhead;

static void report(const char *name, unsigned n)
{
    uint64_t lo, hi, m = median(n, &lo, &hi);
    l4_printf("BENCH %s median=%lu overhead=%lu net=%ld min=%lu max=%lu n=%u\n", name,
              (unsigned long)m, (unsigned long)overhead, (long)(m - overhead), (unsigned long)lo,
              (unsigned long)hi, n);
}

static void fail(const char *name, const char *why, mem_status_t st)
{
    errors++;
    l4_printf("BENCH-ERROR %s: %s (%s)\n", name, why, mem_error_name(st));
}

static void bench_round_trip(l4_word_t sp)
{
    l4_word_t pfn, rights;
    for (unsigned i = 0; i < iterations; i++) {
        uint64_t t0 = tsc();
        mem_status_t st = mem_query(mem, sp, BASE, &pfn, &rights);
        samples[i] = tsc() - t0;
        if (st != MEM_ERROR_NOT_MAPPED)
            return fail("ipc_round_trip", "Query", st);
    }
    report("ipc_round_trip", iterations);
}

static void bench_map_1(l4_word_t sp)
{
    for (unsigned i = 0; i < iterations; i++) {
        uint64_t t0 = tsc();
        mem_status_t st = mem_map(mem, sp, BASE, 10, R | W);
        samples[i] = tsc() - t0;
        if (st != L4_NO_ERROR)
            return fail("map_1", "Map", st);
        if ((st = mem_unmap(mem, sp, BASE)) != L4_NO_ERROR)
            return fail("map_1", "Unmap", st);
    }
    report("map_1", iterations);
}

static void bench_batches(l4_word_t sp, struct mem_batch_entry *b)
{
    l4_word_t failed, first;
    mem_status_t st;
    for (unsigned i = 0; i < iterations; i++) {
        uint64_t t0 = tsc();
        for (unsigned k = 0; k < 64; k++)
            b[k] = (struct mem_batch_entry){
                MEM_BATCH_ENTRY_OP_MAP, (uint32_t)sp, BASE + k * UINT64_C(4096), 100 + k, R | W, 0};
        st = mem_batch(mem, 64, &failed, &first);
        samples[i] = tsc() - t0;
        if (st != L4_NO_ERROR || failed)
            return fail("map_batch_64", "Batch of maps", st);
        b[0] =
            (struct mem_batch_entry){MEM_BATCH_ENTRY_OP_UNMAP_RANGE, (uint32_t)sp, BASE, 64, 0, 0};
        if ((st = mem_batch(mem, 1, &failed, &first)) != L4_NO_ERROR || failed)
            return fail("map_batch_64", "unmap range", st);
    }
    report("map_batch_64", iterations);
    for (unsigned k = 0; k < 64; k++)
        b[k] = (struct mem_batch_entry){
            MEM_BATCH_ENTRY_OP_MAP, (uint32_t)sp, BASE + k * UINT64_C(4096), 100 + k, R | W, 0};
    if ((st = mem_batch(mem, 64, &failed, &first)) != L4_NO_ERROR || failed)
        return fail("protect_batch_64", "Batch of maps", st);
    for (unsigned i = 0; i < iterations; i++) {
        l4_word_t rights = (i & 1) ? (R | W) : R;
        uint64_t t0 = tsc();
        for (unsigned k = 0; k < 64; k++)
            b[k] = (struct mem_batch_entry){MEM_BATCH_ENTRY_OP_PROTECT, (uint32_t)sp,
                                            BASE + k * UINT64_C(4096),  0,
                                            (uint32_t)rights,           0};
        st = mem_batch(mem, 64, &failed, &first);
        samples[i] = tsc() - t0;
        if (st != L4_NO_ERROR || failed)
            return fail("protect_batch_64", "Batch of protects", st);
    }
    report("protect_batch_64", iterations);
}

/* The process: touch one word in each page from FAULTS on, for ever. */
static const unsigned char toucher[] = {
    0x48, 0xb8, 0x00, 0x00, 0x00, 0x40, 0x00, 0x00, 0x00, 0x00, /* mov $FAULTS, %rax */
    0x8b, 0x18,                                                 /* 1: mov (%rax), %ebx */
    0x48, 0x05, 0x00, 0x10, 0x00, 0x00,                         /* add $4096, %rax */
    0xeb, 0xf6,                                                 /* jmp 1b */
};

static void bench_fault(l4_word_t sp, l4_word_t phys_pages)
{
    const struct l4_start_info *si = l4_rt_start_info();
    const struct l4_start_cap *rc = l4_start_info_cap(si, L4_PLAT_CAP_REPLIES);
    l4_word_t ep = si->free_first + 40, tcb = si->free_first + 41, h = 0, th = 0;
    mem_status_t st = mem_object_create(mem, L4_OBJECT_ENDPOINT, si->cnode, ep, &h);
    if (st != L4_NO_ERROR || !rc)
        return fail("fault_via_guest", "endpoint", st);
    memcpy((void *)(uintptr_t)(L4_PLAT_PHYS_BASE + 30 * 4096), toucher, sizeof toucher);
    if ((st = mem_map(mem, sp, 0x400000, 30, R | X)) != L4_NO_ERROR)
        return fail("fault_via_guest", "text", st);
    if ((st = mem_thread_create(mem, sp, 1, 1, ep, si->cnode, tcb, &th)) != L4_NO_ERROR)
        return fail("fault_via_guest", "ThreadCreate", st);
    struct l4_user_context regs = {.rip = 0x400000, .rsp = 0x800000, .rflags = 0x202};
    if (l4_tcb_write_registers(tcb, true, L4_USER_CONTEXT_WORDS, &regs) != L4_NO_ERROR)
        return fail("fault_via_guest", "start", L4_INVALID_ARGUMENT);
    l4_word_t badge;
    l4_msginfo_t info;
    l4_cptr_t reply = rc->slot;
    unsigned n = iterations + 1 < phys_pages - 200 ? iterations + 1 : (unsigned)phys_pages - 200;
    (void)l4_recv(ep, reply, &badge, &info);
    uint64_t t_prev = tsc();
    for (unsigned i = 0; i < n; i++) {
        l4_word_t addr = l4_get_mr(L4_FAULT_EXCEPTION_MR_ADDRESS);
        if (l4_msginfo_get_label(info) != L4_FAULT_LABEL_EXCEPTION || addr < FAULTS)
            return fail("fault_via_guest", "unexpected fault", L4_INVALID_ARGUMENT);
        st = mem_map(mem, sp, addr & ~UINT64_C(0xfff), 200 + i, R | W);
        if (st != L4_NO_ERROR)
            return fail("fault_via_guest", "Map", st);
        (void)l4_reply_recv(ep, l4_msginfo_new(L4_FAULT_REPLY_RESUME, 0, 0, 0), reply, &badge,
                            &info);
        uint64_t t = tsc();
        if (i > 0)
            samples[i - 1] = t - t_prev;
        t_prev = t;
    }
    (void)mem_thread_destroy(mem, th);
    report("fault_via_guest", n - 1);
}

unsigned pvtest_bench(unsigned n)
{
    iterations = n ? n : 1000;
    mem = l4_rt_cap(L4_PLAT_CAP_MEM);
    samples = malloc(iterations * sizeof *samples);
    l4_word_t size = 0, sp = 0, pages = 0, x;
    struct mem_batch_entry *b = l4_rt_shared_page(L4_PLAT_PAGE_MEM, &size);
    if (!mem || !samples || !b || mem_info(mem, &pages, &x, &x, &x, &x, &x, &x) ||
        mem_space_create(mem, &sp)) {
        l4_printf("BENCH-ERROR setup: no memory server, batch pages or space\n");
        return 1;
    }
    for (unsigned i = 0; i < iterations; i++) {
        uint64_t t0 = tsc();
        samples[i] = tsc() - t0;
    }
    uint64_t lo, hi;
    overhead = median(iterations, &lo, &hi);
    l4_printf("BENCH-START iterations=%u warmup=0 tsc_hz=0\n", iterations);
    bench_round_trip(sp);
    bench_map_1(sp);
    bench_batches(sp, b);
    bench_fault(sp, pages);
    l4_printf("BENCH-END benchmarks=5 errors=%u\n", errors);
    return errors;
}
