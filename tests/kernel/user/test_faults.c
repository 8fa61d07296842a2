/* SPDX-License-Identifier: MIT */
/*
 * User-level tests of faults as exception IPC (docs/kernel/faults.md).
 *
 * A test thread whose TCB names a fault endpoint faults on purpose (page
 * faults of each kind, invalid opcode, divide error, breakpoint, general
 * protection) or, with the foreign ABI
 * on, executes `syscall`; the test, at priority 255, receives the fault on
 * that endpoint with a Reply object and checks the message (label, length,
 * badge, vector, error code, address, registers), then answers: new
 * registers and resume, no answer, a suspending label, or the Reply object
 * deleted. Without a usable fault endpoint the kernel suspends the thread.
 */
#include <l4/rt.h>
#include "utest.h"

#define PRIO        100
#define UNMAPPED    UINT64_C(0x1000)
#define KERNEL_ADDR UINT64_C(0xffff800000000000)
#define PF_PRESENT  1
#define PF_WRITE    2
#define PF_USER     4
#define PF_FETCH    16
#define RFLAGS_AC   (UINT64_C(1) << 18)
#define RFLAGS_IF   UINT64_C(0x200)
#define RFLAGS_IOPL UINT64_C(0x3000)
#define RFLAGS_TF   UINT64_C(0x100)
#define CTX(i)      (L4_FAULT_EXCEPTION_MR_CONTEXT + (i))
#define CTX_RIP     CTX(0)
#define CTX_RSP     CTX(1)
#define CTX_RFLAGS  CTX(2)
#define CTX_RAX     CTX(3)
#define CTX_RSI     CTX(7)
#define CTX_RDI     CTX(8)

static volatile l4_word_t seen[4];
static l4_cptr_t park; /* a notification nobody signals: threads end waiting on it */

/* ---- what the faulting threads do ------------------------------------------ */

static _Noreturn void park_forever(void)
{
    for (;;)
        l4_wait(park, 0);
}

/* Where a reply sends a thread: record a value, signal the test, park. */
static void recovered(l4_word_t ntfn, l4_word_t value)
{
    seen[0] = value;
    l4_signal(ntfn);
    park_forever();
}

static void read_at(l4_word_t addr)
{
    seen[1] = *(volatile uint64_t *)addr;
    park_forever();
}

static void write_at(l4_word_t addr)
{
    *(volatile uint64_t *)addr = 1;
    park_forever();
}

static void call_at(l4_word_t addr)
{
    ((void (*)(void))addr)();
    park_forever();
}

/* ud2, then (once a reply moved RIP past it) record and signal arg */
static void invalid_opcode(l4_word_t ntfn)
{
    __asm__ volatile("ud2");
    seen[0] = 0x600d;
    l4_signal(ntfn);
    park_forever();
}

static void divide_error(l4_word_t arg)
{
    uint64_t q, zero = arg - arg;
    __asm__ volatile("xorl %%edx, %%edx; movq $1, %%rax; divq %2"
                     : "=a"(q)
                     : "a"(1), "r"(zero)
                     : "rdx");
    seen[1] = q;
    park_forever();
}

static void breakpoint(l4_word_t ntfn)
{
    __asm__ volatile("int3");
    seen[0] = 0xb9;
    l4_signal(ntfn);
    park_forever();
}

static void privileged(l4_word_t arg)
{
    (void)arg;
    __asm__ volatile("cli");
    park_forever();
}

/* Rewrite RFLAGS in a reply: ud2, report RFLAGS as seen by pushf, ud2. */
static void flags_reporter(l4_word_t arg)
{
    (void)arg;
    uint64_t f;
    __asm__ volatile("ud2");
    __asm__ volatile("pushfq; popq %0" : "=r"(f));
    seen[2] = f;
    __asm__ volatile("ud2");
    park_forever();
}

