/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the shim's exec/ (<shim/exec.h>), the initial stack: its
 * layout rules, its errors, and, when the build found musl-gcc and a
 * static glibc, the byte-for-byte comparison with the stack the host's
 * Linux gives a program (tests/unit/linux/stack_dump.c).
 */
#define _GNU_SOURCE
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <l4/elf.h>
#include <shim/exec.h>
#include <shim/linux_abi.h>
#include "shim_exec_helpers.h"
#include "suites.h"

/* ---- The initial stack --------------------------------------------------- */

static uint64_t word(const unsigned char *buf, uint64_t base, uint64_t addr)
{
    uint64_t v;
    memcpy(&v, buf + (addr - base), 8);
    return v;
}

static const char *str(const unsigned char *buf, uint64_t base, uint64_t addr)
{
    return (const char *)buf + (addr - base);
}

static const uint8_t rnd[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};

static struct shim_exec_plan small_plan(void)
{
    struct shim_exec_plan plan;
    make_exec();
    ck_assert_int_eq(plan_img(&plan), SHIM_EXEC_OK);
    return plan;
}

START_TEST(stack_layout)
{
    static unsigned char buf[8192];
    const uint64_t top = USER_TOP, base = top - sizeof buf;
    const char *argv[] = {"/bin/prog", "-x", "hello"};
    const char *envp[] = {"HOME=/", "TERM=vt100"};
    struct shim_exec_args a = {
        .argc = 3,
        .envc = 2,
        .argv = argv,
        .envp = envp,
        .execfn = "/bin/prog",
        .random = rnd,
        .platform = "x86_64",
        .hwcap = 0x178bfbff,
        .uid = 1,
        .euid = 2,
        .gid = 3,
        .egid = 4,
        .sysinfo_ehdr = 0x7ffff7ffd000,
    };
    struct shim_exec_plan plan = small_plan();
    struct shim_exec_stack st;
    memset(buf, 0xaa, sizeof buf);
    ck_assert_int_eq(shim_exec_build_stack(&plan, &a, top, buf, sizeof buf, &st), 0);
    ck_assert_uint_eq(st.rsp % 16, 0);
    ck_assert_uint_eq(word(buf, base, st.rsp), 3);
    ck_assert_uint_eq(st.argv, st.rsp + 8);
    for (unsigned i = 0; i < 3; i++)
        ck_assert_str_eq(str(buf, base, word(buf, base, st.argv + 8 * i)), argv[i]);
    ck_assert_uint_eq(word(buf, base, st.argv + 24), 0);
    ck_assert_uint_eq(st.envp, st.argv + 32);
    ck_assert_str_eq(str(buf, base, word(buf, base, st.envp)), "HOME=/");
    ck_assert_str_eq(str(buf, base, word(buf, base, st.envp + 8)), "TERM=vt100");
    ck_assert_uint_eq(word(buf, base, st.envp + 16), 0);
    ck_assert_uint_eq(st.auxv, st.envp + 24);
    /* the strings run contiguously from argv[0] to execfn, 8 zero bytes
     * above them */
    ck_assert_uint_eq(word(buf, base, st.argv), st.strings);
    static const char strings[] = "/bin/prog\0-x\0hello\0HOME=/\0TERM=vt100\0/bin/prog";
    ck_assert_uint_eq(st.strings + sizeof strings + 8, top);
    ck_assert_mem_eq(buf + (st.strings - base), strings, sizeof strings);
    ck_assert_uint_eq(word(buf, base, top - 8), 0);
    ck_assert_uint_eq(st.execfn, top - 8 - 10);
    /* platform right below the 16-aligned strings, random below it */
    ck_assert_uint_eq(st.platform + 7, st.strings & ~UINT64_C(15));
    ck_assert_str_eq(str(buf, base, st.platform), "x86_64");
    ck_assert_uint_eq(st.random + 16, st.platform);
    ck_assert_mem_eq(buf + (st.random - base), rnd, 16);
    /* the auxiliary vector, in Linux's order */
    static const uint64_t keys[] = {
        LINUX_AT_SYSINFO_EHDR, LINUX_AT_HWCAP,  LINUX_AT_PAGESZ,   LINUX_AT_CLKTCK, LINUX_AT_PHDR,
        LINUX_AT_PHENT,        LINUX_AT_PHNUM,  LINUX_AT_BASE,     LINUX_AT_FLAGS,  LINUX_AT_ENTRY,
        LINUX_AT_UID,          LINUX_AT_EUID,   LINUX_AT_GID,      LINUX_AT_EGID,   LINUX_AT_SECURE,
        LINUX_AT_RANDOM,       LINUX_AT_EXECFN, LINUX_AT_PLATFORM, LINUX_AT_NULL,
    };
    const uint64_t vals[] = {
        0x7ffff7ffd000,
        0x178bfbff,
        4096,
        100,
        0x400040,
        56,
        3,
        0,
        0,
        0x400100,
        1,
        2,
        3,
        4,
        0,
        st.random,
        st.execfn,
        st.platform,
        0,
    };
    ck_assert_uint_eq(st.naux, sizeof keys / sizeof keys[0]);
    for (unsigned i = 0; i < st.naux; i++) {
        ck_assert_uint_eq(word(buf, base, st.auxv + 16 * i), keys[i]);
        ck_assert_uint_eq(word(buf, base, st.auxv + 16 * i + 8), vals[i]);
    }
    /* the gap between auxv and the random bytes is under 16 and zero */
    uint64_t end = st.auxv + 16 * st.naux;
    ck_assert_uint_lt(st.random - end, 16);
    for (uint64_t p = end; p < st.random; p++)
        ck_assert_uint_eq(buf[p - base], 0);
    /* nothing below rsp was touched */
    for (uint64_t p = base; p < st.rsp; p++)
        ck_assert_uint_eq(buf[p - base], 0xaa);
}
END_TEST

