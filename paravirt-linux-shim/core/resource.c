/* SPDX-License-Identifier: MIT */
/*
 * What a process may do and what it has used (docs/linux/cred.md,
 * docs/linux/rusage.md): its credentials and the uid/gid calls (the rules
 * are proc/cred.c's), its resource limits (getrlimit, setrlimit,
 * prlimit64), and its CPU time, for getrusage, times and wait4.
 *
 * CPU time is an estimate on the PV clock, since the kernel keeps no
 * per-thread account the shim can read: a process is on the CPU from the
 * moment the shim answers it until its next system call or fault arrives
 * (user time), and in the shim while that call is handled (system time).
 * A parked call counts neither while it waits nor between its late answer
 * and the next call. With several runnable processes on one virtual CPU
 * the user time of each includes the others' turns, as if each had it
 * alone.
 *
 * Interface: proc_res_init/fork/exec (kept by fork and execve),
 * proc_acct_enter/leave (main.c's loop), proc_acct_reap (wait4),
 * proc_rusage_put, proc_fs_cred, proc_rlimit, sys_resource (the calls).
 */
#include <string.h>
#include <l4/platform.h>
#include <l4/pv/pvclock.h>
#include <l4/rt.h>
#include <shim/linux_abi.h>
#include <shim/tmpfs.h>
#include "shim.h"
#include "syscalls.h"

static uint64_t tsc_now(void);

#define RLIM_INF  (~UINT64_C(0))
#define NR_OPEN   SHIM_FD_TABLE_SIZE /* the largest RLIMIT_NOFILE */
#define RL_STACK  3
#define RL_NOFILE 7

void proc_res_init(struct process *p)
{
    memset(&p->res, 0, sizeof p->res);
    shim_cred_init(&p->res.cred);
    for (unsigned i = 0; i < SHIM_RLIMITS; i++)
        p->res.rlim[i][0] = p->res.rlim[i][1] = RLIM_INF;
    /* Linux's defaults (include/asm-generic/resource.h) */
    p->res.rlim[RL_STACK][0] = 8u << 20;
    p->res.rlim[4][0] = 0;                         /* CORE */
    p->res.rlim[6][0] = p->res.rlim[6][1] = 63459; /* NPROC */
    p->res.rlim[RL_NOFILE][0] = p->res.rlim[RL_NOFILE][1] = NR_OPEN;
    p->res.rlim[8][0] = p->res.rlim[8][1] = 8u << 20; /* MEMLOCK */
    p->res.rlim[11][0] = p->res.rlim[11][1] = 63459;  /* SIGPENDING */
    p->res.rlim[12][0] = p->res.rlim[12][1] = 819200; /* MSGQUEUE */
    p->res.rlim[13][0] = p->res.rlim[13][1] = 0;      /* NICE */
    p->res.rlim[14][0] = p->res.rlim[14][1] = 0;      /* RTPRIO */
    p->res.running = true;
    p->res.since = tsc_now();
}

void proc_res_fork(struct process *child, const struct process *parent)
{
    child->res = parent->res;
    child->res.utime = child->res.stime = child->res.cutime = child->res.cstime = 0;
    child->res.running = true;
    child->res.since = tsc_now();
    memcpy(child->cmdline, parent->cmdline, sizeof child->cmdline);
    child->cmdline_len = parent->cmdline_len;
}

void proc_res_exec(struct process *p, const struct process *old)
{
    p->res = old->res;
}

const struct shim_cred *proc_fs_cred(const struct process *p)
{
    static struct shim_cred c;
    c.uid = p->res.cred.u.fs;
    c.gid = p->res.cred.g.fs;
    return &c;
}

uint64_t proc_rlimit(const struct process *p, unsigned resource)
{
    if (resource == RL_NOFILE && p->fds)
        return p->fds->nofile;
    return resource < SHIM_RLIMITS ? p->res.rlim[resource][0] : RLIM_INF;
}

/* --- CPU time ----------------------------------------------------------------- */

/* `since` is a raw TSC value, and each interval is scaled to nanoseconds
 * with the PV clock's rate when it is added: two reads of the TSC per
 * call instead of two reads of the PV clock (its sequence lock and base),
 * which were a fifth of a null system call's cost in the shim. */
static uint64_t tsc_now(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t)hi << 32 | lo;
}

static uint64_t tsc_ns(uint64_t delta)
{
    static uint64_t mul;
    static uint32_t shift;
    if (!mul) {
        l4_word_t size = 0;
        const struct l4_pv_page *pv = l4_rt_shared_page(L4_PLAT_PAGE_PV, &size);
        if (!pv || pv->magic != L4_PV_PAGE_MAGIC || !pv->clock.mul)
            return 0;
        mul = pv->clock.mul;
        shift = pv->clock.shift;
    }
    return l4_pv_clock_scale_delta(delta, mul, shift);
}

