/* SPDX-License-Identifier: MIT */
/*
 * User-level tests of the user address limit, user_top = 2^47 - 4096
 * (Linux's TASK_SIZE_MAX).
 *
 * An instruction ending at 2^47 (a syscall, an int3, a single-stepped
 * instruction in the last bytes of the top page) would leave a saved RIP
 * of 0x800000000000, non-canonical, and the kernel's iretq would fault in
 * ring 0. So the top page of the lower half can never be mapped, and no
 * RIP, RSP, FS or GS base at or above user_top can be set from user
 * level: not by WriteRegisters or SetTLSBase (InvalidArgument), not by a
 * fault reply or a foreign-syscall answer (the word is ignored, as every
 * invalid word of a fault reply is, and the thread resumes where it was).
 */
#include "vspace_util.h"

#define PRIO     100
#define TOP_PAGE UINT64_C(0x00007ffffffff000)
#define CTX(i)   (L4_FAULT_EXCEPTION_MR_CONTEXT + (i))
#define UD       6

_Static_assert(L4_USER_TOP == TOP_PAGE, "user_top is the top page of the lower half");

/* Values no thread may have for RIP, RSP, FS or GS base. */
static const l4_word_t beyond[] = {TOP_PAGE,
                                   TOP_PAGE + 0xffe, /* a syscall here would end at 2^47 */
                                   UINT64_C(0x00007fffffffffff),
                                   UINT64_C(0x0000800000000000),
                                   UINT64_C(0xffff800000000000),
                                   ~(l4_word_t)0};
#define NBEYOND (sizeof beyond / sizeof beyond[0])

UTEST(entry_top_page_unmappable, "the top page of the lower half (0x7ffffffff000) cannot be "
                                 "mapped: FrameMap and PageTableMap there are InvalidArgument; "
                                 "the page below it maps")
{
    l4_cptr_t pml4 = ut_new(L4_OBJECT_PML4, 0), pdpt = ut_new(L4_OBJECT_PDPT, 0);
    l4_cptr_t pd = ut_new(L4_OBJECT_PD, 0), pt = ut_new(L4_OBJECT_PT, 0);
    l4_cptr_t pt2 = ut_new(L4_OBJECT_PT, 0), f = ut_new(L4_OBJECT_FRAME_4K, 0);
    l4_cptr_t g = ut_new(L4_OBJECT_FRAME_4K, 0);
    UT_ASSERT(pml4 && pdpt && pd && pt && pt2 && f && g);
    UT_OK(l4_page_table_map(pdpt, pml4, TOP_PAGE - MIB2, NOATTR));
    UT_OK(l4_page_table_map(pd, pml4, TOP_PAGE - MIB2, NOATTR));
    UT_ERR(l4_page_table_map(pt, pml4, TOP_PAGE, NOATTR), L4_INVALID_ARGUMENT);
    UT_EQ(l4_get_mr(0), L4_ARG_PAGE_TABLE_MAP_VADDR);
    UT_OK(l4_page_table_map(pt, pml4, TOP_PAGE - KIB4, NOATTR));
    UT_ERR(l4_page_table_map(pt2, pml4, TOP_PAGE, NOATTR), L4_INVALID_ARGUMENT);
    for (unsigned i = 0; i < NBEYOND; i++) {
        UT_ERR(l4_frame_map(f, pml4, beyond[i] & ~(KIB4 - 1), RW, NOATTR), L4_INVALID_ARGUMENT);
        UT_EQ(l4_get_mr(0), L4_ARG_FRAME_MAP_VADDR);
    }
    /* nor in the root task's space, where the stack's page table covers it */
    UT_ERR(l4_frame_map(f, VS, TOP_PAGE, RW | L4_VM_RIGHTS_EXECUTE, NOATTR), L4_INVALID_ARGUMENT);
    UT_OK(l4_frame_map(g, pml4, TOP_PAGE - KIB4, RW, NOATTR));
    UT_OK(l4_frame_map(f, pml4, TOP_PAGE - 2 * KIB4, RW, NOATTR));
    UT_EQ(l4_debug_check_invariants(), 0);
}

UTEST(entry_top_registers_refused, "WriteRegisters with RIP, RSP, FS or GS base in the top page, "
                                   "at 2^47 or non-canonical, and SetTLSBase there, are "
                                   "InvalidArgument and change nothing")
{
    l4_cptr_t t = ut_new(L4_OBJECT_TCB, 0);
    UT_ASSERT(t);
    struct l4_user_context good = {0}, bad, r = {0};
    good.rip = 0x401000;
    good.rsp = TOP_PAGE - 8;
    good.rflags = 0x202;
    good.fs_base = good.gs_base = TOP_PAGE - 1;
    UT_OK(l4_tcb_write_registers(t, false, L4_USER_CONTEXT_WORDS, &good));
    static const unsigned word[] = {0, 1, 18, 19}; /* rip, rsp, fs_base, gs_base */
    for (unsigned w = 0; w < 4; w++)
        for (unsigned v = 0; v < NBEYOND; v++) {
            bad = good;
            l4_user_context_set_word(&bad, word[w], beyond[v]);
            UT_ERR(l4_tcb_write_registers(t, false, L4_USER_CONTEXT_WORDS, &bad),
                   L4_INVALID_ARGUMENT);
            UT_EQ(l4_get_mr(0), L4_ARG_TCB_WRITE_REGISTERS_REGS);
            /* also as the only word written */
            if (w == 0)
                UT_ERR(l4_tcb_write_registers(t, false, 1, &bad), L4_INVALID_ARGUMENT);
        }
    for (unsigned v = 0; v < NBEYOND; v++)
        UT_ERR(l4_tcb_set_tls_base(t, beyond[v]), L4_INVALID_ARGUMENT);
    UT_OK(l4_tcb_read_registers(t, false, L4_USER_CONTEXT_WORDS, &r));
    for (unsigned i = 0; i < L4_USER_CONTEXT_WORDS; i++)
        UT_EQ(l4_user_context_get_word(&r, i), l4_user_context_get_word(&good, i));
}

