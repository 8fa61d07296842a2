/* SPDX-License-Identifier: MIT */
/*
 * The shim's in-memory file system (<shim/tmpfs.h>) against the host's
 * Linux: a cpio archive of a host directory unpacked and compared file by
 * file, and random sequences of namespace and content operations run on
 * both, as root and as a user, with every result and error compared.
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
static const struct shim_cred root = {0, 0}, alice = {1000, 100};

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

static char host_root[256];
static int host_entries, checked;

/* Each host file against its unpacked twin. */
static int compare_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    const char *rel = path + strlen(host_root);
    if (!*rel)
        return 0; /* the root itself */
    host_entries++;
    struct shim_inode *n;
    ck_assert_msg(shim_fs_lookup(&fs, &root, fs.root, rel, SHIM_FS_NOFOLLOW, &n) == 0, "%s", rel);
    ck_assert_msg(n->mode == st->st_mode, "%s: mode %o, host %o", rel, n->mode, st->st_mode);
    ck_assert_uint_eq(n->uid, st->st_uid);
    ck_assert_uint_eq(n->gid, st->st_gid);
    ck_assert_int_eq(n->mtime / 1000000000, st->st_mtime);
    if (S_ISREG(st->st_mode)) {
        ck_assert_msg(n->nlink == st->st_nlink, "%s: nlink %u, host %lu", rel, n->nlink,
                      (unsigned long)st->st_nlink);
        ck_assert_uint_eq(n->size, (uint64_t)st->st_size);
        char *a = malloc((size_t)st->st_size + 1), *b = malloc((size_t)st->st_size + 1);
        int fd = open(path, O_RDONLY);
        ck_assert_int_eq(read(fd, a, (size_t)st->st_size), st->st_size);
        close(fd);
        ck_assert_int_eq(shim_fs_read(n, 0, b, (size_t)st->st_size), st->st_size);
        ck_assert_mem_eq(a, b, (size_t)st->st_size);
        free(a);
        free(b);
    } else if (S_ISLNK(st->st_mode)) {
        char t[4096];
        ssize_t len = readlink(path, t, sizeof t - 1);
        t[len] = '\0';
        ck_assert_str_eq(shim_fs_readlink(n), t);
    } else if (S_ISDIR(st->st_mode)) {
        ck_assert_uint_eq(n->nlink, st->st_nlink);
    }
    checked++;
    return 0;
}

/* Counts the tmpfs's entries, to find any the host does not have. */
static int count_tree(struct shim_inode *dir)
{
    int n = 0;
    uint64_t cookie = 2, next;
    const char *name;
    size_t len;
    struct shim_inode *node;
    while (shim_fs_readdir(dir, cookie, &name, &len, &node, &next) == 1) {
        n++;
        if ((node->mode & LINUX_S_IFMT) == LINUX_S_IFDIR)
            n += count_tree(node);
        cookie = next;
    }
    return n;
}

static void host_file(const char *rel, const char *text, size_t len, mode_t mode)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", host_root, rel);
    int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, text, len), (ssize_t)len);
    close(fd);
    ck_assert_int_eq(chmod(p, mode), 0);
}

