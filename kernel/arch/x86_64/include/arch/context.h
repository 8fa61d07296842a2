/* SPDX-License-Identifier: MIT */
/*
 * A thread's saved user state on x86-64, and the register convention.
 *
 * Interface: struct arch_context lives inside every TCB. Its `regs` is a
 * struct trap_frame that the CPU and the entry stubs fill directly: on an
 * interrupt or exception from user mode the TSS's RSP0 points at the end of
 * the current thread's frame, and the syscall entry pushes the same layout
 * there by hand; the exit path pops it. Generic code reads and writes the
 * registers only through the accessors below, which name them by their ABI
 * role (libl4/spec/registers.toml: RAX sysno/status, RDI cptr/badge, RSI
 * message info, RDX R8 R9 R10 MR0-MR3, R12 reply cptr).
 */
#ifndef ARCH_CONTEXT_H
#define ARCH_CONTEXT_H

#include <stdint.h>
#include <stddef.h>
#include <arch/layout.h>
#include <arch/trap.h>
#include <l4/abi_gen.h>

/* XSAVE image of x87, SSE and AVX state (an FXSAVE image is the first 512
 * bytes); 64-byte aligned, as XSAVE requires (TCBs are 2 KiB aligned). */
#define FPU_AREA_SIZE 832

struct arch_context {
    uint8_t fpu[FPU_AREA_SIZE] __attribute__((aligned(64)));
    struct trap_frame regs;
    uint64_t fs_base, gs_base;
};

/* The CPU pushes an interrupt frame at a 16-byte aligned RSP0: the end of
 * regs must be 16-aligned, and regs sits right after the FXSAVE area. */
_Static_assert(offsetof(struct arch_context, regs) % 16 == 0, "regs 16-aligned");
_Static_assert(sizeof(struct trap_frame) % 16 == 0, "frame end 16-aligned");

/* Marker in trap_frame.vector of a frame saved by the syscall entry. */
#define VECTOR_SYSCALL 0x100

/* RFLAGS bits user level may set: CF PF AF ZF SF DF OF. */
#define RFLAGS_USER_MASK 0x0cd5ull
#define RFLAGS_FIXED1    0x0002ull
#define RFLAGS_IF_BIT    0x0200ull

static inline uint64_t ctx_sysno(const struct arch_context *c)
{
    return c->regs.rax;
}

static inline uint64_t ctx_cptr(const struct arch_context *c)
{
    return c->regs.rdi;
}

static inline uint64_t ctx_info(const struct arch_context *c)
{
    return c->regs.rsi;
}

static inline uint64_t ctx_reply_cptr(const struct arch_context *c)
{
    return c->regs.r12;
}

static inline uint64_t ctx_mr(const struct arch_context *c, unsigned i)
{
    switch (i) {
    case 0:
        return c->regs.rdx;
    case 1:
        return c->regs.r8;
    case 2:
        return c->regs.r9;
    default:
        return c->regs.r10;
    }
}

static inline void ctx_set_mr(struct arch_context *c, unsigned i, uint64_t v)
{
    switch (i) {
    case 0:
        c->regs.rdx = v;
        break;
    case 1:
        c->regs.r8 = v;
        break;
    case 2:
        c->regs.r9 = v;
        break;
    default:
        c->regs.r10 = v;
        break;
    }
}

static inline void ctx_set_status(struct arch_context *c, uint64_t v)
{
    c->regs.rax = v;
}

static inline void ctx_set_badge(struct arch_context *c, uint64_t v)
{
    c->regs.rdi = v;
}

static inline void ctx_set_info(struct arch_context *c, uint64_t v)
{
    c->regs.rsi = v;
}

/* Arrange for the thread to execute its syscall instruction again when it
 * next runs (an IPC it was blocked in was cancelled, e.g. by Suspend). */
static inline void ctx_restart_syscall(struct arch_context *c)
{
    if (c->regs.vector == VECTOR_SYSCALL) {
        c->regs.rip -= 2; /* length of `syscall` */
        c->regs.vector = 0;
    }
}

/* A fresh user thread: user segments, interrupts on, everything else 0. */
void ctx_init(struct arch_context *c);

/* FPU/SSE/AVX state (fpu.c). */
void fpu_init(void);
void fpu_save(uint8_t *area);
void fpu_restore(const uint8_t *area);
void fpu_init_state(uint8_t *area);
extern uint64_t fpu_xcr0; /* components enabled (XCR0); 0 without XSAVE */

/* Word i of the ABI's user context (l4_user_context order). */
uint64_t ctx_get_user_word(const struct arch_context *c, unsigned i);

/* Is v an acceptable value for word i? (RIP, RSP, FS and GS base must be
 * canonical user addresses.) */
int ctx_user_word_valid(unsigned i, uint64_t v);

/* Set word i; RFLAGS is sanitised (only arithmetic flags and DF are taken;
 * IF stays set, IOPL 0), segments are never user-controlled. */
void ctx_set_user_word(struct arch_context *c, unsigned i, uint64_t v);

#endif
