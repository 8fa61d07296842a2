/* SPDX-License-Identifier: MIT */
/*
 * User-level tests of the TCB invocations.
 *
 * Every TCB invocation of libl4/spec/invocations.toml on its success path
 * and with the errors it documents, against the semantics of
 * docs/kernel/threads-and-scheduling.md and docs/kernel/ipc.md: Configure
 * (argument types, IPC buffer alignment, guard), SetPriority and
 * SetMCPriority (the MCP rule, also applied by a thread to itself),
 * ReadRegisters and WriteRegisters (count range, the caller itself, user
 * addresses, short messages, round trips, RFLAGS sanitising, starting a
 * thread at a new RIP), Resume and Suspend (an unconfigured thread, a
 * Recv that restarts, a Call whose reply is cancelled), Bind and
 * UnbindNotification. SetTLSBase, SetForeignABI and foreign labels are in
 * test_tcb_tls.c. Test threads
 * run only while the test (priority 255) is blocked; ut_settle() blocks it
 * until every other thread is blocked or suspended.
 */
#include <string.h>
#include <l4/rt.h>
#include "utest.h"

#define ALL         L4_CAP_RIGHTS_ALL
#define PRIO        100
#define CTX_WORDS   L4_USER_CONTEXT_WORDS
#define VSPACE      L4_ROOT_SLOT_VSPACE
#define ROOT_TCB    L4_ROOT_SLOT_TCB
#define RFLAGS_IF   UINT64_C(0x200)
#define RFLAGS_TF   UINT64_C(0x100)
#define RFLAGS_IOPL UINT64_C(0x3000)
/* CF PF AF ZF SF OF and DF: the only RFLAGS bits a user may set */
#define RFLAGS_ARITH_DF UINT64_C(0xcd5)

/* --- what the test threads saw ----------------------------------------------------- */

static volatile unsigned got_count[4];
static volatile l4_word_t got_status[4], got_badge[4], got_mr0[4], got_info[4];

static void reset_seen(void)
{
    for (unsigned i = 0; i < 4; i++)
        got_count[i] = 0, got_status[i] = got_badge[i] = got_mr0[i] = got_info[i] = ~0ul;
}

/* Receive on endpoint A until an error; record each message. */
static void receiver(l4_word_t arg)
{
    unsigned i = UT_ARG_I(arg);
    l4_error_t e;
    do {
        l4_word_t badge = 0, mrs[L4_MSG_REGISTERS] = {0};
        l4_msginfo_t info = 0;
        e = l4_recv_mrs(UT_ARG_A(arg), L4_CPTR_NULL, &badge, &info, mrs);
        got_status[i] = e;
        got_badge[i] = badge;
        got_info[i] = info;
        got_mr0[i] = mrs[0];
        got_count[i]++;
    } while (e == L4_NO_ERROR);
}

/* Wait on notification A until an error; record each word. */
static void waiter(l4_word_t arg)
{
    unsigned i = UT_ARG_I(arg);
    l4_error_t e;
    do {
        l4_word_t word = 0;
        e = l4_wait(UT_ARG_A(arg), &word);
        got_status[i] = e;
        got_badge[i] = word;
        got_count[i]++;
    } while (e == L4_NO_ERROR);
}

/* Call endpoint A once with MR0 = 0x99; record the result. */
static void caller(l4_word_t arg)
{
    unsigned i = UT_ARG_I(arg);
    l4_word_t mrs[L4_MSG_REGISTERS] = {0x99};
    l4_msginfo_t info = 0;
    got_status[i] = l4_call_mrs(UT_ARG_A(arg), l4_msginfo_new(0, 0, 0, 1), &info, mrs);
    got_mr0[i] = mrs[0];
    got_count[i]++;
}

/* --- a raw TCB configured by the test ------------------------------------------------ */

static struct {
    struct l4_rt_thread t;
    _Alignas(16) unsigned char stack[8192];
} raw;

static l4_word_t raw_ipc_addr(void)
{
    return (l4_word_t)(uintptr_t)&raw.t.ipc_buffer;
}

static l4_cptr_t raw_ipc_frame(void)
{
    return l4_rt_image_frame(&raw.t.ipc_buffer);
}

static l4_error_t raw_configure(l4_cptr_t tcb, l4_cnode_guard_t guard)
{
    return l4_tcb_configure(tcb, L4_CPTR_NULL, UT_CNODE, guard, VSPACE, raw_ipc_addr(),
                            raw_ipc_frame());
}

/* What raw_entry saw; it signals entry_ntfn. */
static volatile l4_word_t entry_rdi, entry_rsi;
static volatile unsigned entry_runs;
static l4_cptr_t entry_ntfn;

/* Entered by WriteRegisters (no return address): record, signal, stop. */
static void raw_entry(l4_word_t a, l4_word_t b)
{
    entry_rdi = a;
    entry_rsi = b;
    entry_runs++;
    l4_signal(entry_ntfn);
    for (;;)
        l4_tcb_suspend(l4_rt_tls()->tcb);
}

/* A context that enters raw_entry(rdi, rsi) on raw's stack with raw's TLS. */
static struct l4_user_context raw_context(l4_cptr_t tcb, l4_word_t rdi, l4_word_t rsi)
{
    l4_rt_tls_init(&raw.t.tls, &raw.t.ipc_buffer, tcb);
    raw.t.tls.stack_guard = l4_rt_tls()->stack_guard;
    l4_word_t *sp = (l4_word_t *)(void *)(raw.stack + sizeof raw.stack);
    *--sp = 0; /* as if called: rsp + 8 is 16-byte aligned */
    struct l4_user_context c;
    memset(&c, 0, sizeof c);
    c.rip = (l4_word_t)(uintptr_t)raw_entry;
    c.rsp = (l4_word_t)(uintptr_t)sp;
    c.rflags = 0x202;
    c.rdi = rdi;
    c.rsi = rsi;
    c.fs_base = (l4_word_t)(uintptr_t)&raw.t.tls;
    return c;
}

