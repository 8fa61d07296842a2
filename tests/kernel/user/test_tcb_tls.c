/* SPDX-License-Identifier: MIT */
/*
 * User-level tests of a thread's TLS base, its ABI flag, and labels.
 *
 * TCB SetTLSBase (values from user_top up refused; the new FS base seen by
 * %fs: loads of a dedicated thread, also when changed while it was
 * runnable, and on the caller's own TCB at once), SetForeignABI on and
 * off, and invocations of a TCB with labels of other object types (and
 * TCB labels on other objects). The rest of the TCB invocations are in
 * test_tcb.c.
 */
#include <string.h>
#include <l4/rt.h>
#include "utest.h"

#define PRIO      100
#define CTX_WORDS L4_USER_CONTEXT_WORDS
#define ROOT_TCB  L4_ROOT_SLOT_TCB

/* --- SetTLSBase, SetForeignABI -------------------------------------------------------------- */

static struct l4_rt_tls fake_tls[2];
static volatile l4_word_t tls_seen[2];

static l4_word_t fs_user_word(void)
{
    l4_word_t v;
    __asm__ volatile("movq %%fs:%c1, %0" : "=r"(v) : "i"(offsetof(struct l4_rt_tls, user)));
    return v;
}

/* Reads its TLS block's user word through %fs twice, signalling A after
 * each and waiting on B in between. */
static void tls_reader(l4_word_t arg)
{
    tls_seen[0] = fs_user_word();
    l4_signal(UT_ARG_A(arg));
    l4_wait(UT_ARG_B(arg), 0);
    tls_seen[1] = fs_user_word();
    l4_signal(UT_ARG_A(arg));
}

UTEST(tcb_set_tls_base, "SetTLSBase sets the FS base a thread's %fs: loads use; from user_top up "
                        "it is InvalidArgument")
{
    l4_cptr_t n = ut_new(L4_OBJECT_NOTIFICATION, 0), go = ut_new(L4_OBJECT_NOTIFICATION, 0);
    l4_cptr_t spare = ut_new(L4_OBJECT_TCB, 0);
    UT_ASSERT(n && go && spare);
    tls_seen[0] = tls_seen[1] = 0;
    l4_cptr_t t = ut_thread(tls_reader, UT_ARG(0, n, go), PRIO);
    UT_ASSERT(t);
    UT_ERR(l4_tcb_set_tls_base(t, L4_USER_TOP), L4_INVALID_ARGUMENT);
    UT_EQ(l4_get_mr(0), 0);
    UT_ERR(l4_tcb_set_tls_base(t, UINT64_C(0xffff800000000000)), L4_INVALID_ARGUMENT);
    UT_ERR(l4_tcb_set_tls_base(t, ~(l4_word_t)0), L4_INVALID_ARGUMENT);
    struct l4_user_context c;
    UT_OK(l4_tcb_read_registers(t, false, CTX_WORDS, &c));
    const struct l4_rt_tls *real = (const struct l4_rt_tls *)(uintptr_t)c.fs_base;
    UT_ASSERT(real && real->self == real); /* ut_thread gave it its TLS block */
    for (unsigned i = 0; i < 2; i++) {
        fake_tls[i] = *real; /* same IPC buffer, TCB and canary */
        fake_tls[i].user = (void *)(uintptr_t)(i ? 0xb0b : 0xa11ce);
    }
    UT_OK(l4_tcb_set_tls_base(t, (l4_word_t)(uintptr_t)&fake_tls[0]));
    UT_OK(l4_tcb_read_registers(t, false, CTX_WORDS, &c));
    UT_EQ(c.fs_base, (l4_word_t)(uintptr_t)&fake_tls[0]);
    UT_OK(l4_wait(n, 0));
    UT_EQ(tls_seen[0], 0xa11ce);
    /* changed while it is runnable but not running */
    UT_OK(l4_tcb_set_tls_base(t, (l4_word_t)(uintptr_t)&fake_tls[1]));
    UT_OK(l4_signal(go));
    UT_OK(l4_wait(n, 0));
    UT_EQ(tls_seen[1], 0xb0b);
    /* the edges, on a TCB that never runs */
    UT_OK(l4_tcb_set_tls_base(spare, L4_USER_TOP - 1));
    UT_OK(l4_tcb_read_registers(spare, false, CTX_WORDS, &c));
    UT_EQ(c.fs_base, L4_USER_TOP - 1);
    UT_OK(l4_tcb_set_tls_base(spare, 0));
    UT_OK(l4_tcb_read_registers(spare, false, CTX_WORDS, &c));
    UT_EQ(c.fs_base, 0);
}

