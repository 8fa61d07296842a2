/* SPDX-License-Identifier: MIT */
/*
 * The compartment's in-memory file system: directories, regular files,
 * symbolic links, hard links and special files (device nodes, FIFOs,
 * sockets), with Linux's permission rules, times, and path resolution.
 *
 * Interface:
 *  - shim_fs_init() with the allocator callbacks: small metadata
 *    (inodes, directory entries, link targets, page tables) from alloc/free,
 *    file contents a 4 KiB page at a time from page_alloc/page_free (later
 *    the compartment's guest-physical pages; an allocation failure is the
 *    quota running out: ENOSPC or ENOMEM, never a crash).
 *  - shim_fs_lookup() resolves a path relative to a working directory
 *    (cwd; NULL stands for the root),
 *    following symbolic links (at most SHIM_FS_MAX_SYMLINKS) and "..";
 *    the namespace calls (mknod, symlink, link, unlink, rmdir, rename) do
 *    what the Linux system calls of those names do, with the same errors.
 *  - shim_fs_read/write/truncate on regular files; shim_fs_readdir walks a
 *    directory by cookie (stable while entries come and go).
 *  - Lifetime: an inode lives while a directory entry (nlink) or a holder
 *    (shim_fs_get/put: an open file, a cwd) refers to it.
 * Paths and link targets are the shim's copies of what a process passed:
 * NUL-terminated within LINUX_PATH_MAX bytes, or at least that many bytes
 * readable (a longer one is ENAMETOOLONG, never read past PATH_MAX).
 * Every call returns 0 (or a count) or a negated LINUX_E* value. Pure:
 * nothing here blocks or makes a system call. See docs/linux/fs.md.
 */
#ifndef SHIM_TMPFS_H
#define SHIM_TMPFS_H

#include <stddef.h>
#include <stdint.h>

#define SHIM_FS_MAX_SYMLINKS 40 /* Linux MAXSYMLINKS: then ELOOP */
#define SHIM_FS_MAX_NLINK    65000
#define SHIM_FS_PAGE_SIZE    4096u
#define SHIM_FS_UNCHANGED    UINT32_MAX /* chown: leave this id alone */
#define SHIM_FS_RADIX        512        /* page pointers per tree node */

struct shim_fs_ops {
    void *ctx;
    void *(*alloc)(void *ctx, size_t size); /* zeroed, or NULL */
    void (*free)(void *ctx, void *p, size_t size);
    void *(*page_alloc)(void *ctx); /* one page (contents undefined), or NULL */
    void (*page_free)(void *ctx, void *page);
    int64_t (*now)(void *ctx); /* nanoseconds since the epoch */
};

/* Who asks: uid 0 passes every permission check (CAP_DAC_OVERRIDE,
 * CAP_FOWNER, CAP_CHOWN). */
struct shim_cred {
    uint32_t uid, gid;
};

struct shim_fs;
struct shim_dirent;

struct shim_inode {
    uint64_t ino;
    uint32_t mode; /* LINUX_S_IF* | permission bits */
    uint32_t uid, gid;
    uint32_t nlink;
    uint32_t rdev_major, rdev_minor;
    uint64_t size;
    int64_t atime, mtime, ctime; /* ns */
    uint32_t refs;               /* holders besides directory entries */
    struct shim_fs *fs;
    union {
        struct {
            struct shim_dirent *head;
            struct shim_inode *parent; /* ".."; the root's is itself */
            uint64_t next_cookie;
            uint32_t entries;
        } dir;
        struct {
            void *root;      /* radix tree of pages, SHIM_FS_RADIX per level */
            unsigned height; /* levels (0: no page); covers RADIX^height pages */
        } reg;
        struct {
            char *target; /* NUL-terminated */
            size_t len;
        } lnk;
    } u;
};

