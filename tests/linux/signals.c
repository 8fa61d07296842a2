/* SPDX-License-Identifier: MIT */
/*
 * signals: handlers and their siginfo, masks and pending signals,
 * sigreturn restoring every general and vector register, SA_RESTART
 * against EINTR, SA_RESETHAND, sigaltstack, sigsuspend, SIGCHLD, SIGPIPE,
 * default actions, SIGSEGV's si_addr and si_code, alarm and setitimer,
 * nanosleep interrupted, and the errors of kill and sigaction.
 */
#include "lt.h"

#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>

static volatile sig_atomic_t got_sig, got_code, got_pid_ok, handler_count;
static volatile uintptr_t got_addr;
static int wake_fd = -1;
static sigjmp_buf jump;

static void on_info(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    got_sig = sig;
    got_code = si->si_code;
    got_pid_ok = si->si_pid == getpid();
    handler_count++;
}

static void on_fault(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    got_sig = sig;
    got_code = si->si_code;
    got_addr = (uintptr_t)si->si_addr;
    siglongjmp(jump, 1);
}

/* Writes one byte into the pipe the main program is blocked reading. */
static void on_alarm_write(int sig)
{
    (void)sig;
    handler_count++;
    if (wake_fd >= 0 && write(wake_fd, "x", 1) != 1)
        _exit(3);
}

static void on_plain(int sig)
{
    got_sig = sig;
    handler_count++;
}

/* Clobbers every callee-saved register and xmm8..xmm15 in the handler. */
static void on_clobber(int sig)
{
    (void)sig;
    handler_count++;
    __asm__ volatile("xor %%ebx, %%ebx\n\txor %%r12d, %%r12d\n\txor %%r13d, %%r13d\n\t"
                     "xor %%r14d, %%r14d\n\txor %%r15d, %%r15d\n\t"
                     "pxor %%xmm8, %%xmm8\n\tpxor %%xmm15, %%xmm15\n\t"
                     "pxor %%xmm0, %%xmm0\n\tpxor %%xmm1, %%xmm1" ::
                         : "rbx", "r12", "r13", "r14", "r15", "xmm0", "xmm1", "xmm8", "xmm15");
}

static volatile unsigned long frame_uc_flags;
static volatile unsigned frame_magic1, frame_xstate_size;

/* Clobbers the upper halves of ymm0 and ymm9 and looks at its frame. */
static void on_ymm(int sig, siginfo_t *si, void *ucv)
{
    (void)sig;
    (void)si;
    ucontext_t *uc = ucv;
    frame_uc_flags = uc->uc_flags;
    const unsigned char *fp = (const unsigned char *)uc->uc_mcontext.fpregs;
    memcpy((void *)&frame_magic1, fp + 464, 4);
    memcpy((void *)&frame_xstate_size, fp + 464 + 16, 4);
    handler_count++;
    __asm__ volatile("vpcmpeqd %%ymm0, %%ymm0, %%ymm0\n\tvpcmpeqd %%ymm9, %%ymm9, %%ymm9" ::
                         : "xmm0", "xmm9");
}

static void set_handler(int sig, void (*fn)(int), int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = fn;
    sa.sa_flags = flags;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
}

static void set_info_handler(int sig, void (*fn)(int, siginfo_t *, void *), int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = fn;
    sa.sa_flags = SA_SIGINFO | flags;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
}

