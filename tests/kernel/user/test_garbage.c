/* SPDX-License-Identifier: MIT */
/*
 * Garbage in: a bounded pseudo-random run of Calls with random capability
 * pointers, labels, lengths, message words and extra capabilities. Every
 * Call must come back with an error code the ABI defines, the reply label
 * must carry the status of a decoded invocation, and the task must keep
 * running with its own capabilities intact.
 *
 * Only objects made for this test are ever named: the invoked capability
 * is the test's untyped, an untyped, a CNode or a TCB made from it, an
 * empty slot, or a pointer that does not resolve; extra capabilities come
 * from the same objects plus a notification and an endpoint. So a random
 * CNode operation can only touch slots inside the test's scratch CNode, a
 * random Retype can only fill that CNode, and the TCB can never be
 * configured (no VSpace is in reach) and so never runs. Endpoints,
 * notifications and Reply objects are never invoked: a Call on them is IPC
 * and could block.
 */
#include "utest.h"

#define CALLS     2000
#define OLD_DEBUG 16, 17, 20
#define SEED      UINT64_C(0x7e55e7a0000005ed)

static l4_word_t pick(const l4_word_t *v, unsigned n)
{
    return v[ut_rnd() % n];
}

/* A message word: mostly values an argument decoder treats specially. */
static l4_word_t random_word(const l4_word_t *slots, unsigned nslots)
{
    switch (ut_rnd() % 6) {
    case 0:
        return ut_rnd();
    case 1:
        return ut_rnd() % 70; /* depths, sizes, types, small counts */
    case 2:
        return pick(slots, nslots);
    case 3:
        return UINT64_C(1) << (ut_rnd() % 64);
    case 4:
        return ut_rnd() % 300; /* around the fan-out limit */
    default:
        return 0;
    }
}

UTEST(garbage_calls, "2000 random Calls on the test's objects all return a defined error "
                     "code and leave the task running")
{
    l4_cptr_t ut = ut_untyped();
    l4_cptr_t child = ut_new(L4_OBJECT_UNTYPED, 16), scratch = ut_new(L4_OBJECT_CNODE, 6);
    l4_cptr_t tcb = ut_new(L4_OBJECT_TCB, 0), ntfn = ut_new(L4_OBJECT_NOTIFICATION, 0);
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0), empty = ut_slot();
    UT_ASSERT(child && scratch && tcb && ntfn && ep && empty);

    const l4_word_t invoked[] = {ut, child, scratch, tcb, empty};
    const l4_word_t extra[] = {ut, child, scratch, tcb, ntfn, ep, empty, 0};
    const unsigned ninvoked = sizeof invoked / sizeof invoked[0];
    const unsigned nextra = sizeof extra / sizeof extra[0];
    unsigned histogram[L4_ERROR_COUNT] = {0};
    struct l4_ipc_buffer *ipc = l4_ipc_buffer();

    ut_rnd_seed(SEED);
    for (unsigned i = 0; i < CALLS; i++) {
        l4_cptr_t target;
        switch (ut_rnd() % 8) {
        case 0:
            target =
                ut_rnd() | (UINT64_C(1) << (L4_ROOT_CNODE_RADIX + ut_rnd() % 52)); /* no slot */
            break;
        case 1:
            target = L4_CPTR_NULL;
            break;
        default:
            target = pick(invoked, ninvoked);
        }
        l4_word_t label = ut_rnd() % 4 ? ut_rnd() % (L4_LABEL_COUNT + 2) : ut_rnd();
        l4_msginfo_t info =
            l4_msginfo_new(label, ut_rnd() % 8, ut_rnd() % (L4_MSG_MAX_EXTRA_CAPS + 1), ut_rnd());
        for (unsigned k = 0; k < L4_MSG_MAX_LENGTH; k++)
            ipc->msg[k] = random_word(extra, nextra);
        for (unsigned k = 0; k < L4_MSG_MAX_EXTRA_CAPS; k++)
            ipc->caps_or_badges[k] = pick(extra, nextra);

        l4_msginfo_t reply = 0;
        l4_error_t e = l4_call(target, info, &reply);
        if ((l4_word_t)e >= L4_ERROR_COUNT) {
            ut_fail(__FILE__, __LINE__,
                    "call %u: cptr %#lx, label %#lx, length %lu: status %#lx is no error code", i,
                    (unsigned long)target, (unsigned long)label,
                    (unsigned long)l4_msginfo_get_length(info), (unsigned long)e);
            return;
        }
        histogram[e]++;
        /* a decoded invocation answers with its status as the label */
        if (e != L4_INVALID_CAPABILITY && l4_msginfo_get_label(reply) != (l4_word_t)e) {
            ut_fail(__FILE__, __LINE__, "call %u: status %s but reply label %#lx", i,
                    l4_error_name(e), (unsigned long)l4_msginfo_get_label(reply));
            return;
        }
    }

    l4_printf("# statuses:");
    for (unsigned k = 0; k < L4_ERROR_COUNT; k++)
        if (histogram[k])
            l4_printf(" %s %u", l4_error_name(k), histogram[k]);
    l4_printf("\n");

    /* the test's objects are where they were, and the kernel still works */
    UT_EQ(l4_debug_cap_identify(ut), L4_CAP_UNTYPED);
    UT_EQ(l4_debug_cap_identify(child), L4_CAP_UNTYPED);
    UT_EQ(l4_debug_cap_identify(scratch), L4_CAP_CNODE);
    UT_EQ(l4_debug_cap_identify(tcb), L4_CAP_TCB);
    UT_EQ(l4_debug_cap_identify(ntfn), L4_CAP_NOTIFICATION);
    UT_EQ(l4_debug_cap_identify(ep), L4_CAP_ENDPOINT);
    UT_EQ(l4_debug_cap_identify(L4_ROOT_SLOT_TCB), L4_CAP_TCB);
    UT_EQ(l4_debug_cap_identify(L4_ROOT_SLOT_CNODE), L4_CAP_CNODE);
    l4_cptr_t s = ut_slot();
    UT_OK(l4_cnode_revoke(UT_CNODE, child, UT_DEPTH));
    UT_OK(l4_untyped_retype(child, L4_OBJECT_ENDPOINT, 0, UT_CNODE, 0, 0, s, 1));
    UT_EQ(l4_debug_cap_identify(s), L4_CAP_ENDPOINT);
}

