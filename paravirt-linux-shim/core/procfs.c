/* SPDX-License-Identifier: MIT */
/*
 * /proc (docs/linux/proc.md): a read-only file system made from the
 * shim's own tables, not stored anywhere. A path under /proc is resolved
 * here before the in-memory file system sees it (vfs_resolve()); what it
 * names is a struct procfs_ent (an entry, a pid, a descriptor), described
 * for stat by a scratch inode. A file's contents are generated when it is
 * opened (a snapshot in the description); a directory is listed from the
 * tables at each getdents64, its position the cookie of the next entry
 * (a pid or a descriptor number plus a base, so that entries coming and
 * going never repeat or skip one that stayed).
 *
 *   /proc: self -> PID, mounts -> self/mounts, meminfo, uptime, cpuinfo,
 *          loadavg, version, one directory per process
 *   /proc/PID: exe -> the program, cwd -> its directory, fd/ (N -> what
 *          descriptor N is open on), stat, status, cmdline, comm, mounts
 *
 * Interface: procfs_resolve, procfs_stat, procfs_openat, procfs_readdir,
 * procfs_set_cmdline.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <shim/linux_abi.h>
#include "vfs_internal.h"

enum {
    PF_NONE,
    PF_ROOT,
    PF_SELF,
    PF_MOUNTS,
    PF_MEMINFO,
    PF_UPTIME,
    PF_CPUINFO,
    PF_LOADAVG,
    PF_VERSION,
    PF_SYSSTAT,
    PF_PID,
    PF_EXE,
    PF_CWD,
    PF_FD,
    PF_STAT,
    PF_STATUS,
    PF_CMDLINE,
    PF_COMM,
    PF_PMOUNTS,
    PF_FDLINK,
};

struct pf_entry {
    const char *name;
    int what;
    uint32_t mode;
};

#define LNK (LINUX_S_IFLNK | 0777)
#define REG (LINUX_S_IFREG | 0444)
static const struct pf_entry root_ents[] = {
    {"self", PF_SELF, LNK},       {"mounts", PF_MOUNTS, LNK},   {"meminfo", PF_MEMINFO, REG},
    {"uptime", PF_UPTIME, REG},   {"cpuinfo", PF_CPUINFO, REG}, {"loadavg", PF_LOADAVG, REG},
    {"version", PF_VERSION, REG}, {"stat", PF_SYSSTAT, REG},
};
static const struct pf_entry pid_ents[] = {
    {"exe", PF_EXE, LNK},   {"cwd", PF_CWD, LNK},        {"fd", PF_FD, LINUX_S_IFDIR | 0500},
    {"stat", PF_STAT, REG}, {"status", PF_STATUS, REG},  {"cmdline", PF_CMDLINE, REG},
    {"comm", PF_COMM, REG}, {"mounts", PF_PMOUNTS, REG},
};
#define NROOT      (sizeof root_ents / sizeof root_ents[0])
#define NPID       (sizeof pid_ents / sizeof pid_ents[0])
#define PID_COOKIE (2 + NROOT) /* /proc's cookies past its fixed entries: pid + this */

void procfs_set_cmdline(struct process *p, int argc, const char *const *argv)
{
    size_t n = 0;
    for (int i = 0; i < argc && argv[i]; i++) {
        size_t k = strlen(argv[i]) + 1;
        if (n + k > sizeof p->cmdline)
            break;
        memcpy(p->cmdline + n, argv[i], k);
        n += k;
    }
    p->cmdline_len = (unsigned)n;
}

static uint32_t mode_of(int what)
{
    if (what == PF_ROOT || what == PF_PID)
        return LINUX_S_IFDIR | 0555;
    if (what == PF_FDLINK)
        return LINUX_S_IFLNK | 0700;
    for (unsigned i = 0; i < NROOT; i++)
        if (root_ents[i].what == what)
            return root_ents[i].mode;
    for (unsigned i = 0; i < NPID; i++)
        if (pid_ents[i].what == what)
            return pid_ents[i].mode;
    return 0;
}

