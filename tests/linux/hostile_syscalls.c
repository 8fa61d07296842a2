/* SPDX-License-Identifier: MIT */
/*
 * hostile_syscalls: random syscall numbers with random arguments, from a
 * fixed seed, in child processes; the parent must come through unharmed
 * and still fork, pipe and wait afterwards. Under Tessera the shim must
 * answer every call (an error, a signal for the child) and keep running.
 *
 * Run natively as a smoke check, so the child is fenced in first: stdin,
 * stdout and stderr go to /dev/null; it drops root (to uid 65534) after
 * chroot into an empty directory; every path it passes is built from bytes
 * without '/' or '.', so names resolve inside that directory only; calls
 * that reach beyond the process (kill, ptrace, sockets, SysV IPC, mount,
 * reboot, scheduling of other pids...) or would take its own memory or
 * signal set away (mmap, munmap, brk, sigaction, sigprocmask, exit, fork,
 * execve...) are drawn again. Resource limits bound CPU time, file size,
 * descriptors and memory; a 5 ms interval timer interrupts any call that
 * blocks, and the parent kills a child still running after 10 s.
 *
 * Output: one line per child ("ended": how it ended depends on the host
 * and is printed on stderr only) and the parent's checks.
 */
#include "lt.h"

#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>

#define CALLS 2000

static uint64_t rng;

static uint64_t rnd(void)
{
    /* xorshift64* */
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return rng * 2685821657736338717ull;
}

/* Syscalls a fenced child may still not make (x86-64 numbers). */
static const long denied[] = {
    SYS_exit,
    SYS_exit_group,
    SYS_fork,
    SYS_vfork,
    SYS_clone,
    SYS_execve,
    SYS_execveat,
    SYS_kill,
    SYS_tkill,
    SYS_tgkill,
    SYS_rt_sigqueueinfo,
    SYS_rt_tgsigqueueinfo,
    SYS_ptrace,
    SYS_process_vm_readv,
    SYS_process_vm_writev,
    SYS_rt_sigaction,
    SYS_rt_sigprocmask,
    SYS_rt_sigreturn,
    SYS_rt_sigsuspend,
    SYS_rt_sigtimedwait,
    SYS_sigaltstack,
    SYS_setitimer,
    SYS_alarm,
    SYS_timer_create,
    SYS_timer_settime,
    SYS_mmap,
    SYS_munmap,
    SYS_mremap,
    SYS_mprotect,
    SYS_brk,
    SYS_madvise,
    SYS_remap_file_pages,
    SYS_mlock,
    SYS_mlockall,
    SYS_munlock,
    SYS_munlockall,
    SYS_mbind,
    SYS_set_mempolicy,
    SYS_migrate_pages,
    SYS_move_pages,
    SYS_shmget,
    SYS_shmat,
    SYS_shmdt,
    SYS_shmctl,
    SYS_semget,
    SYS_semop,
    SYS_semctl,
    SYS_semtimedop,
    SYS_msgget,
    SYS_msgsnd,
    SYS_msgrcv,
    SYS_msgctl,
    SYS_mq_open,
    SYS_mq_unlink,
    SYS_mq_timedsend,
    SYS_mq_timedreceive,
    SYS_mq_notify,
    SYS_mq_getsetattr,
    SYS_arch_prctl,
    SYS_set_tid_address,
    SYS_prctl,
    SYS_seccomp,
    SYS_unshare,
    SYS_setns,
    SYS_personality,
    SYS_modify_ldt,
    SYS_socket,
    SYS_connect,
    SYS_sendto,
    SYS_sendmsg,
    SYS_sendmmsg,
    SYS_bind,
    SYS_listen,
    SYS_accept,
    SYS_accept4,
    SYS_setpriority,
    SYS_sched_setscheduler,
    SYS_sched_setparam,
    SYS_sched_setaffinity,
    SYS_sched_setattr,
    SYS_ioprio_set,
    SYS_prlimit64,
    SYS_setrlimit,
    SYS_reboot,
    SYS_kexec_load,
    SYS_kexec_file_load,
    SYS_init_module,
    SYS_finit_module,
    SYS_delete_module,
    SYS_swapon,
    SYS_swapoff,
    SYS_mount,
    SYS_umount2,
    SYS_pivot_root,
    SYS_chroot,
    SYS_chdir,
    SYS_fchdir,
    SYS_acct,
    SYS_settimeofday,
    SYS_clock_settime,
    SYS_adjtimex,
    SYS_clock_adjtime,
    SYS_sethostname,
    SYS_setdomainname,
    SYS_iopl,
    SYS_ioperm,
    SYS_syslog,
    SYS_quotactl,
    SYS_bpf,
    SYS_perf_event_open,
    SYS_userfaultfd,
    SYS_io_setup,
    SYS_io_submit,
    SYS_io_destroy,
    SYS_io_getevents,
    SYS_io_cancel,
    SYS_keyctl,
    SYS_add_key,
    SYS_request_key,
    SYS_fanotify_init,
    SYS_fanotify_mark,
    SYS_open_by_handle_at,
    SYS_name_to_handle_at,
    SYS_vhangup,
    SYS_sync,
    SYS_syncfs,
    SYS_capset,
    SYS_uselib,
    SYS_lookup_dcookie,
    SYS_rseq,
    SYS_set_robust_list,
    SYS_pidfd_send_signal,
    SYS_pidfd_getfd,
    SYS_process_madvise,
    SYS_clone3,
    SYS_io_uring_setup,
    SYS_io_uring_enter,
    SYS_io_uring_register,
    SYS_open_tree,
    SYS_move_mount,
    SYS_fsopen,
    SYS_fsconfig,
    SYS_fsmount,
    SYS_fspick,
    SYS_mount_setattr,
    447 /* memfd_secret */,
    SYS_landlock_create_ruleset,
    SYS_landlock_add_rule,
    SYS_landlock_restrict_self,
    443 /* quotactl_fd */,
    SYS_pause,
    SYS_futex,
    /* Numbers past musl's table: new memory, mount and process calls. */
    449,
    450,
    451,
    452,
    453,
    454,
    455,
    456,
    457,
    458,
    459,
    460,
    461,
    462,
    463,
    464,
    465,
    466,
    467,
    468,
    469,
};

