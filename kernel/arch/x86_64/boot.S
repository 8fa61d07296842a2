/* SPDX-License-Identifier: MIT */
/*
 * Boot entry: multiboot 1 header and the 32-bit code that enters long mode.
 *
 * QEMU's -kernel loads the flat image (see linker.ld) at KERNEL_PHYS_BASE as
 * the header's address fields say, then jumps to boot_entry32 in 32-bit
 * protected mode with paging off, EAX = multiboot magic, EBX = info pointer.
 * This code checks that it was started by a multiboot loader on a CPU with
 * long mode, builds boot page tables (identity 0..4 GiB for the switch, and
 * the kernel window at -2 GiB), enables PAE, long mode, NX and paging, and
 * jumps to kernel_main at its linked higher-half address. Any failure prints
 * one line on COM1 and powers off with EXIT_BOOT_ERROR; no silent reset.
 */
#include <arch/layout.h>

#define MB_MAGIC     0x1BADB002
#define MB_LOADED    0x2BADB002
/* page-align modules, want memory info, header carries load addresses */
#define MB_FLAGS     ((1 << 0) | (1 << 1) | (1 << 16))
#define PHYS(x)      ((x) - KERNEL_VMA_BASE)
#define COM1         0x3f8

    .section .multiboot, "a"
    .balign 4
mb_header:
    .long MB_MAGIC
    .long MB_FLAGS
    .long -(MB_MAGIC + MB_FLAGS)
    .long mb_header                  /* header_addr (this section is at its physical address) */
    .long __kernel_phys_start        /* load_addr */
    .long __kernel_load_end_phys     /* load_end_addr */
    .long __kernel_bss_end_phys      /* bss_end_addr */
    .long boot_entry32               /* entry_addr */

    .section .boot.text, "ax"
    .code32
    .globl boot_entry32
boot_entry32:
    cli
    cld
    movl %eax, %esi                  /* keep magic and info pointer */
    movl %ebx, %ebp

    /* Zero .bss (page tables and stacks live there). */
    movl $__kernel_bss_start_phys, %edi
    movl $__kernel_bss_end_phys, %ecx
    subl %edi, %ecx
    shrl $2, %ecx
    xorl %eax, %eax
    rep stosl

    movl $PHYS(boot_stack_top), %esp
    call serial_init32

    cmpl $MB_LOADED, %esi
    jne .Lnot_multiboot

    /* CPUID present? (EFLAGS.ID toggles) */
    pushfl
    popl %eax
    movl %eax, %ecx
    xorl $(1 << 21), %eax
    pushl %eax
    popfl
    pushfl
    popl %eax
    cmpl %eax, %ecx
    je .Lno_long_mode

    movl $0x80000000, %eax
    cpuid
    cmpl $0x80000001, %eax
    jb .Lno_long_mode
    movl $0x80000001, %eax
    cpuid
    testl $(1 << 29), %edx           /* LM */
    jz .Lno_long_mode
    testl $(1 << 20), %edx           /* NX: the kernel's W^X mappings need it */
    jz .Lno_nx

    /* Boot page tables: 4 PDs of 2 MiB pages map 0..4 GiB. */
    movl $PHYS(boot_pd), %edi
    movl $0x83, %eax                 /* present, writable, 2 MiB */
    xorl %edx, %edx
    movl $2048, %ecx
1:  movl %eax, (%edi)
    movl %edx, 4(%edi)
    addl $0x200000, %eax
    adcl $0, %edx
    addl $8, %edi
    loop 1b

    movl $PHYS(boot_pdpt_low), %edi
    movl $PHYS(boot_pd) + 3, %eax
    movl $4, %ecx
