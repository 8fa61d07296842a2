/* SPDX-License-Identifier: MIT */
/*
 * Instruction fuzzing: an unprivileged task runs random instruction blocks.
 *
 * This file checks what comes back and runs the test; the calls are made
 * in fuzz_insn_call.c, the task is set up in fuzz_insn_task.c (shared
 * declarations in fuzz_insn_task.h) and the root threads are those of
 * fuzz_common.c.
 *
 * fuzz_insn_blocks runs a task in its own VSpace and CSpace (the slots of
 * fuzz_loop.h, nothing of the root task's). Each "call" is one of:
 *   - a block of random bytes with instruction templates (fuzz_insn.h) in
 *     one of NCODE code pages, mapped at the root task's address, one also
 *     at LOW_VA and one at EDGE_VA (the last but one user page; with
 *     FZI_CLASS_TOP, one also at TOP_VA, the last user page, after
 *     checking that the page above it, at user_top, cannot be mapped),
 *     run with random registers and RFLAGS, natively (any syscall the
 *     task makes is the kernel's, with whatever registers it has) or with
 *     the foreign ABI (every syscall forwarded);
 *   - one structured syscall, mostly an invocation of the task's own TCB,
 *     CNode, VSpace, frame or untyped (self-modifying), through a
 *     `syscall; ud2` stub, so its status comes back in the #UD fault.
 * Every block starts at a trampoline that is valid code in both 64-bit
 * and 32-bit mode: it far-jumps back to the 64-bit code segment if an
 * earlier block left the task in compat mode, loads RAX and jumps to the
 * block, both from a control page the task can only read. Some restarts
 * skip it (the task resumes in whatever mode it was in).
 * Every fault comes to the test as exception IPC; it checks the message
 * against the task's registers (TCB ReadRegisters), that the vector is
 * one user code can raise and that RIP is a user address, and starts the
 * next call: by a reply with new registers or by Suspend and
 * WriteRegisters; a call still running after two ticks is stopped so.
 * Every RESET_EVERY calls (and after repeated watchdog stops) the task's
 * CSpace and TCB set-up is rebuilt. DebugCheckInvariants runs every
 * INVARIANT_EVERY calls and every tick; a trusted pair of root threads
 * does Call/ReplyRecv at the task's priority and must make progress in
 * every window of ticks. It prints one summary line, "# fuzzi: ...",
 * which tools/tessera fuzz parses.
 *
 * Knobs (kernel command line): fuzzi_seed, fuzzi_calls, fuzzi_time
 * (seconds; 0: none), fuzzi_template=N (every block starts with
 * template N of enum fzi_template, for a directed run), fuzzi_verbose=1
 * (print every fault), fuzzi_classes=MASK (FZI_CLASS_* of fuzz_insn.h,
 * default all: 1 far transfers to compat mode and syscall there, 2 FS/GS
 * selector loads, 4 a code page at TOP_VA, 8 TCBConfigure of its own
 * TCB, 16 unmasked x87 exceptions; each once found a kernel bug).
 */
#include "fuzz_insn_task.h"

/* Vectors user code can raise (interrupt gates other than 3 have DPL 0,
 * so int N and into give #GP; #NM never reaches user level). */
static int expected_vector(l4_word_t v)
{
    return v == 0 || v == 1 || v == 3 || v == 5 || v == 6 || v == 11 || v == 12 || v == 13 ||
           v == 14 || v == 16 || v == 17 || v == 19;
}

static int same_context(const struct fzi *f, const struct l4_user_context *r)
{
    for (unsigned i = 0; i < L4_USER_CONTEXT_WORDS; i++)
        if (f->msg[CTX(i)] != l4_user_context_get_word(r, i))
            return 0;
    return 1;
}

