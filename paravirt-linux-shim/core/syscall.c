/* SPDX-License-Identifier: MIT */
/*
 * The Linux system calls (see syscalls.h for the table and each call's
 * status). A call arrives as the words of a syscall fault: the number in
 * nr, the six arguments in Linux order; the handler leaves the result (or
 * -errno) in nr, which the reply writes into the process's RAX. Every
 * pointer is the process's: it is read and written through the mm (mm.c),
 * and a bad one gives -EFAULT, never a fault of the shim. An int argument
 * (a file descriptor, a pid) is the low 32 bits of its register, sign
 * extended, as the kernel's own prototypes take it.
 */
#include <string.h>
#include <l4/platform.h>
#include <l4/pv/pvclock.h>
#include <l4/rt.h>
#include <l4/structs_gen.h>
#include <shim/linux_abi.h>
#include <shim/tty.h>
#include "shim.h"
#include "syscalls.h"

#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003
#define TIOCGWINSZ  0x5413
#define TCGETS      0x5401
#define TCSETS      0x5402
#define TCSETSW     0x5403
#define TCSETSF     0x5404
#define TIOCGPGRP   0x540f
#define TIOCSPGRP   0x5410
#define TIOCSWINSZ  0x5414
#define FIONREAD    0x541b
#define IOV_MAX     1024

const char *shim_syscall_name(unsigned long nr)
{
    switch (nr) {
#define NAME_CASE(n, name, status)                                                                 \
    case n:                                                                                        \
        return #name;
        SHIM_SYSCALLS(NAME_CASE)
#undef NAME_CASE
    }
    return NULL;
}

/* -ENOSYS, logged once per number. */
static long nosys(unsigned long nr)
{
    static uint64_t seen[8];
    if (nr < 512 && !(seen[nr / 64] & (UINT64_C(1) << (nr % 64)))) {
        if (nr < 512)
            seen[nr / 64] |= UINT64_C(1) << (nr % 64);
        const char *name = shim_syscall_name(nr);
        shim_log("system call %lu (%s) not implemented: ENOSYS", nr, name ? name : "unknown");
    }
    return -LINUX_ENOSYS;
}

/* readv, writev: each piece in turn; a short piece ends the call. */
static long do_iov(struct process *p, long fd, uint64_t iov, long cnt, bool write)
{
    if (cnt < 0 || cnt > IOV_MAX)
        return -LINUX_EINVAL;
    long total = 0;
    for (long i = 0; i < cnt; i++) {
        uint64_t v[2];
        if (mm_copy_in(&p->mm, v, iov + 16 * (uint64_t)i, sizeof v) != 0)
            return total ? total : -LINUX_EFAULT;
        long r = write ? vfs_write(p, fd, v[0], v[1], -1) : vfs_read(p, fd, v[0], v[1], -1);
        if (r < 0)
            return total ? total : r;
        total += r;
        if ((uint64_t)r < v[1])
            break;
    }
    return total;
}

static long do_uname(struct process *p, uint64_t buf)
{
    char u[6][65];
    memset(u, 0, sizeof u);
    strcpy(u[0], "Linux");
    strncpy(u[1], shim.name ? shim.name : "tessera", 64);
    strcpy(u[2], "6.1.0-tessera");
    strcpy(u[3], "#1 SMP PREEMPT Tessera paravirt-linux-shim");
    strcpy(u[4], "x86_64");
    strcpy(u[5], "(none)");
    return mm_copy_out(&p->mm, buf, u, sizeof u);
}

static long do_getrandom(struct process *p, uint64_t buf, uint64_t n, unsigned flags)
{
    if (flags & ~7u)
        return -LINUX_EINVAL;
    uint8_t chunk[256];
    uint64_t done = 0;
    while (done < n) {
        size_t k = n - done < sizeof chunk ? (size_t)(n - done) : sizeof chunk;
        shim_random(chunk, k);
        if (mm_copy_out(&p->mm, buf + done, chunk, k) != 0)
            return done ? (long)done : -LINUX_EFAULT;
        done += k;
    }
    return (long)done;
}

