/* SPDX-License-Identifier: MIT */
/* Test helpers for the shim's fs/ suites (see shim_fs_helpers.h). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "shim_fs_helpers.h"

static void put(struct cpio_writer *w, const void *p, size_t n)
{
    if (n == 0)
        return;
    if (w->len + n > w->cap) {
        w->cap = (w->len + n) * 2 + 256;
        w->buf = realloc(w->buf, w->cap);
    }
    memcpy(w->buf + w->len, p, n);
    w->len += n;
}

static void pad(struct cpio_writer *w)
{
    static const char zero[4];
    put(w, zero, (4 - (w->len & 3)) & 3);
}

void cpio_add(struct cpio_writer *w, const char *name, uint32_t mode, uint32_t ino, uint32_t nlink,
              const void *data, size_t size)
{
    char h[111];
    size_t namesize = strlen(name) + 1;
    snprintf(h, sizeof h, "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X", ino, mode,
             1000u, 100u, nlink, 1700000000u, (unsigned)size, 0u, 0u, 5u, 1u, (unsigned)namesize,
             0u);
    put(w, h, 110);
    put(w, name, namesize);
    pad(w);
    put(w, data, size);
    pad(w);
}

void cpio_add_raw_header(struct cpio_writer *w, const char *fields_110)
{
    put(w, fields_110, 110);
}

void cpio_trailer(struct cpio_writer *w)
{
    cpio_add(w, "TRAILER!!!", 0, 0, 1, NULL, 0);
}

void cpio_free(struct cpio_writer *w)
{
    free(w->buf);
    memset(w, 0, sizeof *w);
}

struct test_alloc test_mem;

static int may_alloc(void)
{
    if (test_mem.fail_after == 0)
        return 0;
    if (test_mem.fail_after > 0)
        test_mem.fail_after--;
    return 1;
}

static void *t_alloc(void *ctx, size_t size)
{
    if (!may_alloc())
        return NULL;
    test_mem.live_allocs++;
    return calloc(1, size);
}

static void t_free(void *ctx, void *p, size_t size)
{
    test_mem.live_allocs--;
    free(p);
}

static void *t_page_alloc(void *ctx)
{
    if (!may_alloc())
        return NULL;
    test_mem.live_pages++;
    void *p = malloc(SHIM_FS_PAGE_SIZE);
    memset(p, 0xcc, SHIM_FS_PAGE_SIZE); /* garbage, as a recycled page would hold */
    return p;
}

static void t_page_free(void *ctx, void *page)
{
    test_mem.live_pages--;
    free(page);
}

static int64_t t_now(void *ctx)
{
    return test_mem.clock;
}

struct shim_fs_ops test_fs_ops(void)
{
    memset(&test_mem, 0, sizeof test_mem);
    test_mem.fail_after = -1;
    test_mem.clock = 1000;
    return (struct shim_fs_ops){NULL, t_alloc, t_free, t_page_alloc, t_page_free, t_now};
}

void test_fs_start(struct shim_fs *fs)
{
    struct shim_fs_ops ops = test_fs_ops();
    ck_assert_int_eq(shim_fs_init(fs, &ops), 0);
}

void test_fs_finish(struct shim_fs *fs)
{
    shim_fs_destroy(fs);
    ck_assert_int_eq(test_mem.live_allocs, 0);
    ck_assert_int_eq(test_mem.live_pages, 0);
}
