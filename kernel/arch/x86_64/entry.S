/* SPDX-License-Identifier: MIT */
/*
 * Kernel entry and exit.
 *
 * Every entry saves the interrupted registers as a struct trap_frame
 * (<arch/trap.h>). From user mode that frame is the current thread's
 * saved context inside its TCB: for interrupts and exceptions the CPU
 * starts pushing at TSS.RSP0 (the end of the current TCB's frame), and the
 * `syscall` entry pushes the same layout there by hand, marking it with
 * VECTOR_SYSCALL. The kernel then switches to its own stack, which holds
 * nothing between entries (the kernel is not preemptible and keeps no
 * per-thread kernel stack), handles the event, and leaves through
 * exit_to_user, which pops the frame of whatever thread is current then.
 *
 * Exceptions and interrupts taken in kernel mode (the in-kernel tests'
 * probes, a bug, or an interrupt while idle) build the frame on the kernel
 * stack and return to the interrupted kernel code.
 */
#include <arch/layout.h>

#define VECTOR_SYSCALL 0x100
#define FRAME_CS       (18 * 8)
#define RFLAGS_FIXED1  0x2

    .macro STUB n
    .globl isr_\n
isr_\n:
    .if (\n == 8 || \n == 10 || \n == 11 || \n == 12 || \n == 13 || \n == 14 || \n == 17 || \n == 21 || \n == 29 || \n == 30)
    .else
    pushq $0
    .endif
    pushq $\n
    jmp trap_common
    .endm

    .macro SAVE_GPRS
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
    .endm

    .macro RESTORE_GPRS
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
    .endm

    .text
    .altmacro
    .set i, 0
    .rept 256
    STUB %i
    .set i, i + 1
    .endr

/*
 * The kernel's RFLAGS on every entry: an interrupt gate clears IF, TF and
 * NT but keeps AC and DF, and a user-set AC would switch SMAP off in the
 * kernel. Every flag is cleared (popfq from the kernel stack rather than
 * clac, which is an invalid opcode on CPUs without SMAP). SYSCALL gets the
 * same from FMASK (context.c).
 */
    .macro CLEAR_FLAGS
    pushq $RFLAGS_FIXED1
    popfq
    .endm

trap_common:
    SAVE_GPRS
    testb $3, FRAME_CS(%rsp)
    jnz 1f
    /* kernel mode: handle on this stack and return to the kernel (iretq
     * restores the interrupted flags) */
    CLEAR_FLAGS
    movq %rsp, %rdi
    call exception_dispatch
    RESTORE_GPRS
    addq $16, %rsp                  /* vector, error code */
    iretq
1:  /* user mode: the frame is in the current TCB, which must not grow
     * below it: the flags are cleared once on the kernel stack (nothing
     * before touches memory that AC or DF would affect) */
    movq %rsp, %rdi
    leaq boot_stack_top(%rip), %rsp
    CLEAR_FLAGS
    call user_trap
    jmp exit_to_user

/*
 * SYSCALL: RCX = user RIP, R11 = user RFLAGS, RSP still the user's;
 * FMASK has cleared IF, DF, TF and AC.
 */
/* The interrupt frame of a SYSCALL, built by hand in the current TCB's
 * frame: SS, RSP, RFLAGS, CS (RIP follows, pushed by the caller). */
    .macro SYSCALL_FRAME
    movq %rsp, syscall_user_rsp(%rip)
    movq arch_entry_frame_end(%rip), %rsp
    pushq $(SEL_USER_DATA | 3)
    pushq syscall_user_rsp(%rip)
    pushq %r11
    pushq $(SEL_USER_CODE | 3)
    .endm

    .globl syscall_entry
syscall_entry:
    SYSCALL_FRAME
    pushq %rcx
    pushq $0
    pushq $VECTOR_SYSCALL
    SAVE_GPRS
    leaq boot_stack_top(%rip), %rsp
    call syscall_entry_c
    ud2                             /* syscall_entry_c leaves to user mode */

/*
 * SYSCALL from compatibility mode enters here (CSTAR; AMD CPUs and QEMU
 * take it, Intel CPUs raise #UD themselves). No user segment makes
 * compatibility mode reachable (gdt.c), so this is a second line: the
 * instruction becomes an invalid-opcode exception of the thread at the
 * syscall instruction, in the 64-bit user segments, and goes to its fault
 * handler like any other. State as for syscall_entry (FMASK applies).
 */
    .globl syscall_compat_entry
syscall_compat_entry:
    SYSCALL_FRAME
    subq $2, %rcx                   /* back to the syscall instruction */
    pushq %rcx
    pushq $0
    pushq $6                        /* #UD */
    jmp trap_common

/* Resume the current thread from its saved frame. */
    .globl exit_to_user
exit_to_user:
    movq arch_current_frame(%rip), %rsp
    RESTORE_GPRS
    addq $16, %rsp
    iretq

    .macro STUB_ADDR n
    .quad isr_\n
    .endm

    .section .rodata
    .balign 8
    .globl trap_stubs
trap_stubs:
    .set i, 0
    .rept 256
    STUB_ADDR %i
    .set i, i + 1
    .endr

    .bss
    .balign 8
syscall_user_rsp:
    .quad 0
