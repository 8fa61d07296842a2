/* SPDX-License-Identifier: MIT */
/*
 * A pipe: a ring buffer with a count of readers and writers, and Linux's
 * rules (pipe(7)).
 *
 * Interface: shim_pipe_read() and shim_pipe_write() move what they can and
 * never block; -LINUX_EAGAIN means "would block", and the shim either
 * returns it (O_NONBLOCK) or parks the calling thread and retries when the
 * other side has moved (shim_pipe_poll() tells which side can). The rules:
 *  - a read of an empty pipe with no writer left is end of file (0);
 *  - a write with no reader left fails with EPIPE (the caller also sends
 *    SIGPIPE);
 *  - a write of at most LINUX_PIPE_BUF bytes is atomic: all of it goes in
 *    at once or (EAGAIN) nothing does; a larger write takes what fits and
 *    may be interleaved with other writers.
 * The buffer is the caller's (a page of the compartment, say). Pure.
 * See docs/linux/fd.md.
 */
#ifndef SHIM_PIPE_H
#define SHIM_PIPE_H

#include <stddef.h>
#include <stdint.h>

#define SHIM_PIPE_POLLIN  0x001
#define SHIM_PIPE_POLLOUT 0x004
#define SHIM_PIPE_POLLERR 0x008
#define SHIM_PIPE_POLLHUP 0x010

struct shim_pipe {
    unsigned char *buf;
    size_t cap;  /* bytes of buf; at least LINUX_PIPE_BUF */
    size_t head; /* the oldest byte */
    size_t len;  /* bytes held */
    unsigned readers, writers;
};

/* A pipe with one reader and one writer (the two ends pipe2() makes). */
int shim_pipe_init(struct shim_pipe *p, void *buf, size_t cap);
int64_t shim_pipe_read(struct shim_pipe *p, void *dst, size_t n);
int64_t shim_pipe_write(struct shim_pipe *p, const void *src, size_t n);
/* POLLIN/POLLHUP for the read end, POLLOUT/POLLERR for the write end. */
unsigned shim_pipe_poll(const struct shim_pipe *p, int write_end);
/* FIONREAD: bytes waiting. */
size_t shim_pipe_available(const struct shim_pipe *p);

#endif
