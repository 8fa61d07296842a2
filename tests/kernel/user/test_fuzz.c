/* SPDX-License-Identifier: MIT */
/*
 * Kernel fuzzing: an unprivileged task makes random syscalls and faults.
 *
 * fuzz_other_space tests the helper of other_space.h with the fixed
 * routine fuzz_probe. fuzz_syscalls runs the fuzz loop (fuzz_loop.S,
 * contract in fuzz_loop.h) on a thread with its own VSpace (a new PML4
 * mapping only the loop's code page and its data and stack pages) and its
 * own CSpace (a CNode of 32 slots with an endpoint, a notification, a
 * Reply object, a small untyped, a frame, its PML4, its TCB, another TCB
 * and its fault endpoint; never a capability of the root task's own).
 * Its faults come to the test, which checks each message against the
 * thread's registers and restarts the loop with a fresh seed in one of
 * several ways (reply, Suspend and WriteRegisters, a suspending reply and
 * Resume, ...), and sometimes rebuilds the task's CSpace and TCB set-up.
 * Meanwhile, at the fuzzer's priority, a trusted pair of root threads
 * does Call/ReplyRecv (its counter must advance in every window of
 * WINDOW_TICKS ticks), a partner thread serves the fuzzer's endpoint and
 * a ticker sends the test a tick every TICK_MS: the test then checks
 * DebugCheckInvariants, restarts a fuzzer that made no progress for
 * STUCK_TICKS ticks, and wakes whatever it may wait on. At the end all is
 * deleted and the test's untyped must be reusable whole.
 *
 * Reproduce a run with the seed it prints: boot with fuzz_seed=N (and
 * fuzz_calls=N for the length); the tick timing still varies between runs.
 */
#include <l4/rt.h>
#include "fuzz_common.h"
#include "fuzz_loop.h"
#include "other_space.h"

_Static_assert(FZ_ERROR_COUNT == L4_ERROR_COUNT, "fuzz_loop.h: error count");
_Static_assert(FZ_CAP_TYPE_COUNT == L4_CAP_TYPE_COUNT, "fuzz_loop.h: capability types");
_Static_assert(FZ_ILLEGAL_OPERATION == L4_ILLEGAL_OPERATION, "fuzz_loop.h: IllegalOperation");
_Static_assert(FZ_IPC + L4_IPC_BUFFER_SIZE <= FZ_ITERATIONS, "fuzz_loop.h: IPC buffer first");
_Static_assert(FZ_REC_BYTES == 64 && (FZ_RING_LEN & (FZ_RING_LEN - 1)) == 0,
               "fuzz_loop.S indexes the ring with a shift and a mask");
_Static_assert(FZ_STATUSES + 8 * FZ_ERROR_COUNT <= FZ_RING, "fuzz_loop.h: status counters");
_Static_assert(FZ_RING_END <= FZ_PAGE_SIZE, "fuzz_loop.h: the ring fits the data page");
_Static_assert(FZ_SLOTS_USED <= 16, "fuzz_loop.S names slots below 16 most often");

extern char fuzz_code_start[], fuzz_code_end[], fuzz_entry[], fuzz_sysret[], fuzz_checks_end[];
extern char fuzz_fail_clobber[], fuzz_fail_status[], fuzz_fail_wx[];
extern char fuzz_probe[];

#define PRIO          100
#define FUZZ_BADGE    0xf0
#define TICK_BADGE    0x71c
#define TICK_LABEL    0x71c
#define PING_LABEL    0x919
#define TICK_MS       10
#define WINDOW_TICKS  10
#define STUCK_TICKS   2
#define TIME_LIMIT_S  40
#define MAX_REPORTS   3
#define DEFAULT_CALLS 4000
#define DEFAULT_SEED  UINT64_C(0xf0221e55eed5eed1)
#define ALL           L4_CAP_RIGHTS_ALL
#define RW            (L4_VM_RIGHTS_READ | L4_VM_RIGHTS_WRITE)
#define RX            (L4_VM_RIGHTS_READ | L4_VM_RIGHTS_EXECUTE)
#define CTX(i)        (L4_FAULT_EXCEPTION_MR_CONTEXT + (i))

