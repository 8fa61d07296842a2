/* SPDX-License-Identifier: MIT */
/*
 * The signal system calls (docs/linux/signals.md, "The calls"): kill and
 * its relatives, rt_sigaction, rt_sigprocmask, rt_sigpending,
 * rt_sigsuspend, pause, sigaltstack, rt_sigtimedwait, alarm and the
 * itimers (ITIMER_REAL's deadlines live here too), and the temporary mask
 * of ppoll and pselect6. Sending and delivery are signal.c's.
 */
#include <string.h>
#include <l4/stubs_gen.h>
#include <shim/linux_abi.h>
#include <shim/signal.h>
#include "shim.h"
#include "signal_internal.h"
#include "syscalls.h"

#define NS 1000000000ull

/* --- ITIMER_REAL and sigtimedwait's deadline ------------------------------- */

uint64_t sig_next_deadline(void)
{
    uint64_t first = 0;
    for (unsigned i = 0; i < shim_nprocs; i++) {
        const struct process *p = &procs[i];
        if (!p->live || p->zombie)
            continue;
        if (p->alarm_at && (!first || p->alarm_at < first))
            first = p->alarm_at;
        if (p->sigwait_set && p->sigwait_deadline && (!first || p->sigwait_deadline < first))
            first = p->sigwait_deadline;
    }
    return first;
}

void sig_expire(uint64_t now)
{
    for (unsigned i = 0; i < shim_nprocs; i++) {
        struct process *p = &procs[i];
        if (!p->live || p->zombie)
            continue;
        if (p->sigwait_set && p->sigwait_deadline && p->sigwait_deadline <= now) {
            l4_word_t kept = shim_parked_reply(p->pid);
            p->sigwait_set = 0;
            if (kept)
                shim_answer(kept, (l4_word_t)-LINUX_EAGAIN);
        }
        if (p->alarm_at && p->alarm_at <= now) {
            p->alarm_at = p->alarm_every ? now + p->alarm_every : 0;
            sig_send_kernel(p, LINUX_SIGALRM, LINUX_SI_KERNEL, 0);
        }
    }
}

/* --- The system calls ------------------------------------------------------ */

/* kill, tkill, tgkill, rt_sigqueueinfo: to one process, a group, or all. */
static long do_kill(struct process *p, int pid, int sig, const struct shim_siginfo *given)
{
    if (sig < 0 || sig > LINUX_NSIG)
        return -LINUX_EINVAL;
    struct shim_siginfo si = {.si_signo = sig, .si_code = LINUX_SI_USER};
    si.u.kill.pid = p->pid;
    if (given)
        si = *given;
    int found = 0;
    for (unsigned i = 0; i < shim_nprocs; i++) {
        struct process *q = &procs[i];
        if (!q->live || q->zombie)
            continue;
        bool match = pid > 0     ? q->pid == pid
                     : pid == 0  ? q->pgrp == p->pgrp
                     : pid == -1 ? q->pid != 1 && q != p
                                 : q->pgrp == -pid;
        if (!match)
            continue;
        found++;
        if (sig)
            sig_send(q, sig, &si);
    }
    return found ? 0 : -LINUX_ESRCH;
}

static long do_sigaction(struct process *p, int sig, uint64_t uact, uint64_t uold, uint64_t size)
{
    struct shim_sigaction act;
    if (size != 8)
        return -LINUX_EINVAL;
    if (uact && mm_copy_in(&p->mm, &act, uact, sizeof act) != 0)
        return -LINUX_EFAULT;
    int e = shim_signal_check_action(sig, uact ? &act : NULL);
    if (e)
        return e;
    if (uold && mm_copy_out(&p->mm, uold, p->sigaction[sig - 1], sizeof act) != 0)
        return -LINUX_EFAULT;
    if (uact) {
        act.mask &= ~SHIM_SIG_UNBLOCKABLE;
        memcpy(p->sigaction[sig - 1], &act, sizeof act);
        if (sig_ignored(p, sig)) /* pending instances go (POSIX) */
            sig_discard(p, shim_sigbit(sig));
    }
    return 0;
}

static long do_sigprocmask(struct process *p, long how, uint64_t uset, uint64_t uold, uint64_t size)
{
    if (size != 8 || (uset && (how < 0 || how > 2)))
        return -LINUX_EINVAL;
    uint64_t set = 0, old = p->sigmask;
    if (uset && mm_copy_in(&p->mm, &set, uset, 8) != 0)
        return -LINUX_EFAULT;
    if (uold && mm_copy_out(&p->mm, uold, &old, 8) != 0)
        return -LINUX_EFAULT;
    if (uset) {
        set &= ~SHIM_SIG_UNBLOCKABLE;
        p->sigmask = how == 0 ? (old | set) : how == 1 ? (old & ~set) : set;
    }
    return 0;
}

