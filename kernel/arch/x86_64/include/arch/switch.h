/* SPDX-License-Identifier: MIT */
/*
 * Switching threads and leaving the kernel, inline (context.c, fastpath).
 *
 * Interface: switch_frame(next) makes next's saved frame the one the
 * entries fill and the exit pops (TSS.RSP0 too); load_user_state(t)
 * loads what t runs on besides its registers (address space, TLS bases),
 * and exit_prepare() does so before an exit to user mode when a thread
 * switch or an invocation may have changed them; arch_fastpath_exit(prev,
 * next) is the IPC fastpath's way out: FPU state, frame, then the exit, in
 * next (already cpu()->current), never returning. They are inline so that
 * the fastpath is one function without calls.
 */
#ifndef ARCH_SWITCH_H
#define ARCH_SWITCH_H

#include <arch/context.h>
#include <arch/cpu.h>
#include <arch/mmu.h>
#include <arch/trap.h>
#include <core/sched.h>
#include <core/trace.h>

#define MSR_FS_BASE 0xC0000100
#define MSR_GS_BASE 0xC0000101

static inline void switch_frame(tcb_t *next)
{
    arch_current_frame = (uint64_t)(uintptr_t)&next->ctx.regs;
    arch_entry_frame_end = arch_current_frame + sizeof(struct trap_frame);
    gdt_set_rsp0(arch_entry_frame_end);
}

/* The root of t's address space: its PML4, or the kernel's own (no user
 * mappings) if it has none. */
static inline __attribute__((always_inline)) paddr_t vspace_root(const tcb_t *t)
{
    cap_t v = t->vspace_slot.cap;
    return cap_type(v) == CAP_PML4 ? virt_to_phys(cap_object(v)) : paging_kernel_root();
}

/* Load what thread t runs on besides its saved registers: its address
 * space (which it may have changed with TCB Configure on itself, or lost
 * when its PML4 was destroyed) and its segment state: null DS, ES, FS and
 * GS, and its TLS bases (which SetTLSBase may have changed). User mode
 * loads segment registers itself, and a load of FS or GS (null or not)
 * also replaces the base behind it, so neither the selectors nor the
 * bases in the CPU can be trusted after another thread ran: all are
 * written, selectors first (a null load zeroes the base on Intel). */
static inline __attribute__((always_inline)) void load_user_state(const tcb_t *t)
{
    paddr_t root = vspace_root(t);
    if ((read_cr3() & PTE_ADDR_MASK) != root)
        write_cr3(root);
    __asm__ volatile("mov %k0, %%ds\n\t"
                     "mov %k0, %%es\n\t"
                     "mov %k0, %%fs\n\t"
                     "mov %k0, %%gs"
                     :
                     : "r"(0));
    wrmsr(MSR_FS_BASE, t->ctx.fs_base);
    wrmsr(MSR_GS_BASE, t->ctx.gs_base);
}

/* Before every exit to user mode: load the current thread's user state if
 * it may have changed (cpu()->reload_user_state). */
static inline __attribute__((always_inline)) void exit_prepare(void)
{
    trace_exit();
    if (cpu()->reload_user_state) {
        cpu()->reload_user_state = 0;
        load_user_state(cpu()->current);
    }
}

static inline __attribute__((always_inline)) _Noreturn void arch_fastpath_exit(tcb_t *prev,
                                                                               tcb_t *next)
{
    fpu_switch(prev->ctx.fpu, next->ctx.fpu);
    switch_frame(next);
    trace_exit();
    load_user_state(next);
    exit_to_user();
}

#endif
