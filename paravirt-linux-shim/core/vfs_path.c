/* SPDX-License-Identifier: MIT */
/*
 * Paths (docs/linux/kernel.md, "Files"): a process's path made absolute
 * against its working directory or a directory descriptor, made canonical
 * (lexically) or physical (every symbolic link resolved, as getcwd and
 * /proc/PID/exe report), and looked up in the in-memory file system with
 * the process's credentials, /proc first (procfs.c).
 *
 * Interface: vfs_user_path, vfs_canonical, vfs_realpath, vfs_lookup (as
 * root), vfs_resolve / vfs_resolve_user (as the process, /proc included),
 * vfs_proc_refuse, vfs_cred.
 */
#include <stdio.h>
#include <string.h>
#include <shim/linux_abi.h>
#include "vfs_internal.h"

const struct shim_cred *vfs_cred(const struct process *p)
{
    return p ? proc_fs_cred(p) : &vfs_root_cred;
}

/* The process's path, made absolute against dirfd (AT_FDCWD: its cwd). */
long vfs_user_path(struct process *p, long dirfd, uint64_t upath, char *out, size_t size)
{
    char path[PATH_MAX];
    long n = mm_copy_string(&p->mm, path, upath, sizeof path);
    if (n < 0)
        return n;
    if (path[0] == '/') {
        memcpy(out, path, (size_t)n + 1);
        return n;
    }
    if (n == 0)
        return -LINUX_ENOENT;
    const char *base = p->cwd;
    if (dirfd != AT_FDCWD) {
        struct shim_file *df = dirfd >= 0 ? shim_fd_get(p->fds, (int)dirfd) : NULL;
        if (!df)
            return -LINUX_EBADF;
        struct vnode *dv = df->priv;
        if ((dv->kind != V_DIR && dv->kind != V_PROCDIR) || !dv->path)
            return -LINUX_ENOTDIR;
        base = dv->path;
    }
    size_t c = strlen(base);
    if (c + 1 + (size_t)n + 1 > size)
        return -LINUX_ENAMETOOLONG;
    memcpy(out, base, c);
    if (c > 1)
        out[c++] = '/';
    memcpy(out + c, path, (size_t)n + 1);
    return (long)(c + (size_t)n);
}

int vfs_lookup(const char *path, bool follow, struct shim_inode **out)
{
    return shim_fs_lookup(&shim_fs, &vfs_root_cred, NULL, path, follow ? 0 : SHIM_FS_NOFOLLOW, out);
}

int vfs_resolve(struct process *p, char *path, bool follow, struct shim_inode **out,
                struct procfs_ent *pe)
{
    pe->what = 0;
    int r = procfs_resolve(p, path, follow, pe, out);
    if (r < 0)
        return r;
    if (r == 1)
        return 0;
    return shim_fs_lookup(&shim_fs, vfs_cred(p), NULL, path, follow ? 0 : SHIM_FS_NOFOLLOW, out);
}

int vfs_resolve_user(struct process *p, long dirfd, uint64_t upath, bool follow,
                     struct shim_inode **out, struct procfs_ent *pe)
{
    char path[PATH_MAX];
    long r = vfs_user_path(p, dirfd, upath, path, sizeof path);
    if (r < 0)
        return (int)r;
    return vfs_resolve(p, path, follow, out, pe);
}

int vfs_proc_refuse(const char *path)
{
    char c[PATH_MAX];
    snprintf(c, sizeof c, "%s", path);
    vfs_canonical(c);
    if (strncmp(c, "/proc", 5) != 0 || (c[5] != 0 && c[5] != '/'))
        return 0;
    return c[5] == 0 ? -LINUX_EBUSY : -LINUX_ENOENT;
}

/* Make path (absolute) canonical: no ".", "..", double slashes. */
void vfs_canonical(char *path)
{
    char out[PATH_MAX];
    size_t o = 0;
    for (const char *s = path; *s;) {
        while (*s == '/')
            s++;
        const char *e = s;
        while (*e && *e != '/')
            e++;
        size_t len = (size_t)(e - s);
        if (len == 0)
            break;
        if (len == 1 && s[0] == '.') {
        } else if (len == 2 && s[0] == '.' && s[1] == '.') {
            while (o > 0 && out[o - 1] != '/')
                o--;
            if (o > 0)
                o--;
        } else if (o + 1 + len < sizeof out) {
            out[o++] = '/';
            memcpy(out + o, s, len);
            o += len;
        }
        s = e;
    }
    if (o == 0)
        out[o++] = '/';
    out[o] = 0;
    memcpy(path, out, o + 1);
}

/* A directory's path, from its ".." pointers up to the root and each
 * one's name in its parent. */
static int dir_path(struct shim_inode *d, char *out, size_t size)
{
    char buf[PATH_MAX];
    size_t at = sizeof buf - 1;
    buf[at] = 0;
    for (int depth = 0; d != shim_fs.root; depth++) {
        struct shim_inode *up = d->u.dir.parent;
        const struct shim_dirent *e = up && depth < PATH_MAX / 2 ? up->u.dir.head : NULL;
        while (e && e->node != d)
            e = e->next;
        if (!e)
            return -LINUX_ENOENT; /* removed: unreachable from the root */
        if (e->namelen + 1 > at)
            return -LINUX_ENAMETOOLONG;
        at -= e->namelen;
        memcpy(buf + at, e->name, e->namelen);
        buf[--at] = '/';
        d = up;
    }
    const char *s = buf[at] ? buf + at : "/";
    if (strlen(s) + 1 > size)
        return -LINUX_ERANGE;
    strcpy(out, s);
    return 0;
}

int vfs_realpath(const char *path, char *out, size_t size)
{
    char cur[PATH_MAX];
    snprintf(cur, sizeof cur, "%s", path);
    for (int hops = 0; hops <= 40; hops++) {
        struct shim_inode *n;
        int e = vfs_lookup(cur, false, &n);
        if (e)
            return e;
        unsigned type = n->mode & LINUX_S_IFMT;
        if (type == LINUX_S_IFDIR)
            return dir_path(n, out, size);
        /* its directory's path and its own name */
        size_t len = strlen(cur);
        while (len > 1 && cur[len - 1] == '/')
            len--;
        size_t slash = len;
        while (slash > 0 && cur[slash - 1] != '/')
            slash--;
        char dir[PATH_MAX];
        memcpy(dir, cur, slash);
        dir[slash] = 0;
        if (slash == 0)
            strcpy(dir, "/");
        if (type == LINUX_S_IFLNK) {
            const char *t = shim_fs_readlink(n);
            char next[PATH_MAX];
            int w = t[0] == '/' ? snprintf(next, sizeof next, "%s", t)
                                : snprintf(next, sizeof next, "%s/%s", dir, t);
            if (w < 0 || (size_t)w >= sizeof next)
                return -LINUX_ENAMETOOLONG;
            memcpy(cur, next, (size_t)w + 1);
            continue;
        }
        struct shim_inode *d;
        e = vfs_lookup(dir, true, &d);
        if (e == 0)
            e = dir_path(d, out, size);
        if (e)
            return e;
        size_t o = strlen(out), nl = len - slash;
        if (o + 1 + nl + 1 > size)
            return -LINUX_ENAMETOOLONG;
        if (o > 1)
            out[o++] = '/';
        memcpy(out + o, cur + slash, nl);
        out[o + nl] = 0;
        return 0;
    }
    return -LINUX_ELOOP;
}