/* Linux-style syscall with six arguments (the thread has the foreign ABI). */
static l4_word_t foreign_syscall(l4_word_t nr, l4_word_t a1, l4_word_t a2, l4_word_t a3,
                                 l4_word_t a4, l4_word_t a5, l4_word_t a6)
{
    register l4_word_t r10 __asm__("r10") = a4;
    register l4_word_t r8 __asm__("r8") = a5;
    register l4_word_t r9 __asm__("r9") = a6;
    l4_word_t ret;
    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "a"(nr), "D"(a1), "S"(a2), "d"(a3), "r"(r10), "r"(r8), "r"(r9)
                     : "rcx", "r11", "memory");
    return ret;
}

/* Two foreign syscalls: the second reports what the first returned and
 * whether the callee-saved registers survived. */
static void foreign(l4_word_t arg)
{
    uint64_t before, after;
    __asm__ volatile("movq %%rbx, %0" : "=r"(before));
    l4_word_t r = foreign_syscall(39, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66);
    __asm__ volatile("movq %%rbx, %0" : "=r"(after));
    foreign_syscall(60, r, before == after, arg, 0, 0, 0);
    park_forever(); /* not reached: the handler leaves it waiting */
}

/* A foreign thread reads the word at its FS base. */
static void foreign_tls(l4_word_t arg)
{
    (void)arg;
    foreign_syscall(158, 0, 0, 0, 0, 0, 0); /* the handler moves FS base */
    l4_word_t v;
    __asm__ volatile("movq %%fs:0, %0" : "=r"(v));
    foreign_syscall(1, v, 0, 0, 0, 0, 0);
    for (;;)
        ;
}

/* Move itself to the address space arg (an empty PML4): the very next
 * instruction fetch must fault there. */
static l4_cptr_t own_fault_ep;

static void own_vspace(l4_word_t pml4)
{
    struct l4_ipc_buffer *b = l4_ipc_buffer();
    l4_tcb_configure(l4_rt_tls()->tcb, own_fault_ep, UT_CNODE, 0, pml4, (l4_word_t)b,
                     l4_rt_image_frame(b));
    seen[1] = 1; /* not reached: this code is not mapped in the new space */
    park_forever();
}

/* ---- the handler's side ------------------------------------------------------- */

struct fault {
    l4_word_t badge, label, length;
    l4_error_t status;
};

/* Receive one fault message on ep with reply. */
static struct fault receive(l4_cptr_t ep, l4_cptr_t reply)
{
    struct fault f;
    l4_msginfo_t info = 0;
    f.status = l4_recv(ep, reply, &f.badge, &info);
    f.label = l4_msginfo_get_label(info);
    f.length = l4_msginfo_get_length(info);
    return f;
}

/* Answer a fault with the first n staged words and a label. */
static l4_error_t answer(l4_cptr_t reply, l4_word_t label, unsigned n)
{
    return l4_send(reply, l4_msginfo_new(label, 0, 0, n));
}

struct setup {
    l4_cptr_t ep_orig, ep, reply, ntfn, tcb;
};

/* An endpoint (the handler's, badged 0xfa), a Reply object, a notification
 * for the thread to signal, and the thread itself with faults to ep. */
static int start(struct setup *s, void (*fn)(l4_word_t), l4_word_t arg, int pass_ntfn)
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0);
    s->reply = ut_new(L4_OBJECT_REPLY, 0);
    s->ntfn = ut_new(L4_OBJECT_NOTIFICATION, 0);
    park = ut_new(L4_OBJECT_NOTIFICATION, 0);
    s->ep = ut_mint(ep, L4_CAP_RIGHTS_ALL, 0xfa);
    s->ep_orig = ep;
    if (!ep || !s->reply || !s->ntfn || !park || !s->ep)
        return 0;
    seen[0] = seen[1] = seen[2] = seen[3] = 0;
    s->tcb = ut_thread_faulting(fn, pass_ntfn ? s->ntfn : arg, PRIO, s->ep);
    return s->tcb != 0;
}

/* The thread's registers as ReadRegisters gives them. */
static l4_word_t reg(l4_cptr_t tcb, unsigned i)
{
    struct l4_user_context c = {0};
    if (l4_tcb_read_registers(tcb, 0, L4_USER_CONTEXT_WORDS, &c) != L4_NO_ERROR)
        return ~UINT64_C(0);
    return l4_user_context_get_word(&c, i);
}

