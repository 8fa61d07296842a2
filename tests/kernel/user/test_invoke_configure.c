/* SPDX-License-Identifier: MIT */
/*
 * Regression tests: invocations that destroy what they work on, and the
 * rights of the IPC-buffer frame (docs/security.md).
 *
 * invoke_configure_destroys_itself: a thread whose only TCB capability
 * lies in its own CSpace Configures itself onto a new CSpace. Deleting
 * its old CSpace capability destroys the CSpace and with it the TCB; the
 * kernel must then install nothing into the dead TCB's slots (the sources
 * live in another CNode that survives). The TCB's memory is then retyped
 * into a frame the test fills with its own bytes: had the dead slots been
 * linked into the derivation tree, the kernel would now walk those bytes
 * as tree nodes, which the invariant check sees at the neighbours in the
 * root CNode.
 * invoke_configure_destroys_caller: the caller's own TCB dies while it
 * configures another thread; the target is still configured and the
 * kernel writes no reply into the dead caller.
 * invoke_revoke_own_untyped: a thread revokes the untyped its own TCB,
 * CSpace and IPC buffer were made from, in one Call.
 * invoke_configure_drops_own_vspace: a thread Configures itself onto the
 * root task's VSpace while the old one's last capability is its own: the
 * address space it runs in is destroyed mid-invocation, and it goes on in
 * the new one.
 * invoke_configure_ipc_buffer_rights: an IPC-buffer frame capability
 * without Write or without Read is refused.
 */
#include <string.h>
#include <l4/rt.h>
#include "other_space.h"
#include "utest.h"
#include "vspace_util.h"

#define ROOT_TCB L4_ROOT_SLOT_TCB
#define PRIO     100
#define RADIX    4
/* The victim's CSpace: its old root (radix 4, 52-bit guard) holds the CNode
 * X (radix 4, 4-bit guard) in slot OLD_X and its own TCB in slot OLD_TCB, so
 * slot j of X is (OLD_X << 8 | j) and the TCB is OLD_TCB << 8. */
#define OLD_X     1
#define OLD_TCB   2
#define IN_X(j)   ((l4_cptr_t)OLD_X << 8 | (j))
#define VA_ATTACK VA(60)
#define CTE_WORDS 4 /* a capability slot: cap (2 words), prev, next */

static struct l4_rt_thread victim;
static _Alignas(16) unsigned char victim_stack[16 * 1024];
static volatile int victim_returned;
static volatile l4_word_t victim_status;

static void victim_fn(l4_word_t ipc_addr)
{
    victim_status = l4_tcb_configure((l4_cptr_t)OLD_TCB << 8, L4_CPTR_NULL, IN_X(0), 0, IN_X(1),
                                     ipc_addr, IN_X(2));
    victim_returned = 1; /* only if its TCB survived, which it cannot */
}

static l4_error_t start_victim(l4_cptr_t tcb, l4_cptr_t cspace, void (*fn)(l4_word_t),
                               l4_word_t arg)
{
    struct l4_rt_thread_config c = {
        .tcb = tcb,
        .cspace = cspace,
        .vspace = L4_ROOT_SLOT_VSPACE,
        .ipc_frame = l4_rt_image_frame(&victim.ipc_buffer),
        .authority = ROOT_TCB,
        .priority = PRIO,
        .stack_top = victim_stack + sizeof victim_stack,
        .fault_ep = L4_CPTR_NULL,
    };
    return l4_rt_thread_start(&victim, &c, fn, arg);
}

