/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the shim's exec/ (<shim/exec.h>), the load plan: of built
 * ELF images (ET_EXEC, static-PIE, and each refusal, with every truncation
 * of a valid file) and of the host's real static programs. The initial
 * stack's tests are test_shim_exec_stack.c's; the images' builders are
 * shim_exec_helpers.c's.
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

START_TEST(plan_static_exec)
{
    struct shim_exec_plan plan;
    make_exec();
    ck_assert_int_eq(plan_img(&plan), SHIM_EXEC_OK);
    ck_assert_uint_eq(plan.type, LINUX_ET_EXEC);
    ck_assert_uint_eq(plan.load_bias, 0);
    ck_assert_uint_eq(plan.entry, 0x400100);
    ck_assert_uint_eq(plan.phdr, 0x400040);
    ck_assert_uint_eq(plan.phnum, 3);
    ck_assert_uint_eq(plan.nsegments, 2);
    ck_assert_uint_eq(plan.seg[0].start, 0x400000);
    ck_assert_uint_eq(plan.seg[0].end, 0x402000);
    ck_assert_uint_eq(plan.seg[0].file_offset, 0);
    ck_assert_uint_eq(plan.seg[0].file_len, 0x1800);
    ck_assert_uint_eq(plan.seg[0].prot, LINUX_PROT_READ | LINUX_PROT_EXEC);
    /* data: the page from 0x402000 holds file bytes 0x2000.. up to the end
     * of .data (0x100 before the segment, 0x800 in it), then zeros */
    ck_assert_uint_eq(plan.seg[1].start, 0x402000);
    ck_assert_uint_eq(plan.seg[1].end, 0x406000);
    ck_assert_uint_eq(plan.seg[1].file_offset, 0x2000);
    ck_assert_uint_eq(plan.seg[1].file_len, 0x900);
    ck_assert_uint_eq(plan.seg[1].prot, LINUX_PROT_READ | LINUX_PROT_WRITE);
    ck_assert_uint_eq(plan.brk, 0x406000);
    ck_assert_uint_eq(plan.lowest, 0x400000);
    ck_assert_int_eq(plan.exec_stack, 0);
    /* an executable stack is reported */
    put_phdr(2, LINUX_PT_GNU_STACK, LINUX_PF_R | LINUX_PF_W | LINUX_PF_X, 0, 0, 0, 0, 16);
    ck_assert_int_eq(plan_img(&plan), SHIM_EXEC_OK);
    ck_assert_int_eq(plan.exec_stack, 1);
}
END_TEST

START_TEST(plan_static_pie)
{
    struct shim_exec_plan plan;
    make_pie();
    ck_assert_int_eq(plan_img(&plan), SHIM_EXEC_OK);
    ck_assert_uint_eq(plan.type, LINUX_ET_DYN);
    /* 0x555555554000 raised to the 2 MiB alignment of the segments */
    ck_assert_uint_eq(plan.load_bias, 0x555555600000);
    ck_assert_uint_eq(plan.entry, 0x555555601040);
    ck_assert_uint_eq(plan.phdr, 0x555555600040); /* from PT_PHDR */
    ck_assert_uint_eq(plan.nsegments, 2);
    ck_assert_uint_eq(plan.seg[1].start, 0x555555802000);
    ck_assert_uint_eq(plan.brk, 0x555555803000);
    /* a base already aligned is kept */
    struct shim_exec_layout l = linux_layout;
    l.pie_base = 0x7f0000000000;
    ck_assert_int_eq(shim_exec_plan(img, IMG_SIZE, &l, &plan), SHIM_EXEC_OK);
    ck_assert_uint_eq(plan.load_bias, 0x7f0000000000);
    /* a base that puts the program past the top is refused */
    l.pie_base = USER_TOP - 0x1000;
    ck_assert_int_eq(shim_exec_plan(img, IMG_SIZE, &l, &plan), SHIM_EXEC_ERANGE);
    /* PT_PHDR outside every loaded segment */
    put_phdr(0, LINUX_PT_PHDR, LINUX_PF_R, 64, 0x100000, 4 * 56, 4 * 56, 8);
    ck_assert_int_eq(plan_img(&plan), SHIM_EXEC_EPHDRADDR);
}
END_TEST

