/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the shim's fd/ (<shim/fd.h>, <shim/pipe.h>): lowest-free
 * allocation and RLIMIT_NOFILE, dup/dup2/dup3/fcntl with their errors,
 * close-on-exec across exec, sharing of descriptions across dup and fork
 * (offset, status flags) and their release exactly once; pipes: the ring
 * buffer wrapping, PIPE_BUF atomicity, EOF when writers are gone, EPIPE
 * when readers are gone, poll bits.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
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

Suite *shim_fd_suite(void)
{
    Suite *s = suite_create("shim_fd");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, fd_lowest_free_and_limit);
    tcase_add_test(tc, fd_dup_family);
    tcase_add_test(tc, fd_exec_and_fork);
    tcase_add_test(tc, pipe_basic_and_wrap);
    tcase_add_test(tc, pipe_atomicity);
    tcase_add_test(tc, pipe_eof_and_epipe);
    suite_add_tcase(s, tc);
    return s;
}
