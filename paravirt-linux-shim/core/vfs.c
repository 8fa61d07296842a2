/* SPDX-License-Identifier: MIT */
/*
 * Files for the processes (docs/linux/kernel.md, "Files"): the in-memory
 * file system (fs/, docs/linux/fs.md) unpacked from the initramfs at
 * start, file contents in the compartment's pseudo-physical pages, and per
 * process a descriptor table (fd/) whose descriptions are the terminal
 * (fds 0-2 at start), a regular file or a directory. The system calls on
 * paths and descriptors are here; every path and buffer is the process's
 * and goes through mm.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <l4/platform.h>
#include <l4/rt.h>
#include <shim/linux_abi.h>
#include "vfs_internal.h"

struct shim_fs shim_fs;
const struct shim_cred vfs_root_cred = {0, 0};

static void vrelease(struct shim_file *f)
{
    struct vnode *v = f->priv;
    if (v->node)
        shim_fs_put(v->node);
    free(v->path);
    free(v->buf);
    if (v->pipe) {
        struct vpipe *vp = v->pipe;
        if (v->kind == V_PIPE_R)
            vp->pipe.readers--;
        else
            vp->pipe.writers--;
        vfs_wake_pipe(vp); /* end of file, or EPIPE, for those parked on it */
        if (--vp->ends == 0)
            free(vp);
    }
    free(v);
    free(f);
}

static const struct shim_file_ops vops = {.release = vrelease};

/* --- The file system's memory --------------------------------------------- */

static void *fs_alloc(void *ctx, size_t size)
{
    (void)ctx;
    return calloc(1, size);
}

static void fs_free(void *ctx, void *p, size_t size)
{
    (void)ctx;
    (void)size;
    free(p);
}

/* File contents: pseudo-physical pages (the quota's), not the heap. */
static void *fs_page_alloc(void *ctx)
{
    (void)ctx;
    l4_word_t pfn = pmem_alloc();
    return pfn == ~0ul ? NULL : pmem_ptr(pfn);
}

static void fs_page_free(void *ctx, void *page)
{
    (void)ctx;
    extern uint64_t shim_phys_base;
    pmem_put(((uintptr_t)page - shim_phys_base) / SHIM_PAGE);
}

/* The wall clock (CLOCK_REALTIME), as Linux stamps files. */
static int64_t fs_now(void *ctx)
{
    (void)ctx;
    return (int64_t)shim_realtime_ns();
}

int vfs_init(void)
{
    static const struct shim_fs_ops ops = {
        .alloc = fs_alloc,
        .free = fs_free,
        .page_alloc = fs_page_alloc,
        .page_free = fs_page_free,
        .now = fs_now,
    };
    int e = shim_fs_init(&shim_fs, &ops);
    if (e)
        return e;
    if (shim.initrd) {
        const char *bad = NULL;
        e = shim_fs_unpack_cpio(&shim_fs, shim.initrd, shim.initrd_size, &bad);
        if (e)
            shim_log("initramfs refused at '%s': error %d", bad ? bad : "?", e);
    }
    return e;
}

/* --- Descriptions ------------------------------------------------------------ */

struct shim_file *vfs_new_file(enum vkind kind, struct shim_inode *node, uint32_t flags)
{
    struct shim_file *f = calloc(1, sizeof *f);
    struct vnode *v = calloc(1, sizeof *v);
    if (!f || !v) {
        free(f);
        free(v);
        return NULL;
    }
    v->kind = kind;
    v->node = node;
    if (node)
        shim_fs_get(node);
    shim_file_init(f, &vops, v, flags);
    return f;
}