/* The fuzzing thread's data and stack pages, mapped in both spaces. */
static struct {
    _Alignas(4096) unsigned char data[FZ_PAGE_SIZE];
    _Alignas(4096) unsigned char stack[4096];
} pages;

#define FZ(off) (*(volatile uint64_t *)(pages.data + (off)))

/* A word of the root task's own data: never mapped in the other space. */
static volatile uint64_t root_only_word = 1;

/* Registers that start fn in the other space with a fresh seed. */
static void start_context(struct l4_user_context *c, const void *fn, uint64_t seed)
{
    c->rip = (l4_word_t)fn;
    c->rsp = (l4_word_t)pages.stack + sizeof pages.stack;
    c->rflags = 0x202;
    c->rax = ut_rnd();
    c->rbx = seed | 1;
    c->rcx = ut_rnd();
    c->rdx = ut_rnd();
    c->rsi = ut_rnd();
    c->rdi = ut_rnd();
    c->rbp = (l4_word_t)pages.data;
    c->r8 = ut_rnd();
    c->r9 = ut_rnd();
    c->r10 = ut_rnd();
    c->r11 = ut_rnd();
    c->r12 = ut_rnd();
    c->r13 = ut_rnd();
    c->r14 = ut_rnd();
    c->r15 = ut_rnd();
    c->fs_base = ut_rnd() % L4_USER_TOP;
    c->gs_base = ut_rnd() % 4 ? 0 : ut_rnd() % L4_USER_TOP;
}

/* An address space with the loop's three pages, configured for cspace. */
static void map_fuzz_pages(struct os_space *os, l4_cptr_t cspace, l4_cptr_t fault_ep, uint8_t mcp)
{
    UT_OK(os_map_image(os, fuzz_code_start, fuzz_code_end, RX));
    UT_OK(os_map_image(os, pages.data, pages.data + sizeof pages.data, RW));
    UT_OK(os_map_image(os, pages.stack, pages.stack + sizeof pages.stack, RW));
    UT_OK(
        os_configure(os, cspace, fuzz_flat_guard(FZ_CNODE_RADIX), fault_ep, pages.data, PRIO, mcp));
}

/* ==== the helper: a fixed routine in another space ================================ */

/* Receive the probe's fault; check it and return the address it read. */
static l4_word_t probe_fault(l4_cptr_t ep, l4_cptr_t reply)
{
    l4_word_t badge = 0;
    l4_msginfo_t info = 0;
    l4_error_t e = l4_recv(ep, reply, &badge, &info);
    if (e != L4_NO_ERROR || badge != FUZZ_BADGE ||
        l4_msginfo_get_label(info) != L4_FAULT_LABEL_EXCEPTION ||
        l4_get_mr(L4_FAULT_EXCEPTION_MR_VECTOR) != 14 ||
        l4_get_mr(CTX(0)) <= (l4_word_t)fuzz_probe ||
        l4_get_mr(CTX(0)) >= (l4_word_t)fuzz_probe + 64) {
        ut_fail(__FILE__, __LINE__,
                "probe: status %s, badge %#lx, label %#lx, vector %lu, rip %#lx", l4_error_name(e),
                (unsigned long)badge, (unsigned long)l4_msginfo_get_label(info),
                (unsigned long)l4_get_mr(0), (unsigned long)l4_get_mr(CTX(0)));
        return ~(l4_word_t)0;
    }
    return l4_get_mr(L4_FAULT_EXCEPTION_MR_ADDRESS);
}

