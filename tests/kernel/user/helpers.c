/* SPDX-License-Identifier: MIT */
/*
 * Shared helpers of the user-level kernel test files (see utest.h):
 * capability shorthands on root slots, the two settle mechanisms (a
 * priority-1 thread that runs only when every test thread above it is
 * blocked or suspended) and the tests' pseudo-random numbers.
 */
#include "utest.h"

/* --- Capabilities --------------------------------------------------------------- */

l4_cap_type_t ut_id(l4_cptr_t slot)
{
    return l4_debug_cap_identify(slot);
}

l4_cptr_t ut_copy(l4_cptr_t src, l4_cap_rights_t rights)
{
    l4_cptr_t s = ut_slot();
    if (!s || l4_cnode_copy(UT_CNODE, s, UT_DEPTH, UT_CNODE, src, UT_DEPTH, rights) != L4_NO_ERROR)
        return 0;
    return s;
}

l4_cptr_t ut_mint(l4_cptr_t src, l4_cap_rights_t rights, l4_word_t badge)
{
    l4_cptr_t s = ut_slot();
    if (!s ||
        l4_cnode_mint(UT_CNODE, s, UT_DEPTH, UT_CNODE, src, UT_DEPTH, rights, badge) != L4_NO_ERROR)
        return 0;
    return s;
}

l4_error_t ut_invoke(l4_cptr_t obj, l4_word_t label, unsigned ncaps, l4_cptr_t xcap, unsigned len,
                     const l4_word_t *w)
{
    struct l4_ipc_buffer *b = l4_ipc_buffer();
    l4_word_t mrs[L4_MSG_REGISTERS] = {0, 0, 0, 0};
    for (unsigned i = 0; i < len; i++) {
        if (i < L4_MSG_REGISTERS)
            mrs[i] = w[i];
        else
            b->msg[i] = w[i];
    }
    b->caps_or_badges[0] = xcap;
    l4_error_t e = l4_call_mrs(obj, l4_msginfo_new(label, 0, ncaps, len), NULL, mrs);
    for (unsigned i = 0; i < L4_MSG_REGISTERS; i++)
        b->msg[i] = mrs[i]; /* the reply's words, for l4_get_mr() */
    return e;
}

l4_cptr_t ut_retype(l4_cptr_t untyped, l4_object_type_t type, l4_word_t size_bits)
{
    l4_cptr_t s = ut_slot();
    if (!s || l4_untyped_retype(untyped, type, size_bits, UT_CNODE, 0, 0, s, 1) != L4_NO_ERROR)
        return 0;
    return s;
}

l4_error_t ut_delete(l4_cptr_t slot)
{
    return l4_cnode_delete(UT_CNODE, slot, UT_DEPTH);
}

l4_word_t ut_poll_word(l4_cptr_t n)
{
    l4_word_t w = 0;
    return l4_poll(n, &w) == L4_NO_ERROR ? w : ~(l4_word_t)0;
}

/* --- Settling ------------------------------------------------------------------- */

void ut_signal_fn(l4_word_t n)
{
    l4_signal(n);
}

int ut_settle_once(void)
{
    l4_cptr_t n = ut_new(L4_OBJECT_NOTIFICATION, 0);
    l4_word_t w = 0;
    if (!n || !ut_thread(ut_signal_fn, n, 1))
        return 0;
    return l4_wait(n, &w) == L4_NO_ERROR;
}

static l4_cptr_t settle_go, settle_done;

/* At priority 1 this runs only when every test thread above it is blocked
 * or suspended: one signal back (on B) for each signal received (on A). */
static void settle_fn(l4_word_t arg)
{
    for (;;) {
        l4_wait(UT_ARG_A(arg), 0);
        l4_signal(UT_ARG_B(arg));
    }
}

int ut_settle_init(void)
{
    settle_go = ut_new(L4_OBJECT_NOTIFICATION, 0);
    settle_done = ut_new(L4_OBJECT_NOTIFICATION, 0);
    return settle_go && settle_done && ut_thread(settle_fn, UT_ARG(0, settle_go, settle_done), 1);
}

l4_error_t ut_settle(void)
{
    l4_error_t e = l4_signal(settle_go);
    return e != L4_NO_ERROR ? e : l4_wait(settle_done, 0);
}

/* --- Pseudo-random numbers ------------------------------------------------------- */

static uint64_t rng;

void ut_rnd_seed(uint64_t seed)
{
    rng = seed;
}

/* xorshift64* */
uint64_t ut_rnd(void)
{
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return rng * UINT64_C(0x2545f4914f6cdd1d);
}
