/* SPDX-License-Identifier: MIT */
/*
 * errors: the error paths of many calls, each made by a raw syscall so
 * that libc's wrappers (which check some arguments themselves, or use the
 * vDSO) cannot step in. Bad pointers of every kind (NULL, a low page, an
 * unmapped page, a PROT_NONE page, a read-only page written to, a buffer
 * running off the end of a mapping, kernel and non-canonical addresses)
 * give EFAULT; bad descriptors EBADF; bad arguments EINVAL; unknown
 * syscall numbers ENOSYS. The process survives every one.
 */
#include "lt.h"

#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>

#define PAGE 4096UL

int main(void)
{
    lt_init();
    char *guard = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap(guard + 2 * PAGE, PAGE);          /* third page: unmapped */
    mprotect(guard + PAGE, PAGE, PROT_NONE); /* second page: no access */
    char *ro = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    static const struct {
        const char *name;
        uintptr_t addr;
    } bad[] = {
        {"NULL", 0},
        {"0x1", 1},
        {"a low page (0x1000)", 0x1000},
        {"a kernel address", 0xffffffff81000000ul},
        {"the top of the address space", 0xfffffffffffff000ul},
        {"a non-canonical address", 0x0000800000000000ul},
        {"a non-canonical address (2)", 0x8000000000000000ul},
    };
    int p[2];
    if (pipe(p) != 0)
        return 2;
    int fd = open("/dev/zero", O_RDONLY);
    char name[160];
    for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        void *a = (void *)bad[i].addr;
        snprintf(name, sizeof name, "read into %s", bad[i].name);
        CHECK_ERR(name, syscall(SYS_read, fd, a, 16), EFAULT);
        snprintf(name, sizeof name, "write from %s", bad[i].name);
        CHECK_ERR(name, syscall(SYS_write, p[1], a, 16), EFAULT);
        snprintf(name, sizeof name, "open of a path at %s", bad[i].name);
        CHECK_ERR(name, syscall(SYS_open, a, O_RDONLY), EFAULT);
        snprintf(name, sizeof name, "fstat into %s", bad[i].name);
        CHECK_ERR(name, syscall(SYS_fstat, fd, a), EFAULT);
        snprintf(name, sizeof name, "clock_gettime into %s", bad[i].name);
        CHECK_ERR(name, syscall(SYS_clock_gettime, CLOCK_MONOTONIC, a), EFAULT);
        snprintf(name, sizeof name, "pipe2 into %s", bad[i].name);
        CHECK_ERR(name, syscall(SYS_pipe2, a, 0), EFAULT);
    }
    CHECK_ERR("read into an unmapped page", syscall(SYS_read, fd, guard + 2 * PAGE, 16), EFAULT);
    CHECK_ERR("read into a PROT_NONE page", syscall(SYS_read, fd, guard + PAGE, 16), EFAULT);
    CHECK_ERR("read into a read-only page", syscall(SYS_read, fd, ro, 16), EFAULT);
    CHECK_ERR("write from a PROT_NONE page", syscall(SYS_write, p[1], guard + PAGE, 16), EFAULT);
    CHECK_ERR("uname into a read-only page", syscall(SYS_uname, ro), EFAULT);
    CHECK_ERR("gettimeofday into a read-only page", syscall(SYS_gettimeofday, ro, NULL), EFAULT);
    CHECK_ERR("getcwd into a read-only page", syscall(SYS_getcwd, ro, 100), EFAULT);
    CHECK_ERR("nanosleep with a bad request", syscall(SYS_nanosleep, (void *)8, NULL), EFAULT);
    CHECK_ERR("rt_sigaction with a bad act", syscall(SYS_rt_sigaction, SIGUSR1, (void *)8, NULL, 8),
              EFAULT);
    CHECK_ERR("rt_sigprocmask with a bad set",
              syscall(SYS_rt_sigprocmask, SIG_BLOCK, (void *)8, NULL, 8), EFAULT);
    CHECK_ERR("wait4 into a bad status", ({
                  pid_t c = fork();
                  if (c == 0)
                      _exit(0);
                  long r = syscall(SYS_wait4, c, (void *)8, 0, NULL);
                  int e = errno;
                  waitpid(c, NULL, 0);
                  errno = e;
                  r;
              }),
              EFAULT);
    CHECK_ERR("execve of a bad path", syscall(SYS_execve, (void *)8, NULL, NULL), EFAULT);
    struct iovec iov = {(void *)8, 16};
    CHECK_ERR("readv into a bad buffer", syscall(SYS_readv, fd, &iov, 1), EFAULT);
    CHECK_ERR("readv with a bad iovec array", syscall(SYS_readv, fd, (void *)8, 1), EFAULT);
    /* A path running into the unmapped page without a terminating NUL. */
    memset(guard + PAGE - 8, 'a', 8);
    mprotect(guard + PAGE, PAGE, PROT_NONE);
    CHECK_ERR("open of a path that runs off its mapping",
              syscall(SYS_open, guard + PAGE - 8, O_RDONLY), EFAULT);
    /* A write whose buffer starts valid and runs into the PROT_NONE page:
     * Linux writes what it can read, or fails with EFAULT if that is none. */
    memset(guard, 'x', PAGE);
    long w = syscall(SYS_write, p[1], guard + PAGE - 100, 200);
    printf("write straddling into PROT_NONE: %s\n", w == 100 ? "partial 100"
                                                    : w < 0  ? lt_errname(errno)
                                                             : "other");
    char drain[200];
    if (w > 0 && read(p[0], drain, (size_t)w) != w)
        return 2;

    /* Bad descriptors. */
    static const int badfds[] = {-1, 1000, 1 << 20, 0x7fffffff};
    for (unsigned i = 0; i < sizeof badfds / sizeof badfds[0]; i++) {
        char buf[4];
        snprintf(name, sizeof name, "read of fd %d", badfds[i]);
        CHECK_ERR(name, syscall(SYS_read, badfds[i], buf, 1), EBADF);
        snprintf(name, sizeof name, "close of fd %d", badfds[i]);
        CHECK_ERR(name, syscall(SYS_close, badfds[i]), EBADF);
        snprintf(name, sizeof name, "fstat of fd %d", badfds[i]);
        struct stat st;
        CHECK_ERR(name, syscall(SYS_fstat, badfds[i], &st), EBADF);
    }
    CHECK_ERR("lseek of a closed fd", syscall(SYS_lseek, 999, 0, SEEK_SET), EBADF);
    CHECK_ERR("fcntl of a closed fd", syscall(SYS_fcntl, 999, F_GETFD), EBADF);
    CHECK_ERR("ioctl of a closed fd", syscall(SYS_ioctl, 999, 0x5401, 0), EBADF);
    CHECK_ERR("getdents64 of a closed fd", syscall(SYS_getdents64, 999, name, sizeof name), EBADF);
    CHECK_ERR("getdents64 of a non-directory", syscall(SYS_getdents64, fd, name, sizeof name),
              ENOTDIR);

    /* Bad arguments. */
    CHECK_ERR("lseek whence 7", syscall(SYS_lseek, fd, 0, 7), EINVAL);
    CHECK_ERR("mmap with neither MAP_PRIVATE nor MAP_SHARED",
              syscall(SYS_mmap, 0, PAGE, PROT_READ, MAP_ANONYMOUS, -1, 0), EINVAL);
    CHECK_ERR("mmap length 0",
              syscall(SYS_mmap, 0, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), EINVAL);
    CHECK_ERR("munmap length 0", syscall(SYS_munmap, guard, 0), EINVAL);
    CHECK_ERR("mprotect with bad prot bits", syscall(SYS_mprotect, guard, PAGE, 0x100), EINVAL);
    CHECK_ERR("openat with bad flags O_TMPFILE without write",
              syscall(SYS_openat, AT_FDCWD, "/tmp", 020200000), EINVAL);
    CHECK_ERR("fcntl command 1000", syscall(SYS_fcntl, fd, 1000), EINVAL);
    CHECK_ERR("kill with signal 65", syscall(SYS_kill, getpid(), 65), EINVAL);
    CHECK_ERR("clock_gettime clock -100", syscall(SYS_clock_gettime, -100, name), EINVAL);
    CHECK_ERR("wait4 options 0x4000000", syscall(SYS_wait4, -1, NULL, 0x4000000, NULL), EINVAL);
    CHECK_ERR("dup3 flags 1", syscall(SYS_dup3, fd, 40, 1), EINVAL);
    CHECK_ERR("readv with 1025 vectors", syscall(SYS_readv, fd, &iov, 1025), EINVAL);
    CHECK_ERR("getrandom flags 0x80", syscall(SYS_getrandom, name, 4, 0x80), EINVAL);
    CHECK_ERR("prlimit64 resource 100", syscall(SYS_prlimit64, 0, 100, NULL, name), EINVAL);
    CHECK_ERR("arch_prctl code 0", syscall(SYS_arch_prctl, 0, 0), EINVAL);

    /* Unknown syscall numbers. */
    static const long nrs[] = {1000, 4096, 100000, 0x40000000 | 1000, -1};
    for (unsigned i = 0; i < sizeof nrs / sizeof nrs[0]; i++) {
        snprintf(name, sizeof name, "syscall %ld", nrs[i]);
        CHECK_ERR(name, syscall(nrs[i], 0, 0, 0), ENOSYS);
    }
    CHECK("the process is alive and its memory intact", guard[0] == 'x' && ro[0] == 0);
    return lt_done();
}
