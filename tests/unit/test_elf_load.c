/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of libl4/elf/elf_load.c: the pages reported for valid images
 * (addresses, rights, bytes to copy, zero fill), and refusal without any
 * callback of truncated, overlapping and misaligned images.
 */
#include <stdlib.h>
#include <string.h>
#include <l4/elf_load.h>
#include "suites.h"

/* text at 0x400000 (R+X, file 0x1000..0x1100, entry inside), data at
 * 0x402000 (R+W, 0x80 bytes of file, 0x3000 in memory: bss after). */
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
    for (size_t i = 0x1000; i < sizeof img; i++)
        img[i] = (unsigned char)(i * 7 + 3); /* recognisable bytes */
    struct elf64_ehdr *e = eh();
    memcpy(e->e_ident,
           "\x7f"
           "ELF\x02\x01\x01",
           7);
    e->e_type = 2;
    e->e_machine = 62;
    e->e_version = 1;
    e->e_entry = 0x400010;
    e->e_phoff = sizeof *e;
    e->e_ehsize = sizeof *e;
    e->e_phentsize = sizeof(struct elf64_phdr);
    e->e_phnum = 2;
    *ph(0) = (struct elf64_phdr){
        ELF_PT_LOAD, ELF_PF_R | ELF_PF_X, 0x1000, 0x400000, 0, 0x100, 0x100, 0x1000};
    *ph(1) = (struct elf64_phdr){
        ELF_PT_LOAD, ELF_PF_R | ELF_PF_W, 0x2000, 0x402000, 0, 0x80, 0x3000, 0x1000};
}

#define MAX_PAGES 64

struct record {
    unsigned n;
    struct elf_load_page pages[MAX_PAGES];
    int stop_after; /* return -7 on this call (1-based), 0: never */
};

static int collect(void *ctx, const struct elf_load_page *p)
{
    struct record *r = ctx;
    ck_assert_uint_lt(r->n, MAX_PAGES);
    r->pages[r->n++] = *p;
    return r->stop_after && (int)r->n == r->stop_after ? -7 : 0;
}

static int never_called(void *ctx, const struct elf_load_page *p)
{
    (void)ctx;
    (void)p;
    ck_abort_msg("callback called for a refused image");
    return 0;
}

START_TEST(valid_image_pages)
{
    struct record r = {0};
    uint64_t entry = 0;
    build();
    ck_assert_int_eq(elf_load(img, sizeof img, collect, &r, &entry), 0);
    ck_assert_uint_eq(entry, 0x400010);
    ck_assert_uint_eq(r.n, 4); /* one text page, three data pages */

    ck_assert_uint_eq(r.pages[0].vaddr, 0x400000);
    ck_assert_uint_eq(r.pages[0].flags, ELF_PF_R | ELF_PF_X);
    ck_assert_ptr_eq(r.pages[0].src, img + 0x1000);
    ck_assert_uint_eq(r.pages[0].copy_offset, 0);
    ck_assert_uint_eq(r.pages[0].copy_len, 0x100);

    ck_assert_uint_eq(r.pages[1].vaddr, 0x402000);
    ck_assert_uint_eq(r.pages[1].flags, ELF_PF_R | ELF_PF_W);
    ck_assert_ptr_eq(r.pages[1].src, img + 0x2000);
    ck_assert_uint_eq(r.pages[1].copy_len, 0x80);
    for (unsigned i = 2; i < 4; i++) { /* bss only: nothing to copy */
        ck_assert_uint_eq(r.pages[i].vaddr, 0x402000 + 0x1000 * (i - 1));
        ck_assert_uint_eq(r.pages[i].copy_len, 0);
        ck_assert_ptr_null(r.pages[i].src);
        ck_assert_uint_eq(r.pages[i].flags, ELF_PF_R | ELF_PF_W);
    }
}
END_TEST

