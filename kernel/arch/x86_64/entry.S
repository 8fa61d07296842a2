/* SPDX-License-Identifier: MIT */
/*
 * Exception entry stubs. Each of the 32 CPU exception vectors pushes a dummy
 * error code where the CPU pushes none, then its vector number, and joins
 * exception_common, which saves the general registers in struct trap_frame
 * order (<arch/trap.h>) and calls exception_dispatch(frame). The handler
 * may edit the frame (fault recovery); the registers are restored from it.
 */
    .macro STUB n
    .globl isr_\n
isr_\n:
    .if (\n == 8 || \n == 10 || \n == 11 || \n == 12 || \n == 13 || \n == 14 || \n == 17 || \n == 21 || \n == 29 || \n == 30)
    .else
    pushq $0
    .endif
    pushq $\n
    jmp exception_common
    .endm

    .text
    .altmacro
    .set i, 0
    .rept 32
    STUB %i
    .set i, i + 1
    .endr

exception_common:
    pushq %rax
    pushq %rbx
    pushq %rcx
    pushq %rdx
    pushq %rsi
    pushq %rdi
    pushq %rbp
    pushq %r8
    pushq %r9
    pushq %r10
    pushq %r11
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    cld
    movq %rsp, %rdi
    call exception_dispatch
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %r11
    popq %r10
    popq %r9
    popq %r8
    popq %rbp
    popq %rdi
    popq %rsi
    popq %rdx
    popq %rcx
    popq %rbx
    popq %rax
    addq $16, %rsp                  /* vector, error code */
    iretq

    .macro STUB_ADDR n
    .quad isr_\n
    .endm

    .section .rodata
    .balign 8
    .globl exception_stubs
exception_stubs:
    .set i, 0
    .rept 32
    STUB_ADDR %i
    .set i, i + 1
    .endr
