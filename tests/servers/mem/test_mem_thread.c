/* SPDX-License-Identifier: MIT */
/*
 * The memory server's threads and objects, and the memory effects of
 * mappings: a foreign-ABI thread made by ThreadCreate runs code the
 * harness (as the guest kernel) wrote through its window into a
 * pseudo-physical page, reads and writes another, and its syscalls and
 * faults reach the guest's endpoint with the badge it chose (harness.h).
 */
#include <string.h>
#include "harness.h"
#include "vspace_util.h"

#define CODE_VA  UINT64_C(0x400000)
#define DATA_VA  UINT64_C(0x600000)
#define CODE_PFN 3
#define DATA_PFN 4
#define BADGE    0x77

/* Code: rax = [DATA_VA]; syscall; or [DATA_VA] = value; syscall. */
static void write_code(int store, l4_word_t value)
{
    uint8_t code[32], *p = code;
    if (store) {
        *p++ = 0x48; /* mov rax, imm64 */
        *p++ = 0xb8;
        memcpy(p, &value, 8);
        p += 8;
        *p++ = 0x48; /* mov [moffs64], rax */
        *p++ = 0xa3;
    } else {
        *p++ = 0x48; /* mov rax, [moffs64] */
        *p++ = 0xa1;
    }
    l4_word_t a = DATA_VA;
    memcpy(p, &a, 8);
    p += 8;
    *p++ = 0x0f; /* syscall */
    *p++ = 0x05;
    *p++ = 0xeb; /* jmp . */
    *p++ = 0xfe;
    volatile uint8_t *page = (volatile uint8_t *)MH_PAGE(CODE_PFN);
    for (unsigned i = 0; i < (unsigned)(p - code); i++)
        page[i] = code[i];
}

/* Start tcb at CODE_VA and wait for its fault message on ep. */
static l4_word_t run(l4_cptr_t tcb, l4_cptr_t ep, l4_cptr_t reply, l4_word_t *label)
{
    struct l4_user_context ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.rip = CODE_VA;
    ctx.rsp = DATA_VA + 4096;
    ctx.rflags = 0x202;
    l4_error_t e = l4_tcb_write_registers(tcb, true, L4_USER_CONTEXT_WORDS, &ctx);
    if (e != L4_NO_ERROR)
        return ~(l4_word_t)0;
    l4_word_t badge = 0;
    l4_msginfo_t info;
    if (l4_recv(ep, reply, &badge, &info) != L4_NO_ERROR)
        return ~(l4_word_t)0;
    *label = l4_msginfo_get_label(info);
    return badge;
}

