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

/* The user RIP: where the thread resumes (after its syscall, or at the
 * instruction of an exception). */
static inline uint64_t ctx_pc(const struct arch_context *c)
{
    return c->regs.rip;
}

/* A thread that starts at pc with stack sp and arg as its first argument
 * (RDI, as the SysV ABI passes it): the root task's start. */
static inline void ctx_set_start(struct arch_context *c, uint64_t pc, uint64_t sp, uint64_t arg)
{
    c->regs.rip = pc;
    c->regs.rsp = sp;
    c->regs.rdi = arg;
}

/* The user-context word (l4_user_context order) that word i of a
 * foreign-ABI syscall's fault message carries, or -1 past its end: RAX,
 * then the six Linux x86-64 argument registers in order (RDI RSI RDX R10
 * R8 R9), RIP, RSP, RFLAGS, FS and GS base. fault_reply() writes the
 * handler's answer back through it. */
static inline int ctx_foreign_syscall_word(unsigned i)
{
#define CTX_WORD(r) (unsigned char)(offsetof(struct l4_user_context, r) / sizeof(l4_word_t))
    static const unsigned char words[L4_FAULT_SYSCALL_LENGTH] = {
        [L4_FAULT_SYSCALL_MR_RAX] = CTX_WORD(rax),
        [L4_FAULT_SYSCALL_MR_RDI] = CTX_WORD(rdi),
        [L4_FAULT_SYSCALL_MR_RSI] = CTX_WORD(rsi),
        [L4_FAULT_SYSCALL_MR_RDX] = CTX_WORD(rdx),
        [L4_FAULT_SYSCALL_MR_R10] = CTX_WORD(r10),
        [L4_FAULT_SYSCALL_MR_R8] = CTX_WORD(r8),
        [L4_FAULT_SYSCALL_MR_R9] = CTX_WORD(r9),
        [L4_FAULT_SYSCALL_MR_RIP] = CTX_WORD(rip),
        [L4_FAULT_SYSCALL_MR_RSP] = CTX_WORD(rsp),
        [L4_FAULT_SYSCALL_MR_RFLAGS] = CTX_WORD(rflags),
        [L4_FAULT_SYSCALL_MR_FS_BASE] = CTX_WORD(fs_base),
        [L4_FAULT_SYSCALL_MR_GS_BASE] = CTX_WORD(gs_base),
    };
#undef CTX_WORD
    return i < L4_FAULT_SYSCALL_LENGTH ? words[i] : -1;
}

/* A foreign-ABI (Linux x86-64) syscall of f as the fault message of
 * <l4/abi_gen.h> (L4_FAULT_SYSCALL_MR_*, the words of
 * ctx_foreign_syscall_word()): words 0-3 in the handler h's message registers, 4-11
 * in msg, the handler's IPC buffer. */
static inline void ctx_foreign_syscall_message(const struct arch_context *f, struct arch_context *h,
                                               uint64_t *msg)
{
    _Static_assert(L4_FAULT_SYSCALL_MR_RAX == 0 && L4_FAULT_SYSCALL_MR_RDI == 1 &&
                       L4_FAULT_SYSCALL_MR_RSI == 2 && L4_FAULT_SYSCALL_MR_RDX == 3 &&
                       L4_MSG_REGISTERS == 4,
                   "the first four words are the message registers");
    ctx_set_mr(h, 0, f->regs.rax);
    ctx_set_mr(h, 1, f->regs.rdi);
    ctx_set_mr(h, 2, f->regs.rsi);
    ctx_set_mr(h, 3, f->regs.rdx);
    msg[L4_FAULT_SYSCALL_MR_R10] = f->regs.r10;
    msg[L4_FAULT_SYSCALL_MR_R8] = f->regs.r8;
    msg[L4_FAULT_SYSCALL_MR_R9] = f->regs.r9;
    msg[L4_FAULT_SYSCALL_MR_RIP] = f->regs.rip;
    msg[L4_FAULT_SYSCALL_MR_RSP] = f->regs.rsp;
    msg[L4_FAULT_SYSCALL_MR_RFLAGS] = f->regs.rflags;
    msg[L4_FAULT_SYSCALL_MR_FS_BASE] = f->fs_base;
    msg[L4_FAULT_SYSCALL_MR_GS_BASE] = f->gs_base;
}

