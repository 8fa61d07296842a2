/* SPDX-License-Identifier: MIT */
/*
 * The tmpfs namespace calls: mknod, symlink, link, unlink, rmdir, rename
 * (see <shim/tmpfs.h>), with the errors Linux gives, checked in Linux's
 * order where it matters to a program (ENOENT before EACCES, say).
 *
 * Each call checks everything and allocates everything first, then changes
 * the tree in steps that cannot fail: a refused or out-of-memory call
 * leaves the file system as it was.
 */
#include <stdbool.h>
#include <string.h>
#include "tmpfs_internal.h"
#include "tmpfs_path.h"

/* Write and search permission on a directory about to change. */
static int may_change(struct shim_inode *dir, const struct shim_cred *cr)
{
    return shim_fs_permission(dir, cr, 3);
}

/* The sticky bit: in a directory with S_ISVTX, only the owner of an entry
 * or of the directory (or root) removes or renames it. */
static int sticky_denies(struct shim_inode *dir, struct shim_inode *node,
                         const struct shim_cred *cr)
{
    return (dir->mode & LINUX_S_ISVTX) && cr->uid != 0 && cr->uid != node->uid &&
           cr->uid != dir->uid;
}

static void link_into(struct shim_inode *dir, struct shim_dirent *d, struct shim_inode *node)
{
    tmpfs_dir_add(dir, d, node);
    node->nlink++;
    if (IS_DIR(node)) {
        node->nlink++; /* its "." */
        node->u.dir.parent = dir;
        dir->nlink++; /* its ".." */
    }
}

/* Where a new name goes: the parent directory, checked for a free entry
 * and for write permission. A trailing slash is allowed only for a new
 * directory. */
static int lookup_new(struct shim_fs *fs, const struct shim_cred *cr, struct shim_inode *cwd,
                      const char *path, bool is_dir, struct tmpfs_last *l)
{
    int err = tmpfs_lookup_parent(fs, cr, cwd, path, l);
    if (err)
        return err;
    if (l->dot || tmpfs_dir_find(l->dir, l->name, l->len))
        return -LINUX_EEXIST;
    if (l->slash && !is_dir)
        return -LINUX_ENOENT;
    return may_change(l->dir, cr);
}

int shim_fs_mknod(struct shim_fs *fs, const struct shim_cred *cr, struct shim_inode *cwd,
                  const char *path, uint32_t mode, uint32_t major, uint32_t minor,
                  struct shim_inode **out)
{
    switch (mode & LINUX_S_IFMT) {
    case LINUX_S_IFREG:
    case LINUX_S_IFDIR:
    case LINUX_S_IFCHR:
    case LINUX_S_IFBLK:
    case LINUX_S_IFIFO:
    case LINUX_S_IFSOCK:
        break;
    default:
        return -LINUX_EINVAL;
    }
    struct tmpfs_last l;
    int err = lookup_new(fs, cr, cwd, path, (mode & LINUX_S_IFMT) == LINUX_S_IFDIR, &l);
    if (err)
        return err;
    if ((mode & LINUX_S_IFMT) == LINUX_S_IFDIR && l.dir->nlink >= SHIM_FS_MAX_NLINK)
        return -LINUX_EMLINK;
    struct shim_inode *node = tmpfs_inode_new(fs, mode & (LINUX_S_IFMT | 07777), cr);
    struct shim_dirent *d = tmpfs_dirent_new(fs, l.name, l.len);
    if (!node || !d) {
        if (node)
            tmpfs_inode_release(node);
        if (d)
            tmpfs_dirent_free(fs, d);
        return -LINUX_ENOSPC;
    }
    node->rdev_major = major;
    node->rdev_minor = minor;
    /* A set-group-ID directory hands its group (and, to directories, the
     * bit) to what is made in it. */
    if (l.dir->mode & LINUX_S_ISGID) {
        node->gid = l.dir->gid;
        if (IS_DIR(node))
            node->mode |= LINUX_S_ISGID;
    }
    link_into(l.dir, d, node);
    if (out)
        *out = node;
    return 0;
}

