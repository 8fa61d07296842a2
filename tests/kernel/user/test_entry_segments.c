/* SPDX-License-Identifier: MIT */
/*
 * User-level tests of what user mode can do with segments and gates:
 * far jumps, far calls, lretq and iretq to every GDT selector (and LDT
 * ones), loads of each into DS, ES, FS, GS and SS, `int N` for all 256
 * vectors, int1, into, sysenter, sysexit and sysret.
 *
 * A probe thread (faults to the test's endpoint) runs one instruction per
 * fault reply: the reply points RIP at a stub below with the selector or
 * vector in RDI; the stub runs the instruction and, if that did not
 * fault, a ud2 at a known label. The test compares every fault message
 * (vector, error code, RIP) with what the CPU must do: only the 64-bit
 * user code and data selectors are usable (there is no compatibility-mode
 * segment, so no thread can reach CSTAR or leave the kernel an iretq it
 * cannot do), only int3 passes its gate, everything else is #GP (or #UD)
 * delivered to the thread's handler, the kernel alive and its invariants
 * holding. With UMIP (CR4.UMIP, set where the CPU has it) sgdt, sidt,
 * sldt, str and smsw are #GP too: they would reveal where the kernel
 * keeps its GDT, IDT and TSS.
 */
#include "utest.h"

#define PRIO       100
#define CTX(i)     (L4_FAULT_EXCEPTION_MR_CONTEXT + (i))
#define CTX_RIP    CTX(0)
#define CTX_RSP    CTX(1)
#define CTX_RFLAGS CTX(2)
#define CTX_RDI    CTX(8)
#define GP         13
#define UD         6
#define USER_CODE  0x2b /* 64-bit user code, RPL 3 */
#define USER_DATA  0x23

/* The stubs; each is entered with the selector or vector in EDI. The
 * landing target of the far transfers sets an invalid syscall number and
 * executes `syscall` (in compatibility mode that would enter at CSTAR),
 * then ud2. */
__asm__(".pushsection .text\n"
        "ent_land:\n"
        "    movl $0x7fff, %eax\n"
        "    syscall\n"
        "ent_land_ud2:\n"
        "    ud2\n"
        "ent_ljmp:\n"
        "    leaq ent_land(%rip), %rax\n"
        "    movl %eax, ent_farptr(%rip)\n"
        "    movw %di, ent_farptr+4(%rip)\n"
        "    leaq ent_farptr(%rip), %rbx\n"
        "ent_ljmp_insn:\n"
        "    ljmp *(%rbx)\n"
        "    ud2\n"
        "ent_lcall:\n"
        "    leaq ent_land(%rip), %rax\n"
        "    movl %eax, ent_farptr(%rip)\n"
        "    movw %di, ent_farptr+4(%rip)\n"
        "    leaq ent_farptr(%rip), %rbx\n"
        "ent_lcall_insn:\n"
        "    lcall *(%rbx)\n"
        "    ud2\n"
        "ent_lret:\n"
        "    pushq %rdi\n"
        "    leaq ent_land(%rip), %rax\n"
        "    pushq %rax\n"
        "ent_lret_insn:\n"
        "    lretq\n"
        "ent_iret:\n"
        "    movq %rsp, %rax\n"
        "    pushq $0x23\n"
        "    pushq %rax\n"
        "    pushfq\n"
        "    pushq %rdi\n"
        "    leaq ent_land(%rip), %rax\n"
        "    pushq %rax\n"
        "ent_iret_insn:\n"
        "    iretq\n"
        "ent_mov_ds:\n"
        "    mov %edi, %ds\n"
        "ent_mov_ds_ok:\n"
        "    ud2\n"
        "ent_mov_es:\n"
        "    mov %edi, %es\n"
        "ent_mov_es_ok:\n"
        "    ud2\n"
        "ent_mov_fs:\n"
        "    mov %edi, %fs\n"
        "ent_mov_fs_ok:\n"
        "    ud2\n"
        "ent_mov_gs:\n"
        "    mov %edi, %gs\n"
        "ent_mov_gs_ok:\n"
        "    ud2\n"
        "ent_mov_ss:\n"
        "    mov %edi, %ss\n"
        "ent_mov_ss_ok:\n"
        "    ud2\n"
        "ent_int1:\n"
        "    .byte 0xf1\n" /* int1 (ICEBP) */
        "ent_int1_after:\n"
        "    ud2\n"
        "ent_into:\n"
        "    .byte 0xce\n" /* into: invalid in 64-bit mode */
        "    ud2\n"
        "ent_sysenter:\n"
        "    sysenter\n"
        "    ud2\n"
        "ent_sysexit:\n"
        "    sysexitq\n"
        "    ud2\n"
        "ent_sysret:\n"
        "    sysretq\n"
        "    ud2\n"
        /* int $N; ud2 for every N: 4 bytes each (int $3 written as CD 03,
         * which goes through the same DPL-3 gate as int3) */
        "ent_int_table:\n"
        "    .set ent_n, 0\n"
        "    .rept 256\n"
        "    .byte 0xcd, ent_n\n"
        "    ud2\n"
        "    .set ent_n, ent_n + 1\n"
        "    .endr\n"
        ".popsection\n"
        ".pushsection .bss\n"
        "ent_farptr:\n"
        "    .zero 8\n"
        ".popsection\n");

