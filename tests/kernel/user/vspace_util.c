/* SPDX-License-Identifier: MIT */
/*
 * Shared helpers of the address-space tests (see vspace_util.h).
 *
 * Probe threads run at PRIO, below the test (255), so they run only while
 * the test waits for their report: the test receives on an endpoint that
 * is also the thread's fault endpoint, and gets either the thread's own
 * message (label PROBE_DONE, the value read) or its fault.
 */
#include <l4/vspace.h>
#include "vspace_util.h"

#define PRIO       100
#define PROBE_DONE 0xd0e

/* libl4's address-space helper makes and maps the three; a table already
 * mapped there (not this call's) would be left out, which fails the test. */
void vs_tables(l4_cptr_t vspace, uint64_t va, struct vs_tables *t)
{
    struct l4_vspace vs;
    struct l4_vspace_table made[3];
    l4_vspace_init(&vs, vspace, ut_untyped_alloc(), made, 3, NULL, 0);
    *t = (struct vs_tables){0};
    UT_OK(l4_vspace_map_tables(&vs, va));
    t->pdpt = l4_vspace_table(&vs, L4_VSPACE_PDPT, va);
    t->pd = l4_vspace_table(&vs, L4_VSPACE_PD, va);
    t->pt = l4_vspace_table(&vs, L4_VSPACE_PT, va);
    UT_ASSERT(t->pdpt && t->pd && t->pt);
}

l4_cptr_t vs_frame(l4_cptr_t vspace, uint64_t va, l4_vm_rights_t rights)
{
    l4_cptr_t f = ut_new(L4_OBJECT_FRAME_4K, 0);
    if (!f)
        return 0;
    l4_error_t e = l4_frame_map(f, vspace, va, rights, NOATTR);
    if (e != L4_NO_ERROR) {
        ut_fail(__FILE__, __LINE__, "FrameMap at %#lx: %s", (unsigned long)va, l4_error_name(e));
        return 0;
    }
    return f;
}

/* --- probes ------------------------------------------------------------------------- */

static volatile l4_word_t probe_addr, probe_value;
static volatile enum vs_op probe_op;

static void probe_fn(l4_word_t ep)
{
    l4_word_t v = 0;
    if (probe_op == VS_WRITE)
        *(volatile l4_word_t *)probe_addr = probe_value;
    else if (probe_op == VS_EXEC)
        ((void (*)(void))probe_addr)();
    else
        v = *(volatile l4_word_t *)probe_addr;
    l4_word_t mrs[L4_MSG_REGISTERS] = {v};
    l4_send_mrs(ep, l4_msginfo_new(PROBE_DONE, 0, 0, 1), mrs);
}

struct vs_probe vs_probe(enum vs_op op, uint64_t addr, l4_word_t value)
{
    struct vs_probe r = {.status = L4_ILLEGAL_OPERATION};
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0), reply = ut_new(L4_OBJECT_REPLY, 0);
    if (!ep || !reply)
        return r;
    probe_op = op;
    probe_addr = addr;
    probe_value = value;
    if (!ut_thread_faulting(probe_fn, ep, PRIO, ep))
        return r;
    l4_word_t badge = 0;
    l4_msginfo_t info = 0;
    r.status = l4_recv(ep, reply, &badge, &info);
    if (l4_msginfo_get_label(info) == L4_FAULT_LABEL_EXCEPTION) {
        /* left waiting for an answer: destroyed with the test's untyped */
        r.faulted = 1;
        r.vector = l4_get_mr(L4_FAULT_EXCEPTION_MR_VECTOR);
        r.error = l4_get_mr(L4_FAULT_EXCEPTION_MR_ERROR_CODE);
        r.address = l4_get_mr(L4_FAULT_EXCEPTION_MR_ADDRESS);
    } else if (l4_msginfo_get_label(info) == PROBE_DONE) {
        r.value = l4_get_mr(0);
    } else if (r.status == L4_NO_ERROR) {
        r.status = L4_ILLEGAL_OPERATION;
    }
    return r;
}

/* --- a thread the kernel suspends ---------------------------------------------------- */

static volatile int touched;

static void touch_fn(l4_word_t addr)
{
    (void)*(volatile l4_word_t *)addr;
    touched = 1;
}

int vs_touch_suspends(uint64_t addr)
{
    touched = 0;
    l4_cptr_t t = ut_thread(touch_fn, addr, PRIO);
    /* once the priority-1 settle thread runs, t is blocked or suspended */
    if (!t || !ut_settle_once())
        return 0;
    struct l4_user_context c = {0};
    if (l4_tcb_read_registers(t, false, 1, &c) != L4_NO_ERROR)
        return 0;
    l4_word_t rip = l4_user_context_get_word(&c, 0);
    return !touched && rip >= (l4_word_t)touch_fn && rip < (l4_word_t)touch_fn + 32;
}
