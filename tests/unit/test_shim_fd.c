/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the shim's fd/ (<shim/fd.h>, <shim/pipe.h>): lowest-free
 * allocation and RLIMIT_NOFILE, dup/dup2/dup3/fcntl with their errors,
 * close-on-exec across exec, sharing of descriptions across dup and fork
 * (offset, status flags) and their release exactly once; pipes: the ring
 * buffer wrapping, PIPE_BUF atomicity, EOF when writers are gone, EPIPE
 * when readers are gone, poll bits. The host's Linux is the oracle of the
 * descriptor calls: the same random sequence of open, dup, dup2, dup3,
 * fcntl, close and setrlimit runs on real descriptors and on a table, and
 * every result must be the same.
 */
#define _GNU_SOURCE
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <shim/fd.h>
#include <shim/linux_abi.h>
#include <shim/pipe.h>
#include "suites.h"

static int released;
static void count_release(struct shim_file *f)
{
    released++;
    f->priv = NULL;
}
static const struct shim_file_ops counting = {count_release};

static struct shim_fdtable *table(void)
{
    struct shim_fdtable *t = malloc(sizeof *t);
    shim_fd_init(t);
    released = 0;
    return t;
}

START_TEST(fd_lowest_free_and_limit)
{
    struct shim_fdtable *t = table();
    struct shim_file f;
    shim_file_init(&f, &counting, &f, LINUX_O_RDWR | LINUX_O_CLOEXEC);
    ck_assert_uint_eq(f.flags, LINUX_O_RDWR); /* O_CLOEXEC is the descriptor's */
    ck_assert_int_eq(shim_fd_install(t, &f, 0, 0), 0);
    ck_assert_int_eq(shim_fd_install(t, &f, 0, 0), 1);
    ck_assert_int_eq(shim_fd_install(t, &f, 0, 0), 2);
    ck_assert_int_eq(shim_fd_install(t, &f, 10, 0), 10);
    ck_assert_int_eq(shim_fd_close(t, 1), 0);
    ck_assert_int_eq(shim_fd_install(t, &f, 0, 0), 1); /* the lowest free again */
    ck_assert_int_eq(shim_fd_install(t, &f, 0, 0), 3);
    ck_assert_int_eq(shim_fd_install(t, &f, -1, 0), -LINUX_EINVAL);
    ck_assert_uint_eq(f.refs, 1 + 5); /* the creator's and the five slots' */
    ck_assert_uint_eq(t->used, 5);
    /* RLIMIT_NOFILE */
    ck_assert_int_eq(shim_fd_set_nofile(t, 5), 0);
    ck_assert_int_eq(shim_fd_install(t, &f, 0, 0), 4);
    ck_assert_int_eq(shim_fd_install(t, &f, 0, 0), -LINUX_EMFILE);
    ck_assert_ptr_eq(shim_fd_get(t, 10), &f); /* above the new limit: still open */
    ck_assert_int_eq(shim_fd_set_nofile(t, SHIM_FD_TABLE_SIZE + 1), -LINUX_EPERM);
    ck_assert_int_eq(shim_fd_set_nofile(t, SHIM_FD_TABLE_SIZE), 0);
    for (int i = 5; i < SHIM_FD_TABLE_SIZE; i++)
        if (i != 10)
            ck_assert_int_eq(shim_fd_install(t, &f, 0, 0), i);
    ck_assert_int_eq(shim_fd_install(t, &f, 0, 0), -LINUX_EMFILE);
    ck_assert_int_eq(shim_fd_set_nofile(t, 0), 0);
    ck_assert_int_eq(shim_fd_close(t, 0), 0);
    ck_assert_int_eq(shim_fd_install(t, &f, 0, 0), -LINUX_EMFILE);
    /* closing */
    ck_assert_int_eq(shim_fd_close(t, 0), -LINUX_EBADF);
    ck_assert_int_eq(shim_fd_close(t, -1), -LINUX_EBADF);
    ck_assert_int_eq(shim_fd_close(t, SHIM_FD_TABLE_SIZE), -LINUX_EBADF);
    ck_assert_int_eq(shim_fd_close(t, 1 << 30), -LINUX_EBADF);
    ck_assert_ptr_null(shim_fd_get(t, -5));
    shim_fd_close_all(t);
    ck_assert_uint_eq(t->used, 0);
    ck_assert_int_eq(released, 0); /* the creator still holds it */
    shim_file_put(&f);
    ck_assert_int_eq(released, 1);
    free(t);
}
END_TEST