UTEST(invoke_configure_destroys_itself,
      "Configure of a thread onto a new CSpace whose old CSpace held the TCB's only capability: "
      "nothing is installed into the dead TCB, and retyping its memory is harmless")
{
    l4_cptr_t frame = l4_rt_image_frame(&victim.ipc_buffer);
    UT_ASSERT(frame != L4_CPTR_NULL);
    l4_cptr_t u = ut_new(L4_OBJECT_UNTYPED, 12); /* the TCB's memory, and later the frame's */
    l4_cptr_t tcb = ut_retype(u, L4_OBJECT_TCB, 0);
    l4_cptr_t old = ut_new(L4_OBJECT_CNODE, RADIX), x = ut_new(L4_OBJECT_CNODE, RADIX);
    l4_cptr_t cnew = ut_new(L4_OBJECT_CNODE, RADIX);
    UT_ASSERT(u && tcb && old && x && cnew);

    /* X holds what the victim asks for: the new CSpace, its VSpace and IPC
     * buffer; the root CNode holds copies made from those, so that their
     * derivation neighbours are where the invariant check looks. */
    UT_OK(l4_cnode_copy(x, 0, RADIX, UT_CNODE, cnew, UT_DEPTH, L4_CAP_RIGHTS_ALL));
    UT_OK(l4_cnode_copy(x, 1, RADIX, UT_CNODE, L4_ROOT_SLOT_VSPACE, UT_DEPTH, L4_CAP_RIGHTS_ALL));
    UT_OK(l4_cnode_copy(x, 2, RADIX, UT_CNODE, frame, UT_DEPTH, L4_CAP_RIGHTS_ALL));
    l4_cptr_t y = ut_slots(3);
    for (unsigned j = 0; j < 3; j++)
        UT_OK(l4_cnode_copy(UT_CNODE, y + j, UT_DEPTH, x, j, RADIX, L4_CAP_RIGHTS_ALL));
    UT_OK(l4_cnode_mint(old, OLD_X, RADIX, UT_CNODE, x, UT_DEPTH, L4_CAP_RIGHTS_ALL,
                        l4_cnode_guard_new(0, 4)));
    l4_cptr_t oldg = ut_slot();
    UT_OK(l4_cnode_mint(UT_CNODE, oldg, UT_DEPTH, UT_CNODE, old, UT_DEPTH, L4_CAP_RIGHTS_ALL,
                        l4_cnode_guard_new(0, 64 - 8 - RADIX)));

    victim_returned = 0;
    victim_status = ~0ul;
    UT_OK(start_victim(tcb, oldg, victim_fn, (l4_word_t)&victim.ipc_buffer));
    /* the TCB's only capability goes into the old CSpace, whose only
     * capability is then the TCB's own */
    UT_OK(l4_cnode_move(old, OLD_TCB, RADIX, UT_CNODE, tcb, UT_DEPTH));
    UT_OK(ut_delete(oldg));
    UT_OK(ut_delete(old));
    UT_ASSERT(ut_settle_once());
    UT_EQ(victim_returned, 0);
    UT_EQ(l4_debug_check_invariants(), 0);
    UT_EQ(ut_id(y + 0), L4_CAP_CNODE);
    UT_EQ(ut_id(y + 1), L4_CAP_PML4);
    UT_EQ(ut_id(y + 2), L4_CAP_FRAME_4K);

    /* The dead TCB's memory, as a frame with content of the test's choice:
     * every slot-sized piece claims to be a CNode capability whose links
     * point into the frame itself. */
    UT_OK(l4_cnode_revoke(UT_CNODE, u, UT_DEPTH));
    l4_cptr_t f = ut_retype(u, L4_OBJECT_FRAME_4K, 0);
    UT_ASSERT(f);
    struct vs_tables t;
    vs_tables(L4_ROOT_SLOT_VSPACE, VA_ATTACK, &t);
    UT_OK(l4_frame_map(f, L4_ROOT_SLOT_VSPACE, VA_ATTACK, RW, NOATTR));
    volatile uint64_t *w = (volatile uint64_t *)VA_ATTACK;
    for (unsigned i = 0; i < 4096 / 8; i++)
        w[i] = i % CTE_WORDS < 2 ? UINT64_C(0x4141414141414141) : UINT64_C(0x4242424242424240);
    UT_EQ(l4_debug_check_invariants(), 0);

    /* the capabilities that were the sources still work and go cleanly */
    for (unsigned j = 0; j < 3; j++)
        UT_OK(ut_delete(y + j));
    UT_OK(l4_cnode_revoke(UT_CNODE, x, UT_DEPTH));
    UT_OK(ut_delete(x));
    UT_EQ(l4_debug_check_invariants(), 0);
    UT_OK(ut_delete(f));
}

/* --- the caller dies while it configures another thread ------------------------- */

