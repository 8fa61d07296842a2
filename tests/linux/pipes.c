/* SPDX-License-Identifier: MIT */
/*
 * pipes: pipe2 and its flags, end of file and EPIPE, non-blocking reads
 * and writes, the capacity, atomic writes of up to PIPE_BUF bytes from
 * several writers, a 1 MiB transfer between processes, FIONREAD, dup,
 * dup2, dup3 and the offset a duplicate shares, and close's errors.
 */
#include "lt.h"

#include <fcntl.h>
#include <limits.h>
#include <sys/ioctl.h>
#include <sys/sendfile.h>
#include <time.h>
#include <sys/syscall.h>

static void basic_tests(void)
{
    int p[2];
    CHECK_OK("pipe2(O_CLOEXEC)", pipe2(p, O_CLOEXEC));
    CHECK("both ends FD_CLOEXEC",
          fcntl(p[0], F_GETFD) == FD_CLOEXEC && fcntl(p[1], F_GETFD) == FD_CLOEXEC);
    CHECK("read end O_RDONLY, write end O_WRONLY",
          (fcntl(p[0], F_GETFL) & O_ACCMODE) == O_RDONLY &&
              (fcntl(p[1], F_GETFL) & O_ACCMODE) == O_WRONLY);
    CHECK("write 5", write(p[1], "hello", 5) == 5);
    int avail = -1;
    CHECK("FIONREAD says 5", ioctl(p[0], FIONREAD, &avail) == 0 && avail == 5);
    char b[16];
    CHECK("read 3 of 5", read(p[0], b, 3) == 3 && memcmp(b, "hel", 3) == 0);
    CHECK("read the rest", read(p[0], b, 16) == 2 && memcmp(b, "lo", 2) == 0);
    CHECK_ERR("lseek on a pipe", lseek(p[0], 0, SEEK_SET), ESPIPE);
    CHECK_ERR("write to the read end", write(p[0], "x", 1), EBADF);
    CHECK_ERR("read from the write end", read(p[1], b, 1), EBADF);
    close(p[1]);
    CHECK("read after the writer closed: end of file", read(p[0], b, 16) == 0);
    close(p[0]);
    CHECK_ERR("pipe2 with a bad flag", pipe2(p, 0x1), EINVAL);

    CHECK_OK("pipe2(O_NONBLOCK)", pipe2(p, O_NONBLOCK));
    CHECK_ERR("non-blocking read of an empty pipe", read(p[0], b, 1), EAGAIN);
    char chunk[4096];
    memset(chunk, 'c', sizeof chunk);
    long total = 0;
    ssize_t n;
    while ((n = write(p[1], chunk, sizeof chunk)) > 0)
        total += n;
    CHECK("filling stops with EAGAIN", n == -1 && errno == EAGAIN);
    CHECK("capacity is at least 4096 bytes", total >= 4096);
    CHECK_ERR("a further PIPE_BUF write does not fit", write(p[1], chunk, 1), EAGAIN);
    CHECK("draining gives back every byte", ({
              long got = 0;
              while ((n = read(p[0], chunk, sizeof chunk)) > 0)
                  got += n;
              got == total;
          }));
    close(p[0]);
    close(p[1]);
}

static void transfer_tests(void)
{
    /* 1 MiB through a pipe between two processes, checksummed. */
    int p[2];
    if (pipe(p) != 0)
        exit(2);
    pid_t pid = fork();
    if (pid == 0) {
        close(p[0]);
        static unsigned char buf[1 << 20];
        for (size_t i = 0; i < sizeof buf; i++)
            buf[i] = (unsigned char)(i * 31 + (i >> 8));
        size_t off = 0;
        while (off < sizeof buf) {
            size_t len = 1000 + off % 7000;
            if (len > sizeof buf - off)
                len = sizeof buf - off;
            ssize_t w = write(p[1], buf + off, len);
            if (w <= 0)
                _exit(1);
            off += (size_t)w;
        }
        _exit(0);
    }
    close(p[1]);
    unsigned long sum = 0, count = 0;
    unsigned char b[3000];
    ssize_t n;
    while ((n = read(p[0], b, sizeof b)) > 0) {
        for (ssize_t i = 0; i < n; i++, count++)
            sum += b[i] ^ (unsigned char)(count * 31 + (count >> 8));
    }
    close(p[0]);
    int st;
    waitpid(pid, &st, 0);
    printf("1 MiB transfer: bytes=%lu mismatches=%lu writer %s\n", count, sum, lt_status(st));

    /* Writes of PIPE_BUF bytes from 4 writers never interleave. */
    if (pipe(p) != 0)
        exit(2);
    for (int w = 0; w < 4; w++) {
        if (fork() == 0) {
            char rec[PIPE_BUF];
            memset(rec, 'A' + w, sizeof rec);
            for (int i = 0; i < 16; i++)
                if (write(p[1], rec, sizeof rec) != (ssize_t)sizeof rec)
                    _exit(1);
            _exit(0);
        }
    }
    close(p[1]);
    char rec[PIPE_BUF];
    int records = 0, torn = 0;
    for (;;) {
        size_t got = 0;
        while (got < sizeof rec && (n = read(p[0], rec + got, sizeof rec - got)) > 0)
            got += (size_t)n;
        if (got == 0)
            break;
        records++;
        for (size_t i = 1; i < got; i++)
            torn |= rec[i] != rec[0];
        torn |= got != sizeof rec;
    }
    close(p[0]);
    while (wait(NULL) > 0) {
    }
    printf("atomic writes: records=%d torn=%d\n", records, torn);
}

