/* SPDX-License-Identifier: MIT */
/*
 * hostile_memhog: processes that allocate without end, each bounded by
 * RLIMIT_AS (256 MiB) so that the native run is harmless: one takes 1 MiB
 * mappings and touches every page, one grows its break, one mallocs. Each
 * must be stopped by an error (ENOMEM) or a signal, whichever comes first
 * (under Tessera the compartment's quota may end it before the limit
 * does), and the parent must go on allocating and forking afterwards. How
 * a hog ended is printed on stderr only.
 */
#include "lt.h"

#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>

#define LIMIT (256ul << 20)

static void limit(void)
{
    struct rlimit rl = {LIMIT, LIMIT};
    setrlimit(RLIMIT_AS, &rl);
    rl = (struct rlimit){0, 0};
    setrlimit(RLIMIT_CORE, &rl);
    alarm(30);
}

/* Exit statuses: 10 = stopped by ENOMEM, 11 = another error. */
static void hog_mmap(void)
{
    limit();
    for (size_t total = 0;; total += 1 << 20) {
        char *p = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED)
            _exit(errno == ENOMEM ? 10 : 11);
        for (size_t i = 0; i < (1 << 20); i += 4096)
            p[i] = 1;
    }
}

static void hog_brk(void)
{
    limit();
    char *cur = (char *)syscall(SYS_brk, 0);
    for (;;) {
        char *want = cur + (1 << 20);
        char *got = (char *)syscall(SYS_brk, want);
        if (got != want)
            _exit(10); /* brk reports failure by not moving */
        for (char *q = cur; q < want; q += 4096)
            *q = 1;
        cur = want;
    }
}

static void hog_malloc(void)
{
    limit();
    for (;;) {
        char *p = malloc(100000);
        if (!p)
            _exit(errno == ENOMEM ? 10 : 11);
        for (size_t i = 0; i < 100000; i += 4096)
            p[i] = 1;
    }
}

int main(void)
{
    lt_init();
    static const struct {
        const char *name;
        void (*fn)(void);
    } hogs[] = {{"mmap", hog_mmap}, {"brk", hog_brk}, {"malloc", hog_malloc}};
    for (unsigned i = 0; i < 3; i++) {
        pid_t pid = fork();
        if (pid == 0)
            hogs[i].fn();
        int st;
        waitpid(pid, &st, 0);
        fprintf(stderr, "%s hog: %s\n", hogs[i].name, lt_status(st));
        int ok = (WIFEXITED(st) && WEXITSTATUS(st) == 10) ||
                 (WIFSIGNALED(st) &&
                  (WTERMSIG(st) == SIGKILL || WTERMSIG(st) == SIGSEGV || WTERMSIG(st) == SIGBUS));
        printf("%s hog: ended by ENOMEM or a signal: %s\n", hogs[i].name, ok ? "yes" : "no");
        if (!ok)
            lt_failures++;
    }
    char *p = malloc(10 << 20);
    CHECK("the parent still allocates 10 MiB",
          p != NULL && (memset(p, 7, 10 << 20), p[(10 << 20) - 1] == 7));
    free(p);
    pid_t pid = fork();
    if (pid == 0)
        _exit(4);
    int st;
    CHECK("the parent still forks", waitpid(pid, &st, 0) == pid && WEXITSTATUS(st) == 4);
    return lt_done();
}
