/* SPDX-License-Identifier: MIT */
/*
 * memcpy, memmove, memset and memzero with the x86 string instructions.
 *
 * Interface: the C functions of <core/string.h> (SysV calls). Each moves
 * whole words with rep movsq / rep stosq and the remaining 0..7 bytes with
 * rep movsb / rep stosb: zeroing a 4 KiB frame is 512 stores, not 4096
 * iterations of a byte loop (under QEMU's -icount one rep iteration counts
 * as one instruction). memzero() is for kernel objects and pages, whose
 * address and size are multiples of 8: one rep stosq and nothing else.
 *
 * The direction flag is clear on every kernel entry (the syscall mask
 * clears DF; interrupt and exception entry execute cld), as the SysV ABI
 * requires at a call; memmove sets it only around its backward copy.
 */

    .text

/* void *memcpy(void *dst, const void *src, size_t n) */
    .globl memcpy
    .type memcpy, @function
memcpy:
    mov %rdi, %rax
    mov %rdx, %rcx
    shr $3, %rcx
    rep movsq
    mov %edx, %ecx
    and $7, %ecx
    rep movsb
    ret
    .size memcpy, . - memcpy

/* void *memmove(void *dst, const void *src, size_t n): forward unless dst
 * lies inside [src, src + n), where a forward copy would overwrite bytes
 * before reading them. */
    .globl memmove
    .type memmove, @function
memmove:
    mov %rdi, %rax
    sub %rsi, %rax
    cmp %rdx, %rax
    jae memcpy             /* dst - src >= n (unsigned): no harmful overlap */
    mov %rdi, %rax
    lea -1(%rdi,%rdx), %rdi
    lea -1(%rsi,%rdx), %rsi
    std
    mov %edx, %ecx
    and $7, %ecx
    rep movsb              /* the last n % 8 bytes, backward */
    sub $7, %rsi
    sub $7, %rdi
    mov %rdx, %rcx
    shr $3, %rcx
    rep movsq              /* then the words, backward */
    cld
    ret
    .size memmove, . - memmove

/* void *memset(void *dst, int c, size_t n) */
    .globl memset
    .type memset, @function
memset:
    mov %rdi, %r9
    mov %rdx, %rcx
    movzbl %sil, %eax
    movabs $0x0101010101010101, %r8
    imul %r8, %rax         /* the byte in every byte of RAX */
    shr $3, %rcx
    rep stosq
    mov %edx, %ecx
    and $7, %ecx
    rep stosb
    mov %r9, %rax
    ret
    .size memset, . - memset

/* void memzero(void *dst, size_t n): dst and n multiples of 8 */
    .globl memzero
    .type memzero, @function
memzero:
    mov %rsi, %rcx
    shr $3, %rcx
    xor %eax, %eax
    rep stosq
    ret
    .size memzero, . - memzero
