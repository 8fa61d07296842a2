/* SPDX-License-Identifier: MIT */
/*
 * futex: FUTEX_WAIT and FUTEX_WAKE (private and shared, plain and bitset)
 * as one-threaded processes and processes sharing memory use them: a
 * value that changed, timeouts relative and absolute, a wake with nobody
 * waiting, bad addresses and operations, a waiter in a child woken through
 * MAP_SHARED memory, and a signal interrupting a wait. (clear_child_tid is
 * only written at exit when the memory is shared with another thread, as
 * Linux's mm_release() does: not for processes.)
 */
#include "lt.h"

#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>

#define FUTEX_WAIT        0
#define FUTEX_WAKE        1
#define FUTEX_WAIT_BITSET 9
#define FUTEX_WAKE_BITSET 10
#define FUTEX_PRIVATE     128
#define FUTEX_BITSET_ANY  0xffffffffu

static long fx(uint32_t *a, int op, uint32_t v, const struct timespec *t, uint32_t bits)
{
    return syscall(SYS_futex, a, op, v, t, NULL, bits);
}

static void on_usr1(int sig)
{
    (void)sig;
}

int main(void)
{
    lt_init();
    uint32_t w = 1;
    CHECK_ERR("wait on a value that changed", fx(&w, FUTEX_WAIT | FUTEX_PRIVATE, 2, NULL, 0),
              EAGAIN);
    struct timespec t = {0, 20000000};
    CHECK_ERR("wait with a 20 ms timeout", fx(&w, FUTEX_WAIT | FUTEX_PRIVATE, 1, &t, 0), ETIMEDOUT);
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    now.tv_nsec += 20000000;
    if (now.tv_nsec >= 1000000000) {
        now.tv_sec++;
        now.tv_nsec -= 1000000000;
    }
    CHECK_ERR("bitset wait until an absolute time",
              fx(&w, FUTEX_WAIT_BITSET | FUTEX_PRIVATE, 1, &now, FUTEX_BITSET_ANY), ETIMEDOUT);
    CHECK("wake with nobody waiting wakes 0", fx(&w, FUTEX_WAKE | FUTEX_PRIVATE, 1, NULL, 0) == 0);
    CHECK_ERR("bitset 0", fx(&w, FUTEX_WAIT_BITSET, 1, NULL, 0), EINVAL);
    CHECK_ERR("a misaligned futex", fx((uint32_t *)((char *)&w + 1), FUTEX_WAKE, 1, NULL, 0),
              EINVAL);
    CHECK_ERR("a futex at an unmapped address", fx((uint32_t *)8, FUTEX_WAIT, 0, NULL, 0), EFAULT);
    CHECK_ERR("an unknown operation", fx(&w, 77, 0, NULL, 0), ENOSYS);
    CHECK_ERR("a bad timeout", fx(&w, FUTEX_WAIT, 1, &(struct timespec){0, -1}, 0), EINVAL);

    /* A child waits on shared memory; the parent changes it and wakes. */
    uint32_t *s = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    *s = 0;
    pid_t c = fork();
    if (c == 0)
        _exit(fx(s, FUTEX_WAIT, 0, NULL, 0) == 0 && *s == 1 ? 0 : 1);
    long n = 0;
    for (int i = 0; i < 200 && n == 0; i++) { /* until the child waits */
        struct timespec d = {0, 5000000};
        nanosleep(&d, NULL);
        *s = 1;
        n = fx(s, FUTEX_WAKE, 1, NULL, 0);
        if (n == 0)
            *s = 0;
    }
    int st;
    waitpid(c, &st, 0);
    CHECK("a shared futex: one waiter woken", n == 1);
    printf("the child woken through shared memory: %s\n", lt_status(st));

    /* A handled signal ends a wait with EINTR. */
    struct sigaction sa = {.sa_handler = on_usr1};
    sigaction(SIGUSR1, &sa, NULL);
    pid_t me = getpid();
    c = fork();
    if (c == 0) {
        struct timespec d = {0, 50000000};
        nanosleep(&d, NULL);
        kill(me, SIGUSR1);
        _exit(0);
    }
    w = 5;
    CHECK_ERR("a signal interrupts a wait", fx(&w, FUTEX_WAIT | FUTEX_PRIVATE, 5, NULL, 0), EINTR);
    waitpid(c, &st, 0);

    return lt_done();
}
