/* SPDX-License-Identifier: MIT */
/*
 * What the files of the shim share (vfs.c: paths, descriptions, reads and
 * writes, directories; vfs_block.c: pipes, parked readers and writers,
 * poll; vfs_attr.c: links, modes, sizes, times, statx, statfs, sendfile).
 */
#ifndef SHIM_VFS_INTERNAL_H
#define SHIM_VFS_INTERNAL_H

#include <shim/fd.h>
#include <shim/pipe.h>
#include <shim/tmpfs.h>
#include <shim/tty.h>
#include "shim.h"

#define AT_FDCWD            (-100)
#define AT_SYMLINK_NOFOLLOW 0x100
#define AT_EMPTY_PATH       0x1000
#define O_DIRECTORY         0200000
#define O_NOFOLLOW          0400000
#define O_CLOEXEC           02000000
#define O_TRUNC             01000
#define O_APPEND            02000
#define O_EXCL              0200
#define PATH_MAX            4096

extern struct shim_fs shim_fs;
extern const struct shim_cred vfs_root_cred;

enum vkind {
    V_TTY,
    V_REG,
    V_DIR,
    V_PIPE_R,
    V_PIPE_W,
    V_NULL,
    V_ZERO,
    V_FULL,
    V_RANDOM,
    V_HOST_IN,
    V_HOST_OUT,
    V_HOST_ERR, /* the host channel: keep last */
};

#define PIPE_BYTES 65536 /* Linux's default pipe capacity */

struct vpipe {
    struct shim_pipe pipe;
    unsigned ends; /* descriptions of either end still open */
    unsigned char buf[PIPE_BYTES];
};

struct vnode {
    enum vkind kind;
    struct shim_inode *node; /* V_REG, V_DIR (a reference held) */
    uint64_t dir_cookie;     /* V_DIR: getdents64 position */
    struct vpipe *pipe;      /* V_PIPE_R, V_PIPE_W */
    char *path;              /* V_DIR: its canonical path, for *at() calls */
};

extern struct shim_tty shim_tty;

struct shim_file *vfs_new_file(enum vkind kind, struct shim_inode *node, uint32_t flags);
struct vnode *vfs_vnode_of(struct process *p, long fd, struct shim_file **file);
long vfs_user_path(struct process *p, long dirfd, uint64_t upath, char *out, size_t size);
int vfs_lookup(const char *path, bool follow, struct shim_inode **out);
void vfs_canonical(char *path);
long vfs_put_stat(struct process *p, uint64_t buf, const struct shim_inode *n, bool tty);
/* vfs_block.c */
void vfs_wake_pipe(struct vpipe *vp);
long vfs_pipe_io(struct process *p, struct vpipe *vp, uint64_t buf, uint64_t n, bool write);
long vfs_tty_io(struct process *p, uint64_t buf, uint64_t n);
long vfs_park(struct process *p, struct vpipe *vp, long fd, uint64_t buf, uint64_t n, bool write);

#endif