/* Answer the probe's fault: run it again, reading at addr, identifying slot. */
static l4_error_t probe_again(l4_cptr_t reply, l4_word_t addr, l4_word_t slot)
{
    struct l4_user_context c;
    start_context(&c, fuzz_probe, 1);
    c.rbx = addr;
    c.r13 = slot;
    for (unsigned i = 0; i < L4_USER_CONTEXT_WORDS; i++)
        l4_set_mr(CTX(i), l4_user_context_get_word(&c, i));
    return l4_send(reply, l4_msginfo_new(L4_FAULT_REPLY_RESUME, 0, 0, L4_FAULT_EXCEPTION_LENGTH));
}

UTEST(fuzz_other_space, "a routine of the test image runs in a new VSpace and CSpace: it writes "
                        "its shared page, names its own capabilities, and its reads of an "
                        "unmapped page, a kernel address and the root task's data fault")
{
    const l4_word_t unmapped = UINT64_C(0x10000000), kernel = UINT64_C(0xffff800000001000);
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0), reply = ut_new(L4_OBJECT_REPLY, 0);
    l4_cptr_t ntfn = ut_new(L4_OBJECT_NOTIFICATION, 0);
    l4_cptr_t cn = ut_new(L4_OBJECT_CNODE, FZ_CNODE_RADIX);
    UT_ASSERT(ep && reply && ntfn && cn);
    UT_OK(l4_cnode_mint(cn, FZ_SLOT_FAULT_EP, FZ_CNODE_RADIX, UT_CNODE, ep, UT_DEPTH,
                        L4_CAP_RIGHTS_WRITE | L4_CAP_RIGHTS_GRANT_REPLY, FUZZ_BADGE));
    UT_OK(l4_cnode_copy(cn, FZ_SLOT_NTFN, FZ_CNODE_RADIX, UT_CNODE, ntfn, UT_DEPTH, ALL));

    struct os_space os;
    UT_OK(os_create(&os, "fuzz-probe"));
    map_fuzz_pages(&os, cn, FZ_SLOT_FAULT_EP, 0);
    if (ut_failed())
        return;
    FZ(FZ_PROBE_WORDS) = FZ(FZ_PROBE_WORDS + 8) = 0;
    struct l4_user_context c;
    start_context(&c, fuzz_probe, 1);
    c.rbx = unmapped;
    c.r13 = FZ_SLOT_NTFN; /* an IOPortControl capability in the root's CSpace */
    UT_OK(os_start(&os, &c));

    UT_EQ(probe_fault(ep, reply), unmapped);
    UT_EQ(FZ(FZ_PROBE_WORDS), FZ_PROBE_MAGIC);
    UT_EQ(FZ(FZ_PROBE_WORDS + 8), L4_CAP_NOTIFICATION);
    UT_OK(probe_again(reply, kernel, FZ_SLOT_FAULT_EP));
    UT_EQ(probe_fault(ep, reply), kernel);
    UT_EQ(FZ(FZ_PROBE_WORDS + 8), L4_CAP_ENDPOINT);
    UT_OK(probe_again(reply, (l4_word_t)&root_only_word, FZ_SLOT_CNODE));
    UT_EQ(probe_fault(ep, reply), (l4_word_t)&root_only_word);
    UT_EQ(FZ(FZ_PROBE_WORDS + 8), L4_CAP_NULL);
    UT_EQ(l4_debug_check_invariants(), 0);

    UT_OK(os_destroy(&os));
    UT_OK(l4_cnode_revoke(UT_CNODE, cn, UT_DEPTH));
    UT_OK(ut_delete(cn));
    UT_EQ(l4_debug_check_invariants(), 0);
}

/* ==== the controller =============================================================== */

/* How a fault was answered: the thread restarts at fuzz_entry each time. */
enum method {
    M_REPLY,            /* reply with the new registers, label Resume */
    M_SUSPEND_WRITE,    /* Suspend, then WriteRegisters with resume */
    M_WRITE_RESUME,     /* Suspend, WriteRegisters, Resume */
    M_SUSPENDING_REPLY, /* reply with a suspending label, then Resume */
    M_WRITE_BLOCKED,    /* WriteRegisters while it waits, then an empty reply */
    M_LEAVE,            /* no answer: the other Reply object takes over */
    M_RESET,            /* rebuild its CSpace and TCB set-up, then start */
    M_STUCK,            /* the same, after STUCK_TICKS ticks without progress */
    M_COUNT
};