/* --- Configure -------------------------------------------------------------------- */

UTEST(tcb_configure_wrong_caps, "Configure with a CSpace, VSpace or IPC frame of the wrong type "
                                "is InvalidCapability naming the argument")
{
    l4_cptr_t t = ut_new(L4_OBJECT_TCB, 0), ep = ut_new(L4_OBJECT_ENDPOINT, 0), empty = ut_slot();
    l4_word_t addr = raw_ipc_addr();
    l4_cptr_t frame = raw_ipc_frame();
    UT_ASSERT(t && ep && empty && frame != L4_CPTR_NULL);
    UT_ERR(l4_tcb_configure(t, 0, ep, 0, VSPACE, addr, frame), L4_INVALID_CAPABILITY);
    UT_EQ(l4_get_mr(0), L4_ARG_TCB_CONFIGURE_CSPACE_ROOT);
    UT_ERR(l4_tcb_configure(t, 0, empty, 0, VSPACE, addr, frame), L4_INVALID_CAPABILITY);
    UT_EQ(l4_get_mr(0), L4_ARG_TCB_CONFIGURE_CSPACE_ROOT);
    UT_ERR(l4_tcb_configure(t, 0, UT_CNODE, 0, UT_CNODE, addr, frame), L4_INVALID_CAPABILITY);
    UT_EQ(l4_get_mr(0), L4_ARG_TCB_CONFIGURE_VSPACE_ROOT);
    UT_ERR(l4_tcb_configure(t, 0, UT_CNODE, 0, ep, addr, frame), L4_INVALID_CAPABILITY);
    UT_EQ(l4_get_mr(0), L4_ARG_TCB_CONFIGURE_VSPACE_ROOT);
    UT_ERR(l4_tcb_configure(t, 0, UT_CNODE, 0, VSPACE, addr, ep), L4_INVALID_CAPABILITY);
    UT_EQ(l4_get_mr(0), L4_ARG_TCB_CONFIGURE_IPC_BUFFER_FRAME);
    UT_ERR(l4_tcb_configure(t, 0, UT_CNODE, 0, VSPACE, addr, VSPACE), L4_INVALID_CAPABILITY);
    UT_EQ(l4_get_mr(0), L4_ARG_TCB_CONFIGURE_IPC_BUFFER_FRAME);
    /* none of them configured anything */
    UT_ERR(l4_tcb_resume(t), L4_ILLEGAL_OPERATION);
}

UTEST(tcb_configure_unaligned, "Configure with an IPC buffer address not 1 KiB aligned is "
                               "AlignmentError")
{
    l4_cptr_t t = ut_new(L4_OBJECT_TCB, 0);
    UT_ASSERT(t);
    static const l4_word_t offsets[] = {8, 512, L4_IPC_BUFFER_SIZE - 1};
    for (unsigned i = 0; i < sizeof offsets / sizeof offsets[0]; i++)
        UT_ERR(l4_tcb_configure(t, 0, UT_CNODE, 0, VSPACE, raw_ipc_addr() + offsets[i],
                                raw_ipc_frame()),
               L4_ALIGNMENT_ERROR);
    UT_ERR(l4_tcb_resume(t), L4_ILLEGAL_OPERATION);
    UT_OK(raw_configure(t, 0));
}

UTEST(tcb_configure_bad_guard, "Configure with a guard longer than the root's radix leaves, or "
                               "wider than its size, is RangeError")
{
    l4_cptr_t t = ut_new(L4_OBJECT_TCB, 0);
    UT_ASSERT(t);
    UT_ERR(raw_configure(t, l4_cnode_guard_new(0, 64 - L4_ROOT_CNODE_RADIX + 1)), L4_RANGE_ERROR);
    UT_ERR(raw_configure(t, l4_cnode_guard_new(8, 3)), L4_RANGE_ERROR);
    UT_ERR(raw_configure(t, l4_cnode_guard_new(UINT64_C(1) << L4_GUARD_BITS, 50)), L4_RANGE_ERROR);
    UT_ERR(l4_tcb_resume(t), L4_ILLEGAL_OPERATION);
}

UTEST(tcb_configure_and_run, "a raw TCB configured with a guard runs at the registers written "
                             "once resumed, not before")
{
    l4_cptr_t t = ut_new(L4_OBJECT_TCB, 0);
    entry_ntfn = ut_new(L4_OBJECT_NOTIFICATION, 0);
    UT_ASSERT(t && entry_ntfn && ut_settle_init());
    entry_runs = 0;
    /* the root CNode's own guard (52 zero bits): slot numbers still work */
    UT_OK(raw_configure(t, l4_cnode_guard_new(0, 64 - L4_ROOT_CNODE_RADIX)));
    UT_OK(l4_tcb_set_priority(t, ROOT_TCB, PRIO));
    struct l4_user_context c = raw_context(t, 0x1234, 0x5678);
    UT_OK(l4_tcb_write_registers(t, false, CTX_WORDS, &c));
    UT_OK(ut_settle());
    UT_EQ(entry_runs, 0); /* written without resume: still inactive */
    UT_OK(l4_tcb_resume(t));
    UT_OK(l4_wait(entry_ntfn, 0));
    UT_EQ(entry_runs, 1);
    UT_EQ(entry_rdi, 0x1234);
    UT_EQ(entry_rsi, 0x5678);
    UT_EQ(l4_debug_check_invariants(), 0);
}

