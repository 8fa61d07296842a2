/* SPDX-License-Identifier: MIT */
/*
 * The fuzz loop: random syscalls and faults of an unprivileged thread.
 *
 * Runs in an address space of its own where only this code page (read
 * and execute) and its data and stack pages (read and write) are mapped,
 * at the addresses they have in the test root task; the contract
 * (entry registers, data page, CSpace slots) is in fuzz_loop.h. The state
 * lives in registers the syscall ABI preserves: RBX the xorshift64 state,
 * RBP the data page; R12-R15 get random values before each syscall and
 * are checked after it together with RBX, RBP and RSP. The frame at RSP
 * holds the syscall being made (FR_* below) and the values to check.
 *
 * Half the syscalls are random in every register and IPC-buffer word
 * (fz_word draws the words); the other half are structured: an invocation
 * of one of the task's capabilities with a label of its type and the
 * extra capabilities that label takes (tables fz_targets, fz_labels,
 * fz_xcaps at the end), argument words from fz_arg. The fault actions
 * (fz_fault_kinds) leave the loop for good or, when the instruction
 * turns out to be allowed, go on with the next iteration.
 */
#include <l4/abi_gen.h>
#include "fuzz_loop.h"

#define FR_RAX   0
#define FR_RDI   8
#define FR_RSI   16
#define FR_RDX   24
#define FR_R8    32
#define FR_R9    40
#define FR_R10   48
#define FR_R12   56
#define FR_RBX   64
#define FR_RBP   72
#define FR_R13   80
#define FR_R14   88
#define FR_R15   96
#define FR_FLAGS 104 /* random bits: DF and AC for the syscall */
#define FR_MODE  112 /* 1: a structured invocation */
#define FR_LABEL 120 /* its label */
#define FR_SIZE  128

#define MSG(i)       (FZ_IPC + L4_IPC_BUFFER_OFFSET_MSG + 8 * (i))
#define RFLAGS_TF    0x100
#define RFLAGS_AC    0x40000
#define RFLAGS_USER  0x44fd7 /* CF PF AF ZF SF TF IF DF OF NT AC, and bit 1 */
#define USER_MASK    0x00007ffffffffff8
#define KERNEL_BASE  0xffff800000000000

/* Jump to stub (RAX & mask) of the 16-byte stubs at base that follow. */
#define DISPATCH(mask, base)                                                                       \
    andl $(mask), %eax; shll $4, %eax; leaq base(%rip), %rdx; addq %rdx, %rax; jmp *%rax;          \
    .balign 16; base:
/* Stub i at base: the instructions, then back to the loop. */
#define STUB(base, i, ...) .org base + 16 * (i), 0xcc; __VA_ARGS__; jmp fz_loop

    .section .text.fuzz, "ax", @progbits
    .balign 4096
    .globl fuzz_code_start
fuzz_code_start:
    .fill 16, 1, 0xcc /* what the write-to-code action aims at */

/* Next xorshift64 number of the state in RBX, also returned in RAX. */
fz_next:
    movq %rbx, %rax
    shlq $13, %rax
    xorq %rax, %rbx
    movq %rbx, %rax
    shrq $7, %rax
    xorq %rax, %rbx
    movq %rbx, %rax
    shlq $17, %rax
    xorq %rax, %rbx
    movq %rbx, %rax
    ret

/* A random message word in RAX, mostly one an argument decoder treats
 * specially: 0, small numbers, slots, depth 64, powers of two, numbers
 * around 256, addresses. Clobbers RCX and RDX. */
fz_word:
    call fz_next
    movq %rax, %rcx
    shrq $3, %rcx
    andl $7, %eax
    leaq fz_word_kinds(%rip), %rdx
    movslq (%rdx,%rax,4), %rax
    addq %rdx, %rax
    jmp *%rax
1:  xorl %eax, %eax
    ret
2:  movq %rcx, %rax
    andl $63, %eax
    ret
