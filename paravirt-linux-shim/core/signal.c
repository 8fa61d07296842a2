/* SPDX-License-Identifier: MIT */
/*
 * Signals in the shim (docs/linux/signals.md): sending, the pending sets,
 * default actions, stopping and continuing, and delivery to a handler on
 * a real rt_sigframe (signal/frame.c lays it out), and rt_sigreturn; the
 * signal system calls and ITIMER_REAL are signal_calls.c's.
 *
 * Delivery always takes one path. The thread is first stopped with TCB
 * ReadRegisters(suspend): whatever it was doing in the kernel ends there
 * (a fault the shim has not answered yet is aborted, and the kernel moves
 * RIP back to its `syscall` instruction, RAX still the number). The shim
 * then knows every register and decides how the thread goes on:
 *
 *   it was answered      RAX = the result, RIP after the `syscall`
 *   it was parked        SA_RESTART and a restartable call: as aborted
 *                        (the call runs again after the handler); else
 *                        RAX = -EINTR, RIP after the `syscall`
 *   it ran in user mode  as it was
 *   it faulted           as it was (the handler may fix and return)
 *
 * and on top of that state builds the frame (registers, FPU image read
 * with TCB ReadFPU through the FPU page, mask, siginfo) on the process's
 * stack, and starts the handler with WriteRegisters(resume). rt_sigreturn
 * is the reverse: the frame is read back, checked, and the registers and
 * FPU image written.
 *
 * When: a signal for the process whose call is being answered is
 * delivered at the answer (syscall.c's caller, main.c); one for a parked
 * process interrupts it now; one for a process that runs (preempted: the
 * shim outranks every process) stops it now. One signal per return to
 * user mode; the next is delivered at the next (a handler's rt_sigreturn
 * is one).
 */
#include <string.h>
#include <l4/platform.h>
#include <l4/rt.h>
#include <l4/stubs_gen.h>
#include <shim/linux_abi.h>
#include <shim/signal.h>
#include "shim.h"
#include "signal_internal.h"
#include "syscalls.h"

#define NS                 1000000000ull
#define TIMER_ABSTIME_FLAG 1

static uint8_t *fpu_page;   /* the FPU page, mapped */
static l4_cptr_t fpu_frame; /* and its capability */

void sig_init(void)
{
    l4_word_t size = 0;
    fpu_page = l4_rt_shared_page(L4_PLAT_PAGE_FPU, &size);
    fpu_frame = l4_rt_cap(L4_PLAT_CAP_FPU);
    if (!fpu_page || fpu_frame == L4_CPTR_NULL)
        shim_log("no FPU page: signal frames carry no FPU state");
}

/* --- Registers: the kernel's order and sigcontext's ------------------------ */

static void regs_from(struct shim_regs *r, const struct l4_user_context *u)
{
    *r = (struct shim_regs){.r8 = u->r8,
                            .r9 = u->r9,
                            .r10 = u->r10,
                            .r11 = u->r11,
                            .r12 = u->r12,
                            .r13 = u->r13,
                            .r14 = u->r14,
                            .r15 = u->r15,
                            .rdi = u->rdi,
                            .rsi = u->rsi,
                            .rbp = u->rbp,
                            .rbx = u->rbx,
                            .rdx = u->rdx,
                            .rax = u->rax,
                            .rcx = u->rcx,
                            .rsp = u->rsp,
                            .rip = u->rip,
                            .rflags = u->rflags};
}

static void regs_to(struct l4_user_context *u, const struct shim_regs *r)
{
    u->r8 = r->r8, u->r9 = r->r9, u->r10 = r->r10, u->r11 = r->r11;
    u->r12 = r->r12, u->r13 = r->r13, u->r14 = r->r14, u->r15 = r->r15;
    u->rdi = r->rdi, u->rsi = r->rsi, u->rbp = r->rbp, u->rbx = r->rbx;
    u->rdx = r->rdx, u->rax = r->rax, u->rcx = r->rcx, u->rsp = r->rsp;
    u->rip = r->rip, u->rflags = r->rflags;
}

