/* SPDX-License-Identifier: MIT */
/*
 * The arch hooks: everything generic kernel code asks of the architecture.
 * (The other direction, what the arch's entry paths call in generic code,
 * is <core/kernel_entry.h>.)
 *
 * Every architecture (kernel/arch/<arch>/) defines all of them, and so does
 * the host fake that unit tests link (tests/unit/fake_arch.c), except the
 * arch object hooks at the end: those are pure logic, and the unit tests
 * compile the arch's own (kernel_arch_object_sources). Generic code never
 * includes arch headers other than <arch/mmu.h>, <arch/layout.h> and
 * <arch/context.h> (the ctx_* accessors of a thread's registers).
 */
#ifndef CORE_ARCH_HOOKS_H
#define CORE_ARCH_HOOKS_H

#include <stddef.h>
#include <stdint.h>
#include <cap/cap.h>

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

/* The name of an exception or interrupt vector, for reports ("#PF page
 * fault"). */
const char *trap_vector_name(uint64_t vector);

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

/* The full path of a syscall of the current thread, for the fastpath when
 * its conditions do not hold: syscall_handle(), schedule(), leave the
 * kernel. */
_Noreturn void syscall_slowpath(void);

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

/* --- arch objects ------------------------------------------------------------ */

/* The capability types that only this architecture has (x86-64: PML4,
 * PDPT, PD, PT, Frame4K, Frame2M, IOPortControl, IOPort) live in
 * kernel/arch/<arch>/obj/. Each generic switch over types hands the types
 * it does not know to one of these, as seL4's Arch_decodeInvocation,
 * Arch_getObjectSize, Arch_createObject and Arch_finaliseCap. */
struct invocation;

/* Decode and perform an invocation of an arch capability (api/invocation.c
 * checked the label applies and the message is long enough). */
l4_error_t arch_decode_invocation(cte_t *slot, struct invocation *inv);

/* log2 of an arch object's size; 0 for types that own no memory. */
int arch_object_bits(enum cap_type type);

/* Whether n more objects of type can be made now (Retype asks before it
 * changes anything; x86-64: every PML4 needs a free ASID). */
int arch_object_can_create(enum cap_type type, uint64_t n);

/* Turn zeroed memory into an arch object: its original capability. */
cap_t arch_object_create(enum cap_type type, void *mem, unsigned size_arg);

/* The last capability to an arch object went. */
void arch_object_finalise(cap_t cap);

/* Any capability of an arch type was deleted (a mapping goes with it). */
void arch_object_cap_removed(cap_t cap);

/* Whether CNode Copy/Mint may derive from a capability of this arch type. */
int arch_object_is_copyable(enum cap_type type);

/* For the invariant check: NULL, or what is wrong with an arch capability
 * in slot, or with the arch's object tables (arch_objects_check()). */
const char *arch_object_check(const cte_t *slot);
const char *arch_objects_check(void);

#endif
