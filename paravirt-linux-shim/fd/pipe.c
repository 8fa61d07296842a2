/* SPDX-License-Identifier: MIT */
/*
 * Pipes (see <shim/pipe.h>): a ring buffer of cap bytes, head the oldest.
 * Invariant: len <= cap; the bytes are buf[head .. head+len) modulo cap.
 */
#include <string.h>
#include <shim/linux_abi.h>
#include <shim/pipe.h>

#define MAX_RW 0x7ffff000u /* Linux MAX_RW_COUNT */

int shim_pipe_init(struct shim_pipe *p, void *buf, size_t cap)
{
    if (!buf || cap < LINUX_PIPE_BUF)
        return -LINUX_EINVAL;
    p->buf = buf;
    p->cap = cap;
    p->head = 0;
    p->len = 0;
    p->readers = 1;
    p->writers = 1;
    return 0;
}

int64_t shim_pipe_read(struct shim_pipe *p, void *dst, size_t n)
{
    if (n == 0)
        return 0;
    if (p->len == 0)
        return p->writers ? -LINUX_EAGAIN : 0;
    if (n > p->len)
        n = p->len;
    if (n > MAX_RW)
        n = MAX_RW;
    size_t first = p->cap - p->head;
    if (first > n)
        first = n;
    memcpy(dst, p->buf + p->head, first);
    memcpy((char *)dst + first, p->buf, n - first);
    p->head = (p->head + n) % p->cap;
    p->len -= n;
    if (p->len == 0)
        p->head = 0; /* keeps small messages contiguous */
    return (int64_t)n;
}

int64_t shim_pipe_write(struct shim_pipe *p, const void *src, size_t n)
{
    if (n == 0)
        return 0; /* before the reader check, as on Linux */
    if (p->readers == 0)
        return -LINUX_EPIPE;
    size_t room = p->cap - p->len;
    if (n <= LINUX_PIPE_BUF ? room < n : room == 0)
        return -LINUX_EAGAIN;
    if (n > room)
        n = room;
    if (n > MAX_RW)
        n = MAX_RW;
    size_t tail = (p->head + p->len) % p->cap;
    size_t first = p->cap - tail;
    if (first > n)
        first = n;
    memcpy(p->buf + tail, src, first);
    memcpy(p->buf, (const char *)src + first, n - first);
    p->len += n;
    return (int64_t)n;
}

unsigned shim_pipe_poll(const struct shim_pipe *p, int write_end)
{
    unsigned m = 0;
    if (!write_end) {
        if (p->len)
            m |= SHIM_PIPE_POLLIN;
        if (!p->writers)
            m |= SHIM_PIPE_POLLHUP;
    } else {
        if (p->cap - p->len >= LINUX_PIPE_BUF)
            m |= SHIM_PIPE_POLLOUT;
        if (!p->readers)
            m |= SHIM_PIPE_POLLERR;
    }
    return m;
}

size_t shim_pipe_available(const struct shim_pipe *p)
{
    return p->len;
}
