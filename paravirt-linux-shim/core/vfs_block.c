/* SPDX-License-Identifier: MIT */
/*
 * Blocking on files (docs/linux/kernel.md, "Files and blocking"): pipes,
 * the readers and writers parked on a pipe or the terminal, poll and its
 * timeout. A call that would block keeps its Reply object and is tried
 * again whenever what it waits for moves.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <l4/platform.h>
#include <l4/rt.h>
#include <shim/linux_abi.h>
#include "vfs_internal.h"

static long poll_now(struct process *p, uint64_t ufds, uint64_t n);

/* --- Pipes and the processes parked on them ------------------------------------ */

/* A read or write that would block parks its process: its reply is kept
 * and the operation is tried again whenever the pipe moves. */
struct waiter {
    bool used;
    int pid;
    long fd;
    uint64_t buf, n;
    bool write;
    l4_word_t reply;
    struct vpipe *pipe;
    bool poll;         /* a poll: buf is its pollfd array, n their number */
    uint64_t deadline; /* a poll's timeout on the PV clock (0: none) */
};

static struct waiter waiters[SHIM_MAX_PROCS];

/* A read of the terminal: what the line discipline gives, -EAGAIN if
 * nothing yet. */
long vfs_tty_io(struct process *p, uint64_t buf, uint64_t n)
{
    char chunk[SHIM_TTY_BUF];
    if (n > sizeof chunk)
        n = sizeof chunk;
    int64_t r =
        shim.host ? host_read(chunk, (size_t)n) : shim_tty_read(&shim_tty, chunk, (size_t)n, 0);
    if (r > 0 && mm_copy_out(&p->mm, buf, chunk, (size_t)r) != 0)
        return -LINUX_EFAULT;
    return (long)r;
}

/* Move what can move between the process and the pipe; -EAGAIN if nothing. */
long vfs_pipe_io(struct process *p, struct vpipe *vp, uint64_t buf, uint64_t n, bool write)
{
    char chunk[1024];
    uint64_t done = 0;
    while (done < n) {
        size_t k = n - done < sizeof chunk ? (size_t)(n - done) : sizeof chunk;
        int64_t r;
        if (write) {
            if (mm_copy_in(&p->mm, chunk, buf + done, k) != 0)
                return done ? (long)done : -LINUX_EFAULT;
            r = shim_pipe_write(&vp->pipe, chunk, k);
        } else {
            r = shim_pipe_read(&vp->pipe, chunk, k);
            if (r > 0 && mm_copy_out(&p->mm, buf + done, chunk, (size_t)r) != 0)
                return done ? (long)done : -LINUX_EFAULT;
        }
        if (r < 0)
            return done ? (long)done : (long)r;
        if (r == 0)
            break;
        done += (uint64_t)r;
        if ((size_t)r < k)
            break;
    }
    return (long)done;
}

void vfs_wake_pipe(struct vpipe *vp)
{
    bool moved = true;
    while (moved) {
        moved = false;
        for (unsigned i = 0; i < SHIM_MAX_PROCS; i++) {
            struct waiter *w = &waiters[i];
            if (!w->used || (w->pipe != vp && !w->poll))
                continue;
            struct process *p = proc_by_pid(w->pid);
            if (!p || p->zombie) {
                w->used = false;
                continue;
            }
            long r = w->poll ? poll_now(p, w->buf, w->n)
                     : vp    ? vfs_pipe_io(p, vp, w->buf, w->n, w->write)
                             : vfs_tty_io(p, w->buf, w->n);
            if (w->poll && r == 0)
                continue;
            if (r == -LINUX_EAGAIN)
                continue;
            w->used = false;
            shim_answer(w->reply, (l4_word_t)r);
            moved = true;
        }
    }
}

/* Park p on a pipe: SHIM_BLOCKED, or -EAGAIN if no reply can be kept. */
long vfs_park(struct process *p, struct vpipe *vp, long fd, uint64_t buf, uint64_t n, bool write)
{
    for (unsigned i = 0; i < SHIM_MAX_PROCS; i++)
        if (!waiters[i].used) {
            l4_word_t r = shim_keep_reply();
            if (!r)
                return -LINUX_EAGAIN;
            waiters[i] = (struct waiter){true, p->pid, fd, buf, n, write, r, vp, false, 0};
            return SHIM_BLOCKED;
        }
    return -LINUX_EAGAIN;
}

/* The terminal's parked readers (pipe NULL), and every parked poll. */
void tty_wake(void)
{
    vfs_wake_pipe(NULL);
}

/* poll's answer now: the number of descriptors with events (each pollfd's
 * revents written), 0 if none. Terminal: readable when a read would
 * return; pipes: pipe(7)'s rules; files and directories: always ready. */