2:  movl %eax, (%edi)
    addl $4096, %eax
    addl $8, %edi
    loop 2b

    /* -2 GiB window: PDPT entries 510, 511 -> physical 0..2 GiB */
    movl $PHYS(boot_pd) + 3, %eax
    movl %eax, PHYS(boot_pdpt_high) + 510 * 8
    addl $4096, %eax
    movl %eax, PHYS(boot_pdpt_high) + 511 * 8

    movl $PHYS(boot_pdpt_low) + 3, %eax
    movl %eax, PHYS(boot_pml4)
    movl $PHYS(boot_pdpt_high) + 3, %eax
    movl %eax, PHYS(boot_pml4) + 511 * 8

    movl %cr4, %eax
    orl $(1 << 5), %eax              /* PAE */
    movl %eax, %cr4
    movl $PHYS(boot_pml4), %eax
    movl %eax, %cr3
    movl $0xC0000080, %ecx           /* EFER */
    rdmsr
    orl $((1 << 8) | (1 << 11)), %eax   /* LME, NXE */
    wrmsr
    movl %cr0, %eax
    orl $((1 << 31) | (1 << 16) | 1), %eax  /* PG, WP, PE */
    movl %eax, %cr0

    lgdt boot_gdt_ptr
    ljmp $SEL_KERNEL_CODE, $boot_entry64

.Lnot_multiboot:
    movl $msg_not_multiboot, %ebx
    jmp boot_fail32
.Lno_long_mode:
    movl $msg_no_long_mode, %ebx
    jmp boot_fail32
.Lno_nx:
    movl $msg_no_nx, %ebx
    jmp boot_fail32

/* Print the string at EBX on COM1, power off with EXIT_BOOT_ERROR, halt. */
boot_fail32:
1:  movb (%ebx), %al
    testb %al, %al
    jz 2f
    call serial_putc32
    incl %ebx
    jmp 1b
2:  movb $EXIT_BOOT_ERROR, %al
    outb %al, $DEBUG_EXIT_PORT
3:  cli
    hlt
    jmp 3b

serial_init32:
    movw $COM1 + 1, %dx
    xorb %al, %al
    outb %al, %dx                    /* no interrupts */
    movw $COM1 + 3, %dx
    movb $0x80, %al
    outb %al, %dx                    /* DLAB */
    movw $COM1, %dx
    movb $1, %al
    outb %al, %dx                    /* 115200 baud */
    movw $COM1 + 1, %dx
    xorb %al, %al
    outb %al, %dx
    movw $COM1 + 3, %dx
    movb $3, %al
    outb %al, %dx                    /* 8N1 */
    movw $COM1 + 2, %dx
    movb $0xc7, %al
    outb %al, %dx                    /* FIFO on */
    ret

/* Write AL to COM1, waiting for the transmitter. */
serial_putc32:
    movb %al, %ah
    movw $COM1 + 5, %dx
1:  inb %dx, %al
    testb $0x20, %al
    jz 1b
    movw $COM1, %dx
    movb %ah, %al
    outb %al, %dx
    ret

    .code64
boot_entry64:
    movw $SEL_KERNEL_DATA, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    xorw %ax, %ax
    movw %ax, %fs
    movw %ax, %gs
    movabsq $boot_stack_top, %rsp
    movabsq $kernel_entry_high, %rax
    jmp *%rax

    .section .boot.data, "a"
    .balign 8
boot_gdt:
    .quad 0
    .quad 0x00af9a000000ffff         /* 64-bit kernel code */
    .quad 0x00cf92000000ffff         /* kernel data */
boot_gdt_end:
boot_gdt_ptr:
    .word boot_gdt_end - boot_gdt - 1
    .long boot_gdt

msg_not_multiboot:
    .asciz "tessera: boot error: not started by a multiboot loader; halting\r\n"
msg_no_long_mode:
    .asciz "tessera: boot error: CPU has no long mode (x86-64); halting\r\n"
msg_no_nx:
    .asciz "tessera: boot error: CPU has no NX (execute-disable) bit; halting\r\n"

    .text
kernel_entry_high:
    movl %esi, %edi                  /* magic */
    movl %ebp, %esi                  /* multiboot info (physical) */
    xorl %ebp, %ebp                  /* end of the frame-pointer chain */
    call kernel_main
1:  cli
    hlt
    jmp 1b

    .bss
    .balign 4096
    .globl boot_pml4
boot_pml4:      .skip 4096
boot_pdpt_low:  .skip 4096
boot_pdpt_high: .skip 4096
boot_pd:        .skip 4 * 4096
    /* left unmapped by paging_init(): a kernel stack overflow faults
     * (a double fault, reported on its own IST stack) instead of
     * overwriting the page tables above */
    .balign 4096
    .globl boot_stack_guard
boot_stack_guard:
    .skip 4096
    .globl boot_stack_bottom, boot_stack_top
boot_stack_bottom:
    .skip BOOT_STACK_SIZE
boot_stack_top:
