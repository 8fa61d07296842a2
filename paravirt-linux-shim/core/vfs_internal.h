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
#define O_TMPFILE_ONLY      020000000 /* __O_TMPFILE (O_TMPFILE without O_DIRECTORY) */
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
    V_PROC,    /* a /proc file: a snapshot taken at open */
    V_PROCDIR, /* a /proc directory: listed from the tables at each read */
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

/* What a path under /proc names (procfs.c): an entry, for which process
 * and descriptor. */
struct procfs_ent {
    int what; /* PROCFS_* (procfs.c); 0: not a /proc object */
    int pid;
    int fd;
};

struct vnode {
    enum vkind kind;
    struct shim_inode *node; /* V_REG, V_DIR (a reference held) */
    uint64_t dir_cookie;     /* V_DIR: getdents64 position */
    struct vpipe *pipe;      /* V_PIPE_R, V_PIPE_W */
    char *path;              /* what it was opened as: the physical path
                              * (V_DIR: for *at() calls; /proc/PID/fd) */
    char *buf;               /* V_PROC: the contents */
    size_t len;
    struct procfs_ent pe; /* V_PROC, V_PROCDIR */
};

extern struct shim_tty shim_tty;

struct shim_file *vfs_new_file(enum vkind kind, struct shim_inode *node, uint32_t flags);
struct vnode *vfs_vnode_of(struct process *p, long fd, struct shim_file **file);
long vfs_user_path(struct process *p, long dirfd, uint64_t upath, char *out, size_t size);
/* vfs_path.c */
int vfs_lookup(const char *path, bool follow, struct shim_inode **out);
/* A path of p (absolute, in a PATH_MAX buffer that a link out of /proc
 * may rewrite): the inode, or /proc's scratch inode with *pe set. */
int vfs_resolve(struct process *p, char *path, bool follow, struct shim_inode **out,
                struct procfs_ent *pe);
/* The same with the caller's path as it was given (dirfd, a user pointer). */
int vfs_resolve_user(struct process *p, long dirfd, uint64_t upath, bool follow,
                     struct shim_inode **out, struct procfs_ent *pe);
/* 0, or the error of a namespace change under /proc (it makes nothing). */
int vfs_proc_refuse(const char *path);
void vfs_canonical(char *path);
/* The physical path (no symbolic link, ".", "..") of path; 0 or -errno. */
int vfs_realpath(const char *path, char *out, size_t size);
const struct shim_cred *vfs_cred(const struct process *p);
/* procfs.c */
int procfs_resolve(struct process *p, char *path, bool follow, struct procfs_ent *e,
                   struct shim_inode **node);
int procfs_open_contents(struct process *p, const struct procfs_ent *e, char **buf, size_t *len);
long procfs_openat(struct process *p, const struct procfs_ent *e, const struct shim_inode *node,
                   unsigned flags);
/* The entry at *cookie or after it (1, *cookie moved past it), or 0 at the end. */
int procfs_readdir(struct process *p, const struct procfs_ent *dir, uint64_t *cookie, char *name,
                   size_t size, unsigned *dtype, uint64_t *ino);
void procfs_stat(struct process *p, const struct procfs_ent *e, struct shim_inode *out);
long vfs_put_stat(struct process *p, uint64_t buf, const struct shim_inode *n, bool tty);
/* The device a file is on: 1 the in-memory file system, 0x16 /proc (whose
 * inode numbers procfs.c gives from 0x70000000 on), as df tells them apart. */
static inline uint64_t vfs_dev_of(const struct shim_inode *n)
{
    return n->ino >= 0x70000000u ? 0x16 : 1;
}
/* vfs_block.c */
void vfs_wake_pipe(struct vpipe *vp);
long vfs_pipe_io(struct process *p, struct vpipe *vp, uint64_t buf, uint64_t n, bool write);
long vfs_tty_io(struct process *p, uint64_t buf, uint64_t n);
long vfs_park(struct process *p, struct vpipe *vp, long fd, uint64_t buf, uint64_t n, bool write);
typedef long (*vfs_check_fn)(struct process *p, const uint64_t *args, bool final);
long vfs_park_check(struct process *p, vfs_check_fn check, const uint64_t args[6],
                    uint64_t deadline);
int16_t vfs_poll_fd(struct process *p, int fd, int16_t events);

#endif