/* A decimal number of at most 9 digits, or -1. */
static int number(const char *s, size_t len)
{
    if (len == 0 || len > 9 || (len > 1 && s[0] == '0'))
        return -1;
    int v = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

/* What descriptor fd of q is open on, as its fd/ link reads; false if
 * it is not open. */
static void ent_path(const struct procfs_ent *e, char *out, size_t size);

static bool describe_fd(struct process *q, int fd, char *out, size_t size)
{
    struct shim_file *f = q->fds && fd >= 0 ? shim_fd_get(q->fds, fd) : NULL;
    if (!f)
        return false;
    struct vnode *v = f->priv;
    if (v->pipe)
        snprintf(out, size, "pipe:[%lu]", (unsigned long)((uintptr_t)v->pipe >> 4));
    else if (v->kind >= V_HOST_IN)
        snprintf(out, size, "pipe:[%u]", (unsigned)v->kind);
    else if (v->kind == V_TTY)
        snprintf(out, size, "/dev/console");
    else if (v->kind == V_PROCDIR)
        ent_path(&v->pe, out, size); /* ls -l /proc/self/fd shows its own */
    else if (v->path)
        snprintf(out, size, "%s%s", v->path, v->node && v->node->nlink == 0 ? " (deleted)" : "");
    else
        snprintf(out, size, "anon_inode:[%d]", (int)v->kind);
    return true;
}

/* The target of a link entry. */
static void link_target(struct process *p, const struct procfs_ent *e, char *out, size_t size)
{
    struct process *q = proc_by_pid(e->pid);
    out[0] = 0;
    if (e->what == PF_SELF)
        snprintf(out, size, "%d", p->pid);
    else if (e->what == PF_MOUNTS)
        snprintf(out, size, "self/mounts");
    else if (q && e->what == PF_EXE)
        snprintf(out, size, "%s", q->exe);
    else if (q && e->what == PF_CWD)
        snprintf(out, size, "%s", q->cwd);
    else if (q && e->what == PF_FDLINK)
        (void)describe_fd(q, e->fd, out, size);
}

/* The path an entry of /proc is reached by, for a directory's *at(). */
static void ent_path(const struct procfs_ent *e, char *out, size_t size)
{
    if (e->what == PF_ROOT)
        snprintf(out, size, "/proc");
    else if (e->what == PF_PID)
        snprintf(out, size, "/proc/%d", e->pid);
    else
        snprintf(out, size, "/proc/%d/fd", e->pid);
}

void procfs_stat(struct process *p, const struct procfs_ent *e, struct shim_inode *n)
{
    static char target[PATH_MAX];
    struct process *q = e->pid ? proc_by_pid(e->pid) : NULL;
    memset(n, 0, sizeof *n);
    n->ino = 0x70000000u + (uint64_t)e->what * 0x100000u + (uint64_t)e->pid * 1024u +
             (uint64_t)(e->fd + 1);
    n->mode = mode_of(e->what);
    n->nlink = (n->mode & LINUX_S_IFMT) == LINUX_S_IFDIR ? 2 : 1;
    n->uid = q ? q->res.cred.u.eff : 0;
    n->gid = q ? q->res.cred.g.eff : 0;
    n->atime = n->mtime = n->ctime = (int64_t)shim_realtime_ns();
    if ((n->mode & LINUX_S_IFMT) == LINUX_S_IFLNK) {
        link_target(p, e, target, sizeof target);
        n->u.lnk.target = target;
        n->u.lnk.len = strlen(target);
        n->size = n->u.lnk.len;
    }
}

int procfs_resolve(struct process *p, char *path, bool follow, struct procfs_ent *out,
                   struct shim_inode **node)
{
    static struct shim_inode scratch;
    for (int hops = 0; hops < 8; hops++) {
        char c[PATH_MAX];
        snprintf(c, sizeof c, "%s", path);
        vfs_canonical(c);
        if (strncmp(c, "/proc", 5) != 0 || (c[5] != 0 && c[5] != '/'))
            return 0;
        struct procfs_ent e = {PF_ROOT, 0, -1};
        const char *s = c + 5;
        bool out_of_proc = false;
        while (*s == '/') {
            s++;
            const char *end = strchr(s, '/');
            size_t len = end ? (size_t)(end - s) : strlen(s);
            bool last = !end;
            int num = number(s, len);
            int next = PF_NONE;
            if ((mode_of(e.what) & LINUX_S_IFMT) != LINUX_S_IFDIR)
                return -LINUX_ENOTDIR;
            if (e.what == PF_ROOT && num > 0) {
                struct process *q = proc_by_pid(num);
                if (q)
                    e.pid = num, next = PF_PID;
            } else if (e.what == PF_FD) {
                struct process *q = proc_by_pid(e.pid);
                char tmp[8];
                if (q && describe_fd(q, num, tmp, sizeof tmp))
                    e.fd = num, next = PF_FDLINK;
            } else {
                const struct pf_entry *t = e.what == PF_ROOT ? root_ents : pid_ents;
                unsigned nt = e.what == PF_ROOT ? NROOT : NPID;
                for (unsigned i = 0; i < nt && next == PF_NONE; i++)
                    if (strlen(t[i].name) == len && memcmp(t[i].name, s, len) == 0)
                        next = t[i].what;
            }
            if (next == PF_NONE)
                return -LINUX_ENOENT;
            e.what = next;
            s += len;
            if ((mode_of(e.what) & LINUX_S_IFMT) != LINUX_S_IFLNK || (last && !follow))
                continue;
            /* a link followed: within /proc, or out of it (the rest of the
             * path after its target, looked up again) */
            if (e.what == PF_SELF) {
                e = (struct procfs_ent){PF_PID, p->pid, -1};
                continue;
            }
            if (e.what == PF_MOUNTS) {
                e = (struct procfs_ent){PF_PMOUNTS, p->pid, -1};
                continue;
            }
            char target[PATH_MAX];
            link_target(p, &e, target, sizeof target);
            if (target[0] != '/') {
                if (!last)
                    return -LINUX_ENOTDIR;
                break; /* a pipe's: stat sees the link's object as a FIFO */
            }
            char rest[PATH_MAX];
            snprintf(rest, sizeof rest, "%s", s);
            if (strlen(target) + strlen(rest) + 1 > PATH_MAX)
                return -LINUX_ENAMETOOLONG;
            snprintf(path, PATH_MAX, "%s%s", target, rest);
            out_of_proc = true;
            break;
        }
        if (out_of_proc)
            continue; /* the target may be under /proc again */
        *out = e;
        procfs_stat(p, &e, &scratch);
        if (e.what == PF_FDLINK && follow) {
            scratch.mode = LINUX_S_IFIFO | 0600;
            scratch.size = 0;
        }
        *node = &scratch;
        return 1;
    }
    return -LINUX_ELOOP;
}

/* --- Contents -------------------------------------------------------------------- */

struct out {
    char *b;
    size_t n, cap;
};

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct out *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int w = vsnprintf(o->b + o->n, o->cap - o->n, fmt, ap);
    va_end(ap);
    if (w > 0)
        o->n += (size_t)w < o->cap - o->n ? (size_t)w : o->cap - o->n - 1;
}