/* ---- tests --------------------------------------------------------------------- */

UTEST(fault_page_fault_read, "a read of an unmapped page arrives as an exception message: vector "
                             "14, error code user+read+not present, CR2, the thread's registers")
{
    struct setup s;
    UT_ASSERT(start(&s, read_at, UNMAPPED, 0));
    struct fault f = receive(s.ep, s.reply);
    UT_OK(f.status);
    UT_EQ(f.badge, 0xfa);
    UT_EQ(f.label, L4_FAULT_LABEL_EXCEPTION);
    UT_EQ(f.length, L4_FAULT_EXCEPTION_LENGTH);
    UT_EQ(l4_get_mr(L4_FAULT_EXCEPTION_MR_VECTOR), 14);
    UT_EQ(l4_get_mr(L4_FAULT_EXCEPTION_MR_ERROR_CODE) &
              (PF_PRESENT | PF_WRITE | PF_USER | PF_FETCH),
          PF_USER);
    UT_EQ(l4_get_mr(L4_FAULT_EXCEPTION_MR_ADDRESS), UNMAPPED);
    /* the faulting instruction is in read_at, and the registers are its
     * (read the message before ReadRegisters reuses the IPC buffer) */
    l4_word_t rip = l4_get_mr(CTX_RIP), rsp = l4_get_mr(CTX_RSP);
    UT_ASSERT(rip >= (l4_word_t)read_at && rip < (l4_word_t)read_at + 64);
    UT_ASSERT(l4_get_mr(CTX_RFLAGS) & RFLAGS_IF);
    UT_EQ(rip, reg(s.tcb, 0));
    UT_EQ(rsp, reg(s.tcb, 1));
    UT_EQ(l4_debug_check_invariants(), 0);
}

UTEST(fault_reply_redirects, "a reply with new RIP, RSP, RDI and RSI resumes the faulting thread "
                             "there")
{
    struct setup s;
    UT_ASSERT(start(&s, read_at, UNMAPPED, 0));
    struct fault f = receive(s.ep, s.reply);
    UT_OK(f.status);
    l4_word_t rsp = (l4_get_mr(CTX_RSP) & ~UINT64_C(15)) - 8; /* as after a call */
    l4_set_mr(CTX_RIP, (l4_word_t)recovered);
    l4_set_mr(CTX_RSP, rsp);
    l4_set_mr(CTX_RDI, s.ntfn);
    l4_set_mr(CTX_RSI, 0x5afe);
    UT_OK(answer(s.reply, L4_FAULT_REPLY_RESUME, L4_FAULT_EXCEPTION_LENGTH));
    l4_word_t badge;
    UT_OK(l4_wait(s.ntfn, &badge));
    UT_EQ(seen[0], 0x5afe);
    UT_EQ(seen[1], 0); /* the load never completed */
}

UTEST(fault_write_read_only, "a write to the read-only text is a page fault with present, write "
                             "and user set")
{
    struct setup s;
    UT_ASSERT(start(&s, write_at, (l4_word_t)read_at, 0));
    struct fault f = receive(s.ep, s.reply);
    UT_EQ(f.label, L4_FAULT_LABEL_EXCEPTION);
    UT_EQ(l4_get_mr(L4_FAULT_EXCEPTION_MR_VECTOR), 14);
    UT_EQ(l4_get_mr(L4_FAULT_EXCEPTION_MR_ERROR_CODE) &
              (PF_PRESENT | PF_WRITE | PF_USER | PF_FETCH),
          PF_PRESENT | PF_WRITE | PF_USER);
    UT_EQ(l4_get_mr(L4_FAULT_EXCEPTION_MR_ADDRESS), (l4_word_t)read_at);
}

