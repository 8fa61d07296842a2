/* SPDX-License-Identifier: MIT */
/*
 * The arch hooks: everything generic kernel code asks of the architecture.
 *
 * Every architecture (kernel/arch/<arch>/) defines all of them, and so does
 * the host fake that unit tests link (tests/unit/fake_arch.c). Generic code
 * never includes arch headers other than <arch/mmu.h> and <arch/layout.h>.
 */
#ifndef CORE_ARCH_HOOKS_H
#define CORE_ARCH_HOOKS_H

#include <stddef.h>
#include <stdint.h>

/* Bring up the boot console, descriptor tables and exception handling. */
void arch_init_early(void);

/* Switch to the kernel's own page tables, mapping RAM up to ram_end. */
void arch_init_memory(uint64_t ram_end);

/* Write one byte to the kernel console (serial line). */
void arch_console_putc(char c);

/* Map len bytes at physical address pa for reading during early boot, before
 * arch_init_memory(); NULL if that range is not reachable. */
const void *arch_boot_phys_map(uint64_t pa, uint64_t len);

/* Print a backtrace of the calling context, one return address a line. */
void arch_backtrace(void);

/* Power the machine off with a status (EXIT_* in <arch/layout.h>); where the
 * machine cannot be powered off, halt forever. */
_Noreturn void arch_poweroff(int status);

/* Stop this CPU for good, interrupts off. */
_Noreturn void arch_halt(void);

/* A one-line description of the CPU for the banner. */
const char *arch_cpu_description(void);

/* Physical extent of the kernel image (boot section through bss). */
void arch_kernel_extent(uint64_t *start, uint64_t *end);

/* --- threads ---------------------------------------------------------- */

struct tcb;

/* Prepare user-mode entry (syscall instruction, FPU) and start the
 * preemption timer; interrupts stay off in the kernel. */
void arch_init_threads(void);

/* Measured TSC frequency (0 before arch_init_threads()). */
uint64_t arch_tsc_hz(void);

/* Ticks per second of the preemption timer. */
#define TIMER_HZ 250

/* Make next the thread whose registers the next kernel exit restores:
 * FPU state, address space, kernel entry stack. prev (may be NULL) is the
 * thread that ran last. */
void arch_switch_to(struct tcb *prev, struct tcb *next);

/* Another thread's FPU state in the ABI's image (TCBReadFPU/TCBWriteFPU in
 * libl4/spec/invocations.toml: the standard XSAVE format of x87, SSE and
 * AVX, ARCH_FPU_IMAGE_SIZE bytes). Only for a thread that is not running
 * (its state is in its TCB, not in the registers). arch_fpu_image_check()
 * says whether an image may be loaded (0: yes; it never faults later),
 * arch_fpu_image_write() loads a checked one. */
#define ARCH_FPU_IMAGE_SIZE 832
void arch_fpu_image_read(const struct tcb *t, uint8_t *image);
int arch_fpu_image_check(const uint8_t *image);
void arch_fpu_image_write(struct tcb *t, const uint8_t *image);

/* The fastpath's way out, arch_fastpath_exit(prev, next), is inline in
 * <arch/switch.h>: switch the CPU from prev to next (FPU state, saved
 * frame, address space, TLS bases) and return to user mode in next, which
 * is already cpu()->current. */

/* Wait for an interrupt with interrupts enabled; returns after it was
 * handled (interrupts off again). */
void arch_idle(void);

/* Run the scheduler and leave the kernel into the chosen thread. */
_Noreturn void arch_exit_to_user(void);

/* --- device interrupts and I/O ports ------------------------------------ */

/* Most interrupt lines the generic IRQ table holds. */
#define IRQ_LINES_MAX 64

/* Interrupt lines (IOAPIC inputs) are numbered from 0; user level may hold
 * IRQHandler capabilities for lines arch_irq_first() .. arch_irq_count()-1
 * (at most IRQ_LINES_MAX; arch_irq_count() 0: none). Lines below
 * arch_irq_first() the kernel keeps. */
unsigned arch_irq_first(void);
unsigned arch_irq_count(void);

/* Mask or unmask one line at the interrupt controller. Every line is
 * masked at boot. An interrupt on a line reaches irq_handle() with the
 * line already masked. */
void arch_irq_mask(unsigned irq);
void arch_irq_unmask(unsigned irq);

/* Read or write an I/O port with an access of 1, 2 or 4 bytes. */
uint32_t arch_ioport_in(uint16_t port, unsigned bytes);
void arch_ioport_out(uint16_t port, unsigned bytes, uint32_t value);

/* 1 if a port of first..last is one the kernel uses itself (interrupt
 * controller, power-off), which no IOPort capability may cover. */
int arch_ioport_kernel_owned(uint16_t first, uint16_t last);

/* 1 if a port of first..last belongs to the UART of the kernel console
 * (arch_console_putc()): while an IOPort capability covers one, a
 * user-level driver owns the line (docs/kernel/console.md). */
int arch_ioport_is_console(uint16_t first, uint16_t last);

#endif