UTEST(tcb_set_tls_base_self, "SetTLSBase on the caller's own TCB takes effect as the "
                             "invocation returns")
{
    struct l4_rt_tls *real = l4_rt_tls(); /* the runtime's block: FS base points to it */
    void *real_user = real->user;
    fake_tls[0] = *real;
    fake_tls[0].user = (void *)(uintptr_t)0x5e1f;
    /* nothing between the two calls may fail and return: restore first */
    l4_error_t set = l4_tcb_set_tls_base(ROOT_TCB, (l4_word_t)(uintptr_t)&fake_tls[0]);
    l4_word_t seen = fs_user_word();
    l4_error_t restore = l4_tcb_set_tls_base(ROOT_TCB, (l4_word_t)(uintptr_t)real);
    l4_word_t back = fs_user_word();
    UT_OK(set);
    UT_OK(restore);
    UT_EQ(seen, 0x5e1f);
    UT_EQ(back, (l4_word_t)(uintptr_t)real_user);
    UT_ASSERT(l4_rt_tls() == real);
}

UTEST(tcb_set_foreign_abi, "SetForeignABI switches a TCB's ABI flag on and off")
{
    l4_cptr_t t = ut_new(L4_OBJECT_TCB, 0);
    UT_ASSERT(t);
    UT_OK(l4_tcb_set_foreign_abi(t, true));
    UT_OK(l4_tcb_set_foreign_abi(t, true));
    UT_OK(l4_tcb_set_foreign_abi(t, false));
    UT_ERR(l4_tcb_set_foreign_abi(UT_CNODE, true), L4_ILLEGAL_OPERATION);
}

/* --- labels ----------------------------------------------------------------------------------- */

UTEST(tcb_label_of_other_type, "a TCB invoked with another type's label, or a CNode or Untyped "
                               "with a TCB label, is IllegalOperation")
{
    l4_cptr_t t = ut_new(L4_OBJECT_TCB, 0), s = ut_slot();
    UT_ASSERT(t && s);
    UT_ERR(l4_untyped_retype(t, L4_OBJECT_ENDPOINT, 0, UT_CNODE, 0, 0, s, 1), L4_ILLEGAL_OPERATION);
    UT_ERR(l4_cnode_delete(t, s, UT_DEPTH), L4_ILLEGAL_OPERATION);
    UT_ERR(l4_cnode_revoke(t, s, UT_DEPTH), L4_ILLEGAL_OPERATION);
    static const l4_word_t labels[] = {0, L4_LABEL_TCB_SET_FOREIGN_ABI + 1, L4_LABEL_COUNT, 0xffff};
    for (unsigned i = 0; i < sizeof labels / sizeof labels[0]; i++) {
        l4_word_t mrs[L4_MSG_REGISTERS] = {0, 0, 0, 0};
        l4_msginfo_t reply = 0;
        UT_ERR(l4_call_mrs(t, l4_msginfo_new(labels[i], 0, 0, 4), &reply, mrs),
               L4_ILLEGAL_OPERATION);
        UT_EQ(l4_msginfo_get_label(reply), L4_ILLEGAL_OPERATION);
    }
    /* TCB labels on a CNode and an Untyped */
    UT_ERR(l4_tcb_resume(UT_CNODE), L4_ILLEGAL_OPERATION);
    UT_ERR(l4_tcb_suspend(ut_untyped()), L4_ILLEGAL_OPERATION);
    UT_ERR(l4_tcb_set_priority(UT_CNODE, ROOT_TCB, 1), L4_ILLEGAL_OPERATION);
    UT_ERR(l4_tcb_set_tls_base(ut_untyped(), 0x1000), L4_ILLEGAL_OPERATION);
    struct l4_user_context c;
    UT_ERR(l4_tcb_read_registers(UT_CNODE, false, 1, &c), L4_ILLEGAL_OPERATION);
    /* an invocation on an empty slot */
    UT_ERR(l4_tcb_resume(ut_slot()), L4_INVALID_CAPABILITY);
    UT_EQ(ut_id(s), L4_CAP_NULL);
    UT_EQ(ut_id(t), L4_CAP_TCB);
}