static long do_sigaltstack(struct process *p, uint64_t uss, uint64_t uold, uint64_t rsp)
{
    const struct shim_stack *alt = &p->altstack;
    bool on = alt->ss_size && rsp > alt->ss_sp && rsp - alt->ss_sp <= alt->ss_size &&
              !(alt->ss_flags & LINUX_SS_AUTODISARM);
    if (uold) {
        struct shim_stack o = *alt;
        if (!o.ss_size)
            o = (struct shim_stack){.ss_flags = LINUX_SS_DISABLE};
        else
            o.ss_flags = (o.ss_flags & (int32_t)LINUX_SS_AUTODISARM) | (on ? LINUX_SS_ONSTACK : 0);
        if (mm_copy_out(&p->mm, uold, &o, sizeof o) != 0)
            return -LINUX_EFAULT;
    }
    if (!uss)
        return 0;
    struct shim_stack ss;
    if (mm_copy_in(&p->mm, &ss, uss, sizeof ss) != 0)
        return -LINUX_EFAULT;
    if (on)
        return -LINUX_EPERM;
    int32_t mode = ss.ss_flags & ~(int32_t)LINUX_SS_AUTODISARM;
    if (mode != 0 && mode != LINUX_SS_DISABLE && mode != LINUX_SS_ONSTACK)
        return -LINUX_EINVAL;
    if (mode == LINUX_SS_DISABLE) {
        p->altstack = (struct shim_stack){.ss_flags = LINUX_SS_DISABLE};
        return 0;
    }
    if (ss.ss_size < 2048) /* MINSIGSTKSZ */
        return -LINUX_ENOMEM;
    p->altstack = ss;
    p->altstack.ss_flags &= (int32_t)LINUX_SS_AUTODISARM;
    return 0;
}

/* Park p until a signal interrupts it (pause, sigsuspend): its thread is
 * suspended (the call aborted, to be answered with EINTR by interrupt()),
 * so that a paused process holds no Reply object. */
static long park(struct process *p)
{
    if (sig_deliverable(p))
        return -LINUX_EINTR;
    if (l4_tcb_suspend(p->tcb) != L4_NO_ERROR)
        return -LINUX_EAGAIN;
    p->paused = true;
    return SHIM_BLOCKED;
}

static long do_itimer(struct process *p, long which, uint64_t unew, uint64_t uold)
{
    if (which != 0)
        return which == 1 || which == 2 ? -LINUX_ENOSYS : -LINUX_EINVAL;
    uint64_t now = shim_now_ns();
    uint64_t left = p->alarm_at > now ? p->alarm_at - now : (p->alarm_at ? 1000 : 0);
    uint64_t old[4] = {p->alarm_every / NS, p->alarm_every % NS / 1000, left / NS,
                       (left % NS + 999) / 1000};
    if (old[3] == 1000000) {
        old[2]++;
        old[3] = 0;
    }
    uint64_t v[4];
    if (unew && mm_copy_in(&p->mm, v, unew, sizeof v) != 0)
        return -LINUX_EFAULT;
    if (unew && (v[1] >= 1000000 || v[3] >= 1000000 || (int64_t)v[0] < 0 || (int64_t)v[2] < 0))
        return -LINUX_EINVAL;
    if (uold && mm_copy_out(&p->mm, uold, old, sizeof old) != 0)
        return -LINUX_EFAULT;
    if (unew) {
        uint64_t every = v[0] * NS + v[1] * 1000, value = v[2] * NS + v[3] * 1000;
        p->alarm_every = value ? every : 0;
        p->alarm_at = value ? now + value : 0;
        shim_timer_changed();
    }
    return 0;
}

static long do_sigtimedwait(struct process *p, uint64_t uset, uint64_t uinfo, uint64_t uts,
                            uint64_t size)
{
    uint64_t set, ts[2] = {0, 0};
    if (size != 8)
        return -LINUX_EINVAL;
    if (mm_copy_in(&p->mm, &set, uset, 8) != 0 || (uts && mm_copy_in(&p->mm, ts, uts, 16) != 0))
        return -LINUX_EFAULT;
    if (uts && (ts[1] >= NS || (int64_t)ts[0] < 0))
        return -LINUX_EINVAL;
    set &= ~SHIM_SIG_UNBLOCKABLE;
    int sig = shim_signal_next(sig_pending_set(p) & set, 0);
    if (sig) {
        struct shim_siginfo info;
        sig_dequeue(p, sig, &info);
        if (uinfo && mm_copy_out(&p->mm, uinfo, &info, sizeof info) != 0)
            return -LINUX_EFAULT;
        return sig;
    }
    if (uts && ts[0] == 0 && ts[1] == 0)
        return -LINUX_EAGAIN;
    if (sig_deliverable(p))
        return -LINUX_EINTR;
    if (!shim_keep_reply())
        return -LINUX_EAGAIN;
    p->sigwait_set = set;
    p->sigwait_info = uinfo;
    p->sigwait_deadline = uts ? shim_now_ns() + ts[0] * NS + ts[1] : 0;
    shim_timer_changed();
    return SHIM_BLOCKED;
}

