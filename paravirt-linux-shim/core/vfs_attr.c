/* SPDX-License-Identifier: MIT */
/*
 * File attributes and the less common calls on files (docs/linux/kernel.md):
 * links and symbolic links, modes, owners, times, sizes, statx, statfs,
 * sendfile.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <l4/platform.h>
#include <l4/rt.h>
#include <shim/linux_abi.h>
#include "vfs_internal.h"

/* --- Links, modes, sizes, times ------------------------------------------------ */

long vfs_truncate(struct process *p, long fd, uint64_t upath, int64_t len)
{
    if (len < 0)
        return -LINUX_EINVAL;
    struct shim_inode *node;
    if (upath) {
        char path[PATH_MAX];
        long r = vfs_user_path(p, AT_FDCWD, upath, path, sizeof path);
        if (r < 0)
            return r;
        struct procfs_ent pe;
        int e = vfs_resolve(p, path, true, &node, &pe);
        if (e)
            return e;
        if (pe.what)
            return -LINUX_EACCES;
        if ((e = shim_fs_permission(node, vfs_cred(p), 2)) != 0)
            return e;
    } else {
        struct shim_file *f;
        struct vnode *v = vfs_vnode_of(p, fd, &f);
        if (!v)
            return -LINUX_EBADF;
        if (v->kind != V_REG || (f->flags & LINUX_O_ACCMODE) == LINUX_O_RDONLY)
            return -LINUX_EINVAL;
        node = v->node;
    }
    if ((node->mode & LINUX_S_IFMT) == LINUX_S_IFDIR)
        return -LINUX_EISDIR;
    if ((node->mode & LINUX_S_IFMT) != LINUX_S_IFREG)
        return -LINUX_EINVAL;
    return shim_fs_truncate(node, (uint64_t)len);
}

long vfs_symlinkat(struct process *p, uint64_t utarget, long dirfd, uint64_t upath)
{
    char target[PATH_MAX], path[PATH_MAX];
    long r = mm_copy_string(&p->mm, target, utarget, sizeof target);
    if (r < 0)
        return r;
    if (r == 0)
        return -LINUX_ENOENT;
    r = vfs_user_path(p, dirfd, upath, path, sizeof path);
    if (r < 0)
        return r;
    if (vfs_proc_refuse(path))
        return -LINUX_ENOENT;
    return shim_fs_symlink(&shim_fs, vfs_cred(p), NULL, target, path);
}

long vfs_linkat(struct process *p, long olddir, uint64_t uold, long newdir, uint64_t unew)
{
    char a[PATH_MAX], b[PATH_MAX];
    long r = vfs_user_path(p, olddir, uold, a, sizeof a);
    if (r >= 0)
        r = vfs_user_path(p, newdir, unew, b, sizeof b);
    if (r < 0)
        return r;
    if (vfs_proc_refuse(a) || vfs_proc_refuse(b))
        return -LINUX_EXDEV;
    return shim_fs_link(&shim_fs, vfs_cred(p), NULL, a, b);
}

/* The inode a path (or, with fd >= 0 and no path, a descriptor) names. */
static long inode_of(struct process *p, long dirfd, uint64_t upath, long fd, bool follow,
                     bool read_only, struct shim_inode **out)
{
    if (fd >= 0) {
        struct vnode *v = vfs_vnode_of(p, fd, NULL);
        if (!v)
            return -LINUX_EBADF;
        if (!v->node)
            return -LINUX_EINVAL;
        *out = v->node;
        return 0;
    }
    struct procfs_ent pe;
    int e = vfs_resolve_user(p, dirfd, upath, follow, out, &pe);
    return e == 0 && pe.what && !read_only ? -LINUX_EPERM : e;
}

long vfs_chmod(struct process *p, long dirfd, uint64_t upath, long fd, unsigned mode)
{
    struct shim_inode *node;
    long r = inode_of(p, dirfd, upath, fd, true, false, &node);
    return r ? r : shim_fs_chmod(node, vfs_cred(p), mode & 07777);
}