3:  movq %rcx, %rax
    andl $31, %eax
    ret
4:  movl $64, %eax
    ret
5:  jmp fz_next
6:  movl $1, %eax
    shlq %cl, %rax
    ret
7:  movq %rcx, %rax
    andl $0x3ff, %eax
    ret
8:  testb $1, %cl
    jz 9f
    movq %rcx, %rax /* an IPC-buffer-aligned address in the data page */
    andl $0xc00, %eax
    addq %rbp, %rax
    ret
9:  movabsq $0x00007ffffffff000, %rax /* a page-aligned user address */
    andq %rcx, %rax
    ret
    .balign 4
fz_word_kinds:
    .long 1b - fz_word_kinds, 2b - fz_word_kinds, 3b - fz_word_kinds, 4b - fz_word_kinds
    .long 5b - fz_word_kinds, 6b - fz_word_kinds, 7b - fz_word_kinds, 8b - fz_word_kinds

/* A slot number in RAX: below 16 (where the capabilities are) 7 in 8. */
fz_slot:
    call fz_next
    testb $7, %al
    jz 1f
    shrq $3, %rax
    andl $15, %eax
    ret
1:  shrq $3, %rax
    andl $31, %eax
    ret

/* An argument word of a structured invocation in RAX: a slot, depth 64,
 * a small number, 0, an address in the task's own 2 MiB, or fz_word.
 * Clobbers RCX and RDX. */
fz_arg:
    call fz_next
    movq %rax, %rcx
    shrq $3, %rcx
    andl $7, %eax
    cmpl $2, %eax
    jb 1f
    cmpl $4, %eax
    jb 2f
    je 3f
    cmpl $6, %eax
    jb 4f
    je 5f
    jmp fz_word
1:  movq %rcx, %rax
    andl $31, %eax
    ret
2:  movl $64, %eax
    ret
3:  movq %rcx, %rax
    andl $15, %eax
    ret
4:  xorl %eax, %eax
    ret
5:  movq %rcx, %rax /* a page in the 2 MiB of the data page */
    andl $0x1ff000, %eax
    movq %rbp, %rcx
    andq $-0x200000, %rcx
    addq %rcx, %rax
    ret

/* fz_arg for a structured invocation, else fz_word. */
fz_param:
    cmpq $0, 8+FR_MODE(%rsp)
    jne fz_arg
    jmp fz_word

    .globl fuzz_entry
fuzz_entry:
    andq $-16, %rsp
    subq $FR_SIZE, %rsp
fz_loop:
    incq FZ_ITERATIONS(%rbp)
    call fz_next
    testb $15, %al
    jz fz_fault
    movq %rax, %rcx
    shrq $4, %rcx
    andl $1, %ecx
    movq %rcx, FR_MODE(%rsp)
    jnz fz_structured

    /* the syscall number: mostly a real one, any number at all too (16,
     * 17 and 20, once the uncapped debug calls, must now be unknown) */
    shrq $5, %rax
    andl $15, %eax
    leaq fz_sysnos(%rip), %rcx
    movzbl (%rcx,%rax,1), %eax
    testl %eax, %eax
    jnz 1f
    call fz_word
1:  movq %rax, FR_RAX(%rsp)

    /* the capability pointer: a slot 5 in 8, else any word */
    call fz_next
    testb $7, %al
    jz 2f
    cmpb $0xc0, %al
    jae 3f
    call fz_slot
    jmp 4f
2:  call fz_next
    jmp 4f
3:  call fz_word
4:  movq %rax, FR_RDI(%rsp)

    /* message info: random length (0..127), extra caps and unwrapped
     * bits; a label below 64 7 in 8, else a wide one; 1 in 16 any word */
    call fz_next
    movq %rax, %rcx
    andl $0xfff, %ecx
    movq %rax, %rdx
    shrq $20, %rdx
    testl $0x7000, %eax
    jz 5f
    andl $63, %edx
