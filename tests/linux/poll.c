/* SPDX-License-Identifier: MIT */
/*
 * poll: poll, ppoll, select and pselect on pipes, regular files and bad
 * descriptors: readiness, POLLHUP and POLLERR, POLLNVAL, timeouts (as
 * relations: at least the time asked), a wake-up by another process, a
 * signal ending a wait, and the calls' argument errors.
 */
#include "lt.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <time.h>

static long ms_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

static void on_usr1(int sig)
{
    (void)sig;
}

static void poll_tests(void)
{
    int p[2];
    if (pipe(p) != 0)
        exit(2);
    struct pollfd f[2] = {{p[0], POLLIN, -1}, {p[1], POLLOUT, -1}};
    CHECK("empty pipe: only the write end is ready",
          poll(f, 2, 0) == 1 && f[0].revents == 0 && f[1].revents == POLLOUT);
    CHECK("write 1 byte", write(p[1], "x", 1) == 1);
    CHECK("now both are ready, read end POLLIN", poll(f, 2, 0) == 2 && f[0].revents == POLLIN);
    char c;
    CHECK("read it", read(p[0], &c, 1) == 1);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CHECK("poll with a 50 ms timeout returns 0", poll(f, 1, 50) == 0);
    CHECK("and waited at least 50 ms", ms_since(&t0) >= 49);
    close(p[1]);
    CHECK("writer closed: POLLHUP on the read end", poll(f, 1, 0) == 1 && (f[0].revents & POLLHUP));
    close(p[0]);

    if (pipe(p) != 0)
        exit(2);
    close(p[0]);
    f[0] = (struct pollfd){p[1], POLLOUT, 0};
    CHECK("reader closed: POLLERR on the write end",
          poll(f, 1, 0) == 1 && (f[0].revents & POLLERR));
    close(p[1]);

    f[0] = (struct pollfd){555, POLLIN, 0};
    f[1] = (struct pollfd){-1, POLLIN, 7};
    CHECK("closed fd: POLLNVAL; negative fd ignored with revents 0",
          poll(f, 2, 0) == 1 && f[0].revents == POLLNVAL && f[1].revents == 0);
    int fd = open("/dev/null", O_RDWR);
    f[0] = (struct pollfd){fd, POLLIN | POLLOUT, 0};
    CHECK("/dev/null is readable and writable",
          poll(f, 1, 0) == 1 && f[0].revents == (POLLIN | POLLOUT));
    close(fd);
    CHECK_ERR("poll with too many fds", poll(f, 1u << 30, 0), EINVAL);
    CHECK_ERR("poll of a bad array", poll((struct pollfd *)8, 1, 0), EFAULT);

    /* A child wakes a blocked poll by writing after a while. */
    if (pipe(p) != 0)
        exit(2);
    pid_t pid = fork();
    if (pid == 0) {
        struct timespec d = {0, 30000000};
        nanosleep(&d, NULL);
        _exit(write(p[1], "w", 1) == 1 ? 0 : 1);
    }
    f[0] = (struct pollfd){p[0], POLLIN, 0};
    CHECK("poll blocks until the child writes", poll(f, 1, 5000) == 1 && f[0].revents == POLLIN);
    waitpid(pid, NULL, 0);

    /* ppoll with a signal mask: SIGUSR1 blocked outside, let in during. */
    struct sigaction sa = {.sa_handler = on_usr1};
    sigaction(SIGUSR1, &sa, NULL);
    sigset_t block, empty;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigemptyset(&empty);
    sigprocmask(SIG_BLOCK, &block, NULL);
    raise(SIGUSR1); /* pending until ppoll unblocks it */
    read(p[0], &c, 1);
    struct timespec ts = {5, 0};
    CHECK_ERR("ppoll lets a pending signal in", ppoll(f, 1, &ts, &empty), EINTR);
    struct timespec zero = {0, 0};
    CHECK("ppoll with zero timeout returns 0", ppoll(f, 1, &zero, NULL) == 0);
    struct timespec bad = {0, -1};
    CHECK_ERR("ppoll with a negative timeout", ppoll(f, 1, &bad, NULL), EINVAL);
    sigprocmask(SIG_UNBLOCK, &block, NULL);
    close(p[0]);
    close(p[1]);
}

static void select_tests(void)
{
    int p[2];
    if (pipe(p) != 0)
        exit(2);
    fd_set r, w;
    FD_ZERO(&r);
    FD_ZERO(&w);
    FD_SET(p[0], &r);
    FD_SET(p[1], &w);
    struct timeval tv = {0, 0};
    int n = select(p[1] + 1, &r, &w, NULL, &tv);
    CHECK("select: only the write end is ready",
          n == 1 && !FD_ISSET(p[0], &r) && FD_ISSET(p[1], &w));
    CHECK("write", write(p[1], "y", 1) == 1);
    FD_ZERO(&r);
    FD_SET(p[0], &r);
    tv = (struct timeval){0, 0};
    CHECK("select: read end ready after a write",
          select(p[0] + 1, &r, NULL, NULL, &tv) == 1 && FD_ISSET(p[0], &r));
    char c;
    read(p[0], &c, 1);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    FD_ZERO(&r);
    FD_SET(p[0], &r);
    tv = (struct timeval){0, 40000};
    CHECK("select timeout returns 0 and clears the set",
          select(p[0] + 1, &r, NULL, NULL, &tv) == 0 && !FD_ISSET(p[0], &r));
    CHECK("and waited at least 40 ms", ms_since(&t0) >= 39);
    CHECK("select with no fds and a timeout sleeps", ({
              struct timeval t = {0, 20000};
              clock_gettime(CLOCK_MONOTONIC, &t0);
              select(0, NULL, NULL, NULL, &t) == 0 && ms_since(&t0) >= 19;
          }));
    FD_ZERO(&r);
    FD_SET(60, &r);
    tv = (struct timeval){0, 0};
    CHECK_ERR("select on a closed fd", select(61, &r, NULL, NULL, &tv), EBADF);
    CHECK_ERR("select with nfds -1", select(-1, NULL, NULL, NULL, &tv), EINVAL);
    tv = (struct timeval){0, -5};
    CHECK_ERR("select with a negative timeout", select(1, NULL, NULL, NULL, &tv), EINVAL);
    /* A regular file is always ready. */
    int fd = open("/proc/self/exe", O_RDONLY);
    if (fd < 0)
        fd = open("/bin/sh", O_RDONLY);
    FD_ZERO(&r);
    FD_SET(fd, &r);
    struct timespec zero = {0, 0};
    CHECK("pselect: a regular file is readable", pselect(fd + 1, &r, NULL, NULL, &zero, NULL) == 1);
    close(fd);
    close(p[0]);
    close(p[1]);
}

int main(void)
{
    lt_init();
    poll_tests();
    select_tests();
    return lt_done();
}