static void handler_tests(void)
{
    set_info_handler(SIGUSR1, on_info, 0);
    got_sig = 0;
    kill(getpid(), SIGUSR1);
    CHECK("kill(self, SIGUSR1) runs the handler before kill returns", got_sig == SIGUSR1);
    CHECK("siginfo: si_code SI_USER", got_code == SI_USER);
    CHECK("siginfo: si_pid is the sender", got_pid_ok);

    got_sig = 0;
    union sigval v = {.sival_int = 5};
    sigqueue(getpid(), SIGUSR1, v);
    CHECK("sigqueue: si_code SI_QUEUE", got_sig == SIGUSR1 && got_code == SI_QUEUE);

    /* Blocked: pending, not delivered; delivered on unblock. */
    sigset_t set, old, pend;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigprocmask(SIG_BLOCK, &set, &old);
    handler_count = 0;
    raise(SIGUSR1);
    raise(SIGUSR1);
    sigpending(&pend);
    CHECK("blocked signal is pending, not delivered",
          sigismember(&pend, SIGUSR1) && handler_count == 0);
    sigprocmask(SIG_SETMASK, &old, NULL);
    CHECK("unblocking delivers a standard signal once", handler_count == 1);

    /* Real-time signals queue: three sent while blocked, three delivered. */
    set_info_handler(SIGRTMIN + 1, on_info, 0);
    sigemptyset(&set);
    sigaddset(&set, SIGRTMIN + 1);
    sigprocmask(SIG_BLOCK, &set, &old);
    handler_count = 0;
    for (int i = 0; i < 3; i++)
        sigqueue(getpid(), SIGRTMIN + 1, v);
    sigprocmask(SIG_SETMASK, &old, NULL);
    CHECK("real-time signals queue (3 sent, 3 handled)", handler_count == 3);

    /* SA_RESETHAND: the second delivery takes the default action. */
    set_handler(SIGUSR2, on_plain, SA_RESETHAND);
    raise(SIGUSR2);
    struct sigaction cur;
    sigaction(SIGUSR2, NULL, &cur);
    CHECK("SA_RESETHAND resets to SIG_DFL", cur.sa_handler == SIG_DFL);

    /* Ignored signals are dropped. */
    signal(SIGUSR2, SIG_IGN);
    CHECK("raise of an ignored signal returns", raise(SIGUSR2) == 0);
    signal(SIGUSR2, SIG_DFL);

    /* The errors of sigaction, kill and sigprocmask. */
    CHECK_ERR("sigaction(SIGKILL)", sigaction(SIGKILL, &cur, NULL), EINVAL);
    CHECK_ERR("sigaction(SIGSTOP)", sigaction(SIGSTOP, &cur, NULL), EINVAL);
    CHECK_ERR("sigaction(65)", syscall(SYS_rt_sigaction, 65, NULL, NULL, 8), EINVAL);
    CHECK_ERR("rt_sigaction with sigsetsize 4", syscall(SYS_rt_sigaction, SIGUSR1, NULL, &cur, 4),
              EINVAL);
    CHECK_ERR("kill with signal 99", kill(getpid(), 99), EINVAL);
    CHECK_ERR("kill of a missing pid", kill(0x3ffffff0, SIGUSR1), ESRCH);
    CHECK_OK("kill(self, 0) probes", kill(getpid(), 0));
    CHECK_ERR("rt_sigprocmask how=7", syscall(SYS_rt_sigprocmask, 7, &set, NULL, 8), EINVAL);
}

static void sigreturn_tests(void)
{
    /* Values in callee-saved and vector registers across a signal whose
     * handler clobbers them: sigreturn must restore every one. The signal
     * is sent by a raw kill syscall inside the asm, so the compiler cannot
     * keep copies elsewhere. */
    set_handler(SIGUSR1, on_clobber, 0);
    handler_count = 0;
    uint64_t rbx, r12, r13, r14, r15, x8, x15, x0;
    uint64_t pid = (uint64_t)getpid();
    __asm__ volatile("mov $0x1111111111111111, %%rbx\n\t"
                     "mov $0x1212121212121212, %%r12\n\t"
                     "mov $0x1313131313131313, %%r13\n\t"
                     "mov $0x1414141414141414, %%r14\n\t"
                     "mov $0x1515151515151515, %%r15\n\t"
                     "mov $0x0808080808080808, %%rax\n\tmovq %%rax, %%xmm8\n\t"
                     "mov $0x0f0f0f0f0f0f0f0f, %%rax\n\tmovq %%rax, %%xmm15\n\t"
                     "mov $0x0a0a0a0a0a0a0a0a, %%rax\n\tmovq %%rax, %%xmm0\n\t"
                     "mov %[pid], %%rdi\n\tmov %[sig], %%esi\n\tmov %[nr], %%eax\n\tsyscall\n\t"
                     "mov %%rbx, %[rbx]\n\tmov %%r12, %[r12]\n\tmov %%r13, %[r13]\n\t"
                     "mov %%r14, %[r14]\n\tmov %%r15, %[r15]\n\t"
                     "movq %%xmm8, %[x8]\n\tmovq %%xmm15, %[x15]\n\tmovq %%xmm0, %[x0]"
                     : [rbx] "=m"(rbx), [r12] "=m"(r12), [r13] "=m"(r13), [r14] "=m"(r14),
                       [r15] "=m"(r15), [x8] "=m"(x8), [x15] "=m"(x15), [x0] "=m"(x0)
                     : [pid] "r"(pid), [sig] "i"(SIGUSR1), [nr] "i"(SYS_kill)
                     : "rax", "rdi", "rsi", "rcx", "r11", "rbx", "r12", "r13", "r14", "r15", "xmm0",
                       "xmm8", "xmm15", "memory");
    CHECK("handler ran", handler_count == 1);
    CHECK("sigreturn restored rbx r12 r13 r14 r15",
          rbx == 0x1111111111111111ull && r12 == 0x1212121212121212ull &&
              r13 == 0x1313131313131313ull && r14 == 0x1414141414141414ull &&
              r15 == 0x1515151515151515ull);
    CHECK("sigreturn restored xmm0 xmm8 xmm15", x8 == 0x0808080808080808ull &&
                                                    x15 == 0x0f0f0f0f0f0f0f0full &&
                                                    x0 == 0x0a0a0a0a0a0a0a0aull);

    /* Floating point across a handler that computes too. */
    volatile double a = 1.0 / 3.0;
    double b = a * 3.0;
    raise(SIGUSR1);
    CHECK("FPU state survives a handler", b == a * 3.0);
    signal(SIGUSR1, SIG_DFL);
}