START_TEST(stack_optional_entries)
{
    static unsigned char buf[4096];
    const uint64_t top = 0x10000000, base = top - sizeof buf;
    const char *argv[] = {"a"};
    struct shim_exec_args a = {.argc = 1,
                               .argv = argv,
                               .execfn = "a",
                               .random = rnd,
                               .hwcap2 = 2,
                               .has_hwcap2 = 1,
                               .minsigstksz = 0x2eb0,
                               .secure = 7};
    struct shim_exec_plan plan = small_plan();
    struct shim_exec_stack st;
    ck_assert_int_eq(shim_exec_build_stack(&plan, &a, top, buf, sizeof buf, &st), 0);
    /* no vDSO, no platform: AT_MINSIGSTKSZ leads, AT_HWCAP2 after AT_RANDOM */
    ck_assert_uint_eq(st.platform, 0);
    ck_assert_uint_eq(word(buf, base, st.auxv), LINUX_AT_MINSIGSTKSZ);
    ck_assert_uint_eq(word(buf, base, st.auxv + 8), 0x2eb0);
    ck_assert_uint_eq(word(buf, base, st.auxv + 16), LINUX_AT_HWCAP);
    ck_assert_uint_eq(word(buf, base, st.auxv + 16 * 14), LINUX_AT_SECURE);
    ck_assert_uint_eq(word(buf, base, st.auxv + 16 * 14 + 8), 1);
    ck_assert_uint_eq(word(buf, base, st.auxv + 16 * 15), LINUX_AT_RANDOM);
    ck_assert_uint_eq(word(buf, base, st.auxv + 16 * 16), LINUX_AT_HWCAP2);
    ck_assert_uint_eq(word(buf, base, st.auxv + 16 * 17), LINUX_AT_EXECFN);
    ck_assert_uint_eq(word(buf, base, st.auxv + 16 * 18), LINUX_AT_NULL);
    ck_assert_uint_eq(st.naux, 19);
    ck_assert_uint_eq(st.random + 16, st.strings & ~UINT64_C(15));
}
END_TEST

/* Linux gives a program started with no arguments one empty argv[0]. */
START_TEST(stack_empty_argv)
{
    static unsigned char buf[4096];
    const uint64_t top = 0x10000000, base = top - sizeof buf;
    struct shim_exec_args a = {.execfn = "/x", .random = rnd};
    struct shim_exec_plan plan = small_plan();
    struct shim_exec_stack st;
    ck_assert_int_eq(shim_exec_build_stack(&plan, &a, top, buf, sizeof buf, &st), 0);
    ck_assert_uint_eq(word(buf, base, st.rsp), 1);
    ck_assert_str_eq(str(buf, base, word(buf, base, st.argv)), "");
    ck_assert_uint_eq(word(buf, base, st.argv + 8), 0);
    ck_assert_uint_eq(word(buf, base, st.argv + 16), 0); /* envp empty */
}
END_TEST

