/* SPDX-License-Identifier: MIT */
/*
 * Test threads of the user-level kernel tests (see utest.h).
 *
 * ut_thread() takes the next of UT_MAX_THREADS thread records in this
 * program's .bss (IPC buffer, TLS block, stack), makes a TCB from the
 * test's untyped and starts it with l4_rt_thread_start() in the root
 * task's CSpace and VSpace. The IPC buffer's frame is the root task's
 * image frame that covers it. Records are reused by the next test: by
 * then the test's untyped, and every TCB made from it, is gone.
 */
#include <l4/rt.h>
#include "utest_internal.h"

#define STACK_SIZE (16 * 1024)

struct thread_record {
    struct l4_rt_thread t;
    _Alignas(16) unsigned char stack[STACK_SIZE];
};

static struct thread_record records[UT_MAX_THREADS];
static unsigned records_used;

void ut_threads_reset(void)
{
    records_used = 0;
}

l4_cptr_t ut_thread(void (*fn)(l4_word_t arg), l4_word_t arg, uint8_t prio)
{
    return ut_thread_faulting(fn, arg, prio, L4_CPTR_NULL);
}

l4_cptr_t ut_thread_faulting(void (*fn)(l4_word_t arg), l4_word_t arg, uint8_t prio,
                             l4_cptr_t fault_ep)
{
    if (prio == 0) {
        ut_fail(__FILE__, __LINE__, "ut_thread: priority 0 is the runner's watchdog's");
        return 0;
    }
    if (records_used == UT_MAX_THREADS) {
        ut_fail(__FILE__, __LINE__, "ut_thread: more than %d threads in one test", UT_MAX_THREADS);
        return 0;
    }
    struct thread_record *r = &records[records_used];
    l4_cptr_t frame = l4_rt_image_frame(&r->t.ipc_buffer);
    if (frame == L4_CPTR_NULL) {
        ut_fail(__FILE__, __LINE__, "ut_thread: no image frame covers %p",
                (void *)&r->t.ipc_buffer);
        return 0;
    }
    l4_cptr_t tcb = ut_new(L4_OBJECT_TCB, 0);
    if (!tcb)
        return 0;
    records_used++;
    l4_debug_name_thread(tcb, "utest-thread");
    struct l4_rt_thread_config c = {
        .tcb = tcb,
        .cspace = UT_CNODE,
        .vspace = L4_ROOT_SLOT_VSPACE,
        .ipc_frame = frame,
        .authority = L4_ROOT_SLOT_TCB,
        .priority = prio,
        .stack_top = r->stack + sizeof r->stack,
        .fault_ep = fault_ep,
    };
    l4_error_t e = l4_rt_thread_start(&r->t, &c, fn, arg);
    if (e != L4_NO_ERROR) {
        ut_fail(__FILE__, __LINE__, "ut_thread: starting the thread failed: %s (detail %#lx)",
                l4_error_name(e), (unsigned long)l4_get_mr(0));
        return 0;
    }
    return tcb;
}