int shim_fs_symlink(struct shim_fs *fs, const struct shim_cred *cr, struct shim_inode *cwd,
                    const char *target, const char *path)
{
    size_t tlen = 0;
    while (tlen < LINUX_PATH_MAX && target[tlen])
        tlen++;
    if (tlen == 0)
        return -LINUX_ENOENT;
    if (tlen == LINUX_PATH_MAX)
        return -LINUX_ENAMETOOLONG;
    struct tmpfs_last l;
    int err = lookup_new(fs, cr, cwd, path, false, &l);
    if (err)
        return err;
    struct shim_inode *node = tmpfs_inode_new(fs, LINUX_S_IFLNK | 0777, cr);
    struct shim_dirent *d = tmpfs_dirent_new(fs, l.name, l.len);
    char *t = fs->ops.alloc(fs->ops.ctx, tlen + 1);
    if (!node || !d || !t) {
        if (node)
            tmpfs_inode_release(node);
        if (d)
            tmpfs_dirent_free(fs, d);
        if (t)
            fs->ops.free(fs->ops.ctx, t, tlen + 1);
        return -LINUX_ENOSPC;
    }
    memcpy(t, target, tlen + 1);
    node->u.lnk.target = t;
    node->u.lnk.len = tlen;
    node->size = tlen;
    link_into(l.dir, d, node);
    return 0;
}

int tmpfs_link_node(struct shim_fs *fs, const struct shim_cred *cr, struct shim_inode *cwd,
                    struct shim_inode *old, const char *newpath)
{
    struct tmpfs_last l;
    int err = lookup_new(fs, cr, cwd, newpath, false, &l);
    if (err)
        return err;
    if (IS_DIR(old))
        return -LINUX_EPERM;
    if (old->nlink >= SHIM_FS_MAX_NLINK)
        return -LINUX_EMLINK;
    struct shim_dirent *d = tmpfs_dirent_new(fs, l.name, l.len);
    if (!d)
        return -LINUX_ENOSPC;
    link_into(l.dir, d, old);
    tmpfs_touch(old, 0, 1);
    return 0;
}

int shim_fs_link(struct shim_fs *fs, const struct shim_cred *cr, struct shim_inode *cwd,
                 const char *oldpath, const char *newpath)
{
    struct shim_inode *old;
    /* link(2) does not follow a final symbolic link: it links the link. */
    int err = shim_fs_lookup(fs, cr, cwd, oldpath, SHIM_FS_NOFOLLOW, &old);
    if (err)
        return err;
    return tmpfs_link_node(fs, cr, cwd, old, newpath);
}

/* Drops the entry d of dir; the inode goes when nothing else holds it. */
static void unlink_entry(struct shim_inode *dir, struct shim_dirent *d)
{
    struct shim_inode *node = d->node;
    tmpfs_dir_remove(dir, d);
    tmpfs_dirent_free(dir->fs, d);
    if (IS_DIR(node)) {
        node->nlink = 0;
        dir->nlink--;
    } else {
        node->nlink--;
    }
    tmpfs_touch(node, 0, 1);
    tmpfs_inode_release(node);
}

int shim_fs_unlink(struct shim_fs *fs, const struct shim_cred *cr, struct shim_inode *cwd,
                   const char *path)
{
    struct tmpfs_last l;
    int err = tmpfs_lookup_parent(fs, cr, cwd, path, &l);
    if (err)
        return err;
    if (l.dot)
        return -LINUX_EISDIR;
    struct shim_dirent *d = tmpfs_dir_find(l.dir, l.name, l.len);
    if (!d)
        return -LINUX_ENOENT;
    if (l.slash)
        return IS_DIR(d->node) ? -LINUX_EISDIR : -LINUX_ENOTDIR;
    /* may_delete(): permission, sticky bit, then the type */
    if ((err = may_change(l.dir, cr)))
        return err;
    if (sticky_denies(l.dir, d->node, cr))
        return -LINUX_EPERM;
    if (IS_DIR(d->node))
        return -LINUX_EISDIR;
    unlink_entry(l.dir, d);
    return 0;
}