static long do_ioctl(struct process *p, long fd, unsigned long req, uint64_t arg)
{
    if (!shim_fd_get(p->fds, (int)fd))
        return -LINUX_EBADF;
    if (!vfs_is_tty(p, fd))
        return vfs_ioctl(p, fd, req, arg);
    extern struct shim_tty shim_tty;
    switch (req) {
    case TIOCGWINSZ:
        return mm_copy_out(&p->mm, arg, &shim_tty.ws, sizeof shim_tty.ws);
    case TIOCSWINSZ: {
        struct shim_winsize ws;
        if (mm_copy_in(&p->mm, &ws, arg, sizeof ws) != 0)
            return -LINUX_EFAULT;
        struct shim_tty_events ev = {0};
        shim_tty_set_winsize(&shim_tty, &ws, &ev);
        return 0;
    }
    case TCGETS:
        return mm_copy_out(&p->mm, arg, &shim_tty.t, sizeof shim_tty.t);
    case TCSETS:
    case TCSETSW:
    case TCSETSF: {
        struct shim_termios t;
        if (mm_copy_in(&p->mm, &t, arg, sizeof t) != 0)
            return -LINUX_EFAULT;
        return shim_tty_set_termios(&shim_tty, (unsigned)req, &t);
    }
    case TIOCGPGRP:
        return mm_copy_out(&p->mm, arg, &shim_tty.fg_pgrp, 4);
    case TIOCSPGRP:
        return mm_copy_in(&p->mm, &shim_tty.fg_pgrp, arg, 4);
    case FIONREAD: {
        int32_t n = (int32_t)shim_tty_available(&shim_tty);
        return mm_copy_out(&p->mm, arg, &n, 4);
    }
    }
    return -LINUX_ENOTTY;
}

/* vfork: the child runs in the parent's memory; the parent waits (its
 * reply kept) until the child execs or ends. False if the parent now
 * waits; true with *r to answer now (an error). */
static bool do_vfork(struct process *p, const struct syscall_frame *f, long *r)
{
    l4_word_t kept = shim_keep_reply();
    if (!kept) {
        *r = -LINUX_EAGAIN;
        return true;
    }
    *r = proc_vfork(p, f);
    struct process *c = *r > 0 ? proc_by_pid((int)*r) : NULL;
    if (!c) {
        shim_release_reply(kept);
        return true;
    }
    c->vfork_parent = p->pid;
    c->vfork_reply = kept;
    return false;
}