long sig_temp_mask(struct process *p, uint64_t uset, uint64_t size)
{
    if (!uset)
        return 0;
    uint64_t set;
    if (size != 8)
        return -LINUX_EINVAL;
    if (mm_copy_in(&p->mm, &set, uset, 8) != 0)
        return -LINUX_EFAULT;
    p->saved_mask = p->sigmask;
    p->restore_mask = true;
    p->sigmask = set & ~SHIM_SIG_UNBLOCKABLE;
    return sig_deliverable(p) ? -LINUX_EINTR : 0;
}

long sig_syscall(struct process *p, struct syscall_frame *f)
{
    const l4_word_t *a = f->a;
    switch (f->nr) {
    case SYS_rt_sigaction:
        return do_sigaction(p, (int)a[0], a[1], a[2], a[3]);
    case SYS_rt_sigprocmask:
        return do_sigprocmask(p, (long)(int)a[0], a[1], a[2], a[3]);
    case SYS_rt_sigreturn:
        return sig_return(p, f);
    case SYS_rt_sigpending: {
        if (a[1] > 8)
            return -LINUX_EINVAL;
        uint64_t s = sig_pending_set(p) & p->sigmask;
        return mm_copy_out(&p->mm, a[0], &s, a[1]) ? -LINUX_EFAULT : 0;
    }
    case SYS_rt_sigsuspend: {
        uint64_t set;
        if (a[1] != 8)
            return -LINUX_EINVAL;
        if (mm_copy_in(&p->mm, &set, a[0], 8) != 0)
            return -LINUX_EFAULT;
        p->saved_mask = p->sigmask;
        p->restore_mask = true;
        p->sigmask = set & ~SHIM_SIG_UNBLOCKABLE;
        return park(p);
    }
    case SYS_pause:
        return park(p);
    case SYS_sigaltstack:
        return do_sigaltstack(p, a[0], a[1], f->rsp);
    case SYS_alarm: {
        uint64_t now = shim_now_ns();
        long left = p->alarm_at
                        ? (long)((p->alarm_at > now ? p->alarm_at - now : 0) + NS / 2) / (long)NS
                        : 0;
        if (p->alarm_at && left == 0)
            left = 1;
        p->alarm_every = 0;
        p->alarm_at = (unsigned)a[0] ? now + (uint64_t)(unsigned)a[0] * NS : 0;
        shim_timer_changed();
        return left;
    }
    case SYS_setitimer:
        return do_itimer(p, (long)(int)a[0], a[1], a[2]);
    case SYS_getitimer:
        return a[1] ? do_itimer(p, (long)(int)a[0], 0, a[1]) : -LINUX_EFAULT;
    case SYS_kill:
        return do_kill(p, (int)a[0], (int)a[1], NULL);
    case SYS_tkill: /* one thread per process: the thread is the process */
        return (int)a[0] <= 0 ? -LINUX_EINVAL : do_kill(p, (int)a[0], (int)a[1], NULL);
    case SYS_tgkill: {
        if ((int)a[0] <= 0 || (int)a[1] <= 0)
            return -LINUX_EINVAL;
        if ((int)a[0] != (int)a[1])
            return -LINUX_ESRCH;
        struct shim_siginfo si = {.si_signo = (int)a[2], .si_code = LINUX_SI_TKILL};
        si.u.kill.pid = p->pid;
        return do_kill(p, (int)a[1], (int)a[2], &si);
    }
    case SYS_rt_sigqueueinfo:
    case SYS_rt_tgsigqueueinfo: {
        bool tg = f->nr == SYS_rt_tgsigqueueinfo;
        int pid = (int)a[0], sig = (int)a[tg ? 2 : 1];
        struct shim_siginfo si;
        if (mm_copy_in(&p->mm, &si, a[tg ? 3 : 2], sizeof si) != 0)
            return -LINUX_EFAULT;
        /* a process may not pretend to be the kernel, nor kill() */
        if ((si.si_code >= 0 || si.si_code == LINUX_SI_TKILL) && pid != p->pid)
            return -LINUX_EPERM;
        if (tg && (int)a[1] != pid)
            return -LINUX_ESRCH;
        si.si_signo = sig;
        return pid <= 0 ? -LINUX_EINVAL : do_kill(p, pid, sig, &si);
    }
    case SYS_rt_sigtimedwait:
        return do_sigtimedwait(p, a[0], a[1], a[2], a[3]);
    }
    return -LINUX_ENOSYS;
}
