/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of libl4/spawn/spawn.c: the checks l4_spawn() makes before it
 * makes anything. A valid image (built here: one R+X page of text, one
 * R+W page of data and two of bss) is counted page by page, plus the
 * stack, the IPC buffer and the start-info page; a non-ELF image, a
 * truncated one, a bad CNode radix, more capabilities than the CNode or
 * the start-info page holds, bad stack sizes and scratch addresses are
 * refused with the step named and no page counted.
 */
#include <string.h>
#include <l4/elf.h>
#include <l4/spawn.h>
#include "suites.h"

static unsigned char image[8192] __attribute__((aligned(8)));

/* A static executable: text at 0x400000 (one page, in the file at 4096),
 * data+bss at 0x401000 (filesz 16, memsz 3 pages). */
static void build_image(void)
{
    memset(image, 0, sizeof image);
    struct elf64_ehdr *eh = (struct elf64_ehdr *)image;
    memcpy(eh->e_ident,
           "\x7f"
           "ELF",
           4);
    eh->e_ident[4] = 2; /* ELFCLASS64 */
    eh->e_ident[5] = 1; /* little-endian */
    eh->e_ident[6] = 1;
    eh->e_type = 2;     /* ET_EXEC */
    eh->e_machine = 62; /* x86-64 */
    eh->e_version = 1;
    eh->e_entry = 0x400010;
    eh->e_phoff = sizeof *eh;
    eh->e_ehsize = sizeof *eh;
    eh->e_phentsize = sizeof(struct elf64_phdr);
    eh->e_phnum = 2;
    struct elf64_phdr *ph = (struct elf64_phdr *)(image + sizeof *eh);
    ph[0] = (struct elf64_phdr){.p_type = 1,
                                .p_flags = ELF_PF_R | ELF_PF_X,
                                .p_offset = 4096,
                                .p_vaddr = 0x400000,
                                .p_filesz = 64,
                                .p_memsz = 64,
                                .p_align = 4096};
    ph[1] = (struct elf64_phdr){.p_type = 1,
                                .p_flags = ELF_PF_R | ELF_PF_W,
                                .p_offset = 4096 + 64,
                                .p_vaddr = 0x401040,
                                .p_filesz = 16,
                                .p_memsz = 3 * 4096 - 64,
                                .p_align = 4096};
}

static struct l4_vspace parent;
static const struct l4_spawn_cap caps[3] = {{"a", 10, L4_CAP_ENDPOINT, L4_CAP_RIGHTS_ALL},
                                            {"b", 11, L4_CAP_ENDPOINT, L4_CAP_RIGHTS_ALL},
                                            {"c", 12, L4_CAP_ENDPOINT, L4_CAP_RIGHTS_ALL}};

static struct l4_spawn_config config(void)
{
    build_image();
    return (struct l4_spawn_config){.image = image,
                                    .image_size = sizeof image,
                                    .cnode_radix = 4,
                                    .stack_pages = 2,
                                    .caps = caps,
                                    .ncaps = 3,
                                    .parent = &parent,
                                    .scratch_va = 0x200000000000};
}

START_TEST(spawn_check_counts_pages)
{
    struct l4_spawn_config cfg = config();
    struct l4_spawn_status st;
    unsigned pages = 0;
    ck_assert_int_eq(l4_spawn_check(&cfg, &pages, &st), L4_NO_ERROR);
    ck_assert_str_eq(st.step, "");
    ck_assert_uint_eq(pages, 1 + 3 + 2 + 2); /* text, data+bss, stack, IPC buffer + start-info */
}
END_TEST

