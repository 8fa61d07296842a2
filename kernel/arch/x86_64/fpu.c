/* SPDX-License-Identifier: MIT */
/*
 * Per-thread FPU, SSE and AVX state.
 *
 * Interface: fpu_init() (boot) turns the FPU on and chooses how state is
 * kept: with XSAVE, CR4.OSXSAVE is set and XCR0 enables x87, SSE and, where
 * the CPU has it, AVX (the 832-byte XSAVE image fits struct arch_context;
 * AVX-512 state would not fit the 2 KiB TCB and stays disabled); without
 * XSAVE, FXSAVE keeps x87 and SSE. fpu_save() and fpu_restore() move a
 * thread's state between the registers and its TCB; fpu_init_state() gives
 * a new thread the clean state captured at boot (FNINIT, MXCSR 0x1f80).
 *
 * Switching is eager: the kernel saves and restores on every switch to
 * another thread. The kernel itself never touches these registers (it is
 * built with -mgeneral-regs-only), so the live registers always belong to
 * the thread that ran last; lazy switching would save the cost for threads
 * that never use the FPU, but every Linux program's libc does (string
 * functions), and under TCG the #NM trap it needs costs more than the copy.
 */
#include <arch/context.h>
#include <arch/cpu.h>
#include <core/arch_hooks.h>
#include <core/console.h>
#include <core/panic.h>
#include <core/string.h>
#include <obj/tcb.h>

#define CR0_MP         (1ul << 1)
#define CR0_EM         (1ul << 2)
#define CR0_TS         (1ul << 3)
#define CR4_OSXMMEXCPT (1ul << 10)
#define CR4_OSXSAVE    (1ul << 18)
#define XCR0_X87       (1ull << 0)
#define XCR0_SSE       (1ull << 1)
#define XCR0_AVX       (1ull << 2)
/* where XMM0-15 are in the legacy image, and the size of the upper halves
 * of YMM0-15 (whose offset CPUID leaf 0xD, sub-leaf 2 gives) */
#define XMM_OFFSET   160
#define XMM_BYTES    256
#define YMM_HI_BYTES 256
/* the rest of the ABI's image (the standard XSAVE format) */
#define X87_REGS_OFFSET   32
#define X87_REGS_BYTES    128
#define MXCSR_OFFSET      24
#define MXCSR_MASK_OFFSET 28
#define LEGACY_BYTES      512
#define XSTATE_BV_OFFSET  512
#define XCOMP_BV_OFFSET   520
#define HEADER_END        576
#define YMM_HI_OFFSET     576 /* architectural for AVX in the standard format */
_Static_assert(YMM_HI_OFFSET + YMM_HI_BYTES == ARCH_FPU_IMAGE_SIZE, "the ABI image");
_Static_assert(ARCH_FPU_IMAGE_SIZE <= FPU_AREA_SIZE, "the image fits the TCB's area");

static uint8_t initial[FPU_AREA_SIZE] __attribute__((aligned(64)));
uint64_t fpu_xcr0;