UTEST(fault_execute_nx, "executing from a no-execute data page is a page fault with the "
                        "instruction-fetch bit, at the data address")
{
    static uint8_t code[16] = {0xc3}; /* ret, in writable, no-execute .data */
    struct setup s;
    UT_ASSERT(start(&s, call_at, (l4_word_t)code, 0));
    struct fault f = receive(s.ep, s.reply);
    UT_EQ(f.label, L4_FAULT_LABEL_EXCEPTION);
    UT_EQ(l4_get_mr(L4_FAULT_EXCEPTION_MR_VECTOR), 14);
    UT_EQ(l4_get_mr(L4_FAULT_EXCEPTION_MR_ERROR_CODE) & (PF_PRESENT | PF_USER | PF_FETCH),
          PF_PRESENT | PF_USER | PF_FETCH);
    UT_EQ(l4_get_mr(L4_FAULT_EXCEPTION_MR_ADDRESS), (l4_word_t)code);
    UT_EQ(l4_get_mr(CTX_RIP), (l4_word_t)code);
}

UTEST(fault_kernel_address, "a user read of a kernel address faults as a protection violation "
                            "of a present page")
{
    struct setup s;
    UT_ASSERT(start(&s, read_at, KERNEL_ADDR, 0));
    UT_EQ(receive(s.ep, s.reply).label, L4_FAULT_LABEL_EXCEPTION);
    UT_EQ(l4_get_mr(L4_FAULT_EXCEPTION_MR_VECTOR), 14);
    UT_EQ(l4_get_mr(L4_FAULT_EXCEPTION_MR_ERROR_CODE) & (PF_PRESENT | PF_USER),
          PF_PRESENT | PF_USER);
    UT_EQ(l4_get_mr(L4_FAULT_EXCEPTION_MR_ADDRESS), KERNEL_ADDR);
    UT_EQ(seen[1], 0);
}

UTEST(fault_invalid_opcode_skip, "ud2 is vector 6 at the instruction; a reply that moves RIP past "
                                 "it resumes the thread after it")
{
    struct setup s;
    UT_ASSERT(start(&s, invalid_opcode, 0, 1));
    UT_EQ(receive(s.ep, s.reply).label, L4_FAULT_LABEL_EXCEPTION);
    UT_EQ(l4_get_mr(L4_FAULT_EXCEPTION_MR_VECTOR), 6);
    l4_word_t rip = l4_get_mr(CTX_RIP);
    UT_EQ(l4_get_mr(L4_FAULT_EXCEPTION_MR_ADDRESS), rip);
    UT_EQ(*(const volatile uint16_t *)rip, 0x0b0f); /* ud2 */
    /* only the words up to RIP: the rest of the registers stay */
    l4_set_mr(CTX_RIP, rip + 2);
    UT_OK(answer(s.reply, L4_FAULT_REPLY_RESUME, CTX_RIP + 1));
    UT_OK(l4_wait(s.ntfn, NULL));
    UT_EQ(seen[0], 0x600d);
}

UTEST(fault_divide_error, "a division by zero is vector 0 with error code 0")
{
    struct setup s;
    UT_ASSERT(start(&s, divide_error, 7, 0));
    struct fault f = receive(s.ep, s.reply);
    UT_EQ(f.label, L4_FAULT_LABEL_EXCEPTION);
    UT_EQ(l4_get_mr(L4_FAULT_EXCEPTION_MR_VECTOR), 0);
    UT_EQ(l4_get_mr(L4_FAULT_EXCEPTION_MR_ERROR_CODE), 0);
}

UTEST(fault_breakpoint_resume, "int3 is vector 3 with RIP after it; an empty reply resumes there")
{
    struct setup s;
    UT_ASSERT(start(&s, breakpoint, 0, 1));
    UT_EQ(receive(s.ep, s.reply).label, L4_FAULT_LABEL_EXCEPTION);
    UT_EQ(l4_get_mr(L4_FAULT_EXCEPTION_MR_VECTOR), 3);
    UT_EQ(*(const volatile uint8_t *)(l4_get_mr(CTX_RIP) - 1), 0xcc);
    UT_OK(answer(s.reply, L4_FAULT_REPLY_RESUME, 0));
    UT_OK(l4_wait(s.ntfn, NULL));
    UT_EQ(seen[0], 0xb9);
}