START_TEST(unaligned_segment_start)
{
    /* data begins 0x80 into its page and its file part crosses a page */
    struct record r = {0};
    build();
    ph(1)->p_vaddr = 0x402f80;
    ph(1)->p_offset = 0x1f80;
    ph(1)->p_filesz = 0x100;
    ph(1)->p_memsz = 0x100;
    ph(0)->p_memsz = ph(0)->p_filesz = 0x80; /* text ends before 0x1f80 */
    ck_assert_int_eq(elf_load(img, sizeof img, collect, &r, NULL), 0);
    ck_assert_uint_eq(r.n, 3);
    ck_assert_uint_eq(r.pages[1].vaddr, 0x402000);
    ck_assert_uint_eq(r.pages[1].copy_offset, 0xf80);
    ck_assert_uint_eq(r.pages[1].copy_len, 0x80);
    ck_assert_ptr_eq(r.pages[1].src, img + 0x1f80);
    ck_assert_uint_eq(r.pages[2].vaddr, 0x403000);
    ck_assert_uint_eq(r.pages[2].copy_offset, 0);
    ck_assert_uint_eq(r.pages[2].copy_len, 0x80);
    ck_assert_ptr_eq(r.pages[2].src, img + 0x2000);
}
END_TEST

START_TEST(copies_reconstruct_file_bytes)
{
    /* Loading into a flat buffer by the reports gives exactly the file
     * bytes of each segment, and zeros everywhere else. */
    static unsigned char mem[0x5000];
    struct record r = {0};
    build();
    memset(mem, 0xaa, sizeof mem);
    ck_assert_int_eq(elf_load(img, sizeof img, collect, &r, NULL), 0);
    for (unsigned i = 0; i < r.n; i++) {
        unsigned char *page = mem + (r.pages[i].vaddr - 0x400000);
        memset(page, 0, ELF_PAGE_SIZE);
        ck_assert_uint_le(r.pages[i].copy_offset + r.pages[i].copy_len, ELF_PAGE_SIZE);
        if (r.pages[i].copy_len)
            memcpy(page + r.pages[i].copy_offset, r.pages[i].src, r.pages[i].copy_len);
    }
    ck_assert_mem_eq(mem, img + 0x1000, 0x100);
    ck_assert_mem_eq(mem + 0x2000, img + 0x2000, 0x80);
    for (size_t i = 0x2080; i < 0x5000; i++)
        ck_assert_uint_eq(mem[i], 0);
    for (size_t i = 0x100; i < 0x1000; i++)
        ck_assert_uint_eq(mem[i], 0);
}
END_TEST

START_TEST(callback_stops_walk)
{
    struct record r = {.stop_after = 2};
    uint64_t entry = 0;
    build();
    ck_assert_int_eq(elf_load(img, sizeof img, collect, &r, &entry), -7);
    ck_assert_uint_eq(r.n, 2);
    ck_assert_uint_eq(entry, 0); /* not written when stopped */
}
END_TEST

START_TEST(truncated_images_refused)
{
    build();
    for (size_t n = 0; n < 0x2080; n += 5)
        ck_assert_int_gt(elf_load(img, n, never_called, NULL, NULL), 0);
    ck_assert_int_eq(elf_load(img, 10, never_called, NULL, NULL), ELF_ETOOSMALL);
}
END_TEST

START_TEST(overlapping_segments_refused)
{
    build();
    ph(1)->p_vaddr = 0x400000; /* the text's page */
    ph(1)->p_offset = 0x2000;
    ck_assert_int_eq(elf_load(img, sizeof img, never_called, NULL, NULL), ELF_EOVERLAP);
    build();
    ph(0)->p_memsz = 0x2800; /* text's memory runs into data's page */
    ck_assert_int_eq(elf_load(img, sizeof img, never_called, NULL, NULL), ELF_EOVERLAP);
}
END_TEST