static void dup_tests(void)
{
    char dir[64];
    lt_tmpdir(dir, sizeof dir);
    int fd = open("f", O_CREAT | O_RDWR | O_TRUNC, 0644);
    CHECK("write 6", write(fd, "abcdef", 6) == 6);
    int d = dup(fd);
    CHECK("dup gives the lowest free fd", d > fd);
    lseek(fd, 2, SEEK_SET);
    CHECK("a duplicate shares the offset", lseek(d, 0, SEEK_CUR) == 2);
    CHECK("dup2 to 50", dup2(fd, 50) == 50);
    CHECK("dup2 to itself returns it", dup2(fd, fd) == fd);
    CHECK_ERR("dup3 to itself", dup3(fd, fd, 0), EINVAL);
    CHECK_ERR("dup3 with a bad flag (raw)", syscall(SYS_dup3, fd, 51, 0x4), EINVAL);
    CHECK("dup3 O_CLOEXEC", dup3(fd, 51, O_CLOEXEC) == 51 && fcntl(51, F_GETFD) == FD_CLOEXEC);
    CHECK("dup2 clears FD_CLOEXEC", dup2(fd, 51) == 51 && fcntl(51, F_GETFD) == 0);
    CHECK_ERR("dup of a closed fd", dup(77), EBADF);
    CHECK_ERR("dup2 from a closed fd", dup2(77, 78), EBADF);
    CHECK_ERR("dup2 to a negative fd", dup2(fd, -1), EBADF);
    /* Closing one duplicate leaves the file open through the others. */
    close(fd);
    char b[4] = {0};
    CHECK("the duplicate still reads", read(50, b, 2) == 2 && memcmp(b, "cd", 2) == 0);
    /* stdout redirected: a child's output to fd 1 goes into a file. */
    int saved = dup(1);
    int out = open("out", O_CREAT | O_WRONLY | O_TRUNC, 0644);
    dup2(out, 1);
    close(out);
    pid_t pid = fork();
    if (pid == 0) {
        printf("into the file\n");
        _exit(0);
    }
    waitpid(pid, NULL, 0);
    dup2(saved, 1);
    close(saved);
    char got[32] = {0};
    int in = open("out", O_RDONLY);
    CHECK("redirected output landed in the file",
          read(in, got, sizeof got - 1) == 14 && strcmp(got, "into the file\n") == 0);
    close(in);
    close(d);
    close(50);
    close(51);
    CHECK_ERR("close a closed fd", close(50), EBADF);
    CHECK_ERR("close(-1)", close(-1), EBADF);
    unlink("f");
    unlink("out");
    if (chdir("/") == 0)
        rmdir(dir);
    /* The lowest free descriptor is reused. */
    int a = open("/dev/null", O_RDONLY);
    int b2 = open("/dev/null", O_RDONLY);
    close(a);
    CHECK("open reuses the lowest free fd", open("/dev/null", O_RDONLY) == a);
    close(a);
    close(b2);
}

/* sendfile of a file several times a pipe's size to a reader that starts
 * late: every call blocks for room (never EAGAIN on a blocking pipe), the
 * file offset moves by what went out, and the reader gets each byte once. */
static void sendfile_tests(void)
{
    char dir[64];
    lt_tmpdir(dir, sizeof dir);
    int fd = open("big", O_CREAT | O_RDWR | O_TRUNC, 0600);
    static char block[4096];
    unsigned sum = 0;
    for (int i = 0; i < 75; i++) { /* 300 KiB */
        for (size_t k = 0; k < sizeof block; k++)
            block[k] = (char)(i * 31 + k);
        for (size_t k = 0; k < sizeof block; k++)
            sum += (unsigned char)block[k];
        if (write(fd, block, sizeof block) != (ssize_t)sizeof block)
            exit(2);
    }
    lseek(fd, 0, SEEK_SET);
    int p[2];
    if (pipe(p) != 0)
        exit(2);
    pid_t c = fork();
    if (c == 0) {
        close(p[1]);
        struct timespec d = {0, 100000000};
        nanosleep(&d, NULL); /* the writer fills the pipe and waits */
        unsigned s = 0;
        long total = 0;
        ssize_t n;
        while ((n = read(p[0], block, sizeof block)) > 0) {
            total += n;
            for (ssize_t k = 0; k < n; k++)
                s += (unsigned char)block[k];
        }
        _exit(total == 75 * 4096 && s == sum ? 0 : 1);
    }
    close(p[0]);
    long sent = 0;
    int eagain = 0;
    for (;;) {
        ssize_t r = sendfile(p[1], fd, NULL, 1 << 20);
        if (r < 0) {
            eagain += errno == EAGAIN;
            break;
        }
        if (r == 0)
            break;
        sent += r;
    }
    close(p[1]);
    int st;
    waitpid(c, &st, 0);
    CHECK("sendfile into a pipe: the whole file, no EAGAIN on a blocking pipe",
          sent == 75 * 4096 && !eagain);
    CHECK("sendfile moved the file offset by what it sent", lseek(fd, 0, SEEK_CUR) == sent);
    printf("a late reader got every byte once: %s\n", lt_status(st));
    close(fd);
    unlink("big");
    if (chdir("/") == 0)
        rmdir(dir);
}

int main(void)
{
    lt_init();
    basic_tests();
    transfer_tests();
    dup_tests();
    sendfile_tests();
    return lt_done();
}