static const char *const method_name[M_COUNT] = {
    "reply",        "suspend+write", "write+resume", "suspending-reply", "write-then-reply",
    "left-waiting", "reset",         "stuck"};

struct fuzz {
    struct os_space os;
    struct fuzz_task task; /* its vspace and tcb: those of os */
    l4_cptr_t reply[2];
    unsigned cur; /* reply[cur] takes the next message */
    uint64_t seed, episode_seed, calls, tsc_hz, start, limit;
    uint64_t faults, fakes, foreign, vectors[32], methods[M_COUNT], ticks, checks;
    uint64_t last_iterations, idle_ticks, last_trusted, syscalls_at_fault, no_progress;
    unsigned reports;
    l4_word_t msg[L4_FAULT_EXCEPTION_LENGTH];
};

/* The syscalls the loop made last, oldest first, and its IPC buffer. */
static void print_ring(void)
{
    uint64_t n = FZ(FZ_RING_NEXT);
    for (uint64_t k = n > FZ_RING_LEN ? n - FZ_RING_LEN : 0; k < n; k++) {
        const volatile uint64_t *r =
            (const volatile uint64_t *)(pages.data + FZ_RING + (k % FZ_RING_LEN) * FZ_REC_BYTES);
        l4_printf(
            "#   syscall %lu: rax %#lx rdi %#lx rsi %#lx (label %#lx, %lu words, %lu caps) "
            "mr0-3 %#lx %#lx %#lx %#lx r12 %#lx\n",
            (unsigned long)k, (unsigned long)r[0], (unsigned long)r[1], (unsigned long)r[2],
            (unsigned long)l4_msginfo_get_label(r[2]), (unsigned long)l4_msginfo_get_length(r[2]),
            (unsigned long)l4_msginfo_get_extra_caps(r[2]), (unsigned long)r[3],
            (unsigned long)r[4], (unsigned long)r[5], (unsigned long)r[6], (unsigned long)r[7]);
    }
    const struct l4_ipc_buffer *b = (const struct l4_ipc_buffer *)pages.data;
    l4_printf("#   its IPC buffer: mr4-11 %#lx %#lx %#lx %#lx %#lx %#lx %#lx %#lx, caps %#lx %#lx "
              "%#lx, receive %#lx/%#lx/%lu\n",
              (unsigned long)b->msg[4], (unsigned long)b->msg[5], (unsigned long)b->msg[6],
              (unsigned long)b->msg[7], (unsigned long)b->msg[8], (unsigned long)b->msg[9],
              (unsigned long)b->msg[10], (unsigned long)b->msg[11],
              (unsigned long)b->caps_or_badges[0], (unsigned long)b->caps_or_badges[1],
              (unsigned long)b->caps_or_badges[2], (unsigned long)b->receive_cnode,
              (unsigned long)b->receive_index, (unsigned long)b->receive_depth);
}

/* Fail the test with what, the seeds, the last fault message and syscalls. */
static void report(struct fuzz *f, const char *what, l4_word_t a, l4_word_t b)
{
    if (f->reports++ >= MAX_REPORTS)
        return;
    ut_fail(__FILE__, __LINE__, "%s (%#lx, %#lx); seed %#lx, episode seed %#lx, syscall %lu", what,
            (unsigned long)a, (unsigned long)b, (unsigned long)f->seed,
            (unsigned long)f->episode_seed, (unsigned long)FZ(FZ_SYSCALLS));
    l4_printf("#   last fault message:");
    for (unsigned i = 0; i < L4_FAULT_EXCEPTION_LENGTH; i++)
        l4_printf(" %#lx", (unsigned long)f->msg[i]);
    l4_printf("\n");
    print_ring();
}

