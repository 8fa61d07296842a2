/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the shim's in-memory file system (<shim/tmpfs.h>): path
 * resolution (".", "..", cwd, symbolic links and ELOOP, trailing slashes,
 * lengths), file contents (pages, holes, truncation, EFBIG, running out of
 * pages), hard links and lifetimes, unlink/rmdir/rename with each Linux
 * error, permissions (search, write, sticky, set-group-ID, chmod/chown),
 * readdir cookies, times, refused calls leaving no trace under allocation
 * failure, and unpacking a cpio archive. Every test ends by destroying the
 * file system and checking that no allocation or page is left.
 */
#define _GNU_SOURCE
#include <check.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <shim/cpio.h>
#include <shim/linux_abi.h>
#include <shim/tmpfs.h>
#include "shim_fs_helpers.h"
#include "suites.h"

static struct shim_fs fs;
static const struct shim_cred root = {0, 0}, alice = {1000, 100}, bob = {1001, 101};

static void setup(void)
{
    test_fs_start(&fs);
}

static void teardown(void)
{
    test_fs_finish(&fs);
}

static struct shim_inode *get(const char *path)
{
    struct shim_inode *n = NULL;
    ck_assert_msg(shim_fs_lookup(&fs, &root, fs.root, path, 0, &n) == 0, "lookup %s", path);
    return n;
}

static int lookup(const char *path, unsigned flags)
{
    struct shim_inode *n;
    return shim_fs_lookup(&fs, &root, fs.root, path, flags, &n);
}

static int mkdir_(const char *path)
{
    return shim_fs_mknod(&fs, &root, fs.root, path, LINUX_S_IFDIR | 0755, 0, 0, NULL);
}

static struct shim_inode *create(const char *path, const char *text)
{
    struct shim_inode *n;
    ck_assert_int_eq(shim_fs_mknod(&fs, &root, fs.root, path, LINUX_S_IFREG | 0644, 0, 0, &n), 0);
    if (text)
        ck_assert_int_eq(shim_fs_write(n, 0, text, strlen(text)), (int64_t)strlen(text));
    return n;
}

START_TEST(tmpfs_paths)
{
    ck_assert_int_eq(mkdir_("/a"), 0);
    ck_assert_int_eq(mkdir_("a/b"), 0);
    ck_assert_int_eq(mkdir_("/a/b/c/"), 0); /* a trailing slash names a directory */
    struct shim_inode *f = create("/a/b/file", "x");
    struct shim_inode *b = get("/a/b");
    ck_assert_ptr_eq(get("/a/b/c/../file"), f);
    ck_assert_ptr_eq(get("//a///b/./c/.."), b);
    ck_assert_ptr_eq(get("/../../a/b"), b); /* the root's parent is the root */
    ck_assert_ptr_eq(get("/"), fs.root);
    ck_assert_ptr_eq(get("/a/.."), fs.root);
    /* relative to a working directory */
    struct shim_inode *n;
    ck_assert_int_eq(shim_fs_lookup(&fs, &root, b, "file", 0, &n), 0);
    ck_assert_ptr_eq(n, f);
    ck_assert_int_eq(shim_fs_lookup(&fs, &root, b, "../b/c/../../b/file", 0, &n), 0);
    ck_assert_ptr_eq(n, f);
    ck_assert_int_eq(shim_fs_lookup(&fs, &root, b, ".", 0, &n), 0);
    ck_assert_ptr_eq(n, b);
    /* errors */
    ck_assert_int_eq(lookup("", 0), -LINUX_ENOENT);
    ck_assert_int_eq(lookup("/a/nope", 0), -LINUX_ENOENT);
    ck_assert_int_eq(lookup("/a/nope/x", 0), -LINUX_ENOENT);
    ck_assert_int_eq(lookup("/a/b/file/x", 0), -LINUX_ENOTDIR);
    ck_assert_int_eq(lookup("/a/b/file/", 0), -LINUX_ENOTDIR);
    ck_assert_int_eq(lookup("/a/b/file/.", 0), -LINUX_ENOTDIR);
    ck_assert_int_eq(lookup("/a/b/file/..", 0), -LINUX_ENOTDIR);
    ck_assert_int_eq(lookup("/a/b/file", SHIM_FS_DIRECTORY), -LINUX_ENOTDIR);
    ck_assert_int_eq(lookup("/a/b", SHIM_FS_DIRECTORY), 0);
    ck_assert_int_eq(mkdir_("/a"), -LINUX_EEXIST);
    ck_assert_int_eq(mkdir_("/a/b/file"), -LINUX_EEXIST);
    ck_assert_int_eq(mkdir_("/a/."), -LINUX_EEXIST);
    ck_assert_int_eq(mkdir_("/"), -LINUX_EEXIST);
    ck_assert_int_eq(mkdir_("/x/y"), -LINUX_ENOENT);
    ck_assert_int_eq(mkdir_("/a/b/file/y"), -LINUX_ENOTDIR);
    ck_assert_int_eq(shim_fs_mknod(&fs, &root, fs.root, "/new/", LINUX_S_IFREG | 0644, 0, 0, NULL),
                     -LINUX_ENOENT);
    ck_assert_int_eq(shim_fs_mknod(&fs, &root, fs.root, "/l", LINUX_S_IFLNK | 0644, 0, 0, NULL),
                     -LINUX_EINVAL);
    ck_assert_int_eq(shim_fs_mknod(&fs, &root, fs.root, "/q", 0170000 | 0644, 0, 0, NULL),
                     -LINUX_EINVAL);
    /* a 255-byte name is fine, 256 is not; a path must fit PATH_MAX */
    char name[300] = "/";
    memset(name + 1, 'n', 255);
    ck_assert_int_eq(mkdir_(name), 0);
    name[256] = 'n';
    ck_assert_int_eq(mkdir_(name), -LINUX_ENAMETOOLONG);
    ck_assert_int_eq(lookup(name, 0), -LINUX_ENAMETOOLONG);
    char *longp = malloc(LINUX_PATH_MAX + 1);
    for (int i = 0; i < LINUX_PATH_MAX; i += 2)
        memcpy(longp + i, "./", 2);
    longp[LINUX_PATH_MAX] = '\0';
    ck_assert_int_eq(lookup(longp, 0), -LINUX_ENAMETOOLONG);
    longp[LINUX_PATH_MAX - 1] = '\0'; /* 4095 bytes: fits */
    ck_assert_int_eq(lookup(longp, 0), 0);
    free(longp);
    /* link counts: 2 + subdirectories */
    ck_assert_uint_eq(get("/a/b")->nlink, 3);
    ck_assert_uint_eq(fs.root->nlink, 4);
}
END_TEST

