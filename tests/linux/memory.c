/* SPDX-License-Identifier: MIT */
/*
 * memory: brk, anonymous and file-backed mmap, munmap, mprotect, mremap,
 * demand paging over many pages, copy-on-write after fork, shared
 * anonymous memory across fork, the faults each protection gives, and the
 * errors of bad arguments.
 */
#include "lt.h"

#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#define PAGE 4096UL

static sigjmp_buf jump;
static volatile sig_atomic_t fault_code;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    (void)uc;
    fault_code = si->si_code;
    siglongjmp(jump, 1);
}

/* Returns the si_code of the fault an access raised, or 0 if none. */
static int probe(volatile char *p, int write)
{
    fault_code = 0;
    if (sigsetjmp(jump, 1) == 0) {
        if (write)
            *p = 1;
        else
            (void)*p;
    }
    return fault_code;
}

static const char *code_name(int c)
{
    return c == 0             ? "no fault"
           : c == SEGV_MAPERR ? "SEGV_MAPERR"
           : c == SEGV_ACCERR ? "SEGV_ACCERR"
                              : "other";
}

static void brk_tests(void)
{
    char *b0 = (char *)syscall(SYS_brk, 0);
    CHECK("brk(0) returns the current break", b0 != NULL);
    char *b1 = (char *)syscall(SYS_brk, b0 + 5 * PAGE + 17);
    CHECK("brk grows by 5 pages + 17", b1 == b0 + 5 * PAGE + 17);
    memset(b0, 0x5a, 5 * PAGE + 17);
    CHECK("the new heap is writable", b0[5 * PAGE + 16] == 0x5a);
    char *b2 = (char *)syscall(SYS_brk, b0 + PAGE);
    CHECK("brk shrinks", b2 == b0 + PAGE);
    char *b3 = (char *)syscall(SYS_brk, b0 + 2 * PAGE);
    CHECK("regrown heap pages are zero", b3 == b0 + 2 * PAGE && b0[PAGE + 10] == 0);
    char *b4 = (char *)syscall(SYS_brk, (char *)8);
    CHECK("brk below the start leaves the break unchanged", b4 == b3);
    syscall(SYS_brk, b0);
}

