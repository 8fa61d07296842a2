/* SPDX-License-Identifier: MIT */
/*
 * Reductions of what the kernel fuzzer (test_fuzz.c) found: each test is
 * the smallest program that showed the problem, kept as a regression test.
 *
 * fuzz_nt_syscall: user code may set RFLAGS.NT (popfq). The syscall
 * instruction kept it when FMASK cleared only IF, TF, DF and AC, so the
 * kernel ran with NT set, and the iretq that returns to user mode
 * (exit_to_user in kernel/arch/x86_64/entry.S) raised #GP in kernel mode:
 * the kernel panicked, whoever made whatever syscall. FMASK now clears NT
 * too (context_init()). The thread here makes DebugCapIdentify on the
 * root CNode with NT set and must get the CNode type back.
 */
#include "utest.h"

#define RFLAGS_NT 0x4000
#define PRIO      100

static volatile l4_word_t nt_status;

static void nt_syscall_fn(l4_word_t cptr)
{
    l4_word_t status = L4_SYS_DEBUG_CAP_IDENTIFY;
    /* below the red zone: pushfq writes under RSP */
    __asm__ volatile("subq $128, %%rsp\n\t"
                     "pushfq\n\t"
                     "orq %[nt], (%%rsp)\n\t"
                     "popfq\n\t"
                     "syscall\n\t"
                     "pushfq\n\t"
                     "andq %[clear], (%%rsp)\n\t"
                     "popfq\n\t"
                     "addq $128, %%rsp"
                     : "+a"(status), "+D"(cptr)
                     : [nt] "i"(RFLAGS_NT), [clear] "i"(~RFLAGS_NT)
                     : "rcx", "r11", "rsi", "rdx", "r8", "r9", "r10", "memory", "cc");
    nt_status = status;
}

UTEST(fuzz_nt_syscall, "a syscall made with RFLAGS.NT set returns its status (the kernel does "
                       "not run, or return to user mode, with the caller's NT)")
{
    nt_status = ~(l4_word_t)0;
    UT_ASSERT(ut_thread(nt_syscall_fn, L4_ROOT_SLOT_CNODE, PRIO));
    UT_ASSERT(ut_settle_once());
    UT_EQ(nt_status, L4_CAP_CNODE);
}

/*
 * fuzz_x87_exception (found by the instruction fuzzer, test_fuzz_insn.c,
 * class fuzzi_classes=16): an unmasked x87 exception in user mode must come
 * to the thread's handler as #MF (vector 16). The kernel leaves CR0.NE
 * clear, so the CPU reports it the legacy way (FERR#, an external
 * interrupt) instead; on QEMU 7.2 that path aborts QEMU (an assertion in
 * tcg_handle_interrupt), so any thread could end the machine. The kernel
 * now sets CR0.NE (kernel/arch/x86_64/cpu.c).
 */

static void x87_fn(l4_word_t arg)
{
    static const uint16_t cw = 0x037b; /* all masked but divide by zero */
    /* 1 / 0 with the exception unmasked, then fwait takes it */
    __asm__ volatile("fldcw %0\n\tfldz\n\tfld1\n\tfdiv %%st(1), %%st\n\tfwait" : : "m"(cw));
}

UTEST(fuzz_x87_exception, "an unmasked x87 divide by zero in user mode comes to the thread's "
                          "fault handler as #MF (CR0.NE)")
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0), reply = ut_new(L4_OBJECT_REPLY, 0);
    UT_ASSERT(ep && reply);
    UT_ASSERT(ut_thread_faulting(x87_fn, 0, PRIO, ep));
    l4_word_t badge = 0;
    l4_msginfo_t info = 0;
    UT_OK(l4_recv(ep, reply, &badge, &info));
    UT_EQ(l4_msginfo_get_label(info), L4_FAULT_LABEL_EXCEPTION);
    UT_EQ(l4_get_mr(L4_FAULT_EXCEPTION_MR_VECTOR), 16);
}