extern const char ent_land_ud2[], ent_ljmp[], ent_ljmp_insn[], ent_lcall[], ent_lcall_insn[],
    ent_lret[], ent_lret_insn[], ent_iret[], ent_iret_insn[], ent_mov_ds[], ent_mov_ds_ok[],
    ent_mov_es[], ent_mov_es_ok[], ent_mov_fs[], ent_mov_fs_ok[], ent_mov_gs[], ent_mov_gs_ok[],
    ent_mov_ss[], ent_mov_ss_ok[], ent_int1[], ent_int1_after[], ent_into[], ent_sysenter[],
    ent_sysexit[], ent_sysret[], ent_int_table[];
__asm__(".globl ent_land_ud2, ent_ljmp, ent_ljmp_insn, ent_lcall, ent_lcall_insn, ent_lret, "
        "ent_lret_insn, ent_iret, ent_iret_insn, ent_mov_ds, ent_mov_ds_ok, ent_mov_es, "
        "ent_mov_es_ok, ent_mov_fs, ent_mov_fs_ok, ent_mov_gs, ent_mov_gs_ok, ent_mov_ss, "
        "ent_mov_ss_ok, ent_int1, ent_int1_after, ent_into, ent_sysenter, ent_sysexit, "
        "ent_sysret, ent_int_table");

/* Selectors to try, RPL 3: every GDT slot and some beyond its end, and
 * LDT selectors (there is no LDT). */
static const uint16_t selectors[] = {0x03, 0x0b, 0x13, 0x1b,   0x23, 0x2b, 0x33, 0x3b,
                                     0x43, 0x4b, 0x7b, 0xfffb, 0x07, 0x1f, 0x2f, 0xffff};
#define NSEL (sizeof selectors / sizeof selectors[0])

static void probe_start(l4_word_t arg)
{
    (void)arg;
    for (;;)
        __asm__ volatile("ud2");
}

struct probe {
    l4_cptr_t ep, reply;
    l4_word_t rsp;
};

struct result {
    l4_word_t label, vector, code, rip;
};

static struct result receive(struct probe *p)
{
    struct result r = {~0ul, ~0ul, ~0ul, ~0ul};
    l4_word_t badge;
    l4_msginfo_t info = 0;
    if (l4_recv(p->ep, p->reply, &badge, &info) != L4_NO_ERROR)
        return r;
    r.label = l4_msginfo_get_label(info);
    r.vector = l4_get_mr(L4_FAULT_EXCEPTION_MR_VECTOR);
    r.code = l4_get_mr(L4_FAULT_EXCEPTION_MR_ERROR_CODE);
    r.rip = l4_get_mr(CTX_RIP);
    return r;
}