UTEST(tcb_configure_keeps_objects, "a configured TCB keeps its CSpace root alive after the "
                                   "last slot capability to it is deleted")
{
    l4_cptr_t u = ut_new(L4_OBJECT_UNTYPED, 12), cn = ut_slot(), again = ut_slot();
    l4_cptr_t t = ut_new(L4_OBJECT_TCB, 0);
    UT_ASSERT(u && cn && again && t);
    /* a radix-7 CNode takes all 4 KiB of u */
    UT_OK(l4_untyped_retype(u, L4_OBJECT_CNODE, 7, UT_CNODE, 0, 0, cn, 1));
    UT_OK(l4_tcb_configure(t, 0, cn, l4_cnode_guard_new(0, 64 - 7), VSPACE, raw_ipc_addr(),
                           raw_ipc_frame()));
    UT_OK(l4_cnode_delete(UT_CNODE, cn, UT_DEPTH));
    UT_EQ(ut_id(cn), L4_CAP_NULL);
    /* the TCB's copy still holds the CNode: u is full */
    UT_ERR(l4_untyped_retype(u, L4_OBJECT_CNODE, 7, UT_CNODE, 0, 0, again, 1),
           L4_NOT_ENOUGH_MEMORY);
    UT_OK(l4_cnode_delete(UT_CNODE, t, UT_DEPTH));
    UT_OK(l4_untyped_retype(u, L4_OBJECT_CNODE, 7, UT_CNODE, 0, 0, again, 1));
    UT_EQ(l4_debug_check_invariants(), 0);
}

/* --- Resume and Suspend --------------------------------------------------------------- */

UTEST(tcb_resume_unconfigured, "Resume, or WriteRegisters with resume, of an unconfigured TCB is "
                               "IllegalOperation")
{
    l4_cptr_t t = ut_new(L4_OBJECT_TCB, 0);
    UT_ASSERT(t);
    UT_ERR(l4_tcb_resume(t), L4_ILLEGAL_OPERATION);
    struct l4_user_context c = raw_context(t, 1, 2);
    UT_ERR(l4_tcb_write_registers(t, true, CTX_WORDS, &c), L4_ILLEGAL_OPERATION);
    UT_OK(l4_tcb_write_registers(t, false, CTX_WORDS, &c));
    UT_OK(l4_tcb_suspend(t)); /* suspending an inactive thread is fine */
    UT_ERR(l4_tcb_resume(t), L4_ILLEGAL_OPERATION);
    UT_EQ(l4_debug_check_invariants(), 0);
}

UTEST(tcb_suspend_recv_restarts, "Suspend takes a thread out of its Recv (RIP back on the "
                                 "syscall); after Resume the Recv runs again")
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0);
    UT_ASSERT(ep && ut_settle_init());
    l4_cptr_t b = ut_mint(ep, ALL, 5);
    UT_ASSERT(b);
    reset_seen();
    l4_cptr_t r = ut_thread(receiver, UT_ARG(0, ep, 0), PRIO);
    UT_ASSERT(r);
    UT_OK(ut_settle());
    UT_EQ(got_count[0], 0);
    UT_OK(l4_tcb_suspend(r));
    UT_EQ(l4_debug_check_invariants(), 0);
    /* out of the queue: an NBSend finds no receiver and is dropped */
    l4_word_t mrs[L4_MSG_REGISTERS] = {0x11};
    UT_OK(l4_nbsend_mrs(b, l4_msginfo_new(0, 0, 0, 1), mrs));
    struct l4_user_context c;
    UT_OK(l4_tcb_read_registers(r, false, 1, &c));
    const volatile unsigned char *ip = (const volatile unsigned char *)(uintptr_t)c.rip;
    UT_EQ(ip[0], 0x0f); /* syscall */
    UT_EQ(ip[1], 0x05);
    UT_OK(ut_settle());
    UT_EQ(got_count[0], 0);
    UT_OK(l4_tcb_resume(r));
    UT_OK(ut_settle());
    UT_EQ(got_count[0], 0); /* receiving again; the dropped message is gone */
    mrs[0] = 0x77;
    UT_OK(l4_send_mrs(b, l4_msginfo_new(0, 0, 0, 1), mrs)); /* the receiver is waiting */
    UT_OK(ut_settle());
    UT_EQ(got_count[0], 1);
    UT_EQ(got_status[0], L4_NO_ERROR);
    UT_EQ(got_badge[0], 5);
    UT_EQ(got_mr0[0], 0x77);
    UT_EQ(l4_debug_check_invariants(), 0);
}

UTEST(tcb_suspend_caller_cancelled, "a caller suspended while it waits for its reply is unbound; "
                                    "its Call returns Cancelled when resumed")
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0), reply = ut_new(L4_OBJECT_REPLY, 0);
    UT_ASSERT(ep && reply && ut_settle_init());
    reset_seen();
    l4_cptr_t c = ut_thread(caller, UT_ARG(0, ep, 0), PRIO);
    UT_ASSERT(c);
    UT_OK(ut_settle());
    l4_word_t badge = 1;
    l4_msginfo_t info = 0;
    UT_OK(l4_recv(ep, reply, &badge, &info));
    UT_EQ(l4_get_mr(0), 0x99);
    UT_EQ(l4_msginfo_get_length(info), 1);
    UT_OK(l4_tcb_suspend(c));
    UT_EQ(l4_debug_check_invariants(), 0);
    /* the Reply object owes nothing any more */
    UT_ERR(l4_send(reply, l4_msginfo_new(0, 0, 0, 0)), L4_ILLEGAL_OPERATION);
    UT_OK(ut_settle());
    UT_EQ(got_count[0], 0);
    UT_OK(l4_tcb_resume(c));
    UT_OK(ut_settle());
    UT_EQ(got_count[0], 1);
    UT_EQ(got_status[0], L4_CANCELLED);
}

