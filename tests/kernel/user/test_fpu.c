/* SPDX-License-Identifier: MIT */
/*
 * User-level tests of per-thread FPU, SSE and AVX state (docs/kernel/fpu.md).
 *
 * The kernel's choices seen from user mode (CPUID's OSXSAVE bit, XCR0 read
 * with XGETBV), a new thread's clean state (x87 control word, MXCSR, zero
 * vector registers), and isolation: two threads of one priority fill the
 * XMM or YMM registers with their own patterns and spin across several
 * time slices, preempted by the timer in turn, then check that every
 * register still holds their pattern; MXCSR stays per thread. Vector
 * registers are reached with inline assembly only (this program is built
 * with -mgeneral-regs-only, so the compiler never uses them itself).
 */
#include <string.h>
#include "utest.h"

#define PRIO               100
#define SPIN_MS            120 /* six 20 ms time slices */
#define CPUID1_ECX_XSAVE   (1u << 26)
#define CPUID1_ECX_OSXSAVE (1u << 27)
#define CPUID1_ECX_AVX     (1u << 28)

static void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
    __asm__ volatile("cpuid"
                     : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
                     : "a"(leaf), "c"(sub));
}

static int have_avx(void)
{
    uint32_t r[4];
    cpuid(1, 0, r);
    return (r[2] & CPUID1_ECX_OSXSAVE) && (r[2] & CPUID1_ECX_AVX);
}

static uint64_t xgetbv0(void)
{
    uint32_t lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return lo | (uint64_t)hi << 32;
}

static uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return lo | (uint64_t)hi << 32;
}

/* Busy for about ms milliseconds of TSC time, without touching vector
 * registers. */
static void spin(unsigned ms)
{
    uint64_t end = rdtsc() + ut_boot_info()->tsc_hz / 1000 * ms;
    while (rdtsc() < end)
        __asm__ volatile("pause");
}

#define XMM_LOAD(i)  "movdqu " #i "*16(%0), %%xmm" #i "\n\t"
#define XMM_STORE(i) "movdqu %%xmm" #i ", " #i "*16(%0)\n\t"
#define YMM_LOAD(i)  "vmovdqu " #i "*32(%0), %%ymm" #i "\n\t"
#define YMM_STORE(i) "vmovdqu %%ymm" #i ", " #i "*32(%0)\n\t"
#define ALL16(m)                                                                                   \
    m(0) m(1) m(2) m(3) m(4) m(5) m(6) m(7) m(8) m(9) m(10) m(11) m(12) m(13) m(14) m(15)

static void load_xmm(const uint8_t *p)
{
    __asm__ volatile(ALL16(XMM_LOAD) : : "r"(p) : "memory");
}

static void store_xmm(uint8_t *p)
{
    __asm__ volatile(ALL16(XMM_STORE) : : "r"(p) : "memory");
}

static void load_ymm(const uint8_t *p)
{
    __asm__ volatile(ALL16(YMM_LOAD) : : "r"(p) : "memory");
}

static void store_ymm(uint8_t *p)
{
    __asm__ volatile(ALL16(YMM_STORE) : : "r"(p) : "memory");
}

static uint32_t get_mxcsr(void)
{
    uint32_t v;
    __asm__ volatile("stmxcsr %0" : "=m"(v));
    return v;
}

static void set_mxcsr(uint32_t v)
{
    __asm__ volatile("ldmxcsr %0" : : "m"(v));
}

static void fill(uint8_t *p, unsigned n, unsigned seed)
{
    for (unsigned i = 0; i < n; i++)
        p[i] = (uint8_t)(seed * 37 + i * 11 + 1);
}

/* ---- the two workers --------------------------------------------------------- */

struct worker {
    unsigned id;
    int avx;
    l4_cptr_t done;
    volatile int ok;
    volatile uint32_t mxcsr;
    volatile uint64_t start, end; /* TSC while its registers were live */
    uint8_t want[16 * 32], got[16 * 32];
};

static struct worker workers[2];

static void vector_worker(l4_word_t arg)
{
    struct worker *w = &workers[arg];
    unsigned n = w->avx ? 16 * 32 : 16 * 16;
    fill(w->want, n, w->id + 1);
    /* worker 1 rounds toward zero, worker 0 keeps the default */
    set_mxcsr(w->id ? 0x7f80 : 0x1f80);
    if (w->avx)
        load_ymm(w->want);
    else
        load_xmm(w->want);
    w->start = rdtsc();
    spin(SPIN_MS);
    w->end = rdtsc();
    if (w->avx)
        store_ymm(w->got);
    else
        store_xmm(w->got);
    w->mxcsr = get_mxcsr();
    w->ok = !memcmp(w->want, w->got, n);
    l4_signal(w->done);
}