START_TEST(plan_refuses_bad_headers)
{
    struct shim_exec_plan plan;
    make_exec();
    ck_assert_int_eq(shim_exec_plan(img, 63, &linux_layout, &plan), SHIM_EXEC_ETOOSMALL);
    img[1] = 'X';
    ck_assert_int_eq(plan_img(&plan), SHIM_EXEC_EMAGIC);
    make_exec();
    img[4] = 1;
    ck_assert_int_eq(plan_img(&plan), SHIM_EXEC_E32BIT);
    make_exec();
    img[5] = 2; /* big-endian */
    ck_assert_int_eq(plan_img(&plan), SHIM_EXEC_ECLASS);
    make_exec();
    ehdr()->e_version = 2;
    ck_assert_int_eq(plan_img(&plan), SHIM_EXEC_ECLASS);
    make_exec();
    ehdr()->e_machine = 183; /* AArch64 */
    ck_assert_int_eq(plan_img(&plan), SHIM_EXEC_EMACHINE);
    make_exec();
    ehdr()->e_type = 1; /* ET_REL */
    ck_assert_int_eq(plan_img(&plan), SHIM_EXEC_ETYPE);
    make_exec();
    ehdr()->e_type = 4; /* ET_CORE */
    ck_assert_int_eq(plan_img(&plan), SHIM_EXEC_ETYPE);
    make_exec();
    ehdr()->e_phentsize = 32;
    ck_assert_int_eq(plan_img(&plan), SHIM_EXEC_EPHDR);
    make_exec();
    ehdr()->e_phnum = 0;
    ck_assert_int_eq(plan_img(&plan), SHIM_EXEC_EPHDR);
    make_exec();
    ehdr()->e_phnum = SHIM_EXEC_MAX_PHDRS + 1;
    ck_assert_int_eq(plan_img(&plan), SHIM_EXEC_EPHDR);
    make_exec();
    ehdr()->e_phoff = IMG_SIZE - 56; /* table runs past the end */
    ck_assert_int_eq(plan_img(&plan), SHIM_EXEC_EPHDR);
    make_exec();
    ehdr()->e_phoff = UINT64_MAX - 10; /* would wrap */
    ck_assert_int_eq(plan_img(&plan), SHIM_EXEC_EPHDR);
    /* every error has its own message, and execve() says ENOEXEC */
    for (int e = SHIM_EXEC_ETOOSMALL; e <= SHIM_EXEC_ELAYOUT; e++) {
        ck_assert_str_ne(shim_exec_strerror(e), "unknown error");
        ck_assert_int_eq(shim_exec_errno(e), LINUX_ENOEXEC);
    }
    ck_assert_int_eq(shim_exec_errno(SHIM_EXEC_OK), 0);
}
END_TEST

START_TEST(plan_refuses_dynamic_programs)
{
    struct shim_exec_plan plan;
    make_pie();
    put_phdr(3, LINUX_PT_INTERP, LINUX_PF_R, 0x200, 0x200, 28, 28, 1);
    ck_assert_int_eq(plan_img(&plan), SHIM_EXEC_EINTERP);
    ck_assert_ptr_nonnull(strstr(shim_exec_strerror(SHIM_EXEC_EINTERP), "dynamically linked"));
    make_exec();
    put_phdr(2, LINUX_PT_INTERP, LINUX_PF_R, 0x200, 0x400200, 28, 28, 1);
    ck_assert_int_eq(plan_img(&plan), SHIM_EXEC_EINTERP);
}
END_TEST