int vfs_process_init(struct process *p)
{
    p->fds = malloc(sizeof *p->fds);
    if (!p->fds)
        return -LINUX_ENOMEM;
    shim_fd_init(p->fds);
    if (shim.host) { /* stdin, stdout and stderr on the host channel */
        static const enum vkind kinds[3] = {V_HOST_IN, V_HOST_OUT, V_HOST_ERR};
        for (int fd = 0; fd < 3; fd++) {
            struct shim_file *h =
                vfs_new_file(kinds[fd], NULL, fd == 0 ? LINUX_O_RDONLY : LINUX_O_WRONLY);
            if (!h)
                return -LINUX_ENOMEM;
            (void)shim_fd_install(p->fds, h, fd, 0);
            shim_file_put(h);
        }
    } else {
        struct shim_file *tty = vfs_new_file(V_TTY, NULL, LINUX_O_RDWR);
        if (!tty)
            return -LINUX_ENOMEM;
        for (int fd = 0; fd < 3; fd++)
            (void)shim_fd_install(p->fds, tty, fd, 0);
        shim_file_put(tty);
    }
    strcpy(p->cwd, "/");
    p->umask = 022;
    return 0;
}

int vfs_process_fork(struct process *child, const struct process *parent)
{
    child->fds = malloc(sizeof *child->fds);
    if (!child->fds)
        return -LINUX_ENOMEM;
    shim_fd_fork(child->fds, parent->fds);
    memcpy(child->cwd, parent->cwd, sizeof child->cwd);
    child->umask = parent->umask;
    memcpy(child->exe, parent->exe, sizeof child->exe);
    return 0;
}

void vfs_process_exit(struct process *p)
{
    if (!p->fds)
        return;
    shim_fd_close_all(p->fds);
    free(p->fds);
    p->fds = NULL;
}

/* Read a whole regular file into a fresh heap buffer (execve: a path
 * relative to the cwd of p if given; it must be a regular file with an x
 * bit, else EACCES). */
void *vfs_read_file(const char *path, size_t *size, int *err)
{
    return vfs_read_exec(NULL, path, size, err);
}

void *vfs_read_exec(struct process *p, const char *rel, size_t *size, int *err)
{
    char path[PATH_MAX];
    if (p && rel[0] != '/') {
        size_t c = strlen(p->cwd), n = strlen(rel);
        if (c + n + 2 > sizeof path) {
            *err = -LINUX_ENAMETOOLONG;
            return NULL;
        }
        memcpy(path, p->cwd, c);
        if (c > 1)
            path[c++] = '/';
        memcpy(path + c, rel, n + 1);
    } else {
        snprintf(path, sizeof path, "%s", rel);
    }
    struct shim_inode *node;
    struct procfs_ent pe;
    *err = p ? vfs_resolve(p, path, true, &node, &pe) : vfs_lookup(path, true, &node);
    if (*err)
        return NULL;
    if ((node->mode & LINUX_S_IFMT) != LINUX_S_IFREG ||
        (p && (pe.what || shim_fs_permission(node, vfs_cred(p), 1) != 0))) {
        *err = -LINUX_EACCES;
        return NULL;
    }
    void *buf = malloc(node->size ? node->size : 1);
    if (!buf) {
        *err = -LINUX_ENOMEM;
        return NULL;
    }
    int64_t r = shim_fs_read(node, 0, buf, node->size);
    if (r < 0 || (uint64_t)r != node->size) {
        free(buf);
        *err = r < 0 ? (int)r : -LINUX_EIO;
        return NULL;
    }
    *size = node->size;
    return buf;
}

/* execve: the physical path of the program p runs (what /proc/PID/exe
 * reads), in place; left alone if it cannot be found. */
void vfs_exec_path(struct process *p, char *path, size_t size)
{
    char abs[PATH_MAX], real[PATH_MAX];
    struct shim_inode *node;
    struct procfs_ent pe;
    int n = path[0] == '/' ? snprintf(abs, sizeof abs, "%s", path)
                           : snprintf(abs, sizeof abs, "%s/%s", p->cwd, path);
    if (n < 0 || (size_t)n >= sizeof abs || vfs_resolve(p, abs, true, &node, &pe) != 0 || pe.what ||
        vfs_realpath(abs, real, sizeof real) != 0 || strlen(real) >= size)
        return;
    strcpy(path, real);
}

/* --- System calls ------------------------------------------------------------- */

