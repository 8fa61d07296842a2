/* SPDX-License-Identifier: MIT */
/* Unit tests of libl4/elf/elf_check.c: valid, truncated and corrupted images. */
#include <stdlib.h>
#include <string.h>
#include <l4/elf.h>
#include "suites.h"

/* A minimal valid executable: text at 0x400000 (R+X, holding the entry),
 * data at 0x401000 (R+W, bss larger than file). */
static unsigned char img[0x3000];

static struct elf64_ehdr *eh(void)
{
    return (struct elf64_ehdr *)img;
}

static struct elf64_phdr *ph(int i)
{
    return (struct elf64_phdr *)(img + sizeof(struct elf64_ehdr)) + i;
}

static void build(void)
{
    memset(img, 0, sizeof img);
    struct elf64_ehdr *e = eh();
    memcpy(e->e_ident,
           "\x7f"
           "ELF\x02\x01\x01",
           7);
    e->e_type = 2;
    e->e_machine = 62;
    e->e_version = 1;
    e->e_entry = 0x401000 - 0x1000 + 0x10;
    e->e_phoff = sizeof *e;
    e->e_ehsize = sizeof *e;
    e->e_phentsize = sizeof(struct elf64_phdr);
    e->e_phnum = 2;
    *ph(0) = (struct elf64_phdr){
        ELF_PT_LOAD, ELF_PF_R | ELF_PF_X, 0x1000, 0x401000 - 0x1000, 0, 0x100, 0x100, 0x1000};
    *ph(1) = (struct elf64_phdr){
        ELF_PT_LOAD, ELF_PF_R | ELF_PF_W, 0x2000, 0x402000 - 0x1000, 0, 0x80, 0x3000, 0x1000};
}

START_TEST(valid_image_accepted)
{
    build();
    ck_assert_int_eq(elf_check(img, sizeof img), ELF_OK);
    ck_assert_uint_eq(elf_phdr(img, 1).p_memsz, 0x3000);
}
END_TEST

START_TEST(every_truncation_rejected_cleanly)
{
    build();
    /* Any prefix shorter than the last segment's end must be refused. */
    for (size_t n = 0; n < 0x2080; n += 7)
        ck_assert_int_ne(elf_check(img, n), ELF_OK);
    ck_assert_int_eq(elf_check(img, 0x2080), ELF_OK);
    ck_assert_int_eq(elf_check(img, 10), ELF_ETOOSMALL);
}
END_TEST

START_TEST(header_corruptions_rejected)
{
    build();
    img[1] = 'X';
    ck_assert_int_eq(elf_check(img, sizeof img), ELF_EMAGIC);
    build();
    img[4] = 1; /* 32-bit */
    ck_assert_int_eq(elf_check(img, sizeof img), ELF_ECLASS);
    build();
    eh()->e_type = 3; /* shared object */
    ck_assert_int_eq(elf_check(img, sizeof img), ELF_ETYPE);
    build();
    eh()->e_machine = 3; /* i386 */
    ck_assert_int_eq(elf_check(img, sizeof img), ELF_EMACHINE);
    build();
    eh()->e_phoff = ~0ull - 8; /* overflow bait */
    ck_assert_int_eq(elf_check(img, sizeof img), ELF_EPHDR);
    build();
    eh()->e_phnum = 0;
    ck_assert_int_eq(elf_check(img, sizeof img), ELF_EPHDR);
    build();
    eh()->e_phentsize = 32;
    ck_assert_int_eq(elf_check(img, sizeof img), ELF_EPHDR);
}
END_TEST

START_TEST(segment_corruptions_rejected)
{
    build();
    ph(0)->p_offset = ~0ull - 0x10; /* offset + filesz wraps */
    ck_assert_int_eq(elf_check(img, sizeof img), ELF_ESEGMENT);
    build();
    ph(1)->p_filesz = 0x4000; /* beyond the file, and more than memsz */
    ck_assert_int_eq(elf_check(img, sizeof img), ELF_ESEGMENT);
    build();
    ph(1)->p_vaddr = 0xffffffff80000000ull; /* kernel half */
    ck_assert_int_eq(elf_check(img, sizeof img), ELF_ESEGMENT);
    build();
    ph(1)->p_vaddr = 0x7ffffffff000ull; /* runs past the user half */
    ph(1)->p_offset = 0x2000;
    ck_assert_int_eq(elf_check(img, sizeof img), ELF_ESEGMENT);
    build();
    ph(1)->p_vaddr = 0x401234; /* misaligned against its offset */
    ck_assert_int_eq(elf_check(img, sizeof img), ELF_ESEGMENT);
    build();
    ph(1)->p_vaddr = 0x400000; /* same page as the text segment */
    ph(1)->p_offset = 0x2000;
    ck_assert_int_eq(elf_check(img, sizeof img), ELF_EOVERLAP);
}
END_TEST

START_TEST(entry_must_be_executable)
{
    build();
    eh()->e_entry = 0x401010; /* in the data segment */
    ck_assert_int_eq(elf_check(img, sizeof img), ELF_EENTRY);
    build();
    eh()->e_entry = 0x500000; /* nowhere */
    ck_assert_int_eq(elf_check(img, sizeof img), ELF_EENTRY);
}
END_TEST

START_TEST(empty_segments_ignored)
{
    build();
    eh()->e_phnum = 3;
    *ph(2) = (struct elf64_phdr){ELF_PT_LOAD, ELF_PF_R, 0xe8, 0, 0, 0, 0, 0x1000};
    ck_assert_int_eq(elf_check(img, sizeof img), ELF_OK);
}
END_TEST

START_TEST(random_images_never_crash)
{
    /* Random bytes under a valid magic: any verdict, but no out-of-bounds
     * read (run under valgrind or ASan to see that). */
    srand(1);
    for (int i = 0; i < 2000; i++) {
        build();
        for (size_t j = 4; j < 0x200; j++)
            if (rand() % 8 == 0)
                img[j] = (unsigned char)rand();
        size_t n = (size_t)rand() % sizeof img;
        unsigned char *copy = malloc(n ? n : 1);
        memcpy(copy, img, n);
        enum elf_error e = elf_check(copy, n);
        ck_assert_int_ge(e, ELF_OK);
        ck_assert_int_le(e, ELF_EENTRY);
        ck_assert_ptr_nonnull(elf_strerror(e));
        free(copy);
    }
}
END_TEST

Suite *elf_suite(void)
{
    Suite *s = suite_create("elf");
    TCase *tc = tcase_create("elf");
    tcase_add_test(tc, valid_image_accepted);
    tcase_add_test(tc, every_truncation_rejected_cleanly);
    tcase_add_test(tc, header_corruptions_rejected);
    tcase_add_test(tc, segment_corruptions_rejected);
    tcase_add_test(tc, entry_must_be_executable);
    tcase_add_test(tc, empty_segments_ignored);
    tcase_add_test(tc, random_images_never_crash);
    suite_add_tcase(s, tc);
    return s;
}