static volatile l4_word_t killer_done;
static l4_cptr_t k_target, k_frame; /* root CNode slots: the killer's CSpace is it */

static void killer_fn(l4_word_t ipc_addr)
{
    killer_done = 0;
    l4_tcb_configure(k_target, L4_CPTR_NULL, UT_CNODE, 0, L4_ROOT_SLOT_VSPACE, ipc_addr, k_frame);
    killer_done = 1; /* only if the killer survived, which it cannot */
}

UTEST(invoke_configure_destroys_caller,
      "Configure of another thread whose old CSpace held the caller's only TCB capability: the "
      "caller dies, the target is still configured, the kernel stays consistent")
{
    static struct l4_rt_thread target_rt;
    l4_cptr_t tframe = l4_rt_image_frame(&target_rt.ipc_buffer);
    UT_ASSERT(tframe != L4_CPTR_NULL);
    l4_cptr_t killer = ut_new(L4_OBJECT_TCB, 0), target = ut_new(L4_OBJECT_TCB, 0);
    l4_cptr_t old = ut_new(L4_OBJECT_CNODE, RADIX);
    UT_ASSERT(killer && target && old);
    UT_OK(l4_tcb_configure(target, L4_CPTR_NULL, old, l4_cnode_guard_new(0, 64 - RADIX),
                           L4_ROOT_SLOT_VSPACE, (l4_word_t)&target_rt.ipc_buffer, tframe));
    k_target = target;
    k_frame = tframe;
    killer_done = 2;
    UT_OK(start_victim(killer, UT_CNODE, killer_fn, (l4_word_t)&target_rt.ipc_buffer));
    /* the killer's only TCB capability goes into the target's old CSpace,
     * whose only capability is then the target's own */
    UT_OK(l4_cnode_move(old, 0, RADIX, UT_CNODE, killer, UT_DEPTH));
    UT_OK(ut_delete(old));
    UT_ASSERT(ut_settle_once());
    UT_EQ(killer_done, 0); /* it ran, and did not come back */
    UT_EQ(l4_debug_check_invariants(), 0);
    UT_OK(l4_tcb_resume(target)); /* configured: Resume accepts it */
    UT_OK(l4_tcb_suspend(target));
    UT_EQ(l4_debug_check_invariants(), 0);
}

/* --- the IPC buffer's rights ---------------------------------------------------- */

UTEST(invoke_configure_ipc_buffer_rights,
      "Configure refuses an IPC-buffer frame capability without Write or without Read right "
      "(InvalidCapability, detail: the frame argument) and changes nothing")
{
    static struct l4_rt_thread rt;
    l4_cptr_t frame = l4_rt_image_frame(&rt.ipc_buffer);
    UT_ASSERT(frame != L4_CPTR_NULL);
    l4_cptr_t tcb = ut_new(L4_OBJECT_TCB, 0);
    l4_cptr_t ro = ut_copy(frame, L4_CAP_RIGHTS_READ);
    l4_cptr_t wo = ut_copy(frame, L4_CAP_RIGHTS_WRITE);
    l4_cptr_t rw = ut_copy(frame, L4_CAP_RIGHTS_READ | L4_CAP_RIGHTS_WRITE);
    UT_ASSERT(tcb && ro && wo && rw);
    l4_word_t addr = (l4_word_t)&rt.ipc_buffer;
    UT_ERR(l4_tcb_configure(tcb, L4_CPTR_NULL, UT_CNODE, 0, L4_ROOT_SLOT_VSPACE, addr, ro),
           L4_INVALID_CAPABILITY);
    UT_EQ(l4_get_mr(0), L4_ARG_TCB_CONFIGURE_IPC_BUFFER_FRAME);
    UT_ERR(l4_tcb_configure(tcb, L4_CPTR_NULL, UT_CNODE, 0, L4_ROOT_SLOT_VSPACE, addr, wo),
           L4_INVALID_CAPABILITY);
    UT_EQ(l4_get_mr(0), L4_ARG_TCB_CONFIGURE_IPC_BUFFER_FRAME);
    /* nothing changed: the thread is still unconfigured */
    UT_ERR(l4_tcb_resume(tcb), L4_ILLEGAL_OPERATION);
    /* the trace buffer's frames are the kernel's own memory, handed out read-only */
    const struct l4_boot_info *bi = ut_boot_info();
    if (bi->trace_frames.count)
        UT_ERR(l4_tcb_configure(tcb, L4_CPTR_NULL, UT_CNODE, 0, L4_ROOT_SLOT_VSPACE, addr,
                                bi->trace_frames.first),
               L4_INVALID_CAPABILITY);
    UT_OK(l4_tcb_configure(tcb, L4_CPTR_NULL, UT_CNODE, 0, L4_ROOT_SLOT_VSPACE, addr, rw));
    UT_OK(l4_tcb_resume(tcb));
    UT_OK(l4_tcb_suspend(tcb));
    /* copies of image frames are not the test untyped's: delete them */
    UT_OK(ut_delete(ro));
    UT_OK(ut_delete(wo));
    UT_OK(ut_delete(rw));
}