UTEST(tcb_resume_blocked_no_effect, "Resume of a thread blocked on a notification leaves it "
                                    "blocked until a signal")
{
    l4_cptr_t n = ut_new(L4_OBJECT_NOTIFICATION, 0);
    UT_ASSERT(n && ut_settle_init());
    l4_cptr_t b = ut_mint(n, ALL, 3);
    UT_ASSERT(b);
    reset_seen();
    l4_cptr_t w = ut_thread(waiter, UT_ARG(0, n, 0), PRIO);
    UT_ASSERT(w);
    UT_OK(ut_settle());
    UT_OK(l4_tcb_resume(w));
    UT_OK(ut_settle());
    UT_EQ(got_count[0], 0);
    UT_EQ(l4_debug_check_invariants(), 0);
    UT_OK(l4_signal(b));
    UT_OK(ut_settle());
    UT_EQ(got_count[0], 1);
    UT_EQ(got_badge[0], 3);
}

UTEST(tcb_read_registers_suspends, "ReadRegisters with suspend_source stops a blocked thread: a "
                                   "signal waits for its Resume")
{
    l4_cptr_t n = ut_new(L4_OBJECT_NOTIFICATION, 0);
    UT_ASSERT(n && ut_settle_init());
    l4_cptr_t b = ut_mint(n, ALL, 0x40);
    UT_ASSERT(b);
    reset_seen();
    l4_cptr_t w = ut_thread(waiter, UT_ARG(0, n, 0), PRIO);
    UT_ASSERT(w);
    UT_OK(ut_settle());
    struct l4_user_context c;
    UT_OK(l4_tcb_read_registers(w, true, CTX_WORDS, &c));
    UT_EQ(l4_debug_check_invariants(), 0);
    UT_OK(l4_signal(b)); /* no waiter: the signal stays pending */
    UT_OK(ut_settle());
    UT_EQ(got_count[0], 0);
    UT_OK(l4_tcb_resume(w)); /* its Wait runs again and takes it */
    UT_OK(ut_settle());
    UT_EQ(got_count[0], 1);
    UT_EQ(got_badge[0], 0x40);
    l4_word_t word = 1;
    UT_OK(l4_poll(n, &word));
    UT_EQ(word, 0);
}

/* --- SetPriority and SetMCPriority ---------------------------------------------------- */

UTEST(tcb_priority_mcp_bound, "SetPriority and SetMCPriority above the authority's MCP are "
                              "RangeError (detail 0, MCP), the priority word taken whole "
                              "(0x100 is not 0)")
{
    l4_cptr_t a = ut_new(L4_OBJECT_TCB, 0), t = ut_new(L4_OBJECT_TCB, 0);
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0);
    UT_ASSERT(a && t && ep);
    UT_OK(l4_tcb_set_mc_priority(a, ROOT_TCB, 50));
    UT_ERR(l4_tcb_set_priority(t, a, 60), L4_RANGE_ERROR);
    UT_EQ(l4_get_mr(0), 0);
    UT_EQ(l4_get_mr(1), 50);
    UT_ERR(l4_tcb_set_priority(t, a, 51), L4_RANGE_ERROR);
    UT_ERR(l4_tcb_set_mc_priority(t, a, 51), L4_RANGE_ERROR);
    UT_EQ(l4_get_mr(1), 50);
    UT_ERR(l4_tcb_set_priority(a, a, 60), L4_RANGE_ERROR); /* not even itself */
    UT_ERR(l4_tcb_set_mc_priority(a, a, 60), L4_RANGE_ERROR);
    /* the whole word: 0x100 is not priority 0 */
    static const l4_word_t wide[] = {0x100, 0x100 + 50, UINT64_C(1) << 32, ~UINT64_C(0)};
    for (unsigned i = 0; i < sizeof wide / sizeof wide[0]; i++) {
        l4_word_t w[1] = {[L4_MR_TCB_SET_PRIORITY_PRIORITY] = wide[i]};
        UT_ERR(ut_invoke(t, L4_LABEL_TCB_SET_PRIORITY, 1, a, 1, w), L4_RANGE_ERROR);
        UT_EQ(l4_get_mr(1), 50);
        UT_ERR(ut_invoke(t, L4_LABEL_TCB_SET_MC_PRIORITY, 1, a, 1, w), L4_RANGE_ERROR);
        UT_EQ(l4_get_mr(1), 50);
        UT_ERR(ut_invoke(t, L4_LABEL_TCB_SET_PRIORITY, 1, ROOT_TCB, 1, w), L4_RANGE_ERROR);
        UT_EQ(l4_get_mr(1), L4_MAX_PRIORITY);
    }
    UT_OK(l4_tcb_set_priority(t, a, 50));
    UT_OK(l4_tcb_set_priority(t, a, 0));
    UT_OK(l4_tcb_set_mc_priority(t, a, 50));
    UT_OK(l4_tcb_set_priority(a, a, 50));
    /* with the root's MCP (255) anything goes */
    UT_OK(l4_tcb_set_priority(t, ROOT_TCB, L4_MAX_PRIORITY));
    UT_OK(l4_tcb_set_mc_priority(t, ROOT_TCB, L4_MAX_PRIORITY));
    UT_OK(l4_tcb_set_priority(t, t, L4_MAX_PRIORITY));
    /* lowering a's MCP lowers what it may grant */
    UT_OK(l4_tcb_set_mc_priority(a, a, 10));
    UT_ERR(l4_tcb_set_priority(t, a, 11), L4_RANGE_ERROR);
    UT_EQ(l4_get_mr(1), 10);
    /* the authority must be a TCB */
    UT_ERR(l4_tcb_set_priority(t, ep, 1), L4_INVALID_CAPABILITY);
    UT_ERR(l4_tcb_set_mc_priority(t, UT_CNODE, 1), L4_INVALID_CAPABILITY);
    UT_ERR(l4_tcb_set_priority(t, ut_slot(), 1), L4_INVALID_CAPABILITY);
}

