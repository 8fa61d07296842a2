/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the shim's cpio newc reader (<shim/cpio.h>): entries and
 * their fields, concatenated archives, and hostile archives: each kind of
 * malformed header, every truncation of a valid archive, random byte
 * corruption (the ASan build of this suite catches any read outside).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <shim/cpio.h>
#include <shim/linux_abi.h>
#include "shim_fs_helpers.h"
#include "suites.h"

/* Reads every entry; returns the count, or the negative error. */
static int read_all(const void *buf, size_t size, struct shim_cpio_entry *last)
{
    struct shim_cpio c;
    struct shim_cpio_entry e;
    int n = 0, r;
    shim_cpio_init(&c, buf, size);
    while ((r = shim_cpio_next(&c, &e)) == 1) {
        /* every entry lies inside the buffer */
        const unsigned char *b = buf;
        ck_assert((const unsigned char *)e.name >= b && (const unsigned char *)e.name < b + size);
        ck_assert((const unsigned char *)e.name + e.namelen < b + size);
        ck_assert((const unsigned char *)e.data >= b &&
                  (const unsigned char *)e.data + e.size <= b + size);
        ck_assert_uint_eq(strlen(e.name), e.namelen);
        if (last)
            *last = e;
        n++;
    }
    return r < 0 ? r : n;
}

static void sample(struct cpio_writer *w)
{
    cpio_add(w, ".", LINUX_S_IFDIR | 0755, 1, 2, NULL, 0);
    cpio_add(w, "bin", LINUX_S_IFDIR | 0755, 2, 2, NULL, 0);
    cpio_add(w, "bin/hello", LINUX_S_IFREG | 0755, 3, 1, "hello, world\n", 13);
    cpio_add(w, "bin/sh", LINUX_S_IFLNK | 0777, 4, 1, "hello", 5);
    cpio_add(w, "dev/console", LINUX_S_IFCHR | 0600, 5, 1, NULL, 0);
    cpio_trailer(w);
}

START_TEST(cpio_reads_entries)
{
    struct cpio_writer w = {0};
    sample(&w);
    struct shim_cpio c;
    struct shim_cpio_entry e;
    shim_cpio_init(&c, w.buf, w.len);
    ck_assert_int_eq(shim_cpio_next(&c, &e), 1);
    ck_assert_str_eq(e.name, ".");
    ck_assert_uint_eq(e.mode, LINUX_S_IFDIR | 0755);
    ck_assert_int_eq(shim_cpio_next(&c, &e), 1);
    ck_assert_str_eq(e.name, "bin");
    ck_assert_int_eq(shim_cpio_next(&c, &e), 1);
    ck_assert_str_eq(e.name, "bin/hello");
    ck_assert_uint_eq(e.namelen, 9);
    ck_assert_uint_eq(e.size, 13);
    ck_assert_mem_eq(e.data, "hello, world\n", 13);
    ck_assert_uint_eq(e.ino, 3);
    ck_assert_uint_eq(e.uid, 1000);
    ck_assert_uint_eq(e.gid, 100);
    ck_assert_uint_eq(e.mtime, 1700000000);
    ck_assert_uint_eq(e.nlink, 1);
    ck_assert_int_eq(shim_cpio_next(&c, &e), 1);
    ck_assert_str_eq(e.name, "bin/sh");
    ck_assert_mem_eq(e.data, "hello", 5);
    ck_assert_int_eq(shim_cpio_next(&c, &e), 1);
    ck_assert_str_eq(e.name, "dev/console");
    ck_assert_uint_eq(e.rdevmajor, 5);
    ck_assert_uint_eq(e.rdevminor, 1);
    ck_assert_int_eq(shim_cpio_next(&c, &e), 0);
    ck_assert_int_eq(shim_cpio_next(&c, &e), 0); /* and stays at the end */
    ck_assert_uint_eq(c.pos, w.len);
    cpio_free(&w);
}
END_TEST

/* The kernel accepts several archives in a row with zero padding between
 * them; an empty buffer is an empty archive. */
START_TEST(cpio_concatenated)
{
    struct cpio_writer w = {0};
    sample(&w);
    static const char zeros[512];
    cpio_add_raw_header(&w, zeros); /* 110 zero bytes ... */
    w.len -= 110 - 12;              /* ... cut to 12: 4-aligned padding */
    cpio_add(&w, "etc", LINUX_S_IFDIR | 0755, 9, 2, NULL, 0);
    cpio_trailer(&w);
    struct shim_cpio_entry last;
    ck_assert_int_eq(read_all(w.buf, w.len, &last), 6);
    ck_assert_str_eq(last.name, "etc");
    ck_assert_int_eq(read_all(w.buf, 0, NULL), 0);
    ck_assert_int_eq(read_all(zeros, sizeof zeros, NULL), 0);
    /* "070702" (with checksums) is read as well */
    cpio_free(&w);
    cpio_add(&w, "a", LINUX_S_IFREG | 0644, 1, 1, "x", 1);
    cpio_trailer(&w);
    w.buf[5] = '2';
    ck_assert_int_eq(read_all(w.buf, w.len, NULL), 1);
    cpio_free(&w);
}
END_TEST

/* A valid archive with one field of its first header replaced. */
static int with_field(int field, const char *hex8)
{
    struct cpio_writer w = {0};
    cpio_add(&w, "file", LINUX_S_IFREG | 0644, 1, 1, "data", 4);
    cpio_trailer(&w);
    memcpy(w.buf + 6 + 8 * field, hex8, 8);
    int r = read_all(w.buf, w.len, NULL);
    cpio_free(&w);
    return r;
}