static void xsetbv(uint32_t reg, uint64_t v)
{
    __asm__ volatile("xsetbv" : : "c"(reg), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

void fpu_init_state(uint8_t *area)
{
    memcpy(area, initial, FPU_AREA_SIZE);
}

void fpu_init(void)
{
    write_cr0((read_cr0() & ~(CR0_EM | CR0_TS)) | CR0_MP);
    write_cr4(read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT);
    if (cpu_features.xsave) {
        struct cpuid_regs d = cpuid(0xd, 0);
        uint64_t supported = d.eax | (uint64_t)d.edx << 32;
        uint64_t want = XCR0_X87 | XCR0_SSE | (cpu_features.avx ? XCR0_AVX : 0);
        write_cr4(read_cr4() | CR4_OSXSAVE);
        fpu_xcr0 = want & supported;
        xsetbv(0, fpu_xcr0);
        /* the image for the enabled components, now that XCR0 is set */
        if (cpuid(0xd, 0).ebx > FPU_AREA_SIZE)
            boot_error("XSAVE image of %u bytes does not fit the TCB's %u", cpuid(0xd, 0).ebx,
                       FPU_AREA_SIZE);
    }
    uint32_t mxcsr = 0x1f80;
    __asm__ volatile("fninit; ldmxcsr %0" : : "m"(mxcsr));
    memset(initial, 0, sizeof initial);
    fpu_save(initial);
    /* a new thread's vector registers are zero, whatever boot left there */
    memset(initial + XMM_OFFSET, 0, XMM_BYTES);
    if (fpu_xcr0 & XCR0_AVX) {
        unsigned off = cpuid(0xd, 2).ebx;
        if (off != YMM_HI_OFFSET)
            boot_error("AVX state at offset %u, not at the standard format's %u", off,
                       YMM_HI_OFFSET);
        memset(initial + off, 0, YMM_HI_BYTES);
    }
    kprintf("fpu: %s, state x87 sse%s, %u bytes per thread\n", fpu_xcr0 ? "xsave" : "fxsave",
            (fpu_xcr0 & XCR0_AVX) ? " avx" : "", fpu_xcr0 ? cpuid(0xd, 0).ebx : 512u);
}

/* --- another thread's state (TCBReadFPU, TCBWriteFPU) ----------------------- */

/* Components the image carries: what XCR0 enables, or x87 and SSE for
 * FXSAVE. */
static uint64_t image_components(void)
{
    return fpu_xcr0 ? fpu_xcr0 : XCR0_X87 | XCR0_SSE;
}

static uint64_t get64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

static void put64(uint8_t *p, uint64_t v)
{
    memcpy(p, &v, sizeof v);
}

/* MXCSR bits the CPU accepts (FXSAVE's MXCSR_MASK; 0 there means 0xffbf). */
static uint32_t mxcsr_mask(void)
{
    uint32_t m;
    memcpy(&m, initial + MXCSR_MASK_OFFSET, sizeof m);
    return m ? m : 0xffbf;
}

/* Give the components of `clear` their initial values (as XRSTOR does for
 * a clear XSTATE_BV bit; MXCSR is not part of it), mark every component
 * present. */
static void image_normalise(uint8_t *image, uint64_t clear)
{
    if (clear & XCR0_X87) {
        memset(image, 0, MXCSR_OFFSET); /* FSW, FTW, FOP, FIP, FDP: 0 */
        image[0] = 0x7f;                /* FCW 0x37f */
        image[1] = 0x03;
        memset(image + X87_REGS_OFFSET, 0, X87_REGS_BYTES);
    }
    if (clear & XCR0_SSE)
        memset(image + XMM_OFFSET, 0, XMM_BYTES);
    if (clear & XCR0_AVX)
        memset(image + YMM_HI_OFFSET, 0, YMM_HI_BYTES);
    put64(image + XSTATE_BV_OFFSET, image_components());
}

void arch_fpu_image_read(const struct tcb *t, uint8_t *image)
{
    const uint8_t *area = t->ctx.fpu;
    uint64_t have = image_components();
    memset(image, 0, ARCH_FPU_IMAGE_SIZE);
    memcpy(image, area, LEGACY_BYTES);
    if (fpu_xcr0 & XCR0_AVX)
        memcpy(image + YMM_HI_OFFSET, area + YMM_HI_OFFSET, YMM_HI_BYTES);
    uint64_t saved = fpu_xcr0 ? get64(area + XSTATE_BV_OFFSET) : have;
    memcpy(image + MXCSR_MASK_OFFSET, initial + MXCSR_MASK_OFFSET, 4);
    image_normalise(image, have & ~saved);
}

int arch_fpu_image_check(const uint8_t *image)
{
    /* each of these would make XRSTOR (or FXRSTOR) raise #GP in the kernel */
    if (get64(image + XSTATE_BV_OFFSET) & ~image_components())
        return -1;
    for (unsigned i = XCOMP_BV_OFFSET; i < HEADER_END; i++)
        if (image[i])
            return -1;
    uint32_t mxcsr;
    memcpy(&mxcsr, image + MXCSR_OFFSET, sizeof mxcsr);
    return (mxcsr & ~mxcsr_mask()) ? -1 : 0;
}

void arch_fpu_image_write(struct tcb *t, const uint8_t *image)
{
    uint8_t *area = t->ctx.fpu;
    uint64_t given = get64(image + XSTATE_BV_OFFSET);
    memcpy(area, image, LEGACY_BYTES);
    memcpy(area + MXCSR_MASK_OFFSET, initial + MXCSR_MASK_OFFSET, 4);
    memset(area + XSTATE_BV_OFFSET, 0, HEADER_END - XSTATE_BV_OFFSET);
    if (fpu_xcr0 & XCR0_AVX)
        memcpy(area + YMM_HI_OFFSET, image + YMM_HI_OFFSET, YMM_HI_BYTES);
    image_normalise(area, image_components() & ~given);
}