START_TEST(fd_dup_family)
{
    struct shim_fdtable *t = table();
    struct shim_file a, b;
    shim_file_init(&a, &counting, &a, LINUX_O_RDONLY);
    shim_file_init(&b, &counting, &b, LINUX_O_WRONLY);
    ck_assert_int_eq(shim_fd_install(t, &a, 0, 1), 0);
    ck_assert_int_eq(shim_fd_install(t, &b, 0, 0), 1);
    shim_file_put(&a); /* the table holds them alone now */
    shim_file_put(&b);
    /* dup: lowest free, close-on-exec cleared, the description shared */
    ck_assert_int_eq(shim_fd_dup(t, 0), 2);
    ck_assert_ptr_eq(shim_fd_get(t, 2), &a);
    ck_assert_int_eq(shim_fd_fcntl(t, 0, SHIM_F_GETFD, 0), LINUX_FD_CLOEXEC);
    ck_assert_int_eq(shim_fd_fcntl(t, 2, SHIM_F_GETFD, 0), 0);
    shim_fd_get(t, 2)->offset = 77;
    ck_assert_uint_eq(shim_fd_get(t, 0)->offset, 77);
    ck_assert_int_eq(shim_fd_dup(t, 9), -LINUX_EBADF);
    /* dup2: replaces silently; same fd is a no-op that keeps the flag */
    ck_assert_int_eq(shim_fd_dup2(t, 0, 1), 1);
    ck_assert_int_eq(released, 1); /* b's last reference went */
    ck_assert_ptr_eq(shim_fd_get(t, 1), &a);
    ck_assert_int_eq(shim_fd_dup2(t, 0, 0), 0);
    ck_assert_int_eq(shim_fd_fcntl(t, 0, SHIM_F_GETFD, 0), LINUX_FD_CLOEXEC);
    ck_assert_int_eq(shim_fd_dup2(t, 5, 5), -LINUX_EBADF);
    ck_assert_int_eq(shim_fd_dup2(t, 5, 6), -LINUX_EBADF);
    ck_assert_int_eq(shim_fd_dup2(t, 0, -1), -LINUX_EBADF);
    ck_assert_int_eq(shim_fd_dup2(t, 0, SHIM_FD_TABLE_SIZE), -LINUX_EBADF);
    ck_assert_int_eq(shim_fd_dup2(t, 0, 100), 100);
    /* dup3 */
    ck_assert_int_eq(shim_fd_dup3(t, 0, 0, 0), -LINUX_EINVAL);
    ck_assert_int_eq(shim_fd_dup3(t, 0, 7, LINUX_O_NONBLOCK), -LINUX_EINVAL);
    ck_assert_int_eq(shim_fd_dup3(t, 8, 7, 0), -LINUX_EBADF);
    ck_assert_int_eq(shim_fd_dup3(t, 0, 7, LINUX_O_CLOEXEC), 7);
    ck_assert_int_eq(shim_fd_fcntl(t, 7, SHIM_F_GETFD, 0), LINUX_FD_CLOEXEC);
    /* fcntl F_DUPFD* */
    ck_assert_int_eq(shim_fd_fcntl(t, 0, SHIM_F_DUPFD, 5), 5);
    ck_assert_int_eq(shim_fd_fcntl(t, 0, SHIM_F_DUPFD_CLOEXEC, 5), 6);
    ck_assert_int_eq(shim_fd_fcntl(t, 6, SHIM_F_GETFD, 0), LINUX_FD_CLOEXEC);
    ck_assert_int_eq(shim_fd_fcntl(t, 0, SHIM_F_DUPFD, SHIM_FD_TABLE_SIZE), -LINUX_EINVAL);
    ck_assert_int_eq(shim_fd_fcntl(t, 0, SHIM_F_DUPFD, (uint64_t)-1), -LINUX_EINVAL);
    ck_assert_int_eq(shim_fd_fcntl(t, 42, SHIM_F_GETFD, 0), -LINUX_EBADF);
    ck_assert_int_eq(shim_fd_fcntl(t, 0, 9999, 0), -LINUX_EINVAL);
    /* F_SETFL changes O_APPEND and O_NONBLOCK only, for every sharer */
    ck_assert_int_eq(
        shim_fd_fcntl(t, 0, SHIM_F_SETFL,
                      LINUX_O_NONBLOCK | LINUX_O_APPEND | LINUX_O_WRONLY | LINUX_O_CREAT),
        0);
    ck_assert_int_eq(shim_fd_fcntl(t, 2, SHIM_F_GETFL, 0),
                     LINUX_O_RDONLY | LINUX_O_NONBLOCK | LINUX_O_APPEND);
    ck_assert_int_eq(shim_fd_fcntl(t, 0, SHIM_F_SETFD, 0), 0);
    ck_assert_int_eq(shim_fd_fcntl(t, 0, SHIM_F_GETFD, 0), 0);
    shim_fd_close_all(t);
    ck_assert_int_eq(released, 2);
    free(t);
}
END_TEST