START_TEST(plan_refuses_bad_segments)
{
    struct shim_exec_plan plan;
    /* filesz > memsz */
    make_exec();
    put_phdr(1, LINUX_PT_LOAD, LINUX_PF_R | LINUX_PF_W, 0x2100, 0x402100, 0x800, 0x700, 0x1000);
    ck_assert_int_eq(plan_img(&plan), SHIM_EXEC_ESEGMENT);
    /* file bytes past the end, and an offset that would wrap */
    make_exec();
    put_phdr(1, LINUX_PT_LOAD, LINUX_PF_R | LINUX_PF_W, 0x2100, 0x402100, 0xf01, 0x3000, 0x1000);
    ck_assert_int_eq(plan_img(&plan), SHIM_EXEC_ESEGMENT);
    make_exec();
    put_phdr(1, LINUX_PT_LOAD, LINUX_PF_R | LINUX_PF_W, UINT64_MAX - 0xfff, 0x402000, 0x2000,
             0x3000, 0x1000);
    ck_assert_int_eq(plan_img(&plan), SHIM_EXEC_ESEGMENT);
    /* vaddr and offset disagree within the page */
    make_exec();
    put_phdr(1, LINUX_PT_LOAD, LINUX_PF_R | LINUX_PF_W, 0x2100, 0x402200, 0x800, 0x3000, 0x1000);
    ck_assert_int_eq(plan_img(&plan), SHIM_EXEC_ESEGMENT);
    /* p_align not a power of two */
    make_exec();
    put_phdr(1, LINUX_PT_LOAD, LINUX_PF_R | LINUX_PF_W, 0x2100, 0x402100, 0x800, 0x3000, 0x3000);
    ck_assert_int_eq(plan_img(&plan), SHIM_EXEC_ESEGMENT);
    /* sharing a page with the text, and out of order */
    make_exec();
    put_phdr(1, LINUX_PT_LOAD, LINUX_PF_R | LINUX_PF_W, 0x2100, 0x401100, 0x800, 0x3000, 0x1000);
    ck_assert_int_eq(plan_img(&plan), SHIM_EXEC_EORDER);
    make_exec();
    put_phdr(1, LINUX_PT_LOAD, LINUX_PF_R | LINUX_PF_W, 0x2100, 0x300100, 0x800, 0x3000, 0x1000);
    ck_assert_int_eq(plan_img(&plan), SHIM_EXEC_EORDER);
    /* below mmap_min_addr, past the top, and a size that would wrap */
    make_exec();
    put_phdr(0, LINUX_PT_LOAD, LINUX_PF_R | LINUX_PF_X, 0, 0x0, 0x1800, 0x1800, 0x1000);
    ehdr()->e_entry = 0x100;
    ck_assert_int_eq(plan_img(&plan), SHIM_EXEC_ERANGE);
    make_exec();
    put_phdr(1, LINUX_PT_LOAD, LINUX_PF_R | LINUX_PF_W, 0x2100, USER_TOP - 0x1000 + 0x100, 0x800,
             0x1000, 0x1000);
    ck_assert_int_eq(plan_img(&plan), SHIM_EXEC_ERANGE);
    make_exec();
    put_phdr(1, LINUX_PT_LOAD, LINUX_PF_R | LINUX_PF_W, 0x2100, 0x402100, 0x800, UINT64_MAX - 0x100,
             0x1000);
    ck_assert_int_eq(plan_img(&plan), SHIM_EXEC_ERANGE);
    make_exec();
    put_phdr(1, LINUX_PT_LOAD, LINUX_PF_R | LINUX_PF_W, 0x2100, UINT64_MAX - 0xeff, 0x800, 0x1000,
             0x1000);
    ck_assert_int_eq(plan_img(&plan), SHIM_EXEC_ERANGE);
    /* entry in data, not text; entry nowhere */
    make_exec();
    ehdr()->e_entry = 0x402200;
    ck_assert_int_eq(plan_img(&plan), SHIM_EXEC_EENTRY);
    make_exec();
    ehdr()->e_entry = 0x900000;
    ck_assert_int_eq(plan_img(&plan), SHIM_EXEC_EENTRY);
    /* the header table is not in the text's file bytes */
    make_exec();
    put_phdr(0, LINUX_PT_LOAD, LINUX_PF_R | LINUX_PF_X, 0x1000, 0x401000, 0x800, 0x800, 0x1000);
    ehdr()->e_entry = 0x401000;
    ck_assert_int_eq(plan_img(&plan), SHIM_EXEC_EPHDRADDR);
    /* nothing to load: empty segments are skipped */
    make_exec();
    put_phdr(0, LINUX_PT_LOAD, LINUX_PF_R | LINUX_PF_X, 0, 0x400000, 0, 0, 0x1000);
    put_phdr(1, 4 /* PT_NOTE */, 0, 0, 0, 0, 0, 0);
    ck_assert_int_eq(plan_img(&plan), SHIM_EXEC_ENOLOAD);
}
END_TEST

