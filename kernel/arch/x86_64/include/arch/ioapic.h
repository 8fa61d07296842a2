/* SPDX-License-Identifier: MIT */
/*
 * The I/O APIC: where device interrupt lines (GSIs) become vectors.
 *
 * Interface: ioapic_init() finds the IOAPIC, masks every redirection entry
 * and programs each with its vector (IRQ_VECTOR_BASE + line), trigger mode
 * and polarity, so that arch_irq_unmask() only clears the mask bit. The
 * entry encoding below is pure, so the host unit tests check it.
 */
#ifndef ARCH_IOAPIC_H
#define ARCH_IOAPIC_H

#include <stdint.h>

/* Line n arrives on vector IRQ_VECTOR_BASE + n (above the local APIC
 * timer's 0x30 and the remapped legacy PIC's 0x20-0x2f). */
#define IRQ_VECTOR_BASE 0x40

/* Physical address of the IOAPIC: the PC default, where QEMU q35 puts it
 * (the ACPI MADT is not parsed; see docs/kernel/interrupts.md). */
#define IOAPIC_PHYS 0xfec00000ull

/* Fields of a 64-bit redirection table entry. */
#define IOAPIC_RTE_VECTOR_MASK 0xffull
#define IOAPIC_RTE_ACTIVE_LOW  (1ull << 13)
#define IOAPIC_RTE_LEVEL       (1ull << 15)
#define IOAPIC_RTE_MASKED      (1ull << 16)
#define IOAPIC_RTE_DEST_SHIFT  56

/* ISA interrupts (GSI 0-15) are edge-triggered, active high; the PCI
 * interrupt links (GSI 16 and up on q35) level-triggered and, as QEMU's
 * q35 ACPI tables describe them, active high. */
#define IOAPIC_ISA_LINES 16

/* A redirection entry: fixed delivery, physical destination mode. */
static inline uint64_t ioapic_rte_encode(uint8_t vector, int level, int active_low, int masked,
                                         uint8_t dest_apic_id)
{
    uint64_t e = vector;
    if (active_low)
        e |= IOAPIC_RTE_ACTIVE_LOW;
    if (level)
        e |= IOAPIC_RTE_LEVEL;
    if (masked)
        e |= IOAPIC_RTE_MASKED;
    return e | (uint64_t)dest_apic_id << IOAPIC_RTE_DEST_SHIFT;
}

/* The entry of line gsi at boot: its vector, trigger and polarity, masked. */
static inline uint64_t ioapic_rte_for_line(unsigned gsi, uint8_t dest_apic_id)
{
    int pci = gsi >= IOAPIC_ISA_LINES;
    return ioapic_rte_encode((uint8_t)(IRQ_VECTOR_BASE + gsi), pci, 0, 1, dest_apic_id);
}

/* Number of redirection entries from the version register (bits 16-23
 * hold the highest entry's index). */
static inline unsigned ioapic_version_entries(uint32_t version)
{
    return ((version >> 16) & 0xff) + 1;
}

void ioapic_init(void);

#endif