5:  shlq $12, %rdx
    orq %rdx, %rcx
    testl $0xf0000, %eax
    jnz 6f
    movq %rax, %rcx
6:  movq %rcx, FR_RSI(%rsp)
    jmp fz_mrs

/* A structured invocation: Call (sometimes Send or NBSend) on one of the
 * task's capabilities with a label of its type, the extra capabilities
 * that label takes (fz_xcaps) and arguments from fz_arg. */
fz_structured:
    call fz_next
    movq %rax, %rcx
    andl $15, %eax
    leaq fz_targets(%rip), %rdx
    movzbl (%rdx,%rax,1), %eax
    movq %rax, FR_RDI(%rsp)
    shll $4, %eax
    movq %rcx, %rdx
    shrq $4, %rdx
    andl $15, %edx
    addl %edx, %eax
    leaq fz_labels(%rip), %rdx
    movzbl (%rdx,%rax,1), %eax
    movq %rax, FR_LABEL(%rsp)
    shlq $12, %rax
    movq %rcx, %rdx /* length: 0..31 7 in 8, else 0..127 */
    shrq $8, %rdx
    testb $7, %dl
    jz 7f
    andl $31, %edx
    jmp 8f
7:  shrq $3, %rdx
    andl $127, %edx
8:  orq %rdx, %rax
    movq %rcx, %rdx /* extra caps: 3 3 in 4, else 0..3 */
    shrq $16, %rdx
    testb $3, %dl
    jz 9f
    movl $3, %edx
9:  andl $3, %edx
    shll $7, %edx
    orq %rdx, %rax
    movq %rax, FR_RSI(%rsp)
    movl $L4_SYS_CALL, %eax /* Call 3 in 4, else Send or NBSend */
    testl $0xc0000, %ecx
    jnz 10f
    movl $L4_SYS_SEND, %eax
    testl $0x100000, %ecx
    jz 10f
    movl $L4_SYS_NBSEND, %eax
10: movq %rax, FR_RAX(%rsp)

    /* MR0..MR3 */
fz_mrs:
    call fz_param
    movq %rax, FR_RDX(%rsp)
    call fz_param
    movq %rax, FR_R8(%rsp)
    call fz_param
    movq %rax, FR_R9(%rsp)
    call fz_param
    movq %rax, FR_R10(%rsp)

    /* the Reply cptr: null, the Reply object, a slot or any word */
    call fz_next
    andl $3, %eax
    jz 8f
    cmpl $2, %eax
    jb 7f
    je 9f
    call fz_word
    jmp 8f
7:  movl $FZ_SLOT_REPLY, %eax
    jmp 8f
9:  call fz_slot
8:  movq %rax, FR_R12(%rsp)

    /* IPC buffer: MR4..MR11 always, MR12..MR119 1 in 8 */
    leaq MSG(4)(%rbp), %r14
    movl $8, %r15d
10: call fz_param
    movq %rax, (%r14)
    addq $8, %r14
    decl %r15d
    jnz 10b
    call fz_next
    testb $7, %al
    jnz 12f
    movl $(L4_MSG_MAX_LENGTH - 12), %r15d
11: call fz_next
    movq %rax, (%r14)
    addq $8, %r14
    decl %r15d
    jnz 11b
12: leaq (FZ_IPC + L4_IPC_BUFFER_OFFSET_CAPS_OR_BADGES)(%rbp), %r14
    movl $L4_MSG_MAX_EXTRA_CAPS, %r15d
13: call fz_next
    testb $7, %al
    jz 14f
    cmpq $0, FR_MODE(%rsp) /* structured: the capability the label takes */
    je 24f
    movq FR_LABEL(%rsp), %rcx
    andl $31, %ecx
    leaq fz_xcaps(%rip), %rdx
    leaq (%rdx,%rcx,4), %rdx
    movl $L4_MSG_MAX_EXTRA_CAPS, %ecx
    subl %r15d, %ecx
    movzbl (%rdx,%rcx,1), %eax
    testl %eax, %eax
    jnz 15f
