/* SPDX-License-Identifier: MIT */
/*
 * What the tmpfs files share among themselves (not part of <shim/tmpfs.h>):
 * inode creation and release, directory entry lists, the page store.
 */
#ifndef SHIM_FS_TMPFS_INTERNAL_H
#define SHIM_FS_TMPFS_INTERNAL_H

#include <shim/linux_abi.h>
#include <shim/tmpfs.h>

#define IS_TYPE(node, t) (((node)->mode & LINUX_S_IFMT) == (t))
#define IS_DIR(node)     IS_TYPE(node, LINUX_S_IFDIR)
#define IS_REG(node)     IS_TYPE(node, LINUX_S_IFREG)
#define IS_LNK(node)     IS_TYPE(node, LINUX_S_IFLNK)

/* A new inode with nlink 0 and no holder; NULL when memory is out. */
struct shim_inode *tmpfs_inode_new(struct shim_fs *fs, uint32_t mode, const struct shim_cred *cr);
/* Frees the inode if neither a link nor a holder remains. */
void tmpfs_inode_release(struct shim_inode *node);
void tmpfs_touch(struct shim_inode *node, int m, int c);

/* Directory entries. dir_find returns the entry or NULL; dir_add takes an
 * entry made by dirent_new (cannot fail); dir_remove unhooks one (the
 * caller then drops the link). */
struct shim_dirent *tmpfs_dirent_new(struct shim_fs *fs, const char *name, size_t len);
void tmpfs_dirent_free(struct shim_fs *fs, struct shim_dirent *d);
struct shim_dirent *tmpfs_dir_find(struct shim_inode *dir, const char *name, size_t len);
void tmpfs_dir_add(struct shim_inode *dir, struct shim_dirent *d, struct shim_inode *node);
void tmpfs_dir_remove(struct shim_inode *dir, struct shim_dirent *d);

/* Gives node one more name (link(2) once the old name is resolved). */
int tmpfs_link_node(struct shim_fs *fs, const struct shim_cred *cr, struct shim_inode *cwd,
                    struct shim_inode *old, const char *newpath);

/* The page store of a regular file: frees every page at or past size. */
void tmpfs_pages_trim(struct shim_inode *node, uint64_t size);

#endif
