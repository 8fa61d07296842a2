/* SPDX-License-Identifier: MIT */
/*
 * Unpacking an initramfs (cpio newc) into the tmpfs, as the kernel's
 * init/initramfs.c does (see shim_fs_unpack_cpio() in <shim/tmpfs.h>).
 *
 * Each entry is created as root with the archive's mode, owner and mtime;
 * missing parent directories are made (0755); an existing non-directory of
 * the same name is replaced, an existing directory keeps its contents and
 * takes the new attributes. Regular files with nlink > 1 that share
 * (ino, devmajor, devminor) become hard links of the first one seen, as
 * newc stores them (the data comes with the last of them); the unpacker
 * holds those inodes (shim_fs_get) until it is done, so that a later entry
 * replacing the first name cannot free one under it. Directory mtimes are
 * set at the end, since adding entries changes them.
 */
#include <string.h>
#include <shim/cpio.h>
#include "tmpfs_internal.h"

#define MAX_HARDLINKS 256

struct unpack {
    struct shim_fs *fs;
    char path[LINUX_PATH_MAX];
    char target[LINUX_PATH_MAX];
    unsigned nlinks;
    struct {
        uint32_t ino, major, minor;
        struct shim_inode *node;
    } links[MAX_HARDLINKS];
};

static const struct shim_cred root = {0, 0};

/* Strips "./" and "/" prefixes; "." alone is the root itself. */
static const char *clean_name(const char *name)
{
    for (;;) {
        if (name[0] == '/')
            name++;
        else if (name[0] == '.' && name[1] == '/')
            name += 2;
        else
            return name;
    }
}

/* Makes every missing directory above the last component of path. */
static int make_parents(struct shim_fs *fs, char *path)
{
    for (char *p = path; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        struct shim_inode *dir;
        int err = shim_fs_lookup(fs, &root, fs->root, path, 0, &dir);
        if (err == -LINUX_ENOENT)
            err = shim_fs_mknod(fs, &root, fs->root, path, LINUX_S_IFDIR | 0755, 0, 0, NULL);
        else if (!err && !IS_DIR(dir))
            err = -LINUX_ENOTDIR;
        *p = '/';
        if (err)
            return err;
    }
    return 0;
}

static int unpack_one(struct unpack *u, const struct shim_cpio_entry *e)
{
    struct shim_fs *fs = u->fs;
    char *path = u->path;
    uint32_t type = e->mode & LINUX_S_IFMT;
    int err = make_parents(fs, path);
    if (err)
        return err;

    struct shim_inode *node = NULL;
    int exists = shim_fs_lookup(fs, &root, fs->root, path, SHIM_FS_NOFOLLOW, &node) == 0;
    if (exists && !(type == LINUX_S_IFDIR && IS_DIR(node))) {
        err = IS_DIR(node) ? shim_fs_rmdir(fs, &root, fs->root, path)
                           : shim_fs_unlink(fs, &root, fs->root, path);
        if (err)
            return err;
        exists = 0;
    }

    if (type == LINUX_S_IFLNK) {
        memcpy(u->target, e->data, e->size); /* size < PATH_MAX: the reader checked */
        u->target[e->size] = '\0';
        if (memchr(u->target, '\0', e->size))
            return -LINUX_EINVAL;
        if ((err = shim_fs_symlink(fs, &root, fs->root, u->target, path)))
            return err;
        if ((err = shim_fs_lookup(fs, &root, fs->root, path, SHIM_FS_NOFOLLOW, &node)))
            return err;
        node->uid = e->uid;
        node->gid = e->gid;
        node->mtime = (int64_t)e->mtime * 1000000000;
        return 0;
    }

    int linked = 0;
    if (type == LINUX_S_IFREG && e->nlink > 1) {
        for (unsigned i = 0; i < u->nlinks && !linked; i++) {
            if (u->links[i].ino == e->ino && u->links[i].major == e->devmajor &&
                u->links[i].minor == e->devminor) {
                node = u->links[i].node;
                if ((err = tmpfs_link_node(fs, &root, fs->root, node, path)))
                    return err;
                linked = 1;
            }
        }
    }
    if (!linked && !exists) {
        err = shim_fs_mknod(fs, &root, fs->root, path, e->mode, e->rdevmajor, e->rdevminor, &node);
        if (err)
            return err;
        if (type == LINUX_S_IFREG && e->nlink > 1) {
            if (u->nlinks == MAX_HARDLINKS)
                return -LINUX_ENOMEM;
            u->links[u->nlinks].ino = e->ino;
            u->links[u->nlinks].major = e->devmajor;
            u->links[u->nlinks].minor = e->devminor;
            u->links[u->nlinks++].node = node;
            shim_fs_get(node);
        }
    }
    if (type == LINUX_S_IFREG && e->size) {
        if ((err = shim_fs_truncate(node, 0)))
            return err;
        int64_t n = shim_fs_write(node, 0, e->data, e->size);
        if (n < 0)
            return (int)n;
        if ((uint64_t)n != e->size)
            return -LINUX_ENOSPC;
    }
    node->mode = (node->mode & LINUX_S_IFMT) | (e->mode & 07777);
    node->uid = e->uid;
    node->gid = e->gid;
    node->mtime = (int64_t)e->mtime * 1000000000;
    return 0;
}

int shim_fs_unpack_cpio(struct shim_fs *fs, const void *archive, size_t size,
                        const char **bad_entry)
{
    struct unpack *u = fs->ops.alloc(fs->ops.ctx, sizeof *u);
    if (!u)
        return -LINUX_ENOMEM;
    memset(u, 0, sizeof *u);
    u->fs = fs;
    struct shim_cpio c;
    struct shim_cpio_entry e;
    int r, err = 0;
    shim_cpio_init(&c, archive, size);
    while (!err && (r = shim_cpio_next(&c, &e)) == 1) {
        const char *name = clean_name(e.name);
        size_t len = strlen(name);
        while (len > 0 && name[len - 1] == '/')
            len--;
        if (len == 0 || (len == 1 && name[0] == '.'))
            continue; /* the root: exists already */
        memcpy(u->path, name, len);
        u->path[len] = '\0';
        if ((err = unpack_one(u, &e)) && bad_entry)
            *bad_entry = e.name;
    }
    if (!err && r < 0) {
        if (bad_entry)
            *bad_entry = shim_cpio_strerror(r);
        err = -LINUX_EINVAL;
    }
    /* Directories got new entries after their own: their mtimes go last,
     * as the kernel's dir_utime() does, in a second pass over the archive
     * (read whole and without error by now). */
    shim_cpio_init(&c, archive, size);
    while (!err && shim_cpio_next(&c, &e) == 1) {
        struct shim_inode *dir = fs->root;
        const char *name = clean_name(e.name);
        if ((e.mode & LINUX_S_IFMT) != LINUX_S_IFDIR)
            continue;
        if ((name[0] && strcmp(name, ".") &&
             shim_fs_lookup(fs, &root, fs->root, name, SHIM_FS_NOFOLLOW, &dir)) ||
            (dir->mode & LINUX_S_IFMT) != LINUX_S_IFDIR)
            continue;
        dir->mtime = (int64_t)e.mtime * 1000000000;
    }
    for (unsigned i = 0; i < u->nlinks; i++)
        shim_fs_put(u->links[i].node);
    fs->ops.free(fs->ops.ctx, u, sizeof *u);
    return err;
}