START_TEST(tmpfs_symlinks)
{
    ck_assert_int_eq(mkdir_("/d"), 0);
    struct shim_inode *f = create("/d/f", "content");
    ck_assert_int_eq(shim_fs_symlink(&fs, &root, fs.root, "f", "/d/rel"), 0);
    ck_assert_int_eq(shim_fs_symlink(&fs, &root, fs.root, "/d", "/abs"), 0);
    ck_assert_int_eq(shim_fs_symlink(&fs, &root, fs.root, "../d/rel", "/d/chain"), 0);
    ck_assert_int_eq(shim_fs_symlink(&fs, &root, fs.root, "nowhere", "/dangling"), 0);
    ck_assert_ptr_eq(get("/d/rel"), f);
    ck_assert_ptr_eq(get("/abs/f"), f);
    ck_assert_ptr_eq(get("/abs/chain"), f);
    ck_assert_ptr_eq(get("/abs/"), get("/d"));
    /* NOFOLLOW gives the link itself, but not in the middle of a path */
    struct shim_inode *l;
    ck_assert_int_eq(shim_fs_lookup(&fs, &root, fs.root, "/d/rel", SHIM_FS_NOFOLLOW, &l), 0);
    ck_assert_uint_eq(l->mode & LINUX_S_IFMT, LINUX_S_IFLNK);
    ck_assert_str_eq(shim_fs_readlink(l), "f");
    ck_assert_uint_eq(l->size, 1);
    ck_assert_ptr_null(shim_fs_readlink(f));
    ck_assert_int_eq(shim_fs_lookup(&fs, &root, fs.root, "/abs/f", SHIM_FS_NOFOLLOW, &l), 0);
    ck_assert_ptr_eq(l, f);
    /* with a trailing slash a final link is followed even with NOFOLLOW */
    ck_assert_int_eq(shim_fs_lookup(&fs, &root, fs.root, "/abs/", SHIM_FS_NOFOLLOW, &l), 0);
    ck_assert_ptr_eq(l, get("/d"));
    ck_assert_int_eq(lookup("/dangling", 0), -LINUX_ENOENT);
    ck_assert_int_eq(lookup("/dangling", SHIM_FS_NOFOLLOW), 0);
    ck_assert_int_eq(lookup("/d/rel/", 0), -LINUX_ENOTDIR);
    /* loops */
    ck_assert_int_eq(shim_fs_symlink(&fs, &root, fs.root, "/loop2", "/loop1"), 0);
    ck_assert_int_eq(shim_fs_symlink(&fs, &root, fs.root, "loop1", "/loop2"), 0);
    ck_assert_int_eq(lookup("/loop1", 0), -LINUX_ELOOP);
    ck_assert_int_eq(lookup("/loop1/x", 0), -LINUX_ELOOP);
    ck_assert_int_eq(shim_fs_symlink(&fs, &root, fs.root, ".", "/self"), 0);
    ck_assert_int_eq(lookup("/self/self/self/d", 0), 0);
    /* a chain of 40 links resolves; 41 is ELOOP */
    char from[16], to[16];
    for (int i = 1; i <= 41; i++) {
        snprintf(from, sizeof from, "/s%d", i);
        snprintf(to, sizeof to, i == 1 ? "/d/f" : "s%d", i - 1);
        ck_assert_int_eq(shim_fs_symlink(&fs, &root, fs.root, to, from), 0);
    }
    ck_assert_ptr_eq(get("/s40"), f);
    ck_assert_int_eq(lookup("/s41", 0), -LINUX_ELOOP);
    /* symlink's own errors */
    ck_assert_int_eq(shim_fs_symlink(&fs, &root, fs.root, "", "/empty"), -LINUX_ENOENT);
    ck_assert_int_eq(shim_fs_symlink(&fs, &root, fs.root, "x", "/d/f"), -LINUX_EEXIST);
    ck_assert_int_eq(shim_fs_symlink(&fs, &root, fs.root, "x", "/d/new/"), -LINUX_ENOENT);
    char *big = malloc(LINUX_PATH_MAX + 1);
    memset(big, 'a', LINUX_PATH_MAX);
    big[LINUX_PATH_MAX] = '\0';
    ck_assert_int_eq(shim_fs_symlink(&fs, &root, fs.root, big, "/big"), -LINUX_ENAMETOOLONG);
    free(big);
}
END_TEST