START_TEST(fd_exec_and_fork)
{
    struct shim_fdtable *t = table(), *child = malloc(sizeof *child);
    struct shim_file a, b;
    shim_file_init(&a, &counting, &a, LINUX_O_RDWR);
    shim_file_init(&b, &counting, &b, LINUX_O_RDWR);
    ck_assert_int_eq(shim_fd_install(t, &a, 0, 0), 0);
    ck_assert_int_eq(shim_fd_install(t, &b, 0, 1), 1);
    shim_file_put(&a);
    shim_file_put(&b);
    ck_assert_int_eq(shim_fd_set_nofile(t, 64), 0);
    shim_fd_fork(child, t);
    ck_assert_uint_eq(child->nofile, 64);
    ck_assert_ptr_eq(shim_fd_get(child, 1), &b);
    ck_assert_uint_eq(b.refs, 2);
    ck_assert_int_eq(shim_fd_fcntl(child, 1, SHIM_F_GETFD, 0), LINUX_FD_CLOEXEC);
    /* the child execs: its close-on-exec descriptor goes, the parent's stays */
    shim_fd_exec(child);
    ck_assert_ptr_null(shim_fd_get(child, 1));
    ck_assert_ptr_eq(shim_fd_get(child, 0), &a);
    ck_assert_ptr_eq(shim_fd_get(t, 1), &b);
    ck_assert_int_eq(released, 0);
    shim_fd_close_all(t);
    ck_assert_int_eq(released, 1); /* b */
    shim_fd_close_all(child);
    ck_assert_int_eq(released, 2); /* a */
    free(t);
    free(child);
}
END_TEST

START_TEST(pipe_basic_and_wrap)
{
    unsigned char buf[LINUX_PIPE_BUF + 100];
    struct shim_pipe p;
    ck_assert_int_eq(shim_pipe_init(&p, buf, LINUX_PIPE_BUF - 1), -LINUX_EINVAL);
    ck_assert_int_eq(shim_pipe_init(&p, NULL, sizeof buf), -LINUX_EINVAL);
    ck_assert_int_eq(shim_pipe_init(&p, buf, sizeof buf), 0);
    char out[sizeof buf * 2];
    ck_assert_int_eq(shim_pipe_read(&p, out, 10), -LINUX_EAGAIN); /* empty, writer there */
    ck_assert_int_eq(shim_pipe_read(&p, out, 0), 0);
    ck_assert_uint_eq(shim_pipe_poll(&p, 0), 0);
    ck_assert_uint_eq(shim_pipe_poll(&p, 1), SHIM_PIPE_POLLOUT);
    /* fill and drain around the end of the ring many times */
    unsigned char next = 0, expect = 0;
    for (int round = 0; round < 200; round++) {
        unsigned char chunk[1000];
        size_t n = 1 + (size_t)(round * 37) % sizeof chunk;
        for (size_t i = 0; i < n; i++)
            chunk[i] = next++;
        ck_assert_int_eq(shim_pipe_write(&p, chunk, n), (int64_t)n);
        ck_assert_uint_eq(shim_pipe_available(&p), n);
        ck_assert_uint_eq(shim_pipe_poll(&p, 0), SHIM_PIPE_POLLIN);
        size_t got = 0;
        while (got < n) {
            int64_t r = shim_pipe_read(&p, out, 1 + (size_t)round % 300);
            ck_assert_int_gt(r, 0);
            for (int64_t i = 0; i < r; i++)
                ck_assert_uint_eq((unsigned char)out[i], expect++);
            got += (size_t)r;
        }
    }
}
END_TEST

