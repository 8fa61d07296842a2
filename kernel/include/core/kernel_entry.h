/* SPDX-License-Identifier: MIT */
/*
 * The kernel's entry points: everything the architecture's entry paths
 * call in generic code, the other direction of <core/arch_hooks.h>.
 *
 * The arch saves the user registers of the current thread (cpu()->current)
 * in its TCB, with interrupts off, and then calls one of these:
 *   a syscall        fastpath_syscall(), which returns only if the
 *                    fastpath does not apply; then the full path,
 *                    syscall_slowpath() (arch), runs syscall_handle();
 *   a CPU exception  fault_exception() (user mode only; the kernel's own
 *                    exceptions stay in the arch);
 *   a device IRQ     irq_handle(), with the line already masked;
 *   the timer tick   sched_tick().
 * Except for the fastpath, which leaves the kernel itself, the arch then
 * calls schedule() and leaves into whichever thread is current.
 */
#ifndef CORE_KERNEL_ENTRY_H
#define CORE_KERNEL_ENTRY_H

#include <stdint.h>
#include <obj/tcb.h>

/* The syscall in the current thread's saved registers, its results left
 * there (api/syscall.c). */
void syscall_handle(void);

/* The IPC fastpath (api/fastpath.c, docs/kernel/fastpath.md): Call,
 * ReplyRecv and foreign-ABI syscalls whose conditions hold; each leaves
 * the kernel in the partner, or hands the syscall to syscall_slowpath(),
 * having changed nothing. */
_Noreturn void fastpath_call(tcb_t *t);
_Noreturn void fastpath_reply_recv(tcb_t *t);
_Noreturn void fastpath_foreign_syscall(tcb_t *t);

/* Does the fastpath try this syscall of t (the current thread)? It
 * returns only if not. */
static inline void fastpath_syscall(tcb_t *t)
{
    if (t->foreign_abi)
        fastpath_foreign_syscall(t);
    if (ctx_sysno(&t->ctx) == L4_SYS_CALL)
        fastpath_call(t);
    if (ctx_sysno(&t->ctx) == L4_SYS_REPLY_RECV)
        fastpath_reply_recv(t);
}

/* A CPU exception of the current thread in user mode: vector, error code
 * and address (the faulting address of a page fault, else the
 * instruction's) become its fault message (api/fault.c). */
void fault_exception(uint64_t vector, uint64_t code, uint64_t addr);

/* An interrupt on a line (obj/irq.c); the arch masked the line. */
void irq_handle(unsigned irq);

/* A tick of the preemption timer, TIMER_HZ a second (core/sched.c). */
void sched_tick(void);

#endif
