/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of kernel/core/multiboot.c and cmdline.c: a fake physical
 * memory holds a multiboot information structure; the map callback refuses
 * anything outside it, as the kernel's does outside its boot window.
 */
#include <string.h>
#include <core/bootinfo.h>
#include "suites.h"

#define PHYS_SIZE 0x4000
static unsigned char phys[PHYS_SIZE];

static const void *fake_map(uint64_t pa, uint64_t len)
{
    if (pa >= PHYS_SIZE || len > PHYS_SIZE - pa)
        return NULL;
    return phys + pa;
}

static void w32(uint64_t pa, uint32_t v)
{
    memcpy(phys + pa, &v, 4);
}

static void w64(uint64_t pa, uint64_t v)
{
    memcpy(phys + pa, &v, 8);
}

/* info at 0x100, cmdline at 0x200, mmap at 0x300 (3 entries), modules at
 * 0x400 (2), module names at 0x500/0x540. */
static void build(void)
{
    memset(phys, 0, sizeof phys);
    w32(0x100, (1 << 2) | (1 << 3) | (1 << 6));
    w32(0x100 + 16, 0x200);
    strcpy((char *)phys + 0x200, "tessera.bin poweroff=3 quiet");
    w32(0x100 + 20, 2);
    w32(0x100 + 24, 0x400);
    w32(0x100 + 44, 3 * 24);
    w32(0x100 + 48, 0x300);
    uint64_t e = 0x300;
    uint64_t ents[3][3] = {{0, 0x9fc00, 1}, {0xf0000, 0x10000, 2}, {0x100000, 0x7f00000, 1}};
    for (int i = 0; i < 3; i++, e += 24) {
        w32(e, 20);
        w64(e + 4, ents[i][0]);
        w64(e + 12, ents[i][1]);
        w32(e + 20, (uint32_t)ents[i][2]);
    }
    w32(0x400, 0x200000);
    w32(0x404, 0x201000);
    w32(0x408, 0x500);
    strcpy((char *)phys + 0x500, "root.elf root");
    w32(0x410, 0x202000);
    w32(0x414, 0x203000);
    w32(0x418, 0x540);
    strcpy((char *)phys + 0x540, "manifest");
}

static int parse(struct boot_info *bi, char *err)
{
    return multiboot_parse(MULTIBOOT_LOADER_MAGIC, 0x100, fake_map, bi, err, 128);
}

START_TEST(parses_cmdline_memory_modules)
{
    static struct boot_info bi;
    char err[128];
    build();
    ck_assert_int_eq(parse(&bi, err), 0);
    ck_assert_str_eq(bi.cmdline, "tessera.bin poweroff=3 quiet");
    ck_assert_uint_eq(bi.nram, 2); /* the reserved entry is not RAM */
    ck_assert_uint_eq(bi.ram[0].end, 0x9f000);
    ck_assert_uint_eq(bi.ram[1].start, 0x100000);
    ck_assert_uint_eq(bi.ram[1].end, 0x8000000);
    ck_assert_uint_eq(bi.nmods, 2);
    ck_assert_uint_eq(bi.mods[1].start, 0x202000);
    ck_assert_str_eq(bi.mods[0].cmdline, "root.elf root");
}
END_TEST

START_TEST(rejects_wrong_magic)
{
    static struct boot_info bi;
    char err[128];
    build();
    ck_assert_int_eq(multiboot_parse(0x12345678, 0x100, fake_map, &bi, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "not started by a multiboot loader"));
}
END_TEST

START_TEST(rejects_unreachable_pointers)
{
    static struct boot_info bi;
    char err[128];
    build();
    ck_assert_int_eq(multiboot_parse(MULTIBOOT_LOADER_MAGIC, 0x10000, fake_map, &bi, err, 128), -1);
    build();
    w32(0x100 + 48, 0x3ff0); /* mmap runs off the end of memory */
    ck_assert_int_eq(parse(&bi, err), -1);
    ck_assert_ptr_nonnull(strstr(err, "memory map"));
    build();
    w32(0x100 + 24, 0x3ffc); /* module list unreachable */
    ck_assert_int_eq(parse(&bi, err), -1);
    ck_assert_ptr_nonnull(strstr(err, "module list"));
}
END_TEST

