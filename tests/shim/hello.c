/* SPDX-License-Identifier: MIT */
/*
 * The Linux personality's first smoke test (tests/shim/meson.build): a
 * static musl program that prints its arguments, allocates with malloc
 * (brk and mmap), reads its auxiliary vector's random bytes, writes to a
 * bad pointer through write() (EFAULT, not a crash), and exits with 7.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    printf("hello from %s, argc=%d, argv[1]=%s\n", argv[0], argc, argc > 1 ? argv[1] : "-");
    char *big = malloc(1 << 20);
    memset(big, 0x5a, 1 << 20);
    printf("malloc of 1 MiB: %s\n", big[(1 << 20) - 1] == 0x5a ? "ok" : "wrong");
    char *m = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    m[2 * 4096] = 1;
    printf("mmap: %s, zeroed: %s\n", m != MAP_FAILED ? "ok" : "failed", m[0] == 0 ? "yes" : "no");
    printf("munmap: %d\n", munmap(m, 3 * 4096));
    errno = 0;
    long r = write(1, (const void *)16, 10);
    printf("write from a bad pointer: %ld, %s\n", r, errno == EFAULT ? "EFAULT" : "other");
    struct utsname u;
    uname(&u);
    printf("uname: %s %s\n", u.sysname, u.machine);
    printf("AT_RANDOM given: %s\n", getauxval(AT_RANDOM) ? "yes" : "no");
    printf("pid %d\n", (int)getpid());
    return 7;
}