/* FPU state between two threads (fork), through the FPU page. */
void sig_copy_fpu(const struct process *from, const struct process *to)
{
    if (fpu_page && l4_tcb_read_fpu(from->tcb, fpu_frame) == L4_NO_ERROR)
        (void)l4_tcb_write_fpu(to->tcb, fpu_frame);
}

/* --- Actions and pending sets ---------------------------------------------- */

const struct shim_sigaction *sig_action(const struct process *p, int sig)
{
    return (const struct shim_sigaction *)p->sigaction[sig - 1];
}

/* What a signal sent now would do if delivered by its action. */
bool sig_ignored(const struct process *p, int sig)
{
    uint64_t h = sig_action(p, sig)->handler;
    if (h == SHIM_SIG_IGN)
        return true;
    if (h == SHIM_SIG_DFL && p->pid == 1 && !shim.host && sig != LINUX_SIGKILL)
        return true; /* init only gets the signals it handles, as on Linux */
    enum shim_sig_default d = shim_signal_default(sig);
    return h == SHIM_SIG_DFL && (d == SHIM_SIG_IGNORE || d == SHIM_SIG_CONT);
}

uint64_t sig_pending_set(const struct process *p)
{
    uint64_t s = p->sigpending;
    for (unsigned i = 0; i < p->nrtq; i++)
        s |= shim_sigbit(p->rtq[i].si_signo);
    return s;
}

bool sig_deliverable(const struct process *p)
{
    if (!p->sigpending && !p->nrtq)
        return false; /* the common case, at every answer */
    return p->live && !p->zombie &&
           (sig_pending_set(p) & ~(p->sigmask & ~SHIM_SIG_UNBLOCKABLE)) != 0;
}

/* Take signal sig off the pending sets; its siginfo into *info. */
void sig_dequeue(struct process *p, int sig, struct shim_siginfo *info)
{
    if (sig < LINUX_SIGRTMIN) {
        *info = p->sig_info[sig - 1];
        p->sigpending &= ~shim_sigbit(sig);
        return;
    }
    for (unsigned i = 0; i < p->nrtq; i++)
        if (p->rtq[i].si_signo == sig) {
            *info = p->rtq[i];
            memmove(&p->rtq[i], &p->rtq[i + 1], (p->nrtq - i - 1) * sizeof p->rtq[0]);
            p->nrtq--;
            return;
        }
    memset(info, 0, sizeof *info);
    info->si_signo = sig;
}

void sig_discard(struct process *p, uint64_t set)
{
    p->sigpending &= ~set;
    unsigned k = 0;
    for (unsigned i = 0; i < p->nrtq; i++)
        if (!(set & shim_sigbit(p->rtq[i].si_signo)))
            p->rtq[k++] = p->rtq[i];
    p->nrtq = k;
}

/* The kept reply p waits on, if it is parked (and may be interrupted). */
static l4_word_t parked(const struct process *p)
{
    for (unsigned i = 0; i < shim_nprocs; i++)
        if (procs[i].live && procs[i].vfork_parent == p->pid)
            return 0; /* a vfork parent goes on when its child execs */
    return shim_parked_reply(p->pid);
}

/* --- Stop and continue ---------------------------------------------------- */

static void notify_parent(struct process *p, int code, int status)
{
    struct process *parent = proc_by_pid(p->ppid);
    if (!parent || parent->zombie)
        return;
    if ((code == LINUX_CLD_STOPPED || code == LINUX_CLD_CONTINUED) &&
        (sig_action(parent, LINUX_SIGCHLD)->flags & LINUX_SA_NOCLDSTOP))
        return;
    struct shim_siginfo si = {.si_signo = LINUX_SIGCHLD, .si_code = code};
    si.u.chld.pid = p->pid;
    si.u.chld.status = status;
    sig_send(parent, LINUX_SIGCHLD, &si);
}

/* p stops (its thread is suspended already, its registers written). */
static void stop(struct process *p, int sig)
{
    sched_leave(p);
    p->stopped = true;
    p->stop_report = 0x7f | sig << 8;
    notify_parent(p, LINUX_CLD_STOPPED, sig);
    proc_child_changed(p);
}