/* rsp is 16-byte aligned whatever the counts and string lengths. */
START_TEST(stack_alignment_sweep)
{
    static unsigned char buf[8192];
    const uint64_t top = 0x20000000;
    const char *v[] = {"a", "bb", "ccc", "dddd", "eeeee", "ffffff", "g"};
    struct shim_exec_plan plan = small_plan();
    for (unsigned argc = 0; argc <= 7; argc++)
        for (unsigned envc = 0; envc <= 7; envc++)
            for (unsigned plat = 0; plat < 2; plat++) {
                struct shim_exec_args a = {.argc = argc,
                                           .envc = envc,
                                           .argv = v,
                                           .envp = v,
                                           .execfn = v[envc % 7],
                                           .random = rnd,
                                           .platform = plat ? "x86_64" : NULL};
                struct shim_exec_stack st;
                ck_assert_int_eq(shim_exec_build_stack(&plan, &a, top, buf, sizeof buf, &st), 0);
                ck_assert_uint_eq(st.rsp % 16, 0);
                ck_assert_uint_eq(st.envp, st.rsp + 8 + 8 * ((argc ? argc : 1) + 1));
                ck_assert_uint_lt(st.random - (st.auxv + 16 * st.naux), 16);
            }
}
END_TEST

START_TEST(stack_errors)
{
    static unsigned char buf[4096];
    const char *argv[] = {"prog"};
    struct shim_exec_args a = {.argc = 1, .argv = argv, .execfn = "prog", .random = rnd};
    struct shim_exec_plan plan = small_plan();
    struct shim_exec_stack st;
    /* a misaligned top, a buffer larger than the space below the top */
    ck_assert_int_eq(shim_exec_build_stack(&plan, &a, 0x10000008, buf, sizeof buf, &st),
                     -LINUX_EINVAL);
    ck_assert_int_eq(shim_exec_build_stack(&plan, &a, 0x800, buf, sizeof buf, &st), -LINUX_EINVAL);
    /* missing pieces */
    struct shim_exec_args b = a;
    b.random = NULL;
    ck_assert_int_eq(shim_exec_build_stack(&plan, &b, 0x10000000, buf, sizeof buf, &st),
                     -LINUX_EINVAL);
    b = a;
    b.execfn = NULL;
    ck_assert_int_eq(shim_exec_build_stack(&plan, &b, 0x10000000, buf, sizeof buf, &st),
                     -LINUX_EINVAL);
    b = a;
    b.envc = 1;
    ck_assert_int_eq(shim_exec_build_stack(&plan, &b, 0x10000000, buf, sizeof buf, &st),
                     -LINUX_EINVAL);
    /* too small a buffer: E2BIG, and nothing written */
    memset(buf, 0x55, sizeof buf);
    ck_assert_int_eq(shim_exec_build_stack(&plan, &a, 0x10000000, buf, 200, &st), -LINUX_E2BIG);
    for (unsigned i = 0; i < sizeof buf; i++)
        ck_assert_uint_eq(buf[i], 0x55);
    /* the smallest buffer that fits is accepted exactly */
    size_t need = 0;
    for (size_t n = 200; n < sizeof buf && !need; n++)
        if (shim_exec_build_stack(&plan, &a, 0x10000000, buf + sizeof buf - n, n, &st) == 0)
            need = n;
    ck_assert_uint_ne(need, 0);
    ck_assert_uint_le(0x10000000 - st.rsp, need);
    /* a string longer than MAX_ARG_STRLEN (with its NUL), and one just fitting */
    char *big = malloc(SHIM_EXEC_MAX_ARG_STRLEN + 1);
    memset(big, 'x', SHIM_EXEC_MAX_ARG_STRLEN);
    big[SHIM_EXEC_MAX_ARG_STRLEN] = '\0';
    unsigned char *large = malloc(4 * SHIM_EXEC_MAX_ARG_STRLEN);
    const char *bigv[] = {big};
    b = a;
    b.argv = bigv;
    ck_assert_int_eq(
        shim_exec_build_stack(&plan, &b, 0x10000000, large, 4 * SHIM_EXEC_MAX_ARG_STRLEN, &st),
        -LINUX_E2BIG);
    b = a;
    b.envc = 1;
    b.envp = bigv;
    ck_assert_int_eq(
        shim_exec_build_stack(&plan, &b, 0x10000000, large, 4 * SHIM_EXEC_MAX_ARG_STRLEN, &st),
        -LINUX_E2BIG);
    b = a;
    b.execfn = big;
    ck_assert_int_eq(
        shim_exec_build_stack(&plan, &b, 0x10000000, large, 4 * SHIM_EXEC_MAX_ARG_STRLEN, &st),
        -LINUX_E2BIG);
    big[SHIM_EXEC_MAX_ARG_STRLEN - 1] = '\0';
    b = a;
    b.argv = bigv;
    ck_assert_int_eq(
        shim_exec_build_stack(&plan, &b, 0x10000000, large, 4 * SHIM_EXEC_MAX_ARG_STRLEN, &st), 0);
    free(big);
    free(large);
}
END_TEST