START_TEST(bad_alignment_refused)
{
    build();
    ph(1)->p_vaddr = 0x402010; /* offset 0x2000: not congruent modulo the page */
    ck_assert_int_eq(elf_load(img, sizeof img, never_called, NULL, NULL), ELF_ESEGMENT);
    build();
    ph(1)->p_align = 0x1800; /* not a power of two */
    ck_assert_int_eq(elf_load(img, sizeof img, never_called, NULL, NULL), ELF_ESEGMENT);
    build();
    ph(0)->p_align = 0x2000; /* 0x400000 and 0x1000 differ modulo 8 KiB */
    ck_assert_int_eq(elf_load(img, sizeof img, never_called, NULL, NULL), ELF_ESEGMENT);
    build();
    ph(0)->p_align = 0; /* 0 and 1: no constraint */
    ph(1)->p_align = 1;
    struct record r = {0};
    ck_assert_int_eq(elf_load(img, sizeof img, collect, &r, NULL), 0);
    ck_assert_uint_eq(r.n, 4);
}
END_TEST

START_TEST(other_segments_ignored)
{
    struct record r = {0};
    build();
    eh()->e_phnum = 4;
    *ph(2) = (struct elf64_phdr){4 /* PT_NOTE */, ELF_PF_R, 0x1000, 0x400000, 0, 0x10, 0x10, 4};
    *ph(3) = (struct elf64_phdr){ELF_PT_LOAD, ELF_PF_R, 0x1000, 0x900000, 0, 0, 0, 0x1000};
    ck_assert_int_eq(elf_load(img, sizeof img, collect, &r, NULL), 0);
    ck_assert_uint_eq(r.n, 4);
}
END_TEST

struct bounds {
    const unsigned char *image;
    size_t size;
    unsigned pages;
};

/* Every page aligned, in the user half, copying only image bytes; stop
 * after 1000 pages (a random memsz can span the address space). */
static int check_bounds(void *ctx, const struct elf_load_page *p)
{
    struct bounds *b = ctx;
    ck_assert_uint_eq(p->vaddr % ELF_PAGE_SIZE, 0);
    ck_assert_uint_lt(p->vaddr, ELF_USER_TOP);
    ck_assert_uint_le(p->copy_offset + p->copy_len, ELF_PAGE_SIZE);
    if (p->copy_len) {
        const unsigned char *s = p->src;
        ck_assert(s >= b->image && p->copy_len <= b->size &&
                  s - b->image <= (ptrdiff_t)(b->size - p->copy_len));
    }
    return ++b->pages == 1000 ? -1 : 0;
}

START_TEST(random_images_stay_in_bounds)
{
    /* Random corruption of the headers: any verdict, but a refused image
     * gets no callback and an accepted one only in-bounds pages. */
    srand(7);
    for (int i = 0; i < 3000; i++) {
        build();
        for (size_t j = 16; j < 0x100; j++)
            if (rand() % 10 == 0)
                img[j] = (unsigned char)rand();
        size_t n = 0x1000 + (size_t)rand() % (sizeof img - 0x1000 + 1);
        struct bounds b = {img, n, 0};
        int res = elf_load(img, n, check_bounds, &b, NULL);
        ck_assert_int_ge(res, -1);
        ck_assert_int_le(res, ELF_EENTRY);
        if (res > 0)
            ck_assert_uint_eq(b.pages, 0);
    }
}
END_TEST

Suite *elf_load_suite(void)
{
    Suite *s = suite_create("elf_load");
    TCase *tc = tcase_create("elf_load");
    tcase_add_test(tc, valid_image_pages);
    tcase_add_test(tc, unaligned_segment_start);
    tcase_add_test(tc, copies_reconstruct_file_bytes);
    tcase_add_test(tc, callback_stops_walk);
    tcase_add_test(tc, truncated_images_refused);
    tcase_add_test(tc, overlapping_segments_refused);
    tcase_add_test(tc, bad_alignment_refused);
    tcase_add_test(tc, other_segments_ignored);
    tcase_add_test(tc, random_images_stay_in_bounds);
    suite_add_tcase(s, tc);
    return s;
}
