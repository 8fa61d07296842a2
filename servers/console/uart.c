/* SPDX-License-Identifier: MIT */
/*
 * The console server's 16550 driver (uart.h). The kernel leaves the UART
 * as serial_init() set it (115200 8N1, FIFOs on, no interrupts); this
 * sets it again, so the server does not depend on that, and adds the
 * receive interrupt. Output polls LSR.THRE (transmitter FIFO empty)
 * before each burst of at most 16 bytes, the FIFO's depth (one byte on
 * COM2, which has its FIFOs off), so no byte is written into a full FIFO; a kernel panic writing
 * meanwhile is covered in docs/servers/console.md.
 */
#include <l4/stubs_gen.h>
#include "uart.h"

#define COM1      0x3f8
#define REG_DATA  0 /* RBR (read) / THR (write); DLL with LCR.DLAB */
#define REG_IER   1 /* DLM with LCR.DLAB */
#define REG_FCR   2
#define REG_LCR   3
#define REG_MCR   4
#define COM2      0x2f8
#define REG_LSR   5
#define LSR_DR    0x01 /* a received byte waits in RBR */
#define LSR_THRE  0x20 /* the transmitter FIFO is empty */
#define IER_RDA   0x01 /* interrupt: received data available */
#define FIFO_SIZE 16
/* As the kernel's own writer: a UART that never empties must not hang us. */
#define THRE_POLLS 100000

uint64_t uart_tx_timeouts;

/* The host channel's UART (COM2): the port capability that names it. */
static l4_cptr_t com2_port;

void uart_set_com2(l4_cptr_t port)
{
    com2_port = port;
}

static unsigned base_of(l4_cptr_t port)
{
    return port && port == com2_port ? COM2 : COM1;
}

static uint8_t in8(l4_cptr_t port, unsigned reg)
{
    uint8_t v = 0;
    if (l4_io_port_in8(port, base_of(port) + reg, &v) != L4_NO_ERROR)
        return 0;
    return v;
}

static l4_error_t out8(l4_cptr_t port, unsigned reg, uint8_t v)
{
    return l4_io_port_out8(port, base_of(port) + reg, v);
}

l4_error_t uart_init(l4_cptr_t port)
{
    static const uint8_t steps[][2] = {
        {REG_IER, 0x00}, /* no interrupts while we set it up */
        {REG_LCR, 0x80}, /* divisor latch */
        {REG_DATA, 1},   /* 115200 baud */
        {REG_IER, 0},    /* divisor high byte */
        {REG_LCR, 0x03}, /* 8N1 */
        {REG_FCR, 0x07}, /* FIFOs on and cleared; receive trigger at 1 byte */
        {REG_MCR, 0x0b}, /* DTR, RTS, OUT2 (the interrupt line's gate on PCs) */
        {REG_IER, IER_RDA},
    };
    for (unsigned i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        /* the host channel keeps its FIFOs off: turning them on clears
         * the receiver, and what the host sent before we started (QEMU
         * holds the rest back while a byte waits) must not be lost */
        if (steps[i][0] == REG_FCR && base_of(port) == COM2)
            continue;
        l4_error_t e = out8(port, steps[i][0], steps[i][1]);
        if (e != L4_NO_ERROR)
            return e;
    }
    return L4_NO_ERROR;
}

void uart_write(l4_cptr_t port, const char *buf, size_t n)
{
    /* COM2 runs without FIFOs: its holding register takes one byte, and
     * a byte written before THRE is back overwrites the one that waits
     * (QEMU holds it while the host is slow to read its socket) */
    unsigned burst = base_of(port) == COM2 ? 1 : FIFO_SIZE;
    size_t i = 0;
    while (i < n) {
        unsigned polls = 0;
        while (!(in8(port, REG_LSR) & LSR_THRE) && ++polls < THRE_POLLS)
            ;
        if (polls == THRE_POLLS)
            uart_tx_timeouts++;
        for (unsigned k = 0; k < burst && i < n; k++, i++)
            out8(port, REG_DATA, (uint8_t)buf[i]);
    }
}

size_t uart_receive(l4_cptr_t port, uint8_t *buf, size_t max)
{
    size_t n = 0;
    while (n < max && (in8(port, REG_LSR) & LSR_DR))
        buf[n++] = in8(port, REG_DATA);
    return n;
}