/* ---- The host's Linux as the oracle --------------------------------------- */

#if defined(STACK_DUMP_MUSL) || defined(STACK_DUMP_GLIBC_PIE) || defined(STACK_DUMP_GLIBC_STATIC)
struct native {
    uint64_t top, rsp, brk;
    unsigned char *mem; /* [rsp, top) */
};

/* NULL-terminated for execve(); the counts go to the shim's builder. */
static const char *const dump_argv[] = {"stack_dump", "first arg", "", "x", NULL};
static const char *const dump_envp[] = {"PATH=/bin:/usr/bin", "LANG=C", "EMPTY=", NULL};

/* 1 when n holds the host's stack, 0 when the host cannot say. */
static int run_native(const char *path, struct native *n)
{
    int fds[2];
    ck_assert_int_eq(pipe(fds), 0);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        dup2(fds[1], 1);
        close(fds[0]);
        /* A sandbox may refuse the flag (a container's seccomp filter):
         * then there is nothing to compare with, exit 77 says so. */
        if (personality(ADDR_NO_RANDOMIZE) < 0 || !(personality(0xffffffff) & ADDR_NO_RANDOMIZE))
            _exit(77);
        execve(path, (char *const *)dump_argv, (char *const *)dump_envp);
        perror(path);
        _exit(127);
    }
    close(fds[1]);
    size_t cap = 1 << 16, len = 0;
    char *out = malloc(cap);
    ssize_t r;
    while ((r = read(fds[0], out + len, cap - 1 - len)) > 0)
        len += (size_t)r;
    out[len] = '\0';
    close(fds[0]);
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 77) {
        free(out);
        return 0;
    }
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "%s failed: %d", path, status);
    int argc;
    char *mem = strstr(out, "mem ");
    ck_assert_ptr_nonnull(mem);
    ck_assert_int_eq(
        sscanf(out, "top %lx\nrsp %lx\nbrk %lx\nargc %d", &n->top, &n->rsp, &n->brk, &argc), 4);
    ck_assert_int_eq(argc, 4);
    size_t bytes = n->top - n->rsp;
    n->mem = malloc(bytes);
    for (size_t i = 0; i < bytes; i++) {
        unsigned v;
        ck_assert_int_eq(sscanf(mem + 4 + 2 * i, "%2x", &v), 1);
        n->mem[i] = (unsigned char)v;
    }
    free(out);
    return 1;
}

/* Entries this shim does not give (rseq, later hardware capability words). */
static int shim_omits(uint64_t key)
{
    return key == LINUX_AT_RSEQ_FEATURE_SIZE || key == LINUX_AT_RSEQ_ALIGN || key == 29 ||
           key == 30;
}