/* Stop the task and undo whatever it did to its capabilities and TCB:
 * fuzz_clear_task, then its CNode is refilled and its TCB configured
 * again. */
static l4_error_t reset_task(struct fuzz *f)
{
    l4_error_t e;
    if ((e = fuzz_clear_task(&f->task)) || (e = fuzz_fill_cspace(&f->task)) ||
        (e = os_configure(&f->os, f->task.cnode, fuzz_flat_guard(FZ_CNODE_RADIX), FZ_SLOT_FAULT_EP,
                          pages.data, PRIO, 0)) ||
        (e = l4_tcb_set_foreign_abi(f->os.tcb, false)))
        return e;
    l4_tcb_unbind_notification(f->os.tcb); /* IllegalOperation when not bound */
    return L4_NO_ERROR;
}

/* Restart the loop with a fresh seed; the thread is blocked in a fault
 * on reply[cur] unless m is M_RESET or M_STUCK, which work in any state. */
static void restart(struct fuzz *f, enum method m)
{
    struct l4_user_context c;
    l4_cptr_t tcb = f->os.tcb, r = f->reply[f->cur];
    l4_error_t e = L4_NO_ERROR;
    f->episode_seed = ut_rnd() | 1;
    start_context(&c, fuzz_entry, f->episode_seed);
    if (m == M_REPLY || m == M_SUSPENDING_REPLY)
        for (unsigned i = 0; i < L4_USER_CONTEXT_WORDS; i++)
            l4_set_mr(CTX(i), l4_user_context_get_word(&c, i));
    switch (m) {
    case M_REPLY:
        e = l4_send(r, l4_msginfo_new(L4_FAULT_REPLY_RESUME, 0, 0, L4_FAULT_EXCEPTION_LENGTH));
        break;
    case M_SUSPEND_WRITE:
        if (!(e = l4_tcb_suspend(tcb)))
            e = l4_tcb_write_registers(tcb, true, L4_USER_CONTEXT_WORDS, &c);
        break;
    case M_WRITE_RESUME:
        if (!(e = l4_tcb_suspend(tcb)) &&
            !(e = l4_tcb_write_registers(tcb, false, L4_USER_CONTEXT_WORDS, &c)))
            e = l4_tcb_resume(tcb);
        break;
    case M_SUSPENDING_REPLY:
        e = l4_send(r, l4_msginfo_new(1 + ut_rnd() % 1000, 0, 0, L4_FAULT_EXCEPTION_LENGTH));
        if (!e)
            e = l4_tcb_resume(tcb);
        break;
    case M_WRITE_BLOCKED:
        if (!(e = l4_tcb_write_registers(tcb, false, L4_USER_CONTEXT_WORDS, &c)))
            e = l4_send(r, l4_msginfo_new(L4_FAULT_REPLY_RESUME, 0, 0, 0));
        break;
    case M_LEAVE:
        f->cur ^= 1;
        break;
    default:
        if (!(e = reset_task(f)))
            e = l4_tcb_write_registers(tcb, true, L4_USER_CONTEXT_WORDS, &c);
        f->cur = 0;
        f->idle_ticks = f->no_progress = 0;
        break;
    }
    f->methods[m]++;
    if (e != L4_NO_ERROR)
        report(f, "restarting the loop failed (method, status)", m, e);
}

static enum method pick_method(struct fuzz *f)
{
    unsigned r = (unsigned)(ut_rnd() % 100);
    if (ut_rnd() % 8 == 0 || f->no_progress >= 4)
        return M_RESET;
    return r < 50   ? M_REPLY
           : r < 65 ? M_SUSPEND_WRITE
           : r < 77 ? M_WRITE_RESUME
           : r < 87 ? M_SUSPENDING_REPLY
           : r < 97 ? M_WRITE_BLOCKED
                    : M_LEAVE;
}

