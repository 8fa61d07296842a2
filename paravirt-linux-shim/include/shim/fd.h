/* SPDX-License-Identifier: MIT */
/*
 * File descriptor tables and open file descriptions, as Linux has them.
 *
 * An open file description (struct shim_file) is what open(), pipe() and
 * socket() make: an offset, status flags, and the object behind it (an
 * inode, one end of a pipe, the terminal), reference-counted because
 * dup(), fork() and SCM_RIGHTS share it. A descriptor table maps small
 * integers to descriptions, each with its own close-on-exec flag.
 *
 * Interface: shim_fd_install() takes the lowest free number (at least
 * min_fd, below RLIMIT_NOFILE); dup/dup2/dup3/fcntl(F_DUPFD*, F_[GS]ETFD,
 * F_[GS]ETFL) behave as the system calls of those names, errors included;
 * shim_fd_exec() closes the close-on-exec ones; shim_fd_fork() copies a
 * table. When the last reference to a description goes, its release
 * callback runs (the owner of the object then drops it: a pipe end loses
 * a reader or writer, an inode a holder). Pure: no system call, no IPC.
 * See docs/linux/fd.md.
 */
#ifndef SHIM_FD_H
#define SHIM_FD_H

#include <stddef.h>
#include <stdint.h>

#define SHIM_FD_TABLE_SIZE 1024 /* the hard RLIMIT_NOFILE */

/* fcntl commands (asm-generic/fcntl.h) */
#define SHIM_F_DUPFD         0
#define SHIM_F_GETFD         1
#define SHIM_F_SETFD         2
#define SHIM_F_GETFL         3
#define SHIM_F_SETFL         4
#define SHIM_F_DUPFD_CLOEXEC 1030

struct shim_file;

struct shim_file_ops {
    void (*release)(struct shim_file *f); /* the last reference went */
};

struct shim_file {
    uint32_t refs;
    uint32_t flags; /* access mode and status flags (LINUX_O_*) */
    uint64_t offset;
    const struct shim_file_ops *ops;
    void *priv; /* the object: its owner's business */
};

struct shim_fdtable {
    unsigned nofile; /* RLIMIT_NOFILE (soft); numbers are below it */
    unsigned used;
    struct {
        struct shim_file *file;
        uint8_t cloexec;
    } slot[SHIM_FD_TABLE_SIZE];
};

/* A fresh description with one reference (the caller's). */
void shim_file_init(struct shim_file *f, const struct shim_file_ops *ops, void *priv,
                    uint32_t flags);
void shim_file_get(struct shim_file *f);
void shim_file_put(struct shim_file *f);

void shim_fd_init(struct shim_fdtable *t);
/* The lowest free number >= min_fd; the table takes its own reference.
 * -LINUX_EMFILE when none is free below the limit. */
int shim_fd_install(struct shim_fdtable *t, struct shim_file *f, int min_fd, int cloexec);
/* The description behind fd (no new reference), or NULL. */
struct shim_file *shim_fd_get(const struct shim_fdtable *t, int fd);
int shim_fd_close(struct shim_fdtable *t, int fd);
int shim_fd_dup(struct shim_fdtable *t, int fd);
int shim_fd_dup2(struct shim_fdtable *t, int oldfd, int newfd);
int shim_fd_dup3(struct shim_fdtable *t, int oldfd, int newfd, uint32_t flags);
int64_t shim_fd_fcntl(struct shim_fdtable *t, int fd, unsigned cmd, uint64_t arg);
void shim_fd_exec(struct shim_fdtable *t);
void shim_fd_fork(struct shim_fdtable *dst, const struct shim_fdtable *src);
void shim_fd_close_all(struct shim_fdtable *t);
/* setrlimit(RLIMIT_NOFILE): 0, or -LINUX_EPERM above the table (the hard
 * limit). Descriptors already open above a lowered limit stay open. */
int shim_fd_set_nofile(struct shim_fdtable *t, uint64_t limit);

#endif