static void cont(struct process *p)
{
    sig_discard(p, shim_sigbit(LINUX_SIGSTOP) | shim_sigbit(LINUX_SIGTSTP) |
                       shim_sigbit(LINUX_SIGTTIN) | shim_sigbit(LINUX_SIGTTOU));
    if (!p->stopped)
        return;
    p->stopped = false;
    p->stop_report = 0xffff;
    if (sched_may_run(p))
        (void)l4_tcb_resume(p->tcb);
    notify_parent(p, LINUX_CLD_CONTINUED, LINUX_SIGCONT);
    proc_child_changed(p);
}

/* --- Delivery ---------------------------------------------------------------- */

/* Build sig's frame on top of *r and point *r at the handler; false if the
 * frame cannot be written (the process then dies of SIGSEGV). */
static bool setup_frame(struct process *p, struct shim_regs *r, const struct shim_siginfo *info,
                        uint64_t trapno, uint64_t err, uint64_t cr2)
{
    int sig = info->si_signo;
    struct shim_sigaction act = *sig_action(p, sig);
    /* the thread's FPU image: an xsave image of the components it has
     * (x87 and SSE, and AVX where the CPU has it), as Linux's frames carry */
    uint8_t fx[SHIM_XSAVE_MAX];
    memset(fx, 0, sizeof fx);
    size_t fpsize = SHIM_FXSAVE_SIZE;
    uint64_t features = 0;
    if (fpu_page && l4_tcb_read_fpu(p->tcb, fpu_frame) == L4_NO_ERROR) {
        memcpy(fx, fpu_page, sizeof fx);
        memcpy(&features, fx + 512, 8); /* XSTATE_BV: every enabled component */
        features &= 7;
        fpsize = features & 4 ? SHIM_XSAVE_MAX : SHIM_FXSAVE_SIZE + 64;
    }
    uint64_t saved = p->restore_mask ? p->saved_mask : p->sigmask;
    static uint8_t buf[SHIM_SIGFRAME_MAX];
    struct shim_sigframe_out out;
    if (shim_signal_build_frame_x(r, fx, fpsize, features, info, &act, saved, &p->altstack, trapno,
                                  err, cr2, buf, &out) != 0)
        return false;
    if (mm_copy_out(&p->mm, out.frame, buf, out.size) != 0)
        return false;
    *r = out.regs;
    /* the frame keeps the mask to go back to (sigsuspend's: the one from
     * before it); the handler runs with the mask now, its sa_mask and,
     * unless SA_NODEFER, the signal itself */
    p->sigmask |= act.mask;
    if (!(act.flags & LINUX_SA_NODEFER))
        p->sigmask |= shim_sigbit(sig);
    p->sigmask &= ~SHIM_SIG_UNBLOCKABLE;
    p->restore_mask = false;
    if (out.disarm) /* SS_AUTODISARM: the stack is the handler's now */
        p->altstack = (struct shim_stack){.ss_flags = LINUX_SS_DISABLE};
    if (act.flags & LINUX_SA_RESETHAND)
        memset(p->sigaction[sig - 1], 0, sizeof p->sigaction[0]);
    return true;
}

/* The thread of p is suspended with registers *u (as it should go on).
 * Take the pending signals in order: a handler gets a frame and the thread
 * runs it; a default action is taken. The thread is resumed unless p stops
 * or dies. trapno/err/cr2 describe a fault being delivered (else 0). */
