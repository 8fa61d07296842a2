/* SPDX-License-Identifier: MIT */
/* Host fake of the arch hooks: what tests can inspect. */
#ifndef FAKE_ARCH_H
#define FAKE_ARCH_H

#include <stddef.h>
#include <stdint.h>

extern char fake_console[4096];
extern size_t fake_console_len;

/* Interrupt lines (arch_irq_count(), default 24) and whether each is
 * unmasked (all start masked, as at boot); the last I/O port access (In
 * returns 0x12345678 cut to its width). */
extern unsigned fake_irq_lines;
extern int fake_irq_unmasked[];
extern uint16_t fake_ioport_last_port;
extern unsigned fake_ioport_last_bytes;
extern uint32_t fake_ioport_last_value;

#endif