long vfs_openat(struct process *p, long dirfd, uint64_t upath, unsigned flags, unsigned mode)
{
    char path[PATH_MAX];
    long r = vfs_user_path(p, dirfd, upath, path, sizeof path);
    if (r < 0)
        return r;
    if (flags & O_TMPFILE_ONLY) /* O_TMPFILE: an unnamed file, not made here */
        return (flags & LINUX_O_ACCMODE) == LINUX_O_RDONLY ? -LINUX_EINVAL : -LINUX_EOPNOTSUPP;
    struct shim_inode *node = NULL;
    struct procfs_ent pe;
    bool created = false;
    int e = vfs_resolve(p, path, !(flags & O_NOFOLLOW), &node, &pe);
    if (e == 0 && pe.what)
        return procfs_openat(p, &pe, node, flags);
    if (e == -LINUX_ENOENT && (flags & LINUX_O_CREAT) && !vfs_proc_refuse(path)) {
        e = shim_fs_mknod(&shim_fs, vfs_cred(p), NULL, path,
                          LINUX_S_IFREG | (mode & 07777 & ~p->umask), 0, 0, &node);
        created = e == 0;
    } else if (e == 0 && (flags & LINUX_O_CREAT) && (flags & O_EXCL)) {
        return -LINUX_EEXIST;
    }
    if (e)
        return e;
    unsigned type = node->mode & LINUX_S_IFMT;
    unsigned acc = flags & LINUX_O_ACCMODE;
    unsigned want =
        (acc != LINUX_O_WRONLY ? 4u : 0u) | (acc != LINUX_O_RDONLY || (flags & O_TRUNC) ? 2u : 0u);
    if (!created && type != LINUX_S_IFLNK && (e = shim_fs_permission(node, vfs_cred(p), want)))
        return e;
    if ((flags & O_NOFOLLOW) && type == LINUX_S_IFLNK)
        return -LINUX_ELOOP;
    if ((flags & O_DIRECTORY) && type != LINUX_S_IFDIR)
        return -LINUX_ENOTDIR;
    if (type == LINUX_S_IFDIR && (flags & LINUX_O_ACCMODE) != LINUX_O_RDONLY)
        return -LINUX_EISDIR;
    enum vkind kind = type == LINUX_S_IFDIR ? V_DIR : V_REG;
    if (type == LINUX_S_IFCHR) {
        /* the devices Linux numbers so (devices.txt): mem's minors, the
         * terminal's */
        uint32_t ma = node->rdev_major, mi = node->rdev_minor;
        if (ma == 1 && mi == 3)
            kind = V_NULL;
        else if (ma == 1 && mi == 5)
            kind = V_ZERO;
        else if (ma == 1 && mi == 7)
            kind = V_FULL;
        else if (ma == 1 && (mi == 8 || mi == 9))
            kind = V_RANDOM;
        else if (ma == 5 && mi == 0 && shim.host)
            return -LINUX_ENXIO; /* no controlling terminal */
        else if (ma == 5 && (mi == 0 || mi == 1))
            kind = V_TTY; /* /dev/tty, /dev/console: the terminal */
        else
            return -LINUX_ENXIO;
    } else if (type != LINUX_S_IFDIR && type != LINUX_S_IFREG) {
        return -LINUX_ENXIO;
    }
    if (kind == V_REG && (flags & O_TRUNC) && (flags & LINUX_O_ACCMODE) != LINUX_O_RDONLY)
        (void)shim_fs_truncate(node, 0);
    struct shim_file *f = vfs_new_file(kind, kind == V_REG || kind == V_DIR ? node : NULL, flags);
    if (!f)
        return -LINUX_ENOMEM;
    /* the physical path: for *at() on a directory, and /proc/PID/fd */
    char real[PATH_MAX];
    if (vfs_realpath(path, real, sizeof real) != 0) {
        snprintf(real, sizeof real, "%s", path);
        vfs_canonical(real);
    }
    ((struct vnode *)f->priv)->path = strdup(real);
    int fd = shim_fd_install(p->fds, f, 0, (flags & O_CLOEXEC) != 0);
    shim_file_put(f);
    return fd;
}

struct vnode *vfs_vnode_of(struct process *p, long fd, struct shim_file **file)
{
    struct shim_file *f = fd >= 0 ? shim_fd_get(p->fds, (int)fd) : NULL;
    if (file)
        *file = f;
    return f ? f->priv : NULL;
}