static int is_denied(long nr)
{
    for (unsigned i = 0; i < sizeof denied / sizeof denied[0]; i++)
        if (denied[i] == nr)
            return 1;
    /* 335..423: unassigned on x86-64, and some hosts trap on them. */
    return nr >= 335 && nr < 424;
}

static char scratch[8192];

static long rnd_arg(void)
{
    static const uintptr_t bad[] = {
        0, 1, 0x1000, 0xffffffff81000000ul, 0x0000800000000000ul, 0xfffffffffffff000ul};
    switch (rnd() % 10) {
    case 0:
        return 0;
    case 1:
        return -1;
    case 2:
        return (long)(rnd() % 64);
    case 3:
        return (long)rnd();
    case 4:
        return (long)(uint32_t)rnd();
    case 5:
    case 6:
        return (long)(scratch + rnd() % 4096);
    case 7:
        return (long)bad[rnd() % (sizeof bad / sizeof bad[0])];
    case 8:
        return AT_FDCWD;
    default:
        return (long)(1ul << (rnd() % 64));
    }
}

static void on_tick(int sig)
{
    (void)sig;
}

static void fence_and_run(const char *dir, uint64_t seed)
{
    int null = open("/dev/null", O_RDWR);
    dup2(null, 0);
    dup2(null, 1);
    dup2(null, 2);
    for (int fd = 3; fd < 1024; fd++)
        close(fd);
    if (chdir(dir) != 0)
        _exit(80);
    if (getuid() == 0) {
        /* Natively as root: chroot, then become nobody. Both must work
         * unless chroot is refused (as a guest kernel may do), in which
         * case dropping root is still required. */
        if (chroot(".") != 0 && errno != ENOSYS && errno != EPERM)
            _exit(81);
        if (setgid(65534) != 0 || setuid(65534) != 0 || getuid() == 0)
            _exit(82);
    }
    struct rlimit rl = {5, 5};
    setrlimit(RLIMIT_CPU, &rl);
    rl = (struct rlimit){1 << 20, 1 << 20};
    setrlimit(RLIMIT_FSIZE, &rl);
    rl = (struct rlimit){64, 64};
    setrlimit(RLIMIT_NOFILE, &rl);
    rl = (struct rlimit){1ul << 30, 1ul << 30};
    setrlimit(RLIMIT_AS, &rl);
    rl = (struct rlimit){0, 0};
    setrlimit(RLIMIT_CORE, &rl);
    signal(SIGPIPE, SIG_IGN);
    signal(SIGXFSZ, SIG_IGN);
    struct sigaction sa = {.sa_handler = on_tick}; /* no SA_RESTART */
    sigaction(SIGALRM, &sa, NULL);
    struct itimerval it = {{0, 5000}, {0, 5000}};
    setitimer(ITIMER_REAL, &it, NULL);

    rng = seed;
    for (int i = 0; i < CALLS; i++) {
        /* Path-like bytes: never '/', never '.', NUL-terminated now and then. */
        for (int k = 0; k < 64; k++) {
            char c = (char)rnd();
            scratch[rnd() % 4096] = (c == '/' || c == '.') ? 'x' : c;
        }
        scratch[rnd() % 4096] = 0;
        long nr;
        uint64_t kind = rnd() % 20;
        do {
            nr = kind < 18    ? (long)(rnd() % 449)
                 : kind == 18 ? 470 + (long)(rnd() % 600)
                              : (long)rnd();
        } while (is_denied(nr));
        syscall(nr, rnd_arg(), rnd_arg(), rnd_arg(), rnd_arg(), rnd_arg(), rnd_arg());
    }
    _exit(0);
}