24: call fz_slot
    jmp 15f
14: call fz_word
15: movq %rax, (%r14)
    addq $8, %r14
    decl %r15d
    jnz 13b
    /* receive slot: none 3 in 4, else a slot of its CNode or any depth */
    call fz_slot
    movq %rax, (FZ_IPC + L4_IPC_BUFFER_OFFSET_RECEIVE_INDEX)(%rbp)
    call fz_next
    movq %rax, %rcx
    shrq $8, %rcx
    andl $15, %ecx
    movq %rcx, (FZ_IPC + L4_IPC_BUFFER_OFFSET_RECEIVE_CNODE)(%rbp)
    xorl %ecx, %ecx
    testb $3, %al
    jnz 16f
    movl $FZ_SLOT_CNODE, %ecx
    movq %rcx, (FZ_IPC + L4_IPC_BUFFER_OFFSET_RECEIVE_CNODE)(%rbp)
    movl $64, %ecx
    testb $4, %al
    jz 16f
    movq %rax, %rcx
    shrq $16, %rcx
    andl $127, %ecx
16: movq %rcx, (FZ_IPC + L4_IPC_BUFFER_OFFSET_RECEIVE_DEPTH)(%rbp)
    call fz_next
    movq %rax, (FZ_IPC + L4_IPC_BUFFER_OFFSET_TAG)(%rbp)
    call fz_next
    movq %rax, (FZ_IPC + L4_IPC_BUFFER_OFFSET_USER_DATA)(%rbp)

    /* flags for the syscall, random preserved registers, the record */
    call fz_next
    movq %rax, FR_FLAGS(%rsp)
    call fz_next
    movq %rax, %r13
    call fz_next
    movq %rax, %r14
    call fz_next
    movq %rax, %r15
    movq FR_R12(%rsp), %r12
    movq %rbx, FR_RBX(%rsp)
    movq %rbp, FR_RBP(%rsp)
    movq %r13, FR_R13(%rsp)
    movq %r14, FR_R14(%rsp)
    movq %r15, FR_R15(%rsp)
    movq FZ_RING_NEXT(%rbp), %rcx
    incq FZ_RING_NEXT(%rbp)
    andl $(FZ_RING_LEN - 1), %ecx
    shll $6, %ecx
    leaq FZ_RING(%rbp,%rcx), %rdi
    xorl %ecx, %ecx
17: movq (%rsp,%rcx,8), %rax
    movq %rax, (%rdi,%rcx,8)
    incl %ecx
    cmpl $FZ_REC_WORDS, %ecx
    jb 17b

    /* 1 in 16 with DF set, 1 in 16 with AC set */
    movq FR_FLAGS(%rsp), %rax
    testb $15, %al
    jnz 18f
    std
18: testb $0xf0, %al
    jnz 19f
    pushfq
    orq $RFLAGS_AC, (%rsp)
    popfq
19: movq FR_RAX(%rsp), %rax
    movq FR_RDI(%rsp), %rdi
    movq FR_RSI(%rsp), %rsi
    movq FR_RDX(%rsp), %rdx
    movq FR_R8(%rsp), %r8
    movq FR_R9(%rsp), %r9
    movq FR_R10(%rsp), %r10
    .globl fuzz_syscall
fuzz_syscall:
    syscall

/* From here to fuzz_checks_end nothing may fault: a fault here means the
 * kernel broke a register the ABI preserves (RSP, say). */
    .globl fuzz_sysret
