/* SPDX-License-Identifier: MIT */
/*
 * timeid: time and identity. The clocks (through the vDSO where libc uses
 * it, and as raw syscalls) against each other and against sleeps, always
 * as relations; uname; the pid, tid, uid and gid calls; resource limits;
 * sysinfo, times and getrusage; and the errors of bad clocks and times.
 */
#include "lt.h"

#include <stdint.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/utsname.h>
#include <time.h>

static int64_t ns(struct timespec t)
{
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static void clock_tests(void)
{
    struct timespec a, b, r;
    CHECK_OK("clock_gettime REALTIME", clock_gettime(CLOCK_REALTIME, &a));
    CHECK("realtime is after 2020-01-01", a.tv_sec > 1577836800);
    CHECK("tv_nsec in range", a.tv_nsec >= 0 && a.tv_nsec < 1000000000);
    struct timeval tv;
    gettimeofday(&tv, NULL);
    CHECK("gettimeofday within 2 s of clock_gettime",
          tv.tv_sec >= a.tv_sec - 2 && tv.tv_sec <= a.tv_sec + 2);
    time_t t = time(NULL);
    CHECK("time() within 2 s of clock_gettime", t >= a.tv_sec - 2 && t <= a.tv_sec + 2);
    struct timespec raw;
    CHECK("raw clock_gettime syscall agrees within 2 s",
          syscall(SYS_clock_gettime, CLOCK_REALTIME, &raw) == 0 && raw.tv_sec >= a.tv_sec - 2 &&
              raw.tv_sec <= a.tv_sec + 2);
    static const struct {
        clockid_t id;
        const char *name;
    } clocks[] = {{CLOCK_MONOTONIC, "MONOTONIC"},
                  {CLOCK_BOOTTIME, "BOOTTIME"},
                  {CLOCK_MONOTONIC_RAW, "MONOTONIC_RAW"},
                  {CLOCK_MONOTONIC_COARSE, "MONOTONIC_COARSE"},
                  {CLOCK_REALTIME_COARSE, "REALTIME_COARSE"},
                  {CLOCK_PROCESS_CPUTIME_ID, "PROCESS_CPUTIME_ID"},
                  {CLOCK_THREAD_CPUTIME_ID, "THREAD_CPUTIME_ID"}};
    for (unsigned i = 0; i < sizeof clocks / sizeof clocks[0]; i++) {
        char name[80];
        clock_gettime(clocks[i].id, &a);
        int mono = 1;
        for (int k = 0; k < 1000; k++) {
            clock_gettime(clocks[i].id, &b);
            mono &= ns(b) >= ns(a);
            a = b;
        }
        snprintf(name, sizeof name, "CLOCK_%s never goes back over 1000 reads", clocks[i].name);
        CHECK(name, mono);
        snprintf(name, sizeof name, "clock_getres(CLOCK_%s) > 0", clocks[i].name);
        CHECK(name, clock_getres(clocks[i].id, &r) == 0 && ns(r) > 0);
    }
    CHECK_ERR("clock_gettime of clock 999", clock_gettime(999, &a), EINVAL);
    CHECK_ERR("clock_getres of clock 999", clock_getres(999, &r), EINVAL);
    CHECK_ERR("clock_settime of CLOCK_MONOTONIC", clock_settime(CLOCK_MONOTONIC, &a), EINVAL);

    /* Sleeps last at least as long as asked. */
    clock_gettime(CLOCK_MONOTONIC, &a);
    struct timespec d = {0, 30000000};
    CHECK_OK("nanosleep 30 ms", nanosleep(&d, NULL));
    clock_gettime(CLOCK_MONOTONIC, &b);
    CHECK("monotonic advanced by at least 30 ms", ns(b) - ns(a) >= 30000000);
    CHECK("and by less than 5 s", ns(b) - ns(a) < 5000000000);
    clock_gettime(CLOCK_MONOTONIC, &a);
    struct timespec until = {a.tv_sec, a.tv_nsec + 20000000};
    if (until.tv_nsec >= 1000000000) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000;
    }
    CHECK("clock_nanosleep TIMER_ABSTIME",
          clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL) == 0);
    clock_gettime(CLOCK_MONOTONIC, &b);
    CHECK("woke at or after the deadline", ns(b) >= ns(until));
    d = (struct timespec){0, 1000000000};
    CHECK_ERR("nanosleep with tv_nsec = 1e9", nanosleep(&d, NULL), EINVAL);
    d = (struct timespec){-1, 0};
    CHECK_ERR("nanosleep with a negative time", nanosleep(&d, NULL), EINVAL);
    CHECK("clock_nanosleep on clock 999 returns EINVAL",
          clock_nanosleep(999, 0, &d, NULL) == EINVAL);
}