/* Start the probe thread; its first fault is the ud2 of probe_start. */
static int probe_init(struct probe *p)
{
    p->ep = ut_new(L4_OBJECT_ENDPOINT, 0);
    p->reply = ut_new(L4_OBJECT_REPLY, 0);
    if (!p->ep || !p->reply || !ut_thread_faulting(probe_start, 0, PRIO, p->ep))
        return 0;
    struct result r = receive(p);
    if (r.label != L4_FAULT_LABEL_EXCEPTION || r.vector != UD)
        return 0;
    p->rsp = (l4_get_mr(CTX_RSP) & ~UINT64_C(15)) - 256;
    return 1;
}

/* Run stub with EDI = arg in the probe thread; its next fault. */
static struct result probe_run(struct probe *p, const void *stub, l4_word_t arg)
{
    for (unsigned i = CTX(3); i < CTX_RDI; i++)
        l4_set_mr(i, 0);
    l4_set_mr(CTX_RIP, (l4_word_t)stub);
    l4_set_mr(CTX_RSP, p->rsp);
    l4_set_mr(CTX_RFLAGS, 0x202);
    l4_set_mr(CTX_RDI, arg);
    struct result bad = {~0ul, ~0ul, ~0ul, ~0ul};
    if (l4_send(p->reply, l4_msginfo_new(L4_FAULT_REPLY_RESUME, 0, 0, CTX_RDI + 1)) != L4_NO_ERROR)
        return bad;
    return receive(p);
}

/* The fault must be vector at rip (error code code unless ~0). */
static int expect(struct result r, l4_word_t vector, const void *rip, l4_word_t code)
{
    return r.label == L4_FAULT_LABEL_EXCEPTION && r.vector == vector && r.rip == (l4_word_t)rip &&
           (code == ~0ul || r.code == code);
}

#define UT_FAULT(res, vec, at_rip, ecode, what, arg)                                               \
    do {                                                                                           \
        struct result r_ = (res);                                                                  \
        if (!expect(r_, vec, at_rip, ecode)) {                                                     \
            ut_fail(__FILE__, __LINE__,                                                            \
                    "%s %#lx: label %lu vector %lu code %#lx rip %#lx; expected vector %lu "       \
                    "code %#lx rip %#lx",                                                          \
                    what, (unsigned long)(arg), r_.label, r_.vector, r_.code, r_.rip,              \
                    (unsigned long)(vec), (unsigned long)(ecode), (unsigned long)(at_rip));        \
            return;                                                                                \
        }                                                                                          \
    } while (0)

UTEST(entry_int_vectors, "int N from user mode: N = 3 is #BP after the instruction, every other "
                         "vector (int 0x80, the exceptions, the interrupts) #GP with the IDT "
                         "error code; int1 is #DB, into #UD")
{
    struct probe p;
    UT_ASSERT(probe_init(&p));
    for (unsigned n = 0; n < 256; n++) {
        const char *at = ent_int_table + 4 * n;
        struct result r = probe_run(&p, at, 0);
        if (n == 3) {
            UT_FAULT(r, 3, at + 2, ~0ul, "int", n);
            continue;
        }
        /* the error code names the gate: vector * 8 + 2 (IDT) on CPUs,
         * vector * 16 + 2 (the gate's offset) under QEMU's TCG */
        UT_FAULT(r, GP, at, ~0ul, "int", n);
        UT_ASSERT(r.code == n * 8 + 2 || r.code == n * 16 + 2);
    }
    /* int1: #DB after it on CPUs; QEMU's TCG makes it #UD */
    struct result r = probe_run(&p, ent_int1, 0);
    UT_EQ(r.label, L4_FAULT_LABEL_EXCEPTION);
    UT_ASSERT((r.vector == 1 && r.rip == (l4_word_t)ent_int1_after) ||
              (r.vector == UD && r.rip == (l4_word_t)ent_int1));
    UT_FAULT(probe_run(&p, ent_into, 0), UD, ent_into, ~0ul, "into", 0);
    UT_EQ(l4_debug_check_invariants(), 0);
}

