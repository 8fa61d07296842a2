/* SPDX-License-Identifier: MIT */
/*
 * Interrupt descriptor table: all 256 vectors, each an interrupt gate to
 * its stub in entry.S (0-31 exceptions, 32 and up device and timer
 * interrupts, see lapic.c). Double fault runs on IST1, NMI and machine
 * check on IST2 (see gdt.c). Breakpoint is the one gate user mode may raise
 * with INT3 (DPL 3); the rest fault with #GP when raised by software.
 */
#include <stdint.h>
#include <arch/layout.h>
#include <arch/trap.h>

struct idt_gate {
    uint16_t off_lo, sel;
    uint8_t ist, type;
    uint16_t off_mid;
    uint32_t off_hi, zero;
} __attribute__((packed));
_Static_assert(sizeof(struct idt_gate) == 16, "IDT gate layout");

static struct idt_gate idt[256] __attribute__((aligned(16)));
extern const uint64_t trap_stubs[256];

static void idt_set(unsigned vec, uint64_t handler, unsigned ist, unsigned dpl)
{
    idt[vec] = (struct idt_gate){
        .off_lo = handler & 0xffff,
        .sel = SEL_KERNEL_CODE,
        .ist = ist,
        .type = 0x8e | dpl << 5, /* present, 64-bit interrupt gate */
        .off_mid = (handler >> 16) & 0xffff,
        .off_hi = handler >> 32,
    };
}

void idt_init(void)
{
    for (unsigned v = 0; v < 256; v++) {
        unsigned ist = v == 8 ? 1 : (v == 2 || v == 18) ? 2 : 0;
        idt_set(v, trap_stubs[v], ist, v == 3 ? 3 : 0);
    }
    struct {
        uint16_t limit;
        uint64_t base;
    } __attribute__((packed)) ptr = {sizeof idt - 1, (uint64_t)idt};
    __asm__ volatile("lidt %0" : : "m"(ptr));
}