static void cpuid(uint32_t leaf, uint32_t r[4])
{
    __asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(leaf), "c"(0));
}

static void gen_cpuinfo(struct out *o)
{
    uint32_t r[4], brand[13] = {0}, vendor[4] = {0};
    cpuid(0, r);
    vendor[0] = r[1], vendor[1] = r[3], vendor[2] = r[2];
    cpuid(0x80000000u, r);
    if (r[0] >= 0x80000004u)
        for (uint32_t i = 0; i < 3; i++)
            cpuid(0x80000002u + i, brand + 4 * i);
    cpuid(1, r);
    static const char *const edx_flags[32] = {
        "fpu", "vme",  "de",   "pse", "tsc",  "msr", "pae",   "mce", "cx8",     "apic", NULL,
        "sep", "mtrr", "pge",  "mca", "cmov", "pat", "pse36", NULL,  "clflush", NULL,   NULL,
        NULL,  "mmx",  "fxsr", "sse", "sse2", NULL,  "ht",    NULL,  NULL,      NULL};
    put(o, "processor\t: 0\nvendor_id\t: %s\ncpu family\t: %u\nmodel\t\t: %u\n",
        (const char *)vendor, (r[0] >> 8) & 0xf, (r[0] >> 4) & 0xf);
    put(o, "model name\t: %s\nstepping\t: %u\ncpu MHz\t\t: 1000.000\ncache size\t: 512 KB\n",
        brand[0] ? (const char *)brand : "QEMU Virtual CPU", r[0] & 0xf);
    put(o, "physical id\t: 0\nsiblings\t: 1\ncore id\t\t: 0\ncpu cores\t: 1\nfpu\t\t: yes\n");
    put(o, "flags\t\t:");
    for (int i = 0; i < 32; i++)
        if (edx_flags[i] && (r[3] >> i & 1))
            put(o, " %s", edx_flags[i]);
    if (r[2] & 1)
        put(o, " pni");
    put(o, " syscall nx lm\nbogomips\t: 2000.00\naddress sizes\t: 40 bits physical, 48 bits "
           "virtual\n\n");
}

