/* SPDX-License-Identifier: MIT */
/*
 * A process's identity, limits and accounting: the user and group ids
 * (real, effective, saved; supplementary groups), the resource limits,
 * the CPU time it used, and the calls that read them (getuid and
 * friends, setuid and friends, getrlimit, setrlimit, prlimit64, times,
 * getrusage, sysinfo). fork copies the ids and limits and starts the
 * times at zero; execve keeps all of it (ident_inherit()).
 *
 * Accounting: a process's system time is the time the shim spends on its
 * calls and faults (from acct_enter() to acct_leave() in the loop); its
 * user time is the time from an answer to its next call or fault. A call
 * answered later (a sleep, a pipe read, wait4) counts nothing while
 * parked, and nothing from its late answer to the next call: the shim
 * does not see that answer leave, so it undercounts rather than count
 * time blocked as time run.
 *
 * The ids change nothing else yet: the file system treats every process
 * as root (docs/CAVEATS.md).
 */
#include <string.h>
#include <shim/linux_abi.h>
#include "shim.h"
#include "syscalls.h"

#define NS_PER_TICK   10000000u /* USER_HZ = 100 */
#define RLIM_INF      (~UINT64_C(0))
#define RLIMIT_STACK  3
#define RLIMIT_NOFILE 7

/* Linux's defaults for a process started by the kernel (init_task's
 * limits, with the usual NOFILE 1024 / 4096 of a login session). */
static const uint64_t default_rlim[SHIM_RLIMITS][2] = {
    {RLIM_INF, RLIM_INF},                   /* CPU */
    {RLIM_INF, RLIM_INF},                   /* FSIZE */
    {RLIM_INF, RLIM_INF},                   /* DATA */
    {UINT64_C(8) << 20, RLIM_INF},          /* STACK */
    {0, RLIM_INF},                          /* CORE */
    {RLIM_INF, RLIM_INF},                   /* RSS */
    {SHIM_MAX_PROCS, SHIM_MAX_PROCS},       /* NPROC */
    {1024, 4096},                           /* NOFILE */
    {UINT64_C(8) << 20, UINT64_C(8) << 20}, /* MEMLOCK */
    {RLIM_INF, RLIM_INF},                   /* AS */
    {RLIM_INF, RLIM_INF},                   /* LOCKS */
    {1024, 1024},                           /* SIGPENDING */
    {819200, 819200},                       /* MSGQUEUE */
    {0, 0},                                 /* NICE */
    {0, 0},                                 /* RTPRIO */
    {RLIM_INF, RLIM_INF},                   /* RTTIME */
};

void ident_inherit(struct process *p, const struct shim_ident *from, bool fork)
{
    if (!from) {
        memset(&p->ident, 0, sizeof p->ident);
        memcpy(p->ident.rlim, default_rlim, sizeof default_rlim);
        return;
    }
    p->ident = *from;
    if (fork) {
        p->ident.utime_ns = p->ident.stime_ns = 0;
        p->ident.cutime_ns = p->ident.cstime_ns = 0;
        p->ident.maxrss_pages = 0;
        p->ident.entered = p->ident.run_since = 0;
    }
}

uint64_t ident_nofile(const struct process *p)
{
    return p->ident.rlim[RLIMIT_NOFILE][0];
}

void acct_enter(struct process *p)
{
    uint64_t now = shim_now_ns();
    if (p->ident.run_since && now > p->ident.run_since)
        p->ident.utime_ns += now - p->ident.run_since;
    p->ident.run_since = 0;
    p->ident.entered = now;
    if (p->mm.map_used > p->ident.maxrss_pages)
        p->ident.maxrss_pages = p->mm.map_used;
}

void acct_leave(struct process *p, bool parked)
{
    if (!p->live || p->zombie || !p->ident.entered)
        return;
    uint64_t now = shim_now_ns();
    if (now > p->ident.entered)
        p->ident.stime_ns += now - p->ident.entered;
    p->ident.entered = 0;
    p->ident.run_since = parked ? 0 : now;
}

void acct_reap(struct process *parent, const struct process *child)
{
    parent->ident.cutime_ns += child->ident.utime_ns + child->ident.cutime_ns;
    parent->ident.cstime_ns += child->ident.stime_ns + child->ident.cstime_ns;
}

/* User and system time, the current call's time so far counted as system. */
static void cpu_times(struct process *p, uint64_t *user, uint64_t *sys)
{
    uint64_t now = shim_now_ns();
    *user = p->ident.utime_ns;
    *sys = p->ident.stime_ns +
           (p->ident.entered && now > p->ident.entered ? now - p->ident.entered : 0);
}