static volatile l4_word_t mcp_result[8];

/* Runs with MCP 50 (given by the test): what may it do with its own authority? */
static void mcp_self(l4_word_t arg)
{
    l4_cptr_t self = l4_rt_tls()->tcb, other = UT_ARG_A(arg);
    mcp_result[0] = l4_tcb_set_priority(self, self, 60);
    mcp_result[1] = l4_get_mr(1);
    mcp_result[2] = l4_tcb_set_mc_priority(self, self, 60);
    mcp_result[3] = l4_tcb_set_priority(other, self, 60);
    mcp_result[4] = l4_tcb_set_priority(self, self, 50);
    mcp_result[5] = l4_tcb_set_priority(other, self, 45);
    mcp_result[6] = l4_tcb_set_mc_priority(self, self, 30);
    mcp_result[7] = l4_tcb_set_priority(self, self, 31);
    l4_signal(UT_ARG_B(arg));
}

UTEST(tcb_mcp_rule_itself, "a thread whose MCP is 50 cannot give anyone priority 60, even "
                           "itself, but can give 50 and lower")
{
    l4_cptr_t other = ut_new(L4_OBJECT_TCB, 0), n = ut_new(L4_OBJECT_NOTIFICATION, 0);
    UT_ASSERT(other && n);
    for (unsigned i = 0; i < 8; i++)
        mcp_result[i] = ~0ul;
    l4_cptr_t t = ut_thread(mcp_self, UT_ARG(0, other, n), 40);
    UT_ASSERT(t);
    UT_OK(l4_tcb_set_mc_priority(t, ROOT_TCB, 50)); /* before it runs */
    UT_OK(l4_wait(n, 0));
    UT_EQ(mcp_result[0], L4_RANGE_ERROR);
    UT_EQ(mcp_result[1], 50);
    UT_EQ(mcp_result[2], L4_RANGE_ERROR);
    UT_EQ(mcp_result[3], L4_RANGE_ERROR);
    UT_EQ(mcp_result[4], L4_NO_ERROR);
    UT_EQ(mcp_result[5], L4_NO_ERROR);
    UT_EQ(mcp_result[6], L4_NO_ERROR);
    UT_EQ(mcp_result[7], L4_RANGE_ERROR);
}

/* --- ReadRegisters and WriteRegisters --------------------------------------------------- */

UTEST(tcb_registers_count_range, "Read/WriteRegisters with count 0 or 21 are RangeError "
                                 "(detail 1, 20)")
{
    l4_cptr_t t = ut_new(L4_OBJECT_TCB, 0);
    UT_ASSERT(t);
    struct l4_user_context c;
    memset(&c, 0, sizeof c);
    UT_ERR(l4_tcb_read_registers(t, false, 0, &c), L4_RANGE_ERROR);
    UT_EQ(l4_get_mr(0), 1);
    UT_EQ(l4_get_mr(1), CTX_WORDS);
    UT_ERR(l4_tcb_read_registers(t, false, CTX_WORDS + 1, &c), L4_RANGE_ERROR);
    UT_EQ(l4_get_mr(1), CTX_WORDS);
    UT_ERR(l4_tcb_read_registers(t, true, ~(l4_word_t)0, &c), L4_RANGE_ERROR);
    UT_ERR(l4_tcb_write_registers(t, false, 0, &c), L4_RANGE_ERROR);
    UT_EQ(l4_get_mr(0), 1);
    UT_EQ(l4_get_mr(1), CTX_WORDS);
    UT_ERR(l4_tcb_write_registers(t, false, CTX_WORDS + 1, &c), L4_RANGE_ERROR);
    UT_OK(l4_tcb_read_registers(t, false, CTX_WORDS, &c));
    UT_OK(l4_tcb_write_registers(t, false, CTX_WORDS, &c));
}

UTEST(tcb_registers_on_itself, "Read/WriteRegisters on the caller's own TCB are "
                               "IllegalOperation")
{
    struct l4_user_context c;
    memset(&c, 0, sizeof c);
    c.rip = 0x1000;
    c.rsp = 0x2000;
    UT_ERR(l4_tcb_read_registers(ROOT_TCB, false, CTX_WORDS, &c), L4_ILLEGAL_OPERATION);
    UT_ERR(l4_tcb_read_registers(ROOT_TCB, true, 1, &c), L4_ILLEGAL_OPERATION);
    UT_ERR(l4_tcb_write_registers(ROOT_TCB, false, 2, &c), L4_ILLEGAL_OPERATION);
    UT_ERR(l4_tcb_write_registers(ROOT_TCB, true, 2, &c), L4_ILLEGAL_OPERATION);
    /* still running here, at this code: nothing was written */
    UT_EQ(l4_debug_check_invariants(), 0);
}