fuzz_sysret:
    cld
    pushfq
    andq $~RFLAGS_AC, (%rsp)
    popfq
    cmpq FR_RBX(%rsp), %rbx
    jne fuzz_fail_clobber
    cmpq FR_RBP(%rsp), %rbp
    jne fuzz_fail_clobber
    cmpq FR_R12(%rsp), %r12
    jne fuzz_fail_clobber
    cmpq FR_R13(%rsp), %r13
    jne fuzz_fail_clobber
    cmpq FR_R14(%rsp), %r14
    jne fuzz_fail_clobber
    cmpq FR_R15(%rsp), %r15
    jne fuzz_fail_clobber

    /* the status: DebugCapIdentify a capability type, the IPC syscalls
     * and DebugNameThread an error code, unknown numbers (the former
     * debug calls too) IllegalOperation; Yield returns nothing */
    movq FR_RAX(%rsp), %rcx
    cmpq $L4_SYS_YIELD, %rcx
    je 22f
    cmpq $L4_SYS_DEBUG_CAP_IDENTIFY, %rcx
    jne 20f
    cmpq $FZ_CAP_TYPE_COUNT, %rax
    jae fuzz_fail_status
    jmp 22f
20: cmpq $L4_SYS_DEBUG_NAME_THREAD, %rcx
    je 23f
    leaq -1(%rcx), %rdx
    cmpq $L4_SYS_NBRECV, %rdx
    jb 23f
    cmpq $FZ_ILLEGAL_OPERATION, %rax
    jne fuzz_fail_status
    jmp 22f
23: cmpq $FZ_ERROR_COUNT, %rax
    jae fuzz_fail_status
    incq FZ_STATUSES(%rbp,%rax,8)
22: incq FZ_SYSCALLS(%rbp)
    jmp fz_loop

    .globl fuzz_fail_clobber
fuzz_fail_clobber:
    ud2
    .globl fuzz_fail_status
fuzz_fail_status:
    ud2
    .globl fuzz_checks_end
fuzz_checks_end:

/* ---- faults and odd instructions ------------------------------------------------- */

fz_fault:
    incq FZ_FAULT_ACTIONS(%rbp)
    shrq $4, %rax
    andl $(FZ_FAULT_KINDS - 1), %eax
    leaq fz_fault_kinds(%rip), %rdx
    movslq (%rdx,%rax,4), %rax
    addq %rdx, %rax
    jmp *%rax

fz_read_user:
    call fz_next
    movabsq $USER_MASK, %rcx
    andq %rcx, %rax
    movq (%rax), %rax
    jmp fz_loop
fz_read_kernel:
    call fz_next
    movabsq $KERNEL_BASE, %rcx
    orq %rcx, %rax
    andq $-8, %rax
    movq (%rax), %rax
    jmp fz_loop
fz_read_noncanonical:
    call fz_next
    movabsq $USER_MASK, %rcx
    andq %rcx, %rax
    btsq $47, %rax
    movq (%rax), %rax
    jmp fz_loop
fz_write_code:
    movq %rax, fuzz_code_start(%rip)
    .globl fuzz_fail_wx
fuzz_fail_wx:
    ud2
fz_ud2:
    ud2
fz_int3:
    int3
    jmp fz_loop
fz_divide:
    xorl %ecx, %ecx
    divq %rcx
    jmp fz_loop

/* Jump to a user, kernel, non-canonical, data, stack or null address,
 * never into this code. */
fz_jump:
    call fz_next
    movq %rax, %rcx
    shrq $3, %rax
    andl $7, %ecx
    cmpl $3, %ecx
    jb 1f
    je 2f
    cmpl $5, %ecx
    jb 3f
    je 4f
    cmpl $6, %ecx
    je 5f
    xorl %eax, %eax
    jmp 6f
1:  movabsq $USER_MASK, %rcx
    andq %rcx, %rax
    jmp 6f
2:  movabsq $KERNEL_BASE, %rcx
    orq %rcx, %rax
    jmp 6f
3:  movabsq $USER_MASK, %rcx
    andq %rcx, %rax
    btsq $47, %rax
    jmp 6f
