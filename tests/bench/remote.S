/* SPDX-License-Identifier: MIT */
/*
 * Server loops that run on registers alone, in either address space.
 *
 * They use no stack, no TLS, no global data and no IPC buffer, so a thread
 * can run them in a second address space that maps nothing but the pages
 * of this section (bench_remote_start..bench_remote_end), at the same
 * addresses as in the root task. A thread is started on them with TCB
 * WriteRegisters, its arguments in callee-saved registers:
 *
 *   bench_echo_server      R12 = Reply object, R13 = endpoint,
 *                          R14 = message-info word of every answer.
 *     Recv, then ReplyRecv for ever: each answer carries MR0-MR3 as they
 *     arrived in RDX, R8, R9, R10 (the echo), with the length in R14.
 *
 *   bench_foreign_handler  R12 = Reply object, R13 = fault endpoint,
 *                          R14 = notification.
 *     Answers each foreign-syscall fault with one word, RAX + 1 (the fault
 *     message's MR0 is the thread's RAX); on RAX = BENCH_FOREIGN_DONE it
 *     signals the notification instead and waits on it for good.
 *
 * A failed syscall or an unexpected message ends the loop in ud2: with no
 * fault endpoint, the kernel reports the fault and suspends the thread.
 */
#include "bench_abi.h"

    .section .text.bench_remote, "ax"
    .balign 64
    .globl bench_remote_start
bench_remote_start:

    .globl bench_echo_server
    .type bench_echo_server, @function
bench_echo_server:
    mov %r13, %rdi
    mov $BENCH_SYS_RECV, %eax
    syscall
1:  test %rax, %rax
    jnz 9f
    mov %r13, %rdi
    mov %r14, %rsi
    mov $BENCH_SYS_REPLY_RECV, %eax
    syscall
    jmp 1b
9:  ud2
    .size bench_echo_server, . - bench_echo_server

    .globl bench_foreign_handler
    .type bench_foreign_handler, @function
bench_foreign_handler:
    mov %r13, %rdi
    mov $BENCH_SYS_RECV, %eax
    syscall
1:  test %rax, %rax
    jnz 9f
    shr $BENCH_MSGINFO_LABEL_SHIFT, %rsi
    cmp $BENCH_FAULT_LABEL_SYSCALL, %rsi
    jne 9f
    cmp $BENCH_FOREIGN_DONE, %rdx
    je 2f
    add $1, %rdx                    /* the answer: RAX + 1 */
    mov $1, %esi                    /* label 0 (resume), one word: RAX */
    mov %r13, %rdi
    mov $BENCH_SYS_REPLY_RECV, %eax
    syscall
    jmp 1b
2:  mov %r14, %rdi                  /* done: signal the notification */
    xor %esi, %esi
    mov $BENCH_SYS_SEND, %eax
    syscall
3:  mov %r14, %rdi                  /* and wait on it for good */
    xor %r12d, %r12d
    mov $BENCH_SYS_RECV, %eax
    syscall
    jmp 3b
9:  ud2
    .size bench_foreign_handler, . - bench_foreign_handler

    .globl bench_remote_end
bench_remote_end:

    .section .note.GNU-stack, "", @progbits