static void compare_with_linux(const char *path, int check_brk)
{
    struct native n;
    if (!run_native(path, &n))
        return; /* no way to turn randomisation off here */
    uint64_t nw = (n.top - n.rsp) / 8;
    const uint64_t *w = (const uint64_t *)n.mem;
    /* find the native auxv and read what the shim must be told */
    uint64_t i = 1 + 4 + 1 + 3 + 1; /* argc, argv, NULL, envp, NULL */
    uint64_t native_auxv = i, omitted = 0;
    struct shim_exec_args a = {
        .argc = 4, .envc = 3, .argv = dump_argv, .envp = dump_envp, .execfn = path};
    uint64_t entry = 0, random = 0;
    for (; i + 1 < nw && w[i] != LINUX_AT_NULL; i += 2) {
        switch (w[i]) {
        case LINUX_AT_SYSINFO_EHDR:
            a.sysinfo_ehdr = w[i + 1];
            break;
        case LINUX_AT_MINSIGSTKSZ:
            a.minsigstksz = w[i + 1];
            break;
        case LINUX_AT_HWCAP:
            a.hwcap = w[i + 1];
            break;
        case LINUX_AT_HWCAP2:
            a.hwcap2 = w[i + 1];
            a.has_hwcap2 = 1;
            break;
        case LINUX_AT_UID:
            a.uid = (uint32_t)w[i + 1];
            break;
        case LINUX_AT_EUID:
            a.euid = (uint32_t)w[i + 1];
            break;
        case LINUX_AT_GID:
            a.gid = (uint32_t)w[i + 1];
            break;
        case LINUX_AT_EGID:
            a.egid = (uint32_t)w[i + 1];
            break;
        case LINUX_AT_SECURE:
            a.secure = (int)w[i + 1];
            break;
        case LINUX_AT_ENTRY:
            entry = w[i + 1];
            break;
        case LINUX_AT_RANDOM:
            random = w[i + 1];
            break;
        case LINUX_AT_PLATFORM:
            a.platform = (const char *)n.mem + (w[i + 1] - n.rsp);
            break;
        }
        omitted += shim_omits(w[i]);
    }
    ck_assert_uint_ne(random, 0);
    a.random = n.mem + (random - n.rsp);

    size_t size;
    unsigned char *file = read_file(path, &size);
    ck_assert_ptr_nonnull(file);
    struct elf64_ehdr eh;
    memcpy(&eh, file, sizeof eh);
    struct shim_exec_layout l = linux_layout;
    l.pie_base = eh.e_type == LINUX_ET_DYN ? entry - eh.e_entry : 0;
    struct shim_exec_plan plan;
    enum shim_exec_error e = shim_exec_plan(file, size, &l, &plan);
    ck_assert_msg(e == SHIM_EXEC_OK, "%s: %s", path, shim_exec_strerror(e));
    if (check_brk)
        ck_assert_uint_eq(plan.brk, n.brk);

    static unsigned char buf[16384];
    const uint64_t base = n.top - sizeof buf;
    struct shim_exec_stack st;
    ck_assert_int_eq(shim_exec_build_stack(&plan, &a, n.top, buf, sizeof buf, &st), 0);
    /* the same rsp, but for the entries the shim leaves out */
    ck_assert_uint_eq(st.rsp, n.rsp + 16 * omitted);
    /* argc, argv and envp: the same words */
    ck_assert_mem_eq(buf + (st.rsp - base), n.mem, 8 * native_auxv);
    /* the auxv: the same entries, in the same order */
    uint64_t j = 0;
    for (i = native_auxv;; i += 2) {
        if (shim_omits(w[i]))
            continue;
        ck_assert_uint_eq(word(buf, base, st.auxv + 16 * j), w[i]);
        ck_assert_uint_eq(word(buf, base, st.auxv + 16 * j + 8), w[i + 1]);
        j++;
        if (w[i] == LINUX_AT_NULL)
            break;
    }
    ck_assert_uint_eq(j, st.naux);
    /* from the end of the auxv to the top: the same bytes */
    uint64_t native_end = n.rsp + 8 * (i + 2), mine_end = st.auxv + 16 * st.naux;
    ck_assert_uint_eq(n.top - native_end, n.top - mine_end);
    ck_assert_mem_eq(buf + (mine_end - base), n.mem + (native_end - n.rsp), n.top - mine_end);
    free(file);
    free(n.mem);
}
#endif

#ifdef STACK_DUMP_MUSL
START_TEST(stack_matches_linux_musl_static)
{
    compare_with_linux(STACK_DUMP_MUSL, 1);
}
END_TEST
#endif

#ifdef STACK_DUMP_GLIBC_STATIC
/* glibc, static ET_EXEC, as Debian's busybox-static is built */
START_TEST(stack_matches_linux_glibc_static)
{
    compare_with_linux(STACK_DUMP_GLIBC_STATIC, 0);
}
END_TEST
#endif

#ifdef STACK_DUMP_GLIBC_PIE
/* glibc's static start-up moves brk (its TLS) before main: brk unchecked. */
START_TEST(stack_matches_linux_glibc_static_pie)
{
    compare_with_linux(STACK_DUMP_GLIBC_PIE, 0);
}
END_TEST
#endif

Suite *shim_exec_stack_suite(void)
{
    Suite *s = suite_create("shim_exec_stack");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, stack_layout);
    tcase_add_test(tc, stack_optional_entries);
    tcase_add_test(tc, stack_empty_argv);
    tcase_add_test(tc, stack_alignment_sweep);
    tcase_add_test(tc, stack_errors);
#ifdef STACK_DUMP_MUSL
    tcase_add_test(tc, stack_matches_linux_musl_static);
#endif
#ifdef STACK_DUMP_GLIBC_STATIC
    tcase_add_test(tc, stack_matches_linux_glibc_static);
#endif
#ifdef STACK_DUMP_GLIBC_PIE
    tcase_add_test(tc, stack_matches_linux_glibc_static_pie);
#endif
    suite_add_tcase(s, tc);
    return s;
}