long vfs_read(struct process *p, long fd, uint64_t buf, uint64_t n, int64_t off)
{
    struct shim_file *f;
    struct vnode *v = vfs_vnode_of(p, fd, &f);
    if (!v)
        return -LINUX_EBADF;
    if ((f->flags & LINUX_O_ACCMODE) == LINUX_O_WRONLY)
        return -LINUX_EBADF;
    if (v->kind == V_HOST_OUT || v->kind == V_HOST_ERR)
        return -LINUX_EBADF;
    if (v->kind == V_NULL)
        return 0;
    if (v->kind == V_ZERO || v->kind == V_FULL || v->kind == V_RANDOM) {
        char chunk[1024];
        uint64_t done = 0;
        while (done < n) {
            size_t k = n - done < sizeof chunk ? (size_t)(n - done) : sizeof chunk;
            if (v->kind == V_RANDOM)
                shim_random(chunk, k);
            else
                memset(chunk, 0, k);
            if (mm_copy_out(&p->mm, buf + done, chunk, k) != 0)
                return done ? (long)done : -LINUX_EFAULT;
            done += k;
        }
        return (long)done;
    }
    if (v->kind == V_TTY || v->kind == V_HOST_IN) {
        long r = vfs_tty_io(p, buf, n);
        if (r == -LINUX_EAGAIN && !(f->flags & 04000))
            return vfs_park(p, NULL, fd, buf, n, false);
        return r;
    }
    if (v->kind == V_DIR || v->kind == V_PROCDIR)
        return -LINUX_EISDIR;
    if (v->kind == V_PROC) { /* the snapshot taken at open */
        uint64_t pos = off >= 0 ? (uint64_t)off : f->offset;
        uint64_t k = pos < v->len ? v->len - pos : 0;
        k = k < n ? k : n;
        if (k && mm_copy_out(&p->mm, buf, v->buf + pos, (size_t)k) != 0)
            return -LINUX_EFAULT;
        if (off < 0)
            f->offset += k;
        return (long)k;
    }
    if (v->kind == V_PIPE_R) {
        if (off >= 0)
            return -LINUX_ESPIPE;
        long r = vfs_pipe_io(p, v->pipe, buf, n, false);
        if (r > 0)
            vfs_wake_pipe(v->pipe); /* room for parked writers */
        if (r == -LINUX_EAGAIN && !(f->flags & 04000))
            return vfs_park(p, v->pipe, fd, buf, n, false);
        return r;
    }
    uint64_t pos = off >= 0 ? (uint64_t)off : f->offset;
    char chunk[1024];
    uint64_t done = 0;
    while (done < n) {
        size_t k = n - done < sizeof chunk ? (size_t)(n - done) : sizeof chunk;
        int64_t r = shim_fs_read(v->node, pos + done, chunk, k);
        if (r < 0)
            return done ? (long)done : (long)r;
        if (r == 0)
            break;
        if (mm_copy_out(&p->mm, buf + done, chunk, (size_t)r) != 0)
            return done ? (long)done : -LINUX_EFAULT;
        done += (uint64_t)r;
        if ((size_t)r < k)
            break;
    }
    if (off < 0)
        f->offset += done;
    return (long)done;
}

