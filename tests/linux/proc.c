/* SPDX-License-Identifier: MIT */
/*
 * proc: processes. fork and the values each side sees, exit statuses
 * (with truncation to 8 bits and death by signal), wait4/waitpid/waitid
 * with WNOHANG and ECHILD, rusage, process groups and sessions, vfork,
 * execve of itself (argv and envp arrive; argv[0] names the program) and
 * execve's errors. Run as "proc"; re-executes itself as "proc child ...".
 */
#include "lt.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>

static int exec_child(int argc, char **argv)
{
    /* Re-executed by exec_tests(): report argv and the environment back by
     * exit status, and by the line printed on the inherited stdout. */
    const char *v = getenv("LT_MARK");
    printf("exec child: argc=%d argv2=%s env=%s\n", argc, argc > 2 ? argv[2] : "-", v ? v : "-");
    return (argc == 3 && v && strcmp(v, "42") == 0) ? 7 : 1;
}

static void fork_tests(void)
{
    pid_t self = getpid();
    int pfd[2];
    if (pipe(pfd) != 0)
        exit(2);
    pid_t pid = fork();
    if (pid == 0) {
        /* The child reports what it sees through the pipe, one byte each. */
        char r[3] = {(char)(getppid() == self), (char)(getpid() != self), 0};
        r[2] = (char)(write(pfd[1], r, 2) == 2);
        _exit(3);
    }
    CHECK("fork returns the child pid to the parent", pid > 0 && pid != self);
    char r[2] = {0, 0};
    close(pfd[1]);
    CHECK("child's report arrives", read(pfd[0], r, 2) == 2);
    close(pfd[0]);
    CHECK("child: getppid() == parent's getpid()", r[0] == 1);
    CHECK("child: getpid() != parent's getpid()", r[1] == 1);
    int st = 0;
    struct rusage ru;
    memset(&ru, 0xff, sizeof ru);
    pid_t w = wait4(pid, &st, 0, &ru);
    CHECK("wait4 returns the child pid", w == pid);
    printf("child ended: %s\n", lt_status(st));
    CHECK("rusage filled (utime usec < 1000000)",
          ru.ru_utime.tv_usec >= 0 && ru.ru_utime.tv_usec < 1000000);

    pid = fork();
    if (pid == 0)
        exit(256 + 5);
    waitpid(pid, &st, 0);
    printf("exit(261) seen as: %s\n", lt_status(st));

    pid = fork();
    if (pid == 0) {
        raise(SIGTERM);
        _exit(0);
    }
    waitpid(pid, &st, 0);
    printf("raise(SIGTERM) seen as: %s\n", lt_status(st));

    pid = fork();
    if (pid == 0) {
        abort();
    }
    waitpid(pid, &st, 0);
    printf("abort() seen as: %s (core bit ignored)\n", lt_status(st));

    /* WNOHANG on a running child, then a real wait. */
    int gate[2];
    if (pipe(gate) != 0)
        exit(2);
    pid = fork();
    if (pid == 0) {
        char c;
        close(gate[1]);
        ssize_t n = read(gate[0], &c, 1); /* blocks until the parent closes */
        _exit(n == 0 ? 9 : 1);
    }
    close(gate[0]);
    CHECK("waitpid WNOHANG on a running child returns 0", waitpid(pid, &st, WNOHANG) == 0);
    close(gate[1]);
    CHECK("waitpid after EOF returns the child", waitpid(pid, &st, 0) == pid);
    printf("gated child: %s\n", lt_status(st));
    CHECK_ERR("waitpid with no children", waitpid(-1, &st, 0), ECHILD);
    CHECK_ERR("waitpid WNOHANG with no children", waitpid(-1, &st, WNOHANG), ECHILD);
    CHECK_ERR("waitpid on a non-child", waitpid(1, &st, 0), ECHILD);
    CHECK_ERR("wait4 with bad options", wait4(-1, &st, 0x7000000, NULL), EINVAL);

    /* waitid: siginfo of an exited child. */
    pid = fork();
    if (pid == 0)
        _exit(4);
    siginfo_t si;
    memset(&si, 0, sizeof si);
    CHECK_OK("waitid(P_PID, WEXITED)", waitid(P_PID, pid, &si, WEXITED));
    CHECK("waitid: si_pid is the child", si.si_pid == pid);
    CHECK("waitid: si_signo SIGCHLD", si.si_signo == SIGCHLD);
    CHECK("waitid: si_code CLD_EXITED, si_status 4", si.si_code == CLD_EXITED && si.si_status == 4);

    /* Several children, reaped in any order; all statuses seen once. */
    int seen = 0;
    for (int i = 0; i < 5; i++) {
        if (fork() == 0)
            _exit(10 + i);
    }
    for (int i = 0; i < 5; i++) {
        if (wait(&st) > 0 && WIFEXITED(st))
            seen |= 1 << (WEXITSTATUS(st) - 10);
    }
    CHECK("5 children reaped with statuses 10..14", seen == 0x1f);

    /* vfork: the child runs first in the parent's memory, until _exit. */
    volatile int shared = 0;
    pid = vfork();
    if (pid == 0) {
        shared = 1;
        _exit(6);
    }
    waitpid(pid, &st, 0);
    printf("vfork child: %s\n", lt_status(st));
    CHECK("vfork child ran before the parent resumed", shared == 1);
}

