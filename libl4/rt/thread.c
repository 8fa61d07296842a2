/* SPDX-License-Identifier: MIT */
/*
 * Threads in the caller's address space (see <l4/rt.h>).
 *
 * Interface: l4_rt_thread_start() configures a fresh TCB with the caller's
 * CSpace and VSpace and the IPC buffer inside a struct l4_rt_thread, sets
 * its priority, and starts it with WriteRegisters: rip = thread_entry,
 * rdi = fn, rsi = arg, rsp = the given stack top minus a zero return
 * address, fs_base = the thread's TLS block. l4_rt_image_frame() names the
 * root task's image frame that backs an address, for the IPC buffer frame.
 */
#include <l4/rt.h>
#include <l4/stubs_gen.h>

#define PAGE_SHIFT 12

/* First code of every thread: run fn, then stop for good. */
static _Noreturn void thread_entry(void (*fn)(l4_word_t), l4_word_t arg)
{
    fn(arg);
    l4_tcb_suspend(l4_rt_tls()->tcb);
    for (;;) /* only if Suspend failed */
        l4_yield();
}

l4_error_t l4_rt_thread_start(struct l4_rt_thread *t, const struct l4_rt_thread_config *c,
                              void (*fn)(l4_word_t), l4_word_t arg)
{
    l4_rt_tls_init(&t->tls, &t->ipc_buffer, c->tcb);
    t->tls.stack_guard = l4_rt_tls()->stack_guard;

    l4_error_t e = l4_tcb_configure(c->tcb, c->fault_ep, c->cspace, 0, c->vspace,
                                    (l4_word_t)&t->ipc_buffer, c->ipc_frame);
    if (e == L4_NO_ERROR)
        e = l4_tcb_set_priority(c->tcb, c->authority, c->priority);
    if (e != L4_NO_ERROR)
        return e;

    /* As if thread_entry had been called: rsp + 8 is 16-byte aligned. */
    l4_word_t *sp = (l4_word_t *)((uintptr_t)c->stack_top & ~(uintptr_t)15);
    *--sp = 0; /* return address: none */
    struct l4_user_context ctx = {0};
    ctx.rip = (l4_word_t)(uintptr_t)thread_entry;
    ctx.rsp = (l4_word_t)(uintptr_t)sp;
    ctx.rdi = (l4_word_t)(uintptr_t)fn;
    ctx.rsi = arg;
    ctx.fs_base = (l4_word_t)(uintptr_t)&t->tls;
    return l4_tcb_write_registers(c->tcb, true, L4_USER_CONTEXT_WORDS, &ctx);
}

l4_cptr_t l4_rt_image_frame(const void *addr)
{
    const struct l4_boot_info *bi = l4_rt_boot_info();
    uintptr_t a = (uintptr_t)addr;
    if (!bi || a < bi->image_base || a >= bi->image_end)
        return L4_CPTR_NULL;
    l4_word_t page = (a >> PAGE_SHIFT) - (bi->image_base >> PAGE_SHIFT);
    if (page >= bi->image_frames.count)
        return L4_CPTR_NULL;
    return bi->image_frames.first + page;
}