long vfs_write(struct process *p, long fd, uint64_t buf, uint64_t n, int64_t off)
{
    struct shim_file *f;
    struct vnode *v = vfs_vnode_of(p, fd, &f);
    if (!v)
        return -LINUX_EBADF;
    if ((f->flags & LINUX_O_ACCMODE) == LINUX_O_RDONLY)
        return -LINUX_EBADF;
    if (v->kind == V_NULL || v->kind == V_ZERO || v->kind == V_RANDOM) {
        /* accepted and dropped; the bytes must still be readable */
        char c;
        if (n && mm_copy_in(&p->mm, &c, buf, 1) != 0)
            return -LINUX_EFAULT;
        return (long)n;
    }
    if (v->kind == V_FULL)
        return n ? -LINUX_ENOSPC : 0;
    if (v->kind == V_PIPE_W) {
        if (off >= 0)
            return -LINUX_ESPIPE;
        long r = vfs_pipe_io(p, v->pipe, buf, n, true);
        if (r == -LINUX_EPIPE && p->sigaction[13 - 1][0] == 0)
            return SHIM_KILLED_SIGPIPE; /* SIGPIPE's default action ends the writer */
        if (r > 0)
            vfs_wake_pipe(v->pipe); /* bytes for parked readers */
        if (r == -LINUX_EAGAIN && !(f->flags & 04000))
            return vfs_park(p, v->pipe, fd, buf, n, true);
        return r;
    }
    if (v->kind == V_PROC || v->kind == V_PROCDIR || v->kind == V_DIR)
        return -LINUX_EBADF;
    char chunk[1024];
    uint64_t done = 0;
    if (v->kind == V_REG && off < 0 && (f->flags & O_APPEND))
        f->offset = v->node->size;
    uint64_t pos = off >= 0 ? (uint64_t)off : f->offset;
    if (v->kind == V_REG && n) { /* RLIMIT_FSIZE: short, or SIGXFSZ and EFBIG */
        uint64_t lim = proc_rlimit(p, 1);
        if (pos >= lim)
            return p->sigaction[25 - 1][0] == 0 ? SHIM_KILLED_SIGXFSZ : -LINUX_EFBIG;
        if (n > lim - pos)
            n = lim - pos;
    }
    while (done < n) {
        size_t k = n - done < sizeof chunk ? (size_t)(n - done) : sizeof chunk;
        if (mm_copy_in(&p->mm, chunk, buf + done, k) != 0)
            return done ? (long)done : -LINUX_EFAULT;
        if (v->kind == V_TTY) {
            tty_write(chunk, k);
        } else if (v->kind == V_HOST_OUT || v->kind == V_HOST_ERR) {
            host_write(chunk, k, v->kind == V_HOST_ERR ? 2 : 1);
        } else if (v->kind == V_HOST_IN) {
            return -LINUX_EBADF;
        } else {
            int64_t r = shim_fs_write(v->node, pos + done, chunk, k);
            if (r < 0)
                return done ? (long)done : (long)r;
        }
        done += k;
    }
    if (off < 0 && v->kind == V_REG)
        f->offset += done;
    return (long)done;
}

/* A write from the shim's own buffer (sendfile): files, the terminal, the
 * host channel, the memory devices and pipes (what fits: no parking). */
long vfs_write_kernel(struct process *p, long fd, const char *buf, size_t n)
{
    struct shim_file *f;
    struct vnode *v = vfs_vnode_of(p, fd, &f);
    if (!v)
        return -LINUX_EBADF;
    if ((f->flags & LINUX_O_ACCMODE) == LINUX_O_RDONLY)
        return -LINUX_EBADF;
    switch (v->kind) {
    case V_TTY:
        tty_write(buf, n);
        return (long)n;
    case V_HOST_OUT:
    case V_HOST_ERR:
        host_write(buf, n, v->kind == V_HOST_ERR ? 2 : 1);
        return (long)n;
    case V_NULL:
    case V_ZERO:
    case V_RANDOM:
        return (long)n;
    case V_PIPE_W: {
        int64_t r = shim_pipe_write(&v->pipe->pipe, buf, n);
        if (r > 0)
            vfs_wake_pipe(v->pipe);
        return (long)r;
    }
    case V_REG: {
        if (f->flags & O_APPEND)
            f->offset = v->node->size;
        int64_t r = shim_fs_write(v->node, f->offset, buf, n);
        if (r > 0)
            f->offset += (uint64_t)r;
        return (long)r;
    }
    default:
        return -LINUX_EINVAL;
    }
}