START_TEST(pipe_atomicity)
{
    unsigned char buf[2 * LINUX_PIPE_BUF];
    static char data[3 * LINUX_PIPE_BUF];
    char out[sizeof data];
    struct shim_pipe p;
    ck_assert_int_eq(shim_pipe_init(&p, buf, sizeof buf), 0);
    memset(data, 'a', sizeof data);
    ck_assert_int_eq(shim_pipe_write(&p, data, LINUX_PIPE_BUF + 100), LINUX_PIPE_BUF + 100);
    /* room is PIPE_BUF - 100: a PIPE_BUF write is all or nothing */
    ck_assert_int_eq(shim_pipe_write(&p, data, LINUX_PIPE_BUF), -LINUX_EAGAIN);
    ck_assert_uint_eq(shim_pipe_available(&p), LINUX_PIPE_BUF + 100);
    ck_assert_uint_eq(shim_pipe_poll(&p, 1), 0); /* less than PIPE_BUF free */
    /* a small write that fits goes in whole */
    ck_assert_int_eq(shim_pipe_write(&p, data, 50), 50);
    /* a write above PIPE_BUF takes what fits */
    ck_assert_int_eq(shim_pipe_write(&p, data, sizeof data), LINUX_PIPE_BUF - 150);
    ck_assert_uint_eq(shim_pipe_available(&p), sizeof buf);
    ck_assert_int_eq(shim_pipe_write(&p, data, sizeof data), -LINUX_EAGAIN);
    ck_assert_int_eq(shim_pipe_write(&p, data, 1), -LINUX_EAGAIN);
    ck_assert_int_eq(shim_pipe_read(&p, out, sizeof out), (int64_t)sizeof buf);
}
END_TEST

START_TEST(pipe_eof_and_epipe)
{
    unsigned char buf[LINUX_PIPE_BUF];
    char out[16];
    struct shim_pipe p;
    ck_assert_int_eq(shim_pipe_init(&p, buf, sizeof buf), 0);
    ck_assert_int_eq(shim_pipe_write(&p, "bye", 3), 3);
    p.writers = 0;
    /* what was written is still read, then end of file */
    ck_assert_uint_eq(shim_pipe_poll(&p, 0), SHIM_PIPE_POLLIN | SHIM_PIPE_POLLHUP);
    ck_assert_int_eq(shim_pipe_read(&p, out, sizeof out), 3);
    ck_assert_int_eq(shim_pipe_read(&p, out, sizeof out), 0);
    ck_assert_uint_eq(shim_pipe_poll(&p, 0), SHIM_PIPE_POLLHUP);
    /* no reader: EPIPE, except for an empty write */
    p.writers = 1;
    p.readers = 0;
    ck_assert_int_eq(shim_pipe_write(&p, "x", 1), -LINUX_EPIPE);
    ck_assert_int_eq(shim_pipe_write(&p, "x", 0), 0);
    ck_assert_uint_eq(shim_pipe_poll(&p, 1), SHIM_PIPE_POLLOUT | SHIM_PIPE_POLLERR);
}
END_TEST

/* ---- The host's Linux as the oracle -------------------------------------- */

enum op {
    OP_OPEN,
    OP_DUP,
    OP_DUP2,
    OP_DUP3,
    OP_DUPFD,
    OP_DUPFD_CLOEXEC,
    OP_GETFD,
    OP_SETFD,
    OP_GETFL,
    OP_SETFL,
    OP_CLOSE,
    OP_NOFILE,
    OP_COUNT
};

struct step {
    int op, a, b, c;
};

#define STEPS       4000
#define HOST_NOFILE 64

static int pick_fd(void)
{
    int r = rand() % 20;
    if (r == 0)
        return -1 - rand() % 3;
    if (r == 1)
        return HOST_NOFILE + rand() % 3 - 1;
    if (r == 2)
        return 1 << 20;
    return rand() % 24;
}

static const int open_flags[] = {0, LINUX_O_CLOEXEC, LINUX_O_NONBLOCK, LINUX_O_APPEND | 01,
                                 LINUX_O_CREAT};

/* Runs one step on real descriptors: the result or -errno. */
static long host_step(const struct step *s)
{
    long r = 0;
    switch (s->op) {
    case OP_OPEN:
        r = open("/dev/null", O_RDWR | (s->a ? O_CLOEXEC : 0));
        break;
    case OP_DUP:
        r = dup(s->a);
        break;
    case OP_DUP2:
        r = dup2(s->a, s->b);
        break;
    case OP_DUP3:
        r = dup3(s->a, s->b, open_flags[s->c]);
        break;
    case OP_DUPFD:
        r = fcntl(s->a, F_DUPFD, s->b);
        break;
    case OP_DUPFD_CLOEXEC:
        r = fcntl(s->a, F_DUPFD_CLOEXEC, s->b);
        break;
    case OP_GETFD:
        r = fcntl(s->a, F_GETFD);
        break;
    case OP_SETFD:
        r = fcntl(s->a, F_SETFD, s->b & 3);
        break;
    case OP_GETFL:
        r = fcntl(s->a, F_GETFL);
        if (r >= 0)
            r &= ~0100000L;
        break; /* O_LARGEFILE */
    case OP_SETFL:
        r = fcntl(s->a, F_SETFL, open_flags[s->c]);
        break;
    case OP_CLOSE:
        r = close(s->a);
        break;
    case OP_NOFILE: {
        struct rlimit rl = {(rlim_t)s->a, HOST_NOFILE};
        r = setrlimit(RLIMIT_NOFILE, &rl);
        break;
    }
    }
    return r < 0 ? -errno : r;
}

