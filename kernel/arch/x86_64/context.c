/* SPDX-License-Identifier: MIT */
/*
 * Threads on x86-64: user register state, the switch between threads,
 * SYSCALL set-up, FPU state, and the C side of the user-mode entries.
 *
 * Interface: context_init() (boot: SYSCALL MSRs, FPU on, the initial FPU
 * image); ctx_* of <arch/context.h>; the arch hooks arch_switch_to(),
 * arch_idle() and arch_exit_to_user(); user_trap() and syscall_entry_c(),
 * called from entry.S on the kernel stack.
 *
 * FPU/SSE/AVX state is switched eagerly whenever another thread is chosen
 * (fpu.c).
 */
#include <arch/context.h>
#include <arch/cpu.h>
#include <arch/mmu.h>
#include <core/arch_hooks.h>
#include <core/kernel_entry.h>
#include <core/panic.h>
#include <core/sched.h>
#include <core/string.h>
#include <core/trace.h>
#include <arch/switch.h>

#define MSR_SYSENTER_CS  0x174
#define MSR_SYSENTER_ESP 0x175
#define MSR_SYSENTER_EIP 0x176
#define MSR_STAR         0xC0000081
#define MSR_LSTAR        0xC0000082
#define MSR_CSTAR        0xC0000083
#define MSR_FMASK        0xC0000084
#define EFER_SCE         (1u << 0)
#define RFLAGS_TF        (1ul << 8)
#define RFLAGS_DF        (1ul << 10)
#define RFLAGS_NT        (1ul << 14)

uint64_t arch_current_frame, arch_entry_frame_end;

void context_init(void)
{
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
    /* SYSRET would load CS from STAR[63:48] + 16 and SS from + 8 */
    wrmsr(MSR_STAR, ((uint64_t)(SEL_USER_CODE32 | 3) << 48) | ((uint64_t)SEL_KERNEL_CODE << 32));
    wrmsr(MSR_LSTAR, (uint64_t)(uintptr_t)syscall_entry);
    /* never reached (no compatibility-mode segment), but not address 0:
     * a compat-mode SYSCALL becomes the thread's #UD fault */
    wrmsr(MSR_CSTAR, (uint64_t)(uintptr_t)syscall_compat_entry);
    /* SYSENTER with a null CS raises #GP (Intel; AMD: #UD in long mode),
     * delivered to the thread's fault handler; whatever firmware left in
     * these MSRs is not trusted */
    wrmsr(MSR_SYSENTER_CS, 0);
    wrmsr(MSR_SYSENTER_ESP, 0);
    wrmsr(MSR_SYSENTER_EIP, 0);
    /* the kernel runs with these clear whatever user mode had; NT too,
     * since an iretq with NT set faults (the user's NT is restored from
     * the saved RFLAGS) */
    wrmsr(MSR_FMASK, RFLAGS_IF | RFLAGS_TF | RFLAGS_DF | RFLAGS_AC | RFLAGS_NT);

    fpu_init();
}

void ctx_init(struct arch_context *c)
{
    memset(&c->regs, 0, sizeof c->regs);
    c->regs.cs = SEL_USER_CODE | 3;
    c->regs.ss = SEL_USER_DATA | 3;
    c->regs.rflags = RFLAGS_FIXED1 | RFLAGS_IF_BIT;
    c->fs_base = c->gs_base = 0;
    fpu_init_state(c->fpu);
}

/* Where word i of the ABI's user context (l4_user_context order: rip rsp
 * rflags rax rbx rcx rdx rsi rdi rbp r8..r15 fs_base gs_base) lives in a
 * struct arch_context. */
#define REG(r) offsetof(struct arch_context, regs.r)
static const uint16_t user_word_offset[L4_USER_CONTEXT_WORDS] = {
    REG(rip),
    REG(rsp),
    REG(rflags),
    REG(rax),
    REG(rbx),
    REG(rcx),
    REG(rdx),
    REG(rsi),
    REG(rdi),
    REG(rbp),
    REG(r8),
    REG(r9),
    REG(r10),
    REG(r11),
    REG(r12),
    REG(r13),
    REG(r14),
    REG(r15),
    offsetof(struct arch_context, fs_base),
    offsetof(struct arch_context, gs_base),
};
#undef REG

static uint64_t *user_word(struct arch_context *c, unsigned i)
{
    return i < L4_USER_CONTEXT_WORDS ? (uint64_t *)((char *)c + user_word_offset[i]) : 0;
}

uint64_t ctx_get_user_word(const struct arch_context *c, unsigned i)
{
    uint64_t *w = user_word((struct arch_context *)c, i);
    return w ? *w : 0;
}

int ctx_user_word_valid(unsigned i, uint64_t v)
{
    switch (i) {
    case 0:  /* rip */
    case 1:  /* rsp */
    case 18: /* fs_base */
    case 19: /* gs_base */
        return v < L4_USER_TOP;
    default:
        return i < L4_USER_CONTEXT_WORDS;
    }
}

void ctx_set_user_word(struct arch_context *c, unsigned i, uint64_t v)
{
    uint64_t *w = user_word(c, i);
    if (!w)
        return;
    if (i == 2) /* rflags */
        v = (v & RFLAGS_USER_MASK) | RFLAGS_FIXED1 | RFLAGS_IF_BIT;
    if (i == 0) /* a new RIP: no syscall to restart */
        c->regs.vector = 0;
    *w = v;
}

void arch_switch_to(tcb_t *prev, tcb_t *next)
{
    if (prev == next)
        return;
    if (prev)
        fpu_switch(prev->ctx.fpu, next->ctx.fpu);
    else
        fpu_restore(next->ctx.fpu);
    switch_frame(next);
    cpu()->reload_user_state = 1;
}

void arch_idle(void)
{
    __asm__ volatile("sti; hlt; cli" ::: "memory");
}

_Noreturn void arch_exit_to_user(void)
{
    schedule();
    exit_prepare();
    exit_to_user();
}

_Noreturn void syscall_slowpath(void)
{
    syscall_handle();
    schedule();
    exit_prepare();
    exit_to_user();
}

_Noreturn void syscall_entry_c(void)
{
    fastpath_syscall(cpu()->current); /* returns only if it does not apply */
    syscall_slowpath();
}

void user_trap(struct trap_frame *f)
{
    /* entry.S cleared the flags user mode may have left (AC would turn
     * SMAP off in the kernel); a check, since nothing else would notice */
    if (read_rflags() & (RFLAGS_AC | RFLAGS_DF))
        panic("kernel entered with AC or DF set (rflags %#lx)", read_rflags());
    if (f->vector >= 32)
        interrupt_handle(f->vector);
    else if (f->vector == 2 || f->vector == 8 || f->vector == 18)
        exception_dispatch(f); /* NMI, double fault, machine check: not the
                                * thread's doing (and f is on an IST stack,
                                * not the thread's frame) */
    else
        fault_exception(f->vector, f->error_code, f->vector == 14 ? read_cr2() : f->rip);
    schedule();
    exit_prepare();
}
