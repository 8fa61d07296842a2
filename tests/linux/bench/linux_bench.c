/* SPDX-License-Identifier: MIT */
/*
 * linux_bench: the micro-benchmarks of `tools/tessera bench linux`, one
 * static program run unchanged on Tessera's Linux personality and on
 * Debian's Linux kernel (docs/performance.md, "Linux personality vs
 * Debian's Linux kernel").
 *
 * Interface: linux-bench MODE [BATCHES [PER_BATCH]] (run: linux-bench run
 * NAME BATCHES PROG [ARGS...]). Each mode runs one warm-up batch, then
 * BATCHES batches of PER_BATCH iterations, each batch timed with
 * clock_gettime(CLOCK_MONOTONIC), and prints
 *
 *     LBENCH <mode> median=<ns> min=<ns> max=<ns> batches=<B> per_batch=<N>
 *
 * with the median, fastest and slowest batch's nanoseconds per iteration
 * (one decimal). Under QEMU's -icount shift=0 the clock advances one
 * nanosecond per guest instruction, so these are instruction counts.
 * A mode that cannot run prints "LBENCH-ERROR <mode>: <why>" and exits 1.
 * Mode "boot" prints "LBENCH-BOOT tsc=<time-stamp counter>
 * mono_ns=<CLOCK_MONOTONIC>": run as the first thing init does, the
 * counter (under icount: nanoseconds of virtual time since the machine's
 * reset, on any kernel that does not write it) is the time from reset to
 * init's first line.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_BATCHES 1000
#define FAULT_PAGES 256 /* 1 MiB: too small for a transparent huge page */
#define PAGE        4096

static const char *mode_name;
static const char *self_path;

static void fail(const char *fmt, const char *detail)
{
    printf("LBENCH-ERROR %s: ", mode_name);
    printf(fmt, detail);
    printf("\n");
    fflush(stdout);
    exit(1);
}

static void fail_errno(const char *what)
{
    fail("%s", what);
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
        fail_errno("clock_gettime(CLOCK_MONOTONIC) failed");
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static long raw_syscall3(long nr, long a, long b, long c)
{
    long r;
    register long rdi __asm__("rdi") = a, rsi __asm__("rsi") = b, rdx __asm__("rdx") = c;
    __asm__ volatile("syscall"
                     : "=a"(r)
                     : "0"(nr), "r"(rdi), "r"(rsi), "r"(rdx)
                     : "rcx", "r11", "memory");
    return r;
}

/* --- the operations: each runs n iterations ------------------------------ */

static void op_calib(unsigned long n)
{
    /* exactly 2 instructions an iteration (dec, jnz) */
    unsigned long c = n;
    __asm__ volatile("1: dec %0\n\tjnz 1b" : "+r"(c) : : "cc");
}

static long expected_pid;

static void op_getpid(unsigned long n)
{
    for (unsigned long i = 0; i < n; i++)
        if (raw_syscall3(SYS_getpid, 0, 0, 0) != expected_pid)
            fail("%s", "getpid returned another pid");
}

static int zero_fd = -1;

static void op_read(unsigned long n)
{
    char c = 1;
    for (unsigned long i = 0; i < n; i++)
        if (raw_syscall3(SYS_read, zero_fd, (long)&c, 1) != 1 || c != 0)
            fail("%s", "read of 1 byte from /dev/zero did not return a zero byte");
}

static void op_clock(unsigned long n)
{
    struct timespec ts;
    for (unsigned long i = 0; i < n; i++)
        if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
            fail_errno("clock_gettime(CLOCK_MONOTONIC) failed");
}

static int ping[2], pong[2];
static pid_t echo_pid;

static void op_pipe(unsigned long n)
{
    char c = 'x';
    for (unsigned long i = 0; i < n; i++) {
        if (write(ping[1], &c, 1) != 1)
            fail_errno("write to the pipe failed");
        if (read(pong[0], &c, 1) != 1)
            fail_errno("read of the answer failed");
    }
}

static void wait_ok(pid_t pid, int want)
{
    int st;
    if (pid < 0)
        fail_errno("fork failed");
    if (waitpid(pid, &st, 0) != pid)
        fail_errno("waitpid failed");
    if (!WIFEXITED(st) || WEXITSTATUS(st) != want) {
        char why[80];
        if (WIFEXITED(st))
            snprintf(why, sizeof why, "exited with status %d, not %d", WEXITSTATUS(st), want);
        else
            snprintf(why, sizeof why, "was killed by signal %d", WTERMSIG(st));
        fail("the child %s", why);
    }
}

static void op_fork(unsigned long n)
{
    for (unsigned long i = 0; i < n; i++) {
        pid_t pid = fork();
        if (pid == 0)
            _exit(7);
        wait_ok(pid, 7);
    }
}

static void op_exec(unsigned long n)
{
    for (unsigned long i = 0; i < n; i++) {
        pid_t pid = fork();
        if (pid == 0) {
            char *argv[] = {(char *)self_path, "exit", NULL};
            char *envp[] = {NULL};
            execve(self_path, argv, envp);
            _exit(127);
        }
        wait_ok(pid, 5);
    }
}

static void op_fault(unsigned long n)
{
    /* n is a multiple of FAULT_PAGES: fresh mappings, written once a page */
    for (unsigned long done = 0; done < n; done += FAULT_PAGES) {
        volatile char *m = mmap(NULL, FAULT_PAGES * PAGE, PROT_READ | PROT_WRITE,
                                MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (m == MAP_FAILED)
            fail_errno("mmap failed");
        /* one fault a page on Linux too: no transparent huge page (an
         * error here, where madvise is not known, changes nothing) */
        (void)madvise((void *)m, FAULT_PAGES * PAGE, MADV_NOHUGEPAGE);
        for (unsigned long p = 0; p < FAULT_PAGES; p++)
            m[p * PAGE] = 1;
        if (munmap((void *)m, FAULT_PAGES * PAGE) != 0)
            fail_errno("munmap failed");
    }
}

static char **run_argv;

static void op_run(unsigned long n)
{
    for (unsigned long i = 0; i < n; i++) {
        pid_t pid = fork();
        if (pid == 0) {
            int null = open("/dev/null", O_WRONLY);
            if (null < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0)
                _exit(126);
            execv(run_argv[0], run_argv);
            _exit(127);
        }
        wait_ok(pid, 0);
    }
}

/* --- timing ---------------------------------------------------------------- */

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* ns per iteration, in tenths, of t ns for n iterations (rounded) */
static uint64_t tenths(uint64_t t, unsigned long n)
{
    return (t * 10 + n / 2) / n;
}

static void measure(const char *name, void (*op)(unsigned long), unsigned batches,
                    unsigned long per_batch)
{
    static uint64_t t[MAX_BATCHES];
    op(per_batch); /* warm-up: code translated, caches and tables filled */
    for (unsigned b = 0; b < batches; b++) {
        uint64_t t0 = now_ns();
        op(per_batch);
        t[b] = now_ns() - t0;
    }
    qsort(t, batches, sizeof t[0], cmp_u64);
    uint64_t med =
        batches % 2
            ? tenths(t[batches / 2], per_batch)
            : (tenths(t[batches / 2 - 1], per_batch) + tenths(t[batches / 2], per_batch) + 1) / 2;
    uint64_t lo = tenths(t[0], per_batch), hi = tenths(t[batches - 1], per_batch);
    printf("LBENCH %s median=%llu.%llu min=%llu.%llu max=%llu.%llu batches=%u per_batch=%lu\n",
           name, (unsigned long long)(med / 10), (unsigned long long)(med % 10),
           (unsigned long long)(lo / 10), (unsigned long long)(lo % 10),
           (unsigned long long)(hi / 10), (unsigned long long)(hi % 10), batches, per_batch);
    fflush(stdout);
}

struct mode {
    const char *name;
    void (*op)(unsigned long);
    unsigned batches;
    unsigned long per_batch;
};

static const struct mode modes[] = {
    {"calib", op_calib, 21, 100000}, {"getpid", op_getpid, 21, 2000},
    {"read", op_read, 21, 2000},     {"fault", op_fault, 21, FAULT_PAGES},
    {"pipe", op_pipe, 21, 500},      {"fork", op_fork, 11, 20},
    {"exec", op_exec, 11, 10},       {"clock", op_clock, 21, 5000},
};

static unsigned long number(const char *s, unsigned long max)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || *end || end == s || v < 1 || v > max)
        fail("not a number from 1 to the limit: %s", s);
    return v;
}

