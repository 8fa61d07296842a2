/* SPDX-License-Identifier: MIT */
/* In-kernel tests: CPU exceptions reach the kernel's handler with the right vector. */
#include <arch/cpu.h>
#include <arch/layout.h>
#include <arch/trap.h>
#include "../../ktest.h"
#include "probe.h"

KTEST(exception_invalid_opcode, "ud2 raises #UD (vector 6) and is caught")
{
    KT_EQ(probe_ud(), 6);
}

KTEST(exception_divide_error, "division by zero raises #DE (vector 0)")
{
    KT_EQ(probe_divide_error(), 0);
}

KTEST(exception_breakpoint, "int3 raises #BP (vector 3)")
{
    KT_EQ(probe_breakpoint(), 3);
}

KTEST(exception_general_protection, "a non-canonical load raises #GP (vector 13)")
{
    KT_EQ(probe_noncanonical(), 13);
}

KTEST(exception_page_fault_unmapped, "a read of unmapped low memory raises #PF with CR2")
{
    KT_EQ(probe_read((const void *)0x1000), 14);
    KT_EQ(fault_recovery.last_cr2, 0x1000);
    KT_EQ(fault_recovery.last_error & 1, 0); /* not-present */
}

KTEST(exception_recovery_disarms, "a probe that does not fault returns -1 and disarms recovery")
{
    static uint64_t word = 42;
    KT_EQ(probe_read(&word), -1);
    KT_EQ(fault_recovery.armed, 0);
}

KTEST(tss_loaded, "the task register holds the TSS selector")
{
    uint16_t tr;
    __asm__ volatile("str %0" : "=r"(tr));
    KT_EQ(tr, SEL_TSS);
}

KTEST(segments_kernel, "CS and SS are the kernel selectors")
{
    uint16_t cs, ss;
    __asm__ volatile("mov %%cs, %0; mov %%ss, %1" : "=r"(cs), "=r"(ss));
    KT_EQ(cs, SEL_KERNEL_CODE);
    KT_EQ(ss, SEL_KERNEL_DATA);
}

KTEST(cpu_protections_on, "CR0.WP, EFER.NXE and (where present) SMEP and SMAP are on")
{
    KT_ASSERT(read_cr0() & CR0_WP);
    KT_ASSERT(rdmsr(MSR_EFER) & EFER_NXE);
    if (cpu_features.smep)
        KT_ASSERT(read_cr4() & CR4_SMEP);
    if (cpu_features.smap)
        KT_ASSERT(read_cr4() & CR4_SMAP);
}
