/* SPDX-License-Identifier: MIT */
/*
 * In-kernel tests of the kernel-entry set-up: the flags the kernel runs
 * with after an exception, the SYSCALL/SYSENTER MSRs, the GDT's user
 * segments and the IDT gates user mode may raise.
 *
 * An interrupt gate clears IF and TF but not AC or DF, so entry.S must
 * clear them itself: probe_breakpoint_ac_df() raises #BP with both set
 * and the handler records the RFLAGS it ran with (fault_recovery). The
 * same entry code serves exceptions from user mode.
 */
#include <arch/cpu.h>
#include <arch/layout.h>
#include <arch/trap.h>
#include "../../ktest.h"
#include "probe.h"

#define RFLAGS_DF (1ul << 10)
#define RFLAGS_TF (1ul << 8)
#define RFLAGS_NT (1ul << 14)

#define MSR_SYSENTER_CS  0x174
#define MSR_SYSENTER_EIP 0x176
#define MSR_STAR         0xC0000081
#define MSR_LSTAR        0xC0000082
#define MSR_CSTAR        0xC0000083
#define MSR_FMASK        0xC0000084

KTEST(entry_clears_ac_df, "an exception taken with EFLAGS.AC and DF set runs its handler with "
                          "both clear (SMAP stays on in the kernel)")
{
    KT_EQ(probe_breakpoint_ac_df(), 3);
    KT_EQ(fault_recovery.last_rflags & (RFLAGS_AC | RFLAGS_DF | RFLAGS_TF | RFLAGS_NT | RFLAGS_IF),
          0);
    KT_EQ(read_rflags() & (RFLAGS_AC | RFLAGS_DF), 0); /* the probe cleared them again */
}

KTEST(entry_syscall_msrs, "LSTAR and CSTAR point at the kernel's entries, FMASK clears IF, TF, DF, "
                          "AC and NT, SYSENTER_CS is null (SYSENTER raises #GP)")
{
    context_init(); /* what the system kernel runs at boot (not this image) */
    KT_EQ(rdmsr(MSR_LSTAR), (uint64_t)(uintptr_t)syscall_entry);
    KT_EQ(rdmsr(MSR_CSTAR), (uint64_t)(uintptr_t)syscall_compat_entry);
    uint64_t mask = RFLAGS_IF | RFLAGS_TF | RFLAGS_DF | RFLAGS_AC | RFLAGS_NT;
    KT_EQ(rdmsr(MSR_FMASK) & mask, mask);
    KT_EQ(rdmsr(MSR_SYSENTER_CS), 0);
    KT_EQ(rdmsr(MSR_SYSENTER_EIP), 0);
    /* SYSCALL: kernel CS and SS; SYSRET base: user code at +16, data at +8 */
    uint64_t star = rdmsr(MSR_STAR);
    KT_EQ((star >> 32) & 0xffff, SEL_KERNEL_CODE);
    KT_EQ(((star >> 48) & 0xfffc) + 16, SEL_USER_CODE);
    KT_EQ(((star >> 48) & 0xfffc) + 8, SEL_USER_DATA);
}

static uint64_t descriptor(unsigned sel)
{
    struct {
        uint16_t limit;
        uint64_t base;
    } __attribute__((packed)) ptr;
    __asm__ volatile("sgdt %0" : "=m"(ptr));
    if (sel + 7 > ptr.limit)
        return 0;
    return ((const uint64_t *)(uintptr_t)ptr.base)[sel / 8];
}

KTEST(entry_gdt_user_segments, "the GDT's only DPL-3 segments are 64-bit user code and user data; "
                               "there is no compatibility-mode code segment")
{
    for (unsigned sel = 8; sel < SEL_TSS; sel += 8) {
        uint64_t d = descriptor(sel);
        unsigned present = (d >> 47) & 1, dpl = (d >> 45) & 3, code = (d >> 43) & 1,
                 system = !((d >> 44) & 1), l = (d >> 53) & 1;
        if (sel == SEL_USER_CODE32) {
            KT_EQ(d, 0);
            continue;
        }
        KT_EQ(present, 1);
        KT_EQ(system, 0);
        if (code)
            KT_EQ(l, 1); /* every code segment is 64-bit */
        KT_EQ(dpl, sel == SEL_USER_CODE || sel == SEL_USER_DATA ? 3 : 0);
    }
    uint16_t ldtr;
    __asm__ volatile("sldt %0" : "=r"(ldtr));
    KT_EQ(ldtr, 0);
    /* and the LDTR is invalid, not the reset state (base 0, limit
     * 0xffff): LAR of an LDT selector reads no descriptor at address 0 */
    KT_EQ(probe_lar(0x7), PROBE_OK);
    KT_EQ(probe_lar(0x7ff), PROBE_OK);
}

KTEST(entry_idt_user_gates, "of the 256 IDT gates only #BP (int3) has DPL 3; every other vector "
                            "raised with int N from user mode is #GP")
{
    struct {
        uint16_t limit;
        uint64_t base;
    } __attribute__((packed)) ptr;
    __asm__ volatile("sidt %0" : "=m"(ptr));
    KT_EQ(ptr.limit, 256 * 16 - 1);
    const uint8_t *idt = (const uint8_t *)(uintptr_t)ptr.base;
    for (unsigned v = 0; v < 256; v++) {
        uint8_t type = idt[16 * v + 5];
        KT_EQ(type & 0x9f, 0x8e); /* present 64-bit interrupt gate */
        KT_EQ((type >> 5) & 3, v == 3 ? 3u : 0u);
    }
}

KTEST(entry_cr0_ne, "CR0.NE is set: a user x87 error is #MF to its thread, never the legacy "
                    "FERR# interrupt")
{
    KT_ASSERT(read_cr0() & CR0_NE);
}