UTEST(fault_general_protection, "cli in user mode is a general protection fault (vector 13)")
{
    struct setup s;
    UT_ASSERT(start(&s, privileged, 0, 0));
    struct fault f = receive(s.ep, s.reply);
    UT_EQ(f.label, L4_FAULT_LABEL_EXCEPTION);
    UT_EQ(l4_get_mr(L4_FAULT_EXCEPTION_MR_VECTOR), 13);
    UT_EQ(*(const volatile uint8_t *)l4_get_mr(CTX_RIP), 0xfa); /* cli */
}

UTEST(fault_reply_sanitised, "a reply's RFLAGS keeps only the arithmetic flags and DF (IF set, "
                             "IOPL 0, no TF); a non-canonical RIP or RSP in it is ignored")
{
    struct setup s;
    UT_ASSERT(start(&s, flags_reporter, 0, 0));
    UT_EQ(receive(s.ep, s.reply).label, L4_FAULT_LABEL_EXCEPTION);
    UT_EQ(l4_get_mr(L4_FAULT_EXCEPTION_MR_VECTOR), 6);
    l4_word_t rip = l4_get_mr(CTX_RIP), rsp = l4_get_mr(CTX_RSP);
    l4_set_mr(CTX_RIP, rip + 2);
    l4_set_mr(CTX_RSP, UINT64_C(0x8000000000000000)); /* ignored */
    l4_set_mr(CTX_RFLAGS, ~RFLAGS_IF);
    UT_OK(answer(s.reply, L4_FAULT_REPLY_RESUME, CTX_RFLAGS + 1));
    UT_EQ(receive(s.ep, s.reply).label, L4_FAULT_LABEL_EXCEPTION); /* the second ud2 */
    UT_EQ(l4_get_mr(L4_FAULT_EXCEPTION_MR_VECTOR), 6);
    l4_word_t flags = l4_get_mr(CTX_RFLAGS);
    UT_ASSERT(flags & RFLAGS_IF);
    UT_EQ(flags & (RFLAGS_IOPL | RFLAGS_TF | RFLAGS_AC), 0);
    UT_EQ(flags & 0xcd5, 0xcd5);
    UT_EQ(seen[2], flags);
    UT_EQ(l4_get_mr(CTX_RSP), rsp);
}

UTEST(fault_foreign_syscall_arguments, "a foreign-ABI syscall arrives with RAX and all six "
                                       "argument registers, RIP, RSP, RFLAGS; the reply's RAX is "
                                       "its result and callee-saved registers survive")
{
    struct setup s;
    UT_ASSERT(start(&s, foreign, 0x77, 0));
    UT_OK(l4_tcb_set_foreign_abi(s.tcb, 1));
    struct fault f = receive(s.ep, s.reply);
    UT_OK(f.status);
    UT_EQ(f.badge, 0xfa);
    UT_EQ(f.label, L4_FAULT_LABEL_SYSCALL);
    UT_EQ(f.length, L4_FAULT_SYSCALL_LENGTH);
    UT_EQ(l4_get_mr(L4_FAULT_SYSCALL_MR_RAX), 39);
    UT_EQ(l4_get_mr(L4_FAULT_SYSCALL_MR_RDI), 0x11);
    UT_EQ(l4_get_mr(L4_FAULT_SYSCALL_MR_RSI), 0x22);
    UT_EQ(l4_get_mr(L4_FAULT_SYSCALL_MR_RDX), 0x33);
    UT_EQ(l4_get_mr(L4_FAULT_SYSCALL_MR_R10), 0x44);
    UT_EQ(l4_get_mr(L4_FAULT_SYSCALL_MR_R8), 0x55);
    UT_EQ(l4_get_mr(L4_FAULT_SYSCALL_MR_R9), 0x66);
    l4_word_t rip = l4_get_mr(L4_FAULT_SYSCALL_MR_RIP), rsp = l4_get_mr(L4_FAULT_SYSCALL_MR_RSP);
    UT_ASSERT(l4_get_mr(L4_FAULT_SYSCALL_MR_RFLAGS) & RFLAGS_IF);
    UT_EQ(*(const volatile uint16_t *)(rip - 2), 0x050f); /* after the syscall instruction */
    UT_EQ(rip, reg(s.tcb, 0));
    UT_EQ(rsp, reg(s.tcb, 1));
    l4_set_mr(L4_FAULT_SYSCALL_MR_RAX, 4242);
    UT_OK(answer(s.reply, L4_FAULT_REPLY_RESUME, 1));
    f = receive(s.ep, s.reply);
    UT_EQ(f.label, L4_FAULT_LABEL_SYSCALL);
    UT_EQ(l4_get_mr(L4_FAULT_SYSCALL_MR_RAX), 60);
    UT_EQ(l4_get_mr(L4_FAULT_SYSCALL_MR_RDI), 4242);
    UT_EQ(l4_get_mr(L4_FAULT_SYSCALL_MR_RSI), 1);
    UT_EQ(l4_get_mr(L4_FAULT_SYSCALL_MR_RDX), 0x77);
    UT_EQ(l4_debug_check_invariants(), 0);
}