START_TEST(spawn_check_refuses)
{
    struct l4_spawn_config cfg = config();
    struct l4_spawn_status st;
    unsigned pages = 99;
    /* not an ELF image */
    image[0] = 'X';
    ck_assert_int_eq(l4_spawn_check(&cfg, &pages, &st), L4_INVALID_ARGUMENT);
    ck_assert_str_eq(st.step, "image");
    ck_assert_int_eq(st.elf_error, ELF_EMAGIC);
    ck_assert_uint_eq(pages, 99);
    /* truncated: the text segment lies beyond the end */
    cfg = config();
    cfg.image_size = 4096;
    ck_assert_int_eq(l4_spawn_check(&cfg, &pages, &st), L4_INVALID_ARGUMENT);
    ck_assert_int_ne(st.elf_error, 0);
    cfg = config();
    cfg.image = NULL;
    ck_assert_int_eq(l4_spawn_check(&cfg, &pages, &st), L4_INVALID_ARGUMENT);
    /* CNode radix outside 3..max */
    cfg = config();
    cfg.cnode_radix = 2;
    ck_assert_int_eq(l4_spawn_check(&cfg, &pages, &st), L4_INVALID_ARGUMENT);
    ck_assert_str_eq(st.step, "cnode radix");
    cfg.cnode_radix = L4_OBJECT_CNODE_MAX_SIZE_BITS + 1;
    ck_assert_int_eq(l4_spawn_check(&cfg, &pages, &st), L4_INVALID_ARGUMENT);
    /* 8 slots: the null slot 0, its own four, two caps leave one free; a
     * fault endpoint as well leaves none */
    cfg = config();
    cfg.cnode_radix = 3;
    cfg.ncaps = 2;
    ck_assert_int_eq(l4_spawn_check(&cfg, &pages, &st), L4_NO_ERROR);
    pages = 99; /* a refusal below must leave it alone */
    cfg.fault_ep = 7;
    ck_assert_int_eq(l4_spawn_check(&cfg, &pages, &st), L4_NOT_ENOUGH_MEMORY);
    ck_assert_str_eq(st.step, "capabilities");
    cfg = config();
    cfg.ncaps = L4_START_INFO_MAX_CAPS + 1;
    cfg.cnode_radix = 8;
    ck_assert_int_eq(l4_spawn_check(&cfg, &pages, &st), L4_NOT_ENOUGH_MEMORY);
    /* arguments */
    cfg = config();
    cfg.argc = 1;
    ck_assert_int_eq(l4_spawn_check(&cfg, &pages, &st), L4_INVALID_ARGUMENT);
    ck_assert_str_eq(st.step, "arguments");
    /* stack */
    cfg = config();
    cfg.stack_pages = 0;
    ck_assert_int_eq(l4_spawn_check(&cfg, &pages, &st), L4_INVALID_ARGUMENT);
    cfg.stack_pages = L4_SPAWN_MAX_STACK_PAGES + 1;
    ck_assert_int_eq(l4_spawn_check(&cfg, &pages, &st), L4_INVALID_ARGUMENT);
    ck_assert_str_eq(st.step, "stack size");
    /* scratch page: misaligned, kernel half, no parent VSpace */
    cfg = config();
    cfg.scratch_va += 8;
    ck_assert_int_eq(l4_spawn_check(&cfg, &pages, &st), L4_INVALID_ARGUMENT);
    cfg.scratch_va = UINT64_C(0xffff800000000000);
    ck_assert_int_eq(l4_spawn_check(&cfg, &pages, &st), L4_INVALID_ARGUMENT);
    cfg = config();
    cfg.parent = NULL;
    ck_assert_int_eq(l4_spawn_check(&cfg, &pages, &st), L4_INVALID_ARGUMENT);
    ck_assert_str_eq(st.step, "scratch page");
    ck_assert_uint_eq(pages, 99);
}
END_TEST