/* --- a thread revokes the memory it is made of ------------------------------------ */

static volatile int revoker_returned;
static l4_cptr_t r_untyped;

static void revoker_fn(l4_word_t arg)
{
    (void)arg;
    revoker_returned = 0;
    /* slot 1 of its CSpace: the root CNode, which holds the untyped that its
     * TCB, CSpace and IPC-buffer frame were made from */
    l4_cnode_revoke(1, r_untyped, UT_DEPTH);
    revoker_returned = 1; /* only if it survived, which it cannot */
}

UTEST(invoke_revoke_own_untyped,
      "A thread revokes the untyped its own TCB, CSpace and IPC-buffer frame came from: they are "
      "destroyed mid-invocation, no reply is written, the kernel stays consistent")
{
    l4_cptr_t u = ut_new(L4_OBJECT_UNTYPED, 16);
    UT_ASSERT(u);
    l4_cptr_t tcb = ut_retype(u, L4_OBJECT_TCB, 0);
    l4_cptr_t c = ut_retype(u, L4_OBJECT_CNODE, RADIX);
    l4_cptr_t f = ut_retype(u, L4_OBJECT_FRAME_4K, 0);
    UT_ASSERT(tcb && c && f);
    UT_OK(l4_cnode_copy(c, 1, RADIX, UT_CNODE, UT_CNODE, UT_DEPTH, L4_CAP_RIGHTS_ALL));
    l4_cptr_t cg = ut_slot();
    UT_OK(l4_cnode_mint(UT_CNODE, cg, UT_DEPTH, UT_CNODE, c, UT_DEPTH, L4_CAP_RIGHTS_ALL,
                        l4_cnode_guard_new(0, 64 - RADIX)));
    r_untyped = u;
    revoker_returned = 2;
    struct l4_rt_thread_config cfg = {
        .tcb = tcb,
        .cspace = cg,
        .vspace = L4_ROOT_SLOT_VSPACE,
        .ipc_frame = f, /* the kernel's view of its IPC buffer: this frame */
        .authority = ROOT_TCB,
        .priority = PRIO,
        .stack_top = victim_stack + sizeof victim_stack,
        .fault_ep = L4_CPTR_NULL,
    };
    UT_OK(l4_rt_thread_start(&victim, &cfg, revoker_fn, 0));
    UT_ASSERT(ut_settle_once());
    UT_EQ(revoker_returned, 0);
    UT_EQ(ut_id(tcb), L4_CAP_NULL);
    UT_EQ(ut_id(c), L4_CAP_NULL);
    UT_EQ(ut_id(f), L4_CAP_NULL);
    UT_EQ(ut_id(cg), L4_CAP_NULL);
    UT_EQ(ut_id(u), L4_CAP_UNTYPED);
    UT_EQ(l4_debug_check_invariants(), 0);
    /* the memory is reusable at once */
    l4_cptr_t again = ut_retype(u, L4_OBJECT_TCB, 0);
    UT_ASSERT(again);
    UT_EQ(l4_debug_check_invariants(), 0);
}

/* --- a thread destroys the address space it runs in ---------------------------------- */