UTEST(fault_foreign_native_numbers, "a foreign thread's syscall with a native number (Call) is "
                                    "forwarded, never performed")
{
    struct setup s;
    UT_ASSERT(start(&s, foreign, 0, 0));
    UT_OK(l4_tcb_set_foreign_abi(s.tcb, 1));
    struct fault f = receive(s.ep, s.reply);
    UT_EQ(f.label, L4_FAULT_LABEL_SYSCALL);
    /* answer as if the kernel had: RAX = 1 (Call) makes the next one a Call */
    l4_set_mr(L4_FAULT_SYSCALL_MR_RAX, L4_SYS_CALL);
    UT_OK(answer(s.reply, L4_FAULT_REPLY_RESUME, 1));
    f = receive(s.ep, s.reply);
    UT_EQ(f.label, L4_FAULT_LABEL_SYSCALL);
    UT_EQ(l4_get_mr(L4_FAULT_SYSCALL_MR_RDI), L4_SYS_CALL);
    /* native again: turning the flag off is the handler's (TCB holder's) choice */
    UT_OK(l4_tcb_set_foreign_abi(s.tcb, 0));
}

UTEST(fault_foreign_tls_base, "a syscall reply can set the FS base, which the thread's %fs: "
                              "loads then use")
{
    static l4_word_t tls_word = 0x715;
    struct setup s;
    UT_ASSERT(start(&s, foreign_tls, 0, 0));
    UT_OK(l4_tcb_set_foreign_abi(s.tcb, 1));
    struct fault f = receive(s.ep, s.reply);
    UT_EQ(l4_get_mr(L4_FAULT_SYSCALL_MR_RAX), 158);
    l4_set_mr(L4_FAULT_SYSCALL_MR_RAX, 0);
    l4_set_mr(L4_FAULT_SYSCALL_MR_FS_BASE, (l4_word_t)&tls_word);
    /* the words in between are written back as they came */
    UT_OK(answer(s.reply, L4_FAULT_REPLY_RESUME, L4_FAULT_SYSCALL_MR_FS_BASE + 1));
    f = receive(s.ep, s.reply);
    UT_EQ(f.label, L4_FAULT_LABEL_SYSCALL);
    UT_EQ(l4_get_mr(L4_FAULT_SYSCALL_MR_RDI), 0x715);
    UT_EQ(l4_get_mr(L4_FAULT_SYSCALL_MR_FS_BASE), (l4_word_t)&tls_word);
}

UTEST(fault_no_handler_suspends, "a thread without a fault endpoint that faults is suspended at "
                                 "the faulting instruction")
{
    l4_cptr_t n = ut_new(L4_OBJECT_NOTIFICATION, 0);
    park = ut_new(L4_OBJECT_NOTIFICATION, 0);
    seen[1] = 0;
    l4_cptr_t t = ut_thread(read_at, UNMAPPED, PRIO);
    UT_ASSERT(n && t);
    UT_ASSERT(ut_settle_init());
    UT_OK(ut_settle());
    l4_word_t rip = reg(t, 0);
    UT_ASSERT(rip >= (l4_word_t)read_at && rip < (l4_word_t)read_at + 64);
    UT_EQ(seen[1], 0);
    /* Resume runs the instruction again, which faults again */
    UT_OK(l4_tcb_resume(t));
    UT_OK(ut_settle());
    UT_EQ(reg(t, 0), rip);
    UT_EQ(l4_debug_check_invariants(), 0);
}