START_TEST(tmpfs_file_contents)
{
    struct shim_inode *f = create("/f", NULL);
    char buf[3 * 4096 + 100], out[sizeof buf];
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (char)(i * 7 + 1);
    /* a write across pages, at an offset: the hole before it reads zeros */
    ck_assert_int_eq(shim_fs_write(f, 5000, buf, sizeof buf), (int64_t)sizeof buf);
    ck_assert_uint_eq(f->size, 5000 + sizeof buf);
    ck_assert_int_eq(test_mem.live_pages, 4); /* pages 1..4; page 0 is a hole */
    memset(out, 0x11, sizeof out);
    ck_assert_int_eq(shim_fs_read(f, 0, out, 5000), 5000);
    for (int i = 0; i < 5000; i++)
        ck_assert_int_eq(out[i], 0);
    ck_assert_int_eq(shim_fs_read(f, 5000, out, sizeof out), (int64_t)sizeof buf);
    ck_assert_mem_eq(out, buf, sizeof buf);
    /* reads stop at the end */
    ck_assert_int_eq(shim_fs_read(f, f->size - 10, out, 100), 10);
    ck_assert_int_eq(shim_fs_read(f, f->size, out, 100), 0);
    ck_assert_int_eq(shim_fs_read(f, UINT64_MAX, out, 100), 0);
    /* shrinking frees pages and zeros the tail: growing again shows zeros */
    ck_assert_int_eq(shim_fs_truncate(f, 6000), 0);
    ck_assert_int_eq(test_mem.live_pages, 1);
    ck_assert_int_eq(shim_fs_truncate(f, 9000), 0);
    ck_assert_int_eq(shim_fs_read(f, 5000, out, 4000), 4000);
    ck_assert_mem_eq(out, buf, 1000);
    for (int i = 1000; i < 4000; i++)
        ck_assert_int_eq(out[i], 0);
    /* a write past the end in the same page leaves zeros between */
    ck_assert_int_eq(shim_fs_truncate(f, 10), 0);
    ck_assert_int_eq(shim_fs_write(f, 0, "0123456789", 10), 10);
    ck_assert_int_eq(shim_fs_write(f, 100, "X", 1), 1);
    ck_assert_int_eq(shim_fs_read(f, 0, out, 200), 101);
    for (int i = 10; i < 100; i++)
        ck_assert_int_eq(out[i], 0);
    ck_assert_int_eq(shim_fs_truncate(f, 0), 0);
    ck_assert_int_eq(test_mem.live_pages, 0);
    /* limits */
    ck_assert_int_eq(shim_fs_write(f, fs.max_file_size, "x", 1), -LINUX_EFBIG);
    ck_assert_int_eq(shim_fs_write(f, UINT64_MAX, "x", 1), -LINUX_EFBIG);
    ck_assert_int_eq(shim_fs_write(f, fs.max_file_size - 1, "xy", 2), 1);
    ck_assert_int_eq(shim_fs_truncate(f, fs.max_file_size + 1), -LINUX_EFBIG);
    ck_assert_int_eq(shim_fs_truncate(f, 0), 0);
    ck_assert_int_eq(shim_fs_write(f, 0, "x", 0), 0);
    /* directories and others */
    ck_assert_int_eq(shim_fs_read(fs.root, 0, out, 1), -LINUX_EISDIR);
    ck_assert_int_eq(shim_fs_write(fs.root, 0, out, 1), -LINUX_EISDIR);
    ck_assert_int_eq(shim_fs_truncate(fs.root, 0), -LINUX_EISDIR);
    struct shim_inode *dev;
    ck_assert_int_eq(shim_fs_mknod(&fs, &root, fs.root, "/null", LINUX_S_IFCHR | 0666, 1, 3, &dev),
                     0);
    ck_assert_uint_eq(dev->rdev_major, 1);
    ck_assert_uint_eq(dev->rdev_minor, 3);
    ck_assert_int_eq(shim_fs_read(dev, 0, out, 1), -LINUX_EINVAL);
    ck_assert_int_eq(shim_fs_write(dev, 0, out, 1), -LINUX_EINVAL);
}
END_TEST

