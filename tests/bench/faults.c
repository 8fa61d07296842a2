/* SPDX-License-Identifier: MIT */
/*
 * Benchmarks of exception IPC: a page fault served by a pager, and a
 * foreign-ABI syscall served by a handler in another address space.
 *
 * pagefault_pager  A helper thread whose fault endpoint is the root
 *                  thread's reads a page that is not mapped. The root thread,
 *                  the pager, waits in ReplyRecv; it receives the page-fault
 *                  message, maps the page's frame (FrameMap) and answers with
 *                  an empty reply; the read runs again and succeeds. One
 *                  sample: from before the reading instruction until after
 *                  it, in the faulting thread. Between samples the helper
 *                  unmaps the frame (FrameUnmap), outside the timed code, and
 *                  writes a new value, which the next read must return.
 * foreign_null     A helper thread with the foreign ABI (TCB SetForeignABI)
 *                  in the root task's space executes syscall; its fault
 *                  endpoint is served by bench_foreign_handler (remote.S) in
 *                  a second address space, which answers with one word that
 *                  becomes RAX. One sample: from before the syscall until it
 *                  returns, in the foreign thread. The foreign thread cannot
 *                  make a native syscall: its last syscall asks the handler
 *                  to signal the root thread, which waits on a notification.
 */
#include "bench.h"

/* Where the pager maps its page: the root task's PML4 entry 32, away from
 * the image (entry 0) and the stack (entry 255). */
#define PF_VA            UINT64_C(0x0000100000000000)
#define PF_VECTOR        14
#define PAGER_DONE_LABEL 0xd0e

/* What the helper threads leave for the root thread. */
static volatile unsigned helper_errors;
static volatile l4_cptr_t pf_frame;

static void toucher(l4_word_t ep)
{
    uint64_t expected = 0; /* a fresh frame is zero */
    for (unsigned i = 0; i < bench_warmup + bench_iterations; i++) {
        if (l4_frame_unmap(pf_frame) != L4_NO_ERROR)
            helper_errors++;
        struct bench_regs r = {.rdi = PF_VA};
        bench_record(i, bench_timed_touch(&r));
        if (r.rdx != expected)
            helper_errors++;
        expected = i + 1;
        *(volatile uint64_t *)PF_VA = expected;
    }
    l4_send(ep, l4_msginfo_new(PAGER_DONE_LABEL, 0, 0, 0));
}

void bench_pagefault_pager(const char *name)
{
    l4_cptr_t pt[3] = {bench_new(name, L4_OBJECT_PDPT), bench_new(name, L4_OBJECT_PD),
                       bench_new(name, L4_OBJECT_PT)};
    l4_cptr_t ep = bench_new(name, L4_OBJECT_ENDPOINT);
    l4_cptr_t reply = bench_new(name, L4_OBJECT_REPLY);
    pf_frame = bench_new(name, L4_OBJECT_FRAME_4K);
    if (!pt[0] || !pt[1] || !pt[2] || !ep || !reply || !pf_frame)
        return;
    for (unsigned i = 0; i < 3; i++) {
        l4_error_t e = l4_page_table_map(pt[i], L4_ROOT_SLOT_VSPACE, PF_VA, 0);
        if (e != L4_NO_ERROR) {
            bench_fail(name, "PageTableMap failed: %s", l4_error_name(e));
            return;
        }
    }
    helper_errors = 0;
    if (!bench_thread(name, toucher, ep, BENCH_PRIO_HELPER, ep))
        return;

    unsigned faults = 0;
    l4_word_t mrs[L4_MSG_REGISTERS] = {0};
    l4_msginfo_t info = 0;
    l4_error_t e = l4_recv_mrs(ep, reply, 0, &info, mrs);
    while (e == L4_NO_ERROR && l4_msginfo_get_label(info) == L4_FAULT_LABEL_EXCEPTION) {
        if (mrs[L4_FAULT_EXCEPTION_MR_VECTOR] != PF_VECTOR ||
            mrs[L4_FAULT_EXCEPTION_MR_ADDRESS] != PF_VA) {
            bench_fail(name, "unexpected fault: vector %lu at %#lx",
                       (unsigned long)mrs[L4_FAULT_EXCEPTION_MR_VECTOR],
                       (unsigned long)mrs[L4_FAULT_EXCEPTION_MR_ADDRESS]);
            return;
        }
        e = l4_frame_map(pf_frame, L4_ROOT_SLOT_VSPACE, PF_VA,
                         L4_VM_RIGHTS_READ | L4_VM_RIGHTS_WRITE, 0);
        if (e != L4_NO_ERROR) {
            bench_fail(name, "FrameMap failed: %s", l4_error_name(e));
            return;
        }
        faults++;
        e = l4_reply_recv_mrs(ep, l4_msginfo_new(L4_FAULT_REPLY_RESUME, 0, 0, 0), reply, 0, &info,
                              mrs);
    }
    if (e != L4_NO_ERROR || l4_msginfo_get_label(info) != PAGER_DONE_LABEL) {
        bench_fail(name, "the pager received %s, label %#lx", l4_error_name(e),
                   (unsigned long)l4_msginfo_get_label(info));
        return;
    }
    if (faults != bench_warmup + bench_iterations || helper_errors) {
        bench_fail(name, "%u faults for %u reads, %u wrong values or failed unmaps", faults,
                   bench_warmup + bench_iterations, helper_errors);
        return;
    }
    bench_report(name, BENCH_PAIR);
}

/* --- foreign_null -------------------------------------------------------------------- */

/* Linux's getpid: any number is forwarded; the handler answers number + 1. */
#define FOREIGN_NR 39

static void foreign_thread(l4_word_t unused)
{
    for (unsigned i = 0; i < bench_warmup + bench_iterations; i++) {
        struct bench_regs r = {.rax = FOREIGN_NR, .rdi = i};
        bench_record(i, bench_timed_syscall(&r));
        if (r.rax != FOREIGN_NR + 1)
            helper_errors++;
    }
    struct bench_regs done = {.rax = BENCH_FOREIGN_DONE};
    bench_timed_syscall(&done); /* not answered */
}

void bench_foreign_null(const char *name)
{
    struct bench_space remote;
    if (bench_space_remote(name, &remote))
        return;
    l4_cptr_t ep = bench_new(name, L4_OBJECT_ENDPOINT);
    l4_cptr_t reply = bench_new(name, L4_OBJECT_REPLY);
    l4_cptr_t done = bench_new(name, L4_OBJECT_NOTIFICATION);
    if (!ep || !reply || !done ||
        !bench_asm_thread(name, &remote, bench_foreign_handler, reply, ep, done, BENCH_PRIO_HELPER))
        return;
    helper_errors = 0;
    l4_cptr_t t = bench_thread(name, foreign_thread, 0, BENCH_PRIO_HELPER, ep);
    if (!t)
        return;
    /* before it runs: it runs only once this thread waits */
    l4_error_t e = l4_tcb_set_foreign_abi(t, true);
    if (e != L4_NO_ERROR) {
        bench_fail(name, "SetForeignABI failed: %s", l4_error_name(e));
        return;
    }
    e = l4_wait(done, 0);
    if (e != L4_NO_ERROR || helper_errors) {
        bench_fail(name, "Wait returned %s; %u foreign syscalls returned a wrong RAX",
                   l4_error_name(e), helper_errors);
        return;
    }
    bench_report(name, BENCH_PAIR);
}
