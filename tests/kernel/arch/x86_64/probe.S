/* SPDX-License-Identifier: MIT */
/*
 * Probes for the in-kernel tests: each arms fault_recovery (see
 * <arch/trap.h>), performs one access or instruction that may fault, and
 * returns -1 if it completed or the exception vector if it faulted.
 */
#define FR_RIP   0
#define FR_RSP   8
#define FR_ARMED 16

    .macro ARM
    leaq 9f(%rip), %rax
    movq %rax, fault_recovery + FR_RIP(%rip)
    leaq 0(%rsp), %rax
    movq %rax, fault_recovery + FR_RSP(%rip)
    movl $1, fault_recovery + FR_ARMED(%rip)
    .endm

    .macro DONE
    movl $0, fault_recovery + FR_ARMED(%rip)
    movq $-1, %rax
9:  ret
    .endm

    /* as DONE, but clears EFLAGS.AC on both exits (stac probes) */
    .macro DONE_AC
    movl $0, fault_recovery + FR_ARMED(%rip)
    movq $-1, %rax
9:  clac
    ret
    .endm

    .text
/* long probe_read(const void *addr) */
    .globl probe_read
probe_read:
    ARM
    movq (%rdi), %rax
    DONE

/* long probe_write(void *addr, uint64_t value) */
    .globl probe_write
probe_write:
    ARM
    movq %rsi, (%rdi)
    DONE

/* long probe_read_ac(const void *addr): probe_read with EFLAGS.AC set, so
 * that SMAP lets it touch a user page */
    .globl probe_read_ac
probe_read_ac:
    ARM
    stac
    movq (%rdi), %rax
    DONE_AC

/* long probe_write_ac(void *addr, uint64_t value): probe_write with AC set */
    .globl probe_write_ac
probe_write_ac:
    ARM
    stac
    movq %rsi, (%rdi)
    DONE_AC

/* long probe_breakpoint_ac_df(void): int3 with EFLAGS.AC and DF set, as
 * a user thread may leave them; both are clear again when it returns */
    .globl probe_breakpoint_ac_df
probe_breakpoint_ac_df:
    ARM
    stac
    std
    int3
    movl $0, fault_recovery + FR_ARMED(%rip)
    movq $-1, %rax
9:  clac
    cld
    ret

/* long probe_lar(uint64_t selector): LAR of the selector (reads its
 * descriptor: from the LDT for TI = 1) */
    .globl probe_lar
probe_lar:
    ARM
    larq %rdi, %rax
    DONE

/* long probe_exec(const void *addr): call addr, which must return */
    .globl probe_exec
probe_exec:
    ARM
    call *%rdi
    DONE

    .globl probe_ud
probe_ud:
    ARM
    ud2
    DONE

    .globl probe_divide_error
probe_divide_error:
    ARM
    xorl %ecx, %ecx
    movl $1, %eax
    xorl %edx, %edx
    divl %ecx
    DONE

    .globl probe_breakpoint
probe_breakpoint:
    ARM
    int3
    DONE

/* long probe_noncanonical(void): a load from a non-canonical address (#GP) */
    .globl probe_noncanonical
probe_noncanonical:
    ARM
    movabsq $0x0000800000000000, %rdx
    movq (%rdx), %rax
    DONE