UTEST(tcb_write_registers_bad_address, "WriteRegisters with RIP, RSP, FS or GS base not below "
                                       "user_top is InvalidArgument and writes nothing")
{
    l4_cptr_t t = ut_new(L4_OBJECT_TCB, 0);
    UT_ASSERT(t);
    struct l4_user_context good, bad, r;
    memset(&good, 0, sizeof good);
    good.rip = 0x401000;
    good.rsp = 0x7fff0000;
    good.rflags = 0x202;
    good.rax = 0xaaaa;
    good.fs_base = 0x10000;
    good.gs_base = 0x20000;
    UT_OK(l4_tcb_write_registers(t, false, CTX_WORDS, &good));
    static const unsigned word[] = {0, 1, 18, 19}; /* rip, rsp, fs_base, gs_base */
    static const l4_word_t value[] = {L4_USER_TOP, UINT64_C(0xffff800000000000),
                                      UINT64_C(0xffffffff80000000), ~(l4_word_t)0,
                                      UINT64_C(0x0000800000001000)};
    for (unsigned w = 0; w < 4; w++)
        for (unsigned v = 0; v < sizeof value / sizeof value[0]; v++) {
            bad = good;
            bad.rax = 0xbbbb;
            l4_user_context_set_word(&bad, word[w], value[v]);
            UT_ERR(l4_tcb_write_registers(t, false, CTX_WORDS, &bad), L4_INVALID_ARGUMENT);
            UT_EQ(l4_get_mr(0), L4_ARG_TCB_WRITE_REGISTERS_REGS);
        }
    UT_OK(l4_tcb_read_registers(t, false, CTX_WORDS, &r));
    for (unsigned i = 0; i < CTX_WORDS; i++)
        UT_EQ(l4_user_context_get_word(&r, i), l4_user_context_get_word(&good, i));
    /* the last user address is fine */
    bad = good;
    bad.rip = bad.rsp = bad.fs_base = bad.gs_base = L4_USER_TOP - 1;
    UT_OK(l4_tcb_write_registers(t, false, CTX_WORDS, &bad));
    UT_OK(l4_tcb_read_registers(t, false, CTX_WORDS, &r));
    UT_EQ(r.rip, L4_USER_TOP - 1);
    UT_EQ(r.gs_base, L4_USER_TOP - 1);
}

UTEST(tcb_write_registers_truncated, "WriteRegisters with fewer than 2 + count words is "
                                     "TruncatedMessage")
{
    l4_cptr_t t = ut_new(L4_OBJECT_TCB, 0);
    UT_ASSERT(t);
    struct l4_ipc_buffer *ipc = l4_ipc_buffer();
    l4_word_t label = L4_LABEL_TCB_WRITE_REGISTERS;
    /* count 5: rip, rsp, rflags, rax, rbx; the message holds only 4 of them */
    l4_word_t mrs[L4_MSG_REGISTERS] = {0, 5, 0x1000, 0x2000};
    ipc->msg[4] = 0x202;
    ipc->msg[5] = 7;
    ipc->msg[6] = 8;
    UT_ERR(l4_call_mrs(t, l4_msginfo_new(label, 0, 0, 6), NULL, mrs), L4_TRUNCATED_MESSAGE);
    /* not even the fixed words */
    l4_word_t mrs1[L4_MSG_REGISTERS] = {0, 5, 0x1000, 0x2000};
    UT_ERR(l4_call_mrs(t, l4_msginfo_new(label, 0, 0, 1), NULL, mrs1), L4_TRUNCATED_MESSAGE);
    l4_word_t mrs0[L4_MSG_REGISTERS] = {0, 5, 0x1000, 0x2000};
    UT_ERR(l4_call_mrs(t, l4_msginfo_new(label, 0, 0, 0), NULL, mrs0), L4_TRUNCATED_MESSAGE);
    struct l4_user_context r;
    UT_OK(l4_tcb_read_registers(t, false, CTX_WORDS, &r));
    UT_EQ(r.rip, 0); /* nothing was written */
    UT_EQ(r.rax, 0);
    /* the complete message */
    l4_word_t mrs2[L4_MSG_REGISTERS] = {0, 5, 0x1000, 0x2000};
    ipc->msg[4] = 0x202;
    ipc->msg[5] = 7;
    ipc->msg[6] = 8;
    UT_OK(l4_call_mrs(t, l4_msginfo_new(label, 0, 0, 7), NULL, mrs2));
    UT_OK(l4_tcb_read_registers(t, false, CTX_WORDS, &r));
    UT_EQ(r.rip, 0x1000);
    UT_EQ(r.rsp, 0x2000);
    UT_EQ(r.rax, 7);
    UT_EQ(r.rbx, 8);
    UT_EQ(r.rcx, 0);
}