static void usage(void)
{
    fprintf(stderr, "usage: linux-bench MODE [BATCHES [PER_BATCH]]\n"
                    "       linux-bench run NAME BATCHES PROG [ARGS...]\n"
                    "       linux-bench boot | exit\n"
                    "modes:");
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++)
        fprintf(stderr, " %s", modes[i].name);
    fprintf(stderr, "\n");
    exit(2);
}

static void setup(const char *name)
{
    if (!strcmp(name, "getpid"))
        expected_pid = getpid();
    else if (!strcmp(name, "read") && (zero_fd = open("/dev/zero", O_RDONLY)) < 0)
        fail_errno("cannot open /dev/zero");
    else if (!strcmp(name, "pipe")) {
        if (pipe(ping) != 0 || pipe(pong) != 0)
            fail_errno("pipe failed");
        pid_t pid = echo_pid = fork();
        if (pid < 0)
            fail_errno("fork failed");
        if (pid == 0) { /* the echo: answers each byte, ends at end of file */
            char c;
            close(ping[1]);
            close(pong[0]);
            while (read(ping[0], &c, 1) == 1)
                if (write(pong[1], &c, 1) != 1)
                    _exit(1);
            _exit(0);
        }
        close(ping[0]);
        close(pong[1]);
    }
}

int main(int argc, char **argv)
{
    if (argc < 2)
        usage();
    mode_name = argv[1];
    self_path = argv[0];
    if (!strcmp(argv[1], "exit"))
        return 5;
    if (!strcmp(argv[1], "boot")) {
        uint32_t lo, hi;
        __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
        uint64_t mono = now_ns();
        printf("LBENCH-BOOT tsc=%llu mono_ns=%llu\n", (unsigned long long)hi << 32 | lo,
               (unsigned long long)mono);
        return 0;
    }
    if (!strcmp(argv[1], "run")) {
        if (argc < 5)
            usage();
        mode_name = argv[2];
        run_argv = argv + 4;
        measure(argv[2], op_run, (unsigned)number(argv[3], MAX_BATCHES), 1);
        return 0;
    }
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
        const struct mode *m = &modes[i];
        if (strcmp(argv[1], m->name))
            continue;
        unsigned batches = argc > 2 ? (unsigned)number(argv[2], MAX_BATCHES) : m->batches;
        unsigned long per = argc > 3 ? number(argv[3], 100000000) : m->per_batch;
        if (m->op == op_fault)
            per = (per + FAULT_PAGES - 1) / FAULT_PAGES * FAULT_PAGES;
        if (m->op == op_exec && self_path[0] != '/')
            fail("%s", "run it by its absolute path (exec runs it again)");
        setup(m->name);
        measure(m->name, m->op, batches, per);
        if (m->op == op_pipe) {
            close(ping[1]);
            close(pong[0]);
            wait_ok(echo_pid, 0);
        }
        return 0;
    }
    usage();
}