4:  andl $0xfff, %eax
    addq %rbp, %rax
    jmp 6f
5:  andl $0xfff, %eax
    movq %rsp, %rcx
    andq $-4096, %rcx
    addq %rcx, %rax
6:  leaq fuzz_code_start(%rip), %rdx
    movq %rax, %rcx
    subq %rdx, %rcx
    cmpq $(fuzz_code_end - fuzz_code_start), %rcx
    jae 7f
    xorq $0x100000, %rax
7:  jmp *%rax

/* Privileged instructions: each must raise general protection. */
fz_privileged:
    call fz_next
    DISPATCH(7, fz_privileged_stubs)
    STUB(fz_privileged_stubs, 0, cli)
    STUB(fz_privileged_stubs, 1, hlt)
    STUB(fz_privileged_stubs, 2, movq %cr3, %rax)
    STUB(fz_privileged_stubs, 3, wbinvd)
    STUB(fz_privileged_stubs, 4, inb $0x80, %al)
    STUB(fz_privileged_stubs, 5, outb %al, $0x80)
    STUB(fz_privileged_stubs, 6, rdmsr)
    STUB(fz_privileged_stubs, 7, lgdt (%rsp))

/* Software interrupts to vectors user mode may not raise, and int1. */
fz_soft_int:
    call fz_next
    DISPATCH(7, fz_soft_int_stubs)
    STUB(fz_soft_int_stubs, 0, int $0x80)
    STUB(fz_soft_int_stubs, 1, int $0x20)
    STUB(fz_soft_int_stubs, 2, int $14)
    STUB(fz_soft_int_stubs, 3, int $13)
    STUB(fz_soft_int_stubs, 4, int $8)
    STUB(fz_soft_int_stubs, 5, int $2)
    STUB(fz_soft_int_stubs, 6, int $0xff)
    STUB(fz_soft_int_stubs, 7, .byte 0xf1)

/* Random RFLAGS (TF traps after the next instruction), then go on. */
fz_popf:
    call fz_next
    pushq %rax
    popfq
    jmp fz_loop

/* A user, non-canonical, kernel or null stack pointer, then a push; if
 * that works (RSP in a mapped page), ud2 ends the episode. */
fz_bad_stack:
    call fz_next
    movq %rax, %rcx
    andl $3, %ecx
    movabsq $USER_MASK, %rdx
    andq %rdx, %rax
    cmpl $1, %ecx
    jb 3f
    je 1f
    cmpl $2, %ecx
    je 2f
    xorl %eax, %eax
    jmp 3f
1:  btsq $47, %rax
    jmp 3f
2:  movabsq $KERNEL_BASE, %rdx
    orq %rdx, %rax
3:  movq %rax, %rsp
    pushq %rax
    ud2

/* Load a random selector into DS, ES, FS, GS or SS (then Yield). */
fz_segment:
    call fz_next
    movq %rax, %rdx
    shrq $4, %rdx
    andl $15, %edx
    leaq fz_selectors(%rip), %rcx
    movzwl (%rcx,%rdx,2), %ecx
    cmpl $15, %edx
    jne 1f
    movq %rax, %rcx
    shrq $16, %rcx
1:  DISPATCH(7, fz_segment_stubs)
    STUB(fz_segment_stubs, 0, movw %cx, %ds)
    STUB(fz_segment_stubs, 1, movw %cx, %es)
    STUB(fz_segment_stubs, 2, movw %cx, %fs)
    STUB(fz_segment_stubs, 3, movw %cx, %gs)
    STUB(fz_segment_stubs, 4, movw %cx, %ss)
    STUB(fz_segment_stubs, 5, movl $L4_SYS_YIELD, %eax; movw %cx, %ss; syscall)
    STUB(fz_segment_stubs, 6, movw %cx, %fs; movq %fs:0, %rax)
    STUB(fz_segment_stubs, 7, movw %cx, %ds)

