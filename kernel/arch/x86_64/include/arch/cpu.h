/* SPDX-License-Identifier: MIT */
/*
 * x86-64 instruction wrappers: port I/O, control registers, MSRs, CPUID.
 * Only arch code includes this file.
 */
#ifndef ARCH_CPU_H
#define ARCH_CPU_H

#include <stdint.h>

#define MSR_EFER   0xC0000080
#define EFER_NXE   (1u << 11)
#define CR0_NE     (1ul << 5)
#define CR0_WP     (1ul << 16)
#define CR0_AM     (1ul << 18)
#define CR4_PGE    (1ul << 7)
#define CR4_OSFXSR (1ul << 9)
#define CR4_UMIP   (1ul << 11)
#define CR4_SMEP   (1ul << 20)
#define CR4_SMAP   (1ul << 21)
#define RFLAGS_IF  (1ul << 9)
#define RFLAGS_AC  (1ul << 18)

static inline void outb(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
    __asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

#define DEFINE_CR(n)                                                                               \
    static inline uint64_t read_cr##n(void)                                                        \
    {                                                                                              \
        uint64_t v;                                                                                \
        __asm__ volatile("mov %%cr" #n ", %0" : "=r"(v));                                          \
        return v;                                                                                  \
    }                                                                                              \
    static inline void write_cr##n(uint64_t v)                                                     \
    {                                                                                              \
        __asm__ volatile("mov %0, %%cr" #n : : "r"(v) : "memory");                                 \
    }
DEFINE_CR(0)
DEFINE_CR(2)
DEFINE_CR(3)
DEFINE_CR(4)
#undef DEFINE_CR

struct cpuid_regs {
    uint32_t eax, ebx, ecx, edx;
};

static inline struct cpuid_regs cpuid(uint32_t leaf, uint32_t subleaf)
{
    struct cpuid_regs r;
    __asm__ volatile("cpuid"
                     : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
                     : "a"(leaf), "c"(subleaf));
    return r;
}

static inline uint64_t read_rflags(void)
{
    uint64_t v;
    __asm__ volatile("pushfq; popq %0" : "=r"(v));
    return v;
}

static inline void invlpg(uintptr_t va)
{
    __asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

/* CPU features the kernel looks at, filled by cpu_detect(). */
struct cpu_features {
    char vendor[13];
    char brand[49];
    int smep, smap, umip, pge, pdpe1gb, xsave, avx;
};

extern struct cpu_features cpu_features;
void cpu_detect(void);
void cpu_enable_protections(void);

/* Thread support (context.c) and the preemption timer (lapic.c). */
void context_init(void);
void timer_init(void);

#endif