/* When pages run out: a short write, then ENOSPC; nothing else changes. */
START_TEST(tmpfs_out_of_pages)
{
    struct shim_inode *f = create("/f", NULL);
    char buf[3 * 4096];
    memset(buf, 'z', sizeof buf);
    test_mem.fail_after = 2; /* the page table and one page */
    ck_assert_int_eq(shim_fs_write(f, 0, buf, sizeof buf), 4096);
    ck_assert_uint_eq(f->size, 4096);
    ck_assert_int_eq(shim_fs_write(f, 4096, buf, sizeof buf), -LINUX_ENOSPC);
    ck_assert_uint_eq(f->size, 4096);
    /* namespace calls: ENOSPC and no trace */
    uint32_t entries = fs.root->u.dir.entries;
    long allocs = test_mem.live_allocs;
    for (long budget = 0; budget < 3; budget++) { /* inode, entry, target */
        test_mem.fail_after = budget;
        ck_assert_int_eq(shim_fs_symlink(&fs, &root, fs.root, "target", "/sym"), -LINUX_ENOSPC);
    }
    for (long budget = 0; budget < 2; budget++) { /* inode, entry */
        test_mem.fail_after = budget;
        ck_assert_int_eq(mkdir_("/dir"), -LINUX_ENOSPC);
    }
    test_mem.fail_after = 0; /* the new entry */
    ck_assert_int_eq(shim_fs_link(&fs, &root, fs.root, "/f", "/g"), -LINUX_ENOSPC);
    test_mem.fail_after = 0;
    ck_assert_int_eq(shim_fs_rename(&fs, &root, fs.root, "/f", "/h"), -LINUX_ENOSPC);
    ck_assert_uint_eq(fs.root->u.dir.entries, entries);
    ck_assert_int_eq(test_mem.live_allocs, allocs);
    ck_assert_uint_eq(get("/f")->nlink, 1);
    test_mem.fail_after = -1;
    ck_assert_int_eq(lookup("/f", 0), 0);
    ck_assert_int_eq(lookup("/h", 0), -LINUX_ENOENT);
}
END_TEST

START_TEST(tmpfs_hard_links_and_lifetime)
{
    ck_assert_int_eq(mkdir_("/d"), 0);
    struct shim_inode *f = create("/d/f", "shared");
    ck_assert_int_eq(shim_fs_link(&fs, &root, fs.root, "/d/f", "/g"), 0);
    ck_assert_ptr_eq(get("/g"), f);
    ck_assert_uint_eq(f->nlink, 2);
    ck_assert_int_eq(shim_fs_link(&fs, &root, fs.root, "/d/f", "/g"), -LINUX_EEXIST);
    ck_assert_int_eq(shim_fs_link(&fs, &root, fs.root, "/d", "/d2"), -LINUX_EPERM);
    ck_assert_int_eq(shim_fs_link(&fs, &root, fs.root, "/nope", "/x"), -LINUX_ENOENT);
    ck_assert_int_eq(shim_fs_link(&fs, &root, fs.root, "/d/f", "/nodir/x"), -LINUX_ENOENT);
    /* link() links a symbolic link itself */
    ck_assert_int_eq(shim_fs_symlink(&fs, &root, fs.root, "/d/f", "/sl"), 0);
    ck_assert_int_eq(shim_fs_link(&fs, &root, fs.root, "/sl", "/sl2"), 0);
    struct shim_inode *l;
    ck_assert_int_eq(shim_fs_lookup(&fs, &root, fs.root, "/sl2", SHIM_FS_NOFOLLOW, &l), 0);
    ck_assert_uint_eq(l->mode & LINUX_S_IFMT, LINUX_S_IFLNK);
    /* one name gone, the other still reads */
    ck_assert_int_eq(shim_fs_unlink(&fs, &root, fs.root, "/d/f"), 0);
    ck_assert_uint_eq(f->nlink, 1);
    char out[16];
    ck_assert_int_eq(shim_fs_read(get("/g"), 0, out, sizeof out), 6);
    /* an open file outlives its last name */
    shim_fs_get(f);
    ck_assert_int_eq(shim_fs_unlink(&fs, &root, fs.root, "/g"), 0);
    ck_assert_uint_eq(f->nlink, 0);
    ck_assert_int_eq(test_mem.live_pages, 1);
    ck_assert_int_eq(shim_fs_read(f, 0, out, sizeof out), 6);
    ck_assert_int_eq(shim_fs_write(f, 6, "!", 1), 1);
    shim_fs_put(f); /* freed now: teardown checks that nothing is left */
    ck_assert_int_eq(test_mem.live_pages, 0);
}
END_TEST