/* Its code, on a page of its own: Call with the registers as set (TCB
 * Configure of itself), status to [RBX], then Call(R13 = sysno, R14 = its
 * TCB, R15 = info: Suspend). Nothing else: no stack, no libl4. */
__asm__(".pushsection .text.invoke_vspace, \"ax\", @progbits\n"
        ".balign 4096\n"
        "invoke_vspace_code:\n"
        "    syscall\n"
        "    mov %rax, (%rbx)\n"
        "    mov %r13, %rax\n"
        "    mov %r14, %rdi\n"
        "    mov %r15, %rsi\n"
        "    syscall\n"
        "1:  pause\n"
        "    jmp 1b\n"
        ".balign 4096\n"
        ".popsection\n");
extern const char invoke_vspace_code[];

static struct {
    struct l4_ipc_buffer ipc;
    volatile l4_word_t status;
} vspace_page __attribute__((aligned(4096)));

UTEST(invoke_configure_drops_own_vspace,
      "A thread Configures itself onto another VSpace while its TCB holds the old one's last "
      "capability: the old space is destroyed mid-invocation, the thread continues in the new one")
{
    struct os_space s;
    UT_OK(os_create(&s, "drops-vspace"));
    UT_OK(os_map_image(&s, invoke_vspace_code, invoke_vspace_code + 1, RX));
    UT_OK(os_map_image(&s, &vspace_page, &vspace_page + 1, RW));
    UT_OK(os_configure(&s, UT_CNODE, 0, L4_CPTR_NULL, &vspace_page.ipc, PRIO, PRIO));
    /* the old PML4's last capability is now the thread's own */
    UT_OK(ut_delete(s.vspace));
    s.vspace = 0;

    l4_cptr_t frame = os_frame_of(&s, &vspace_page);
    vspace_page.status = ~0ul;
    vspace_page.ipc.caps_or_badges[L4_XCAP_TCB_CONFIGURE_CSPACE_ROOT] = UT_CNODE;
    vspace_page.ipc.caps_or_badges[L4_XCAP_TCB_CONFIGURE_VSPACE_ROOT] = L4_ROOT_SLOT_VSPACE;
    vspace_page.ipc.caps_or_badges[L4_XCAP_TCB_CONFIGURE_IPC_BUFFER_FRAME] = frame;
    l4_word_t mr[L4_MSG_REGISTERS] = {0};
    mr[L4_MR_TCB_CONFIGURE_FAULT_EP] = L4_CPTR_NULL;
    mr[L4_MR_TCB_CONFIGURE_CSPACE_ROOT_DATA] = 0;
    mr[L4_MR_TCB_CONFIGURE_IPC_BUFFER_ADDR] = (l4_word_t)&vspace_page.ipc;
    struct l4_user_context regs = {
        .rip = (l4_word_t)invoke_vspace_code,
        .rsp = (l4_word_t)(&vspace_page + 1),
        .rax = L4_SYS_CALL,
        .rdi = s.tcb,
        .rsi = l4_msginfo_new(L4_LABEL_TCB_CONFIGURE, 0, 3, L4_LABEL_TCB_CONFIGURE_WORDS),
        .rdx = mr[0],
        .r8 = mr[1],
        .r9 = mr[2],
        .r10 = mr[3],
        .rbx = (l4_word_t)&vspace_page.status,
        .r13 = L4_SYS_CALL,
        .r14 = s.tcb,
        .r15 = l4_msginfo_new(L4_LABEL_TCB_SUSPEND, 0, 0, 0),
    };
    UT_OK(os_start(&s, &regs));
    UT_ASSERT(ut_settle_once());
    UT_EQ(vspace_page.status, L4_NO_ERROR);
    UT_EQ(l4_debug_check_invariants(), 0);
    struct l4_user_context now = {0};
    UT_OK(l4_tcb_read_registers(s.tcb, false, L4_USER_CONTEXT_WORDS, &now));
    UT_ASSERT(now.rip > (l4_word_t)invoke_vspace_code &&
              now.rip < (l4_word_t)invoke_vspace_code + 32); /* stopped at its Suspend */
    UT_OK(os_destroy(&s));
    UT_EQ(l4_debug_check_invariants(), 0);
}
