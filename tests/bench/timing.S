/* SPDX-License-Identifier: MIT */
/*
 * Timed syscalls: the code between the two time-stamp reads of a sample.
 *
 * Interface (SysV calls; r is a struct bench_regs, bench_abi.h):
 *   uint64_t bench_timed_syscall(r)  load r, stamp, syscall, stamp; store
 *                                    the results in r; return the delta
 *   uint64_t bench_timed_empty(r)    the same without the syscall: the
 *                                    overhead that the delta includes
 *   uint64_t bench_timed_touch(r)    the same with a load from r->rdi in
 *                                    place of the syscall (r->rdx = the word)
 *   void bench_stamp_syscall(r)      stamp into r->stamp_lo/hi, then the
 *                                    syscall (the first half of a pair
 *                                    whose second half is another thread's)
 *   uint64_t bench_syscall_stamp(r)  the syscall, then the stamp; returns
 *                                    the stamp (the second half)
 *   uint64_t bench_split_empty(r)    both halves back to back without the
 *                                    syscalls: their overhead
 *
 * Ordering: the start is "lfence; rdtsc; lfence": the first lfence waits
 * until the register set-up before it has executed, the second keeps what
 * follows from starting before the stamp is taken. The end is
 * "rdtscp; lfence": rdtscp reads the counter only once everything before it
 * has executed, and the lfence keeps the result handling after it. All
 * register loads are done before the first stamp and all stores after the
 * second, so that between the stamps there is only the measured instruction,
 * an lfence and six register moves (the start stamp is moved out of RDX:RAX,
 * and RAX and RDX, which the stamps overwrite, are loaded from RBX and R13
 * and saved back to them). The *_empty functions execute
 * exactly the same instructions without the measured one, so that the
 * difference of the medians is the measured instruction alone: under QEMU
 * with -icount shift=0, where the time-stamp counter counts instructions,
 * exactly the instructions executed for it (in the kernel and, for IPC, in
 * the partner thread).
 */
#include "bench_abi.h"

    .text

.macro PROLOGUE
    push %rbp
    push %rbx
    push %r12
    push %r13
    push %r14
    push %r15
    mov %rdi, %rbp
    mov BENCH_REGS_RAX(%rbp), %rbx
    mov BENCH_REGS_RDX(%rbp), %r13
    mov BENCH_REGS_RSI(%rbp), %rsi
    mov BENCH_REGS_R8(%rbp), %r8
    mov BENCH_REGS_R9(%rbp), %r9
    mov BENCH_REGS_R10(%rbp), %r10
    mov BENCH_REGS_R12(%rbp), %r12
    mov BENCH_REGS_RDI(%rbp), %rdi
.endm

/* Start stamp into R15:R14 (EDX:EAX of rdtsc). */
.macro STAMP_BEGIN
    lfence
    rdtsc
    lfence
    mov %rax, %r14
    mov %rdx, %r15
.endm

/* The start stamp, where another thread reads it. */
.macro STAMP_STORE
    mov %r14, BENCH_REGS_STAMP_LO(%rbp)
    mov %r15, BENCH_REGS_STAMP_HI(%rbp)
.endm

.macro LOAD_RAX_RDX
    mov %rbx, %rax
    mov %r13, %rdx
.endm

.macro SAVE_RAX_RDX
    mov %rax, %rbx
    mov %rdx, %r13
.endm

/* End stamp into EDX:EAX. */
.macro STAMP_END
    rdtscp
    lfence
.endm

/* Results into r; RDX:RAX (an end stamp) is kept. */
.macro STORE_RESULTS
    mov %rbx, BENCH_REGS_RAX(%rbp)
    mov %rdi, BENCH_REGS_RDI(%rbp)
    mov %rsi, BENCH_REGS_RSI(%rbp)
    mov %r13, BENCH_REGS_RDX(%rbp)
    mov %r8, BENCH_REGS_R8(%rbp)
    mov %r9, BENCH_REGS_R9(%rbp)
    mov %r10, BENCH_REGS_R10(%rbp)
.endm

/* RAX = (EDX:EAX) - (R15:R14). */
.macro DELTA
    shl $32, %rdx
    or %rdx, %rax
    shl $32, %r15
    or %r14, %r15
    sub %r15, %rax
.endm

/* RAX = EDX:EAX. */
.macro JOIN
    shl $32, %rdx
    or %rdx, %rax
.endm

.macro EPILOGUE
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbx
    pop %rbp
    ret
.endm

.macro FUNCTION name
    .globl \name
    .type \name, @function
\name:
.endm

.macro TIMED name, body:vararg
    FUNCTION \name
    PROLOGUE
    STAMP_BEGIN
    LOAD_RAX_RDX
    .globl \name\()_insn /* the measured instruction (insn_profile.py) */
\name\()_insn:
    \body
    SAVE_RAX_RDX
    STAMP_END
    STORE_RESULTS
    DELTA
    EPILOGUE
    .size \name, . - \name
.endm

TIMED bench_timed_syscall, syscall
TIMED bench_timed_empty
TIMED bench_timed_touch, movq (%rdi), %rdx

FUNCTION bench_stamp_syscall
    PROLOGUE
    STAMP_BEGIN
    STAMP_STORE
    LOAD_RAX_RDX
    syscall
    SAVE_RAX_RDX
    STORE_RESULTS
    EPILOGUE
    .size bench_stamp_syscall, . - bench_stamp_syscall

FUNCTION bench_syscall_stamp
    PROLOGUE
    LOAD_RAX_RDX
    syscall
    SAVE_RAX_RDX
    STAMP_END
    STORE_RESULTS
    JOIN
    EPILOGUE
    .size bench_syscall_stamp, . - bench_syscall_stamp

FUNCTION bench_split_empty
    PROLOGUE
    STAMP_BEGIN
    STAMP_STORE
    LOAD_RAX_RDX
    SAVE_RAX_RDX
    STAMP_END
    STORE_RESULTS
    DELTA
    EPILOGUE
    .size bench_split_empty, . - bench_split_empty

    .section .note.GNU-stack, "", @progbits
