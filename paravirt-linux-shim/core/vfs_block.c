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
static long poll_check(struct process *p, const uint64_t *a, bool final);

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
    bool poll; /* a poll or select: check() answers it, or 0 to go on waiting */
    vfs_check_fn check;
    uint64_t args[6];
    uint64_t deadline; /* a poll's timeout on the PV clock (0: none) */
};

static struct waiter waiters[SHIM_MAX_PROCS];
/* Every used entry is below waiters_hi (it grows as entries are taken, the
 * loops stop there: with few waiting, a wake-up looks at few entries). */
static unsigned waiters_hi;

/* Lower waiters_hi past the entries freed at the end. */
static void trim_waiters(void)
{
    while (waiters_hi && !waiters[waiters_hi - 1].used)
        waiters_hi--;
}

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
        trim_waiters();
        for (unsigned i = 0; i < waiters_hi; i++) {
            struct waiter *w = &waiters[i];
            if (!w->used || (w->pipe != vp && !w->poll))
                continue;
            struct process *p = proc_by_pid(w->pid);
            if (!p || p->zombie) {
                w->used = false;
                continue;
            }
            long r = w->poll ? w->check(p, w->args, false)
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
            if (i >= waiters_hi)
                waiters_hi = i + 1;
            l4_word_t r = shim_keep_reply();
            if (!r)
                return -LINUX_EAGAIN;
            waiters[i] = (struct waiter){.used = true,
                                         .pid = p->pid,
                                         .fd = fd,
                                         .buf = buf,
                                         .n = n,
                                         .write = write,
                                         .reply = r,
                                         .pipe = vp};
            return SHIM_BLOCKED;
        }
    return -LINUX_EAGAIN;
}

/* The terminal's parked readers (pipe NULL), and every parked poll. */
void tty_wake(void)
{
    vfs_wake_pipe(NULL);
}

/* One descriptor's events among those asked (POLLERR, POLLHUP and
 * POLLNVAL always count). Terminal: readable when a read would return;
 * pipes: pipe(7)'s rules; files and directories: always ready. */
int16_t vfs_poll_fd(struct process *p, int fd, int16_t events)
{
    struct vnode *v = vfs_vnode_of(p, fd, NULL);
    int16_t rev;
    if (!v)
        return 0x20; /* POLLNVAL */
    if (v->kind == V_TTY)
        rev = (int16_t)((shim_tty_readable(&shim_tty) ? 1 : 0) | 4);
    else if (v->kind >= V_HOST_IN)
        rev = v->kind == V_HOST_IN ? 0 : 4; /* input: not known without a read */
    else if (v->pipe)
        rev = (int16_t)shim_pipe_poll(&v->pipe->pipe, v->kind == V_PIPE_W);
    else
        rev = 1 | 4;
    return (int16_t)(rev & (events | 0x38));
}

static long poll_check(struct process *p, const uint64_t *a, bool final)
{
    (void) final;
    return poll_now(p, a[0], a[1]);
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
        int16_t rev = pfd.fd >= 0 ? vfs_poll_fd(p, pfd.fd, pfd.events) : 0;
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
    const uint64_t args[6] = {ufds, n};
    return vfs_park_check(p, poll_check, args,
                          timeout_ms > 0 ? shim_now_ns() + (uint64_t)timeout_ms * 1000000u : 0);
}

/* Park p until check(p, args, false) is not 0 (tried whenever a pipe or
 * the terminal moves), or the deadline (0: none) passes: then
 * check(p, args, true) is the answer. SHIM_BLOCKED or -EAGAIN. */
long vfs_park_check(struct process *p, vfs_check_fn check, const uint64_t args[6],
                    uint64_t deadline)
{
    for (unsigned i = 0; i < SHIM_MAX_PROCS; i++)
        if (!waiters[i].used) {
            if (i >= waiters_hi)
                waiters_hi = i + 1;
            l4_word_t reply = shim_keep_reply();
            if (!reply)
                return -LINUX_EAGAIN;
            waiters[i] = (struct waiter){.used = true,
                                         .pid = p->pid,
                                         .fd = -1,
                                         .reply = reply,
                                         .poll = true,
                                         .check = check,
                                         .deadline = deadline};
            memcpy(waiters[i].args, args, sizeof waiters[i].args);
            if (deadline)
                shim_timer_changed();
            return SHIM_BLOCKED;
        }
    return -LINUX_EAGAIN;
}

void vfs_forget(struct process *p)
{
    trim_waiters();
    for (unsigned i = 0; i < waiters_hi; i++)
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

/* ioctl on what is not the terminal: FIONREAD on pipes and regular files
 * (the bytes a read would give), FIOCLEX/FIONCLEX, FIONBIO; else ENOTTY. */
long vfs_ioctl(struct process *p, long fd, unsigned long req, uint64_t arg)
{
    struct shim_file *f;
    struct vnode *v = vfs_vnode_of(p, fd, &f);
    if (!v)
        return -LINUX_EBADF;
    switch (req) {
    case 0x5451: /* FIOCLEX */
    case 0x5450: /* FIONCLEX */
        return shim_fd_fcntl(p->fds, (int)fd, 2, req == 0x5451);
    case 0x5421: { /* FIONBIO */
        int32_t on;
        if (mm_copy_in(&p->mm, &on, arg, 4) != 0)
            return -LINUX_EFAULT;
        f->flags = on ? (f->flags | 04000) : (f->flags & ~(uint32_t)04000);
        return 0;
    }
    case 0x541b: { /* FIONREAD */
        int32_t n;
        if (v->pipe && v->kind == V_PIPE_R)
            n = (int32_t)shim_pipe_available(&v->pipe->pipe);
        else if (v->kind == V_REG)
            n = f->offset < v->node->size ? (int32_t)(v->node->size - f->offset) : 0;
        else if (v->kind == V_PROC)
            n = f->offset < v->len ? (int32_t)(v->len - f->offset) : 0;
        else if (v->kind == V_HOST_IN)
            n = 0;
        else
            return -LINUX_ENOTTY;
        return mm_copy_out(&p->mm, arg, &n, 4) ? -LINUX_EFAULT : 0;
    }
    }
    return -LINUX_ENOTTY;
}

/* The earliest poll timeout (0: none), and answering the polls whose
 * timeout has passed with 0. */
uint64_t vfs_next_deadline(void)
{
    uint64_t first = 0;
    trim_waiters();
    for (unsigned i = 0; i < waiters_hi; i++)
        if (waiters[i].used && waiters[i].deadline && (!first || waiters[i].deadline < first))
            first = waiters[i].deadline;
    return first;
}

void vfs_expire(uint64_t now)
{
    trim_waiters();
    for (unsigned i = 0; i < waiters_hi; i++) {
        struct waiter *w = &waiters[i];
        if (!w->used || !w->deadline || w->deadline > now)
            continue;
        w->used = false;
        struct process *p = proc_by_pid(w->pid);
        long r = p && !p->zombie ? w->check(p, w->args, true) : 0;
        shim_answer(w->reply, (l4_word_t)r);
    }
}