/* Vectors the loop's actions can raise. */
static int expected_vector(l4_word_t v)
{
    return v == 0 || v == 1 || v == 3 || v == 6 || v == 12 || v == 13 || v == 14 || v == 17;
}

/* A message through the task's fault-endpoint capability: a fault, or a
 * message the loop sent there itself (then it is in a syscall). */
static void handle_task(struct fuzz *f, l4_msginfo_t info)
{
    l4_word_t label = l4_msginfo_get_label(info), len = l4_msginfo_get_length(info);
    for (unsigned i = 0; i < L4_FAULT_EXCEPTION_LENGTH; i++)
        f->msg[i] = i < len ? l4_get_mr(i) : 0;
    struct l4_user_context regs = {0};
    l4_error_t e = l4_tcb_read_registers(f->os.tcb, false, L4_USER_CONTEXT_WORDS, &regs);
    if (e != L4_NO_ERROR) {
        report(f, "ReadRegisters of the task failed", e, 0);
        return;
    }
    int same = 1;
    for (unsigned i = 0; i < L4_USER_CONTEXT_WORDS; i++)
        same &= f->msg[CTX(i)] == l4_user_context_get_word(&regs, i);
    uint64_t syscalls = FZ(FZ_SYSCALLS);
    f->no_progress = syscalls == f->syscalls_at_fault ? f->no_progress + 1 : 0;
    f->syscalls_at_fault = syscalls;

    if (label == L4_FAULT_LABEL_SYSCALL && len == L4_FAULT_SYSCALL_LENGTH &&
        f->msg[L4_FAULT_SYSCALL_MR_RIP] == regs.rip &&
        f->msg[L4_FAULT_SYSCALL_MR_RSP] == regs.rsp &&
        f->msg[L4_FAULT_SYSCALL_MR_RAX] == regs.rax) {
        f->foreign++; /* it switched itself to the foreign ABI */
        restart(f, M_RESET);
        return;
    }
    if (regs.rip == (l4_word_t)fuzz_sysret && !(same && label == L4_FAULT_LABEL_EXCEPTION)) {
        /* its own Send or Call: answer a Call with random words */
        f->fakes++;
        l4_send(f->reply[f->cur], l4_msginfo_new(ut_rnd() % 64, 0, 0, ut_rnd() % 9));
        return;
    }
    if (label != L4_FAULT_LABEL_EXCEPTION || len != L4_FAULT_EXCEPTION_LENGTH || !same) {
        report(f, "a fault message that does not match the thread (label, length)", label, len);
        return;
    }
    l4_word_t vector = f->msg[L4_FAULT_EXCEPTION_MR_VECTOR], rip = regs.rip;
    if (rip == (l4_word_t)fuzz_fail_clobber)
        report(f, "a syscall changed a register the ABI preserves (rbx, rbp)", regs.rbx, regs.rbp);
    else if (rip == (l4_word_t)fuzz_fail_status)
        report(f, "a syscall returned a status it cannot return (status, sysno)", regs.rax,
               FZ(FZ_RING + ((FZ(FZ_RING_NEXT) - 1) % FZ_RING_LEN) * FZ_REC_BYTES));
    else if (rip >= (l4_word_t)fuzz_sysret && rip < (l4_word_t)fuzz_checks_end)
        report(f, "a fault after a syscall returned: RSP broken? (vector, rsp)", vector, regs.rsp);
    else if (rip == (l4_word_t)fuzz_fail_wx)
        report(f, "a write to the read+execute code page succeeded", rip, 0);
    else if (!expected_vector(vector))
        report(f, "a fault with a vector user code cannot raise (vector, rip)", vector, rip);
    f->faults++;
    f->vectors[vector % 32]++;
    restart(f, pick_method(f));
}