static void spin_ud2(l4_word_t arg)
{
    (void)arg;
    for (;;)
        __asm__ volatile("ud2");
}

UTEST(entry_top_fault_reply_rip_ignored, "a fault reply with RIP or RSP in the top page or "
                                         "beyond ignores that word: the thread resumes at its "
                                         "own RIP (and faults there again)")
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0), reply = ut_new(L4_OBJECT_REPLY, 0);
    UT_ASSERT(ep && reply && ut_thread_faulting(spin_ud2, 0, PRIO, ep));
    l4_word_t badge;
    l4_msginfo_t info = 0;
    UT_OK(l4_recv(ep, reply, &badge, &info));
    UT_EQ(l4_msginfo_get_label(info), L4_FAULT_LABEL_EXCEPTION);
    UT_EQ(l4_get_mr(L4_FAULT_EXCEPTION_MR_VECTOR), UD);
    l4_word_t rip = l4_get_mr(CTX(0)), rsp = l4_get_mr(CTX(1));
    for (unsigned w = 0; w < 2; w++)
        for (unsigned v = 0; v < NBEYOND; v++) {
            l4_set_mr(CTX(0), w == 0 ? beyond[v] : rip);
            l4_set_mr(CTX(1), w == 1 ? beyond[v] : rsp);
            UT_OK(l4_send(reply, l4_msginfo_new(L4_FAULT_REPLY_RESUME, 0, 0, CTX(1) + 1)));
            UT_OK(l4_recv(ep, reply, &badge, &info));
            UT_EQ(l4_msginfo_get_label(info), L4_FAULT_LABEL_EXCEPTION);
            UT_EQ(l4_get_mr(L4_FAULT_EXCEPTION_MR_VECTOR), UD);
            UT_EQ(l4_get_mr(CTX(0)), rip);
            UT_EQ(l4_get_mr(CTX(1)), rsp);
        }
    UT_EQ(l4_debug_check_invariants(), 0);
}

/* Two foreign (Linux-style) syscalls, then park in ud2. */
static void foreign_twice(l4_word_t arg)
{
    (void)arg;
    for (unsigned i = 0; i < 2; i++)
        __asm__ volatile("syscall" : : "a"(39) : "rcx", "r11", "memory");
    spin_ud2(0);
}

UTEST(entry_top_foreign_answer_rip_ignored, "an answer to a foreign syscall whose RIP word lies in "
                                            "the top page is ignored there: the thread runs on "
                                            "after its syscall")
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0), reply = ut_new(L4_OBJECT_REPLY, 0);
    UT_ASSERT(ep && reply);
    l4_cptr_t t = ut_thread_faulting(foreign_twice, 0, PRIO, ep);
    UT_ASSERT(t);
    UT_OK(l4_tcb_set_foreign_abi(t, 1));
    l4_word_t badge;
    l4_msginfo_t info = 0;
    UT_OK(l4_recv(ep, reply, &badge, &info));
    UT_EQ(l4_msginfo_get_label(info), L4_FAULT_LABEL_SYSCALL);
    l4_word_t rip = l4_get_mr(L4_FAULT_SYSCALL_MR_RIP);
    UT_EQ(*(const volatile uint16_t *)(rip - 2), 0x050f);
    /* echo every word back, RIP moved to the end of the top page */
    l4_set_mr(L4_FAULT_SYSCALL_MR_RIP, TOP_PAGE + 0xffe);
    UT_OK(l4_send(reply, l4_msginfo_new(L4_FAULT_REPLY_RESUME, 0, 0, L4_FAULT_SYSCALL_LENGTH)));
    UT_OK(l4_recv(ep, reply, &badge, &info));
    UT_EQ(l4_msginfo_get_label(info), L4_FAULT_LABEL_SYSCALL); /* the second syscall */
    l4_word_t rip2 = l4_get_mr(L4_FAULT_SYSCALL_MR_RIP);
    UT_ASSERT(rip2 >= rip && rip2 < rip + 64);
    UT_EQ(*(const volatile uint16_t *)(rip2 - 2), 0x050f);
    UT_EQ(l4_debug_check_invariants(), 0);
}