static void go_on(struct process *p, struct l4_user_context *u, uint64_t trapno, uint64_t err,
                  uint64_t cr2)
{
    for (;;) {
        int sig = shim_signal_next(sig_pending_set(p), p->sigmask);
        if (!sig)
            break;
        struct shim_siginfo info;
        sig_dequeue(p, sig, &info);
        const struct shim_sigaction *act = sig_action(p, sig);
        if (act->handler == SHIM_SIG_IGN)
            continue;
        if (act->handler == SHIM_SIG_DFL) {
            enum shim_sig_default d = shim_signal_default(sig);
            if (d == SHIM_SIG_IGNORE || d == SHIM_SIG_CONT)
                continue;
            if (p->pid == 1 && !shim.host && sig != LINUX_SIGKILL && !trapno)
                continue; /* init only dies of what it handles, as on Linux */
            if (d == SHIM_SIG_STOP) {
                if (p->restore_mask) {
                    p->sigmask = p->saved_mask;
                    p->restore_mask = false;
                }
                (void)l4_tcb_write_registers(p->tcb, false, L4_USER_CONTEXT_WORDS, u);
                stop(p, sig);
                return;
            }
            proc_exit(p, sig);
            return;
        }
        struct shim_regs r;
        regs_from(&r, u);
        if (!setup_frame(p, &r, &info, trapno, err, cr2)) {
            shim_log("pid %d: no room for a signal frame at %#lx: killed by signal 11", p->pid,
                     (unsigned long)u->rsp);
            proc_exit(p, LINUX_SIGSEGV);
            return;
        }
        regs_to(u, &r);
        break; /* one frame per return to user mode */
    }
    if (p->restore_mask) {
        p->sigmask = p->saved_mask;
        p->restore_mask = false;
    }
    /* it runs now if it holds the CPU (or gets it), else when its turn comes */
    (void)l4_tcb_write_registers(p->tcb, sched_may_run(p), L4_USER_CONTEXT_WORDS, u);
}

/* Stop p's thread; its registers, or false (it is gone). */
static bool halt(struct process *p, struct l4_user_context *u)
{
    shim_flush_reply(); /* an answer held for the loop's ReplyRecv goes first */
    return p->tcb && l4_tcb_read_registers(p->tcb, true, L4_USER_CONTEXT_WORDS, u) == L4_NO_ERROR;
}

bool sig_at_return(struct process *p, const struct syscall_frame *f, bool reply_fs)
{
    struct l4_user_context u;
    if (!halt(p, &u))
        return false;
    u.rax = f->nr; /* the result */
    u.rip = f->rip;
    if (reply_fs)
        u.fs_base = f->fs;
    go_on(p, &u, 0, 0, 0);
    return true;
}

void sig_at_answer(struct process *p, l4_word_t value)
{
    struct l4_user_context u;
    if (!halt(p, &u))
        return;
    u.rax = value;
    u.rip += 2; /* the aborted call is answered: past its `syscall` */
    go_on(p, &u, 0, 0, 0);
}

/* Calls a handler with SA_RESTART runs again; the others give EINTR. */
static bool restartable(l4_word_t nr)
{
    switch (nr) {
    case SYS_read:
    case SYS_write:
    case SYS_readv:
    case SYS_writev:
    case SYS_pread64:
    case SYS_pwrite64:
    case SYS_wait4:
    case SYS_waitid:
    case SYS_ioctl:
    case SYS_open:
    case SYS_openat:
    case SYS_sendfile:
        return true;
    }
    return false;
}

/* Interrupt p (not the process being answered) for a pending signal. */
static void interrupt(struct process *p)
{
    if (!p->live || p->zombie || p->stopped || !p->tcb)
        return;
    sched_settle(p); /* a queued answer: its call ended, it is not parked */
    l4_word_t kept = parked(p);
    if (!kept && shim_parked_reply(p->pid))
        return; /* a vfork parent: at the answer */
    struct l4_user_context u;
    if (!halt(p, &u))
        return;
    if (kept || p->paused) {
        p->paused = false;
        /* out of whatever it waits in; the call either runs again after
         * the handler or ends with EINTR */
        uint64_t left = sleep_cancel(p);
        vfs_forget(p);
        futex_forget(p);
        proc_wait_cancel(p);
        p->sigwait_set = 0;
        if (kept)
            shim_release_reply(kept);
        int sig = shim_signal_next(sig_pending_set(p), p->sigmask);
        const struct shim_sigaction *act = sig ? sig_action(p, sig) : NULL;
        bool handler = act && act->handler > SHIM_SIG_IGN;
        u.rax = p->sys_nr;
        if (!handler && act && act->handler == SHIM_SIG_DFL &&
            shim_signal_default(sig) == SHIM_SIG_STOP) {
            /* stopped in the call: it runs again when continued */
        } else if (!(handler && (act->flags & LINUX_SA_RESTART) && restartable(p->sys_nr))) {
            u.rax = (l4_word_t)-LINUX_EINTR;
            u.rip += 2;
            uint64_t rem = p->sys_nr == SYS_nanosleep         ? p->sys_a[1]
                           : p->sys_nr == SYS_clock_nanosleep ? p->sys_a[3]
                                                              : 0;
            if (rem && !(p->sys_nr == SYS_clock_nanosleep && (p->sys_a[1] & TIMER_ABSTIME_FLAG))) {
                uint64_t ts[2] = {left / NS, left % NS};
                (void)mm_copy_out(&p->mm, rem, ts, sizeof ts);
            }
        }
    }
    go_on(p, &u, 0, 0, 0);
}

