/* SPDX-License-Identifier: MIT */
/*
 * A reader of cpio "newc" archives, the initramfs format (the kernel's
 * Documentation/driver-api/early-userspace/buffer-format.rst).
 *
 * Interface: shim_cpio_init() over a buffer, then shim_cpio_next() until it
 * returns 0 (the end) or a negative enum shim_cpio_error. Each entry points
 * into the buffer (name and data are not copied). The archive is hostile
 * input: every header field is checked before use, no read leaves
 * [buf, buf + size), and a malformed archive gives an error saying what is
 * wrong and where (shim_cpio.pos), never a partial entry. Archives may be
 * concatenated, with zero padding between them, as the kernel allows.
 */
#ifndef SHIM_CPIO_H
#define SHIM_CPIO_H

#include <stddef.h>
#include <stdint.h>

#define SHIM_CPIO_HEADER_SIZE 110
#define SHIM_CPIO_TRAILER     "TRAILER!!!"

struct shim_cpio_entry {
    const char *name; /* NUL-terminated, inside the archive */
    size_t namelen;   /* without the NUL, at least 1 */
    uint32_t ino, mode, uid, gid, nlink, mtime;
    uint32_t devmajor, devminor, rdevmajor, rdevminor;
    const void *data; /* file contents, or a symlink's target (no NUL) */
    size_t size;
};

struct shim_cpio {
    const unsigned char *buf;
    size_t size;
    size_t pos;     /* offset of the next header (or of the error) */
    int in_archive; /* a header seen since the last trailer */
};

enum shim_cpio_error {
    SHIM_CPIO_EMAGIC = 1, /* not "070701" or "070702" */
    SHIM_CPIO_ETRUNC,     /* header, name or data runs past the end */
    SHIM_CPIO_EHEX,       /* a header field is not 8 hex digits */
    SHIM_CPIO_ENAME,      /* name empty, unterminated, with a NUL inside, or too long */
    SHIM_CPIO_EMODE,      /* not a known file type */
    SHIM_CPIO_ESIZE,      /* a size the file type cannot have */
    SHIM_CPIO_ENOTRAILER, /* the archive ends without its trailer */
};

void shim_cpio_init(struct shim_cpio *c, const void *buf, size_t size);
/* 1: *e holds the next entry; 0: the end; -enum shim_cpio_error. */
int shim_cpio_next(struct shim_cpio *c, struct shim_cpio_entry *e);
const char *shim_cpio_strerror(int err);

#endif
