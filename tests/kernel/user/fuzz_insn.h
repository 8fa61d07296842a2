/* SPDX-License-Identifier: MIT */
/*
 * The instruction fuzzer's byte generator (fuzz_insn_gen.c), used by its
 * controller (test_fuzz_insn.c).
 *
 * Interface: fzi_gen_window(page, off, len, opts) fills page[off, off +
 * len) with random bytes (ut_rnd()) and drops instruction templates into
 * it: syscall, sysenter, int N, int3, int1, into, iretq, far returns,
 * jumps and calls with random selectors, segment register loads, popf
 * with AC/TF/NT/IOPL/DF, privileged instructions (cli, sti, hlt, in, out,
 * wrmsr, rdmsr, swapgs, lgdt, lidt, ltr, moves to control and debug
 * registers, ...), xsave/xrstor/fxrstor/ldmxcsr on the scratch page with
 * random headers, x87 and SSE exceptions, alignment checks, divides by
 * zero, jumps to the edges of the address space, and far returns to the
 * 32-bit code segment followed by sysenter, int 0x80, int N, bound or
 * random 32-bit code. fzi_scrub(page, off, len, opts) then removes what
 * opts forbid, at every byte offset (a jump may land anywhere): `syscall`
 * (0f 05) unless allowed, and FS/GS selector loads (mov, pop, lfs, lgs)
 * unless FZI_CLASS_FSGS, and the instructions that can unmask x87
 * exceptions (fldcw, fldenv, frstor, fxrstor, xrstor) unless
 * FZI_CLASS_X87; and pinsrb/w/d/q and roundss/sd in every encoding (0f c4,
 * 0f 3a 20/22/0a/0b, their VEX forms), which trip assertions in QEMU 7.2's
 * TCG decoder (a VEX.L left from an earlier instruction) and abort QEMU.
 */
#ifndef FUZZ_INSN_H
#define FUZZ_INSN_H

#include <stdint.h>

struct fzi_opts {
    int syscall_ok;              /* keep `syscall` instructions (the task has the foreign ABI) */
    unsigned classes;            /* FZI_CLASS_*: the instruction classes on */
    uint64_t scratch, stack_top; /* addresses in the task's space */
    uint64_t self_va;            /* where page[0] runs (for absolute targets), below 2 GiB */
    uint64_t edges[8];           /* addresses jumped to by the edge template */
    unsigned nedges;
    int only; /* >= 0: every window starts with this template (FZI_T_*) */
};

/* Instruction classes (fuzzi_classes=MASK, default all). Each found a
 * kernel bug before it was fixed (docs/security.md): they stay on so that
 * the fixes stay fixed; a mask switches them off for a directed run. */
#define FZI_CLASS_COMPAT    1u /* far transfers to the 32-bit code segment, syscall there */
#define FZI_CLASS_FSGS      2u /* FS/GS selector loads */
#define FZI_CLASS_TOP       4u /* code in the last user page (syscall at its end) */
#define FZI_CLASS_CONFIGURE 8u /* TCBConfigure of the task's own TCB */
#define FZI_CLASS_X87       16u /* unmasked x87 exceptions (fldcw, fldenv, frstor, fxrstor, xrstor) */
#define FZI_CLASS_ALL       31u

/* Per-template counters (how often each template was placed). */
enum fzi_template {
    FZI_T_SYSCALL,
    FZI_T_SYSENTER,
    FZI_T_INT80,
    FZI_T_INTN,
    FZI_T_BREAK,
    FZI_T_POPF,
    FZI_T_IRETQ,
    FZI_T_LRET,
    FZI_T_LJMP,
    FZI_T_LCALL,
    FZI_T_MOVSEG,
    FZI_T_POPSEG,
    FZI_T_PRIV,
    FZI_T_XSTATE,
    FZI_T_FPU,
    FZI_T_AC,
    FZI_T_DIV0,
    FZI_T_EDGE,
    FZI_T_COMPAT,
    FZI_T_COUNT
};

extern uint64_t fzi_template_count[FZI_T_COUNT];
extern const char *const fzi_template_name[FZI_T_COUNT];

void fzi_gen_window(uint8_t *page, unsigned off, unsigned len, const struct fzi_opts *o);
unsigned fzi_scrub(uint8_t *page, unsigned off, unsigned len, const struct fzi_opts *o);

#endif