START_TEST(tmpfs_unpack_host_cpio)
{
    snprintf(host_root, sizeof host_root, "/tmp/shim-cpio-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(host_root));
    char p[512], q[512], cmd[1024];
    static char big[3 * 4096 + 17];
    for (size_t i = 0; i < sizeof big; i++)
        big[i] = (char)(i * 31 + 7);
    snprintf(p, sizeof p, "%s/bin", host_root);
    ck_assert_int_eq(mkdir(p, 0755), 0);
    snprintf(cmd, sizeof cmd, "mkdir -p %s/etc/deep/er", host_root);
    ck_assert_int_eq(system(cmd), 0);
    host_file("bin/prog", big, sizeof big, 04755);
    host_file("etc/empty", "", 0, 0600);
    host_file("etc/deep/er/f", "deep\n", 5, 0640);
    host_file("etc/hosts", "127.0.0.1 localhost\n", 20, 0644);
    snprintf(p, sizeof p, "%s/bin/prog", host_root);
    snprintf(q, sizeof q, "%s/bin/prog2", host_root);
    ck_assert_int_eq(link(p, q), 0);
    snprintf(q, sizeof q, "%s/etc/prog3", host_root);
    ck_assert_int_eq(link(p, q), 0);
    snprintf(q, sizeof q, "%s/bin/sh", host_root);
    ck_assert_int_eq(symlink("prog", q), 0);
    snprintf(q, sizeof q, "%s/etc/abs", host_root);
    ck_assert_int_eq(symlink("/etc/deep/er/../../hosts", q), 0);
    snprintf(q, sizeof q, "%s/fifo", host_root);
    ck_assert_int_eq(mkfifo(q, 0620), 0);
    snprintf(q, sizeof q, "%s/tmp", host_root);
    ck_assert_int_eq(mkdir(q, 0700), 0);
    ck_assert_int_eq(chmod(q, 01777), 0);
    snprintf(cmd, sizeof cmd,
             "cd %s && find . | LC_ALL=C sort | cpio -o -H newc --quiet > ../%s.cpio 2>/dev/null",
             host_root, host_root + 5);
    if (system(cmd) != 0) {
        snprintf(cmd, sizeof cmd, "rm -rf %s %s.cpio", host_root, host_root);
        ck_assert_int_eq(system(cmd), 0);
        return; /* no GNU cpio here: nothing to compare with */
    }
    snprintf(p, sizeof p, "%s.cpio", host_root);
    int fd = open(p, O_RDONLY);
    ck_assert_int_ge(fd, 0);
    struct stat st;
    ck_assert_int_eq(fstat(fd, &st), 0);
    unsigned char *archive = malloc((size_t)st.st_size);
    ck_assert_int_eq(read(fd, archive, (size_t)st.st_size), st.st_size);
    close(fd);

    const char *bad = NULL;
    ck_assert_msg(shim_fs_unpack_cpio(&fs, archive, (size_t)st.st_size, &bad) == 0, "%s",
                  bad ? bad : "");
    host_entries = checked = 0;
    ck_assert_int_eq(nftw(host_root, compare_one, 16, FTW_PHYS), 0);
    ck_assert_int_eq(checked, host_entries);
    ck_assert_int_eq(count_tree(fs.root), host_entries);
    ck_assert_ptr_eq(get("/bin/prog"), get("/etc/prog3"));
    ck_assert_ptr_eq(get("/etc/abs"), get("/etc/hosts"));
    ck_assert_int_eq(stat(host_root, &st), 0);
    ck_assert_int_eq(fs.root->mtime / 1000000000, st.st_mtime); /* "." too */
    free(archive);
    snprintf(cmd, sizeof cmd, "rm -rf %s %s.cpio", host_root, host_root);
    ck_assert_int_eq(system(cmd), 0);
}
END_TEST

/* ---- The host's VFS as the oracle ---------------------------------------- */

enum ns_op {
    NS_MKDIR,
    NS_MKNOD,
    NS_SYMLINK,
    NS_LINK,
    NS_UNLINK,
    NS_RMDIR,
    NS_RENAME,
    NS_STAT,
    NS_LSTAT,
    NS_CHMOD,
    NS_COUNT
};

struct ns_step {
    int op;
    unsigned mode;
    char a[64], b[64];
};

static const unsigned ns_modes[] = {0755, 0700, 0500, 0300, 0644, 01777, 0111, 0777};
static const struct shim_cred *ns_cred = &root;

#define NS_STEPS 3000

static void random_path(char *p, size_t cap)
{
    static const char *const comp[] = {"a", "b", "c", "l1", "l2", "..", ".", "a", "b"};
    int depth = 1 + rand() % 3;
    p[0] = '\0';
    if (rand() % 3 == 0)
        strcat(p, "/");
    for (int i = 0; i < depth; i++) {
        if (i)
            strcat(p, "/");
        strcat(p, comp[rand() % (int)(sizeof comp / sizeof comp[0])]);
    }
    if (rand() % 8 == 0)
        strcat(p, "/");
    ck_assert_uint_lt(strlen(p), cap);
}

static long ns_host(const struct ns_step *s)
{
    struct stat st;
    long r = 0;
    switch (s->op) {
    case NS_MKDIR:
        r = mkdir(s->a, 0755);
        break;
    case NS_MKNOD:
        r = mknod(s->a, S_IFREG | 0644, 0);
        break;
    case NS_SYMLINK:
        r = symlink(s->b, s->a);
        break;
    case NS_LINK:
        r = link(s->a, s->b);
        break;
    case NS_UNLINK:
        r = unlink(s->a);
        break;
    case NS_RMDIR:
        r = rmdir(s->a);
        break;
    case NS_RENAME:
        r = rename(s->a, s->b);
        break;
    case NS_CHMOD:
        r = chmod(s->a, s->mode);
        break;
    case NS_STAT:
    case NS_LSTAT:
        r = s->op == NS_STAT ? stat(s->a, &st) : lstat(s->a, &st);
        if (r == 0)
            return (long)(st.st_mode & S_IFMT) >> 12;
        break;
    }
    return r < 0 ? -errno : r;
}

static long ns_shim(const struct ns_step *s)
{
    const struct shim_cred *cr = ns_cred;
    struct shim_inode *n;
    int r;
    switch (s->op) {
    case NS_MKDIR:
        return shim_fs_mknod(&fs, cr, fs.root, s->a, LINUX_S_IFDIR | 0755, 0, 0, NULL);
    case NS_MKNOD:
        return shim_fs_mknod(&fs, cr, fs.root, s->a, LINUX_S_IFREG | 0644, 0, 0, NULL);
    case NS_SYMLINK:
        return shim_fs_symlink(&fs, cr, fs.root, s->b, s->a);
    case NS_LINK:
        return shim_fs_link(&fs, cr, fs.root, s->a, s->b);
    case NS_UNLINK:
        return shim_fs_unlink(&fs, cr, fs.root, s->a);
    case NS_RMDIR:
        return shim_fs_rmdir(&fs, cr, fs.root, s->a);
    case NS_RENAME:
        return shim_fs_rename(&fs, cr, fs.root, s->a, s->b);
    case NS_CHMOD:
        r = shim_fs_lookup(&fs, cr, fs.root, s->a, 0, &n);
        return r ? r : shim_fs_chmod(n, cr, s->mode);
    case NS_STAT:
    case NS_LSTAT:
        r = shim_fs_lookup(&fs, cr, fs.root, s->a, s->op == NS_LSTAT ? SHIM_FS_NOFOLLOW : 0, &n);
        return r ? r : (long)(n->mode & LINUX_S_IFMT) >> 12;
    }
    return 0;
}

START_TEST(tmpfs_matches_linux_vfs)
{
    static struct ns_step steps[NS_STEPS];
    srand(99 + (unsigned)_i);
    for (int i = 0; i < NS_STEPS; i++) {
        struct ns_step *st = &steps[i];
        st->op = rand() % NS_COUNT;
        if (rand() % 4 == 0)
            st->op = rand() % 2 ? NS_MKDIR : NS_MKNOD; /* a tree worth walking */
        random_path(st->a, sizeof st->a);
        random_path(st->b, sizeof st->b);
        st->mode = ns_modes[rand() % (int)(sizeof ns_modes / sizeof ns_modes[0])];
    }
    /* the later seeds run as an ordinary user who owns the root: the
     * permission checks then matter */
    int as_user = _i >= 8;
    ns_cred = as_user ? &alice : &root;
    if (as_user)
        ck_assert_int_eq(shim_fs_chown(fs.root, &root, alice.uid, alice.gid), 0);
    char dir[] = "/tmp/shim-vfs-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    if (as_user) {
        ck_assert_int_eq(chown(dir, alice.uid, alice.gid), 0);
        ck_assert_int_eq(chmod(dir, 0755), 0);
    }
    long *host = mmap(NULL, NS_STEPS * sizeof(long), PROT_READ | PROT_WRITE,
                      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    ck_assert_ptr_ne(host, MAP_FAILED);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        /* the temporary directory as the root, so that absolute paths and
         * ".." at the top behave as in the tmpfs */
        if (chroot(dir) || chdir("/"))
            _exit(3);
        umask(0);
        if (as_user && (setgid(alice.gid) || setuid(alice.uid)))
            _exit(3);
        for (int i = 0; i < NS_STEPS; i++)
            host[i] = ns_host(&steps[i]);
        _exit(0);
    }
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    char cmd[64];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    ck_assert_int_eq(system(cmd), 0);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 3)
        return; /* no chroot here (not privileged): nothing to compare with */
    ck_assert_int_eq(status, 0);
    for (int i = 0; i < NS_STEPS; i++) {
        long mine = ns_shim(&steps[i]);
        ck_assert_msg(mine == host[i], "step %d: op %d '%s' '%s': shim %ld, Linux %ld", i,
                      steps[i].op, steps[i].a, steps[i].b, mine, host[i]);
    }
}
END_TEST

