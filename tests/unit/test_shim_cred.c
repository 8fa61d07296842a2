/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the shim's credentials (<shim/cred.h>): the set*id rules
 * of Linux for a privileged and an unprivileged process, a refused call
 * changing nothing, setfs*id returning the old id, setgroups. The host's
 * Linux is the oracle: run as root, a child performs a random sequence of
 * set*id calls (ids 0, 1, 2, 65534 and -1) on its own credentials while
 * the same sequence runs on a struct shim_creds, and every result and the
 * ids after each call must agree.
 */
#define _GNU_SOURCE
#include <check.h>
#include <errno.h>
#include <grp.h>
#include <stdlib.h>
#include <sys/fsuid.h>
#include <sys/wait.h>
#include <unistd.h>
#include <shim/cred.h>
#include <shim/linux_abi.h>
#include "suites.h"

START_TEST(cred_root_setuid_drops_all)
{
    struct shim_creds c;
    shim_cred_init(&c);
    ck_assert_int_eq(shim_cred_setuid(&c, 65534), 0);
    ck_assert_uint_eq(c.u.real, 65534);
    ck_assert_uint_eq(c.u.eff, 65534);
    ck_assert_uint_eq(c.u.saved, 65534);
    ck_assert_uint_eq(c.u.fs, 65534);
    ck_assert_int_eq(shim_cred_setuid(&c, 0), -LINUX_EPERM);
    ck_assert_int_eq(shim_cred_setgid(&c, 5), -LINUX_EPERM);
    ck_assert_int_eq(shim_cred_setuid(&c, SHIM_ID_KEEP), -LINUX_EINVAL);
    ck_assert_uint_eq(c.u.eff, 65534);
}
END_TEST

START_TEST(cred_saved_id_comes_back)
{
    struct shim_creds c;
    shim_cred_init(&c);
    ck_assert_int_eq(shim_cred_setresuid(&c, 1000, 1000, 0), 0);
    ck_assert_int_eq(shim_cred_setgroups(&c, 0, NULL), -LINUX_EPERM);
    ck_assert_int_eq(shim_cred_setreuid(&c, SHIM_ID_KEEP, 0), 0); /* the saved 0 */
    ck_assert_uint_eq(c.u.eff, 0);
    ck_assert_uint_eq(c.u.saved, 0); /* euid == ruid? no: saved takes the new euid */
    ck_assert_int_eq(shim_cred_setresuid(&c, 7, 8, 9), 0);
    ck_assert_int_eq(shim_cred_setresuid(&c, 9, 7, 8), 0); /* a permutation */
    ck_assert_int_eq(shim_cred_setresuid(&c, 10, SHIM_ID_KEEP, SHIM_ID_KEEP), -LINUX_EPERM);
    ck_assert_uint_eq(c.u.real, 9);
}
END_TEST

START_TEST(cred_fs_ids_and_groups)
{
    struct shim_creds c;
    shim_cred_init(&c);
    uint32_t g[3] = {4, 5, 6};
    ck_assert_int_eq(shim_cred_setgroups(&c, 3, g), 0);
    ck_assert(shim_cred_in_group(&c, 5));
    ck_assert(!shim_cred_in_group(&c, 7));
    ck_assert_int_eq(shim_cred_setgroups(&c, SHIM_GROUPS + 1, g), -LINUX_ENOMEM);
    ck_assert_int_eq(shim_cred_setgroups(&c, SHIM_NGROUPS_MAX + 1, g), -LINUX_EINVAL);
    ck_assert_uint_eq(shim_cred_setfsuid(&c, 42), 0);
    ck_assert_uint_eq(shim_cred_setfsuid(&c, SHIM_ID_KEEP), 42);
    ck_assert_int_eq(shim_cred_setuid(&c, 3), 0);
    ck_assert_uint_eq(shim_cred_setfsuid(&c, 0), 3); /* refused: still 3 */
    ck_assert_uint_eq(c.u.fs, 3);
    ck_assert_uint_eq(shim_cred_setfsgid(&c, 0), 0); /* the real gid: allowed */
}
END_TEST

static uint32_t rand_id(unsigned *seed)
{
    static const uint32_t ids[] = {0, 1, 2, 65534, SHIM_ID_KEEP};
    return ids[rand_r(seed) % 5];
}

/* One call on the host (in the child) and on c; false if they differ. */
static int oracle_step(struct shim_creds *c, unsigned *seed)
{
    uint32_t a = rand_id(seed), b = rand_id(seed), d = rand_id(seed);
    int op = rand_r(seed) % 8;
    long host, shim;
    errno = 0;
    switch (op) {
    case 0:
        host = setuid(a) ? -errno : 0, shim = shim_cred_setuid(c, a);
        break;
    case 1:
        host = setgid(a) ? -errno : 0, shim = shim_cred_setgid(c, a);
        break;
    case 2:
        host = setreuid(a, b) ? -errno : 0, shim = shim_cred_setreuid(c, a, b);
        break;
    case 3:
        host = setregid(a, b) ? -errno : 0, shim = shim_cred_setregid(c, a, b);
        break;
    case 4:
        host = setresuid(a, b, d) ? -errno : 0, shim = shim_cred_setresuid(c, a, b, d);
        break;
    case 5:
        host = setresgid(a, b, d) ? -errno : 0, shim = shim_cred_setresgid(c, a, b, d);
        break;
    case 6:
        host = setfsuid(a), shim = shim_cred_setfsuid(c, a);
        break;
    default:
        host = setfsgid(a), shim = shim_cred_setfsgid(c, a);
        break;
    }
    uid_t r, e, s;
    gid_t gr, ge, gs;
    getresuid(&r, &e, &s);
    getresgid(&gr, &ge, &gs);
    uid_t fsu = (uid_t)setfsuid(-1);
    gid_t fsg = (gid_t)setfsgid(-1);
    return host == shim && r == c->u.real && e == c->u.eff && s == c->u.saved && fsu == c->u.fs &&
           gr == c->g.real && ge == c->g.eff && gs == c->g.saved && fsg == c->g.fs;
}

START_TEST(cred_matches_linux)
{
    if (geteuid() != 0)
        return; /* the oracle needs every id to start as root's */
    for (unsigned round = 0; round < 40; round++) {
        pid_t pid = fork();
        if (pid == 0) {
            unsigned seed = 0xc4ed0000u + round;
            struct shim_creds c;
            shim_cred_init(&c);
            if (setgroups(0, NULL) != 0)
                _exit(2);
            for (int i = 0; i < 200; i++)
                if (!oracle_step(&c, &seed))
                    _exit(10 + (i % 100));
            _exit(0);
        }
        int st;
        ck_assert_int_eq(waitpid(pid, &st, 0), pid);
        ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "round %u: status %#x", round, st);
    }
}
END_TEST

Suite *shim_cred_suite(void)
{
    Suite *s = suite_create("shim_cred");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, cred_root_setuid_drops_all);
    tcase_add_test(tc, cred_saved_id_comes_back);
    tcase_add_test(tc, cred_fs_ids_and_groups);
    tcase_add_test(tc, cred_matches_linux);
    suite_add_tcase(s, tc);
    return s;
}
