/* SPDX-License-Identifier: MIT */
/*
 * misc: the small calls programs make on the way: madvise (MADV_DONTNEED
 * gives private anonymous pages back, reading as zero), msync, the sync
 * calls, flock, prctl's name, the scheduling queries (CPU counts are
 * machine facts: only "at least one" is printed), personality; and
 * hostile values to these and to the signal, timer and memory calls.
 */
#include "lt.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>

/* Bad pointers and sizes to the calls of this test and to the signal,
 * timer and memory calls the shim added (raw syscalls: libc cannot step
 * in): each gets Linux's error and changes nothing. */
static void hostile_tests(void)
{
    static const struct {
        const char *name;
        unsigned long addr;
    } bad[] = {{"a low address", 8},
               {"the kernel half", 0xffffffff81000000ul},
               {"a non-canonical address", 0x0000800000000000ul}};
    for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char name[96];
        unsigned long a = bad[i].addr;
#define BAD(what, call, err)                                                                       \
    do {                                                                                           \
        snprintf(name, sizeof name, "%s into %s", what, bad[i].name);                              \
        CHECK_ERR(name, call, err);                                                                \
    } while (0)
        BAD("prctl PR_SET_NAME", syscall(SYS_prctl, PR_SET_NAME, a, 0, 0, 0), EFAULT);
        BAD("prctl PR_GET_NAME", syscall(SYS_prctl, PR_GET_NAME, a, 0, 0, 0), EFAULT);
        BAD("sched_getaffinity", syscall(SYS_sched_getaffinity, 0, 8, a), EFAULT);
        BAD("getcpu", syscall(SYS_getcpu, a, 0, 0), EFAULT);
        BAD("sigaltstack", syscall(SYS_sigaltstack, a, 0), EFAULT);
        BAD("setitimer", syscall(SYS_setitimer, 0, a, 0), EFAULT);
        BAD("getitimer", syscall(SYS_getitimer, 0, a), EFAULT);
        BAD("rt_sigaction", syscall(SYS_rt_sigaction, SIGUSR1, a, 0, 8), EFAULT);
        BAD("rt_sigprocmask", syscall(SYS_rt_sigprocmask, SIG_BLOCK, a, 0, 8), EFAULT);
        BAD("rt_sigpending", syscall(SYS_rt_sigpending, a, 8), EFAULT);
        BAD("rt_sigtimedwait", syscall(SYS_rt_sigtimedwait, a, 0, 0, 8), EFAULT);
        BAD("rt_sigsuspend", syscall(SYS_rt_sigsuspend, a, 8), EFAULT);
        BAD("rt_sigqueueinfo", syscall(SYS_rt_sigqueueinfo, getpid(), SIGUSR1, a), EFAULT);
        BAD("sysinfo", syscall(SYS_sysinfo, a), EFAULT);
        BAD("futex wait", syscall(SYS_futex, a, 0, 0, 0, 0, 0), EFAULT);
#undef BAD
    }
    CHECK_ERR("mremap of nothing mapped",
              syscall(SYS_mremap, 0x200000000ul, 4096, 8192, MREMAP_MAYMOVE, 0), EFAULT);
    CHECK_ERR("mremap with unknown flags", syscall(SYS_mremap, 0x200000000ul, 4096, 8192, 0x80, 0),
              EINVAL);
    CHECK_ERR("mmap of the whole user address space",
              mmap(NULL, 1ul << 47, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1,
                   0) == MAP_FAILED
                  ? -1
                  : 0,
              ENOMEM);
    CHECK_ERR("madvise of a huge unmapped range",
              madvise((void *)0x600000000000ul, 1ul << 40, MADV_DONTNEED), ENOMEM);
    CHECK_ERR("sigaltstack with bad flags", ({
                  stack_t ss = {.ss_sp = (void *)0x10000, .ss_flags = 7, .ss_size = 65536};
                  sigaltstack(&ss, NULL);
              }),
              EINVAL);
    CHECK_ERR("rt_sigaction with a size of 16", syscall(SYS_rt_sigaction, SIGUSR1, 0, 0, 16),
              EINVAL);
    CHECK("after all that, getpid still answers", getpid() > 0);
}

int main(void)
{
    lt_init();
    char *m = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    memset(m, 7, 4 * 4096);
    CHECK_OK("madvise MADV_DONTNEED", madvise(m + 4096, 2 * 4096, MADV_DONTNEED));
    CHECK("dropped pages read as zero, the others kept",
          m[0] == 7 && m[4096] == 0 && m[3 * 4096 - 1] == 0 && m[3 * 4096] == 7);
    CHECK_OK("madvise MADV_NORMAL", madvise(m, 4096, MADV_NORMAL));
    CHECK_ERR("madvise unaligned", madvise(m + 1, 4096, MADV_DONTNEED), EINVAL);
    CHECK_ERR("madvise of an unmapped range", madvise((void *)0x200000000, 4096, MADV_NORMAL),
              ENOMEM);
    CHECK_OK("msync", msync(m, 4096, MS_SYNC));
    CHECK_ERR("msync unaligned", msync(m + 1, 4096, MS_SYNC), EINVAL);
    munmap(m, 4 * 4096);

    char dir[64];
    lt_tmpdir(dir, sizeof dir);
    int fd = open("file", O_CREAT | O_RDWR | O_TRUNC, 0600);
    CHECK("write a file", write(fd, "x", 1) == 1);
    CHECK_OK("fsync", fsync(fd));
    CHECK_OK("fdatasync", fdatasync(fd));
    CHECK_OK("flock LOCK_EX", flock(fd, LOCK_EX));
    CHECK_OK("flock LOCK_UN", flock(fd, LOCK_UN));
    CHECK_ERR("fsync of a closed fd", fsync(999), EBADF);
    close(fd);
    unlink("file");
    if (chdir("/") == 0)
        rmdir(dir);
    sync();

    char name[16] = {0};
    CHECK_OK("prctl PR_SET_NAME", prctl(PR_SET_NAME, "a-long-name-for-it", 0, 0, 0));
    CHECK("PR_GET_NAME: cut to 15 bytes",
          prctl(PR_GET_NAME, name, 0, 0, 0) == 0 && strcmp(name, "a-long-name-for") == 0);

    cpu_set_t set;
    CPU_ZERO(&set);
    CHECK("sched_getaffinity: at least one CPU",
          sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) >= 1);
    CHECK("getpriority: nice 0", getpriority(PRIO_PROCESS, 0) == 0);
    CHECK_ERR("getpriority of a bad which", getpriority(7, 0), EINVAL);
    CHECK("sched_getscheduler (raw: musl has no wrapper): SCHED_OTHER",
          syscall(SYS_sched_getscheduler, 0) == SCHED_OTHER);
    CHECK("SCHED_FIFO priorities 1..99",
          sched_get_priority_min(SCHED_FIFO) == 1 && sched_get_priority_max(SCHED_FIFO) == 99);
    CHECK("personality query: PER_LINUX", syscall(SYS_personality, 0xffffffffUL) == 0);
    hostile_tests();
    return lt_done();
}