/* File contents against a host file: random writes (at any offset, so
 * with holes), truncations up and down, reads; the same bytes every time. */
START_TEST(tmpfs_contents_match_linux)
{
    char path[] = "/tmp/shim-data-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    unlink(path);
    struct shim_inode *f;
    ck_assert_int_eq(shim_fs_mknod(&fs, &root, fs.root, "/f", LINUX_S_IFREG | 0644, 0, 0, &f), 0);
    static unsigned char buf[5 * 4096], a[sizeof buf], b[sizeof buf];
    srand(31337 + (unsigned)_i);
    for (int step = 0; step < 2000; step++) {
        uint64_t off = (uint64_t)(rand() % (6 * 4096));
        if (rand() % 16 == 0)
            off += (uint64_t)(rand() % 64) << 20; /* far out: a long hole */
        size_t len = (size_t)(rand() % (int)sizeof buf);
        if (rand() % 3)
            len %= 300;
        switch (rand() % 4) {
        case 0:
        case 1:
            for (size_t i = 0; i < len; i++)
                buf[i] = (unsigned char)rand();
            ck_assert_int_eq(pwrite(fd, buf, len, (off_t)off), (ssize_t)len);
            ck_assert_int_eq(shim_fs_write(f, off, buf, len), (int64_t)len);
            break;
        case 2:
            ck_assert_int_eq(ftruncate(fd, (off_t)off), 0);
            ck_assert_int_eq(shim_fs_truncate(f, off), 0);
            break;
        case 3: {
            ssize_t r = pread(fd, a, len, (off_t)off);
            ck_assert_int_eq(shim_fs_read(f, off, b, len), r);
            ck_assert_mem_eq(a, b, (size_t)r);
            break;
        }
        }
        struct stat st;
        ck_assert_int_eq(fstat(fd, &st), 0);
        ck_assert_uint_eq(f->size, (uint64_t)st.st_size);
    }
    /* all of it, at the end */
    for (uint64_t off = 0; off < f->size; off += sizeof a) {
        ssize_t r = pread(fd, a, sizeof a, (off_t)off);
        ck_assert_int_eq(shim_fs_read(f, off, b, sizeof b), r);
        ck_assert_mem_eq(a, b, (size_t)r);
    }
    close(fd);
}
END_TEST

Suite *shim_tmpfs_linux_suite(void)
{
    Suite *s = suite_create("shim_tmpfs_linux");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, tmpfs_unpack_host_cpio);
    tcase_add_loop_test(tc, tmpfs_contents_match_linux, 0, 4);
    tcase_add_loop_test(tc, tmpfs_matches_linux_vfs, 0, 16);
    suite_add_tcase(s, tc);
    return s;
}