static const char *comm_of(const struct process *q)
{
    if (q->comm[0])
        return q->comm;
    const char *s = strrchr(q->exe, '/');
    return s ? s + 1 : q->exe;
}

static char state_of(const struct process *q)
{
    return q->zombie ? 'Z' : q->waiting ? 'S' : 'R';
}

static void gen_stat(struct out *o, const struct process *q)
{
    uint64_t tick = 10000000u; /* USER_HZ 100 */
    put(o, "%d (%.15s) %c %d %d %d 0 -1 4194304 0 0 0 0 %lu %lu %lu %lu 20 0 1 0 0 %lu %lu ",
        q->pid, comm_of(q), state_of(q), q->ppid, q->pgrp, q->sid,
        (unsigned long)(q->res.utime / tick), (unsigned long)(q->res.stime / tick),
        (unsigned long)(q->res.cutime / tick), (unsigned long)(q->res.cstime / tick),
        (unsigned long)(q->mm.map_used * SHIM_PAGE), (unsigned long)q->mm.map_used);
    put(o, "18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0 %d\n",
        q->zombie ? (q->wait_status >> 8) & 0xff : 0);
}

static void gen_status(struct out *o, const struct process *q)
{
    const struct shim_creds *c = &q->res.cred;
    put(o, "Name:\t%.15s\nUmask:\t%04o\nState:\t%c (%s)\nTgid:\t%d\nNgid:\t0\nPid:\t%d\n",
        comm_of(q), q->umask, state_of(q),
        q->zombie    ? "zombie"
        : q->waiting ? "sleeping"
                     : "running",
        q->pid, q->pid);
    put(o, "PPid:\t%d\nTracerPid:\t0\nUid:\t%u\t%u\t%u\t%u\nGid:\t%u\t%u\t%u\t%u\n", q->ppid,
        c->u.real, c->u.eff, c->u.saved, c->u.fs, c->g.real, c->g.eff, c->g.saved, c->g.fs);
    put(o, "FDSize:\t%u\nGroups:\t", q->fds ? q->fds->nofile : 0);
    for (uint32_t i = 0; i < c->ngroups; i++)
        put(o, "%u ", c->groups[i]);
    put(o, "\nVmRSS:\t%lu kB\nThreads:\t1\nSigPnd:\t0000000000000000\nSigBlk:\t%016lx\n",
        (unsigned long)q->mm.map_used * 4, (unsigned long)q->sigmask);
}

