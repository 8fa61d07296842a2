/* SPDX-License-Identifier: MIT */
/*
 * tmpfs inodes: creation, lifetime, attributes, permission checks and the
 * directory entry lists (see <shim/tmpfs.h>).
 *
 * Invariants: nlink counts the directory entries naming an inode, plus, for
 * a directory, its own "." and each subdirectory's ".."; refs counts the
 * other holders. An inode is freed exactly when both reach zero, so an open
 * file that was unlinked stays readable until its last close, as on Linux.
 */
#include <string.h>
#include "tmpfs_internal.h"

static int64_t now(struct shim_fs *fs)
{
    return fs->ops.now ? fs->ops.now(fs->ops.ctx) : 0;
}

void tmpfs_touch(struct shim_inode *node, int m, int c)
{
    int64_t t = now(node->fs);
    if (m)
        node->mtime = t;
    if (c)
        node->ctime = t;
}

struct shim_inode *tmpfs_inode_new(struct shim_fs *fs, uint32_t mode, const struct shim_cred *cr)
{
    struct shim_inode *n = fs->ops.alloc(fs->ops.ctx, sizeof *n);
    if (!n)
        return NULL;
    memset(n, 0, sizeof *n);
    n->fs = fs;
    n->ino = fs->next_ino++;
    n->mode = mode;
    n->uid = cr->uid;
    n->gid = cr->gid;
    n->atime = n->mtime = n->ctime = now(fs);
    if (IS_DIR(n)) {
        n->u.dir.parent = n;
        n->u.dir.next_cookie = 3; /* 1 and 2 are "." and ".." */
    }
    return n;
}

void tmpfs_inode_release(struct shim_inode *node)
{
    if (node->nlink || node->refs)
        return;
    struct shim_fs *fs = node->fs;
    if (IS_REG(node)) {
        tmpfs_pages_trim(node, 0);
    } else if (IS_LNK(node) && node->u.lnk.target) {
        fs->ops.free(fs->ops.ctx, node->u.lnk.target, node->u.lnk.len + 1);
    }
    fs->ops.free(fs->ops.ctx, node, sizeof *node);
}

int shim_fs_init(struct shim_fs *fs, const struct shim_fs_ops *ops)
{
    static const struct shim_cred root = {0, 0};
    memset(fs, 0, sizeof *fs);
    fs->ops = *ops;
    fs->next_ino = 1;
    fs->max_file_size = UINT64_C(1) << 40;
    fs->root = tmpfs_inode_new(fs, LINUX_S_IFDIR | 0755, &root);
    if (!fs->root)
        return -LINUX_ENOMEM;
    fs->root->nlink = 2;
    return 0;
}

/* Depth-first release of a whole tree; for teardown only. */
static void destroy_tree(struct shim_inode *dir)
{
    struct shim_fs *fs = dir->fs;
    while (dir->u.dir.head) {
        struct shim_dirent *d = dir->u.dir.head;
        struct shim_inode *child = d->node;
        tmpfs_dir_remove(dir, d);
        tmpfs_dirent_free(fs, d);
        if (IS_DIR(child)) {
            destroy_tree(child);
            child->nlink = 0;
        } else {
            child->nlink--;
        }
        tmpfs_inode_release(child);
    }
}

void shim_fs_destroy(struct shim_fs *fs)
{
    if (!fs->root)
        return;
    destroy_tree(fs->root);
    fs->root->nlink = 0;
    tmpfs_inode_release(fs->root);
    fs->root = NULL;
}

void shim_fs_get(struct shim_inode *node)
{
    node->refs++;
}

void shim_fs_put(struct shim_inode *node)
{
    node->refs--;
    tmpfs_inode_release(node);
}

/* ---- Directory entries -------------------------------------------------- */

struct shim_dirent *tmpfs_dirent_new(struct shim_fs *fs, const char *name, size_t len)
{
    struct shim_dirent *d = fs->ops.alloc(fs->ops.ctx, sizeof *d + len + 1);
    if (!d)
        return NULL;
    memset(d, 0, sizeof *d);
    memcpy(d->name, name, len);
    d->name[len] = '\0';
    d->namelen = (uint32_t)len;
    return d;
}

void tmpfs_dirent_free(struct shim_fs *fs, struct shim_dirent *d)
{
    fs->ops.free(fs->ops.ctx, d, sizeof *d + d->namelen + 1);
}

struct shim_dirent *tmpfs_dir_find(struct shim_inode *dir, const char *name, size_t len)
{
    for (struct shim_dirent *d = dir->u.dir.head; d; d = d->next)
        if (d->namelen == len && !memcmp(d->name, name, len))
            return d;
    return NULL;
}