START_TEST(tmpfs_unlink_rmdir)
{
    ck_assert_int_eq(mkdir_("/d"), 0);
    ck_assert_int_eq(mkdir_("/d/sub"), 0);
    create("/d/f", "x");
    ck_assert_int_eq(shim_fs_unlink(&fs, &root, fs.root, "/d"), -LINUX_EISDIR);
    ck_assert_int_eq(shim_fs_unlink(&fs, &root, fs.root, "/d/."), -LINUX_EISDIR);
    ck_assert_int_eq(shim_fs_unlink(&fs, &root, fs.root, "/d/nope"), -LINUX_ENOENT);
    ck_assert_int_eq(shim_fs_unlink(&fs, &root, fs.root, "/d/f/"), -LINUX_ENOTDIR);
    ck_assert_int_eq(shim_fs_rmdir(&fs, &root, fs.root, "/d/f"), -LINUX_ENOTDIR);
    ck_assert_int_eq(shim_fs_rmdir(&fs, &root, fs.root, "/d"), -LINUX_ENOTEMPTY);
    ck_assert_int_eq(shim_fs_rmdir(&fs, &root, fs.root, "/d/sub/."), -LINUX_EINVAL);
    ck_assert_int_eq(shim_fs_rmdir(&fs, &root, fs.root, "/d/sub/.."), -LINUX_ENOTEMPTY);
    ck_assert_int_eq(shim_fs_rmdir(&fs, &root, fs.root, "/"), -LINUX_EBUSY);
    ck_assert_int_eq(shim_fs_rmdir(&fs, &root, fs.root, "/nope"), -LINUX_ENOENT);
    ck_assert_uint_eq(get("/d")->nlink, 3);
    ck_assert_int_eq(shim_fs_rmdir(&fs, &root, fs.root, "/d/sub/"), 0);
    ck_assert_uint_eq(get("/d")->nlink, 2);
    ck_assert_int_eq(shim_fs_unlink(&fs, &root, fs.root, "/d/f"), 0);
    ck_assert_int_eq(shim_fs_rmdir(&fs, &root, fs.root, "/d"), 0);
    ck_assert_int_eq(lookup("/d", 0), -LINUX_ENOENT);
    ck_assert_uint_eq(fs.root->nlink, 2);
    /* a removed directory held as a cwd: empty, nothing can be made in it */
    ck_assert_int_eq(mkdir_("/cwd"), 0);
    struct shim_inode *cwd = get("/cwd");
    shim_fs_get(cwd);
    ck_assert_int_eq(shim_fs_rmdir(&fs, &root, fs.root, "/cwd"), 0);
    ck_assert_uint_eq(cwd->nlink, 0);
    shim_fs_put(cwd);
}
END_TEST

START_TEST(tmpfs_rename)
{
    ck_assert_int_eq(mkdir_("/a"), 0);
    ck_assert_int_eq(mkdir_("/a/sub"), 0);
    ck_assert_int_eq(mkdir_("/b"), 0);
    ck_assert_int_eq(mkdir_("/full"), 0);
    create("/full/x", NULL);
    struct shim_inode *f = create("/a/f", "one");
    struct shim_inode *g = create("/b/g", "two");
    /* a file over a file: the old one goes */
    ck_assert_int_eq(shim_fs_rename(&fs, &root, fs.root, "/a/f", "/b/g"), 0);
    ck_assert_ptr_eq(get("/b/g"), f);
    ck_assert_int_eq(lookup("/a/f", 0), -LINUX_ENOENT);
    (void)g; /* freed: the teardown's leak check would see it otherwise */
    /* two names of one inode: nothing happens */
    ck_assert_int_eq(shim_fs_link(&fs, &root, fs.root, "/b/g", "/b/h"), 0);
    ck_assert_int_eq(shim_fs_rename(&fs, &root, fs.root, "/b/g", "/b/h"), 0);
    ck_assert_ptr_eq(get("/b/g"), f);
    ck_assert_ptr_eq(get("/b/h"), f);
    /* directories: moved with their "..", link counts follow */
    ck_assert_int_eq(shim_fs_rename(&fs, &root, fs.root, "/a/sub", "/b/sub2"), 0);
    ck_assert_uint_eq(get("/a")->nlink, 2);
    ck_assert_uint_eq(get("/b")->nlink, 3);
    ck_assert_ptr_eq(get("/b/sub2/.."), get("/b"));
    ck_assert_int_eq(mkdir_("/b/sub2/deeper"), 0);
    ck_assert_int_eq(shim_fs_rename(&fs, &root, fs.root, "/b/sub2", "/a/back"), 0);
    ck_assert_uint_eq(get("/a/back")->nlink, 3); /* its own subdirectory still counts */
    /* into its own subtree */
    ck_assert_int_eq(shim_fs_rename(&fs, &root, fs.root, "/a", "/a/back/deeper/a"), -LINUX_EINVAL);
    ck_assert_int_eq(shim_fs_rename(&fs, &root, fs.root, "/a", "/a/x"), -LINUX_EINVAL);
    /* type clashes and non-empty targets */
    ck_assert_int_eq(shim_fs_rename(&fs, &root, fs.root, "/a", "/b/g"), -LINUX_ENOTDIR);
    ck_assert_int_eq(shim_fs_rename(&fs, &root, fs.root, "/b/g", "/a"), -LINUX_EISDIR);
    ck_assert_int_eq(shim_fs_rename(&fs, &root, fs.root, "/a", "/full"), -LINUX_ENOTEMPTY);
    ck_assert_int_eq(shim_fs_rename(&fs, &root, fs.root, "/b/g/", "/b/q"), -LINUX_ENOTDIR);
    ck_assert_int_eq(shim_fs_rename(&fs, &root, fs.root, "/nope", "/b/q"), -LINUX_ENOENT);
    ck_assert_int_eq(shim_fs_rename(&fs, &root, fs.root, "/b/.", "/q"), -LINUX_EBUSY);
    ck_assert_int_eq(shim_fs_rename(&fs, &root, fs.root, "/b/g", "/"), -LINUX_EBUSY);
    ck_assert_int_eq(shim_fs_rename(&fs, &root, fs.root, "/b/g", "/nodir/q"), -LINUX_ENOENT);
    /* a directory over an empty directory */
    ck_assert_int_eq(mkdir_("/empty"), 0);
    unsigned n = fs.root->nlink;
    ck_assert_int_eq(shim_fs_rename(&fs, &root, fs.root, "/a", "/empty"), 0);
    ck_assert_uint_eq(fs.root->nlink, n - 1);
    ck_assert_int_eq(lookup("/empty/back/deeper", 0), 0);
    ck_assert_int_eq(lookup("/a", 0), -LINUX_ENOENT);
}
END_TEST

