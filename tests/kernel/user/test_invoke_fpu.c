/* SPDX-License-Identifier: MIT */
/*
 * User-level tests of TCBReadFPU and TCBWriteFPU (libl4/spec/invocations.toml,
 * docs/kernel/fpu.md): the image of a new thread; another thread's x87
 * control word, MXCSR and XMM registers read after it set them, and
 * written so that it sees them when it runs again; hostile images (XSTATE_BV
 * naming components not enabled, XCOMP_BV, reserved header bytes, reserved
 * MXCSR bits) refused with InvalidArgument and no change; the frame's
 * rights; the caller itself refused.
 */
#include <string.h>
#include "utest.h"
#include "vspace_util.h"

#define PRIO          100
#define ROOT_TCB      L4_ROOT_SLOT_TCB
#define OFF_FCW       0
#define OFF_MXCSR     24
#define OFF_MXCSR_MSK 28
#define OFF_XMM(i)    (160 + 16 * (i))
#define OFF_XSTATE_BV 512
#define OFF_XCOMP_BV  520
#define OFF_YMM_HI(i) (576 + 16 * (i))
#define IMAGE_SIZE    832

static uint16_t get16(const volatile uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get32(const volatile uint8_t *p)
{
    return get16(p) | (uint32_t)get16(p + 2) << 16;
}

static uint64_t get64(const volatile uint8_t *p)
{
    return get32(p) | (uint64_t)get32(p + 4) << 32;
}

static void put16(volatile uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put32(volatile uint8_t *p, uint32_t v)
{
    put16(p, (uint16_t)v);
    put16(p + 2, (uint16_t)(v >> 16));
}

static void put64(volatile uint8_t *p, uint64_t v)
{
    put32(p, (uint32_t)v);
    put32(p + 4, (uint32_t)(v >> 32));
}

static uint64_t xcr0(void)
{
    uint32_t lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return lo | (uint64_t)hi << 32;
}

/* --- the thread whose state is read and written --------------------------------- */

#define SET_FCW   0x027f /* 53-bit precision, all exceptions masked */
#define SET_MXCSR 0x7f80 /* round toward zero, all exceptions masked */
#define NEW_FCW   0x007f /* 24-bit precision */
#define NEW_MXCSR 0x3f80 /* round down */

static struct {
    l4_cptr_t n; /* notification it waits on once */
    volatile int phase;
    volatile uint16_t fcw;
    volatile uint32_t mxcsr;
    uint8_t xmm0[16], xmm1[16];
} w;

static void fpu_worker(l4_word_t arg)
{
    (void)arg;
    uint16_t fcw = SET_FCW;
    uint32_t mxcsr = SET_MXCSR;
    static const uint8_t pattern[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    __asm__ volatile("fldcw %0\n\tldmxcsr %1\n\tmovdqu %2, %%xmm0"
                     :
                     : "m"(fcw), "m"(mxcsr), "m"(pattern)
                     : "memory");
    w.phase = 1;
    l4_word_t word;
    l4_wait(w.n, &word);
    /* what it finds when it runs again */
    __asm__ volatile("fnstcw %0\n\tstmxcsr %1\n\tmovdqu %%xmm0, %2\n\tmovdqu %%xmm1, %3"
                     : "=m"(fcw), "=m"(mxcsr), "=m"(w.xmm0), "=m"(w.xmm1)
                     :
                     : "memory");
    w.fcw = fcw;
    w.mxcsr = mxcsr;
    w.phase = 2;
}

/* A worker that has set its state and waits; its TCB. */
static l4_cptr_t start_worker(void)
{
    memset(&w, 0, sizeof w);
    w.n = ut_new(L4_OBJECT_NOTIFICATION, 0);
    if (!w.n)
        return 0;
    l4_cptr_t t = ut_thread(fpu_worker, 0, PRIO);
    if (!t || !ut_settle_once() || w.phase != 1)
        return 0;
    return t;
}

static volatile uint8_t *image_frame(unsigned n, l4_cptr_t *frame)
{
    struct vs_tables t;
    vs_tables(VS, VA(n), &t);
    *frame = vs_frame(VS, VA(n), RW);
    return *frame ? (volatile uint8_t *)VA(n) : 0;
}

UTEST(invoke_fpu_new_thread, "ReadFPU of a new thread: x87 control word 0x37f, MXCSR 0x1f80, "
                             "zero vector registers, every enabled component in XSTATE_BV")
{
    l4_cptr_t f;
    volatile uint8_t *img = image_frame(62, &f);
    l4_cptr_t t = ut_new(L4_OBJECT_TCB, 0);
    UT_ASSERT(img && t);
    memset((void *)img, 0xee, IMAGE_SIZE);
    UT_OK(l4_tcb_read_fpu(t, f));
    UT_EQ(get16(img + OFF_FCW), 0x37f);
    UT_EQ(get32(img + OFF_MXCSR), 0x1f80);
    UT_ASSERT(get32(img + OFF_MXCSR_MSK) != 0);
    UT_EQ(get64(img + OFF_XSTATE_BV), xcr0());
    UT_EQ(get64(img + OFF_XCOMP_BV), 0);
    for (unsigned i = 0; i < 16; i++) {
        UT_EQ(get64(img + OFF_XMM(i)), 0);
        UT_EQ(get64(img + OFF_XMM(i) + 8), 0);
        UT_EQ(get64(img + OFF_YMM_HI(i)), 0);
    }
}

UTEST(invoke_fpu_read_write_other,
      "ReadFPU shows the control word, MXCSR and XMM0 another thread set; WriteFPU changes them "
      "and the thread sees the new values when it runs again")
{
    l4_cptr_t f;
    volatile uint8_t *img = image_frame(63, &f);
    UT_ASSERT(img);
    l4_cptr_t t = start_worker();
    UT_ASSERT(t);
    UT_OK(l4_tcb_read_fpu(t, f));
    UT_EQ(get16(img + OFF_FCW), SET_FCW);
    UT_EQ(get32(img + OFF_MXCSR), SET_MXCSR);
    UT_EQ(get64(img + OFF_XMM(0)), UINT64_C(0x0807060504030201));
    UT_EQ(get64(img + OFF_XMM(0) + 8), UINT64_C(0x100f0e0d0c0b0a09));

    put16(img + OFF_FCW, NEW_FCW);
    put32(img + OFF_MXCSR, NEW_MXCSR);
    put64(img + OFF_XMM(1), UINT64_C(0x1122334455667788));
    put64(img + OFF_XMM(1) + 8, UINT64_C(0x99aabbccddeeff00));
    UT_OK(l4_tcb_write_fpu(t, f));
    memset((void *)img, 0, IMAGE_SIZE);
    UT_OK(l4_tcb_read_fpu(t, f)); /* the stored image, as written */
    UT_EQ(get16(img + OFF_FCW), NEW_FCW);
    UT_EQ(get32(img + OFF_MXCSR), NEW_MXCSR);

    UT_OK(l4_signal(w.n));
    UT_ASSERT(ut_settle_once());
    UT_EQ(w.phase, 2);
    UT_EQ(w.fcw, NEW_FCW);
    UT_EQ(w.mxcsr, NEW_MXCSR);
    UT_EQ(w.xmm0[0], 1); /* untouched registers keep their values */
    UT_EQ(w.xmm0[15], 16);
    UT_EQ(w.xmm1[0], 0x88);
    UT_EQ(w.xmm1[15], 0x99);
}

UTEST(invoke_fpu_hostile_images,
      "WriteFPU refuses XSTATE_BV bits of components not enabled, a non-zero XCOMP_BV or reserved "
      "header byte, and reserved MXCSR bits, with InvalidArgument and no change")
{
    l4_cptr_t f;
    volatile uint8_t *img = image_frame(64, &f);
    UT_ASSERT(img);
    l4_cptr_t t = start_worker();
    UT_ASSERT(t);
    UT_OK(l4_tcb_read_fpu(t, f));
    static uint8_t good[IMAGE_SIZE];
    memcpy(good, (const void *)img, IMAGE_SIZE);
    uint32_t mask = get32(good + OFF_MXCSR_MSK);
    struct {
        unsigned off, bytes;
        uint64_t value;
    } bad[] = {
        {OFF_XSTATE_BV, 8, xcr0() | (UINT64_C(1) << 3)},  /* MPX: not enabled */
        {OFF_XSTATE_BV, 8, xcr0() | (UINT64_C(1) << 63)}, /* no such component */
        {OFF_XCOMP_BV, 8, UINT64_C(1) << 63 | xcr0()},    /* the compacted form */
        {OFF_XCOMP_BV, 8, 1},
        {528, 8, 1}, /* reserved header bytes */
        {568, 8, UINT64_C(1) << 56},
        {OFF_MXCSR, 4, SET_MXCSR | (UINT32_C(1) << 16)},
        {OFF_MXCSR, 4, 0xffffffff},
        {OFF_MXCSR, 4, SET_MXCSR | ~mask},
    };
    for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memcpy((void *)img, good, IMAGE_SIZE);
        if (bad[i].bytes == 8)
            put64(img + bad[i].off, bad[i].value);
        else
            put32(img + bad[i].off, (uint32_t)bad[i].value);
        UT_ERR(l4_tcb_write_fpu(t, f), L4_INVALID_ARGUMENT);
        UT_EQ(l4_get_mr(0), L4_ARG_TCB_WRITE_FPU_FRAME);
    }
    /* nothing changed, and the thread runs on with its own state */
    UT_OK(l4_tcb_read_fpu(t, f));
    UT_ASSERT(memcmp((const void *)img, good, IMAGE_SIZE) == 0);
    UT_OK(l4_signal(w.n));
    UT_ASSERT(ut_settle_once());
    UT_EQ(w.phase, 2);
    UT_EQ(w.fcw, SET_FCW);
    UT_EQ(w.mxcsr, SET_MXCSR);
    UT_EQ(l4_debug_check_invariants(), 0);
}

UTEST(invoke_fpu_rights_and_self,
      "ReadFPU needs a frame capability with Write, WriteFPU one with Read (InvalidCapability); "
      "neither works on the caller itself (IllegalOperation)")
{
    l4_cptr_t f;
    volatile uint8_t *img = image_frame(65, &f);
    l4_cptr_t t = ut_new(L4_OBJECT_TCB, 0);
    UT_ASSERT(img && t);
    l4_cptr_t ro = ut_copy(f, L4_CAP_RIGHTS_READ), wo = ut_copy(f, L4_CAP_RIGHTS_WRITE);
    UT_ASSERT(ro && wo);
    UT_ERR(l4_tcb_read_fpu(t, ro), L4_INVALID_CAPABILITY);
    UT_EQ(l4_get_mr(0), L4_ARG_TCB_READ_FPU_FRAME);
    UT_ERR(l4_tcb_write_fpu(t, wo), L4_INVALID_CAPABILITY);
    UT_EQ(l4_get_mr(0), L4_ARG_TCB_WRITE_FPU_FRAME);
    UT_ERR(l4_tcb_read_fpu(t, L4_ROOT_SLOT_VSPACE), L4_INVALID_CAPABILITY);
    UT_OK(l4_tcb_read_fpu(t, wo));
    UT_OK(l4_tcb_write_fpu(t, ro));
    UT_ERR(l4_tcb_read_fpu(ROOT_TCB, f), L4_ILLEGAL_OPERATION);
    UT_ERR(l4_tcb_write_fpu(ROOT_TCB, f), L4_ILLEGAL_OPERATION);
}
