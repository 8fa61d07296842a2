/* SPDX-License-Identifier: MIT */
/*
 * Global descriptor table and task-state segment of the boot CPU.
 *
 * Interface: gdt_init() loads a GDT laid out for SYSCALL/SYSRET (kernel
 * code, kernel data, an empty slot where SYSRET's 32-bit user code would
 * be, user data, user code, TSS; see <arch/layout.h>) and a TSS whose IST1
 * stack catches double faults and IST2 NMIs and machine checks, so a
 * kernel stack overflow still reaches the exception dump.
 *
 * User mode has exactly two segments: 64-bit code and data. There is no
 * 32-bit (compatibility-mode) code segment and no LDT, so a far jump,
 * call, lret or iret to any other selector raises #GP and a thread can
 * never run in compatibility mode (where SYSCALL would enter at CSTAR and
 * an iretq to a RIP above 4 GiB would fault in the kernel). The LDT
 * register is loaded with the null selector: out of reset it is valid,
 * with base 0 and limit 0xffff, and a selector with TI set would read its
 * descriptor (a call gate, say) from whatever user memory is at address 0.
 */
#include <stdint.h>
#include <arch/layout.h>
#include <arch/trap.h>

static uint64_t gdt[8] __attribute__((aligned(16)));
struct tss tss __attribute__((aligned(16)));
static uint8_t ist_stacks[2][IST_STACK_SIZE] __attribute__((aligned(16)));
extern char boot_stack_top[];

static uint64_t segment(uint32_t flags)
{
    return (uint64_t)flags << 32 | 0xffff;
}

void gdt_init(void)
{
    gdt[0] = 0;
    gdt[SEL_KERNEL_CODE / 8] = segment(0x00af9a00); /* L, present, DPL0, code */
    gdt[SEL_KERNEL_DATA / 8] = segment(0x00cf9200);
    gdt[SEL_USER_CODE32 / 8] = 0; /* only SYSRET's selector arithmetic needs the slot */
    gdt[SEL_USER_DATA / 8] = segment(0x00cff200);
    gdt[SEL_USER_CODE / 8] = segment(0x00affa00);

    tss.rsp[0] = (uint64_t)boot_stack_top;
    tss.ist[0] = (uint64_t)(ist_stacks[0] + IST_STACK_SIZE);
    tss.ist[1] = (uint64_t)(ist_stacks[1] + IST_STACK_SIZE);
    tss.iomap_base = sizeof tss; /* no I/O bitmap: user IN/OUT fault */

    uint64_t base = (uint64_t)&tss;
    uint64_t limit = sizeof tss - 1;
    gdt[SEL_TSS / 8] = (limit & 0xffff) | (base & 0xffffff) << 16 | 0x89ull << 40 |
                       ((limit >> 16) & 0xf) << 48 | ((base >> 24) & 0xff) << 56;
    gdt[SEL_TSS / 8 + 1] = base >> 32;

    struct {
        uint16_t limit;
        uint64_t base;
    } __attribute__((packed)) ptr = {sizeof gdt - 1, (uint64_t)gdt};

    __asm__ volatile("lgdt %0\n\t"
                     "pushq %1\n\t"
                     "leaq 1f(%%rip), %%rax\n\t"
                     "pushq %%rax\n\t"
                     "lretq\n"
                     "1:\n\t"
                     "movw %w2, %%ds\n\t"
                     "movw %w2, %%es\n\t"
                     "movw %w2, %%ss\n\t"
                     "ltr %w3\n\t"
                     "lldt %w4"
                     :
                     : "m"(ptr), "i"(SEL_KERNEL_CODE), "r"(SEL_KERNEL_DATA), "r"(SEL_TSS), "r"(0)
                     : "rax", "memory");
}
