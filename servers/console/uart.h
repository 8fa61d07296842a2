/* SPDX-License-Identifier: MIT */
/*
 * The 16550 UART on COM1, driven through an IOPort capability (uart.c).
 *
 * Interface: uart_init() programs 115200 8N1, FIFOs, and the receive
 * interrupt (IER = received data available, MCR OUT2 so the interrupt
 * reaches the IOAPIC); uart_write() sends bytes, waiting for the
 * transmitter's FIFO to be empty before each burst of up to 16 bytes;
 * uart_receive() reads what the receiver holds, at most max bytes. Every
 * port access is an IOPort invocation (docs/kernel/interrupts.md).
 */
#ifndef CONSOLE_UART_H
#define CONSOLE_UART_H

#include <stddef.h>
#include <stdint.h>
#include <l4/abi_gen.h>

l4_error_t uart_init(l4_cptr_t port);
void uart_write(l4_cptr_t port, const char *buf, size_t n);
size_t uart_receive(l4_cptr_t port, uint8_t *buf, size_t max);
/* The port capability of the host channel's UART, COM2 (0x2f8): the
 * others are COM1. */
void uart_set_com2(l4_cptr_t port);

/* Waits that ran out (the transmitter never said empty): diagnostics. */
extern uint64_t uart_tx_timeouts;

#endif