long vfs_chown(struct process *p, long dirfd, uint64_t upath, long fd, uint32_t uid, uint32_t gid,
               bool follow)
{
    struct shim_inode *node;
    long r = inode_of(p, dirfd, upath, fd, follow, false, &node);
    return r ? r : shim_fs_chown(node, vfs_cred(p), uid, gid);
}

long vfs_utimensat(struct process *p, long dirfd, uint64_t upath, uint64_t utimes, unsigned flags)
{
    struct shim_inode *node;
    long r =
        inode_of(p, dirfd, upath, upath ? -1 : dirfd, !(flags & AT_SYMLINK_NOFOLLOW), false, &node);
    if (r)
        return r;
    int64_t now = (int64_t)shim_realtime_ns(), t[2] = {now, now};
    if (utimes) {
        int64_t ts[4];
        if (mm_copy_in(&p->mm, ts, utimes, sizeof ts) != 0)
            return -LINUX_EFAULT;
        for (int i = 0; i < 2; i++) {
            int64_t ns = ts[2 * i + 1];
            if (ns == (1 << 30) - 1) /* UTIME_NOW */
                t[i] = now;
            else if (ns == (1 << 30) - 2) /* UTIME_OMIT */
                t[i] = i ? node->mtime : node->atime;
            else if (ns < 0 || ns > 999999999)
                return -LINUX_EINVAL;
            else
                t[i] = ts[2 * i] * 1000000000 + ns;
        }
    }
    return shim_fs_utimens(node, vfs_cred(p), t[0], t[1]);
}

/* statx (struct statx of linux/stat.h, 256 bytes): the basic fields. */
long vfs_statx(struct process *p, long dirfd, uint64_t upath, unsigned flags, unsigned mask,
               uint64_t buf)
{
    if (mask & 0x80000000u) /* STATX__RESERVED */
        return -LINUX_EINVAL;
    struct shim_inode *node = NULL, tmp;
    char first = 1;
    if (mm_copy_in(&p->mm, &first, upath, 1) != 0)
        return -LINUX_EFAULT;
    if (first == 0 && (flags & AT_EMPTY_PATH)) {
        struct vnode *v = vfs_vnode_of(p, dirfd, NULL);
        if (!v)
            return -LINUX_EBADF;
        if (!v->node) {
            memset(&tmp, 0, sizeof tmp);
            tmp.mode = v->kind == V_TTY ? (LINUX_S_IFCHR | 0620) : (LINUX_S_IFIFO | 0600);
            tmp.nlink = 1;
            node = &tmp;
        } else {
            node = v->node;
        }
    } else {
        long r = inode_of(p, dirfd, upath, -1, !(flags & AT_SYMLINK_NOFOLLOW), true, &node);
        if (r)
            return r;
    }
    uint8_t st[256];
    memset(st, 0, sizeof st);
    uint32_t w32;
    uint64_t w64;
#define PUT32(off, v) (w32 = (uint32_t)(v), memcpy(st + (off), &w32, 4))
#define PUT64(off, v) (w64 = (uint64_t)(v), memcpy(st + (off), &w64, 8))
    PUT32(0, 0x7ff); /* stx_mask: STATX_BASIC_STATS */
    PUT32(4, 4096);  /* stx_blksize */
    PUT32(16, node->nlink);
    PUT32(20, node->uid);
    PUT32(24, node->gid);
    uint16_t mode = (uint16_t)node->mode;
    memcpy(st + 28, &mode, 2);
    PUT64(32, node->ino);
    PUT64(40, node->size);
    PUT64(48, (node->size + 511) / 512);
    int64_t times[4] = {node->atime, node->ctime, node->ctime, node->mtime}; /* a, btime, c, m */
    for (int i = 0; i < 4; i++) {
        PUT64(64 + 16 * i, times[i] / 1000000000);
        PUT32(72 + 16 * i, times[i] % 1000000000);
    }
    PUT32(128, node->rdev_major);
    PUT32(132, node->rdev_minor);
    PUT32(136, (uint32_t)(vfs_dev_of(node) >> 8)); /* stx_dev_major, minor */
    PUT32(140, (uint32_t)(vfs_dev_of(node) & 0xff));
#undef PUT32
#undef PUT64
    return mm_copy_out(&p->mm, buf, st, sizeof st) ? -LINUX_EFAULT : 0;
}