bool syscall_dispatch(struct process *p, struct syscall_frame *f, bool *reply_fs)
{
    const l4_word_t *a = f->a;
    long r;
    switch (f->nr) {
    case SYS_read:
        r = vfs_read(p, (int)a[0], a[1], a[2], -1);
        break;
    case SYS_write:
        r = vfs_write(p, (int)a[0], a[1], a[2], -1);
        break;
    case SYS_pread64:
        r = (int64_t)a[3] < 0 ? -LINUX_EINVAL : vfs_read(p, (int)a[0], a[1], a[2], (int64_t)a[3]);
        break;
    case SYS_pwrite64:
        r = (int64_t)a[3] < 0 ? -LINUX_EINVAL : vfs_write(p, (int)a[0], a[1], a[2], (int64_t)a[3]);
        break;
    case SYS_readv:
    case SYS_writev:
        r = do_iov(p, (int)a[0], a[1], (long)(int)a[2], f->nr == SYS_writev);
        break;
    case SYS_open:
        r = vfs_openat(p, -100, a[0], (unsigned)a[1], (unsigned)a[2]);
        break;
    case SYS_openat:
        r = vfs_openat(p, (int)a[0], a[1], (unsigned)a[2], (unsigned)a[3]);
        break;
    case SYS_close:
        r = vfs_close(p, (int)a[0]);
        break;
    case SYS_lseek:
        r = vfs_lseek(p, (int)a[0], (int64_t)a[1], (int)a[2]);
        break;
    case SYS_fstat:
        r = vfs_fstat(p, (int)a[0], a[1]);
        break;
    case SYS_stat:
        r = vfs_fstatat(p, -100, a[0], a[1], 0);
        break;
    case SYS_lstat:
        r = vfs_fstatat(p, -100, a[0], a[1], 0x100);
        break;
    case SYS_newfstatat:
        r = vfs_fstatat(p, (int)a[0], a[1], a[2], (unsigned)a[3]);
        break;
    case SYS_getdents64:
        r = vfs_getdents64(p, (int)a[0], a[1], a[2]);
        break;
    case SYS_getcwd:
        r = vfs_getcwd(p, a[0], a[1]);
        break;
    case SYS_chdir:
        r = vfs_chdir(p, a[0]);
        break;
    case SYS_readlink:
        r = vfs_readlinkat(p, -100, a[0], a[1], a[2]);
        break;
    case SYS_readlinkat:
        r = vfs_readlinkat(p, (int)a[0], a[1], a[2], a[3]);
        break;
    case SYS_access:
        r = vfs_faccessat(p, -100, a[0], (unsigned)a[1]);
        break;
    case SYS_faccessat:
    case SYS_faccessat2:
        r = vfs_faccessat(p, (int)a[0], a[1], (unsigned)a[2]);
        break;
    case SYS_mkdir:
        r = vfs_mkdirat(p, -100, a[0], (unsigned)a[1]);
        break;
    case SYS_mkdirat:
        r = vfs_mkdirat(p, (int)a[0], a[1], (unsigned)a[2]);
        break;
    case SYS_unlink:
        r = vfs_unlinkat(p, -100, a[0], 0);
        break;
    case SYS_rmdir:
        r = vfs_unlinkat(p, -100, a[0], 0x200);
        break;
    case SYS_unlinkat:
        r = vfs_unlinkat(p, (int)a[0], a[1], (unsigned)a[2]);
        break;
    case SYS_rename:
        r = vfs_renameat(p, -100, a[0], -100, a[1]);
        break;
    case SYS_renameat:
        r = vfs_renameat(p, (int)a[0], a[1], (int)a[2], a[3]);
        break;
    case SYS_dup:
        r = vfs_dup3(p, (int)a[0], 0, 0, 1);
        break;
    case SYS_dup2:
        r = vfs_dup3(p, (int)a[0], (int)a[1], 0, 2);
        break;
    case SYS_dup3:
        r = vfs_dup3(p, (int)a[0], (int)a[1], (unsigned)a[2], 3);
        break;
    case SYS_fcntl:
        r = vfs_fcntl(p, (int)a[0], (unsigned)a[1], a[2]);
        break;
    case SYS_setpgid: {
        int pid = (int)a[0] ? (int)a[0] : p->pid, pgid = (int)a[1] ? (int)a[1] : pid;
        struct process *q = proc_by_pid(pid);
        if (pgid < 0)
            r = -LINUX_EINVAL;
        else if (!q || (q != p && q->ppid != p->pid))
            r = -LINUX_ESRCH;
        else {
            q->pgrp = pgid;
            r = 0;
        }
        break;
    }
    case SYS_getpgid: {
        struct process *q = (int)a[0] ? proc_by_pid((int)a[0]) : p;
        r = q ? q->pgrp : -LINUX_ESRCH;
        break;
    }
    case SYS_getpgrp:
        r = p->pgrp;
        break;
    case SYS_getsid: {
        struct process *q = (int)a[0] ? proc_by_pid((int)a[0]) : p;
        r = q ? q->sid : -LINUX_ESRCH;
        break;
    }
    case SYS_setsid:
        if (p->pgrp == p->pid) {
            r = -LINUX_EPERM;
        } else {
            p->sid = p->pgrp = p->pid;
            r = p->pid;
        }
        break;
    case SYS_poll:
        r = vfs_poll(p, a[0], a[1], (long)(int)a[2]);
        break;
    case SYS_ppoll: {
        long ms = -1;
        if (a[2]) {
            uint64_t ts[2];
            if (mm_copy_in(&p->mm, ts, a[2], sizeof ts) != 0) {
                r = -LINUX_EFAULT;
                break;
            }
            if ((int64_t)ts[0] < 0 || ts[1] >= 1000000000u) {
                r = -LINUX_EINVAL;
                break;
            }
            ms = (long)(ts[0] * 1000 + (ts[1] + 999999) / 1000000);
        }
        r = sig_temp_mask(p, a[3], a[4]);
        if (r == 0)
            r = vfs_poll(p, a[0], a[1], ms);
        break;
    }
    case SYS_select:
        r = vfs_select(p, (int)a[0], a[1], a[2], a[3], a[4], false);
        break;
    case SYS_pselect6: {
        uint64_t sm[2] = {0, 8}; /* the mask and its size */
        r = a[5] && mm_copy_in(&p->mm, sm, a[5], sizeof sm) != 0 ? -LINUX_EFAULT
                                                                 : sig_temp_mask(p, sm[0], sm[1]);
        if (r == 0)
            r = vfs_select(p, (int)a[0], a[1], a[2], a[3], a[4], true);
        break;
    }
    case SYS_nanosleep:
    case SYS_clock_nanosleep: {
        uint64_t ts[2];
        uint64_t req = f->nr == SYS_nanosleep ? a[0] : a[2];
        if (f->nr == SYS_clock_nanosleep && (a[1] & 1)) { /* TIMER_ABSTIME */
            if (mm_copy_in(&p->mm, ts, req, sizeof ts) != 0) {
                r = -LINUX_EFAULT;
                break;
            }
            uint64_t at = ts[0] * 1000000000u + ts[1], now = shim_now_ns();
            r = shim_sleep(p, at > now ? at - now : 0);
            break;
        }
        if (mm_copy_in(&p->mm, ts, req, sizeof ts) != 0)
            r = -LINUX_EFAULT;
        else if (ts[1] >= 1000000000u || (int64_t)ts[0] < 0)
            r = -LINUX_EINVAL;
        else
            r = shim_sleep(p, ts[0] * 1000000000u + ts[1]);
        break;
    }
    case SYS_sysinfo:
        r = sys_sysinfo(p, a[0]);
        break;
    case SYS_umask:
        r = (long)p->umask;
        p->umask = (unsigned)a[0] & 0777;
        break;
    case SYS_statx:
        r = vfs_statx(p, (int)a[0], a[1], (unsigned)a[2], (unsigned)a[3], a[4]);
        break;
    case SYS_statfs:
        r = vfs_statfs(p, a[0], -1, a[1]);
        break;
    case SYS_fstatfs:
        r = vfs_statfs(p, 0, (int)a[0], a[1]);
        break;
    case SYS_sendfile:
        r = vfs_sendfile(p, (int)a[0], (int)a[1], a[2], a[3]);
        break;
    case SYS_fchdir:
        r = vfs_fchdir(p, (int)a[0]);
        break;
    case SYS_truncate:
        r = vfs_truncate(p, -1, a[0], (int64_t)a[1]);
        break;
    case SYS_ftruncate:
        r = vfs_truncate(p, (int)a[0], 0, (int64_t)a[1]);
        break;
    case SYS_symlink:
        r = vfs_symlinkat(p, a[0], -100, a[1]);
        break;
    case SYS_symlinkat:
        r = vfs_symlinkat(p, a[0], (int)a[1], a[2]);
        break;
    case SYS_link:
        r = vfs_linkat(p, -100, a[0], -100, a[1]);
        break;
    case SYS_linkat:
        r = vfs_linkat(p, (int)a[0], a[1], (int)a[2], a[3]);
        break;
    case SYS_chmod:
        r = vfs_chmod(p, -100, a[0], -1, (unsigned)a[1]);
        break;
    case SYS_fchmod:
        r = vfs_chmod(p, -100, 0, (int)a[0], (unsigned)a[1]);
        break;
    case SYS_fchmodat:
        r = vfs_chmod(p, (int)a[0], a[1], -1, (unsigned)a[2]);
        break;
    case SYS_chown:
    case SYS_lchown:
        r = vfs_chown(p, -100, a[0], -1, (uint32_t)a[1], (uint32_t)a[2], f->nr == SYS_chown);
        break;
    case SYS_fchown:
        r = vfs_chown(p, -100, 0, (int)a[0], (uint32_t)a[1], (uint32_t)a[2], true);
        break;
    case SYS_fchownat:
        r = vfs_chown(p, (int)a[0], a[1], -1, (uint32_t)a[2], (uint32_t)a[3], !(a[4] & 0x100));
        break;
    case SYS_utimensat:
        r = vfs_utimensat(p, (int)a[0], a[1], a[2], (unsigned)a[3]);
        break;
    case SYS_pipe:
        r = vfs_pipe2(p, a[0], 0);
        break;
    case SYS_pipe2:
        r = vfs_pipe2(p, a[0], (unsigned)a[1]);
        break;
    case SYS_gettimeofday:
        r = clock_sys_gettimeofday(p, a[0], a[1]);
        break;
    case SYS_settimeofday:
        r = clock_sys_settimeofday(p, a[0], a[1]);
        break;
    case SYS_clock_getres:
        r = clock_sys_getres(p, (int)a[0], a[1]);
        break;
    case SYS_clock_settime:
        r = clock_sys_settime(p, (int)a[0], a[1]);
        break;
    case SYS_time:
        r = clock_sys_time(p, a[0]);
        break;
    case SYS_brk:
        r = mm_brk(&p->mm, a[0]);
        break;
    case SYS_mmap:
        if (!(a[3] & 0x20) && a[1] && (a[3] & 3) && !(a[2] & ~7ul)) /* a file */
            r = vfs_mmap(p, a[0], a[1], (unsigned)a[2], (unsigned)a[3], (int)a[4], a[5]);
        else
            r = mm_mmap(&p->mm, a[0], a[1], (unsigned)a[2], (unsigned)a[3], (int)a[4], a[5]);
        break;
    case SYS_mremap:
        r = mm_mremap(&p->mm, a[0], a[1], a[2], (unsigned)a[3], a[4]);
        break;
    case SYS_munmap:
        r = mm_munmap(&p->mm, a[0], a[1]);
        break;
    case SYS_mprotect:
        r = mm_mprotect(&p->mm, a[0], a[1], (unsigned)a[2]);
        break;
    case SYS_rt_sigaction:
    case SYS_rt_sigprocmask:
    case SYS_rt_sigreturn:
    case SYS_rt_sigpending:
    case SYS_rt_sigsuspend:
    case SYS_rt_sigtimedwait:
    case SYS_rt_sigqueueinfo:
    case SYS_rt_tgsigqueueinfo:
    case SYS_sigaltstack:
    case SYS_pause:
    case SYS_alarm:
    case SYS_setitimer:
    case SYS_getitimer:
    case SYS_kill:
    case SYS_tkill:
    case SYS_tgkill:
        r = sig_syscall(p, f);
        break;
    case SYS_ioctl:
        r = do_ioctl(p, (int)a[0], (unsigned)a[1], a[2]);
        break;
    case SYS_sched_yield:
        r = 0;
        break;
    case SYS_getpid:
    case SYS_gettid:
        r = p->pid;
        break;
    case SYS_getppid:
        r = p->ppid;
        break;
    case SYS_uname:
        r = do_uname(p, a[0]);
        break;
    case SYS_arch_prctl:
        if (a[0] == ARCH_SET_FS) {
            if (a[1] >= UINT64_C(0x00007ffffffff000)) {
                r = -LINUX_EPERM;
            } else {
                f->fs = a[1];
                *reply_fs = true;
                r = 0;
            }
        } else if (a[0] == ARCH_GET_FS) {
            r = mm_copy_out(&p->mm, a[1], &f->fs, sizeof f->fs);
        } else {
            r = -LINUX_EINVAL;
        }
        break;
    case SYS_futex:
        r = futex_syscall(p, f);
        break;
    case SYS_set_tid_address:
        p->tid_address = a[0];
        r = p->pid;
        break;
    case SYS_set_robust_list:
        r = a[1] == 24 ? 0 : -LINUX_EINVAL;
        break;
    case SYS_clock_gettime:
        r = clock_sys_gettime(p, (int)a[0], a[1]);
        break;
    case SYS_getrandom:
        r = do_getrandom(p, a[0], a[1], (unsigned)a[2]);
        break;
    case SYS_clone:
        /* CLONE_VM|CLONE_VFORK (posix_spawn) on a stack of its own is a
         * vfork; threads (CLONE_VM, CLONE_THREAD) come later; a fork
         * otherwise */
        if ((a[0] & 0x14100) == 0x4100) {
            struct syscall_frame g = *f;
            if (a[1])
                g.rsp = a[1];
            if (!do_vfork(p, &g, &r))
                return false;
            break;
        }
        if (a[0] & 0x10100) {
            r = nosys(f->nr);
            break;
        }
        r = proc_fork(p, f);
        break;
    case SYS_fork:
        r = proc_fork(p, f);
        break;
    case SYS_vfork:
        if (!do_vfork(p, f, &r))
            return false;
        break;
    case SYS_execve:
        r = proc_execve(p, a[0], a[1], a[2]);
        if (r == 0)
            return false; /* the new image runs; nothing to answer */
        break;
    case SYS_wait4:
        if (!proc_wait(p, (long)(int)a[0], a[1], (long)(int)a[2], a[3], f))
            return false;
        r = (long)f->nr;
        break;
    case SYS_waitid:
        if (!proc_waitid(p, (long)(int)a[0], (long)(int)a[1], a[2], (long)(int)a[3], f))
            return false;
        r = (long)f->nr;
        break;
    case SYS_exit:
    case SYS_exit_group:
        proc_exit(p, (int)((a[0] & 0xff) << 8));
        return false;
    default: {
        bool handled;
        r = sys_resource(p, f, &handled);
        if (!handled)
            r = sys_misc(p, f, &handled);
        if (!handled)
            r = nosys(f->nr);
        break;
    }
    }
    if (r == SHIM_BLOCKED)
        return false; /* parked: answered when it can go on */
    if (r == SHIM_KILLED_SIGPIPE)
        r = -LINUX_EPIPE;
    if (r == -LINUX_EPIPE && (f->nr == SYS_write || f->nr == SYS_writev || f->nr == SYS_pwrite64 ||
                              f->nr == SYS_sendfile))
        sig_send_kernel(p, LINUX_SIGPIPE, LINUX_SI_USER, p->pid); /* as Linux: with EPIPE */
    if (!p->live || p->zombie)
        return false;
    if (r == SHIM_KILLED_SIGXFSZ) { /* past RLIMIT_FSIZE: EFBIG and SIGXFSZ */
        sig_send_kernel(p, LINUX_SIGXFSZ, LINUX_SI_USER, p->pid);
        r = -LINUX_EFBIG;
    }
    f->nr = (l4_word_t)r;
    return true;
}