/* Run both workers at one priority and wait for both. */
static void run_pair(int avx)
{
    l4_cptr_t done = ut_new(L4_OBJECT_NOTIFICATION, 0);
    UT_ASSERT(done);
    for (unsigned i = 0; i < 2; i++) {
        memset(&workers[i], 0, sizeof workers[i]);
        workers[i].id = i;
        workers[i].avx = avx;
        workers[i].done = ut_mint(done, L4_CAP_RIGHTS_ALL, 1u << i);
        UT_ASSERT(workers[i].done);
    }
    UT_ASSERT(ut_thread(vector_worker, 0, PRIO) && ut_thread(vector_worker, 1, PRIO));
    l4_word_t seen = 0, badge;
    while (seen != 3) {
        UT_OK(l4_wait(done, &badge));
        seen |= badge;
    }
    /* on one CPU, overlapping intervals mean the timer switched between
     * them while both had their patterns in the registers */
    UT_ASSERT(workers[1].start < workers[0].end && workers[0].start < workers[1].end);
    UT_ASSERT(workers[0].ok);
    UT_ASSERT(workers[1].ok);
    UT_EQ(workers[0].mxcsr, 0x1f80);
    UT_EQ(workers[1].mxcsr, 0x7f80);
    UT_EQ(get_mxcsr(), 0x1f80); /* the test's own */
}

/* ---- tests ------------------------------------------------------------------ */

UTEST(fpu_xsave_enabled, "with XSAVE the kernel sets OSXSAVE and XCR0 holds x87 and SSE, and "
                         "AVX exactly when the CPU has it")
{
    uint32_t r[4];
    cpuid(1, 0, r);
    if (!(r[2] & CPUID1_ECX_XSAVE)) {
        UT_EQ(r[2] & CPUID1_ECX_OSXSAVE, 0);
        return;
    }
    UT_ASSERT(r[2] & CPUID1_ECX_OSXSAVE);
    uint64_t xcr0 = xgetbv0();
    UT_EQ(xcr0 & 3, 3);
    UT_EQ((xcr0 >> 2) & 1, (r[2] & CPUID1_ECX_AVX) ? 1 : 0);
    UT_EQ(xcr0 & ~UINT64_C(7), 0); /* nothing larger than the TCB can hold */
}

static volatile uint32_t fresh_mxcsr;
static volatile uint16_t fresh_fcw;
static uint8_t fresh_vectors[16 * 32];

static void fresh_reader(l4_word_t done)
{
    uint16_t fcw;
    __asm__ volatile("fnstcw %0" : "=m"(fcw));
    fresh_fcw = fcw;
    fresh_mxcsr = get_mxcsr();
    if (have_avx())
        store_ymm(fresh_vectors);
    else
        store_xmm(fresh_vectors);
    l4_signal(done);
}

UTEST(fpu_new_thread_clean, "a new thread starts with the x87 control word 0x37f, MXCSR 0x1f80 "
                            "and zero vector registers, whatever its creator holds")
{
    uint8_t junk[16 * 32];
    fill(junk, sizeof junk, 99);
    if (have_avx())
        load_ymm(junk);
    else
        load_xmm(junk);
    set_mxcsr(0x3f80);
    l4_cptr_t done = ut_new(L4_OBJECT_NOTIFICATION, 0);
    memset(fresh_vectors, 0xee, sizeof fresh_vectors);
    UT_ASSERT(done && ut_thread(fresh_reader, done, PRIO));
    UT_OK(l4_wait(done, NULL));
    set_mxcsr(0x1f80);
    UT_EQ(fresh_fcw, 0x37f);
    UT_EQ(fresh_mxcsr, 0x1f80);
    unsigned n = have_avx() ? sizeof fresh_vectors : 16 * 16;
    for (unsigned i = 0; i < n; i++)
        UT_EQ(fresh_vectors[i], 0);
}

UTEST(fpu_sse_isolated, "two threads of one priority keep their own XMM0-15 and MXCSR while "
                        "the timer switches between them")
{
    run_pair(0);
}

UTEST(fpu_avx_isolated, "two threads of one priority keep their own YMM0-15 (upper halves too) "
                        "while the timer switches between them")
{
    UT_ASSERT(have_avx()); /* QEMU -cpu max has AVX since 7.2 */
    run_pair(1);
}

UTEST(fpu_survives_blocking, "the test's own XMM registers survive a Wait during which another "
                             "thread fills its XMM registers")
{
    uint8_t mine[16 * 16], after[16 * 16];
    fill(mine, sizeof mine, 7);
    memset(&workers[0], 0, sizeof workers[0]);
    workers[0].done = ut_new(L4_OBJECT_NOTIFICATION, 0);
    UT_ASSERT(workers[0].done && ut_thread(vector_worker, 0, PRIO));
    load_xmm(mine);
    UT_OK(l4_wait(workers[0].done, NULL)); /* the worker ran with its own XMM values */
    store_xmm(after);
    UT_ASSERT(workers[0].ok);
    UT_ASSERT(!memcmp(mine, after, sizeof mine));
}