static uint64_t since_ns(const struct process *p)
{
    uint64_t now = tsc_now();
    return now > p->res.since ? tsc_ns(now - p->res.since) : 0;
}

void proc_acct_enter(struct process *p)
{
    uint64_t now = tsc_now();
    if (p->res.running && now > p->res.since)
        p->res.utime += tsc_ns(now - p->res.since);
    p->res.running = false;
    p->res.since = now;
}

void proc_acct_leave(struct process *p, bool answered)
{
    if (!p->live || p->zombie)
        return;
    uint64_t now = tsc_now();
    if (!p->res.running && now > p->res.since)
        p->res.stime += tsc_ns(now - p->res.since);
    p->res.running = answered;
    p->res.since = now;
}

void proc_acct_reap(struct process *parent, const struct process *child)
{
    parent->res.cutime += child->res.utime + child->res.cutime;
    parent->res.cstime += child->res.stime + child->res.cstime;
}

uint64_t proc_cpu_ns(const struct process *p)
{
    return p->res.utime + p->res.stime + since_ns(p); /* now: running or in the shim */
}

/* sysinfo: uptime, the pseudo-physical memory, the processes. */
long sys_sysinfo(struct process *p, uint64_t buf)
{
    uint8_t si[112] = {0};
    uint64_t now = shim_now_ns();
    int64_t up = (int64_t)((now + 999999999u) / 1000000000u); /* rounded up, as Linux */
    uint64_t total = (uint64_t)shim.phys_pages * SHIM_PAGE;
    uint64_t free = (uint64_t)pmem_free_pages() * SHIM_PAGE;
    uint16_t nprocs = 0;
    for (unsigned i = 0; i < shim_nprocs; i++)
        nprocs = (uint16_t)(nprocs + (procs[i].live && !procs[i].zombie ? 1 : 0));
    uint32_t unit = 1;
    memcpy(si + 0, &up, 8);
    memcpy(si + 32, &total, 8);
    memcpy(si + 40, &free, 8);
    memcpy(si + 80, &nprocs, 2);
    memcpy(si + 104, &unit, 4);
    return mm_copy_out(&p->mm, buf, si, sizeof si);
}

/* struct rusage (144 bytes): the times, and the resident set in kB. */
int proc_rusage_put(struct process *p, uint64_t addr, const struct process *of, int who)
{
    uint64_t ru[18] = {0};
    bool children = who == -1;
    uint64_t u = (who != -1 ? of->res.utime : 0) + (who != 0 ? of->res.cutime : 0);
    uint64_t s = (who != -1 ? of->res.stime : 0) + (who != 0 ? of->res.cstime : 0);
    if (who == 0 && of == p && p->res.running) /* the call itself: time up to now */
        u += since_ns(p);
    ru[0] = u / 1000000000u, ru[1] = u % 1000000000u / 1000u;
    ru[2] = s / 1000000000u, ru[3] = s % 1000000000u / 1000u;
    ru[4] = children ? 0 : (uint64_t)of->mm.map_used * 4; /* ru_maxrss */
    if (ru[4] == 0 && !children)
        ru[4] = 4;
    return mm_copy_out(&p->mm, addr, ru, sizeof ru) ? -LINUX_EFAULT : 0;
}

/* --- The calls ------------------------------------------------------------------ */

static long do_prlimit(struct process *p, int pid, unsigned res, uint64_t unew, uint64_t uold)
{
    struct process *q = pid == 0 ? p : proc_by_pid(pid);
    if (!q || q->zombie)
        return -LINUX_ESRCH;
    if (res >= SHIM_RLIMITS)
        return -LINUX_EINVAL;
    uint64_t nl[2];
    if (unew) {
        if (mm_copy_in(&p->mm, nl, unew, sizeof nl) != 0)
            return -LINUX_EFAULT;
        if (nl[0] > nl[1])
            return -LINUX_EINVAL;
        if (res == RL_NOFILE && nl[1] > NR_OPEN)
            return -LINUX_EPERM;
        if (nl[1] > q->res.rlim[res][1] && p->res.cred.u.eff != 0)
            return -LINUX_EPERM;
        if (q != p && p->res.cred.u.eff != 0 && p->res.cred.u.real != q->res.cred.u.real)
            return -LINUX_EPERM;
    }
    if (uold) {
        uint64_t ol[2] = {proc_rlimit(q, res), q->res.rlim[res][1]};
        if (mm_copy_out(&p->mm, uold, ol, sizeof ol) != 0)
            return -LINUX_EFAULT;
    }
    if (unew) {
        q->res.rlim[res][0] = nl[0];
        q->res.rlim[res][1] = nl[1];
        if (res == RL_NOFILE && q->fds)
            (void)shim_fd_set_nofile(q->fds, nl[0]);
    }
    return 0;
}