/* A message through the task's fault-endpoint capability. */
static void handle_task(struct fzi *f, l4_msginfo_t info)
{
    l4_word_t label = l4_msginfo_get_label(info), len = l4_msginfo_get_length(info);
    for (unsigned i = 0; i < L4_FAULT_EXCEPTION_LENGTH; i++)
        f->msg[i] = i < len ? l4_get_mr(i) : 0;
    struct l4_user_context regs = {0};
    l4_error_t e = l4_tcb_read_registers(f->task.tcb, false, L4_USER_CONTEXT_WORDS, &regs);
    if (e) {
        fzi_report(f, "ReadRegisters of the task failed", e, 0);
        return;
    }
    f->consecutive_watchdogs = 0;
    if (f->calls)
        f->ring[(f->calls - 1) % RING_LEN].end = label << 8 | (f->msg[0] & 0xff);
    if (label == L4_FAULT_LABEL_SYSCALL && len == L4_FAULT_SYSCALL_LENGTH &&
        f->msg[L4_FAULT_SYSCALL_MR_RIP] == regs.rip &&
        f->msg[L4_FAULT_SYSCALL_MR_RAX] == regs.rax) {
        f->syscall_fwd++;
        fzi_start_call(f, FZI_IN_SYSCALL);
        return;
    }
    if (label != L4_FAULT_LABEL_EXCEPTION || len != L4_FAULT_EXCEPTION_LENGTH ||
        !same_context(f, &regs)) {
        struct l4_user_context v = {0};
        if (label == L4_FAULT_LABEL_EXCEPTION && len == L4_FAULT_EXCEPTION_LENGTH &&
            !l4_tcb_read_registers(f->task.victim, false, L4_USER_CONTEXT_WORDS, &v) &&
            same_context(f, &v)) {
            f->victim_faults++; /* the other TCB, started by the task */
            l4_tcb_suspend(f->task.victim);
            return;
        }
        f->own_msgs++; /* its own Call or Send through the fault endpoint */
        fzi_start_call(f, 0);
        return;
    }
    l4_word_t vector = f->msg[L4_FAULT_EXCEPTION_MR_VECTOR], rip = regs.rip;
    if (f->verbose)
        l4_printf("# fuzzi: call %lu (%s, entry %#lx): vector %lu error %#lx address %#lx rip "
                  "%#lx rsp %#lx\n",
                  (unsigned long)f->calls, fzi_kind_name[f->kind], (unsigned long)f->entry,
                  (unsigned long)vector, (unsigned long)f->msg[1], (unsigned long)f->msg[2],
                  (unsigned long)rip, (unsigned long)regs.rsp);
    /* a jump or call to a kernel or non-canonical address ends with RIP
     * at the target: #PF on the fetch, #DB if TF was set, and on QEMU
     * #GP for a non-canonical target; other vectors need an instruction */
    int at_target = vector == 1 || vector == 13 || vector == 14;
    /* an instruction in the last bytes of the last user page leaves RIP
     * at user_top, which is canonical and never mapped: a trap there
     * (#DB, #BP, #OF report the next instruction) or the #PF of the fetch
     * after a syscall is fine; anything above it never is */
    int trap = vector == 1 || vector == 3 || vector == 4;
    /* a non-canonical RIP only ever comes with the #GP (or #DB) of a jump
     * there; never with #PF, and never from the kernel's own return */
    int canonical = rip < UINT64_C(0x800000000000) || rip >= UINT64_C(0xffff800000000000);
    if ((rip > L4_USER_TOP || (rip == L4_USER_TOP && !trap)) && !at_target) {
        f->bad_rip++;
        fzi_report(f, "a user fault at a RIP outside user space (vector, rip)", vector, rip);
    } else if (!canonical && vector != 13 && vector != 1) {
        f->bad_rip++;
        fzi_report(f, "a fault at a non-canonical RIP (vector, rip)", vector, rip);
    } else if (!expected_vector(vector)) {
        fzi_report(f, "a fault with a vector user code cannot raise (vector, rip)", vector, rip);
    } else if (f->kind == K_SYSCALL && vector == 6 &&
               rip == (l4_word_t)fzi_pg.tramp + STUB_OFF + 2) {
        l4_word_t s = regs.rax;
        f->statuses[s < 15 ? s : 15]++;
        if (f->sysno == SYS_REMOVED_CHECK_INVARIANTS && s != L4_ILLEGAL_OPERATION && !f->foreign)
            fzi_report(f, "the removed DebugCheckInvariants syscall did not fail (status, sysno)",
                       s, f->sysno);
        else if (f->sysno != L4_SYS_DEBUG_CAP_IDENTIFY && s >= L4_ERROR_COUNT)
            fzi_report(f, "a syscall returned a status it cannot return (status, sysno)", s,
                       f->sysno);
    }
    f->vectors[vector % 32]++;
    fzi_start_call(f, FZI_IN_EXCEPTION);
}