void sig_send(struct process *q, int sig, const struct shim_siginfo *info)
{
    if (!q->live || q->zombie || sig < 1 || sig > LINUX_NSIG)
        return;
    if (sig == LINUX_SIGKILL) {
        proc_exit(q, LINUX_SIGKILL);
        return;
    }
    if (sig == LINUX_SIGCONT)
        cont(q);
    enum shim_sig_default d = shim_signal_default(sig);
    if (d == SHIM_SIG_STOP || sig == LINUX_SIGSTOP)
        sig_discard(q, shim_sigbit(LINUX_SIGCONT));
    bool blocked = (q->sigmask & shim_sigbit(sig)) && sig != LINUX_SIGSTOP;
    bool waited = q->sigwait_set & shim_sigbit(sig);
    if (!blocked && !waited && sig_ignored(q, sig))
        return; /* discarded at once */
    struct shim_siginfo si;
    if (info) {
        si = *info;
    } else {
        memset(&si, 0, sizeof si);
        si.si_code = LINUX_SI_KERNEL;
    }
    si.si_signo = sig;
    if (sig < LINUX_SIGRTMIN) {
        if (q->sigpending & shim_sigbit(sig))
            return; /* a standard signal is pending once */
        q->sigpending |= shim_sigbit(sig);
        q->sig_info[sig - 1] = si;
    } else {
        if (q->nrtq == SHIM_SIGQ_MAX)
            return; /* the queue is full (Linux: EAGAIN for sigqueue) */
        q->rtq[q->nrtq++] = si;
    }
    if (waited) { /* a sigtimedwait for it takes it */
        struct shim_siginfo got;
        sig_dequeue(q, sig, &got);
        l4_word_t kept = shim_parked_reply(q->pid);
        q->sigwait_set = 0;
        if (q->sigwait_info)
            (void)mm_copy_out(&q->mm, q->sigwait_info, &got, sizeof got);
        if (kept)
            shim_answer(kept, (l4_word_t)sig);
        return;
    }
    if (q == shim_current)
        return; /* at the answer of its call */
    if (blocked)
        return;
    if (q->stopped && sig != LINUX_SIGCONT)
        return;
    interrupt(q);
}

void sig_send_kernel(struct process *q, int sig, int code, int pid)
{
    struct shim_siginfo si = {.si_signo = sig, .si_code = code};
    si.u.kill.pid = pid;
    sig_send(q, sig, &si);
}

void sig_fault(struct process *p, int sig, int code, uint64_t addr, uint64_t trapno, uint64_t err)
{
    /* a fault's signal cannot be blocked or ignored: that kills */
    const struct shim_sigaction *act = sig_action(p, sig);
    if ((p->sigmask & shim_sigbit(sig)) || act->handler <= SHIM_SIG_IGN) {
        shim_log("pid %d: %s at %#lx: killed by signal %d", p->pid,
                 trapno == 14 ? "bad memory access" : "exception", (unsigned long)addr, sig);
        proc_exit(p, sig);
        return;
    }
    struct l4_user_context u;
    if (!halt(p, &u))
        return;
    struct shim_siginfo si = {.si_signo = sig, .si_code = code};
    si.u.fault.addr = addr;
    p->sigpending |= shim_sigbit(sig);
    p->sig_info[sig - 1] = si;
    go_on(p, &u, trapno, err, trapno == 14 ? addr : 0);
}

void sig_child_exited(struct process *child, int wait_status)
{
    bool killed = (wait_status & 0x7f) != 0;
    notify_parent(child, killed ? LINUX_CLD_KILLED : LINUX_CLD_EXITED,
                  killed ? (wait_status & 0x7f) : (wait_status >> 8) & 0xff);
}

