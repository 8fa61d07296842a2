/* SPDX-License-Identifier: MIT */
/*
 * The I/O APIC driver and the interrupt-line arch hooks.
 *
 * Interface: ioapic_init() (called from timer_init() at boot) maps the
 * IOAPIC at IOAPIC_PHYS uncached, reads how many inputs it has and
 * programs every redirection entry masked, with vector IRQ_VECTOR_BASE +
 * line, fixed delivery to the boot CPU's local APIC, and the trigger mode
 * and polarity of <arch/ioapic.h>. arch_irq_mask()/arch_irq_unmask() then
 * flip only the mask bit of an entry's low half; arch_irq_count() and
 * arch_irq_first() say which lines user level may have.
 *
 * Lines: QEMU q35 (as PCs generally) routes ISA IRQ n to GSI n except the
 * PIT's IRQ 0, which arrives on GSI 2 (the MADT's interrupt source
 * override). GSI 0 is the legacy PIC's ExtINT input, which never carries a
 * device: the kernel keeps it, so user lines start at 1. The kernel's own
 * timer is the local APIC timer, which has no IOAPIC input at all.
 */
#include <arch/ioapic.h>
#include <arch/mmu.h>
#include <core/arch_hooks.h>
#include <core/console.h>
#include <core/panic.h>

#define IOAPIC_REGSEL  0x00 /* byte offsets of the two registers */
#define IOAPIC_WINDOW  0x10
#define IOAPIC_VERSION 0x01
#define IOAPIC_RTE(n)  (0x10 + 2 * (n)) /* low half; high half follows */

/* Vectors above IRQ_VECTOR_BASE + this would reach the spurious 0xff. */
#define IOAPIC_MAX_LINES                                                                           \
    (IRQ_LINES_MAX < 0xff - IRQ_VECTOR_BASE ? IRQ_LINES_MAX : 0xff - IRQ_VECTOR_BASE)

static volatile uint32_t *regs;
static unsigned lines;
static uint32_t rte_low[IOAPIC_MAX_LINES]; /* shadow of each entry's low half */

static uint32_t ioapic_read(unsigned reg)
{
    regs[IOAPIC_REGSEL / 4] = reg;
    return regs[IOAPIC_WINDOW / 4];
}

static void ioapic_write(unsigned reg, uint32_t v)
{
    regs[IOAPIC_REGSEL / 4] = reg;
    regs[IOAPIC_WINDOW / 4] = v;
}

static uint8_t boot_apic_id(void)
{
    uint32_t ebx;
    __asm__ volatile("cpuid" : "=b"(ebx) : "a"(1), "c"(0) : "edx");
    return (uint8_t)(ebx >> 24);
}

void ioapic_init(void)
{
    regs = paging_map_device(IOAPIC_PHYS);
    uint32_t version = ioapic_read(IOAPIC_VERSION);
    if (version == 0xffffffffu)
        boot_error("no IOAPIC at %#llx", IOAPIC_PHYS);
    lines = ioapic_version_entries(version);
    if (lines > IOAPIC_MAX_LINES)
        lines = IOAPIC_MAX_LINES;
    uint8_t dest = boot_apic_id();
    for (unsigned n = 0; n < ioapic_version_entries(version); n++) {
        uint64_t e = n < lines ? ioapic_rte_for_line(n, dest) : IOAPIC_RTE_MASKED;
        /* masked low half first, so the entry never fires half-written */
        ioapic_write(IOAPIC_RTE(n), (uint32_t)IOAPIC_RTE_MASKED);
        ioapic_write(IOAPIC_RTE(n) + 1, (uint32_t)(e >> 32));
        ioapic_write(IOAPIC_RTE(n), (uint32_t)e);
        if (n < lines)
            rte_low[n] = (uint32_t)e;
    }
    kprintf("ioapic: %u lines at %#llx, vectors %#x-%#x, all masked\n", lines, IOAPIC_PHYS,
            IRQ_VECTOR_BASE, IRQ_VECTOR_BASE + lines - 1);
}

unsigned arch_irq_count(void)
{
    return lines;
}

unsigned arch_irq_first(void)
{
    return 1;
}

void arch_irq_mask(unsigned irq)
{
    if (irq >= lines)
        return;
    rte_low[irq] |= (uint32_t)IOAPIC_RTE_MASKED;
    ioapic_write(IOAPIC_RTE(irq), rte_low[irq]);
}

void arch_irq_unmask(unsigned irq)
{
    if (irq >= lines)
        return;
    rte_low[irq] &= ~(uint32_t)IOAPIC_RTE_MASKED;
    ioapic_write(IOAPIC_RTE(irq), rte_low[irq]);
}