/* Appends, so that cookies increase along the list and readdir can resume
 * after any entry, even one removed since. */
void tmpfs_dir_add(struct shim_inode *dir, struct shim_dirent *d, struct shim_inode *node)
{
    struct shim_dirent **p = &dir->u.dir.head;
    while (*p)
        p = &(*p)->next;
    d->next = NULL;
    d->node = node;
    d->cookie = dir->u.dir.next_cookie++;
    *p = d;
    dir->u.dir.entries++;
    tmpfs_touch(dir, 1, 1);
}

void tmpfs_dir_remove(struct shim_inode *dir, struct shim_dirent *d)
{
    struct shim_dirent **p = &dir->u.dir.head;
    while (*p != d)
        p = &(*p)->next;
    *p = d->next;
    dir->u.dir.entries--;
    tmpfs_touch(dir, 1, 1);
}

int shim_fs_readdir(struct shim_inode *dir, uint64_t cookie, const char **name, size_t *namelen,
                    struct shim_inode **node, uint64_t *next)
{
    if (!IS_DIR(dir))
        return -LINUX_ENOTDIR;
    if (cookie < 2) {
        *name = cookie == 0 ? "." : "..";
        *namelen = cookie + 1;
        *node = cookie == 0 ? dir : dir->u.dir.parent;
        *next = cookie + 1;
        return 1;
    }
    for (struct shim_dirent *d = dir->u.dir.head; d; d = d->next) {
        if (d->cookie > cookie) {
            *name = d->name;
            *namelen = d->namelen;
            *node = d->node;
            *next = d->cookie;
            return 1;
        }
    }
    return 0;
}

/* ---- Attributes ---------------------------------------------------------- */

int shim_fs_permission(const struct shim_inode *node, const struct shim_cred *cr, unsigned mask)
{
    if (cr->uid == 0) {
        /* root may execute only what someone may execute; all else goes */
        if ((mask & 1) && !IS_DIR(node) && !(node->mode & 0111))
            return -LINUX_EACCES;
        return 0;
    }
    unsigned bits = node->mode;
    if (cr->uid == node->uid)
        bits >>= 6;
    else if (cr->gid == node->gid)
        bits >>= 3;
    return (bits & mask & 7) == (mask & 7) ? 0 : -LINUX_EACCES;
}

static int owner_or_root(const struct shim_inode *node, const struct shim_cred *cr)
{
    return cr->uid == 0 || cr->uid == node->uid;
}

int shim_fs_chmod(struct shim_inode *node, const struct shim_cred *cr, uint32_t mode)
{
    if (!owner_or_root(node, cr))
        return -LINUX_EPERM;
    mode &= 07777;
    /* Linux drops set-group-ID when the owner is not in the file's group. */
    if (cr->uid != 0 && cr->gid != node->gid)
        mode &= ~(uint32_t)LINUX_S_ISGID;
    node->mode = (node->mode & LINUX_S_IFMT) | mode;
    tmpfs_touch(node, 0, 1);
    return 0;
}

int shim_fs_chown(struct shim_inode *node, const struct shim_cred *cr, uint32_t uid, uint32_t gid)
{
    if (cr->uid != 0) {
        /* Others may only give their own file to a group they are in. */
        if (uid != SHIM_FS_UNCHANGED && uid != node->uid)
            return -LINUX_EPERM;
        if (gid != SHIM_FS_UNCHANGED &&
            (cr->uid != node->uid || (gid != cr->gid && gid != node->gid)))
            return -LINUX_EPERM;
        if (uid == SHIM_FS_UNCHANGED && gid == SHIM_FS_UNCHANGED && cr->uid != node->uid)
            return -LINUX_EPERM;
    }
    if (uid != SHIM_FS_UNCHANGED)
        node->uid = uid;
    if (gid != SHIM_FS_UNCHANGED)
        node->gid = gid;
    /* A change of owner drops set-user-ID and set-group-ID from files. */
    if (!IS_DIR(node) && (uid != SHIM_FS_UNCHANGED || gid != SHIM_FS_UNCHANGED))
        node->mode &= ~(uint32_t)(LINUX_S_ISUID | ((node->mode & 010) ? LINUX_S_ISGID : 0));
    tmpfs_touch(node, 0, 1);
    return 0;
}

int shim_fs_utimens(struct shim_inode *node, const struct shim_cred *cr, int64_t atime,
                    int64_t mtime)
{
    if (!owner_or_root(node, cr))
        return -LINUX_EPERM;
    node->atime = atime;
    node->mtime = mtime;
    tmpfs_touch(node, 0, 1);
    return 0;
}

const char *shim_fs_readlink(const struct shim_inode *node)
{
    return IS_LNK(node) ? node->u.lnk.target : NULL;
}
