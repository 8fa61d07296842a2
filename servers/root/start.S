/* SPDX-License-Identifier: MIT */
/* Root task entry: the kernel starts it with RSP at the top of its stack. */
    .section .text.start, "ax"
    .globl _start
_start:
    xorl %ebp, %ebp
    andq $-16, %rsp
    call root_main
1:  jmp 1b