UTEST(mem_thread_runs, "mem: a foreign-ABI thread in a guest space runs the guest's page, reads "
                       "and writes its mapped pages, and its syscalls and faults reach the guest's "
                       "endpoint with the chosen badge")
{
    UT_ASSERT(mh_start());
    UT_ASSERT(mh_compartment(0, 18, 4, 2, 100));
    l4_cptr_t a = mh.guest[0], fep = ut_new(L4_OBJECT_ENDPOINT, 0);
    l4_cptr_t reply = ut_new(L4_OBJECT_REPLY, 0), tcb = ut_slot();
    l4_word_t s = 0, h = 0, label = 0;
    UT_OK(mem_space_create(a, &s));
    UT_OK(mem_map(a, s, CODE_VA, CODE_PFN, MH_RX));
    UT_OK(mem_map(a, s, DATA_VA, DATA_PFN, MH_RW));
    MH_PAGE(DATA_PFN)[0] = UINT64_C(0x1234567890abcdef);
    write_code(0, 0);
    UT_OK(mem_thread_create(a, s, BADGE, 100, fep, UT_CNODE, tcb, &h));
    UT_EQ(ut_id(tcb), L4_CAP_TCB);
    UT_EQ(run(tcb, fep, reply, &label), BADGE);
    UT_EQ(label, L4_FAULT_LABEL_SYSCALL);
    UT_EQ(l4_get_mr(L4_FAULT_SYSCALL_MR_RAX), UINT64_C(0x1234567890abcdef));
    /* the store reaches the pseudo-physical page */
    UT_OK(l4_tcb_suspend(tcb));
    write_code(1, 0x5ca1ab1e);
    UT_EQ(run(tcb, fep, reply, &label), BADGE);
    UT_EQ(label, L4_FAULT_LABEL_SYSCALL);
    UT_EQ(MH_PAGE(DATA_PFN)[0], 0x5ca1ab1e);
    /* write-protected: the store faults (a page fault to the same endpoint) */
    UT_OK(l4_tcb_suspend(tcb));
    UT_OK(mem_protect(a, s, DATA_VA, MH_R));
    UT_EQ(run(tcb, fep, reply, &label), BADGE);
    UT_EQ(label, L4_FAULT_LABEL_EXCEPTION);
    UT_EQ(l4_get_mr(L4_FAULT_EXCEPTION_MR_VECTOR), 14);
    UT_EQ(l4_get_mr(L4_FAULT_EXCEPTION_MR_ADDRESS), DATA_VA);
    UT_EQ(MH_PAGE(DATA_PFN)[0], 0x5ca1ab1e);
    /* ThreadDestroy: the guest's TCB capability goes */
    UT_OK(mem_thread_destroy(a, h));
    UT_EQ(ut_id(tcb), L4_CAP_NULL);
    UT_ERR(mem_thread_destroy(a, h), MEM_ERROR_BAD_HANDLE);
}

UTEST(mem_thread_limits, "mem: ThreadCreate enforces max_threads, max_priority, a nonzero badge "
                         "and the caller's own spaces; Grant is needed to receive the TCB")
{
    UT_ASSERT(mh_start());
    UT_ASSERT(mh_compartment(0, 19, 4, 2, 100));
    UT_ASSERT(mh_compartment(1, 18, 4, 2, 100));
    l4_cptr_t a = mh.guest[0], fep = ut_new(L4_OBJECT_ENDPOINT, 0);
    l4_word_t s = 0, h0 = 0, h1 = 0, h2 = 0;
    UT_OK(mem_space_create(a, &s));
    UT_ERR(mem_thread_create(a, s, BADGE, 101, fep, UT_CNODE, ut_slot(), &h0), L4_RANGE_ERROR);
    UT_EQ(l4_get_mr(1), 100);
    UT_ERR(mem_thread_create(a, s, 0, 100, fep, UT_CNODE, ut_slot(), &h0), L4_RANGE_ERROR);
    UT_ERR(mem_thread_create(a, s + 1, BADGE, 100, fep, UT_CNODE, ut_slot(), &h0),
           MEM_ERROR_BAD_SPACE);
    UT_ERR(mem_thread_create(mh.guest[1], s, BADGE, 100, fep, UT_CNODE, ut_slot(), &h0),
           MEM_ERROR_BAD_SPACE);
    l4_cptr_t ntfn = ut_new(L4_OBJECT_NOTIFICATION, 0);
    UT_ERR(mem_thread_create(a, s, BADGE, 100, ntfn, UT_CNODE, ut_slot(), &h0),
           L4_INVALID_CAPABILITY);
    UT_EQ(l4_get_mr(0), MEM_ARG_THREAD_CREATE_FAULT_EP);
    l4_cptr_t t0 = ut_slot(), t1 = ut_slot(), t2 = ut_slot();
    UT_OK(mem_thread_create(a, s, BADGE, 100, fep, UT_CNODE, t0, &h0));
    UT_OK(mem_thread_create(a, s, BADGE + 1, 50, fep, UT_CNODE, t1, &h1));
    UT_ERR(mem_thread_create(a, s, BADGE, 100, fep, UT_CNODE, t2, &h2), MEM_ERROR_QUOTA_EXHAUSTED);
    UT_EQ(l4_get_mr(0), MEM_BATCH_ENTRY_QUOTA_THREADS);
    UT_EQ(ut_id(t2), L4_CAP_NULL);
    /* B's threads do not count against A's, A's handles mean nothing to B */
    UT_ERR(mem_thread_destroy(mh.guest[1], h0), MEM_ERROR_BAD_HANDLE);
    UT_OK(mem_thread_destroy(a, h0));
    /* the kit is reused: same handle, no new memory */
    l4_word_t x = 0, rf0 = 0, rf1 = 0;
    UT_OK(mem_info(a, &x, &rf0, &x, &x, &x, &x, &x));
    UT_OK(mem_thread_create(a, s, BADGE, 100, fep, UT_CNODE, t2, &h2));
    UT_EQ(h2, h0);
    UT_OK(mem_info(a, &x, &rf1, &x, &x, &x, &x, &x));
    UT_EQ(rf1, rf0);
    /* without Grant on its capability the guest cannot receive the TCB */
    UT_OK(mem_thread_destroy(a, h2));
    l4_cptr_t nogrant = ut_mint(mh.ep, L4_CAP_RIGHTS_WRITE | L4_CAP_RIGHTS_GRANT_REPLY,
                                L4_PLAT_BADGE_COMPARTMENT(0));
    l4_cptr_t t3 = ut_slot();
    UT_ERR(mem_thread_create(nogrant, s, BADGE, 100, fep, UT_CNODE, t3, &h2), L4_TRUNCATED_MESSAGE);
    UT_EQ(ut_id(t3), L4_CAP_NULL);
    /* SpaceDestroy takes its threads with it */
    UT_OK(mem_space_destroy(a, s));
    UT_EQ(ut_id(t1), L4_CAP_NULL);
    UT_ERR(mem_thread_destroy(a, h1), MEM_ERROR_BAD_HANDLE);
}

