/* SPDX-License-Identifier: MIT */
/*
 * hostile_spin: 50 processes spinning in a loop that makes no syscall.
 * While they spin, the parent must stay responsive: ten 10 ms sleeps, ten
 * fork+exit+wait rounds and ten pipe round trips with a child complete
 * within 10 s (they take well under a second on an idle machine; the bound
 * is loose because it only catches starvation). Then the spinners die by
 * SIGKILL, all 50. Each spinner also ends itself after 30 s (alarm) should
 * the parent be gone.
 */
#include "lt.h"

#include <signal.h>
#include <time.h>

#define SPINNERS 50

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(void)
{
    lt_init();
    pid_t kids[SPINNERS];
    int started = 0;
    for (int i = 0; i < SPINNERS; i++) {
        kids[i] = fork();
        if (kids[i] == 0) {
            alarm(30);
            for (volatile unsigned long n = 0;; n++) {
            }
        }
        started += kids[i] > 0;
    }
    printf("spinners started: %d\n", started);
    double t0 = now();
    int ok = 1;
    for (int i = 0; i < 10; i++) {
        struct timespec d = {0, 10000000};
        ok &= nanosleep(&d, NULL) == 0;
    }
    for (int i = 0; i < 10; i++) {
        pid_t pid = fork();
        if (pid == 0)
            _exit(1);
        int st;
        ok &= waitpid(pid, &st, 0) == pid && WEXITSTATUS(st) == 1;
    }
    int to[2], from[2];
    if (pipe(to) != 0 || pipe(from) != 0)
        return 2;
    pid_t echo = fork();
    if (echo == 0) {
        char c;
        close(to[1]);
        close(from[0]);
        while (read(to[0], &c, 1) == 1)
            if (write(from[1], &c, 1) != 1)
                break;
        _exit(0);
    }
    close(to[0]);
    close(from[1]);
    for (int i = 0; i < 10; i++) {
        char c = (char)('a' + i), r = 0;
        ok &= write(to[1], &c, 1) == 1 && read(from[0], &r, 1) == 1 && r == c;
    }
    close(to[1]);
    waitpid(echo, NULL, 0);
    double took = now() - t0;
    fprintf(stderr, "responsiveness rounds took %.3f s\n", took);
    CHECK("sleeps, forks and pipe round trips all worked", ok);
    CHECK("and took less than 10 s among 50 spinners", took < 10.0);
    int killed = 0;
    for (int i = 0; i < SPINNERS; i++)
        if (kids[i] > 0)
            kill(kids[i], SIGKILL);
    for (int i = 0; i < SPINNERS; i++) {
        int st;
        if (kids[i] > 0 && waitpid(kids[i], &st, 0) == kids[i] && WIFSIGNALED(st) &&
            WTERMSIG(st) == SIGKILL)
            killed++;
    }
    printf("spinners killed by SIGKILL: %d\n", killed);
    return lt_done();
}