uint64_t acct_cpu_ns(struct process *p)
{
    uint64_t u, s;
    cpu_times(p, &u, &s);
    return u + s;
}

/* --- ids ---------------------------------------------------------------- */

/* setresuid/setresgid: each id -1 (unchanged) or, unless privileged, one
 * of the current three. */
static long set_ids(uint32_t ids[3], bool priv, uint32_t r, uint32_t e, uint32_t s)
{
    uint32_t want[3] = {r, e, s};
    for (unsigned i = 0; i < 3; i++)
        if (want[i] != UINT32_MAX && !priv && want[i] != ids[0] && want[i] != ids[1] &&
            want[i] != ids[2])
            return -LINUX_EPERM;
    for (unsigned i = 0; i < 3; i++)
        if (want[i] != UINT32_MAX)
            ids[i] = want[i];
    return 0;
}

/* setuid/setgid: privileged sets all three, else only the effective id,
 * to the real or saved one. */
static long set_id(uint32_t ids[3], bool priv, uint32_t id)
{
    if (id == UINT32_MAX)
        return -LINUX_EINVAL;
    if (priv) {
        ids[0] = ids[1] = ids[2] = id;
        return 0;
    }
    if (id != ids[0] && id != ids[2])
        return -LINUX_EPERM;
    ids[1] = id;
    return 0;
}

/* setreuid/setregid: the real id to the real or effective one, the
 * effective to any of the three; the saved id follows the effective one
 * when the real id is set or the effective differs from the old real. */
static long set_re(uint32_t ids[3], bool priv, uint32_t r, uint32_t e)
{
    uint32_t old_r = ids[0];
    if (r != UINT32_MAX && !priv && r != ids[0] && r != ids[1])
        return -LINUX_EPERM;
    if (e != UINT32_MAX && !priv && e != ids[0] && e != ids[1] && e != ids[2])
        return -LINUX_EPERM;
    if (r != UINT32_MAX)
        ids[0] = r;
    if (e != UINT32_MAX)
        ids[1] = e;
    if (r != UINT32_MAX || (e != UINT32_MAX && e != old_r))
        ids[2] = ids[1];
    return 0;
}

static long get_res(struct process *p, const uint32_t ids[3], const uint64_t addr[3])
{
    for (unsigned i = 0; i < 3; i++)
        if (mm_copy_out(&p->mm, addr[i], &ids[i], 4) != 0)
            return -LINUX_EFAULT;
    return 0;
}

/* --- limits ------------------------------------------------------------- */

static long prlimit(struct process *p, long pid, unsigned long res, uint64_t new, uint64_t old)
{
    struct process *t = pid == 0 ? p : proc_by_pid((int)pid);
    if (!t || t->zombie)
        return -LINUX_ESRCH;
    if (res >= SHIM_RLIMITS)
        return -LINUX_EINVAL;
    uint64_t nl[2];
    if (new &&mm_copy_in(&p->mm, nl, new, sizeof nl) != 0)
        return -LINUX_EFAULT;
    if (new &&nl[0] > nl[1])
        return -LINUX_EINVAL;
    if (new &&nl[1] > t->ident.rlim[res][1] && p->ident.uid[1] != 0)
        return -LINUX_EPERM; /* raising the hard limit takes CAP_SYS_RESOURCE */
    if (old && mm_copy_out(&p->mm, old, t->ident.rlim[res], 16) != 0)
        return -LINUX_EFAULT;
    if (new)
        memcpy(t->ident.rlim[res], nl, sizeof nl);
    return 0;
}

/* --- times -------------------------------------------------------------- */

static long do_times(struct process *p, uint64_t buf)
{
    uint64_t u, s;
    cpu_times(p, &u, &s);
    uint64_t t[4] = {u / NS_PER_TICK, s / NS_PER_TICK, p->ident.cutime_ns / NS_PER_TICK,
                     p->ident.cstime_ns / NS_PER_TICK};
    if (buf && mm_copy_out(&p->mm, buf, t, sizeof t) != 0)
        return -LINUX_EFAULT;
    return (long)(shim_now_ns() / NS_PER_TICK);
}

static void timeval_of(uint64_t ns, int64_t tv[2])
{
    tv[0] = (int64_t)(ns / 1000000000u);
    tv[1] = (int64_t)(ns % 1000000000u / 1000);
}