static struct shim_file pool[STEPS];
static unsigned pool_used;
static const struct shim_file_ops plain = {NULL};

static long shim_step(struct shim_fdtable *t, const struct step *s)
{
    switch (s->op) {
    case OP_OPEN: {
        struct shim_file *f = &pool[pool_used++];
        shim_file_init(f, &plain, NULL, LINUX_O_RDWR);
        int fd = shim_fd_install(t, f, 0, s->a);
        shim_file_put(f);
        return fd == -LINUX_EMFILE ? -LINUX_EMFILE : fd;
    }
    case OP_DUP:
        return shim_fd_dup(t, s->a);
    case OP_DUP2:
        return shim_fd_dup2(t, s->a, s->b);
    case OP_DUP3:
        return shim_fd_dup3(t, s->a, s->b, (uint32_t)open_flags[s->c]);
    case OP_DUPFD:
        return shim_fd_fcntl(t, s->a, SHIM_F_DUPFD, (uint64_t)(int64_t)s->b);
    case OP_DUPFD_CLOEXEC:
        return shim_fd_fcntl(t, s->a, SHIM_F_DUPFD_CLOEXEC, (uint64_t)(int64_t)s->b);
    case OP_GETFD:
        return shim_fd_fcntl(t, s->a, SHIM_F_GETFD, 0);
    case OP_SETFD:
        return shim_fd_fcntl(t, s->a, SHIM_F_SETFD, (uint64_t)(s->b & 3));
    case OP_GETFL:
        return shim_fd_fcntl(t, s->a, SHIM_F_GETFL, 0);
    case OP_SETFL:
        return shim_fd_fcntl(t, s->a, SHIM_F_SETFL, (uint64_t)open_flags[s->c]);
    case OP_CLOSE:
        return shim_fd_close(t, s->a);
    case OP_NOFILE:
        return shim_fd_set_nofile(t, (uint64_t)s->a);
    }
    return 0;
}

START_TEST(fd_matches_linux)
{
    static struct step steps[STEPS];
    srand(777 + (unsigned)_i); /* a few seeds: one per loop iteration */
    for (int i = 0; i < STEPS; i++) {
        struct step *s = &steps[i];
        s->op = rand() % OP_COUNT;
        if (s->op == OP_OPEN && rand() % 3)
            s->op = OP_OPEN; /* opens keep the table busy */
        s->a = s->op == OP_OPEN     ? rand() % 2
               : s->op == OP_NOFILE ? 8 + rand() % (HOST_NOFILE - 7)
                                    : pick_fd();
        s->b = pick_fd();
        s->c = rand() % (int)(sizeof open_flags / sizeof open_flags[0]);
    }
    /* the host side runs in a child with no descriptor open and a hard
     * limit of HOST_NOFILE; results come back through shared memory */
    long *host =
        mmap(NULL, STEPS * sizeof(long), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    ck_assert_ptr_ne(host, MAP_FAILED);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        struct rlimit rl = {HOST_NOFILE, HOST_NOFILE};
        if (setrlimit(RLIMIT_NOFILE, &rl))
            _exit(2);
        for (int fd = 0; fd < 1024; fd++)
            close(fd);
        for (int i = 0; i < STEPS; i++)
            host[i] = host_step(&steps[i]);
        _exit(0);
    }
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert_int_eq(status, 0);

    struct shim_fdtable *t = table();
    ck_assert_int_eq(shim_fd_set_nofile(t, HOST_NOFILE), 0);
    pool_used = 0;
    for (int i = 0; i < STEPS; i++) {
        long mine = shim_step(t, &steps[i]);
        ck_assert_msg(mine == host[i], "step %d (op %d, %d, %d, %d): shim %ld, Linux %ld", i,
                      steps[i].op, steps[i].a, steps[i].b, steps[i].c, mine, host[i]);
    }
    shim_fd_close_all(t);
    free(t);
}
END_TEST

Suite *shim_fd_suite(void)
{
    Suite *s = suite_create("shim_fd");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, fd_lowest_free_and_limit);
    tcase_add_test(tc, fd_dup_family);
    tcase_add_test(tc, fd_exec_and_fork);
    tcase_add_loop_test(tc, fd_matches_linux, 0, 4);
    tcase_add_test(tc, pipe_basic_and_wrap);
    tcase_add_test(tc, pipe_atomicity);
    tcase_add_test(tc, pipe_eof_and_epipe);
    suite_add_tcase(s, tc);
    return s;
}