static void group_tests(void)
{
    int st;
    pid_t pid = fork();
    if (pid == 0) {
        /* New process group, then a new session: pgid and sid follow. */
        int ok = setpgid(0, 0) == 0 && getpgrp() == getpid();
        pid_t s = setsid(); /* fails: a group leader cannot make a session */
        ok = ok && s == -1 && errno == EPERM;
        _exit(ok ? 0 : 1);
    }
    waitpid(pid, &st, 0);
    printf("setpgid(0,0) then setsid as group leader (EPERM): %s\n", lt_status(st));
    pid = fork();
    if (pid == 0) {
        pid_t s = setsid();
        int ok = s == getpid() && getsid(0) == getpid() && getpgrp() == getpid();
        _exit(ok ? 0 : 1);
    }
    waitpid(pid, &st, 0);
    printf("setsid in a child: %s\n", lt_status(st));
    CHECK("getpgid(0) == getpgrp()", getpgid(0) == getpgrp());
    CHECK_ERR("getpgid of a missing pid", getpgid(0x3ffffff0), ESRCH);
    CHECK_ERR("setpgid(-1)", setpgid(0, -1), EINVAL);
}

static void exec_tests(const char *self)
{
    int st;
    pid_t pid = fork();
    if (pid == 0) {
        char *argv[] = {(char *)self, "child", "hello", NULL};
        char *envp[] = {"LT_MARK=42", NULL};
        execve(self, argv, envp);
        _exit(99);
    }
    waitpid(pid, &st, 0);
    printf("execve of itself: %s\n", lt_status(st));

    char *argv[] = {"x", NULL};
    char *envp[] = {NULL};
    CHECK_ERR("execve of a missing file", execve("/nonexistent/prog", argv, envp), ENOENT);
    CHECK_ERR("execve of a directory", execve("/tmp", argv, envp), EACCES);
    char dir[64];
    lt_tmpdir(dir, sizeof dir);
    int fd = open("plain", O_CREAT | O_WRONLY, 0644);
    CHECK("write a non-executable file", fd >= 0 && write(fd, "#!/bin/sh\n", 10) == 10);
    close(fd);
    CHECK_ERR("execve of a file without x bits", execve("plain", argv, envp), EACCES);
    chmod("plain", 0755);
    fd = open("plain", O_WRONLY | O_TRUNC);
    CHECK("write garbage", write(fd, "\x01\x02garbage", 9) == 9);
    close(fd);
    CHECK_ERR("execve of garbage with x bits", execve("plain", argv, envp), ENOEXEC);
    unlink("plain");
    if (chdir("/") == 0)
        rmdir(dir);
}

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "child") == 0)
        return exec_child(argc, argv);
    lt_init();
    fork_tests();
    group_tests();
    /* argv[0] names this program (natively the runner passes its path). */
    exec_tests(argv[0]);
    return lt_done();
}