START_TEST(plan_refuses_too_many_segments_and_bad_layouts)
{
    struct shim_exec_plan plan;
    memset(img, 0, sizeof img);
    unsigned n = SHIM_EXEC_MAX_SEGMENTS + 1;
    put_ehdr(LINUX_ET_EXEC, n, 0x400100);
    for (unsigned i = 0; i < n; i++)
        put_phdr(i, LINUX_PT_LOAD, LINUX_PF_R | LINUX_PF_X, 0, 0x400000 + i * 0x1000, 0x1000,
                 0x1000, 0x1000);
    ck_assert_int_eq(plan_img(&plan), SHIM_EXEC_ETOOMANY);
    ehdr()->e_phnum = (uint16_t)(n - 1);
    ck_assert_int_eq(plan_img(&plan), SHIM_EXEC_OK);
    ck_assert_uint_eq(plan.nsegments, SHIM_EXEC_MAX_SEGMENTS);

    make_exec();
    struct shim_exec_layout l = linux_layout;
    l.user_min = 0x10001;
    ck_assert_int_eq(shim_exec_plan(img, IMG_SIZE, &l, &plan), SHIM_EXEC_ELAYOUT);
    l = linux_layout;
    l.user_top = l.user_min;
    ck_assert_int_eq(shim_exec_plan(img, IMG_SIZE, &l, &plan), SHIM_EXEC_ELAYOUT);
    l = linux_layout;
    l.user_top = UINT64_C(1) << 48;
    ck_assert_int_eq(shim_exec_plan(img, IMG_SIZE, &l, &plan), SHIM_EXEC_ELAYOUT);
    /* a lower top than the program needs */
    l = linux_layout;
    l.user_top = 0x404000;
    ck_assert_int_eq(shim_exec_plan(img, IMG_SIZE, &l, &plan), SHIM_EXEC_ERANGE);
}
END_TEST

/* Every prefix of a valid file is either refused or (when the cut falls
 * after the last byte any header points at) planned as before; none is
 * read past its end (the ASan build of these tests checks that). */
START_TEST(plan_every_truncation)
{
    struct shim_exec_plan plan, full;
    make_exec();
    ck_assert_int_eq(plan_img(&full), SHIM_EXEC_OK);
    for (size_t n = 0; n < IMG_SIZE; n++) {
        unsigned char *copy = malloc(n ? n : 1);
        memcpy(copy, img, n);
        enum shim_exec_error e = shim_exec_plan(copy, n, &linux_layout, &plan);
        if (n >= 0x2900)
            ck_assert_int_eq(e, SHIM_EXEC_OK);
        else
            ck_assert_int_ne(e, SHIM_EXEC_OK);
        free(copy);
    }
}
END_TEST

/* Random corruption of the headers of a valid file: every plan accepted
 * must keep the promises the loader relies on. */