static void identity_tests(void)
{
    struct utsname u;
    CHECK_OK("uname", uname(&u));
    printf("sysname=%s machine=%s\n", u.sysname, u.machine);
    CHECK("release is non-empty, digits first", u.release[0] >= '1' && u.release[0] <= '9');
    pid_t pid = getpid();
    CHECK("getpid() > 0", pid > 0);
    CHECK("gettid() == getpid() in a single-threaded process", syscall(SYS_gettid) == pid);
    CHECK("getppid() > 0 and != getpid()", getppid() > 0 && getppid() != pid);
    CHECK("getuid() == geteuid()", getuid() == geteuid());
    CHECK("getgid() == getegid()", getgid() == getegid());
    uid_t ru, eu, su;
    CHECK("getresuid agrees",
          getresuid(&ru, &eu, &su) == 0 && ru == getuid() && eu == geteuid() && su == eu);
    gid_t rg, eg, sg;
    CHECK("getresgid agrees", getresgid(&rg, &eg, &sg) == 0 && rg == getgid() && eg == getegid());
    int ng = getgroups(0, NULL);
    CHECK("getgroups(0) counts >= 0", ng >= 0);
    gid_t one[1];
    if (ng > 1)
        CHECK_ERR("getgroups with too small a list", getgroups(1, one), EINVAL);
    else
        printf("ok getgroups with too small a list -> EINVAL\n");
    CHECK("setuid to itself succeeds", setuid(getuid()) == 0);
    pid_t c = fork();
    if (c == 0) {
        /* An unprivileged process cannot become root again. */
        if (getuid() == 0 && setuid(65534) != 0)
            _exit(90);
        int ok = setuid(0) == -1 && errno == EPERM && getuid() != 0;
        _exit(ok ? 0 : 1);
    }
    int st;
    waitpid(c, &st, 0);
    printf("unprivileged setuid(0): %s\n", lt_status(st));
}

static void limit_tests(void)
{
    struct rlimit rl, rl2;
    CHECK_OK("getrlimit NOFILE", getrlimit(RLIMIT_NOFILE, &rl));
    CHECK("NOFILE: soft <= hard, soft >= 3", rl.rlim_cur <= rl.rlim_max && rl.rlim_cur >= 3);
    rl2 = rl;
    rl2.rlim_cur = 64;
    CHECK_OK("setrlimit NOFILE soft 64", setrlimit(RLIMIT_NOFILE, &rl2));
    struct rlimit back;
    CHECK("prlimit reads 64 back",
          prlimit(0, RLIMIT_NOFILE, NULL, &back) == 0 && back.rlim_cur == 64);
    CHECK_ERR("dup2 to fd 64 beyond the limit", dup2(0, 64), EBADF);
    setrlimit(RLIMIT_NOFILE, &rl);
    rl2.rlim_max = rl.rlim_max;
    rl2.rlim_cur = RLIM_INFINITY;
    if (rl.rlim_max != RLIM_INFINITY)
        CHECK_ERR("soft limit above the hard one", setrlimit(RLIMIT_NOFILE, &rl2), EINVAL);
    else
        printf("ok soft limit above the hard one -> EINVAL\n");
    CHECK_ERR("getrlimit of resource 99", getrlimit(99, &rl), EINVAL);
    CHECK_OK("getrlimit STACK", getrlimit(RLIMIT_STACK, &rl));

    struct sysinfo si;
    CHECK_OK("sysinfo", sysinfo(&si));
    CHECK("sysinfo: uptime > 0, totalram > freeram, procs > 0, mem_unit > 0",
          si.uptime > 0 && si.totalram > si.freeram && si.procs > 0 && si.mem_unit > 0);
    /* Burn a little CPU so the counters move. */
    volatile unsigned long x = 0;
    for (unsigned long i = 0; i < 30000000; i++)
        x += i;
    struct tms tm;
    clock_t c = times(&tm);
    CHECK("times() returns a tick count and user time > 0", c != (clock_t)-1 && tm.tms_utime > 0);
    CHECK("sysconf(_SC_CLK_TCK) == 100", sysconf(_SC_CLK_TCK) == 100);
    struct rusage ru;
    CHECK_OK("getrusage SELF", getrusage(RUSAGE_SELF, &ru));
    CHECK("user time > 0", ru.ru_utime.tv_sec > 0 || ru.ru_utime.tv_usec > 0);
    CHECK("max RSS > 0", ru.ru_maxrss > 0);
    CHECK_OK("getrusage CHILDREN", getrusage(RUSAGE_CHILDREN, &ru));
    CHECK_ERR("getrusage of who=5", getrusage(5, &ru), EINVAL);
    CHECK("sysconf(_SC_PAGESIZE) == 4096", sysconf(_SC_PAGESIZE) == 4096);
}

int main(void)
{
    lt_init();
    clock_tests();
    identity_tests();
    limit_tests();
    return lt_done();
}