/* Yield with TF set: the trap comes after the syscall. */
fz_tf_syscall:
    movl $L4_SYS_YIELD, %eax
    pushfq
    orq $RFLAGS_TF, (%rsp)
    popfq
    syscall
    nop
    jmp fz_loop

/* sysenter, iretq and lretq with random selectors and flags, int $3. */
fz_far:
    call fz_next
    movq %rax, %rdx
    shrq $8, %rdx
    andl $15, %edx
    leaq fz_selectors(%rip), %rcx
    movzwl (%rcx,%rdx,2), %ecx /* CS */
    movq %rax, %rdx
    shrq $12, %rdx
    andl $15, %edx
    leaq fz_selectors(%rip), %rdi
    movzwl (%rdi,%rdx,2), %edx /* SS */
    andl $3, %eax
    jz 1f
    cmpl $2, %eax
    jb 2f
    je 3f
    int $3
    jmp fz_loop
1:  .byte 0x0f, 0x34 /* sysenter */
    jmp fz_loop
2:  movq %rsp, %rdi
    pushq %rdx
    pushq %rdi
    call fz_next
    andl $RFLAGS_USER, %eax
    pushq %rax
    pushq %rcx
    leaq fz_loop(%rip), %rax
    pushq %rax
    iretq
3:  pushq %rcx
    leaq fz_loop(%rip), %rax
    pushq %rax
    lretq

/* rdpmc, cpuid and rdtsc, sgdt, xsetbv. */
fz_misc:
    call fz_next
    xorl %ecx, %ecx
    DISPATCH(3, fz_misc_stubs)
    STUB(fz_misc_stubs, 0, rdpmc)
    STUB(fz_misc_stubs, 1, pushq %rbx; cpuid; popq %rbx; rdtsc)
    STUB(fz_misc_stubs, 2, sgdt (%rsp))
    STUB(fz_misc_stubs, 3, xsetbv)

    .balign 4
fz_fault_kinds:
    .long fz_read_user - fz_fault_kinds, fz_read_kernel - fz_fault_kinds
    .long fz_read_noncanonical - fz_fault_kinds, fz_write_code - fz_fault_kinds
    .long fz_ud2 - fz_fault_kinds, fz_int3 - fz_fault_kinds
    .long fz_divide - fz_fault_kinds, fz_jump - fz_fault_kinds
    .long fz_privileged - fz_fault_kinds, fz_soft_int - fz_fault_kinds
    .long fz_popf - fz_fault_kinds, fz_bad_stack - fz_fault_kinds
    .long fz_segment - fz_fault_kinds, fz_tf_syscall - fz_fault_kinds
    .long fz_far - fz_fault_kinds, fz_misc - fz_fault_kinds

/* Structured invocations: the slot invoked (weighted), 16 labels for each
 * slot (those of its type, or any for IPC objects), and for each label
 * the slots of the extra capabilities it takes (0: any slot). */
fz_targets:
    .byte FZ_SLOT_CNODE, FZ_SLOT_CNODE, FZ_SLOT_CNODE, FZ_SLOT_UNTYPED
    .byte FZ_SLOT_UNTYPED, FZ_SLOT_FRAME, FZ_SLOT_FRAME, FZ_SLOT_VSPACE
    .byte FZ_SLOT_TCB, FZ_SLOT_TCB, FZ_SLOT_VICTIM, FZ_SLOT_VICTIM
    .byte FZ_SLOT_EP, FZ_SLOT_NTFN, FZ_SLOT_REPLY, FZ_SLOT_FAULT_EP