static long do_getgroups(struct process *p, long n, uint64_t list)
{
    const struct shim_creds *c = &p->res.cred;
    if (n < 0)
        return -LINUX_EINVAL;
    if (n == 0)
        return c->ngroups;
    if ((uint64_t)n < c->ngroups)
        return -LINUX_EINVAL;
    return mm_copy_out(&p->mm, list, c->groups, c->ngroups * 4) ? -LINUX_EFAULT : (long)c->ngroups;
}

static long do_setgroups(struct process *p, long n, uint64_t list)
{
    uint32_t g[SHIM_GROUPS];
    if (n < 0 || (uint64_t)n > SHIM_NGROUPS_MAX)
        return -LINUX_EINVAL;
    if (p->res.cred.u.eff != 0)
        return -LINUX_EPERM;
    if ((uint64_t)n > SHIM_GROUPS)
        return -LINUX_ENOMEM;
    if (n && mm_copy_in(&p->mm, g, list, (size_t)n * 4) != 0)
        return -LINUX_EFAULT;
    return shim_cred_setgroups(&p->res.cred, (uint64_t)n, g);
}

static long put_ids(struct process *p, const l4_word_t *a, uint32_t x, uint32_t y, uint32_t z)
{
    const uint32_t v[3] = {x, y, z};
    for (int i = 0; i < 3; i++)
        if (mm_copy_out(&p->mm, a[i], &v[i], 4) != 0)
            return -LINUX_EFAULT;
    return 0;
}

static long do_times(struct process *p, uint64_t buf)
{
    uint64_t u = p->res.utime + (p->res.running ? since_ns(p) : 0);
    uint64_t t[4] = {u / 10000000u, p->res.stime / 10000000u, p->res.cutime / 10000000u,
                     p->res.cstime / 10000000u};
    if (buf && mm_copy_out(&p->mm, buf, t, sizeof t) != 0)
        return -LINUX_EFAULT;
    return (long)(shim_now_ns() / 10000000u);
}

/* The calls of this file; *handled false for any other. */
long sys_resource(struct process *p, const struct syscall_frame *f, bool *handled)
{
    const l4_word_t *a = f->a;
    struct shim_creds *c = &p->res.cred;
    *handled = true;
    switch (f->nr) {
    case SYS_getuid:
        return c->u.real;
    case SYS_geteuid:
        return c->u.eff;
    case SYS_getgid:
        return c->g.real;
    case SYS_getegid:
        return c->g.eff;
    case SYS_setuid:
        return shim_cred_setuid(c, (uint32_t)a[0]);
    case SYS_setgid:
        return shim_cred_setgid(c, (uint32_t)a[0]);
    case SYS_setreuid:
        return shim_cred_setreuid(c, (uint32_t)a[0], (uint32_t)a[1]);
    case SYS_setregid:
        return shim_cred_setregid(c, (uint32_t)a[0], (uint32_t)a[1]);
    case SYS_setresuid:
        return shim_cred_setresuid(c, (uint32_t)a[0], (uint32_t)a[1], (uint32_t)a[2]);
    case SYS_setresgid:
        return shim_cred_setresgid(c, (uint32_t)a[0], (uint32_t)a[1], (uint32_t)a[2]);
    case SYS_getresuid:
        return put_ids(p, a, c->u.real, c->u.eff, c->u.saved);
    case SYS_getresgid:
        return put_ids(p, a, c->g.real, c->g.eff, c->g.saved);
    case SYS_setfsuid:
        return shim_cred_setfsuid(c, (uint32_t)a[0]);
    case SYS_setfsgid:
        return shim_cred_setfsgid(c, (uint32_t)a[0]);
    case SYS_getgroups:
        return do_getgroups(p, (int)a[0], a[1]);
    case SYS_setgroups:
        return do_setgroups(p, (int)a[0], a[1]);
    case SYS_getrlimit:
        return do_prlimit(p, 0, (unsigned)a[0], 0, a[1]);
    case SYS_setrlimit:
        return do_prlimit(p, 0, (unsigned)a[0], a[1], 0);
    case SYS_prlimit64:
        return do_prlimit(p, (int)a[0], (unsigned)a[1], a[2], a[3]);
    case SYS_getrusage: {
        int who = (int)a[0];
        if (who != 0 && who != -1 && who != 1) /* SELF, CHILDREN, THREAD */
            return -LINUX_EINVAL;
        return proc_rusage_put(p, a[1], p, who == -1 ? -1 : 0);
    }
    case SYS_times:
        return do_times(p, a[0]);
    }
    *handled = false;
    return 0;
}
