/* SPDX-License-Identifier: MIT */
/*
 * Test helpers for the shim's fs/ suites: a cpio newc writer and an
 * allocator for the tmpfs that counts what is live (to find leaks) and
 * fails on demand (to test running out of memory).
 */
#ifndef UNIT_SHIM_FS_HELPERS_H
#define UNIT_SHIM_FS_HELPERS_H

#include <stddef.h>
#include <stdint.h>
#include <shim/tmpfs.h>

struct cpio_writer {
    unsigned char *buf;
    size_t len, cap;
};

void cpio_add(struct cpio_writer *w, const char *name, uint32_t mode, uint32_t ino, uint32_t nlink,
              const void *data, size_t size);
void cpio_add_raw_header(struct cpio_writer *w, const char *fields_110);
void cpio_trailer(struct cpio_writer *w);
void cpio_free(struct cpio_writer *w);

struct test_alloc {
    long live_allocs, live_pages;
    long fail_after; /* allocations (of either kind) before failing; -1 never */
    int64_t clock;
};

extern struct test_alloc test_mem;
struct shim_fs_ops test_fs_ops(void);

/* A test's file system: made over test_fs_ops, and at the end destroyed
 * and checked that no allocation or page is left. */
void test_fs_start(struct shim_fs *fs);
void test_fs_finish(struct shim_fs *fs);

#endif
