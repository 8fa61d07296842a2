/* SPDX-License-Identifier: MIT */
/*
 * Local APIC timer (the kernel's preemption tick), legacy PIC, interrupt
 * dispatch.
 *
 * Interface: timer_init() masks the legacy 8259 PICs (remapped to vectors
 * 0x20-0x2f first, so that a spurious one cannot look like an exception),
 * enables the local APIC, measures its timer and the TSC against PIT
 * channel 2 over 10 ms, and starts the timer periodic at TIMER_HZ on
 * TIMER_VECTOR, and sets up the IOAPIC (ioapic.c) with every line masked.
 * interrupt_handle() is called for every vector >= 32: the timer ticks the
 * scheduler; a device line (IRQ_VECTOR_BASE + line) is masked, the local
 * APIC EOIed (after the mask, so that a level-triggered line still
 * asserted cannot fire again) and the line's IRQHandler state told
 * (irq_handle(), which signals the bound notification).
 */
#include <arch/cpu.h>
#include <arch/ioapic.h>
#include <arch/mmu.h>
#include <arch/trap.h>
#include <core/arch_hooks.h>
#include <core/console.h>
#include <core/kernel_entry.h>
#include <core/panic.h>
#include <core/trace.h>

#define LAPIC_PHYS       0xfee00000ull
#define LAPIC_EOI        0x0b0
#define LAPIC_SVR        0x0f0
#define LAPIC_LVT_TIMER  0x320
#define LAPIC_TIMER_INIT 0x380
#define LAPIC_TIMER_CUR  0x390
#define LAPIC_TIMER_DIV  0x3e0
#define LVT_PERIODIC     (1u << 17)
#define LVT_MASKED       (1u << 16)
#define TIMER_VECTOR     0x30
#define SPURIOUS_VECTOR  0xff
#define PIT_HZ           1193182u
#define CALIBRATE_MS     10

static volatile uint32_t *lapic;
static uint64_t tsc_hz;

static uint32_t lapic_read(unsigned reg)
{
    return lapic[reg / 4];
}

static void lapic_write(unsigned reg, uint32_t v)
{
    lapic[reg / 4] = v;
}

static uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

static void pic_disable(void)
{
    /* ICW1-4: edge, cascade, vectors 0x20 and 0x28, 8086 mode; then mask */
    static const uint8_t seq[][2] = {
        {0x20, 0x11}, {0xa0, 0x11}, {0x21, 0x20}, {0xa1, 0x28}, {0x21, 0x04},
        {0xa1, 0x02}, {0x21, 0x01}, {0xa1, 0x01}, {0x21, 0xff}, {0xa1, 0xff},
    };
    for (unsigned i = 0; i < sizeof seq / sizeof seq[0]; i++)
        outb(seq[i][0], seq[i][1]);
}

/* LAPIC timer counts (divide by 16) and TSC cycles in CALIBRATE_MS. */
static void calibrate(uint32_t *lapic_counts, uint64_t *tsc_cycles)
{
    uint16_t count = (uint16_t)(PIT_HZ / (1000 / CALIBRATE_MS));
    outb(0x61, (uint8_t)((inb(0x61) & ~0x02) | 0x01)); /* gate on, speaker off */
    outb(0x43, 0xb0);                                  /* ch 2, lo/hi, mode 0 */
    outb(0x42, (uint8_t)count);
    outb(0x42, (uint8_t)(count >> 8));
    uint8_t g = inb(0x61) & ~0x01;
    outb(0x61, g); /* restart the count with a rising gate edge */
    lapic_write(LAPIC_TIMER_INIT, 0xffffffffu);
    uint64_t t0 = rdtsc();
    outb(0x61, g | 0x01);
    unsigned spins = 0;
    while (!(inb(0x61) & 0x20))
        if (++spins == 0)
            boot_error("PIT channel 2 does not count: cannot calibrate the timer");
    *tsc_cycles = rdtsc() - t0;
    *lapic_counts = 0xffffffffu - lapic_read(LAPIC_TIMER_CUR);
}

void timer_init(void)
{
    pic_disable();
    lapic = paging_map_device(LAPIC_PHYS);
    lapic_write(LAPIC_SVR, 0x100 | SPURIOUS_VECTOR);
    lapic_write(LAPIC_TIMER_DIV, 0x3); /* divide by 16 */
    lapic_write(LAPIC_LVT_TIMER, LVT_MASKED);

    uint32_t counts;
    uint64_t cycles;
    calibrate(&counts, &cycles);
    if (counts == 0)
        boot_error("local APIC timer does not count");
    tsc_hz = cycles * (1000 / CALIBRATE_MS);
    uint64_t per_tick = (uint64_t)counts * (1000 / CALIBRATE_MS) / TIMER_HZ;
    kprintf("timer: local APIC %lu counts/s, TSC %lu MHz, tick %u Hz\n",
            (unsigned long)counts * (1000 / CALIBRATE_MS), (unsigned long)(tsc_hz / 1000000),
            TIMER_HZ);
    lapic_write(LAPIC_LVT_TIMER, TIMER_VECTOR | LVT_PERIODIC);
    lapic_write(LAPIC_TIMER_INIT, per_tick ? (uint32_t)per_tick : 1);
    ioapic_init();
}

uint64_t arch_tsc_hz(void)
{
    return tsc_hz;
}

void interrupt_handle(uint64_t vector)
{
    trace_event(L4_TRACE_IRQ, vector, 0);
    if (vector == TIMER_VECTOR) {
        lapic_write(LAPIC_EOI, 0);
        sched_tick();
    } else if (vector >= IRQ_VECTOR_BASE && vector < IRQ_VECTOR_BASE + arch_irq_count()) {
        unsigned irq = (unsigned)(vector - IRQ_VECTOR_BASE);
        arch_irq_mask(irq);
        lapic_write(LAPIC_EOI, 0);
        irq_handle(irq);
    } else if (vector == SPURIOUS_VECTOR || (vector >= 0x20 && vector < 0x30)) {
        /* spurious local APIC or (masked) PIC interrupt: no EOI */
    } else {
        lapic_write(LAPIC_EOI, 0);
    }
}