START_TEST(plan_random_corruption)
{
    unsigned char orig[IMG_SIZE];
    make_exec();
    memcpy(orig, img, IMG_SIZE);
    int accepted = 0;
    srand(4242);
    for (int round = 0; round < 20000; round++) {
        memcpy(img, orig, IMG_SIZE);
        if (round & 1) {
            make_pie();
        }
        int flips = 1 + rand() % 6;
        for (int i = 0; i < flips; i++) {
            size_t at = (size_t)rand() % (64 + 4 * 56);
            img[at] =
                (rand() & 3) ? (unsigned char)rand() : img[at] ^ (unsigned char)(1 << (rand() % 8));
        }
        size_t size = (rand() % 4) ? IMG_SIZE : (size_t)rand() % IMG_SIZE;
        unsigned char *copy = malloc(size ? size : 1);
        memcpy(copy, img, size);
        struct shim_exec_plan plan;
        if (shim_exec_plan(copy, size, &linux_layout, &plan) == SHIM_EXEC_OK) {
            int entry_ok = 0, phdr_ok = 0;
            ck_assert_uint_ge(plan.nsegments, 1);
            for (unsigned i = 0; i < plan.nsegments; i++) {
                const struct shim_exec_segment *sg = &plan.seg[i];
                ck_assert_uint_eq(sg->start % 4096, 0);
                ck_assert_uint_eq(sg->end % 4096, 0);
                ck_assert_uint_eq(sg->file_offset % 4096, 0);
                ck_assert_uint_lt(sg->start, sg->end);
                ck_assert_uint_ge(sg->start, linux_layout.user_min);
                ck_assert_uint_le(sg->end, linux_layout.user_top);
                ck_assert_uint_le(sg->file_len, sg->end - sg->start);
                ck_assert_uint_le(sg->file_offset, size);
                ck_assert_uint_le(sg->file_len, size - sg->file_offset);
                if (i)
                    ck_assert_uint_le(plan.seg[i - 1].end, sg->start);
                if ((sg->prot & LINUX_PROT_EXEC) && plan.entry >= sg->start && plan.entry < sg->end)
                    entry_ok = 1;
                if (plan.phdr >= sg->start && plan.phdr + 56ull * plan.phnum <= sg->end)
                    phdr_ok = 1;
            }
            ck_assert(entry_ok);
            ck_assert(phdr_ok);
            ck_assert_uint_eq(plan.brk, plan.seg[plan.nsegments - 1].end);
            accepted++;
        }
        free(copy);
    }
    /* the corruption leaves enough files valid to exercise the checks above */
    ck_assert_int_gt(accepted, 1000);
    ck_assert_int_lt(accepted, 19000);
}
END_TEST

/* The host's own busybox, when it is Debian's static one: glibc, ET_EXEC. */
START_TEST(plan_host_busybox)
{
    size_t size;
    unsigned char *b = read_file("/bin/busybox", &size);
    if (!b)
        return; /* not installed: nothing to compare */
    struct shim_exec_plan plan;
    enum shim_exec_error e = shim_exec_plan(b, size, &linux_layout, &plan);
    if (e == SHIM_EXEC_EINTERP) {
        free(b);
        return; /* a dynamically linked busybox: refused, as it must be */
    }
    ck_assert_msg(e == SHIM_EXEC_OK, "busybox: %s", shim_exec_strerror(e));
    ck_assert_uint_ge(plan.nsegments, 2);
    ck_assert_uint_eq(plan.brk, plan.seg[plan.nsegments - 1].end);
    for (unsigned i = 0; i < plan.nsegments; i++) {
        const struct shim_exec_segment *s = &plan.seg[i];
        ck_assert_uint_le(s->file_len, s->end - s->start);
        ck_assert_uint_le(s->file_offset + s->file_len, size);
    }
    free(b);
}
END_TEST

Suite *shim_exec_suite(void)
{
    Suite *s = suite_create("shim_exec");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, plan_static_exec);
    tcase_add_test(tc, plan_static_pie);
    tcase_add_test(tc, plan_refuses_bad_headers);
    tcase_add_test(tc, plan_refuses_dynamic_programs);
    tcase_add_test(tc, plan_refuses_bad_segments);
    tcase_add_test(tc, plan_refuses_too_many_segments_and_bad_layouts);
    tcase_add_test(tc, plan_every_truncation);
    tcase_add_test(tc, plan_random_corruption);
    tcase_add_test(tc, plan_host_busybox);
    suite_add_tcase(s, tc);
    return s;
}