static void mmap_tests(void)
{
    size_t len = 64 * PAGE;
    unsigned char *a = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK("mmap anonymous 64 pages", a != MAP_FAILED);
    CHECK("mmap result is page aligned", ((uintptr_t)a & (PAGE - 1)) == 0);
    int zero = 1;
    for (size_t i = 0; i < len; i += 512)
        zero &= a[i] == 0;
    CHECK("anonymous memory reads as zero", zero);
    for (size_t i = 0; i < len; i++)
        a[i] = (unsigned char)(i * 7);
    unsigned sum = 0;
    for (size_t i = 0; i < len; i++)
        sum += a[i];
    printf("checksum over 64 pages: %u\n", sum);

    /* munmap the middle; the rest stays, the hole faults. */
    CHECK_OK("munmap 2 pages in the middle", munmap(a + 10 * PAGE, 2 * PAGE));
    printf("access to the hole: %s\n", code_name(probe((char *)a + 10 * PAGE, 0)));
    CHECK("pages around the hole are intact", a[9 * PAGE] == (unsigned char)(9 * PAGE * 7) &&
                                                  a[12 * PAGE] == (unsigned char)(12 * PAGE * 7));

    /* mprotect: read-only, then none, then back. */
    CHECK_OK("mprotect PROT_READ", mprotect(a, PAGE, PROT_READ));
    printf("write to PROT_READ: %s\n", code_name(probe((char *)a, 1)));
    printf("read of PROT_READ: %s\n", code_name(probe((char *)a, 0)));
    CHECK_OK("mprotect PROT_NONE", mprotect(a, PAGE, PROT_NONE));
    printf("read of PROT_NONE: %s\n", code_name(probe((char *)a, 0)));
    CHECK_OK("mprotect PROT_READ|PROT_WRITE", mprotect(a, PAGE, PROT_READ | PROT_WRITE));
    CHECK("contents survive protection changes", a[1] == 7);
    CHECK_ERR("mprotect of the unmapped hole", mprotect(a + 10 * PAGE, PAGE, PROT_READ), ENOMEM);
    CHECK_ERR("mprotect unaligned (raw)", syscall(SYS_mprotect, a + 1, PAGE, PROT_READ), EINVAL);

    /* mremap: grow in place or move, contents kept; shrink. */
    unsigned char *g = mremap(a + 12 * PAGE, 4 * PAGE, 40 * PAGE, MREMAP_MAYMOVE);
    CHECK("mremap grows with MREMAP_MAYMOVE", g != MAP_FAILED);
    CHECK("mremap keeps the contents", g[0] == (unsigned char)(12 * PAGE * 7) &&
                                           g[3 * PAGE + 5] == (unsigned char)((15 * PAGE + 5) * 7));
    CHECK("the grown part is zero", g[39 * PAGE] == 0);
    unsigned char *s = mremap(g, 40 * PAGE, 2 * PAGE, 0);
    CHECK("mremap shrinks in place", s == g);
    printf("access past the shrunk mapping: %s\n", code_name(probe((char *)g + 3 * PAGE, 0)));
    CHECK_ERR("mremap to 0 bytes", mremap(s, 2 * PAGE, 0, MREMAP_MAYMOVE), EINVAL);
    munmap(s, 2 * PAGE);
    munmap(a, len);
    printf("access after munmap: %s\n", code_name(probe((char *)a + PAGE, 0)));

    /* MAP_FIXED replaces what is there. */
    char *f = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    f[PAGE] = 9;
    char *f2 = mmap(f + PAGE, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
                    -1, 0);
    CHECK("MAP_FIXED maps at the address and replaces the page", f2 == f + PAGE && f[PAGE] == 0);
    munmap(f, 2 * PAGE);

    /* Demand paging: 4096 pages touched once each. */
    size_t big = 4096 * PAGE;
    volatile char *d = mmap(NULL, big, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK("mmap 16 MiB", d != MAP_FAILED);
    for (size_t i = 0; i < big; i += PAGE)
        d[i] = (char)(i >> 12);
    int good = 1;
    for (size_t i = 0; i < big; i += PAGE)
        good &= d[i] == (char)(i >> 12);
    CHECK("4096 pages touched and read back", good);
    munmap((void *)d, big);

    CHECK_ERR("mmap length 0",
              mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED ? -1 : 0,
              EINVAL);
    CHECK_ERR("mmap without MAP_PRIVATE or MAP_SHARED",
              mmap(NULL, PAGE, PROT_READ, MAP_ANONYMOUS, -1, 0) == MAP_FAILED ? -1 : 0, EINVAL);
    CHECK_ERR("mmap MAP_FIXED unaligned",
              mmap((void *)0x10000001, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1,
                   0) == MAP_FAILED
                  ? -1
                  : 0,
              EINVAL);
    CHECK_ERR("mmap of a bad fd",
              mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, 999, 0) == MAP_FAILED ? -1 : 0, EBADF);
    CHECK_ERR("munmap unaligned", munmap((void *)0x10001, PAGE), EINVAL);
    CHECK_OK("munmap of nothing mapped succeeds", munmap((void *)0x200000000, PAGE));
}

