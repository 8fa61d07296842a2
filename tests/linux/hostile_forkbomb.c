/* SPDX-License-Identifier: MIT */
/*
 * hostile_forkbomb: many processes, fast. First a tree of forks six deep
 * (127 processes, each waiting for its two children) that must complete.
 * Then a fork bomb in its own process group: every process forks as fast
 * as it can and its children do the same, until a fork fails or the bomb
 * holds BOMB_CAP processes (a counter in shared memory: the bound that
 * keeps the native run harmless, since root ignores RLIMIT_NPROC); its
 * processes then wait to be killed. The parent kills the whole group and
 * reaps every one (as child subreaper where prctl allows, else they are
 * reaped by init), then checks that it still forks.
 */
#include "lt.h"

#include <signal.h>
#include <stdatomic.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <time.h>

#define BOMB_CAP 200

/* Each process forks two children to depth d; exit status = processes. */
static int tree(int depth)
{
    if (depth == 0)
        return 1;
    int total = 1;
    pid_t kids[2];
    for (int i = 0; i < 2; i++) {
        kids[i] = fork();
        if (kids[i] == 0)
            _exit(tree(depth - 1));
    }
    for (int i = 0; i < 2; i++) {
        int st;
        if (kids[i] > 0 && waitpid(kids[i], &st, 0) == kids[i] && WIFEXITED(st))
            total += WEXITSTATUS(st);
    }
    return total;
}

struct bomb {
    atomic_int started;  /* processes that entered the bomb */
    atomic_int failures; /* forks that failed */
    atomic_int done;     /* processes that stopped forking */
};

static void bomb(struct bomb *b)
{
    for (;;) {
        if (atomic_fetch_add(&b->started, 1) >= BOMB_CAP) {
            atomic_fetch_sub(&b->started, 1);
            break;
        }
        pid_t pid = fork();
        if (pid < 0) {
            atomic_fetch_sub(&b->started, 1);
            atomic_fetch_add(&b->failures, 1);
            break;
        }
        /* Parent and child both go on forking. */
    }
    atomic_fetch_add(&b->done, 1);
    for (;;)
        pause();
}

int main(void)
{
    lt_init();
    pid_t pid = fork();
    if (pid == 0)
        _exit(tree(6));
    int st;
    waitpid(pid, &st, 0);
    printf("tree of forks six deep: %s (127 processes)\n", lt_status(st));

    prctl(PR_SET_CHILD_SUBREAPER, 1);
    struct bomb *b =
        mmap(NULL, sizeof *b, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    atomic_init(&b->started, 1); /* the leader */
    atomic_init(&b->failures, 0);
    atomic_init(&b->done, 0);
    pid_t leader = fork();
    if (leader == 0) {
        setpgid(0, 0);
        alarm(20); /* a bomb left behind dies on its own */
        bomb(b);
    }
    setpgid(leader, leader);
    /* Wait until every bomb process has stopped forking (or 10 s). */
    struct timespec d = {0, 10000000};
    int waited = 0;
    while (atomic_load(&b->done) < atomic_load(&b->started) && waited < 1000) {
        nanosleep(&d, NULL);
        waited++;
    }
    int started = atomic_load(&b->started);
    fprintf(stderr, "bomb: %d processes, %d failed forks, %d ms\n", started,
            atomic_load(&b->failures), waited * 10);
    CHECK("the bomb stopped by itself (cap or failed fork)", atomic_load(&b->done) >= started);
    CHECK("it made more than 10 processes", started > 10);
    CHECK_OK("kill the bomb's process group", kill(-leader, SIGKILL));
    int reaped = 0, killed = 0;
    pid_t w;
    for (;;) {
        w = waitpid(-1, &st, 0);
        if (w < 0)
            break;
        reaped++;
        killed += WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL;
    }
    fprintf(stderr, "reaped %d, %d by SIGKILL\n", reaped, killed);
    CHECK("the leader was reaped, killed by SIGKILL", reaped >= 1 && killed >= 1);
    CHECK_ERR("no process is left to wait for", waitpid(-1, &st, WNOHANG), ECHILD);
    CHECK_ERR("the group is gone", kill(-leader, 0), ESRCH);
    pid = fork();
    if (pid == 0)
        _exit(5);
    CHECK("the parent still forks", waitpid(pid, &st, 0) == pid && WEXITSTATUS(st) == 5);
    return lt_done();
}
