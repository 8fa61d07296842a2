/* SPDX-License-Identifier: MIT */
/*
 * What the benchmark's C code and its assembly (timing.S, remote.S) share.
 *
 * Interface: struct bench_regs is the register image a timed syscall is
 * made with and leaves its results in (RAX, RDI, RSI, RDX, R8-R10, R12 in
 * the register convention of libl4/spec/registers.toml), plus the raw
 * start stamp that the split timing functions store for another thread to
 * read. BENCH_REGS_* are its offsets for the assembly, BENCH_SYS_* the
 * syscall numbers the assembly uses; both are checked against the C
 * definitions below. The assembly includes this file with __ASSEMBLER__
 * defined and sees only the macros.
 */
#ifndef BENCH_ABI_H
#define BENCH_ABI_H

/* Syscall numbers used by the assembly (checked against <l4/abi_gen.h>). */
#define BENCH_SYS_CALL       1
#define BENCH_SYS_REPLY_RECV 2
#define BENCH_SYS_SEND       3
#define BENCH_SYS_RECV       5

/* Label of a foreign syscall's fault message (L4_FAULT_LABEL_SYSCALL). */
#define BENCH_FAULT_LABEL_SYSCALL 1
/* The message-info label's position (L4_MSGINFO_LABEL_SHIFT). */
#define BENCH_MSGINFO_LABEL_SHIFT 12

/* RAX of the foreign thread's last syscall: the handler then signals the
 * main thread instead of answering. Any other RAX is answered with RAX + 1. */
#define BENCH_FOREIGN_DONE 0x7e57d0e

/* Offsets in struct bench_regs. */
#define BENCH_REGS_RAX      0
#define BENCH_REGS_RDI      8
#define BENCH_REGS_RSI      16
#define BENCH_REGS_RDX      24
#define BENCH_REGS_R8       32
#define BENCH_REGS_R9       40
#define BENCH_REGS_R10      48
#define BENCH_REGS_R12      56
#define BENCH_REGS_STAMP_LO 64
#define BENCH_REGS_STAMP_HI 72

#ifndef __ASSEMBLER__
#include <stddef.h>
#include <stdint.h>
#include <l4/abi_gen.h>

struct bench_regs {
    uint64_t rax;                /* syscall number in, status out */
    uint64_t rdi;                /* capability pointer in, badge out */
    uint64_t rsi;                /* message-info word in and out */
    uint64_t rdx;                /* MR0 (a touch: the word read) */
    uint64_t r8, r9, r10;        /* MR1..MR3 */
    uint64_t r12;                /* Reply capability pointer (receives) */
    uint64_t stamp_lo, stamp_hi; /* EDX:EAX of the start stamp (split timing) */
};

_Static_assert(offsetof(struct bench_regs, rax) == BENCH_REGS_RAX, "timing.S offset");
_Static_assert(offsetof(struct bench_regs, rdi) == BENCH_REGS_RDI, "timing.S offset");
_Static_assert(offsetof(struct bench_regs, rsi) == BENCH_REGS_RSI, "timing.S offset");
_Static_assert(offsetof(struct bench_regs, rdx) == BENCH_REGS_RDX, "timing.S offset");
_Static_assert(offsetof(struct bench_regs, r8) == BENCH_REGS_R8, "timing.S offset");
_Static_assert(offsetof(struct bench_regs, r9) == BENCH_REGS_R9, "timing.S offset");
_Static_assert(offsetof(struct bench_regs, r10) == BENCH_REGS_R10, "timing.S offset");
_Static_assert(offsetof(struct bench_regs, r12) == BENCH_REGS_R12, "timing.S offset");
_Static_assert(offsetof(struct bench_regs, stamp_lo) == BENCH_REGS_STAMP_LO, "timing.S offset");
_Static_assert(offsetof(struct bench_regs, stamp_hi) == BENCH_REGS_STAMP_HI, "timing.S offset");

_Static_assert(BENCH_SYS_CALL == L4_SYS_CALL, "syscall number used by the assembly");
_Static_assert(BENCH_SYS_REPLY_RECV == L4_SYS_REPLY_RECV, "syscall number used by the assembly");
_Static_assert(BENCH_SYS_SEND == L4_SYS_SEND, "syscall number used by the assembly");
_Static_assert(BENCH_SYS_RECV == L4_SYS_RECV, "syscall number used by the assembly");
_Static_assert(BENCH_FAULT_LABEL_SYSCALL == L4_FAULT_LABEL_SYSCALL, "fault label");
_Static_assert(BENCH_MSGINFO_LABEL_SHIFT == L4_MSGINFO_LABEL_SHIFT, "message-info layout");
_Static_assert(L4_FAULT_SYSCALL_MR_RAX == 0, "remote.S reads the foreign RAX from MR0 (RDX)");
#endif

#endif