UTEST(entry_sys_instructions, "sysenter, sysexit and sysret from user mode fault (#GP or #UD) at "
                              "the instruction and reach the thread's handler")
{
    struct probe p;
    UT_ASSERT(probe_init(&p));
    const char *const stubs[] = {ent_sysenter, ent_sysexit, ent_sysret};
    for (unsigned i = 0; i < 3; i++) {
        struct result r = probe_run(&p, stubs[i], 0);
        UT_EQ(r.label, L4_FAULT_LABEL_EXCEPTION);
        UT_ASSERT(r.vector == GP || r.vector == UD);
        UT_EQ(r.rip, (l4_word_t)stubs[i]);
    }
    UT_EQ(l4_debug_check_invariants(), 0);
}

UTEST(entry_segment_loads, "loading each selector into DS, ES, FS and GS works only for null, "
                           "user data and 64-bit user code, into SS only for user data; every "
                           "other load is #GP naming the selector")
{
    struct probe p;
    UT_ASSERT(probe_init(&p));
    const char *const stub[] = {ent_mov_ds, ent_mov_es, ent_mov_fs, ent_mov_gs, ent_mov_ss};
    const char *const ok[] = {ent_mov_ds_ok, ent_mov_es_ok, ent_mov_fs_ok, ent_mov_gs_ok,
                              ent_mov_ss_ok};
    for (unsigned s = 0; s < 5; s++) {
        for (unsigned i = 0; i < NSEL; i++) {
            uint16_t sel = selectors[i];
            int loads = s == 4 ? sel == USER_DATA
                               : (sel & 0xfffc) == 0 || sel == USER_DATA || sel == USER_CODE;
            struct result r = probe_run(&p, stub[s], sel);
            if (loads)
                UT_FAULT(r, UD, ok[s], ~0ul, "load", sel);
            else
                UT_FAULT(r, GP, stub[s], (l4_word_t)(sel & 0xfffc), "load", sel);
        }
    }
    UT_EQ(l4_debug_check_invariants(), 0);
}

UTEST(entry_far_transfers, "far jmp, far call, lretq and iretq to every selector reach only the "
                           "64-bit user code segment; compatibility mode is unreachable (#GP "
                           "naming the selector), so no compat-mode syscall can enter the kernel")
{
    struct probe p;
    UT_ASSERT(probe_init(&p));
    const char *const stub[] = {ent_ljmp, ent_lcall, ent_lret, ent_iret};
    const char *const insn[] = {ent_ljmp_insn, ent_lcall_insn, ent_lret_insn, ent_iret_insn};
    for (unsigned k = 0; k < 4; k++) {
        for (unsigned i = 0; i < NSEL; i++) {
            uint16_t sel = selectors[i];
            struct result r = probe_run(&p, stub[k], sel);
            /* QEMU's TCG (7.2) pushes and pops the stack of a far call,
             * lretq and iretq with supervisor accesses, which SMAP refuses:
             * a #PF without the user bit at the instruction; on CPUs, and
             * for the far jump, the selector decides */
            if (k != 0 && r.label == L4_FAULT_LABEL_EXCEPTION && r.vector == 14 &&
                r.rip == (l4_word_t)insn[k] && !(r.code & 4))
                continue;
            if (sel == USER_CODE) /* lands, runs a native syscall, then ud2 */
                UT_FAULT(r, UD, ent_land_ud2, ~0ul, "far transfer", sel);
            else
                UT_FAULT(r, GP, insn[k], (l4_word_t)(sel & 0xfffc), "far transfer", sel);
        }
    }
    UT_EQ(l4_debug_check_invariants(), 0);
}

/* Set AC and DF with popf, then trap: int3, then (after the reply) a
 * page fault; the kernel must run both with the flags clear, and the
 * thread gets its own flags back. */
__asm__(".pushsection .text\n"
        ".globl ent_ac_df, ent_ac_df_load\n"
        "ent_ac_df:\n"
        "    pushfq\n"
        "    orq $0x40400, (%rsp)\n" /* AC | DF */
        "    popfq\n"
        "    int3\n"
        "ent_ac_df_load:\n"
        "    movq 0x10, %rax\n" /* unmapped */
        "    ud2\n"
        ".popsection\n");