/* A tick: progress, invariants, wake-ups. Returns 0 once time is up. */
static int tick(struct fuzz *f)
{
    f->ticks++;
    uint64_t it = FZ(FZ_ITERATIONS);
    if (it != f->last_iterations) {
        f->last_iterations = it;
        f->idle_ticks = 0;
    } else if (++f->idle_ticks >= STUCK_TICKS) {
        restart(f, M_STUCK);
    }
    if (fuzz_trusted_stalled(f->ticks, WINDOW_TICKS, &f->last_trusted))
        report(f, "the trusted threads made no progress in a window (tick, count)", f->ticks,
               fuzz_trusted_count);
    l4_word_t v = l4_debug_check_invariants();
    f->checks++;
    if (v)
        report(f, "DebugCheckInvariants found violations (count, tick)", v, f->ticks);
    l4_signal(f->task.ntfn);
    l4_nbsend(f->task.ep, l4_msginfo_new(ut_rnd() % 64, 0, 0, ut_rnd() % 9));
    return fuzz_rdtsc() - f->start < f->limit;
}

static void print_stats(const struct fuzz *f, uint64_t ms)
{
    l4_printf("# fuzz: %lu syscalls, %lu iterations, %lu fault actions in %lu ms; %lu faults "
              "(vector:count",
              (unsigned long)FZ(FZ_SYSCALLS), (unsigned long)FZ(FZ_ITERATIONS),
              (unsigned long)FZ(FZ_FAULT_ACTIONS), (unsigned long)ms, (unsigned long)f->faults);
    for (unsigned v = 0; v < 32; v++)
        if (f->vectors[v])
            l4_printf(" %u:%lu", v, (unsigned long)f->vectors[v]);
    l4_printf("), %lu own messages, %lu foreign-ABI syscalls\n# fuzz: statuses:",
              (unsigned long)f->fakes, (unsigned long)f->foreign);
    for (unsigned e = 0; e < L4_ERROR_COUNT; e++)
        l4_printf(" %s %lu", l4_error_name(e), (unsigned long)FZ(FZ_STATUSES + 8 * e));
    l4_printf("\n# fuzz: restarts:");
    for (unsigned m = 0; m < M_COUNT; m++)
        l4_printf(" %s %lu", method_name[m], (unsigned long)f->methods[m]);
    l4_printf("; %lu ticks, %lu invariant checks, %lu trusted round trips, %lu partner messages "
              "(%lu capabilities)\n",
              (unsigned long)f->ticks, (unsigned long)f->checks, (unsigned long)fuzz_trusted_count,
              (unsigned long)fuzz_partner_msgs, (unsigned long)fuzz_partner_caps);
}

/* Every object of the run: made in root slots, so that the end can sweep. */
static void make_objects(struct fuzz *f)
{
    fuzz_make_objects(&f->task, FUZZ_BADGE);
    f->reply[0] = ut_new(L4_OBJECT_REPLY, 0);
    f->reply[1] = ut_new(L4_OBJECT_REPLY, 0);
    UT_ASSERT(!ut_failed());
    UT_OK(l4_debug_name_thread(f->task.victim, "fuzz-victim"));
    UT_OK(os_create(&f->os, "fuzzer"));
    map_fuzz_pages(&f->os, f->task.cnode, FZ_SLOT_FAULT_EP, 0);
    f->task.vspace = f->os.vspace;
    f->task.tcb = f->os.tcb;
    if (!ut_failed())
        UT_OK(fuzz_fill_cspace(&f->task));
}

/* Start the root threads at the fuzzer's priority. */
static void start_threads(struct fuzz *f)
{
    static const struct fuzz_threads_cfg cfg = {.prio = PRIO,
                                                .ping_label = PING_LABEL,
                                                .tick_label = TICK_LABEL,
                                                .tick_badge = TICK_BADGE,
                                                .tick_ms = TICK_MS,
                                                .check_fs = 0,
                                                .partner_seed = 0x9a27e4,
                                                .partner_words = 8,
                                                .partner_len_mask = 7};
    l4_cptr_t ping;
    fuzz_threads_start(&cfg, f->task.fault_ep, f->task.ep, f->tsc_hz, &ping);
}