/* Shared pages and the environment: counted, and refused when bad. */
START_TEST(spawn_check_shared_pages_and_env)
{
    static const l4_cptr_t frames[L4_SPAWN_MAX_SHARED_FRAMES + 1] = {20, 21, 22};
    struct l4_spawn_page pages_given[2] = {
        {"pv", frames, 1, 0x7f0000010000, true},
        {"batch", frames + 1, 2, 0x7e0000000000, true},
    };
    static const char *const envp[] = {"compartment=x"};
    struct l4_spawn_config cfg = config();
    cfg.pages = pages_given;
    cfg.npages = 2;
    cfg.envp = envp;
    cfg.envc = 1;
    struct l4_spawn_status st;
    unsigned pages = 0;
    ck_assert_int_eq(l4_spawn_check(&cfg, &pages, &st), L4_NO_ERROR);
    ck_assert_uint_eq(pages, 1 + 3 + 2 + 2 + 3); /* and the three shared frames */
    pages = 99;
    /* misaligned, kernel half, a run that ends beyond the user half */
    pages_given[0].vaddr = 0x7f0000010008;
    ck_assert_int_eq(l4_spawn_check(&cfg, &pages, &st), L4_INVALID_ARGUMENT);
    ck_assert_str_eq(st.step, "shared pages");
    pages_given[0].vaddr = UINT64_C(0xffff800000000000);
    ck_assert_int_eq(l4_spawn_check(&cfg, &pages, &st), L4_INVALID_ARGUMENT);
    pages_given[0].vaddr = L4_USER_TOP; /* the top page, never mapped */
    ck_assert_int_eq(l4_spawn_check(&cfg, &pages, &st), L4_INVALID_ARGUMENT);
    pages_given[0].vaddr = L4_USER_TOP - 4096; /* the last page: fine alone, not with a second */
    ck_assert_int_eq(l4_spawn_check(&cfg, &pages, &st), L4_NO_ERROR);
    pages = 99;
    pages_given[0].count = 2;
    ck_assert_int_eq(l4_spawn_check(&cfg, &pages, &st), L4_INVALID_ARGUMENT);
    /* an empty entry, no frames, too many frames in all */
    pages_given[0] = (struct l4_spawn_page){"pv", frames, 0, 0x7f0000010000, true};
    ck_assert_int_eq(l4_spawn_check(&cfg, &pages, &st), L4_INVALID_ARGUMENT);
    pages_given[0].count = 1;
    pages_given[0].frames = NULL;
    ck_assert_int_eq(l4_spawn_check(&cfg, &pages, &st), L4_INVALID_ARGUMENT);
    pages_given[0].frames = frames;
    pages_given[0].count = L4_SPAWN_MAX_SHARED_FRAMES;
    ck_assert_int_eq(l4_spawn_check(&cfg, &pages, &st), L4_NOT_ENOUGH_MEMORY);
    pages_given[0].count = 1;
    /* more entries than the start-info page holds; entries but no array */
    cfg.npages = L4_START_INFO_MAX_PAGES + 1;
    ck_assert_int_eq(l4_spawn_check(&cfg, &pages, &st), L4_INVALID_ARGUMENT);
    cfg.npages = 1;
    cfg.pages = NULL;
    ck_assert_int_eq(l4_spawn_check(&cfg, &pages, &st), L4_INVALID_ARGUMENT);
    /* environment: too many entries, entries but no array */
    cfg = config();
    cfg.envc = L4_START_INFO_MAX_ENV + 1;
    cfg.envp = envp;
    ck_assert_int_eq(l4_spawn_check(&cfg, &pages, &st), L4_INVALID_ARGUMENT);
    ck_assert_str_eq(st.step, "environment");
    cfg.envc = 1;
    cfg.envp = NULL;
    ck_assert_int_eq(l4_spawn_check(&cfg, &pages, &st), L4_INVALID_ARGUMENT);
    ck_assert_uint_eq(pages, 99);
}
END_TEST

Suite *spawn_suite(void)
{
    Suite *s = suite_create("spawn");
    TCase *tc = tcase_create("check");
    tcase_add_test(tc, spawn_check_counts_pages);
    tcase_add_test(tc, spawn_check_refuses);
    tcase_add_test(tc, spawn_check_shared_pages_and_env);
    suite_add_tcase(s, tc);
    return s;
}