int procfs_open_contents(struct process *p, const struct procfs_ent *e, char **buf, size_t *len)
{
    struct out o = {malloc(8192), 0, 8192};
    if (!o.b)
        return -LINUX_ENOMEM;
    o.b[0] = 0;
    struct process *q = e->pid ? proc_by_pid(e->pid) : NULL;
    uint64_t now = shim_now_ns();
    unsigned live = 0;
    int last = 0;
    for (unsigned i = 0; i < shim_nprocs; i++)
        if (procs[i].live) {
            live++;
            last = procs[i].pid > last ? procs[i].pid : last;
        }
    switch (e->what) {
    case PF_MEMINFO: {
        unsigned long total = (unsigned long)shim.phys_pages * 4, free_kb = pmem_free_pages() * 4;
        put(&o, "MemTotal:       %8lu kB\nMemFree:        %8lu kB\nMemAvailable:   %8lu kB\n",
            total, free_kb, free_kb);
        put(&o, "Buffers:               0 kB\nCached:                0 kB\nSwapCached:            "
                "0 kB\nSwapTotal:             0 kB\nSwapFree:              0 kB\nShmem:       "
                "          0 kB\n");
        break;
    }
    case PF_UPTIME:
        put(&o, "%lu.%02lu 0.00\n", (unsigned long)(now / 1000000000u),
            (unsigned long)(now / 10000000u % 100));
        break;
    case PF_CPUINFO:
        gen_cpuinfo(&o);
        break;
    case PF_LOADAVG:
        put(&o, "0.00 0.00 0.00 1/%u %d\n", live, last);
        break;
    case PF_SYSSTAT: {
        /* one CPU; its time in USER_HZ ticks: the processes' CPU time as
         * user time, the rest of the uptime idle (top, vmstat) */
        uint64_t busy = 0;
        for (unsigned i = 0; i < shim_nprocs; i++)
            if (procs[i].live && !procs[i].zombie)
                busy += proc_cpu_ns(&procs[i]);
        /* both counters only grow, as tools that subtract two readings
         * need: the user part by at most the time that passed */
        static uint64_t last_up, last_user;
        uint64_t up = now / 10000000u, user = busy / 10000000u;
        if (up < last_up)
            up = last_up;
        if (user < last_user)
            user = last_user;
        if (user > last_user + (up - last_up))
            user = last_user + (up - last_up);
        last_up = up;
        last_user = user;
        uint64_t idle = up - user;
        uint64_t boot = (shim_realtime_ns() - now) / 1000000000u;
        for (int cpu = -1; cpu < 1; cpu++)
            put(&o, cpu < 0 ? "cpu  %lu 0 0 %lu 0 0 0 0 0 0\n" : "cpu0 %lu 0 0 %lu 0 0 0 0 0 0\n",
                (unsigned long)user, (unsigned long)idle);
        put(&o, "intr 0\nctxt 0\nbtime %lu\nprocesses %d\nprocs_running 1\nprocs_blocked 0\n",
            (unsigned long)boot, last);
        break;
    }
    case PF_VERSION:
        put(&o,
            "Linux version 6.1.0-tessera (tessera) #1 SMP PREEMPT Tessera paravirt-linux-shim\n");
        break;
    case PF_PMOUNTS:
        /* the root is a tmpfs (as Linux names a tmpfs root; busybox df
         * skips "rootfs" lines) */
        put(&o,
            "tmpfs / tmpfs rw,relatime 0 0\nproc /proc proc rw,nosuid,nodev,noexec,relatime 0 0\n");
        break;
    case PF_STAT:
        if (q)
            gen_stat(&o, q);
        break;
    case PF_STATUS:
        if (q)
            gen_status(&o, q);
        break;
    case PF_CMDLINE:
        if (q && !q->zombie) {
            memcpy(o.b, q->cmdline, q->cmdline_len);
            o.n = q->cmdline_len;
        }
        break;
    case PF_COMM:
        if (q)
            put(&o, "%.15s\n", comm_of(q));
        break;
    }
    *buf = o.b;
    *len = o.n;
    return 0;
}