/* A tick: watchdog, invariants, trusted progress. 0 once time is up. */
static int tick(struct fzi *f)
{
    f->ticks++;
    if (f->calls != f->last_calls) {
        f->last_calls = f->calls;
        f->idle_ticks = 0;
    } else if (++f->idle_ticks >= STUCK_TICKS) {
        f->watchdogs++;
        f->ring[(f->calls - 1) % RING_LEN].end = 0xdead;
        f->consecutive_watchdogs++;
        f->idle_ticks = 0;
        fzi_start_call(f, 0);
    }
    if (fuzz_trusted_errors)
        fzi_report(f, "the trusted threads saw wrong answers or a wrong FS base (count, tick)",
                   fuzz_trusted_errors, f->ticks);
    if (fuzz_trusted_stalled(f->ticks, WINDOW_TICKS, &f->last_trusted))
        fzi_report(f, "the trusted threads made no progress in a window (tick, count)", f->ticks,
                   fuzz_trusted_count);
    l4_word_t v = l4_debug_check_invariants();
    f->checks++;
    if (v)
        fzi_report(f, "DebugCheckInvariants found violations (count, tick)", v, f->ticks);
    l4_signal(f->task.ntfn);
    return fuzz_rdtsc() - f->start < f->limit;
}

static void print_stats(const struct fzi *f, uint64_t ms)
{
    uint64_t faults = 0;
    for (unsigned v = 0; v < 32; v++)
        faults += f->vectors[v];
    l4_printf("# fuzzi: seed %#lx classes %u calls %lu ms %lu calls/s %lu native %lu foreign %lu "
              "syscalls %lu self-invocations %lu faults %lu vectors",
              (unsigned long)f->seed, f->classes, (unsigned long)f->calls, (unsigned long)ms,
              (unsigned long)(ms ? f->calls * 1000 / ms : 0), (unsigned long)f->kinds[K_NATIVE],
              (unsigned long)f->kinds[K_FOREIGN], (unsigned long)f->kinds[K_SYSCALL],
              (unsigned long)f->self_inv, (unsigned long)faults);
    const char *sep = " ";
    for (unsigned v = 0; v < 32; v++)
        if (f->vectors[v]) {
            l4_printf("%s%u:%lu", sep, v, (unsigned long)f->vectors[v]);
            sep = ",";
        }
    l4_printf(" forwarded %lu own %lu victim %lu watchdog %lu resets %lu direct %lu replies %lu "
              "writes %lu checks %lu ticks %lu trusted %lu top %d bad-rip %lu\n",
              (unsigned long)f->syscall_fwd, (unsigned long)f->own_msgs,
              (unsigned long)f->victim_faults, (unsigned long)f->watchdogs,
              (unsigned long)f->resets, (unsigned long)f->direct, (unsigned long)f->replies,
              (unsigned long)f->writes, (unsigned long)f->checks, (unsigned long)f->ticks,
              (unsigned long)fuzz_trusted_count, f->top_mapped, (unsigned long)f->bad_rip);
    l4_printf("# fuzzi: statuses");
    for (unsigned s = 0; s < 16; s++)
        l4_printf(" %lu", (unsigned long)f->statuses[s]);
    l4_printf("; templates");
    for (unsigned t = 0; t < FZI_T_COUNT; t++)
        l4_printf(" %s:%lu", fzi_template_name[t], (unsigned long)fzi_template_count[t]);
    l4_printf("; scrubbed %lu\n", (unsigned long)f->scrubbed);
}

static void start_threads(struct fzi *f)
{
    static const struct fuzz_threads_cfg cfg = {.prio = PRIO,
                                                .ping_label = PING_LABEL,
                                                .tick_label = TICK_LABEL,
                                                .tick_badge = TICK_BADGE,
                                                .tick_ms = TICK_MS,
                                                .check_fs = 1,
                                                .partner_seed = 0x77e4a1,
                                                .partner_words = 0,
                                                .partner_len_mask = 3};
    l4_cptr_t ping;
    fuzz_threads_start(&cfg, f->task.fault_ep, f->task.ep, f->tsc_hz, &ping);
    struct l4_user_context r = {0};
    UT_ASSERT(ping);
    if (!l4_tcb_read_registers(ping, false, L4_USER_CONTEXT_WORDS, &r))
        f->ping_fs = r.fs_base;
    l4_printf("# fuzzi: the trusted client's FS base is %#lx\n", (unsigned long)f->ping_fs);
}