/* The first len (<= 4) words of a handler h's answer to a foreign syscall
 * of f: RAX, RDI, RSI, RDX (any value is valid for them, so there is
 * nothing to sanitise), as fault_reply() writes them. */
static inline void ctx_foreign_syscall_answer(struct arch_context *f, const struct arch_context *h,
                                              unsigned len)
{
    switch (len) {
    case 4:
        f->regs.rdx = ctx_mr(h, 3);
        /* fall through */
    case 3:
        f->regs.rsi = ctx_mr(h, 2);
        /* fall through */
    case 2:
        f->regs.rdi = ctx_mr(h, 1);
        /* fall through */
    case 1:
        f->regs.rax = ctx_mr(h, 0);
        /* fall through */
    default:
        break;
    }
}

/* A fresh user thread: user segments, interrupts on, everything else 0. */
void ctx_init(struct arch_context *c);

/* FPU/SSE/AVX state (fpu.c). */
void fpu_init(void);
void fpu_init_state(uint8_t *area);
extern uint64_t fpu_xcr0; /* components enabled (XCR0); 0 without XSAVE */

/* Save and load a thread's FPU state: XSAVE of the XCR0 components, or
 * FXSAVE where the CPU has no XSAVE (inline: every switch does both). */
static inline void fpu_save(uint8_t *area)
{
    if (fpu_xcr0)
        __asm__ volatile("xsave64 (%0)"
                         :
                         : "r"(area), "a"((uint32_t)fpu_xcr0), "d"((uint32_t)(fpu_xcr0 >> 32))
                         : "memory");
    else
        __asm__ volatile("fxsave64 (%0)" : : "r"(area) : "memory");
}

static inline void fpu_restore(const uint8_t *area)
{
    if (fpu_xcr0)
        __asm__ volatile("xrstor64 (%0)"
                         :
                         : "r"(area), "a"((uint32_t)fpu_xcr0), "d"((uint32_t)(fpu_xcr0 >> 32))
                         : "memory");
    else
        __asm__ volatile("fxrstor64 (%0)" : : "r"(area) : "memory");
}

/* Save prev's FPU state and load next's (one test of the XSAVE choice). */
static inline void fpu_switch(uint8_t *prev, const uint8_t *next)
{
    uint64_t xcr0 = fpu_xcr0;
    if (xcr0) {
        uint32_t lo = (uint32_t)xcr0, hi = (uint32_t)(xcr0 >> 32);
        __asm__ volatile("xsave64 (%0)" : : "r"(prev), "a"(lo), "d"(hi) : "memory");
        __asm__ volatile("xrstor64 (%0)" : : "r"(next), "a"(lo), "d"(hi) : "memory");
    } else {
        __asm__ volatile("fxsave64 (%0)\n\tfxrstor64 (%1)" : : "r"(prev), "r"(next) : "memory");
    }
}

/* Word i of the ABI's user context (l4_user_context order). */
uint64_t ctx_get_user_word(const struct arch_context *c, unsigned i);

/* All of the ABI's user context, in l4_user_context order (one copy,
 * for fault messages). */
static inline void ctx_get_user_context(const struct arch_context *c,
                                        uint64_t out[L4_USER_CONTEXT_WORDS])
{
    const struct trap_frame *f = &c->regs;
    _Static_assert(L4_USER_CONTEXT_WORDS == 20, "rip rsp rflags, 15 GPRs, fs and gs base");
    out[0] = f->rip;
    out[1] = f->rsp;
    out[2] = f->rflags;
    out[3] = f->rax;
    out[4] = f->rbx;
    out[5] = f->rcx;
    out[6] = f->rdx;
    out[7] = f->rsi;
    out[8] = f->rdi;
    out[9] = f->rbp;
    out[10] = f->r8;
    out[11] = f->r9;
    out[12] = f->r10;
    out[13] = f->r11;
    out[14] = f->r12;
    out[15] = f->r13;
    out[16] = f->r14;
    out[17] = f->r15;
    out[18] = c->fs_base;
    out[19] = c->gs_base;
}

/* Is v an acceptable value for word i? (RIP, RSP, FS and GS base must be
 * canonical user addresses.) */
int ctx_user_word_valid(unsigned i, uint64_t v);

/* Set word i; RFLAGS is sanitised (only arithmetic flags and DF are taken;
 * IF stays set, IOPL 0), segments are never user-controlled. */
void ctx_set_user_word(struct arch_context *c, unsigned i, uint64_t v);

#endif
