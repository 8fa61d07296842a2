/* SPDX-License-Identifier: MIT */
/*
 * longrun: what a long shell session does to a kernel's tables, in a few
 * seconds: thousands of processes made and reaped (fork+exit+wait, and
 * fork+execve+wait), pipes, files and mappings opened and closed, blocking
 * calls answered. Nothing may run out: every round must work the same as
 * the first (a guest kernel that leaks a capability slot, a Reply object
 * or a page per process fails here after a few hundred).
 */
#include "lt.h"

#include <sys/mman.h>

#define FORKS 1500
#define EXECS 300
#define PIPES 2000
#define MAPS  2000

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "child") == 0)
        return 7;
    lt_init();
    int ok = 0;
    for (int i = 0; i < FORKS; i++) {
        pid_t c = fork();
        if (c == 0)
            _exit(i & 0x7f);
        int st;
        ok += c > 0 && waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == (i & 0x7f);
    }
    printf("fork+exit+wait: %d of %d\n", ok, FORKS);
    ok = 0;
    for (int i = 0; i < EXECS; i++) {
        pid_t c = fork();
        if (c == 0) {
            execl(argv[0], argv[0], "child", (char *)NULL);
            _exit(99);
        }
        int st;
        ok += c > 0 && waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 7;
    }
    printf("fork+execve+wait: %d of %d\n", ok, EXECS);
    ok = 0;
    for (int i = 0; i < PIPES; i++) {
        int p[2];
        char c = 0;
        if (pipe(p) != 0)
            break;
        ok += write(p[1], "z", 1) == 1 && read(p[0], &c, 1) == 1 && c == 'z';
        close(p[0]);
        close(p[1]);
    }
    printf("pipes: %d of %d\n", ok, PIPES);
    ok = 0;
    for (int i = 0; i < MAPS; i++) {
        char *m = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (m == MAP_FAILED)
            break;
        m[0] = m[8191] = (char)i;
        ok += m[0] == (char)i && munmap(m, 3 * 4096) == 0;
    }
    printf("mmap+munmap: %d of %d\n", ok, MAPS);
    /* a blocking read answered, many times over */
    ok = 0;
    for (int i = 0; i < 200; i++) {
        int p[2];
        if (pipe(p) != 0)
            break;
        pid_t c = fork();
        if (c == 0) {
            close(p[0]);
            _exit(write(p[1], "w", 1) == 1 ? 0 : 1);
        }
        close(p[1]);
        char b = 0;
        int st;
        ok += read(p[0], &b, 1) == 1 && b == 'w' && waitpid(c, &st, 0) == c;
        close(p[0]);
    }
    printf("blocking reads answered by a child: %d of 200\n", ok);
    return lt_done();
}