UTEST(fuzz_insn_blocks, "an unprivileged task runs thousands of blocks of random instructions "
                        "(far transfers, segment loads, int N, syscall/sysenter, privileged "
                        "and x87/SSE/xsave instructions, code at the address-space edges) and "
                        "invokes its own TCB, CNode and VSpace: every fault comes back as "
                        "exception IPC, invariants hold and a trusted thread keeps running")
{
    static struct fzi f;
    f = (struct fzi){0};
    for (unsigned t = 0; t < FZI_T_COUNT; t++)
        fzi_template_count[t] = 0;
    l4_cptr_t first = ut_slot();
    f.seed = fuzz_knob("fuzzi_seed", DEFAULT_SEED);
    f.target = fuzz_knob("fuzzi_calls", DEFAULT_CALLS);
    f.classes = (unsigned)fuzz_knob("fuzzi_classes", FZI_CLASS_ALL) & FZI_CLASS_ALL;
    f.only = (int)fuzz_knob("fuzzi_template", ~UINT64_C(0));
    f.verbose = fuzz_knob("fuzzi_verbose", 0) != 0;
    f.tsc_hz = fuzz_tsc_hz();
    uint64_t limit_s = fuzz_knob("fuzzi_time", f.target > DEFAULT_CALLS ? 0 : TIME_LIMIT_S);
    f.limit = limit_s ? f.tsc_hz * limit_s : ~UINT64_C(0);
    l4_printf("# fuzzi: seed %#lx, %lu calls, classes %#x (boot with fuzzi_seed=N "
              "fuzzi_calls=N fuzzi_classes=MASK to change)\n",
              (unsigned long)f.seed, (unsigned long)f.target, f.classes);
    ut_rnd_seed(f.seed ? f.seed : 1);
    l4_ipc_buffer()->receive_depth = 0;

    fzi_make_task(&f);
    start_threads(&f);
    if (ut_failed())
        return;
    f.start = fuzz_rdtsc();
    f.foreign = -1;
    fzi_start_call(&f, 0);

    l4_word_t progress = PROGRESS_EVERY;
    while (f.calls < f.target && !f.reports) {
        /* where a long run was if QEMU itself dies (its TCG has
         * assertions that guest code can trip) */
        if (f.calls >= progress) {
            l4_printf("# fuzzi: progress %lu calls, seed %#lx\n", (unsigned long)f.calls,
                      (unsigned long)f.seed);
            progress += PROGRESS_EVERY;
        }
        l4_word_t badge = 0;
        l4_msginfo_t info = 0;
        l4_error_t e = l4_recv(f.task.fault_ep, f.reply, &badge, &info);
        if (e != L4_NO_ERROR)
            fzi_report(&f, "Recv on the fault endpoint failed (status, badge)", e, badge);
        else if (badge == TICK_BADGE) {
            if (!tick(&f))
                break;
        } else if (badge == FUZZ_BADGE)
            handle_task(&f, info);
        else
            fzi_report(&f, "a message with an unknown badge (badge, label)", badge,
                       l4_msginfo_get_label(info));
    }
    uint64_t ms = (fuzz_rdtsc() - f.start) * 1000 / f.tsc_hz;

    fuzz_stop = 1;
    l4_error_t e1 = l4_tcb_suspend(f.task.tcb), e2 = l4_tcb_suspend(f.task.victim);
    l4_error_t e3 = l4_cnode_revoke(UT_CNODE, f.task.pool, UT_DEPTH);
    int settled = ut_settle_once();
    print_stats(&f, ms);
    l4_word_t violations = l4_debug_check_invariants();

    /* tear down: the TCB, the frame copies and tables, the PML4, the rest */
    l4_cnode_revoke(UT_CNODE, f.task.tcb, UT_DEPTH);
    ut_delete(f.task.tcb);
    for (unsigned i = 0; i < f.nframes; i++)
        ut_delete(f.frames[i]);
    for (unsigned i = f.ntables; i-- > 0;)
        ut_delete(f.tables[i]);
    int swept = fuzz_sweep(first, ut_slot());
    l4_word_t violations_after = l4_debug_check_invariants();
    l4_error_t e5 = fuzz_untyped_whole();

    UT_EQ(f.reports, 0);
    UT_OK(e1);
    UT_OK(e2);
    UT_OK(e3);
    UT_ASSERT(settled);
    UT_EQ(violations, 0);
    UT_EQ(fuzz_trusted_errors, 0);
    UT_ASSERT(f.calls >= f.target); /* else the time limit ended the run */
    UT_ASSERT(f.kinds[K_NATIVE] && f.kinds[K_FOREIGN] && f.kinds[K_SYSCALL]);
    UT_ASSERT(f.vectors[13] && f.vectors[6] && f.vectors[14]);
    /* the x87 class unmasks x87 exceptions: #MF must reach the handler
     * (CR0.NE); without it QEMU aborts or the machine hangs */
    if (f.classes & FZI_CLASS_X87)
        UT_ASSERT(f.vectors[16]);
    UT_ASSERT(swept);
    UT_EQ(violations_after, 0);
    UT_OK(e5);
    UT_EQ(l4_debug_check_invariants(), 0);
}