#define ANY_LABELS .byte 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
#define TCB_LABELS .byte 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 8, 12, 13, 14, 18
fz_labels:
    ANY_LABELS                                              /* 0 */
    .byte 2, 3, 4, 5, 6, 7, 2, 3, 4, 5, 6, 7, 2, 6, 7, 1    /* CNode */
    ANY_LABELS                                              /* fault endpoint */
    ANY_LABELS                                              /* endpoint */
    ANY_LABELS
    ANY_LABELS                                              /* notification */
    ANY_LABELS
    ANY_LABELS                                              /* Reply */
    .byte 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 24   /* Untyped */
    .byte 21, 22, 23, 24, 21, 22, 23, 24, 21, 23, 21, 24, 19, 20, 1, 12 /* Frame4K */
    .byte 19, 20, 21, 22, 23, 24, 1, 2, 8, 13, 0, 25, 29, 30, 35, 36 /* PML4 */
    .byte 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 8, 11, 12, 15, 17 /* its TCB */
    TCB_LABELS                                              /* the victim */
    ANY_LABELS
    ANY_LABELS
    ANY_LABELS
fz_xcaps:
    .byte 0, 0, 0, 0,  FZ_SLOT_CNODE, 0, 0, 0                /* 0, Retype */
    .byte FZ_SLOT_CNODE, 0, 0, 0,  FZ_SLOT_CNODE, 0, 0, 0    /* Copy, Mint */
    .byte FZ_SLOT_CNODE, 0, 0, 0,  FZ_SLOT_CNODE, 0, 0, 0    /* Move, Mutate */
    .byte 0, 0, 0, 0,  0, 0, 0, 0                            /* Delete, Revoke */
    .byte FZ_SLOT_CNODE, FZ_SLOT_VSPACE, FZ_SLOT_FRAME, 0    /* Configure */
    .byte FZ_SLOT_TCB, 0, 0, 0,  FZ_SLOT_TCB, 0, 0, 0        /* SetPriority, SetMCP */
    .byte 0, 0, 0, 0,  0, 0, 0, 0,  0, 0, 0, 0,  0, 0, 0, 0  /* 11..14 */
    .byte FZ_SLOT_NTFN, 0, 0, 0                              /* BindNotification */
    .byte 0, 0, 0, 0,  0, 0, 0, 0,  0, 0, 0, 0               /* 16..18 */
    .byte FZ_SLOT_VSPACE, 0, 0, 0,  0, 0, 0, 0               /* PageTableMap, Unmap */
    .byte FZ_SLOT_VSPACE, 0, 0, 0                            /* FrameMap */
    .fill 10 * 4, 1, 0                                       /* 22..31 */

/* 0: any number (fz_word); otherwise the syscall, Call weighted. */
fz_sysnos:
    .byte L4_SYS_CALL, L4_SYS_CALL, L4_SYS_CALL, L4_SYS_CALL
    .byte L4_SYS_CALL, L4_SYS_REPLY_RECV, L4_SYS_SEND, L4_SYS_NBSEND
    .byte L4_SYS_NBSEND, L4_SYS_RECV, L4_SYS_NBRECV, L4_SYS_YIELD
    .byte L4_SYS_DEBUG_CAP_IDENTIFY, L4_SYS_DEBUG_NAME_THREAD
    .byte 17, 0 /* 17: DebugHalt once, now unknown: must not stop the machine */

    .balign 2
fz_selectors:
    .word 0x00, 0x03, 0x08, 0x0b, 0x10, 0x13, 0x18, 0x1b
    .word 0x20, 0x23, 0x28, 0x2b, 0x30, 0x33, 0x3b, 0x4b

/* ---- the probe of test fuzz_other_space ------------------------------------------- */

    .globl fuzz_probe
fuzz_probe:
    movq $FZ_PROBE_MAGIC, FZ_PROBE_WORDS(%rbp)
    movl $L4_SYS_DEBUG_CAP_IDENTIFY, %eax
    movq %r13, %rdi
    syscall
    movq %rax, (FZ_PROBE_WORDS + 8)(%rbp)
    movq (%rbx), %rax
    ud2

    .balign 4096, 0xcc
    .globl fuzz_code_end
fuzz_code_end:

    .section .note.GNU-stack, "", @progbits
