/* SPDX-License-Identifier: MIT */
/*
 * x86 I/O port access for IOPort capabilities, and the ports the kernel
 * keeps for itself.
 *
 * Interface: arch_ioport_in()/arch_ioport_out() perform IN and OUT of 1, 2
 * or 4 bytes on behalf of an IOPort invocation (user mode itself can never
 * execute them: IOPL is 0 and the TSS has no I/O permission bitmap).
 * arch_ioport_kernel_owned() names the ports no IOPort capability may
 * cover: the legacy PICs, which the kernel masked at boot and whose
 * spurious vectors it ignores; QEMU's isa-debug-exit device, the kernel's
 * power-off for panics and PowerControl (four ports wide in
 * tools/tessera_lib): a port there would let a driver stop the machine
 * without the PowerControl capability. COM1, the kernel console, may be
 * issued to a user-level driver (serial.c, docs/kernel/console.md).
 * The PIT and port 0x61, which the kernel uses only while calibrating its
 * timer at boot, are free for user level afterwards.
 */
#include <arch/layout.h>
#include <core/arch_hooks.h>

static const struct {
    uint16_t first, last;
} kernel_ports[] = {
    {0x20, 0x21},                           /* master PIC */
    {0xa0, 0xa1},                           /* slave PIC */
    {DEBUG_EXIT_PORT, DEBUG_EXIT_PORT + 3}, /* isa-debug-exit: power-off */
};

int arch_ioport_kernel_owned(uint16_t first, uint16_t last)
{
    for (unsigned i = 0; i < sizeof kernel_ports / sizeof kernel_ports[0]; i++)
        if (first <= kernel_ports[i].last && kernel_ports[i].first <= last)
            return 1;
    return 0;
}

uint32_t arch_ioport_in(uint16_t port, unsigned bytes)
{
    if (bytes == 1) {
        uint8_t v;
        __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
        return v;
    }
    if (bytes == 2) {
        uint16_t v;
        __asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
        return v;
    }
    uint32_t v;
    __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

void arch_ioport_out(uint16_t port, unsigned bytes, uint32_t value)
{
    if (bytes == 1)
        __asm__ volatile("outb %0, %1" : : "a"((uint8_t)value), "Nd"(port));
    else if (bytes == 2)
        __asm__ volatile("outw %0, %1" : : "a"((uint16_t)value), "Nd"(port));
    else
        __asm__ volatile("outl %0, %1" : : "a"(value), "Nd"(port));
}