long vfs_lseek(struct process *p, long fd, int64_t off, int whence)
{
    struct shim_file *f;
    struct vnode *v = vfs_vnode_of(p, fd, &f);
    if (!v)
        return -LINUX_EBADF;
    if (whence < 0 || whence > 4) /* beyond SEEK_HOLE */
        return -LINUX_EINVAL;
    if (v->kind == V_TTY || v->pipe || v->kind >= V_HOST_IN)
        return -LINUX_ESPIPE;
    if (v->kind >= V_NULL && v->kind <= V_RANDOM)
        return 0; /* the memory devices: every position is the same */
    int64_t size = (int64_t)(v->kind == V_PROC ? v->len : v->node ? v->node->size : 0);
    if (whence >= 3) { /* SEEK_DATA, SEEK_HOLE: one extent of data, then the end */
        if (v->kind != V_REG && v->kind != V_PROC)
            return -LINUX_EINVAL;
        if (off < 0 || off >= size)
            return -LINUX_ENXIO;
        f->offset = (uint64_t)(whence == 3 ? off : size);
        return (long)f->offset;
    }
    int64_t base = whence == 0 ? 0 : whence == 1 ? (int64_t)f->offset : size;
    if (v->kind == V_DIR || v->kind == V_PROCDIR) {
        if (whence != 0 || off != 0)
            return -LINUX_EINVAL;
        v->dir_cookie = 0;
        f->offset = 0;
        return 0;
    }
    if (base + off < 0)
        return -LINUX_EINVAL;
    f->offset = (uint64_t)(base + off);
    return (long)f->offset;
}

/* struct stat of x86-64 (asm/stat.h), 144 bytes. */
long vfs_put_stat(struct process *p, uint64_t buf, const struct shim_inode *n, bool tty)
{
    uint64_t st[18];
    memset(st, 0, sizeof st);
    uint32_t *w = (uint32_t *)st;
    st[0] = tty ? 5 : vfs_dev_of(n);               /* st_dev */
    st[1] = tty ? 1 : n->ino;                      /* st_ino */
    st[2] = tty ? 1 : n->nlink;                    /* st_nlink */
    w[6] = tty ? (LINUX_S_IFCHR | 0620) : n->mode; /* st_mode */
    w[7] = tty ? 0 : n->uid;
    w[8] = tty ? 0 : n->gid;
    st[5] = tty ? ((uint64_t)5 << 8 | 1) : ((uint64_t)n->rdev_major << 8 | n->rdev_minor);
    st[6] = tty ? 0 : n->size;               /* st_size */
    st[7] = 4096;                            /* st_blksize */
    st[8] = tty ? 0 : (n->size + 511) / 512; /* st_blocks */
    if (!tty) {
        st[9] = (uint64_t)(n->atime / 1000000000), st[10] = (uint64_t)(n->atime % 1000000000);
        st[11] = (uint64_t)(n->mtime / 1000000000), st[12] = (uint64_t)(n->mtime % 1000000000);
        st[13] = (uint64_t)(n->ctime / 1000000000), st[14] = (uint64_t)(n->ctime % 1000000000);
    }
    return mm_copy_out(&p->mm, buf, st, 144);
}

long vfs_fstat(struct process *p, long fd, uint64_t buf)
{
    struct vnode *v = vfs_vnode_of(p, fd, NULL);
    if (!v)
        return -LINUX_EBADF;
    if (v->kind >= V_NULL && v->kind <= V_RANDOM) {
        static const uint32_t minor[] = {[V_NULL] = 3, [V_ZERO] = 5, [V_FULL] = 7, [V_RANDOM] = 9};
        struct shim_inode dev = {.ino = 100 + (uint64_t)v->kind,
                                 .mode = LINUX_S_IFCHR | 0666,
                                 .nlink = 1,
                                 .rdev_major = 1,
                                 .rdev_minor = minor[v->kind]};
        return vfs_put_stat(p, buf, &dev, false);
    }
    if (v->kind == V_PROC || v->kind == V_PROCDIR) {
        struct shim_inode n;
        procfs_stat(p, &v->pe, &n);
        return vfs_put_stat(p, buf, &n, false);
    }
    if (v->pipe || !v->node) { /* a pipe, or an end of the host channel */
        struct shim_inode fifo = {.ino = v->pipe ? (uintptr_t)v->pipe >> 4 : (uint64_t)v->kind,
                                  .mode = LINUX_S_IFIFO | 0600,
                                  .nlink = 1};
        return vfs_put_stat(p, buf, &fifo, v->kind == V_TTY);
    }
    return vfs_put_stat(p, buf, v->node, v->kind == V_TTY);
}