UTEST(mem_objects, "mem: ObjectCreate gives the guest an endpoint or notification paid from its "
                   "quota; ObjectDestroy takes every copy back; other types are refused")
{
    UT_ASSERT(mh_start());
    UT_ASSERT(mh_compartment(0, 18, 4, 2, 100));
    l4_cptr_t a = mh.guest[0], e = ut_slot(), n = ut_slot();
    l4_word_t he = 0, hn = 0, x = 0, rf0 = 0, rf1 = 0;
    UT_OK(mem_info(a, &x, &rf0, &x, &x, &x, &x, &x));
    UT_OK(mem_object_create(a, L4_OBJECT_ENDPOINT, UT_CNODE, e, &he));
    UT_OK(mem_object_create(a, L4_OBJECT_NOTIFICATION, UT_CNODE, n, &hn));
    UT_EQ(ut_id(e), L4_CAP_ENDPOINT);
    UT_EQ(ut_id(n), L4_CAP_NOTIFICATION);
    UT_OK(mem_info(a, &x, &rf1, &x, &x, &x, &x, &x));
    UT_ASSERT(rf1 < rf0);
    l4_cptr_t copy = ut_copy(e, L4_CAP_RIGHTS_ALL);
    UT_ASSERT(copy);
    UT_ERR(mem_object_create(a, L4_OBJECT_REPLY, UT_CNODE, ut_slot(), &x), L4_INVALID_ARGUMENT);
    UT_ERR(mem_object_create(a, L4_OBJECT_UNTYPED, UT_CNODE, ut_slot(), &x), L4_INVALID_ARGUMENT);
    UT_ERR(mem_object_destroy(mh.guest[1], he), MEM_ERROR_NO_COMPARTMENT);
    UT_ERR(mem_object_destroy(a, hn + 100), MEM_ERROR_BAD_HANDLE);
    UT_OK(mem_object_destroy(a, he));
    UT_EQ(ut_id(e), L4_CAP_NULL);
    UT_EQ(ut_id(copy), L4_CAP_NULL);
    UT_ERR(mem_object_destroy(a, he), MEM_ERROR_BAD_HANDLE);
    UT_EQ(ut_id(n), L4_CAP_NOTIFICATION);
}