/* The AVX state: the frame is an xsave frame (UC_FP_XSTATE, magic1 and
 * the xstate size in the software-reserved bytes), and the upper halves of
 * the ymm registers come back after a handler that changed them. Only
 * where the CPU has AVX (the host and QEMU's -cpu max do). */
static void xstate_tests(void)
{
    __builtin_cpu_init();
    if (!__builtin_cpu_supports("avx")) {
        printf("no AVX: xstate checks skipped\n");
        return;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_ymm;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR1, &sa, NULL);
    handler_count = 0;
    uint64_t hi0[2], hi9[2];
    uint64_t pid = (uint64_t)getpid();
    __asm__ volatile("mov $0x0102030405060708, %%rax\n\tmovq %%rax, %%xmm1\n\t"
                     "vpbroadcastq %%xmm1, %%ymm0\n\tvmovdqa %%ymm0, %%ymm9\n\t"
                     "mov %[pid], %%rdi\n\tmov %[sig], %%esi\n\tmov %[nr], %%eax\n\tsyscall\n\t"
                     "vextracti128 $1, %%ymm0, %%xmm1\n\tvmovdqu %%xmm1, %[h0]\n\t"
                     "vextracti128 $1, %%ymm9, %%xmm1\n\tvmovdqu %%xmm1, %[h9]\n\tvzeroupper"
                     : [h0] "=m"(hi0), [h9] "=m"(hi9)
                     : [pid] "r"(pid), [sig] "i"(SIGUSR1), [nr] "i"(SYS_kill)
                     : "rax", "rdi", "rsi", "rcx", "r11", "xmm0", "xmm1", "xmm9", "memory");
    CHECK("handler ran", handler_count == 1);
    CHECK("the frame has the xsave state (UC_FP_XSTATE, FP_XSTATE_MAGIC1)",
          (frame_uc_flags & 1) && frame_magic1 == 0x46505853u && frame_xstate_size >= 832);
    CHECK("sigreturn restored the upper halves of ymm0 and ymm9",
          hi0[0] == 0x0102030405060708ull && hi0[1] == 0x0102030405060708ull &&
              hi9[0] == 0x0102030405060708ull && hi9[1] == 0x0102030405060708ull);
    signal(SIGUSR1, SIG_DFL);
}