long vfs_fstatat(struct process *p, long dirfd, uint64_t upath, uint64_t buf, unsigned flags)
{
    char first;
    if ((flags & AT_EMPTY_PATH) && mm_copy_in(&p->mm, &first, upath, 1) == 0 && first == 0)
        return vfs_fstat(p, dirfd, buf);
    struct shim_inode *node;
    struct procfs_ent pe;
    int e = vfs_resolve_user(p, dirfd, upath, !(flags & AT_SYMLINK_NOFOLLOW), &node, &pe);
    if (e)
        return e;
    return vfs_put_stat(p, buf, node, false);
}

long vfs_getdents64(struct process *p, long fd, uint64_t buf, uint64_t count)
{
    struct vnode *v = vfs_vnode_of(p, fd, NULL);
    if (!v)
        return -LINUX_EBADF;
    if (v->kind != V_DIR && v->kind != V_PROCDIR)
        return -LINUX_ENOTDIR;
    uint64_t used = 0;
    for (;;) {
        const char *name;
        char pname[32];
        size_t len;
        struct shim_inode *node = NULL;
        uint64_t next = v->dir_cookie, ino;
        unsigned type;
        int r;
        if (v->kind == V_PROCDIR) {
            r = procfs_readdir(p, &v->pe, &next, pname, sizeof pname, &type, &ino);
            name = pname;
            len = strlen(pname);
        } else {
            r = shim_fs_readdir(v->node, v->dir_cookie, &name, &len, &node, &next);
            if (r <= 0)
                node = NULL; /* the end: nothing was returned */
            ino = node ? node->ino : 0;
            type = node ? (node->mode & LINUX_S_IFMT) >> 12 : 0; /* DT_* */
        }
        if (r <= 0)
            return r < 0 ? r : (long)used;
        if (len > 255)
            len = 255;
        size_t reclen = (19 + len + 1 + 7) & ~(size_t)7;
        if (used + reclen > count)
            return used ? (long)used : -LINUX_EINVAL;
        uint8_t rec[19 + 256 + 8];
        memset(rec, 0, sizeof rec);
        memcpy(rec, &ino, 8);
        memcpy(rec + 8, &next, 8);
        uint16_t rl = (uint16_t)reclen;
        memcpy(rec + 16, &rl, 2);
        rec[18] = (uint8_t)type;
        memcpy(rec + 19, name, len);
        if (mm_copy_out(&p->mm, buf + used, rec, reclen) != 0)
            return -LINUX_EFAULT;
        used += reclen;
        v->dir_cookie = next;
    }
}

long vfs_getcwd(struct process *p, uint64_t buf, uint64_t size)
{
    size_t n = strlen(p->cwd) + 1;
    if (size < n)
        return -LINUX_ERANGE;
    return mm_copy_out(&p->mm, buf, p->cwd, n) ? -LINUX_EFAULT : (long)n;
}

/* The working directory is kept as its physical path, as getcwd reports
 * it (a /proc directory: the path it is reached by). */
long vfs_chdir(struct process *p, uint64_t upath)
{
    char path[PATH_MAX], real[PATH_MAX];
    long r = vfs_user_path(p, AT_FDCWD, upath, path, sizeof path);
    if (r < 0)
        return r;
    struct shim_inode *node;
    struct procfs_ent pe;
    int e = vfs_resolve(p, path, true, &node, &pe);
    if (e)
        return e;
    if ((node->mode & LINUX_S_IFMT) != LINUX_S_IFDIR)
        return -LINUX_ENOTDIR;
    if ((e = shim_fs_permission(node, vfs_cred(p), 1)) != 0)
        return e;
    if (pe.what || vfs_realpath(path, real, sizeof real) != 0) {
        snprintf(real, sizeof real, "%s", path);
        vfs_canonical(real);
    }
    if (strlen(real) >= sizeof p->cwd)
        return -LINUX_ENAMETOOLONG;
    strcpy(p->cwd, real);
    return 0;
}

long vfs_fchdir(struct process *p, long fd)
{
    struct vnode *v = vfs_vnode_of(p, fd, NULL);
    if (!v)
        return -LINUX_EBADF;
    if ((v->kind != V_DIR && v->kind != V_PROCDIR) || !v->path)
        return -LINUX_ENOTDIR;
    if (strlen(v->path) >= sizeof p->cwd)
        return -LINUX_ENAMETOOLONG;
    strcpy(p->cwd, v->path);
    return 0;
}