int shim_fs_rmdir(struct shim_fs *fs, const struct shim_cred *cr, struct shim_inode *cwd,
                  const char *path)
{
    struct tmpfs_last l;
    int err = tmpfs_lookup_parent(fs, cr, cwd, path, &l);
    if (err)
        return err;
    if (l.dot) /* "/" itself, ".", ".." */
        return l.len == 0 ? -LINUX_EBUSY : l.len == 1 ? -LINUX_EINVAL : -LINUX_ENOTEMPTY;
    struct shim_dirent *d = tmpfs_dir_find(l.dir, l.name, l.len);
    if (!d)
        return -LINUX_ENOENT;
    /* may_delete(): permission, sticky bit, then the type */
    if ((err = may_change(l.dir, cr)))
        return err;
    if (sticky_denies(l.dir, d->node, cr))
        return -LINUX_EPERM;
    if (!IS_DIR(d->node))
        return -LINUX_ENOTDIR;
    if (d->node->u.dir.entries)
        return -LINUX_ENOTEMPTY;
    unlink_entry(l.dir, d);
    return 0;
}

/* Is a inside the tree of directory b (or b itself)? */
static int within(struct shim_inode *a, struct shim_inode *b)
{
    for (;;) {
        if (a == b)
            return 1;
        if (a->u.dir.parent == a)
            return 0;
        a = a->u.dir.parent;
    }
}

int shim_fs_rename(struct shim_fs *fs, const struct shim_cred *cr, struct shim_inode *cwd,
                   const char *oldpath, const char *newpath)
{
    struct tmpfs_last o, n;
    int err = tmpfs_lookup_parent(fs, cr, cwd, oldpath, &o);
    if (err)
        return err;
    if ((err = tmpfs_lookup_parent(fs, cr, cwd, newpath, &n)))
        return err;
    if (o.dot || n.dot)
        return -LINUX_EBUSY;
    struct shim_dirent *od = tmpfs_dir_find(o.dir, o.name, o.len);
    if (!od)
        return -LINUX_ENOENT;
    struct shim_inode *node = od->node;
    struct shim_dirent *nd = tmpfs_dir_find(n.dir, n.name, n.len);
    struct shim_inode *victim = nd ? nd->node : NULL;
    if ((o.slash || n.slash) && !IS_DIR(node))
        return -LINUX_ENOTDIR;
    /* Linux's lock_rename() traps: the source may not be an ancestor of
     * the target, nor the target one of the source. */
    if (IS_DIR(node) && within(n.dir, node))
        return -LINUX_EINVAL;
    if (victim && IS_DIR(victim) && within(o.dir, victim))
        return -LINUX_ENOTEMPTY;
    if (victim == node)
        return 0; /* two names of one inode: nothing happens */
    /* may_delete() of the source, then of the target or may_create() */
    if ((err = may_change(o.dir, cr)))
        return err;
    if (sticky_denies(o.dir, node, cr))
        return -LINUX_EPERM;
    if ((err = may_change(n.dir, cr)))
        return err;
    if (victim) {
        if (sticky_denies(n.dir, victim, cr))
            return -LINUX_EPERM;
        if (IS_DIR(node) && !IS_DIR(victim))
            return -LINUX_ENOTDIR;
        if (!IS_DIR(node) && IS_DIR(victim))
            return -LINUX_EISDIR;
    }
    /* A directory that changes parent has its ".." rewritten: that takes
     * write permission on it, as on Linux. */
    if (IS_DIR(node) && n.dir != o.dir && (err = shim_fs_permission(node, cr, 2)))
        return err;
    if (victim && IS_DIR(victim) && victim->u.dir.entries)
        return -LINUX_ENOTEMPTY;
    if (!victim && IS_DIR(node) && n.dir != o.dir && n.dir->nlink >= SHIM_FS_MAX_NLINK)
        return -LINUX_EMLINK;
    struct shim_dirent *d = tmpfs_dirent_new(fs, n.name, n.len);
    if (!d)
        return -LINUX_ENOSPC;

    /* From here on nothing fails; the moved inode keeps its link count
     * (a directory's includes its subdirectories' ".."). */
    if (nd)
        unlink_entry(n.dir, nd);
    tmpfs_dir_remove(o.dir, od);
    tmpfs_dirent_free(fs, od);
    tmpfs_dir_add(n.dir, d, node);
    if (IS_DIR(node)) {
        o.dir->nlink--;
        n.dir->nlink++;
        node->u.dir.parent = n.dir;
    }
    tmpfs_touch(node, 0, 1);
    return 0;
}