struct shim_dirent {
    struct shim_dirent *next;
    struct shim_inode *node;
    uint64_t cookie; /* readdir position: increasing in list order */
    uint32_t namelen;
    char name[]; /* NUL-terminated */
};

struct shim_fs {
    struct shim_fs_ops ops;
    struct shim_inode *root;
    uint64_t next_ino;
    uint64_t max_file_size; /* beyond it, EFBIG */
};

int shim_fs_init(struct shim_fs *fs, const struct shim_fs_ops *ops);
/* Frees every inode; only when nothing holds one. */
void shim_fs_destroy(struct shim_fs *fs);

/* Lookup flags. */
#define SHIM_FS_NOFOLLOW  1u /* do not follow a final symbolic link */
#define SHIM_FS_DIRECTORY 2u /* the result must be a directory */

int shim_fs_lookup(struct shim_fs *fs, const struct shim_cred *cr, struct shim_inode *cwd,
                   const char *path, unsigned flags, struct shim_inode **out);
/* Create a directory, regular file, device node, FIFO or socket (type in
 * mode); *out (if not NULL) is the new inode. */
int shim_fs_mknod(struct shim_fs *fs, const struct shim_cred *cr, struct shim_inode *cwd,
                  const char *path, uint32_t mode, uint32_t major, uint32_t minor,
                  struct shim_inode **out);
int shim_fs_symlink(struct shim_fs *fs, const struct shim_cred *cr, struct shim_inode *cwd,
                    const char *target, const char *path);
int shim_fs_link(struct shim_fs *fs, const struct shim_cred *cr, struct shim_inode *cwd,
                 const char *oldpath, const char *newpath);
int shim_fs_unlink(struct shim_fs *fs, const struct shim_cred *cr, struct shim_inode *cwd,
                   const char *path);
int shim_fs_rmdir(struct shim_fs *fs, const struct shim_cred *cr, struct shim_inode *cwd,
                  const char *path);
int shim_fs_rename(struct shim_fs *fs, const struct shim_cred *cr, struct shim_inode *cwd,
                   const char *oldpath, const char *newpath);

/* Permission: mask of 4 (read), 2 (write), 1 (execute/search). */
int shim_fs_permission(const struct shim_inode *node, const struct shim_cred *cr, unsigned mask);
int shim_fs_chmod(struct shim_inode *node, const struct shim_cred *cr, uint32_t mode);
int shim_fs_chown(struct shim_inode *node, const struct shim_cred *cr, uint32_t uid, uint32_t gid);
int shim_fs_utimens(struct shim_inode *node, const struct shim_cred *cr, int64_t atime,
                    int64_t mtime);

/* Regular files: byte counts, or a negated errno. */
int64_t shim_fs_read(struct shim_inode *node, uint64_t off, void *buf, size_t len);
int64_t shim_fs_write(struct shim_inode *node, uint64_t off, const void *buf, size_t len);
int shim_fs_truncate(struct shim_inode *node, uint64_t size);
/* A symbolic link's target, or NULL if not a link. */
const char *shim_fs_readlink(const struct shim_inode *node);

/* The entry after position cookie (0 starts; "." and ".." come first):
 * 1 and *name, *namelen, *node, *next (the entry's cookie), or 0 at the end,
 * or -LINUX_ENOTDIR. */
int shim_fs_readdir(struct shim_inode *dir, uint64_t cookie, const char **name, size_t *namelen,
                    struct shim_inode **node, uint64_t *next);

void shim_fs_get(struct shim_inode *node);
void shim_fs_put(struct shim_inode *node);

/* Unpack a cpio newc archive into the file system as root (0 or a negated
 * errno; *bad_entry, if not NULL, then names the entry that failed, or
 * points at a cpio error message). Names may start with "/" or "./";
 * directories are created as needed; an existing file is replaced. */
int shim_fs_unpack_cpio(struct shim_fs *fs, const void *archive, size_t size,
                        const char **bad_entry);

#endif