long vfs_readlinkat(struct process *p, long dirfd, uint64_t upath, uint64_t buf, uint64_t size)
{
    if ((int64_t)size <= 0)
        return -LINUX_EINVAL;
    struct shim_inode *node;
    struct procfs_ent pe;
    int e = vfs_resolve_user(p, dirfd, upath, false, &node, &pe);
    if (e)
        return e;
    const char *target = shim_fs_readlink(node); /* /proc's links too */
    if (!target)
        return -LINUX_EINVAL;
    size_t n = strlen(target);
    if (n > size)
        n = size;
    return mm_copy_out(&p->mm, buf, target, n) ? -LINUX_EFAULT : (long)n;
}

long vfs_faccessat(struct process *p, long dirfd, uint64_t upath, unsigned mode)
{
    if (mode & ~7u)
        return -LINUX_EINVAL;
    struct shim_inode *node;
    struct procfs_ent pe;
    int e = vfs_resolve_user(p, dirfd, upath, true, &node, &pe);
    if (e)
        return e;
    /* with the real ids, not the effective ones (access(2)) */
    struct shim_cred real = {p->res.cred.u.real, p->res.cred.g.real};
    return mode ? shim_fs_permission(node, &real, mode) : 0;
}

long vfs_mkdirat(struct process *p, long dirfd, uint64_t upath, unsigned mode)
{
    char path[PATH_MAX];
    long r = vfs_user_path(p, dirfd, upath, path, sizeof path);
    if (r < 0)
        return r;
    int e = vfs_proc_refuse(path);
    if (e)
        return e == -LINUX_EBUSY ? -LINUX_EEXIST : e;
    return shim_fs_mknod(&shim_fs, vfs_cred(p), NULL, path,
                         LINUX_S_IFDIR | (mode & 07777 & ~p->umask), 0, 0, NULL);
}

long vfs_unlinkat(struct process *p, long dirfd, uint64_t upath, unsigned flags)
{
    char path[PATH_MAX];
    long r = vfs_user_path(p, dirfd, upath, path, sizeof path);
    if (r < 0)
        return r;
    if (vfs_proc_refuse(path))
        return vfs_proc_refuse(path) == -LINUX_EBUSY ? -LINUX_EBUSY : -LINUX_EACCES;
    return (flags & 0x200) ? shim_fs_rmdir(&shim_fs, vfs_cred(p), NULL, path)
                           : shim_fs_unlink(&shim_fs, vfs_cred(p), NULL, path);
}

long vfs_renameat(struct process *p, long olddir, uint64_t uold, long newdir, uint64_t unew)
{
    char a[PATH_MAX], b[PATH_MAX];
    long r = vfs_user_path(p, olddir, uold, a, sizeof a);
    if (r >= 0)
        r = vfs_user_path(p, newdir, unew, b, sizeof b);
    if (r < 0)
        return r;
    if (vfs_proc_refuse(a) || vfs_proc_refuse(b))
        return -LINUX_EXDEV; /* another file system */
    return shim_fs_rename(&shim_fs, vfs_cred(p), NULL, a, b);
}

long vfs_close(struct process *p, long fd)
{
    return fd < 0 ? -LINUX_EBADF : shim_fd_close(p->fds, (int)fd);
}

long vfs_dup3(struct process *p, long oldfd, long newfd, unsigned flags, int which)
{
    if (which == 1)
        return shim_fd_dup(p->fds, (int)oldfd);
    if (which == 2)
        return shim_fd_dup2(p->fds, (int)oldfd, (int)newfd);
    return shim_fd_dup3(p->fds, (int)oldfd, (int)newfd, flags);
}

long vfs_fcntl(struct process *p, long fd, unsigned cmd, uint64_t arg)
{
    return (long)shim_fd_fcntl(p->fds, (int)fd, cmd, arg);
}

bool vfs_is_tty(struct process *p, long fd)
{
    struct vnode *v = vfs_vnode_of(p, fd, NULL);
    return v && v->kind == V_TTY;
}

void vfs_exec(struct process *p)
{
    shim_fd_exec(p->fds);
}
