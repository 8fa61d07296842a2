/* SPDX-License-Identifier: MIT */
/*
 * _start: the entry of every program linked with the libl4 runtime.
 *
 * The kernel starts the root task with RDI = boot-info page and RSP = top
 * of its stack (<l4/bootinfo.h>). _start clears RBP (the end of the frame
 * chain for backtraces), aligns the stack to 16 bytes as the SysV ABI
 * requires at a call, and calls l4_rt_start(bi) in rt/start.c, which never
 * returns.
 */
    .section .text.start, "ax"
    .globl _start
    .type _start, @function
_start:
    xorl %ebp, %ebp
    andq $-16, %rsp
    call l4_rt_start
1:  ud2
    jmp 1b
    .size _start, . - _start
    .section .note.GNU-stack, "", @progbits