static void restart_tests(void)
{
    int p[2];
    char buf[4];
    struct itimerval it = {.it_value = {.tv_usec = 20000}};

    /* SA_RESTART: the handler writes one byte; the read restarts, gets it. */
    if (pipe(p) != 0)
        exit(2);
    wake_fd = p[1];
    set_handler(SIGALRM, on_alarm_write, SA_RESTART);
    handler_count = 0;
    setitimer(ITIMER_REAL, &it, NULL);
    ssize_t n = read(p[0], buf, sizeof buf);
    CHECK("SA_RESTART: read restarts and returns the handler's byte", n == 1 && handler_count == 1);

    /* Without SA_RESTART the same read fails with EINTR. */
    set_handler(SIGALRM, on_alarm_write, 0);
    handler_count = 0;
    setitimer(ITIMER_REAL, &it, NULL);
    CHECK_ERR("no SA_RESTART: read interrupted", read(p[0], buf, sizeof buf), EINTR);
    CHECK("the byte is still in the pipe", read(p[0], buf, sizeof buf) == 1);
    wake_fd = -1;
    close(p[0]);
    close(p[1]);

    /* nanosleep interrupted reports EINTR and the time left. */
    set_handler(SIGALRM, on_plain, SA_RESTART); /* nanosleep never restarts */
    setitimer(ITIMER_REAL, &it, NULL);
    struct timespec req = {.tv_sec = 5}, rem = {0, 0};
    CHECK_ERR("nanosleep interrupted (even with SA_RESTART)", nanosleep(&req, &rem), EINTR);
    CHECK("nanosleep: remaining time between 4 s and 5 s", rem.tv_sec >= 4 && rem.tv_sec < 5);

    /* alarm(): pause() returns after the handler. */
    handler_count = 0;
    struct itimerval get;
    setitimer(ITIMER_REAL, &it, NULL);
    getitimer(ITIMER_REAL, &get);
    CHECK("getitimer shows the armed timer", get.it_value.tv_sec == 0 && get.it_value.tv_usec > 0);
    CHECK_ERR("pause returns after a handler", pause(), EINTR);
    CHECK("one SIGALRM handled", handler_count == 1);
    CHECK("alarm(0) with no alarm returns 0", alarm(0) == 0);
    alarm(100);
    unsigned left = alarm(0);
    CHECK("alarm(0) returns the seconds left", left >= 99 && left <= 100);
    signal(SIGALRM, SIG_DFL);
}

static void suspend_chld_tests(void)
{
    /* SIGCHLD while in sigsuspend with SIGCHLD blocked outside it. */
    sigset_t set, old, wait_mask;
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    sigprocmask(SIG_BLOCK, &set, &old);
    set_handler(SIGCHLD, on_plain, 0);
    got_sig = 0;
    pid_t pid = fork();
    if (pid == 0)
        _exit(0);
    sigemptyset(&wait_mask);
    int r = sigsuspend(&wait_mask);
    CHECK("sigsuspend returns -1 EINTR after SIGCHLD",
          r == -1 && errno == EINTR && got_sig == SIGCHLD);
    sigset_t now;
    sigprocmask(SIG_BLOCK, NULL, &now);
    CHECK("sigsuspend restored the mask", sigismember(&now, SIGCHLD));
    waitpid(pid, NULL, 0);
    sigprocmask(SIG_SETMASK, &old, NULL);
    signal(SIGCHLD, SIG_DFL);

    /* sigtimedwait takes a blocked pending signal without a handler. */
    sigemptyset(&set);
    sigaddset(&set, SIGUSR2);
    sigprocmask(SIG_BLOCK, &set, &old);
    raise(SIGUSR2);
    siginfo_t si;
    struct timespec zero = {0, 0};
    CHECK("sigtimedwait takes the pending SIGUSR2", sigtimedwait(&set, &si, &zero) == SIGUSR2);
    CHECK_ERR("sigtimedwait with nothing pending", sigtimedwait(&set, &si, &zero), EAGAIN);
    sigprocmask(SIG_SETMASK, &old, NULL);
}