START_TEST(tmpfs_permissions)
{
    /* a world-writable sticky directory, a private one, a set-group-ID one */
    ck_assert_int_eq(shim_fs_mknod(&fs, &root, fs.root, "/tmp", LINUX_S_IFDIR | 01777, 0, 0, NULL),
                     0);
    ck_assert_int_eq(shim_fs_mknod(&fs, &root, fs.root, "/priv", LINUX_S_IFDIR | 0700, 0, 0, NULL),
                     0);
    create("/priv/secret", "s");
    struct shim_inode *n;
    ck_assert_int_eq(shim_fs_lookup(&fs, &alice, fs.root, "/priv/secret", 0, &n), -LINUX_EACCES);
    ck_assert_int_eq(shim_fs_lookup(&fs, &alice, fs.root, "/priv/../tmp", 0, &n), -LINUX_EACCES);
    ck_assert_int_eq(shim_fs_lookup(&fs, &alice, fs.root, "/priv", 0, &n), 0); /* the dir itself */
    ck_assert_int_eq(shim_fs_mknod(&fs, &alice, fs.root, "/mine", LINUX_S_IFREG | 0644, 0, 0, NULL),
                     -LINUX_EACCES);
    ck_assert_int_eq(shim_fs_mknod(&fs, &alice, fs.root, "/tmp/a", LINUX_S_IFREG | 0640, 0, 0, &n),
                     0);
    ck_assert_uint_eq(n->uid, alice.uid);
    ck_assert_uint_eq(n->gid, alice.gid);
    ck_assert_int_eq(shim_fs_permission(n, &alice, 6), 0);
    ck_assert_int_eq(shim_fs_permission(n, &alice, 1), -LINUX_EACCES);
    ck_assert_int_eq(shim_fs_permission(n, &bob, 4), -LINUX_EACCES);
    ck_assert_int_eq(shim_fs_permission(n, &(struct shim_cred){1002, 100}, 4), 0); /* group */
    ck_assert_int_eq(shim_fs_permission(n, &(struct shim_cred){1002, 100}, 2), -LINUX_EACCES);
    ck_assert_int_eq(shim_fs_permission(n, &root, 6), 0);
    ck_assert_int_eq(shim_fs_permission(n, &root, 1), -LINUX_EACCES); /* no x bit at all */
    /* sticky: bob may not remove or rename alice's file, alice and root may */
    ck_assert_int_eq(shim_fs_unlink(&fs, &bob, fs.root, "/tmp/a"), -LINUX_EPERM);
    ck_assert_int_eq(shim_fs_rename(&fs, &bob, fs.root, "/tmp/a", "/tmp/b"), -LINUX_EPERM);
    ck_assert_int_eq(shim_fs_rename(&fs, &alice, fs.root, "/tmp/a", "/tmp/b"), 0);
    ck_assert_int_eq(shim_fs_unlink(&fs, &alice, fs.root, "/tmp/b"), 0);
    /* moving a directory to another parent needs write permission on it */
    ck_assert_int_eq(shim_fs_mknod(&fs, &alice, fs.root, "/tmp/ro", LINUX_S_IFDIR | 0555, 0, 0, &n),
                     0);
    ck_assert_int_eq(
        shim_fs_mknod(&fs, &alice, fs.root, "/tmp/dst", LINUX_S_IFDIR | 0755, 0, 0, &n), 0);
    ck_assert_int_eq(shim_fs_rename(&fs, &alice, fs.root, "/tmp/ro", "/tmp/dst/ro"), -LINUX_EACCES);
    ck_assert_int_eq(shim_fs_rename(&fs, &alice, fs.root, "/tmp/ro", "/tmp/ro2"), 0);
    ck_assert_int_eq(shim_fs_rename(&fs, &root, fs.root, "/tmp/ro2", "/tmp/dst/ro"), 0);
    /* a NULL working directory is the root */
    ck_assert_int_eq(shim_fs_lookup(&fs, &alice, NULL, "tmp/dst/ro", 0, &n), 0);
    /* chmod, chown, utimens: owner or root */
    ck_assert_int_eq(shim_fs_mknod(&fs, &alice, fs.root, "/tmp/c", LINUX_S_IFREG | 0644, 0, 0, &n),
                     0);
    ck_assert_int_eq(shim_fs_chmod(n, &bob, 0777), -LINUX_EPERM);
    ck_assert_int_eq(shim_fs_chmod(n, &alice, 04755 | LINUX_S_IFDIR), 0);
    ck_assert_uint_eq(n->mode, LINUX_S_IFREG | 04755); /* the type cannot change */
    ck_assert_int_eq(shim_fs_chmod(n, &alice, 02755), 0);
    ck_assert_uint_eq(n->mode & 07777, 02755); /* alice is in the file's group */
    ck_assert_int_eq(shim_fs_chown(n, &alice, bob.uid, SHIM_FS_UNCHANGED), -LINUX_EPERM);
    ck_assert_int_eq(shim_fs_chown(n, &bob, SHIM_FS_UNCHANGED, bob.gid), -LINUX_EPERM);
    ck_assert_int_eq(shim_fs_chown(n, &alice, SHIM_FS_UNCHANGED, 555), -LINUX_EPERM);
    ck_assert_int_eq(shim_fs_chown(n, &root, bob.uid, bob.gid), 0);
    ck_assert_uint_eq(n->uid, bob.uid);
    ck_assert_uint_eq(n->mode & 07777, 0755); /* set-ID bits dropped */
    ck_assert_int_eq(shim_fs_chmod(n, &bob, 02755), 0);
    ck_assert_int_eq(shim_fs_chown(n, &bob, SHIM_FS_UNCHANGED, 5), -LINUX_EPERM);
    ck_assert_int_eq(shim_fs_utimens(n, &alice, 1, 2), -LINUX_EPERM);
    ck_assert_int_eq(shim_fs_utimens(n, &bob, 1, 2), 0);
    ck_assert_int_eq(n->atime, 1);
    ck_assert_int_eq(n->mtime, 2);
    /* a set-group-ID directory passes its group on */
    ck_assert_int_eq(shim_fs_mknod(&fs, &root, fs.root, "/grp", LINUX_S_IFDIR | 02777, 0, 0, &n),
                     0);
    ck_assert_int_eq(shim_fs_chown(n, &root, SHIM_FS_UNCHANGED, 50), 0);
    ck_assert_int_eq(shim_fs_mknod(&fs, &alice, fs.root, "/grp/x", LINUX_S_IFDIR | 0755, 0, 0, &n),
                     0);
    ck_assert_uint_eq(n->gid, 50);
    ck_assert_uint_eq(n->mode & LINUX_S_ISGID, LINUX_S_ISGID);
}
END_TEST