START_TEST(cpio_refuses_bad_headers)
{
    struct cpio_writer w = {0};
    sample(&w);
    w.buf[0] = '1';
    ck_assert_int_eq(read_all(w.buf, w.len, NULL), -SHIM_CPIO_EMAGIC);
    w.buf[0] = '0';
    w.buf[5] = '7'; /* "070707" is the old binary-free odc format */
    ck_assert_int_eq(read_all(w.buf, w.len, NULL), -SHIM_CPIO_EMAGIC);
    cpio_free(&w);
    ck_assert_int_eq(with_field(1, "000081G4"), -SHIM_CPIO_EHEX);
    ck_assert_int_eq(with_field(6, "-0000004"), -SHIM_CPIO_EHEX);
    ck_assert_int_eq(with_field(11, " 0000005"), -SHIM_CPIO_EHEX);
    /* lower-case hex is hex */
    ck_assert_int_eq(with_field(1, "000081a4"), 1);
    /* name sizes: 0, 1 (just the NUL), past the end, past PATH_MAX */
    ck_assert_int_eq(with_field(11, "00000000"), -SHIM_CPIO_ENAME);
    ck_assert_int_eq(with_field(11, "00000001"), -SHIM_CPIO_ENAME);
    ck_assert_int_eq(with_field(11, "00001001"), -SHIM_CPIO_ENAME);
    ck_assert_int_eq(with_field(11, "FFFFFFFF"), -SHIM_CPIO_ENAME);
    /* namesize 4 for "file\0": no NUL at the end; 6: NUL inside */
    ck_assert_int_eq(with_field(11, "00000004"), -SHIM_CPIO_ENAME);
    ck_assert_int_eq(with_field(11, "00000006"), -SHIM_CPIO_ENAME);
    /* file sizes past the end */
    ck_assert_int_eq(with_field(6, "FFFFFFFF"), -SHIM_CPIO_ETRUNC);
    ck_assert_int_eq(with_field(6, "00000400"), -SHIM_CPIO_ETRUNC);
    /* file types */
    ck_assert_int_eq(with_field(1, "0000F1A4"), -SHIM_CPIO_EMODE);
    ck_assert_int_eq(with_field(1, "000001A4"), -SHIM_CPIO_EMODE);
    ck_assert_int_eq(with_field(1, "000041ED"), -SHIM_CPIO_ESIZE); /* a directory with data */
    ck_assert_int_eq(with_field(1, "000021A4"), -SHIM_CPIO_ESIZE); /* a device with data */
    /* a symbolic link with no target */
    cpio_add(&w, "l", LINUX_S_IFLNK | 0777, 1, 1, NULL, 0);
    cpio_trailer(&w);
    ck_assert_int_eq(read_all(w.buf, w.len, NULL), -SHIM_CPIO_ESIZE);
    cpio_free(&w);
    /* no trailer */
    cpio_add(&w, "a", LINUX_S_IFREG | 0644, 1, 1, "abc", 3);
    ck_assert_int_eq(read_all(w.buf, w.len, NULL), -SHIM_CPIO_ENOTRAILER);
    cpio_free(&w);
    /* every error has a message */
    for (int e = SHIM_CPIO_EMAGIC; e <= SHIM_CPIO_ENOTRAILER; e++)
        ck_assert_str_ne(shim_cpio_strerror(-e), "unknown error");
}
END_TEST

/* Every prefix of a valid archive: refused (never read past), except the
 * complete one and the one that ends inside the trailer's padding. */
START_TEST(cpio_every_truncation)
{
    struct cpio_writer w = {0};
    sample(&w);
    size_t trailer_end = w.len; /* the trailer's name pads to here */
    for (size_t n = 0; n <= w.len; n++) {
        unsigned char *copy = malloc(n ? n : 1);
        memcpy(copy, w.buf, n);
        int r = read_all(copy, n, NULL);
        if (n == 0 || n == trailer_end || n + 3 >= trailer_end)
            ck_assert_msg(r == 0 || r == 5, "length %zu: %d", n, r);
        else
            ck_assert_msg(r < 0, "length %zu: %d", n, r);
        free(copy);
    }
    cpio_free(&w);
}
END_TEST

START_TEST(cpio_random_corruption)
{
    struct cpio_writer w = {0};
    sample(&w);
    unsigned char *copy = malloc(w.len);
    srand(12345);
    for (int round = 0; round < 5000; round++) {
        memcpy(copy, w.buf, w.len);
        int flips = 1 + rand() % 4;
        for (int i = 0; i < flips; i++) {
            size_t at = (size_t)rand() % w.len;
            /* mostly plausible hex digits, sometimes anything */
            copy[at] = (rand() & 1) ? "0123456789abcdefF"[rand() % 17] : (unsigned char)rand();
        }
        size_t n = (rand() & 3) ? w.len : (size_t)rand() % w.len;
        int r = read_all(copy, n, NULL);
        ck_assert(r >= -SHIM_CPIO_ENOTRAILER && r <= 16);
    }
    free(copy);
    cpio_free(&w);
}
END_TEST

Suite *shim_cpio_suite(void)
{
    Suite *s = suite_create("shim_cpio");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, cpio_reads_entries);
    tcase_add_test(tc, cpio_concatenated);
    tcase_add_test(tc, cpio_refuses_bad_headers);
    tcase_add_test(tc, cpio_every_truncation);
    tcase_add_test(tc, cpio_random_corruption);
    suite_add_tcase(s, tc);
    return s;
}
