/* SPDX-License-Identifier: MIT */
/*
 * CPU exceptions taken in the kernel.
 *
 * Interface: exception_dispatch(), called by entry.S for everything taken
 * in kernel mode (interrupts go on to interrupt_handle()).
 * A fault while fault_recovery is armed resumes at the recovery point
 * (used by the in-kernel tests to probe protections). Anything else is a
 * kernel bug: a full register dump, then panic. User-mode exceptions go
 * to user_trap() (context.c) instead.
 */
#include <arch/cpu.h>
#include <arch/trap.h>
#include <core/arch_hooks.h>
#include <core/console.h>
#include <core/panic.h>

struct fault_recovery fault_recovery;

static const char *const names[32] = {
    "#DE divide error",
    "#DB debug",
    "NMI",
    "#BP breakpoint",
    "#OF overflow",
    "#BR bound range",
    "#UD invalid opcode",
    "#NM device not available",
    "#DF double fault",
    "coprocessor segment overrun",
    "#TS invalid TSS",
    "#NP segment not present",
    "#SS stack fault",
    "#GP general protection",
    "#PF page fault",
    "reserved 15",
    "#MF x87 FP error",
    "#AC alignment check",
    "#MC machine check",
    "#XM SIMD FP exception",
    "#VE virtualization",
    "#CP control protection",
    "reserved 22",
    "reserved 23",
    "reserved 24",
    "reserved 25",
    "reserved 26",
    "reserved 27",
    "#HV hypervisor injection",
    "#VC VMM communication",
    "#SX security",
    "reserved 31",
};

const char *trap_vector_name(uint64_t vector)
{
    return vector < 32 ? names[vector] : "interrupt";
}

static void dump_frame(const struct trap_frame *f)
{
    kprintf("exception %lu (%s), error code %#lx\n", f->vector, trap_vector_name(f->vector),
            f->error_code);
    kprintf("RIP %016lx CS %04lx RFLAGS %016lx\n", f->rip, f->cs, f->rflags);
    kprintf("RSP %016lx SS %04lx CR2 %016lx CR3 %016lx\n", f->rsp, f->ss, read_cr2(), read_cr3());
    kprintf("RAX %016lx RBX %016lx RCX %016lx RDX %016lx\n", f->rax, f->rbx, f->rcx, f->rdx);
    kprintf("RSI %016lx RDI %016lx RBP %016lx R8  %016lx\n", f->rsi, f->rdi, f->rbp, f->r8);
    kprintf("R9  %016lx R10 %016lx R11 %016lx R12 %016lx\n", f->r9, f->r10, f->r11, f->r12);
    kprintf("R13 %016lx R14 %016lx R15 %016lx\n", f->r13, f->r14, f->r15);
    if (f->vector == 14)
        kprintf(
            "page fault: %s %s in %s mode%s\n", f->error_code & 1 ? "protection" : "not-present",
            f->error_code & 16  ? "fetch"
            : f->error_code & 2 ? "write"
                                : "read",
            f->error_code & 4 ? "user" : "kernel", f->error_code & 8 ? ", reserved bit set" : "");
}

void exception_dispatch(struct trap_frame *f)
{
    if (f->vector >= 32) {
        interrupt_handle(f->vector);
        return;
    }
    if (fault_recovery.armed && (f->cs & 3) == 0 && f->vector != 2 && f->vector != 18) {
        fault_recovery.armed = 0;
        fault_recovery.last_vector = f->vector;
        fault_recovery.last_error = f->error_code;
        fault_recovery.last_cr2 = f->vector == 14 ? read_cr2() : 0;
        fault_recovery.last_rflags = read_rflags();
        f->rip = fault_recovery.rip;
        f->rsp = fault_recovery.rsp;
        f->rax = f->vector;
        return;
    }
    dump_frame(f);
    panic("unexpected %s in %s mode at %#lx", trap_vector_name(f->vector),
          (f->cs & 3) ? "user" : "kernel", f->rip);
}