START_TEST(tmpfs_readdir_and_times)
{
    test_mem.clock = 5000;
    ck_assert_int_eq(mkdir_("/d"), 0);
    struct shim_inode *d = get("/d");
    ck_assert_int_eq(d->mtime, 5000);
    test_mem.clock = 6000;
    create("/d/one", NULL);
    create("/d/two", NULL);
    struct shim_inode *three = create("/d/three", NULL);
    ck_assert_int_eq(d->mtime, 6000);
    const char *names[8];
    uint64_t cookie = 0, next;
    const char *name;
    size_t len;
    struct shim_inode *node;
    int n = 0;
    while (shim_fs_readdir(d, cookie, &name, &len, &node, &next) == 1) {
        ck_assert_uint_eq(strlen(name), len);
        names[n++] = name;
        if (n == 1)
            ck_assert_ptr_eq(node, d);
        if (n == 2)
            ck_assert_ptr_eq(node, fs.root);
        cookie = next;
    }
    ck_assert_int_eq(n, 5);
    ck_assert_str_eq(names[0], ".");
    ck_assert_str_eq(names[1], "..");
    ck_assert_str_eq(names[2], "one");
    ck_assert_str_eq(names[4], "three");
    /* resume after an entry that was removed meanwhile */
    ck_assert_int_eq(shim_fs_readdir(d, 2, &name, &len, &node, &next), 1);
    ck_assert_str_eq(name, "one");
    uint64_t after_one = next;
    ck_assert_int_eq(shim_fs_unlink(&fs, &root, fs.root, "/d/one"), 0);
    ck_assert_int_eq(shim_fs_unlink(&fs, &root, fs.root, "/d/two"), 0);
    ck_assert_int_eq(shim_fs_readdir(d, after_one, &name, &len, &node, &next), 1);
    ck_assert_ptr_eq(node, three);
    ck_assert_int_eq(shim_fs_readdir(d, next, &name, &len, &node, &next), 0);
    ck_assert_int_eq(shim_fs_readdir(three, 0, &name, &len, &node, &next), -LINUX_ENOTDIR);
    /* writes move mtime and ctime */
    test_mem.clock = 7000;
    ck_assert_int_eq(shim_fs_write(three, 0, "x", 1), 1);
    ck_assert_int_eq(three->mtime, 7000);
    ck_assert_int_eq(three->ctime, 7000);
    ck_assert_int_eq(three->atime, 6000);
    ck_assert_uint_ne(three->ino, d->ino);
}
END_TEST