UTEST(fault_endpoint_needs_grant_reply, "a fault endpoint capability without GrantReply (or "
                                        "Write) is no handler: the thread is suspended")
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0);
    park = ut_new(L4_OBJECT_NOTIFICATION, 0);
    UT_ASSERT(ep && park);
    l4_cptr_t weak = ut_mint(ep, L4_CAP_RIGHTS_READ | L4_CAP_RIGHTS_WRITE, 1);
    l4_cptr_t t = ut_thread_faulting(read_at, UNMAPPED, PRIO, weak);
    UT_ASSERT(weak && t);
    UT_ASSERT(ut_settle_init());
    UT_OK(ut_settle());
    l4_word_t badge;
    l4_msginfo_t info;
    UT_OK(l4_nbrecv(ep, ut_new(L4_OBJECT_REPLY, 0), &badge, &info));
    UT_EQ(info, 0); /* nothing was sent */
    UT_ASSERT(reg(t, 0) >= (l4_word_t)read_at && reg(t, 0) < (l4_word_t)read_at + 64);
}

UTEST(fault_queued_before_receive, "a fault that arrives before the handler receives waits in the "
                                   "endpoint queue and is delivered in full later")
{
    struct setup s;
    UT_ASSERT(start(&s, read_at, UNMAPPED, 0));
    UT_ASSERT(ut_settle_init());
    UT_OK(ut_settle()); /* the thread has faulted: it waits in the queue */
    struct fault f = receive(s.ep, s.reply);
    UT_EQ(f.label, L4_FAULT_LABEL_EXCEPTION);
    UT_EQ(f.length, L4_FAULT_EXCEPTION_LENGTH);
    UT_EQ(l4_get_mr(L4_FAULT_EXCEPTION_MR_ADDRESS), UNMAPPED);
    UT_EQ(l4_get_mr(CTX_RIP), reg(s.tcb, 0));
}

UTEST(fault_no_reply_stays_blocked, "without an answer the thread stays blocked; Suspend and "
                                    "Resume make it fault again, with the same message")
{
    struct setup s;
    UT_ASSERT(start(&s, read_at, UNMAPPED, 0));
    struct fault f = receive(s.ep, s.reply);
    l4_word_t rip = l4_get_mr(CTX_RIP);
    UT_ASSERT(ut_settle_init());
    UT_OK(ut_settle());
    UT_EQ(seen[1], 0);
    UT_OK(l4_tcb_suspend(s.tcb));
    /* the Reply object no longer owes anything */
    UT_ERR(answer(s.reply, L4_FAULT_REPLY_RESUME, 0), L4_ILLEGAL_OPERATION);
    UT_OK(l4_tcb_resume(s.tcb));
    f = receive(s.ep, s.reply);
    UT_EQ(f.label, L4_FAULT_LABEL_EXCEPTION);
    UT_EQ(l4_get_mr(L4_FAULT_EXCEPTION_MR_ADDRESS), UNMAPPED);
    UT_EQ(l4_get_mr(CTX_RIP), rip);
    UT_EQ(l4_debug_check_invariants(), 0);
}

UTEST(fault_suspend_foreign_restarts, "a foreign syscall whose fault IPC is cancelled by Suspend "
                                      "is made again on Resume, with its registers intact")
{
    struct setup s;
    UT_ASSERT(start(&s, foreign, 0, 0));
    UT_OK(l4_tcb_set_foreign_abi(s.tcb, 1));
    struct fault f = receive(s.ep, s.reply);
    UT_EQ(l4_get_mr(L4_FAULT_SYSCALL_MR_RAX), 39);
    UT_OK(l4_tcb_suspend(s.tcb));
    UT_OK(l4_tcb_resume(s.tcb));
    f = receive(s.ep, s.reply);
    UT_EQ(f.label, L4_FAULT_LABEL_SYSCALL);
    UT_EQ(l4_get_mr(L4_FAULT_SYSCALL_MR_RAX), 39);
    UT_EQ(l4_get_mr(L4_FAULT_SYSCALL_MR_R9), 0x66);
}

