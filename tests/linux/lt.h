/* SPDX-License-Identifier: MIT */
/*
 * lt.h: the few helpers every Linux differential test program shares.
 *
 * A test program runs twice, natively on the host's Linux and inside a
 * Tessera compartment, and the two runs' stdout and exit status are
 * compared (docs/linux/testing.md). So each line a program prints must be
 * the same on any correct Linux: results are printed as relations ("child
 * pid != parent pid") or as symbolic errno names, never as raw pids, times
 * or addresses. Besides printing, every check asserts what Linux does: a
 * wrong result prints "FAIL" and makes the exit status 1, so the programs
 * validate themselves against the host before they judge Tessera.
 *
 * stdout is unbuffered (lt_init), so output written before a fork() is
 * never printed twice and lines keep the order of the calls that print
 * them. Only the process that runs the checks prints; children report to
 * their parent by exit status.
 */
#ifndef TESSERA_LINUX_TEST_LT_H
#define TESSERA_LINUX_TEST_LT_H

#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int lt_failures;

/* The symbolic name of an errno value, so outputs never carry numbers. */
static inline const char *lt_errname(int e)
{
#define LT_E(x)                                                                                    \
    {                                                                                              \
        x, #x                                                                                      \
    }
    static const struct {
        int value;
        const char *name;
    } names[] = {
        LT_E(EPERM),     LT_E(ENOENT),       LT_E(ESRCH),   LT_E(EINTR),     LT_E(EIO),
        LT_E(ENXIO),     LT_E(E2BIG),        LT_E(ENOEXEC), LT_E(EBADF),     LT_E(ECHILD),
        LT_E(EAGAIN),    LT_E(ENOMEM),       LT_E(EACCES),  LT_E(EFAULT),    LT_E(EBUSY),
        LT_E(EEXIST),    LT_E(EXDEV),        LT_E(ENODEV),  LT_E(ENOTDIR),   LT_E(EISDIR),
        LT_E(EINVAL),    LT_E(ENFILE),       LT_E(EMFILE),  LT_E(ENOTTY),    LT_E(EFBIG),
        LT_E(ENOSPC),    LT_E(ESPIPE),       LT_E(EROFS),   LT_E(EMLINK),    LT_E(EPIPE),
        LT_E(ERANGE),    LT_E(ENAMETOOLONG), LT_E(ENOSYS),  LT_E(ENOTEMPTY), LT_E(ELOOP),
        LT_E(EOVERFLOW), LT_E(ETIMEDOUT),    LT_E(ENOTSUP),
    };
#undef LT_E
    if (e == 0)
        return "0";
    for (unsigned i = 0; i < sizeof names / sizeof names[0]; i++)
        if (names[i].value == e)
            return names[i].name;
    return "E?";
}

static inline void lt_init(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
}

/* One check: prints "ok NAME" or "FAIL NAME" and counts failures. */
static inline int lt_check(const char *name, int ok)
{
    printf("%s %s\n", ok ? "ok" : "FAIL", name);
    if (!ok)
        lt_failures++;
    return ok;
}

#define CHECK(name, cond) lt_check(name, !!(cond))

/*
 * A call that must fail with errno ERR: prints "NAME -> ENAME" with the
 * errno it got (so the oracle's output shows the exact error) and counts a
 * failure when the call succeeded or set another errno.
 */
#define CHECK_ERR(name, expr, err)                                                                 \
    do {                                                                                           \
        errno = 0;                                                                                 \
        long lt_r_ = (long)(expr);                                                                 \
        int lt_e_ = errno;                                                                         \
        int lt_ok_ = lt_r_ == -1 && lt_e_ == (err);                                                \
        printf("%s %s -> %s\n", lt_ok_ ? "ok" : "FAIL", name,                                      \
               lt_r_ == -1 ? lt_errname(lt_e_) : "success");                                       \
        if (!lt_ok_)                                                                               \
            lt_failures++;                                                                         \
    } while (0)

/* A call that must succeed (return >= 0). */
#define CHECK_OK(name, expr)                                                                       \
    do {                                                                                           \
        errno = 0;                                                                                 \
        long lt_r_ = (long)(expr);                                                                 \
        int lt_e_ = errno;                                                                         \
        printf("%s %s%s%s\n", lt_r_ >= 0 ? "ok" : "FAIL", name, lt_r_ >= 0 ? "" : " -> ",          \
               lt_r_ >= 0 ? "" : lt_errname(lt_e_));                                               \
        if (lt_r_ < 0)                                                                             \
            lt_failures++;                                                                         \
    } while (0)

/* The name of a signal, without the SIG prefix. */
static inline const char *lt_signame(int sig)
{
    static const char *const names[] = {
        "0",    "HUP",  "INT",  "QUIT", "ILL",    "TRAP",   "ABRT",  "BUS",  "FPE",  "KILL", "USR1",
        "SEGV", "USR2", "PIPE", "ALRM", "TERM",   "STKFLT", "CHLD",  "CONT", "STOP", "TSTP", "TTIN",
        "TTOU", "URG",  "XCPU", "XFSZ", "VTALRM", "PROF",   "WINCH", "IO",   "PWR",  "SYS",
    };
    if (sig >= 0 && sig < (int)(sizeof names / sizeof names[0]))
        return names[sig];
    return "?";
}

/* How a child ended, as a shell would say it: "exit N" or "signal NAME". */
static inline const char *lt_status(int status)
{
    static char buf[48];
    if (WIFEXITED(status))
        snprintf(buf, sizeof buf, "exit %d", WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        snprintf(buf, sizeof buf, "signal %s", lt_signame(WTERMSIG(status)));
    else
        snprintf(buf, sizeof buf, "other 0x%x", status);
    return buf;
}

/* Ends the program: status 1 if any check failed, else 0. */
static inline int lt_done(void)
{
    printf("%s: %d failed\n", lt_failures ? "FAILED" : "PASSED", lt_failures);
    return lt_failures ? 1 : 0;
}

/* A fresh private directory under /tmp, made the current directory. */
static inline void lt_tmpdir(char *path, size_t len)
{
    snprintf(path, len, "/tmp/ltXXXXXX");
    if (!mkdtemp(path) || chdir(path) != 0) {
        perror("lt_tmpdir");
        exit(2);
    }
}

#endif