static void default_action_tests(void)
{
    int st, p[2];
    /* SIGPIPE kills a writer by default; ignored, the write fails EPIPE. */
    if (pipe(p) != 0)
        exit(2);
    close(p[0]);
    pid_t pid = fork();
    if (pid == 0) {
        ssize_t n = write(p[1], "x", 1);
        _exit(n < 0 ? 1 : 0);
    }
    waitpid(pid, &st, 0);
    printf("write to a pipe without readers: %s\n", lt_status(st));
    signal(SIGPIPE, SIG_IGN);
    CHECK_ERR("write with SIGPIPE ignored", write(p[1], "x", 1), EPIPE);
    signal(SIGPIPE, SIG_DFL);
    close(p[1]);

    /* Default actions of a few signals sent by the parent. */
    static const int sigs[] = {SIGTERM, SIGKILL, SIGHUP, SIGUSR1, SIGQUIT};
    for (unsigned i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        if (pipe(p) != 0)
            exit(2);
        pid = fork();
        if (pid == 0) {
            char c;
            close(p[1]);
            ssize_t n = read(p[0], &c, 1); /* blocks until killed */
            _exit(n == 0 ? 0 : 1);
        }
        close(p[0]);
        kill(pid, sigs[i]);
        waitpid(pid, &st, 0);
        close(p[1]);
        printf("default action of SIG%s: %s\n", lt_signame(sigs[i]), lt_status(st));
    }

    /* SIGCHLD and SIGURG are ignored by default; SIGCONT too. */
    CHECK("raise(SIGURG) by default does nothing", raise(SIGURG) == 0);
    CHECK("raise(SIGCHLD) by default does nothing", raise(SIGCHLD) == 0);

    /* A stopped child continues with SIGCONT; waitpid reports both. */
    pid = fork();
    if (pid == 0) {
        raise(SIGSTOP);
        _exit(5);
    }
    waitpid(pid, &st, WUNTRACED);
    CHECK("WUNTRACED reports the stop by SIGSTOP", WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP);
    kill(pid, SIGCONT);
    waitpid(pid, &st, 0);
    printf("continued child: %s\n", lt_status(st));
}

static void fault_tests(void)
{
    /* SIGSEGV with si_addr and si_code, caught and left by siglongjmp. */
    set_info_handler(SIGSEGV, on_fault, SA_NODEFER);
    volatile char *bad = (volatile char *)0x1000;
    if (sigsetjmp(jump, 1) == 0)
        (void)*bad;
    CHECK("read of unmapped 0x1000: SIGSEGV", got_sig == SIGSEGV);
    CHECK("si_code SEGV_MAPERR, si_addr 0x1000", got_code == SEGV_MAPERR && got_addr == 0x1000);

    char *ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    got_sig = 0;
    if (sigsetjmp(jump, 1) == 0)
        ((volatile char *)ro)[100] = 1;
    CHECK("write to a read-only page: SEGV_ACCERR at the address",
          got_sig == SIGSEGV && got_code == SEGV_ACCERR && got_addr == (uintptr_t)ro + 100);
    munmap(ro, 4096);
    signal(SIGSEGV, SIG_DFL);

    /* On an alternate stack: the handler's locals lie inside it. */
    static char alt[65536];
    stack_t ss = {.ss_sp = alt, .ss_size = sizeof alt}, oss;
    CHECK_OK("sigaltstack", sigaltstack(&ss, NULL));
    sigaltstack(NULL, &oss);
    CHECK("sigaltstack reads back",
          oss.ss_sp == alt && oss.ss_size == sizeof alt && oss.ss_flags == 0);
    ss.ss_size = 100;
    CHECK_ERR("sigaltstack too small", sigaltstack(&ss, NULL), ENOMEM);
}

static volatile uintptr_t alt_local;
static void on_alt(int sig)
{
    volatile char here;
    (void)sig;
    alt_local = (uintptr_t)&here;
}

static void altstack_tests(void)
{
    static char alt[65536];
    stack_t ss = {.ss_sp = alt, .ss_size = sizeof alt};
    sigaltstack(&ss, NULL);
    set_handler(SIGUSR1, on_alt, SA_ONSTACK);
    raise(SIGUSR1);
    CHECK("SA_ONSTACK handler runs on the alternate stack",
          alt_local >= (uintptr_t)alt && alt_local < (uintptr_t)alt + sizeof alt);
    set_handler(SIGUSR1, on_alt, 0);
    raise(SIGUSR1);
    CHECK("without SA_ONSTACK it does not",
          !(alt_local >= (uintptr_t)alt && alt_local < (uintptr_t)alt + sizeof alt));
    signal(SIGUSR1, SIG_DFL);
}

int main(void)
{
    lt_init();
    handler_tests();
    sigreturn_tests();
    xstate_tests();
    restart_tests();
    suspend_chld_tests();
    default_action_tests();
    fault_tests();
    altstack_tests();
    return lt_done();
}