static long poll_now(struct process *p, uint64_t ufds, uint64_t n)
{
    long ready = 0;
    for (uint64_t i = 0; i < n; i++) {
        struct {
            int32_t fd;
            int16_t events, revents;
        } pfd;
        if (mm_copy_in(&p->mm, &pfd, ufds + 8 * i, 8) != 0)
            return -LINUX_EFAULT;
        int16_t rev = 0;
        if (pfd.fd >= 0) {
            struct vnode *v = vfs_vnode_of(p, pfd.fd, NULL);
            if (!v)
                rev = 0x20; /* POLLNVAL */
            else if (v->kind == V_TTY)
                rev = (int16_t)((shim_tty_readable(&shim_tty) ? 1 : 0) | 4);
            else if (v->kind >= V_HOST_IN)
                rev = v->kind == V_HOST_IN ? 0 : 4; /* input: not known without a read */
            else if (v->pipe)
                rev = (int16_t)shim_pipe_poll(&v->pipe->pipe, v->kind == V_PIPE_W);
            else
                rev = 1 | 4;
            rev &= (int16_t)(pfd.events | 0x38); /* POLLERR, POLLHUP, POLLNVAL always */
        }
        pfd.revents = rev;
        if (mm_copy_out(&p->mm, ufds + 8 * i + 6, &pfd.revents, 2) != 0)
            return -LINUX_EFAULT;
        if (rev)
            ready++;
    }
    return ready;
}

/* poll and ppoll: a timeout of 0 answers now; otherwise a poll with
 * nothing ready is parked until the terminal or a pipe moves, or its
 * timeout passes (then it answers 0: the virtual timer, main.c). */
long vfs_poll(struct process *p, uint64_t ufds, uint64_t n, long timeout_ms)
{
    if (n > SHIM_FD_TABLE_SIZE)
        return -LINUX_EINVAL;
    long r = poll_now(p, ufds, n);
    if (r != 0 || timeout_ms == 0)
        return r;
    for (unsigned i = 0; i < SHIM_MAX_PROCS; i++)
        if (!waiters[i].used) {
            l4_word_t reply = shim_keep_reply();
            if (!reply)
                return -LINUX_EAGAIN;
            uint64_t deadline =
                timeout_ms > 0 ? shim_now_ns() + (uint64_t)timeout_ms * 1000000u : 0;
            waiters[i] =
                (struct waiter){true, p->pid, -1, ufds, n, false, reply, NULL, true, deadline};
            if (deadline)
                shim_timer_changed();
            return SHIM_BLOCKED;
        }
    return -LINUX_EAGAIN;
}

void vfs_forget(struct process *p)
{
    for (unsigned i = 0; i < SHIM_MAX_PROCS; i++)
        if (waiters[i].used && waiters[i].pid == p->pid) {
            waiters[i].used = false;
            shim_release_reply(waiters[i].reply);
        }
}

long vfs_pipe2(struct process *p, uint64_t fds_out, unsigned flags)
{
    if (flags & ~(unsigned)(O_CLOEXEC | 04000))
        return -LINUX_EINVAL;
    struct vpipe *vp = calloc(1, sizeof *vp);
    if (!vp)
        return -LINUX_ENFILE;
    shim_pipe_init(&vp->pipe, vp->buf, sizeof vp->buf);
    struct shim_file *r = vfs_new_file(V_PIPE_R, NULL, LINUX_O_RDONLY | (flags & 04000));
    struct shim_file *w = vfs_new_file(V_PIPE_W, NULL, LINUX_O_WRONLY | (flags & 04000));
    if (!r || !w) {
        free(vp);
        return -LINUX_ENFILE;
    }
    ((struct vnode *)r->priv)->pipe = vp;
    ((struct vnode *)w->priv)->pipe = vp;
    vp->ends = 2;
    int cloexec = (flags & O_CLOEXEC) != 0;
    int a = shim_fd_install(p->fds, r, 0, cloexec);
    int b = a < 0 ? a : shim_fd_install(p->fds, w, 0, cloexec);
    shim_file_put(r);
    shim_file_put(w);
    if (b < 0) {
        if (a >= 0)
            (void)shim_fd_close(p->fds, a);
        return b;
    }
    int32_t pair[2] = {a, b};
    if (mm_copy_out(&p->mm, fds_out, pair, sizeof pair) != 0) {
        (void)shim_fd_close(p->fds, a);
        (void)shim_fd_close(p->fds, b);
        return -LINUX_EFAULT;
    }
    return 0;
}

/* The earliest poll timeout (0: none), and answering the polls whose
 * timeout has passed with 0. */
uint64_t vfs_next_deadline(void)
{
    uint64_t first = 0;
    for (unsigned i = 0; i < SHIM_MAX_PROCS; i++)
        if (waiters[i].used && waiters[i].deadline && (!first || waiters[i].deadline < first))
            first = waiters[i].deadline;
    return first;
}

void vfs_expire(uint64_t now)
{
    for (unsigned i = 0; i < SHIM_MAX_PROCS; i++) {
        struct waiter *w = &waiters[i];
        if (!w->used || !w->deadline || w->deadline > now)
            continue;
        w->used = false;
        struct process *p = proc_by_pid(w->pid);
        long r = p && !p->zombie ? poll_now(p, w->buf, w->n) : 0;
        shim_answer(w->reply, (l4_word_t)(r < 0 ? r : r));
    }
}