UTEST(fault_reply_label_suspends, "a reply with another label writes the registers but leaves "
                                  "the thread suspended")
{
    struct setup s;
    UT_ASSERT(start(&s, invalid_opcode, 0, 1));
    UT_EQ(receive(s.ep, s.reply).label, L4_FAULT_LABEL_EXCEPTION);
    l4_word_t rip = l4_get_mr(CTX_RIP);
    l4_set_mr(CTX_RIP, rip + 2);
    UT_OK(answer(s.reply, 1, CTX_RIP + 1));
    UT_ASSERT(ut_settle_init());
    UT_OK(ut_settle());
    UT_EQ(seen[0], 0);
    UT_EQ(reg(s.tcb, 0), rip + 2);
    /* Resume lets it go on from there */
    UT_OK(l4_tcb_resume(s.tcb));
    UT_OK(l4_wait(s.ntfn, NULL));
    UT_EQ(seen[0], 0x600d);
}

UTEST(fault_reply_deleted, "deleting the Reply object of a pending fault suspends the thread "
                           "without touching its registers")
{
    struct setup s;
    UT_ASSERT(start(&s, read_at, UNMAPPED, 0));
    UT_EQ(receive(s.ep, s.reply).label, L4_FAULT_LABEL_EXCEPTION);
    l4_word_t rax = l4_get_mr(CTX_RAX), rip = l4_get_mr(CTX_RIP);
    UT_OK(ut_delete(s.reply));
    UT_EQ(reg(s.tcb, 3), rax); /* not a syscall: no status written */
    UT_EQ(reg(s.tcb, 0), rip);
    UT_EQ(l4_debug_check_invariants(), 0);
}

UTEST(fault_endpoint_deleted_while_queued, "deleting the fault endpoint with a fault queued "
                                           "suspends the thread, registers intact")
{
    struct setup s;
    UT_ASSERT(start(&s, foreign, 0, 0));
    UT_OK(l4_tcb_set_foreign_abi(s.tcb, 1));
    UT_ASSERT(ut_settle_init());
    UT_OK(ut_settle()); /* its foreign syscall waits in the queue */
    l4_word_t rip = reg(s.tcb, 0);
    UT_OK(ut_delete(s.ep));
    UT_OK(ut_delete(s.ep_orig)); /* the last capability: the endpoint is destroyed */
    UT_EQ(l4_debug_check_invariants(), 0);
    /* RIP is back on the syscall instruction, to be made again */
    UT_EQ(*(const volatile uint16_t *)reg(s.tcb, 0), 0x050f);
    UT_EQ(reg(s.tcb, 0), rip - 2);
    UT_EQ(reg(s.tcb, 3), 39);
}

UTEST(fault_own_vspace_change, "a thread that gives itself an empty address space faults at its "
                               "next instruction fetch: the change takes effect on return")
{
    struct setup s;
    l4_cptr_t pml4 = ut_new(L4_OBJECT_PML4, 0);
    UT_ASSERT(pml4);
    own_fault_ep = 0;
    UT_ASSERT(start(&s, own_vspace, pml4, 0));
    own_fault_ep = s.ep;
    struct fault f = receive(s.ep, s.reply);
    UT_EQ(f.label, L4_FAULT_LABEL_EXCEPTION);
    UT_EQ(l4_get_mr(L4_FAULT_EXCEPTION_MR_VECTOR), 14);
    UT_EQ(l4_get_mr(L4_FAULT_EXCEPTION_MR_ERROR_CODE) & (PF_PRESENT | PF_USER | PF_FETCH),
          PF_USER | PF_FETCH);
    UT_EQ(l4_get_mr(L4_FAULT_EXCEPTION_MR_ADDRESS), l4_get_mr(CTX_RIP));
    UT_EQ(seen[1], 0);
}
