/* SPDX-License-Identifier: MIT */
/*
 * User-level tests that each thread's segment state is its own: the FS
 * and GS bases its TCB holds and null DS, ES, FS and GS selectors, whatever
 * the thread that ran before it loaded into its segment registers.
 *
 * Thread A and thread B have the same FS base and the same GS base. A
 * loads a null selector into FS and the user data selector into DS, ES
 * and GS (each load also replaces the FS or GS base: null on Intel and
 * QEMU, the descriptor's 0 for user data), then yields straight to B,
 * which reads %fs:0, %gs:0 and its four selectors. A kernel that skipped
 * the base write because B's bases equal the ones it last wrote, or that
 * left selectors alone, gives B A's segment state.
 */
#include "utest.h"

#define PRIO   100
#define CTX(i) (L4_FAULT_EXCEPTION_MR_CONTEXT + (i))
#define UD     6

/* A: ruin its own segment state, mark it done, Yield (syscall number in
 * RBX), ud2. B: record %fs:0, %gs:0, whether A had run, DS ES FS GS, ud2.
 * Neither touches its TLS otherwise. */
__asm__(".pushsection .text\n"
        ".globl tls_thread_a, tls_thread_b\n"
        "tls_thread_a:\n"
        "    xorl %eax, %eax\n"
        "    mov %eax, %fs\n"
        "    movl $0x23, %eax\n"
        "    mov %eax, %ds\n"
        "    mov %eax, %es\n"
        "    mov %eax, %gs\n"
        "    movq $1, tls_a_done(%rip)\n"
        "    movq %rbx, %rax\n"
        "    syscall\n"
        "    ud2\n"
        "tls_thread_b:\n"
        "    movq tls_a_done(%rip), %rax\n"
        "    movq %rax, tls_b_saw_a(%rip)\n"
        "    movq %fs:0, %rax\n"
        "    movq %rax, tls_b_fs(%rip)\n"
        "    movq %gs:0, %rax\n"
        "    movq %rax, tls_b_gs(%rip)\n"
        "    movw %ds, tls_b_sel(%rip)\n"
        "    movw %es, tls_b_sel+2(%rip)\n"
        "    movw %fs, tls_b_sel+4(%rip)\n"
        "    movw %gs, tls_b_sel+6(%rip)\n"
        "    ud2\n"
        ".popsection\n");

extern const char tls_thread_a[], tls_thread_b[];
volatile uint64_t tls_a_done, tls_b_saw_a, tls_b_fs, tls_b_gs;
volatile uint16_t tls_b_sel[4];

static const uint64_t fs_block[2] = {0xf5f5f5f5f5f5f5f5, 0};
static const uint64_t gs_block[2] = {0x6565656565656565, 0};

static void spin_ud2(l4_word_t arg)
{
    (void)arg;
    for (;;)
        __asm__ volatile("ud2");
}

struct waiter {
    l4_cptr_t reply;
    l4_word_t rsp;
};

/* Receive the next fault on ep with reply; its vector (~0 on error). */
static l4_word_t next_fault(l4_cptr_t ep, l4_cptr_t reply, l4_word_t *badge)
{
    l4_msginfo_t info = 0;
    if (l4_recv(ep, reply, badge, &info) != L4_NO_ERROR ||
        l4_msginfo_get_label(info) != L4_FAULT_LABEL_EXCEPTION)
        return ~0ul;
    return l4_get_mr(L4_FAULT_EXCEPTION_MR_VECTOR);
}

/* Resume a thread waiting in its first fault at rip with RBX = rbx and
 * the two TLS bases. */
static l4_error_t restart(struct waiter *w, const void *rip, l4_word_t rbx)
{
    for (unsigned i = CTX(0); i < CTX(L4_USER_CONTEXT_WORDS); i++)
        l4_set_mr(i, 0);
    l4_set_mr(CTX(0), (l4_word_t)rip);
    l4_set_mr(CTX(1), w->rsp);
    l4_set_mr(CTX(2), 0x202);
    l4_set_mr(CTX(4), rbx);
    l4_set_mr(CTX(18), (l4_word_t)fs_block);
    l4_set_mr(CTX(19), (l4_word_t)gs_block);
    return l4_send(w->reply,
                   l4_msginfo_new(L4_FAULT_REPLY_RESUME, 0, 0, CTX(L4_USER_CONTEXT_WORDS)));
}

UTEST(entry_tls_segments_per_thread, "a thread that loads null FS and user-data DS, ES, GS "
                                     "leaves neither selectors nor bases to the next thread with "
                                     "the same FS and GS base: it sees its own TLS")
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0);
    struct waiter a = {ut_new(L4_OBJECT_REPLY, 0), 0}, b = {ut_new(L4_OBJECT_REPLY, 0), 0};
    UT_ASSERT(ep && a.reply && b.reply);
    l4_cptr_t ea = ut_mint(ep, L4_CAP_RIGHTS_ALL, 0xa), eb = ut_mint(ep, L4_CAP_RIGHTS_ALL, 0xb);
    UT_ASSERT(ea && eb);
    tls_a_done = tls_b_saw_a = tls_b_fs = tls_b_gs = 0;
    for (unsigned i = 0; i < 4; i++)
        tls_b_sel[i] = 0xdead;
    UT_ASSERT(ut_thread_faulting(spin_ud2, 0, PRIO, ea));
    l4_word_t badge = 0;
    UT_EQ(next_fault(ep, a.reply, &badge), UD);
    UT_EQ(badge, 0xa);
    a.rsp = (l4_get_mr(CTX(1)) & ~UINT64_C(15)) - 64;
    UT_ASSERT(ut_thread_faulting(spin_ud2, 0, PRIO, eb));
    UT_EQ(next_fault(ep, b.reply, &badge), UD);
    UT_EQ(badge, 0xb);
    b.rsp = (l4_get_mr(CTX(1)) & ~UINT64_C(15)) - 64;
    /* a woken fault sender goes to the head of its queue: B, then A
     * before it, so A runs first and its Yield passes straight to B */
    UT_OK(restart(&b, tls_thread_b, 0));
    UT_OK(restart(&a, tls_thread_a, L4_SYS_YIELD));
    UT_EQ(next_fault(ep, b.reply, &badge), UD);
    UT_EQ(badge, 0xb);
    UT_EQ(tls_b_saw_a, 1); /* A ran first */
    UT_EQ(tls_b_fs, fs_block[0]);
    UT_EQ(tls_b_gs, gs_block[0]);
    UT_EQ(tls_b_sel[0], 0);
    UT_EQ(tls_b_sel[1], 0);
    UT_EQ(tls_b_sel[2], 0);
    UT_EQ(tls_b_sel[3], 0);
    /* A ends in its ud2 after the Yield, its own bases again in place */
    UT_EQ(next_fault(ep, a.reply, &badge), UD);
    UT_EQ(badge, 0xa);
    UT_EQ(l4_get_mr(CTX(18)), (l4_word_t)fs_block);
    UT_EQ(l4_debug_check_invariants(), 0);
}