UTEST(tcb_registers_round_trip, "registers written to a suspended thread read back the same, "
                                "and only the first count words change")
{
    l4_cptr_t n = ut_new(L4_OBJECT_NOTIFICATION, 0);
    UT_ASSERT(n && ut_settle_init());
    reset_seen();
    l4_cptr_t w = ut_thread(waiter, UT_ARG(0, n, 0), PRIO);
    UT_ASSERT(w);
    UT_OK(ut_settle());
    struct l4_user_context c, r;
    memset(&c, 0, sizeof c);
    UT_OK(l4_tcb_read_registers(w, true, CTX_WORDS, &r)); /* suspends it */
    for (unsigned i = 0; i < CTX_WORDS; i++)
        l4_user_context_set_word(&c, i, UINT64_C(0x0101010101010101) * (i + 1));
    c.rip = 0x4010a0;
    c.rsp = 0x7ffff0f8;
    c.rflags = 0x202 | 0x8c5; /* CF PF ZF SF OF */
    c.fs_base = 0x7f0000001000;
    c.gs_base = 0x1000;
    UT_OK(l4_tcb_write_registers(w, false, CTX_WORDS, &c));
    memset(&r, 0, sizeof r);
    UT_OK(l4_tcb_read_registers(w, false, CTX_WORDS, &r));
    for (unsigned i = 0; i < CTX_WORDS; i++)
        UT_EQ(l4_user_context_get_word(&r, i), l4_user_context_get_word(&c, i));
    /* three words only */
    struct l4_user_context d = c;
    d.rip = 0x402000;
    d.rsp = 0x7fffe000;
    d.rflags = 0x202;
    d.rax = 0xdead;
    UT_OK(l4_tcb_write_registers(w, false, 3, &d));
    UT_OK(l4_tcb_read_registers(w, false, CTX_WORDS, &r));
    UT_EQ(r.rip, 0x402000);
    UT_EQ(r.rsp, 0x7fffe000);
    UT_EQ(r.rflags, 0x202);
    for (unsigned i = 3; i < CTX_WORDS; i++)
        UT_EQ(l4_user_context_get_word(&r, i), l4_user_context_get_word(&c, i));
    /* reading five words returns five */
    for (unsigned i = 0; i < CTX_WORDS; i++)
        l4_user_context_set_word(&r, i, 0x5e5e);
    UT_OK(l4_tcb_read_registers(w, false, 5, &r));
    UT_EQ(r.rip, 0x402000);
    UT_EQ(r.rbx, c.rbx);
    UT_EQ(r.rcx, 0x5e5e);
    UT_EQ(r.gs_base, 0x5e5e);
    UT_EQ(got_count[0], 0); /* it never ran again */
}

UTEST(tcb_rflags_sanitised, "written RFLAGS keep only the arithmetic flags and DF: IF set, "
                            "IOPL 0, TF clear")
{
    l4_cptr_t t = ut_new(L4_OBJECT_TCB, 0);
    UT_ASSERT(t);
    struct l4_user_context c, r;
    memset(&c, 0, sizeof c);
    c.rip = 0x401000;
    c.rsp = 0x7fff0000;
    c.rflags = RFLAGS_IOPL | RFLAGS_TF | RFLAGS_ARITH_DF; /* IF clear */
    UT_OK(l4_tcb_write_registers(t, false, 3, &c));
    UT_OK(l4_tcb_read_registers(t, false, 3, &r));
    UT_ASSERT(r.rflags & RFLAGS_IF);
    UT_EQ(r.rflags & RFLAGS_IOPL, 0);
    UT_EQ(r.rflags & RFLAGS_TF, 0);
    UT_EQ(r.rflags & RFLAGS_ARITH_DF, RFLAGS_ARITH_DF);
    UT_EQ(r.rflags, RFLAGS_ARITH_DF | RFLAGS_IF | 0x2);
    c.rflags = 0;
    UT_OK(l4_tcb_write_registers(t, false, 3, &c));
    UT_OK(l4_tcb_read_registers(t, false, 3, &r));
    UT_EQ(r.rflags, RFLAGS_IF | 0x2);
    c.rflags = ~(l4_word_t)0; /* NT, RF, VM, AC, VIF, VIP, ID and reserved bits too */
    UT_OK(l4_tcb_write_registers(t, false, 3, &c));
    UT_OK(l4_tcb_read_registers(t, false, 3, &r));
    UT_EQ(r.rflags, RFLAGS_ARITH_DF | RFLAGS_IF | 0x2);
}

UTEST(tcb_write_registers_redirect, "WriteRegisters with resume restarts a suspended thread at "
                                    "a new RIP with the given RDI and RSI")
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0);
    entry_ntfn = ut_new(L4_OBJECT_NOTIFICATION, 0);
    UT_ASSERT(ep && entry_ntfn && ut_settle_init());
    reset_seen();
    entry_runs = 0;
    l4_cptr_t r = ut_thread(receiver, UT_ARG(0, ep, 0), PRIO);
    UT_ASSERT(r);
    UT_OK(ut_settle());
    struct l4_user_context c;
    UT_OK(l4_tcb_read_registers(r, true, CTX_WORDS, &c));
    l4_word_t fs = c.fs_base;
    c.rip = (l4_word_t)(uintptr_t)raw_entry;
    c.rsp = ((c.rsp - 256) & ~(l4_word_t)15) - 8; /* below its frames, as if called */
    c.rdi = UINT64_C(0x00c0ffee12345678);
    c.rsi = 42;
    UT_OK(l4_tcb_write_registers(r, true, CTX_WORDS, &c));
    UT_OK(l4_wait(entry_ntfn, 0));
    UT_EQ(entry_runs, 1);
    UT_EQ(entry_rdi, UINT64_C(0x00c0ffee12345678));
    UT_EQ(entry_rsi, 42);
    UT_OK(ut_settle()); /* it suspended itself */
    UT_OK(l4_tcb_read_registers(r, false, CTX_WORDS, &c));
    UT_EQ(c.fs_base, fs);
    UT_EQ(got_count[0], 0); /* its Recv never completed */
    UT_EQ(l4_debug_check_invariants(), 0);
    /* the raw TCB too: a second start of the same thread */
    l4_cptr_t t = ut_new(L4_OBJECT_TCB, 0);
    UT_ASSERT(t);
    UT_OK(raw_configure(t, 0));
    UT_OK(l4_tcb_set_priority(t, ROOT_TCB, PRIO));
    c = raw_context(t, 7, 8);
    UT_OK(l4_tcb_write_registers(t, true, CTX_WORDS, &c));
    UT_OK(l4_wait(entry_ntfn, 0));
    UT_EQ(entry_rdi, 7);
    UT_OK(ut_settle());
    c = raw_context(t, 9, 10);
    UT_OK(l4_tcb_write_registers(t, true, CTX_WORDS, &c));
    UT_OK(l4_wait(entry_ntfn, 0));
    UT_EQ(entry_runs, 3);
    UT_EQ(entry_rdi, 9);
    UT_EQ(entry_rsi, 10);
}