START_TEST(rejects_bad_modules)
{
    static struct boot_info bi;
    char err[128];
    build();
    w32(0x414, 0x202000); /* end == start */
    ck_assert_int_eq(parse(&bi, err), -1);
    ck_assert_ptr_nonnull(strstr(err, "module 1 (manifest)"));
    build();
    w32(0x100 + 20, 1000); /* implausible count */
    ck_assert_int_eq(parse(&bi, err), -1);
    ck_assert_ptr_nonnull(strstr(err, "modules given"));
    build();
    memset(phys + 0x500, 'A', 0x300); /* name without terminator within bound */
    ck_assert_int_eq(parse(&bi, err), -1);
    ck_assert_ptr_nonnull(strstr(err, "module 0: command line"));
}
END_TEST

START_TEST(rejects_bad_mmap_entries)
{
    static struct boot_info bi;
    char err[128];
    build();
    w32(0x300 + 24, 4); /* entry size too small */
    ck_assert_int_eq(parse(&bi, err), -1);
    build();
    w32(0x300 + 24, 0xfffffff0); /* entry size overflowing the map */
    ck_assert_int_eq(parse(&bi, err), -1);
    ck_assert_ptr_nonnull(strstr(err, "bad size"));
    build();
    w32(0x100, 0); /* no memory information at all */
    ck_assert_int_eq(parse(&bi, err), -1);
    ck_assert_ptr_nonnull(strstr(err, "no memory information"));
}
END_TEST

START_TEST(falls_back_to_mem_lower_upper)
{
    static struct boot_info bi;
    char err[128];
    build();
    w32(0x100, 1); /* only mem_lower/mem_upper */
    w32(0x104, 639);
    w32(0x108, 64 * 1024);
    ck_assert_int_eq(parse(&bi, err), 0);
    ck_assert_uint_eq(bi.nram, 2);
    ck_assert_uint_eq(bi.ram[1].end, 0x100000 + 64 * 1024 * 1024);
    ck_assert_uint_eq(bi.nmods, 0);
}
END_TEST

START_TEST(cmdline_lookup)
{
    char v[8];
    ck_assert_int_eq(cmdline_get("k poweroff=3 quiet x=", "poweroff", v, sizeof v), 0);
    ck_assert_str_eq(v, "3");
    ck_assert_int_eq(cmdline_get("k poweroff=3 quiet", "quiet", v, sizeof v), 0);
    ck_assert_str_eq(v, "");
    ck_assert_int_eq(cmdline_get("k poweroff=3 quiet x=", "x", v, sizeof v), 0);
    ck_assert_str_eq(v, "");
    ck_assert_int_eq(cmdline_get("k poweroffx=3", "poweroff", v, sizeof v), -1);
    ck_assert_int_eq(cmdline_get("", "poweroff", v, sizeof v), -1);
    ck_assert_int_eq(cmdline_get("a=0123456789", "a", v, sizeof v), 0);
    ck_assert_str_eq(v, "0123456"); /* cut to the buffer */
}
END_TEST

Suite *multiboot_suite(void)
{
    Suite *s = suite_create("multiboot");
    TCase *tc = tcase_create("multiboot");
    tcase_add_test(tc, parses_cmdline_memory_modules);
    tcase_add_test(tc, rejects_wrong_magic);
    tcase_add_test(tc, rejects_unreachable_pointers);
    tcase_add_test(tc, rejects_bad_modules);
    tcase_add_test(tc, rejects_bad_mmap_entries);
    tcase_add_test(tc, falls_back_to_mem_lower_upper);
    tcase_add_test(tc, cmdline_lookup);
    suite_add_tcase(s, tc);
    return s;
}
