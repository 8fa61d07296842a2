/* SPDX-License-Identifier: MIT */
/*
 * Descriptor tables and open file descriptions (see <shim/fd.h>).
 *
 * Invariant: a description's refs counts the table slots that hold it plus
 * any other holder (a pending operation, the creator before install); the
 * release callback runs exactly once, when refs reaches zero. Every slot
 * change takes the new reference before dropping the old one, so that
 * dup2(fd, fd)-like replacements never free what they are about to use.
 */
#include <shim/fd.h>
#include <shim/linux_abi.h>

/* The status flags F_SETFL may change (Linux SETFL_MASK, those we keep). */
#define SETFL_MASK (LINUX_O_APPEND | LINUX_O_NONBLOCK)

void shim_file_init(struct shim_file *f, const struct shim_file_ops *ops, void *priv,
                    uint32_t flags)
{
    f->refs = 1;
    f->flags = flags & ~(uint32_t)LINUX_O_CLOEXEC; /* a descriptor flag, not a file's */
    f->offset = 0;
    f->ops = ops;
    f->priv = priv;
}

void shim_file_get(struct shim_file *f)
{
    f->refs++;
}

void shim_file_put(struct shim_file *f)
{
    if (--f->refs == 0 && f->ops && f->ops->release)
        f->ops->release(f);
}

void shim_fd_init(struct shim_fdtable *t)
{
    t->nofile = SHIM_FD_TABLE_SIZE;
    t->used = 0;
    for (unsigned i = 0; i < SHIM_FD_TABLE_SIZE; i++) {
        t->slot[i].file = NULL;
        t->slot[i].cloexec = 0;
    }
}

static int valid(const struct shim_fdtable *t, int fd)
{
    return fd >= 0 && fd < SHIM_FD_TABLE_SIZE && t->slot[fd].file;
}

struct shim_file *shim_fd_get(const struct shim_fdtable *t, int fd)
{
    return valid(t, fd) ? t->slot[fd].file : NULL;
}

/* Puts f in slot fd (free or not), with a reference of its own. */
static void set_slot(struct shim_fdtable *t, int fd, struct shim_file *f, int cloexec)
{
    struct shim_file *old = t->slot[fd].file;
    shim_file_get(f);
    t->slot[fd].file = f;
    t->slot[fd].cloexec = cloexec ? 1 : 0;
    if (old)
        shim_file_put(old);
    else
        t->used++;
}

int shim_fd_install(struct shim_fdtable *t, struct shim_file *f, int min_fd, int cloexec)
{
    if (min_fd < 0)
        return -LINUX_EINVAL;
    for (unsigned fd = (unsigned)min_fd; fd < t->nofile; fd++) {
        if (!t->slot[fd].file) {
            set_slot(t, (int)fd, f, cloexec);
            return (int)fd;
        }
    }
    return -LINUX_EMFILE;
}

int shim_fd_close(struct shim_fdtable *t, int fd)
{
    if (!valid(t, fd))
        return -LINUX_EBADF;
    struct shim_file *f = t->slot[fd].file;
    t->slot[fd].file = NULL;
    t->slot[fd].cloexec = 0;
    t->used--;
    shim_file_put(f);
    return 0;
}

int shim_fd_dup(struct shim_fdtable *t, int fd)
{
    if (!valid(t, fd))
        return -LINUX_EBADF;
    return shim_fd_install(t, t->slot[fd].file, 0, 0);
}

int shim_fd_dup2(struct shim_fdtable *t, int oldfd, int newfd)
{
    if (!valid(t, oldfd))
        return -LINUX_EBADF;
    /* Before the limit: an open descriptor above a lowered limit can
     * still be dup2'ed onto itself. */
    if (oldfd == newfd)
        return newfd; /* nothing changes, close-on-exec included */
    if (newfd < 0 || (unsigned)newfd >= t->nofile)
        return -LINUX_EBADF;
    set_slot(t, newfd, t->slot[oldfd].file, 0);
    return newfd;
}

int shim_fd_dup3(struct shim_fdtable *t, int oldfd, int newfd, uint32_t flags)
{
    if (flags & ~(uint32_t)LINUX_O_CLOEXEC)
        return -LINUX_EINVAL;
    if (oldfd == newfd)
        return -LINUX_EINVAL;
    if (!valid(t, oldfd))
        return -LINUX_EBADF;
    if (newfd < 0 || (unsigned)newfd >= t->nofile)
        return -LINUX_EBADF;
    set_slot(t, newfd, t->slot[oldfd].file, flags & LINUX_O_CLOEXEC);
    return newfd;
}

int64_t shim_fd_fcntl(struct shim_fdtable *t, int fd, unsigned cmd, uint64_t arg)
{
    if (!valid(t, fd))
        return -LINUX_EBADF;
    struct shim_file *f = t->slot[fd].file;
    switch (cmd) {
    case SHIM_F_DUPFD:
    case SHIM_F_DUPFD_CLOEXEC:
        /* the argument is an int; Linux checks it against the limit */
        if ((int)arg < 0 || (unsigned)(int)arg >= t->nofile)
            return -LINUX_EINVAL;
        return shim_fd_install(t, f, (int)arg, cmd == SHIM_F_DUPFD_CLOEXEC);
    case SHIM_F_GETFD:
        return t->slot[fd].cloexec ? LINUX_FD_CLOEXEC : 0;
    case SHIM_F_SETFD:
        t->slot[fd].cloexec = (arg & LINUX_FD_CLOEXEC) ? 1 : 0;
        return 0;
    case SHIM_F_GETFL:
        return f->flags;
    case SHIM_F_SETFL:
        f->flags = (f->flags & ~(uint32_t)SETFL_MASK) | ((uint32_t)arg & SETFL_MASK);
        return 0;
    }
    return -LINUX_EINVAL;
}

void shim_fd_exec(struct shim_fdtable *t)
{
    for (int fd = 0; fd < SHIM_FD_TABLE_SIZE; fd++)
        if (t->slot[fd].file && t->slot[fd].cloexec)
            shim_fd_close(t, fd);
}

void shim_fd_fork(struct shim_fdtable *dst, const struct shim_fdtable *src)
{
    shim_fd_init(dst);
    dst->nofile = src->nofile;
    for (int fd = 0; fd < SHIM_FD_TABLE_SIZE; fd++)
        if (src->slot[fd].file)
            set_slot(dst, fd, src->slot[fd].file, src->slot[fd].cloexec);
}

void shim_fd_close_all(struct shim_fdtable *t)
{
    for (int fd = 0; fd < SHIM_FD_TABLE_SIZE; fd++)
        if (t->slot[fd].file)
            shim_fd_close(t, fd);
}

int shim_fd_set_nofile(struct shim_fdtable *t, uint64_t limit)
{
    if (limit > SHIM_FD_TABLE_SIZE)
        return -LINUX_EPERM;
    t->nofile = (unsigned)limit;
    return 0;
}