/* --- BindNotification and UnbindNotification --------------------------------------------- */

UTEST(tcb_bind_notification_errors, "BindNotification twice, to a bound or waited-on "
                                    "notification, or without Read; Unbind of nothing")
{
    l4_cptr_t t1 = ut_new(L4_OBJECT_TCB, 0), t2 = ut_new(L4_OBJECT_TCB, 0);
    l4_cptr_t n1 = ut_new(L4_OBJECT_NOTIFICATION, 0), n2 = ut_new(L4_OBJECT_NOTIFICATION, 0);
    l4_cptr_t n3 = ut_new(L4_OBJECT_NOTIFICATION, 0), ep = ut_new(L4_OBJECT_ENDPOINT, 0);
    UT_ASSERT(t1 && t2 && n1 && n2 && n3 && ep && ut_settle_init());
    l4_cptr_t wo = ut_mint(n2, L4_CAP_RIGHTS_WRITE, 0);
    UT_ASSERT(wo);
    UT_ERR(l4_tcb_unbind_notification(t1), L4_ILLEGAL_OPERATION);
    UT_OK(l4_tcb_bind_notification(t1, n1));
    UT_ERR(l4_tcb_bind_notification(t1, n2), L4_ILLEGAL_OPERATION); /* t1 has one */
    UT_ERR(l4_tcb_bind_notification(t2, n1), L4_ILLEGAL_OPERATION); /* n1 is bound */
    UT_ERR(l4_tcb_bind_notification(t2, wo), L4_INVALID_CAPABILITY);
    UT_ERR(l4_tcb_bind_notification(t2, ep), L4_INVALID_CAPABILITY);
    UT_EQ(l4_get_mr(0), 0);
    UT_OK(l4_tcb_unbind_notification(t1));
    UT_ERR(l4_tcb_unbind_notification(t1), L4_ILLEGAL_OPERATION);
    UT_OK(l4_tcb_bind_notification(t2, n1));
    UT_OK(l4_tcb_bind_notification(t1, n2));
    /* a notification somebody waits on */
    reset_seen();
    UT_ASSERT(ut_thread(waiter, UT_ARG(0, n3, 0), PRIO));
    UT_OK(ut_settle());
    UT_ERR(l4_tcb_bind_notification(ut_new(L4_OBJECT_TCB, 0), n3), L4_ILLEGAL_OPERATION);
    UT_EQ(l4_debug_check_invariants(), 0);
}

UTEST(tcb_bound_notification_ends_recv, "a signal to a bound notification ends the thread's "
                                        "Recv on an endpoint with the word as badge")
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0), n = ut_new(L4_OBJECT_NOTIFICATION, 0);
    UT_ASSERT(ep && n && ut_settle_init());
    l4_cptr_t b = ut_mint(n, ALL, 0x40);
    UT_ASSERT(b);
    reset_seen();
    l4_cptr_t r = ut_thread(receiver, UT_ARG(0, ep, 0), PRIO);
    UT_ASSERT(r);
    UT_OK(l4_tcb_bind_notification(r, n));
    UT_OK(ut_settle());
    UT_EQ(got_count[0], 0);
    /* only the bound thread may wait on it */
    l4_word_t word = 0;
    UT_ERR(l4_wait(n, &word), L4_ILLEGAL_OPERATION);
    UT_OK(l4_signal(b));
    UT_OK(ut_settle());
    UT_EQ(got_count[0], 1);
    UT_EQ(got_status[0], L4_NO_ERROR);
    UT_EQ(got_badge[0], 0x40);
    UT_EQ(got_info[0], 0);
    UT_EQ(l4_debug_check_invariants(), 0);
    /* unbound, a signal stays pending and the Recv goes on */
    UT_OK(l4_tcb_unbind_notification(r));
    UT_OK(l4_signal(b));
    UT_OK(ut_settle());
    UT_EQ(got_count[0], 1);
    UT_OK(l4_poll(n, &word));
    UT_EQ(word, 0x40);
}

UTEST(tcb_configure_device_ipc_buffer, "Configure refuses a frame of device memory as the IPC "
                                       "buffer (InvalidCapability naming it): the kernel reads "
                                       "IPC buffers through its map of RAM")
{
    const struct l4_boot_info *bi = ut_boot_info();
    l4_cptr_t dev = L4_CPTR_NULL;
    for (l4_word_t i = 0; i < bi->num_untyped && !dev; i++)
        if (bi->untyped_list[i].is_device && bi->untyped_list[i].size_bits >= 12)
            dev = bi->untyped.first + i;
    UT_ASSERT(dev != L4_CPTR_NULL);
    l4_cptr_t frame = ut_slot(), tcb = ut_new(L4_OBJECT_TCB, 0);
    UT_ASSERT(tcb);
    UT_OK(l4_untyped_retype(dev, L4_OBJECT_FRAME_4K, 0, UT_CNODE, 0, 0, frame, 1));
    UT_ERR(l4_tcb_configure(tcb, L4_CPTR_NULL, UT_CNODE, 0, VSPACE, raw_ipc_addr(), frame),
           L4_INVALID_CAPABILITY);
    UT_EQ(l4_get_mr(0), L4_ARG_TCB_CONFIGURE_IPC_BUFFER_FRAME);
    UT_ERR(l4_tcb_resume(tcb), L4_ILLEGAL_OPERATION); /* nothing was configured */
    UT_OK(l4_cnode_revoke(UT_CNODE, dev, UT_DEPTH));  /* the boot untyped gets its memory back */
    UT_EQ(ut_id(frame), L4_CAP_NULL);
}