static void file_map_tests(void)
{
    char dir[64];
    lt_tmpdir(dir, sizeof dir);
    int fd = open("data", O_CREAT | O_RDWR | O_TRUNC, 0644);
    char buf[3 * 4096];
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (char)('a' + i % 26);
    CHECK("write a 3-page file", write(fd, buf, sizeof buf) == (ssize_t)sizeof buf);
    char *m = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, PAGE);
    CHECK("mmap the file at offset 1 page", m != MAP_FAILED);
    CHECK("mapping shows the file's bytes", m[0] == buf[PAGE] && m[PAGE + 3] == buf[2 * PAGE + 3]);
    m[0] = '!';
    char c = 0;
    CHECK("private writes do not reach the file", pread(fd, &c, 1, PAGE) == 1 && c == buf[PAGE]);
    munmap(m, 2 * PAGE);
    CHECK_ERR("mmap unaligned offset",
              mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, fd, 100) == MAP_FAILED ? -1 : 0, EINVAL);
    close(fd);
    fd = open("data", O_RDONLY);
    CHECK_ERR("mmap PROT_WRITE|MAP_SHARED of a read-only fd",
              mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) == MAP_FAILED ? -1 : 0,
              EACCES);
    /* A page past the end of the file (but inside the mapping) faults. */
    m = mmap(NULL, 5 * PAGE, PROT_READ, MAP_PRIVATE, fd, 0);
    CHECK("mmap 5 pages of a 3-page file", m != MAP_FAILED);
    CHECK("last file page readable", m[3 * PAGE - 1] == buf[3 * PAGE - 1]);
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sa.sa_sigaction = on_segv;
    sigaction(SIGBUS, &sa, &old);
    fault_code = -1;
    int bus = 0;
    if (sigsetjmp(jump, 1) == 0)
        (void)*(volatile char *)(m + 4 * PAGE);
    else
        bus = 1;
    CHECK("access past the end of the file: SIGBUS", bus);
    sigaction(SIGBUS, &old, NULL);
    munmap(m, 5 * PAGE);
    close(fd);
    unlink("data");
    if (chdir("/") == 0)
        rmdir(dir);
}

static void fork_tests(void)
{
    int st;
    /* Copy-on-write: the child's writes stay in the child. */
    size_t len = 8 * PAGE;
    char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    memset(p, 'P', len);
    static char data_var[100] = "parent";
    char *heap = malloc(1000);
    strcpy(heap, "heap");
    pid_t pid = fork();
    if (pid == 0) {
        int ok = p[0] == 'P' && strcmp(data_var, "parent") == 0 && strcmp(heap, "heap") == 0;
        memset(p, 'C', len);
        strcpy(data_var, "child");
        strcpy(heap, "kid");
        _exit(ok ? 0 : 1);
    }
    waitpid(pid, &st, 0);
    printf("child saw the parent's memory: %s\n", lt_status(st));
    CHECK("COW: anonymous pages unchanged in the parent", p[0] == 'P' && p[len - 1] == 'P');
    CHECK("COW: .data unchanged in the parent", strcmp(data_var, "parent") == 0);
    CHECK("COW: heap unchanged in the parent", strcmp(heap, "heap") == 0);

    /* The parent writes after fork; the child keeps the old contents. */
    int pfd[2];
    if (pipe(pfd) != 0)
        exit(2);
    pid = fork();
    if (pid == 0) {
        char c;
        close(pfd[1]);
        if (read(pfd[0], &c, 1) != 0)
            _exit(2);
        _exit(p[0] == 'P' ? 0 : 1);
    }
    close(pfd[0]);
    memset(p, 'Q', len);
    close(pfd[1]);
    waitpid(pid, &st, 0);
    printf("child kept its copy after the parent wrote: %s\n", lt_status(st));
    munmap(p, len);
    free(heap);

    /* Shared anonymous: the child's writes are seen by the parent. */
    volatile int *sh = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    *sh = 1;
    pid = fork();
    if (pid == 0) {
        *sh = *sh + 41;
        _exit(0);
    }
    waitpid(pid, &st, 0);
    CHECK("MAP_SHARED|MAP_ANONYMOUS is shared across fork", *sh == 42);
    munmap((void *)sh, PAGE);

    /* A read-only mapping stays read-only in the child. */
    char *ro = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    pid = fork();
    if (pid == 0) {
        ro[0] = 1;
        _exit(0);
    }
    waitpid(pid, &st, 0);
    printf("child writing a read-only page: %s\n", lt_status(st));
    munmap(ro, PAGE);
}

int main(void)
{
    lt_init();
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sa.sa_sigaction = on_segv;
    sigaction(SIGSEGV, &sa, NULL);
    brk_tests();
    mmap_tests();
    file_map_tests();
    signal(SIGSEGV, SIG_DFL);
    fork_tests();
    return lt_done();
}