/* Waits for pid up to limit_ms, then kills it; returns its status. */
static int wait_bounded(pid_t pid, int limit_ms)
{
    int st = 0;
    for (int waited = 0; waited < limit_ms; waited += 10) {
        pid_t r = waitpid(pid, &st, WNOHANG);
        if (r == pid)
            return st;
        struct timespec d = {0, 10000000};
        nanosleep(&d, NULL);
    }
    fprintf(stderr, "child %d still running after %d ms: killed\n", pid, limit_ms);
    kill(pid, SIGKILL);
    waitpid(pid, &st, 0);
    return st;
}

/* Removes the fenced directory and whatever the children left in it. */
static void remove_tree(const char *path)
{
    pid_t pid = fork();
    if (pid == 0) {
        char *argv[] = {"rm", "-rf", (char *)path, NULL};
        execv("/bin/rm", argv);
        execv("/bin/busybox", argv);
        _exit(1);
    }
    waitpid(pid, NULL, 0);
}

int main(void)
{
    lt_init();
    char dir[64];
    lt_tmpdir(dir, sizeof dir);
    chmod(dir, 0711);
    if (chdir("/") != 0)
        return 2;
    for (uint64_t seed = 1; seed <= 3; seed++) {
        pid_t pid = fork();
        if (pid == 0)
            fence_and_run(dir, 0x5eed0000 + seed);
        int st = wait_bounded(pid, 10000);
        fprintf(stderr, "random-syscall child %d: %s\n", (int)seed, lt_status(st));
        CHECK("a fenced child was made",
              !(WIFEXITED(st) && WEXITSTATUS(st) >= 80 && WEXITSTATUS(st) <= 82));
        printf("child %d: ended\n", (int)seed);
    }
    int p[2];
    char c = 0;
    CHECK("parent: pipe round trip",
          pipe(p) == 0 && write(p[1], "k", 1) == 1 && read(p[0], &c, 1) == 1 && c == 'k');
    pid_t pid = fork();
    if (pid == 0)
        _exit(7);
    int st;
    CHECK("parent: fork and wait",
          waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 7);
    remove_tree(dir);
    return lt_done();
}
