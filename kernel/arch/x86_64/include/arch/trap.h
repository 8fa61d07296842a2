/* SPDX-License-Identifier: MIT */
/*
 * The register frame that entry.S builds on every exception and interrupt.
 * The layout is fixed by the push order in entry.S; the offsets are
 * checked below.
 */
#ifndef ARCH_TRAP_H
#define ARCH_TRAP_H

#include <stdint.h>
#include <stddef.h>

struct trap_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error_code;
    /* pushed by the CPU */
    uint64_t rip, cs, rflags, rsp, ss;
};

_Static_assert(offsetof(struct trap_frame, rax) == 14 * 8, "entry.S push order");
_Static_assert(offsetof(struct trap_frame, vector) == 15 * 8, "entry.S vector slot");
_Static_assert(offsetof(struct trap_frame, rip) == 17 * 8, "CPU frame follows error code");
_Static_assert(sizeof(struct trap_frame) == 22 * 8, "trap frame size");

/*
 * Fault recovery point for code that touches memory which may fault on
 * purpose (the in-kernel tests' probes). While armed, a kernel-mode
 * exception resumes at the recovery RIP/RSP with RAX = vector instead of
 * panicking.
 */
struct fault_recovery {
    uint64_t rip, rsp;
    int armed;
    uint64_t last_vector, last_error, last_cr2;
    uint64_t last_rflags; /* the handler's own RFLAGS (what entry.S left) */
};
extern struct fault_recovery fault_recovery;
/* tests/kernel/arch/x86_64/probe.S uses these offsets */
_Static_assert(offsetof(struct fault_recovery, rip) == 0, "probe.S FR_RIP");
_Static_assert(offsetof(struct fault_recovery, rsp) == 8, "probe.S FR_RSP");
_Static_assert(offsetof(struct fault_recovery, armed) == 16, "probe.S FR_ARMED");

void gdt_init(void);
/* The 64-bit TSS: RSP0 is where an interrupt or exception from user mode
 * starts pushing (the end of the current thread's saved frame). */
struct tss {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
} __attribute__((packed));
_Static_assert(sizeof(struct tss) == 104, "TSS layout");

extern struct tss tss;

static inline void gdt_set_rsp0(uint64_t rsp0)
{
    tss.rsp[0] = rsp0;
}
void idt_init(void);
void exception_dispatch(struct trap_frame *f);

/* Entries from user mode (entry.S), on the kernel stack. */
void user_trap(struct trap_frame *f);
_Noreturn void syscall_entry_c(void);
void syscall_entry(void);
void syscall_compat_entry(void);
_Noreturn void exit_to_user(void);

/* Device and timer interrupts (vectors 32..255), from either mode. */
void interrupt_handle(uint64_t vector);

/* Frame of the current thread (exit_to_user pops it) and its end (the
 * syscall entry pushes below it; TSS.RSP0 has the same value). */
extern uint64_t arch_current_frame, arch_entry_frame_end;

#endif
