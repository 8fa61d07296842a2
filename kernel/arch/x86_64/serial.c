/* SPDX-License-Identifier: MIT */
/*
 * 16550 UART on COM1: the kernel's console until a user-level console
 * server takes the port over.
 *
 * Interface: serial_init() (115200 8N1, FIFO on, no interrupts) and
 * arch_console_putc(), which polls the transmitter-empty bit and touches
 * no other register, so it can write between a user-level driver's own
 * accesses (a panic re-initialises nothing); arch_ioport_is_console()
 * names COM1's eight ports, which an IOPort capability may cover.
 */
#include <arch/cpu.h>
#include <core/arch_hooks.h>

#define COM1     0x3f8
#define COM1_END (COM1 + 7)
#define REG_DATA 0
#define REG_IER  1
#define REG_FCR  2
#define REG_LCR  3
#define REG_MCR  4
#define REG_LSR  5
#define LSR_THRE 0x20

void serial_init(void);

void serial_init(void)
{
    outb(COM1 + REG_IER, 0x00);
    outb(COM1 + REG_LCR, 0x80); /* divisor latch */
    outb(COM1 + REG_DATA, 1);   /* 115200 baud */
    outb(COM1 + REG_IER, 0);
    outb(COM1 + REG_LCR, 0x03); /* 8N1 */
    outb(COM1 + REG_FCR, 0xc7);
    outb(COM1 + REG_MCR, 0x03); /* DTR, RTS */
}

void arch_console_putc(char c)
{
    /* Bounded wait: a missing UART must not hang the kernel. */
    for (int i = 0; i < 100000 && !(inb(COM1 + REG_LSR) & LSR_THRE); i++)
        ;
    outb(COM1 + REG_DATA, (uint8_t)c);
}

int arch_ioport_is_console(uint16_t first, uint16_t last)
{
    return first <= COM1_END && COM1 <= last;
}
