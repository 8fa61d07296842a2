/* SPDX-License-Identifier: MIT */
/*
 * CPU identification and the protection bits the kernel turns on.
 *
 * Interface: cpu_detect() fills cpu_features from CPUID;
 * cpu_enable_protections() sets CR0.WP, CR0.AM, CR0.NE, CR4.PGE and, where the CPU has
 * them, SMEP, SMAP and UMIP. NX (EFER.NXE) is required and was enabled by boot.S.
 */
#include <arch/cpu.h>
#include <core/arch_hooks.h>
#include <core/string.h>

struct cpu_features cpu_features;

static void copy_regs(char *dst, const struct cpuid_regs *r)
{
    memcpy(dst, &r->eax, 4);
    memcpy(dst + 4, &r->ebx, 4);
    memcpy(dst + 8, &r->ecx, 4);
    memcpy(dst + 12, &r->edx, 4);
}

void cpu_detect(void)
{
    struct cpuid_regs r = cpuid(0, 0);
    uint32_t max_leaf = r.eax;
    memcpy(cpu_features.vendor, &r.ebx, 4);
    memcpy(cpu_features.vendor + 4, &r.edx, 4);
    memcpy(cpu_features.vendor + 8, &r.ecx, 4);
    cpu_features.vendor[12] = '\0';

    r = cpuid(1, 0);
    cpu_features.pge = !!(r.edx & (1u << 13));
    cpu_features.xsave = !!(r.ecx & (1u << 26));
    cpu_features.avx = !!(r.ecx & (1u << 28));
    if (max_leaf >= 7) {
        r = cpuid(7, 0);
        cpu_features.smep = !!(r.ebx & (1u << 7));
        cpu_features.smap = !!(r.ebx & (1u << 20));
        cpu_features.umip = !!(r.ecx & (1u << 2));
    }
    r = cpuid(0x80000000, 0);
    if (r.eax >= 0x80000004) {
        for (uint32_t i = 0; i < 3; i++) {
            struct cpuid_regs b = cpuid(0x80000002 + i, 0);
            copy_regs(cpu_features.brand + 16 * i, &b);
        }
        cpu_features.brand[48] = '\0';
    }
    r = cpuid(0x80000001, 0);
    cpu_features.pdpe1gb = !!(r.edx & (1u << 26));
}

void cpu_enable_protections(void)
{
    /* AM: user code that sets RFLAGS.AC gets alignment-check faults.
     * NE: an x87 error is #MF to the thread that caused it, never the
     * legacy FERR# interrupt, which reaches no thread (and aborts QEMU):
     * without it any thread could stop the machine (docs/security.md) */
    write_cr0(read_cr0() | CR0_WP | CR0_AM | CR0_NE);
    uint64_t cr4 = read_cr4();
    if (cpu_features.pge)
        cr4 |= CR4_PGE;
    if (cpu_features.smep)
        cr4 |= CR4_SMEP;
    if (cpu_features.smap)
        cr4 |= CR4_SMAP;
    /* UMIP: sgdt, sidt, sldt, str and smsw are #GP in user mode, so they
     * do not reveal where the kernel keeps its descriptor tables */
    if (cpu_features.umip)
        cr4 |= CR4_UMIP;
    write_cr4(cr4);
}

const char *arch_cpu_description(void)
{
    static char desc[96];
    const char *b = cpu_features.brand;
    while (*b == ' ')
        b++;
    strlcpy(desc, *b ? b : cpu_features.vendor, sizeof desc);
    return desc;
}