static long do_getrusage(struct process *p, long who, uint64_t buf)
{
    int64_t ru[18] = {0}; /* struct rusage: two timevals, then 14 longs */
    uint64_t u, s;
    if (who == 0 || who == 1) { /* RUSAGE_SELF, RUSAGE_THREAD */
        cpu_times(p, &u, &s);
        uint64_t pages =
            p->mm.map_used > p->ident.maxrss_pages ? p->mm.map_used : p->ident.maxrss_pages;
        ru[4] = (int64_t)(pages * (SHIM_PAGE / 1024)); /* ru_maxrss, KiB */
    } else if (who == -1) {                            /* RUSAGE_CHILDREN */
        u = p->ident.cutime_ns;
        s = p->ident.cstime_ns;
    } else {
        return -LINUX_EINVAL;
    }
    timeval_of(u, &ru[0]);
    timeval_of(s, &ru[2]);
    return mm_copy_out(&p->mm, buf, ru, sizeof ru);
}

static long do_sysinfo(struct process *p, uint64_t buf)
{
    uint8_t si[112] = {0};
    uint64_t now = shim_now_ns();
    int64_t up = (int64_t)((now + 999999999u) / 1000000000u); /* rounded up, as Linux */
    uint64_t total = (uint64_t)shim.phys_pages * SHIM_PAGE;
    uint64_t free = (uint64_t)pmem_free_pages() * SHIM_PAGE;
    uint16_t nprocs = 0;
    for (unsigned i = 0; i < SHIM_MAX_PROCS; i++)
        nprocs = (uint16_t)(nprocs + (procs[i].live && !procs[i].zombie ? 1 : 0));
    uint32_t unit = 1;
    memcpy(si + 0, &up, 8);
    memcpy(si + 32, &total, 8);
    memcpy(si + 40, &free, 8);
    memcpy(si + 80, &nprocs, 2);
    memcpy(si + 104, &unit, 4);
    return mm_copy_out(&p->mm, buf, si, sizeof si);
}

/* --- the calls ---------------------------------------------------------- */

long ident_syscall(struct process *p, const struct syscall_frame *f)
{
    const l4_word_t *a = f->a;
    struct shim_ident *id = &p->ident;
    bool root = id->uid[1] == 0;
    switch (f->nr) {
    case SYS_getuid:
        return id->uid[0];
    case SYS_geteuid:
        return id->uid[1];
    case SYS_getgid:
        return id->gid[0];
    case SYS_getegid:
        return id->gid[1];
    case SYS_getresuid:
        return get_res(p, id->uid, a);
    case SYS_getresgid:
        return get_res(p, id->gid, a);
    case SYS_setuid:
        return set_id(id->uid, root, (uint32_t)a[0]);
    case SYS_setgid:
        return set_id(id->gid, root, (uint32_t)a[0]);
    case SYS_setreuid:
        return set_re(id->uid, root, (uint32_t)a[0], (uint32_t)a[1]);
    case SYS_setregid:
        return set_re(id->gid, root, (uint32_t)a[0], (uint32_t)a[1]);
    case SYS_setresuid:
        return set_ids(id->uid, root, (uint32_t)a[0], (uint32_t)a[1], (uint32_t)a[2]);
    case SYS_setresgid:
        return set_ids(id->gid, root, (uint32_t)a[0], (uint32_t)a[1], (uint32_t)a[2]);
    case SYS_setfsuid: /* the fs id follows the effective one: report it */
        return id->uid[1];
    case SYS_setfsgid:
        return id->gid[1];
    case SYS_getgroups: {
        long n = (int)a[0];
        if (n < 0)
            return -LINUX_EINVAL;
        if (n == 0)
            return id->ngroups;
        if ((unsigned long)n < id->ngroups)
            return -LINUX_EINVAL;
        return mm_copy_out(&p->mm, a[1], id->groups, id->ngroups * 4u) ? -LINUX_EFAULT
                                                                       : (long)id->ngroups;
    }
    case SYS_setgroups: {
        if (!root)
            return -LINUX_EPERM;
        if (a[0] > SHIM_NGROUPS)
            return -LINUX_EINVAL;
        uint32_t g[SHIM_NGROUPS];
        if (a[0] && mm_copy_in(&p->mm, g, a[1], a[0] * 4) != 0)
            return -LINUX_EFAULT;
        memcpy(id->groups, g, a[0] * 4);
        id->ngroups = (uint32_t)a[0];
        return 0;
    }
    case SYS_getrlimit:
        return prlimit(p, 0, a[0], 0, a[1]);
    case SYS_setrlimit:
        return prlimit(p, 0, a[0], a[1], 0);
    case SYS_prlimit64:
        return prlimit(p, (int)a[0], (unsigned)a[1], a[2], a[3]);
    case SYS_times:
        return do_times(p, a[0]);
    case SYS_getrusage:
        return do_getrusage(p, (int)a[0], a[1]);
    case SYS_sysinfo:
        return do_sysinfo(p, a[0]);
    default:
        return -LINUX_ENOSYS;
    }
}
