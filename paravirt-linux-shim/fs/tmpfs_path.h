/* SPDX-License-Identifier: MIT */
/*
 * The parent-and-name lookup the namespace calls start from (tmpfs_path.c).
 */
#ifndef SHIM_FS_TMPFS_PATH_H
#define SHIM_FS_TMPFS_PATH_H

#include <shim/tmpfs.h>

struct tmpfs_last {
    struct shim_inode *dir; /* the directory holding the last component */
    const char *name;       /* the last component, inside the path */
    size_t len;
    int dot;   /* the last component is "." or "..", or (len 0) the path is "/" */
    int slash; /* slashes follow it */
};

/* Resolves every component but the last (following symbolic links); the
 * last one is not looked up. */
int tmpfs_lookup_parent(struct shim_fs *fs, const struct shim_cred *cr, struct shim_inode *cwd,
                        const char *path, struct tmpfs_last *last);

#endif