extern const char ent_ac_df[], ent_ac_df_load[];

UTEST(entry_user_flags_cleared, "with AC and DF set in user mode (popf), a breakpoint and a page "
                                "fault enter the kernel with both clear (the kernel checks) and "
                                "the fault messages show the thread's own flags")
{
    struct probe p;
    UT_ASSERT(probe_init(&p));
    struct result r = probe_run(&p, ent_ac_df, 0);
    UT_FAULT(r, 3, ent_ac_df_load, ~0ul, "int3 with AC and DF", 0);
    UT_EQ(l4_get_mr(CTX_RFLAGS) & 0x40400, 0x40400);
    UT_OK(l4_send(p.reply, l4_msginfo_new(L4_FAULT_REPLY_RESUME, 0, 0, 0)));
    r = receive(&p);
    UT_EQ(r.label, L4_FAULT_LABEL_EXCEPTION);
    UT_EQ(r.vector, 14);
    UT_EQ(r.rip, (l4_word_t)ent_ac_df_load);
    UT_EQ(l4_get_mr(CTX_RFLAGS) & 0x40400, 0x40400);
    UT_EQ(l4_debug_check_invariants(), 0);
}

/* sgdt, sidt, sldt, str and smsw; each followed by a ud2 that a thread
 * reaches only if the instruction ran. */
__asm__(".pushsection .text\n"
        "ent_sgdt:\n"
        "    sgdt ent_desc(%rip)\n"
        "ent_sgdt_ok:\n"
        "    ud2\n"
        "ent_sidt:\n"
        "    sidt ent_desc(%rip)\n"
        "ent_sidt_ok:\n"
        "    ud2\n"
        "ent_sldt:\n"
        "    sldt %eax\n"
        "ent_sldt_ok:\n"
        "    ud2\n"
        "ent_str:\n"
        "    str %eax\n"
        "ent_str_ok:\n"
        "    ud2\n"
        "ent_smsw:\n"
        "    smsw %eax\n"
        "ent_smsw_ok:\n"
        "    ud2\n"
        ".popsection\n"
        ".pushsection .bss\n"
        "ent_desc:\n"
        "    .zero 16\n"
        ".popsection\n");
extern const char ent_sgdt[], ent_sgdt_ok[], ent_sidt[], ent_sidt_ok[], ent_sldt[], ent_sldt_ok[],
    ent_str[], ent_str_ok[], ent_smsw[], ent_smsw_ok[];
__asm__(".globl ent_sgdt, ent_sgdt_ok, ent_sidt, ent_sidt_ok, ent_sldt, ent_sldt_ok, ent_str, "
        "ent_str_ok, ent_smsw, ent_smsw_ok");

static int cpu_has_umip(void)
{
    uint32_t a, b, c, d;
    __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0), "c"(0));
    if (a < 7)
        return 0;
    __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(7), "c"(0));
    return (c >> 2) & 1; /* CPUID.7.0:ECX.UMIP */
}

UTEST(entry_umip, "where the CPU has UMIP (QEMU's -cpu max does), sgdt, sidt, sldt, str and "
                  "smsw from user mode are #GP (error code 0) at the instruction; without it "
                  "they run")
{
    struct probe p;
    UT_ASSERT(probe_init(&p));
    const char *const stub[] = {ent_sgdt, ent_sidt, ent_sldt, ent_str, ent_smsw};
    const char *const ok[] = {ent_sgdt_ok, ent_sidt_ok, ent_sldt_ok, ent_str_ok, ent_smsw_ok};
    int umip = cpu_has_umip();
    for (unsigned i = 0; i < 5; i++) {
        if (umip)
            UT_FAULT(probe_run(&p, stub[i], 0), GP, stub[i], 0, "UMIP instruction", i);
        else
            UT_FAULT(probe_run(&p, stub[i], 0), UD, ok[i], ~0ul, "instruction without UMIP", i);
    }
    UT_EQ(l4_debug_check_invariants(), 0);
}