START_TEST(tmpfs_unpack_cpio)
{
    struct cpio_writer w = {0};
    cpio_add(&w, ".", LINUX_S_IFDIR | 0755, 1, 2, NULL, 0);
    cpio_add(&w, "./bin", LINUX_S_IFDIR | 0755, 2, 2, NULL, 0);
    cpio_add(&w, "bin/busybox", LINUX_S_IFREG | 0755, 3, 1, "ELF...", 6);
    cpio_add(&w, "bin/sh", LINUX_S_IFLNK | 0777, 4, 1, "busybox", 7);
    cpio_add(&w, "/usr/share/deep/file", LINUX_S_IFREG | 0600, 5, 1, "deep", 4); /* parents made */
    cpio_add(&w, "dev/console", LINUX_S_IFCHR | 0600, 6, 1, NULL, 0);
    /* hard links: the data comes with the last name */
    cpio_add(&w, "etc/a", LINUX_S_IFREG | 0644, 7, 2, NULL, 0);
    cpio_add(&w, "etc/b", LINUX_S_IFREG | 0644, 7, 2, "linked", 6);
    cpio_add(&w, "etc/", LINUX_S_IFDIR | 0750, 8, 2, NULL, 0); /* attributes of a dir made before */
    cpio_trailer(&w);
    /* a second archive replaces a file */
    cpio_add(&w, "bin/busybox", LINUX_S_IFREG | 0755, 3, 1, "NEW", 3);
    cpio_trailer(&w);
    const char *bad = NULL;
    ck_assert_int_eq(shim_fs_unpack_cpio(&fs, w.buf, w.len, &bad), 0);
    char out[16];
    struct shim_inode *bb = get("/bin/sh");
    ck_assert_int_eq(shim_fs_read(bb, 0, out, sizeof out), 3);
    ck_assert_mem_eq(out, "NEW", 3);
    ck_assert_uint_eq(bb->uid, 1000);
    ck_assert_uint_eq(bb->mode, LINUX_S_IFREG | 0755);
    ck_assert_int_eq(bb->mtime, INT64_C(1700000000) * 1000000000);
    ck_assert_int_eq(shim_fs_read(get("/usr/share/deep/file"), 0, out, sizeof out), 4);
    ck_assert_uint_eq(get("/usr/share")->mode, LINUX_S_IFDIR | 0755);
    ck_assert_uint_eq(get("/dev/console")->rdev_major, 5);
    ck_assert_ptr_eq(get("/etc/a"), get("/etc/b"));
    ck_assert_uint_eq(get("/etc/a")->nlink, 2);
    ck_assert_int_eq(shim_fs_read(get("/etc/a"), 0, out, sizeof out), 6);
    ck_assert_uint_eq(get("/etc")->mode, LINUX_S_IFDIR | 0750);
    cpio_free(&w);

    /* a broken archive: an error and its reason; what came before stays */
    cpio_add(&w, "ok", LINUX_S_IFREG | 0644, 20, 1, "1", 1);
    size_t second = w.len;
    cpio_add(&w, "bad", LINUX_S_IFREG | 0644, 21, 1, "2", 1);
    w.buf[second] = 'X'; /* the second header's magic */
    ck_assert_int_eq(shim_fs_unpack_cpio(&fs, w.buf, w.len, &bad), -LINUX_EINVAL);
    ck_assert_str_eq(bad, shim_cpio_strerror(-SHIM_CPIO_EMAGIC));
    ck_assert_int_eq(lookup("/ok", 0), 0);
    cpio_free(&w);
    /* an entry that cannot be placed: a file where a directory is needed */
    cpio_add(&w, "bin/sh/x", LINUX_S_IFREG | 0644, 22, 1, "3", 1);
    cpio_trailer(&w);
    ck_assert_int_eq(shim_fs_unpack_cpio(&fs, w.buf, w.len, &bad), -LINUX_ENOTDIR);
    ck_assert_str_eq(bad, "bin/sh/x");
    cpio_free(&w);
}
END_TEST

/* ---- GNU cpio as the oracle --------------------------------------------- */

Suite *shim_tmpfs_suite(void)
{
    Suite *s = suite_create("shim_tmpfs");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, tmpfs_paths);
    tcase_add_test(tc, tmpfs_symlinks);
    tcase_add_test(tc, tmpfs_file_contents);
    tcase_add_test(tc, tmpfs_out_of_pages);
    tcase_add_test(tc, tmpfs_hard_links_and_lifetime);
    tcase_add_test(tc, tmpfs_unlink_rmdir);
    tcase_add_test(tc, tmpfs_rename);
    tcase_add_test(tc, tmpfs_permissions);
    tcase_add_test(tc, tmpfs_readdir_and_times);
    tcase_add_test(tc, tmpfs_unpack_cpio);
    suite_add_tcase(s, tc);
    return s;
}