/* statfs (struct statfs of x86-64, 120 bytes): an in-memory file system. */
long vfs_statfs(struct process *p, uint64_t upath, long fd, uint64_t buf)
{
    struct shim_inode *node;
    long r = inode_of(p, AT_FDCWD, upath, fd, true, true, &node);
    if (r)
        return r;
    uint64_t st[15];
    memset(st, 0, sizeof st);
    st[0] = 0x01021994; /* TMPFS_MAGIC */
    st[1] = 4096;
    st[2] = pmem_free_pages() + 1024; /* blocks */
    st[3] = pmem_free_pages();        /* free */
    st[4] = pmem_free_pages();        /* available */
    st[5] = 1u << 20;                 /* files */
    st[6] = 1u << 19;
    st[8] = 255;  /* f_namelen */
    st[9] = 4096; /* f_frsize */
    return mm_copy_out(&p->mm, buf, st, 120) ? -LINUX_EFAULT : 0;
}

/* sendfile: from a file at an offset (or its own) to any descriptor, in
 * chunks through the shim. */
static long sendfile_once(struct process *p, long out_fd, long in_fd, uint64_t uoff,
                          uint64_t count);

/* A sendfile parked on a full pipe: tried again when the pipe moves. */
static long sendfile_check(struct process *p, const uint64_t *a, bool final)
{
    (void) final;
    long r = sendfile_once(p, (long)a[0], (long)a[1], a[2], a[3]);
    return r == -LINUX_EAGAIN ? 0 : r;
}

long vfs_sendfile(struct process *p, long out_fd, long in_fd, uint64_t uoff, uint64_t count)
{
    long r = sendfile_once(p, out_fd, in_fd, uoff, count);
    struct shim_file *fout;
    struct vnode *vout = vfs_vnode_of(p, out_fd, &fout);
    if (r == -LINUX_EAGAIN && vout && vout->kind == V_PIPE_W && !(fout->flags & 04000)) {
        /* a blocking pipe with no room yet: wait for some, as write does */
        uint64_t args[6] = {(uint64_t)out_fd, (uint64_t)in_fd, uoff, count, 0, 0};
        return vfs_park_check(p, sendfile_check, args, 0);
    }
    return r;
}

static long sendfile_once(struct process *p, long out_fd, long in_fd, uint64_t uoff, uint64_t count)
{
    struct shim_file *fin;
    struct vnode *vin = vfs_vnode_of(p, in_fd, &fin);
    if (!vin || !vfs_vnode_of(p, out_fd, NULL))
        return -LINUX_EBADF;
    if (vin->kind != V_REG)
        return -LINUX_EINVAL;
    int64_t off = (int64_t)fin->offset;
    if (uoff && mm_copy_in(&p->mm, &off, uoff, 8) != 0)
        return -LINUX_EFAULT;
    if (off < 0)
        return -LINUX_EINVAL;
    /* through a bounce page of the process's own: its stack's top is not
     * ours to use, so go page by page via a shim buffer and the writer */
    char chunk[4096];
    uint64_t done = 0;
    while (done < count) {
        size_t k = count - done < sizeof chunk ? (size_t)(count - done) : sizeof chunk;
        int64_t r = shim_fs_read(vin->node, (uint64_t)off + done, chunk, k);
        if (r <= 0)
            break;
        long w = vfs_write_kernel(p, out_fd, chunk, (size_t)r);
        if (w < 0) {
            if (!done)
                return w;
            break; /* what went out counts, and moves the offset */
        }
        done += (uint64_t)w;
        if ((size_t)r < k || (size_t)w < (size_t)r)
            break;
    }
    if (uoff) {
        int64_t end = off + (int64_t)done;
        if (mm_copy_out(&p->mm, uoff, &end, 8) != 0)
            return -LINUX_EFAULT;
    } else {
        fin->offset += done;
    }
    return (long)done;
}
