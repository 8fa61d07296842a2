/* SPDX-License-Identifier: MIT */
/*
 * Path resolution in the tmpfs (see <shim/tmpfs.h>): Linux's rules.
 *
 * A path is walked a component at a time from the root ("/...") or the
 * working directory; "." stays, ".." goes to the parent (the root's parent
 * is the root); every directory passed needs search permission; a symbolic
 * link met in the middle of a path, or at its end unless NOFOLLOW, is
 * replaced by its target, walked from the link's directory, and counts
 * towards SHIM_FS_MAX_SYMLINKS for the whole lookup (then ELOOP). A
 * trailing slash makes the last component a directory.
 */
#include <string.h>
#include "tmpfs_internal.h"
#include "tmpfs_path.h"

struct walk {
    struct shim_fs *fs;
    const struct shim_cred *cr;
    unsigned links;
};

static int walk(struct walk *w, struct shim_inode *dir, const char *path, size_t len,
                unsigned flags, struct shim_inode **out);

/* Steps from dir over one component (not "." or ".."); *node is the result,
 * with a symbolic link followed when follow is set. */
static int step(struct walk *w, struct shim_inode *dir, const char *name, size_t n, int follow,
                struct shim_inode **node)
{
    if (!IS_DIR(dir))
        return -LINUX_ENOTDIR;
    int err = shim_fs_permission(dir, w->cr, 1);
    if (err)
        return err;
    if (n > LINUX_NAME_MAX)
        return -LINUX_ENAMETOOLONG;
    struct shim_dirent *d = tmpfs_dir_find(dir, name, n);
    if (!d)
        return -LINUX_ENOENT;
    struct shim_inode *next = d->node;
    if (IS_LNK(next) && follow) {
        if (++w->links > SHIM_FS_MAX_SYMLINKS)
            return -LINUX_ELOOP;
        const char *t = next->u.lnk.target;
        return walk(w, t[0] == '/' ? w->fs->root : dir, t, next->u.lnk.len, 0, node);
    }
    *node = next;
    return 0;
}

static int walk(struct walk *w, struct shim_inode *dir, const char *path, size_t len,
                unsigned flags, struct shim_inode **out)
{
    size_t i = 0;
    if (len == 0)
        return -LINUX_ENOENT;
    struct shim_inode *cur = dir;
    while (i < len) {
        if (path[i] == '/') {
            i++;
            continue;
        }
        size_t s = i;
        while (i < len && path[i] != '/')
            i++;
        size_t n = i - s, j = i;
        while (j < len && path[j] == '/')
            j++;
        int last = j == len, slash = last && j > i;
        const char *name = path + s;
        /* Linux's may_lookup(): every component, ".", ".." and the last
         * included, needs search permission on the directory it is in. */
        int err = shim_fs_permission(cur, w->cr, 1);
        if (err)
            return err;
        if (n == 1 && name[0] == '.') {
            if (!IS_DIR(cur))
                return -LINUX_ENOTDIR;
        } else if (n == 2 && name[0] == '.' && name[1] == '.') {
            if (!IS_DIR(cur))
                return -LINUX_ENOTDIR;
            cur = cur->u.dir.parent;
        } else {
            int follow = !last || slash || !(flags & SHIM_FS_NOFOLLOW);
            if ((err = step(w, cur, name, n, follow, &cur)))
                return err;
        }
        if ((!last || slash) && !IS_DIR(cur))
            return -LINUX_ENOTDIR;
    }
    if ((flags & SHIM_FS_DIRECTORY) && !IS_DIR(cur))
        return -LINUX_ENOTDIR;
    *out = cur;
    return 0;
}

static int check_path(const char *path, size_t *len)
{
    size_t n = 0;
    while (n < LINUX_PATH_MAX && path[n])
        n++;
    if (n == LINUX_PATH_MAX)
        return -LINUX_ENAMETOOLONG;
    if (n == 0)
        return -LINUX_ENOENT;
    *len = n;
    return 0;
}

int shim_fs_lookup(struct shim_fs *fs, const struct shim_cred *cr, struct shim_inode *cwd,
                   const char *path, unsigned flags, struct shim_inode **out)
{
    size_t len;
    int err = check_path(path, &len);
    if (err)
        return err;
    struct walk w = {fs, cr, 0};
    return walk(&w, path[0] == '/' || !cwd ? fs->root : cwd, path, len, flags, out);
}

int tmpfs_lookup_parent(struct shim_fs *fs, const struct shim_cred *cr, struct shim_inode *cwd,
                        const char *path, struct tmpfs_last *last)
{
    size_t len;
    int err = check_path(path, &len);
    if (err)
        return err;
    /* The last component and whether slashes follow it. */
    size_t end = len;
    while (end > 0 && path[end - 1] == '/')
        end--;
    last->slash = end < len;
    size_t start = end;
    while (start > 0 && path[start - 1] != '/')
        start--;
    struct shim_inode *base = path[0] == '/' || !cwd ? fs->root : cwd;
    if (end == 0) { /* "/" or "///": the root itself */
        last->dir = fs->root;
        last->name = "";
        last->len = 0;
        last->dot = 1;
        return 0;
    }
    last->name = path + start;
    last->len = end - start;
    if (last->len > LINUX_NAME_MAX)
        return -LINUX_ENAMETOOLONG;
    last->dot = (last->len == 1 && last->name[0] == '.') ||
                (last->len == 2 && last->name[0] == '.' && last->name[1] == '.');
    if (start == 0) {
        last->dir = base;
    } else {
        struct walk w = {fs, cr, 0};
        if ((err = walk(&w, base, path, start, SHIM_FS_DIRECTORY, &last->dir)))
            return err;
    }
    if (!IS_DIR(last->dir))
        return -LINUX_ENOTDIR;
    /* the last component is looked up in it: search permission (the
     * namespace calls then check write permission where they change it) */
    return shim_fs_permission(last->dir, cr, 1);
}