long procfs_openat(struct process *p, const struct procfs_ent *e, const struct shim_inode *node,
                   unsigned flags)
{
    unsigned type = node->mode & LINUX_S_IFMT;
    bool writes = (flags & LINUX_O_ACCMODE) != LINUX_O_RDONLY || (flags & O_TRUNC);
    if ((flags & LINUX_O_CREAT) && (flags & O_EXCL))
        return -LINUX_EEXIST;
    if (type == LINUX_S_IFLNK)
        return -LINUX_ELOOP;
    if ((flags & O_DIRECTORY) && type != LINUX_S_IFDIR)
        return -LINUX_ENOTDIR;
    if (type == LINUX_S_IFIFO)
        return -LINUX_ENXIO; /* a pipe's fd/ link: not reopened */
    if (type == LINUX_S_IFDIR && writes)
        return -LINUX_EISDIR;
    if (writes)
        return -LINUX_EACCES;
    struct shim_file *f =
        vfs_new_file(type == LINUX_S_IFDIR ? V_PROCDIR : V_PROC, NULL, flags & ~O_TRUNC);
    if (!f)
        return -LINUX_ENOMEM;
    struct vnode *v = f->priv;
    v->pe = *e;
    int r = 0;
    if (type == LINUX_S_IFDIR) {
        char path[64];
        ent_path(e, path, sizeof path);
        v->path = strdup(path);
        if (!v->path)
            r = -LINUX_ENOMEM;
    } else {
        r = procfs_open_contents(p, e, &v->buf, &v->len);
    }
    if (r == 0)
        r = shim_fd_install(p->fds, f, 0, (flags & O_CLOEXEC) != 0);
    shim_file_put(f);
    return r;
}

int procfs_readdir(struct process *p, const struct procfs_ent *dir, uint64_t *cookie, char *name,
                   size_t size, unsigned *dtype, uint64_t *ino)
{
    uint64_t c = *cookie;
    struct procfs_ent e = *dir;
    struct process *q = dir->pid ? proc_by_pid(dir->pid) : NULL;
    if (c < 2) {
        snprintf(name, size, c == 0 ? "." : "..");
        *dtype = LINUX_S_IFDIR >> 12;
        *ino = 0x70000000u + c;
        *cookie = c + 1;
        return 1;
    }
    if (dir->what == PF_FD) {
        /* cookie: fd + 2 */
        for (uint64_t fd = c - 2; q && q->fds && fd < SHIM_FD_TABLE_SIZE; fd++)
            if (shim_fd_get(q->fds, (int)fd)) {
                snprintf(name, size, "%lu", (unsigned long)fd);
                e.what = PF_FDLINK;
                e.fd = (int)fd;
                *cookie = fd + 3;
                goto found;
            }
        return 0;
    }
    const struct pf_entry *t = dir->what == PF_ROOT ? root_ents : pid_ents;
    unsigned nt = dir->what == PF_ROOT ? NROOT : NPID;
    if (c - 2 < nt) {
        snprintf(name, size, "%s", t[c - 2].name);
        e.what = t[c - 2].what;
        *cookie = c + 1;
        goto found;
    }
    if (dir->what != PF_ROOT)
        return 0;
    /* the processes, by pid: the least live pid at or past the cookie's */
    int best = -1;
    for (unsigned i = 0; i < shim_nprocs; i++)
        if (procs[i].live && (uint64_t)procs[i].pid + PID_COOKIE >= c &&
            (best < 0 || procs[i].pid < best))
            best = procs[i].pid;
    if (best < 0)
        return 0;
    snprintf(name, size, "%d", best);
    e.what = PF_PID;
    e.pid = best;
    *cookie = (uint64_t)best + PID_COOKIE + 1;
found:;
    struct shim_inode n;
    procfs_stat(p, &e, &n);
    *dtype = (n.mode & LINUX_S_IFMT) >> 12;
    *ino = n.ino;
    return 1;
}