bool sig_reaps_children(const struct process *p)
{
    const struct shim_sigaction *a = sig_action(p, LINUX_SIGCHLD);
    return a->handler == SHIM_SIG_IGN || (a->flags & LINUX_SA_NOCLDWAIT);
}

void sig_fork(struct process *child, const struct process *parent)
{
    memcpy(child->sigaction, parent->sigaction, sizeof child->sigaction);
    child->sigmask = parent->sigmask;
    child->altstack = parent->altstack;
}

void sig_exec(struct process *p, const struct process *old)
{
    /* handlers go back to SIG_DFL, SIG_IGN stays; the mask and pending
     * signals stay; the alternate stack goes */
    for (unsigned i = 0; i < 64; i++)
        if (old->sigaction[i][0] == SHIM_SIG_IGN)
            p->sigaction[i][0] = SHIM_SIG_IGN;
    p->sigmask = old->sigmask;
    p->sigpending = old->sigpending;
    memcpy(p->sig_info, old->sig_info, sizeof p->sig_info);
    p->nrtq = old->nrtq;
    memcpy(p->rtq, old->rtq, sizeof p->rtq);
    p->alarm_at = old->alarm_at;
    p->alarm_every = old->alarm_every;
}

/* rt_sigreturn: the frame the handler returned over is at rsp - 8. */
long sig_return(struct process *p, const struct syscall_frame *f)
{
    struct l4_user_context u;
    if (!halt(p, &u))
        return SHIM_BLOCKED;
    static struct shim_rt_sigframe frame;
    struct shim_regs cur;
    regs_from(&cur, &u);
    struct shim_sigreturn out;
    static uint8_t fx[SHIM_XSAVE_MAX + 4];
    if (mm_copy_in(&p->mm, &frame, f->rsp - 8, sizeof frame) != 0 ||
        shim_signal_parse_frame(&frame, &cur, &out) != 0 ||
        (out.fpstate && mm_copy_in(&p->mm, fx, out.fpstate, SHIM_FXSAVE_SIZE) != 0)) {
        shim_log("pid %d: rt_sigreturn with a bad frame at %#lx: killed by signal 11", p->pid,
                 (unsigned long)(f->rsp - 8));
        proc_exit(p, LINUX_SIGSEGV);
        return SHIM_BLOCKED;
    }
    if (out.fpstate && fpu_page && l4_tcb_read_fpu(p->tcb, fpu_frame) == L4_NO_ERROR) {
        /* an xsave image if the frame says so (and it can be read whole),
         * else the legacy region over what the thread has */
        size_t size = SHIM_FXSAVE_SIZE;
        uint32_t claimed;
        memcpy(&claimed, fx + 464 + 16, 4);
        if (claimed > SHIM_FXSAVE_SIZE && claimed <= SHIM_XSAVE_MAX &&
            mm_copy_in(&p->mm, fx, out.fpstate, claimed + 4) == 0)
            size = shim_signal_frame_fpsize(fx, claimed + 4);
        uint64_t features;
        memcpy(&features, fpu_page + 512, 8);
        features &= 7;
        if (size > SHIM_FXSAVE_SIZE) {
            memset(fpu_page, 0, SHIM_XSAVE_MAX);
            memcpy(fpu_page, fx, size);
            shim_signal_sanitize_xstate(fpu_page, SHIM_XSAVE_MAX, features);
        } else {
            shim_signal_sanitize_fx(fx);
            memcpy(fpu_page, fx, SHIM_FXSAVE_SIZE);
            fpu_page[512] |= 3; /* XSTATE_BV: x87 and SSE from the image */
        }
        (void)l4_tcb_write_fpu(p->tcb, fpu_frame);
    }
    regs_to(&u, &out.regs);
    p->sigmask = out.blocked;
    if (!(out.stack.ss_flags & ~(int32_t)(LINUX_SS_AUTODISARM | LINUX_SS_DISABLE)))
        p->altstack = out.stack; /* sigaltstack's settings come back */
    go_on(p, &u, 0, 0, 0);
    return SHIM_BLOCKED;
}