UTEST(fuzz_syscalls, "an unprivileged task in its own VSpace and CSpace makes thousands of random "
                     "syscalls and faults: the kernel keeps its invariants and its ABI, a trusted "
                     "thread keeps running, and all of it can be torn down")
{
    static struct fuzz f;
    f = (struct fuzz){0};
    l4_cptr_t first = ut_slot();
    f.seed = fuzz_knob("fuzz_seed", DEFAULT_SEED);
    f.calls = fuzz_knob("fuzz_calls", DEFAULT_CALLS);
    f.tsc_hz = fuzz_tsc_hz();
    f.limit = f.tsc_hz * TIME_LIMIT_S;
    l4_printf("# fuzz: seed %#lx, %lu syscalls (boot with fuzz_seed=N fuzz_calls=N to change)\n",
              (unsigned long)f.seed, (unsigned long)f.calls);
    ut_rnd_seed(f.seed ? f.seed : 1);
    for (unsigned i = 0; i < sizeof pages.data; i++)
        pages.data[i] = 0;
    l4_ipc_buffer()->receive_depth = 0;

    make_objects(&f);
    start_threads(&f);
    if (ut_failed())
        return;
    struct l4_user_context c;
    f.episode_seed = ut_rnd() | 1;
    start_context(&c, fuzz_entry, f.episode_seed);
    f.start = fuzz_rdtsc();
    UT_OK(os_start(&f.os, &c));

    while (FZ(FZ_SYSCALLS) < f.calls && !f.reports) {
        l4_word_t badge = 0;
        l4_msginfo_t info = 0;
        l4_error_t e = l4_recv(f.task.fault_ep, f.reply[f.cur], &badge, &info);
        if (e != L4_NO_ERROR)
            report(&f, "Recv on the fault endpoint failed (status, badge)", e, badge);
        else if (badge == TICK_BADGE) {
            if (!tick(&f))
                break;
        } else if (badge == FUZZ_BADGE)
            handle_task(&f, info);
        else
            report(&f, "a message with an unknown badge (badge, label)", badge,
                   l4_msginfo_get_label(info));
    }
    uint64_t ms = (fuzz_rdtsc() - f.start) * 1000 / f.tsc_hz;

    /* stop the task and everything it made, let the root threads finish */
    fuzz_stop = 1;
    l4_error_t e1 = l4_tcb_suspend(f.os.tcb), e2 = l4_tcb_suspend(f.task.victim);
    l4_error_t e3 = l4_cnode_revoke(UT_CNODE, f.task.pool, UT_DEPTH);
    int settled = ut_settle_once();
    print_stats(&f, ms);
    l4_word_t violations = l4_debug_check_invariants();

    /* tear down (also after a failure, so that the next tests start clean):
     * the other space, then every object of the run */
    l4_error_t e4 = os_destroy(&f.os);
    int swept = fuzz_sweep(first, ut_slot());
    l4_word_t violations_after = l4_debug_check_invariants();
    /* nothing made from the test's untyped is left: it is reusable whole */
    l4_error_t e5 = fuzz_untyped_whole();

    UT_EQ(f.reports, 0);
    UT_OK(e1);
    UT_OK(e2);
    UT_OK(e3);
    UT_ASSERT(settled);
    UT_EQ(violations, 0);
    UT_EQ(fuzz_trusted_errors, 0);
    UT_ASSERT(FZ(FZ_SYSCALLS) >= f.calls); /* else the time limit ended the run */
    UT_ASSERT(f.faults >= f.calls / 100);
    if (f.calls >= DEFAULT_CALLS) /* a short run may not need them all */
        UT_ASSERT(f.methods[M_REPLY] && f.methods[M_SUSPEND_WRITE] && f.methods[M_RESET]);
    UT_OK(e4);
    UT_ASSERT(swept);
    UT_EQ(violations_after, 0);
    UT_OK(e5);
    UT_EQ(l4_debug_check_invariants(), 0);
}