UTEST(garbage_syscalls, "2000 raw syscalls with random numbers and registers return a defined "
                        "status, never block or crash, and leave the kernel consistent")
{
    l4_cptr_t tcb = ut_new(L4_OBJECT_TCB, 0), ntfn = ut_new(L4_OBJECT_NOTIFICATION, 0);
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0), reply = ut_new(L4_OBJECT_REPLY, 0);
    l4_cptr_t cn = ut_new(L4_OBJECT_CNODE, 4), empty = ut_slot();
    UT_ASSERT(tcb && ntfn && ep && reply && cn && empty);
    const l4_word_t caps[] = {tcb, ntfn, ep, reply, cn, empty, 0, ut_untyped()};
    const unsigned ncaps = sizeof caps / sizeof caps[0];
    /* Only syscalls that cannot block the test or stop the machine:
     * NBSend, NBRecv, Yield, DebugCapIdentify, and numbers no syscall has
     * (OLD_DEBUG: 16, 17 and 20, the old uncapped debug calls). */
    const l4_word_t sysnos[] = {
        L4_SYS_NBSEND, L4_SYS_NBRECV, L4_SYS_YIELD, L4_SYS_DEBUG_CAP_IDENTIFY, 0, 8, 15, 21,
        255,           OLD_DEBUG};
    ut_rnd_seed(SEED ^ 0x5ca11);
    for (unsigned i = 0; i < CALLS; i++) {
        l4_word_t sysno =
            ut_rnd() % 4 ? pick(sysnos, sizeof sysnos / sizeof sysnos[0]) : ut_rnd() | 64;
        l4_word_t cptr = ut_rnd() % 5 ? pick(caps, ncaps) : ut_rnd() | (UINT64_C(1) << 40);
        l4_word_t info = ut_rnd() % 3
                             ? l4_msginfo_new(ut_rnd() % 40, 0, ut_rnd() % 4, ut_rnd() % 130)
                             : ut_rnd();
        l4_word_t mr[L4_MSG_REGISTERS] = {random_word(caps, ncaps), random_word(caps, ncaps),
                                          random_word(caps, ncaps), ut_rnd()};
        l4_cptr_t rcptr = ut_rnd() % 2 ? pick(caps, ncaps) : ut_rnd();
        for (unsigned k = 0; k < L4_MSG_MAX_EXTRA_CAPS; k++)
            l4_ipc_buffer()->caps_or_badges[k] = pick(caps, ncaps);
        l4_word_t st = l4_arch_syscall(sysno, &cptr, &info, mr, rcptr);
        l4_word_t limit = sysno == L4_SYS_DEBUG_CAP_IDENTIFY ? L4_CAP_TYPE_COUNT : L4_ERROR_COUNT;
        if (sysno != L4_SYS_YIELD && st >= limit) {
            ut_fail(__FILE__, __LINE__, "syscall %u: number %#lx returned %#lx", i,
                    (unsigned long)sysno, (unsigned long)st);
            return;
        }
        if (sysno >= 8 && sysno != L4_SYS_DEBUG_CAP_IDENTIFY && sysno != L4_SYS_DEBUG_NAME_THREAD &&
            sysno <= 21)
            UT_EQ(st, L4_ILLEGAL_OPERATION);
    }
    UT_EQ(l4_debug_check_invariants(), 0);
    UT_EQ(l4_debug_cap_identify(ep), L4_CAP_ENDPOINT);
    UT_EQ(l4_debug_cap_identify(L4_ROOT_SLOT_CNODE), L4_CAP_CNODE);
}
