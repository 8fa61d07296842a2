/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of libl4/manifest/manifest.c: the packed manifest as hostile
 * input.
 *
 * A valid module is built here field by field (the layout of
 * libl4/spec/structs.toml, from <l4/structs_gen.h>); each test breaks one
 * thing, fixes the checksum up so the check it aims at is reached, and
 * expects that error. Every module is copied into a heap block of exactly
 * its size, so a read past the end is caught (the 'unit-manifest-asan'
 * build runs this suite under AddressSanitizer and UBSan). The module
 * tools/manifest.py packs from tools/manifests/unit.toml is read back too:
 * the Python packer (pylayout) and the C parser agree on the layout.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <l4/manifest.h>
#include "suites.h"

#define MIB (UINT64_C(1) << 20)

static uint8_t mod[1024];
static uint32_t mod_size;

static void put(uint32_t off, uint64_t v, int bytes)
{
    for (int i = 0; i < bytes; i++)
        mod[off + i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get(uint32_t off, int bytes)
{
    uint64_t v = 0;
    for (int i = 0; i < bytes; i++)
        v |= (uint64_t)mod[off + i] << (8 * i);
    return v;
}

static void fix_checksum(void)
{
    put(L4_MANIFEST_HEADER_OFFSET_CHECKSUM, 0, 4);
    put(L4_MANIFEST_HEADER_OFFSET_CHECKSUM, l4_manifest_crc32(0, mod, mod_size), 4);
}

/* Layout of the module built below. */
#define SRV  64u  /* one server */
#define CMP  96u  /* two compartments */
#define STR  224u /* string table */
#define CMP0 CMP
#define CMP1 (CMP + L4_MANIFEST_COMPARTMENT_RECORD_SIZE)

static const char strings[] = "mem\0shell\0web\0guest.elf\0/bin/sh";
#define S_MEM   0u
#define S_SHELL 4u
#define S_WEB   10u
#define S_IMAGE 14u
#define S_INIT  24u

static void compartment(uint32_t r, uint32_t name, uint32_t flags, uint64_t quota, uint8_t prio)
{
    put(r + L4_MANIFEST_COMPARTMENT_RECORD_OFFSET_NAME, name, 4);
    put(r + L4_MANIFEST_COMPARTMENT_RECORD_OFFSET_FLAGS, flags, 4);
    put(r + L4_MANIFEST_COMPARTMENT_RECORD_OFFSET_QUOTA, quota, 8);
    put(r + L4_MANIFEST_COMPARTMENT_RECORD_OFFSET_PRIORITY, prio, 1);
    put(r + L4_MANIFEST_COMPARTMENT_RECORD_OFFSET_CONSOLE,
        L4_MANIFEST_COMPARTMENT_RECORD_CONSOLE_SERIAL, 1);
    put(r + L4_MANIFEST_COMPARTMENT_RECORD_OFFSET_ON_CRASH,
        L4_MANIFEST_COMPARTMENT_RECORD_CRASH_RESTART, 1);
    put(r + L4_MANIFEST_COMPARTMENT_RECORD_OFFSET_MAX_RESTARTS, 3, 2);
    put(r + L4_MANIFEST_COMPARTMENT_RECORD_OFFSET_MAX_SPACES, 16, 2);
    put(r + L4_MANIFEST_COMPARTMENT_RECORD_OFFSET_MAX_THREADS, 64, 2);
    put(r + L4_MANIFEST_COMPARTMENT_RECORD_OFFSET_IMAGE, S_IMAGE, 4);
    put(r + L4_MANIFEST_COMPARTMENT_RECORD_OFFSET_INITRAMFS, L4_MANIFEST_HEADER_NO_STRING, 4);
    put(r + L4_MANIFEST_COMPARTMENT_RECORD_OFFSET_INIT, S_INIT, 4);
}

/* 512 MiB; server 'mem' (8 MiB, prio 250); compartments 'shell' (main,
 * 64 MiB, prio 100) and 'web' (32 MiB, prio 90). */
static void build(void)
{
    memset(mod, 0, sizeof mod);
    mod_size = STR + sizeof strings;
    put(L4_MANIFEST_HEADER_OFFSET_MAGIC, L4_MANIFEST_HEADER_MAGIC, 4);
    put(L4_MANIFEST_HEADER_OFFSET_VERSION, L4_MANIFEST_HEADER_VERSION, 2);
    put(L4_MANIFEST_HEADER_OFFSET_HEADER_SIZE, L4_MANIFEST_HEADER_SIZE, 2);
    put(L4_MANIFEST_HEADER_OFFSET_TOTAL_SIZE, mod_size, 4);
    put(L4_MANIFEST_HEADER_OFFSET_MEMORY, 512 * MIB, 8);
    put(L4_MANIFEST_HEADER_OFFSET_NUM_SERVERS, 1, 2);
    put(L4_MANIFEST_HEADER_OFFSET_NUM_COMPARTMENTS, 2, 2);
    put(L4_MANIFEST_HEADER_OFFSET_SERVER_SIZE, L4_MANIFEST_SERVER_RECORD_SIZE, 2);
    put(L4_MANIFEST_HEADER_OFFSET_COMPARTMENT_SIZE, L4_MANIFEST_COMPARTMENT_RECORD_SIZE, 2);
    put(L4_MANIFEST_HEADER_OFFSET_SERVERS, SRV, 4);
    put(L4_MANIFEST_HEADER_OFFSET_COMPARTMENTS, CMP, 4);
    put(L4_MANIFEST_HEADER_OFFSET_STRINGS, STR, 4);
    put(L4_MANIFEST_HEADER_OFFSET_STRINGS_SIZE, sizeof strings, 4);
    put(L4_MANIFEST_HEADER_OFFSET_MAIN, 0, 4);
    put(SRV + L4_MANIFEST_SERVER_RECORD_OFFSET_NAME, S_MEM, 4);
    put(SRV + L4_MANIFEST_SERVER_RECORD_OFFSET_IMAGE, L4_MANIFEST_HEADER_NO_STRING, 4);
    put(SRV + L4_MANIFEST_SERVER_RECORD_OFFSET_MEMORY, 8 * MIB, 8);
    put(SRV + L4_MANIFEST_SERVER_RECORD_OFFSET_PRIORITY, 250, 1);
    compartment(CMP0, S_SHELL, L4_MANIFEST_COMPARTMENT_RECORD_FLAG_MAIN, 64 * MIB, 100);
    compartment(CMP1, S_WEB, 0, 32 * MIB, 90);
    memcpy(mod + STR, strings, sizeof strings);
    fix_checksum();
}

/* Open a copy of the first `size` bytes in a block of exactly that size. */
static int open_copy(size_t size, struct l4_manifest_fault *f)
{
    uint8_t *copy = malloc(size ? size : 1);
    ck_assert_ptr_nonnull(copy);
    memcpy(copy, mod, size);
    struct l4_manifest m;
    int r = l4_manifest_open(&m, copy, size, f);
    free(copy);
    return r;
}

/* After a change: fix the checksum, open, expect error e. */
static void expect_refused(enum l4_manifest_error e)
{
    struct l4_manifest_fault f = {0};
    fix_checksum();
    ck_assert_int_eq(open_copy(mod_size, &f), -1);
    ck_assert_msg(f.error == e, "expected %s, got %s (%s)", l4_manifest_error_name(e),
                  l4_manifest_error_name(f.error), f.what);
    ck_assert_ptr_nonnull(f.what);
}

/* After a change to compartment i: the module opens, compartment i is
 * refused with error e, the other one is accepted. */
static void expect_compartment_refused(uint32_t i, enum l4_manifest_error e)
{
    struct l4_manifest m;
    struct l4_manifest_compartment c;
    struct l4_manifest_fault f = {0};
    fix_checksum();
    ck_assert_int_eq(l4_manifest_open(&m, mod, mod_size, &f), 0);
    ck_assert_int_eq(l4_manifest_compartment(&m, i, &c, &f), -1);
    ck_assert_msg(f.error == e, "expected %s, got %s", l4_manifest_error_name(e),
                  l4_manifest_error_name(f.error));
    ck_assert_str_eq(c.name, i == 0 ? "shell" : "web");
    ck_assert_int_eq(l4_manifest_compartment(&m, 1 - i, &c, &f), 0);
}

START_TEST(valid_module_decodes)
{
    build();
    struct l4_manifest m;
    struct l4_manifest_fault f;
    ck_assert_int_eq(l4_manifest_open(&m, mod, mod_size, &f), 0);
    ck_assert_uint_eq(m.num_servers, 1);
    ck_assert_uint_eq(m.num_compartments, 2);
    ck_assert_uint_eq(m.memory, 512 * MIB);
    struct l4_manifest_server s;
    ck_assert_int_eq(l4_manifest_server(&m, 0, &s, &f), 0);
    ck_assert_str_eq(s.name, "mem");
    ck_assert_ptr_null(s.image);
    ck_assert_uint_eq(s.priority, 250);
    struct l4_manifest_compartment c;
    ck_assert_int_eq(l4_manifest_compartment(&m, 1, &c, &f), 0);
    ck_assert_str_eq(c.name, "web");
    ck_assert_str_eq(c.image, "guest.elf");
    ck_assert_str_eq(c.init, "/bin/sh");
    ck_assert_ptr_null(c.initramfs);
    ck_assert_uint_eq(c.quota, 32 * MIB);
    ck_assert_uint_eq(c.priority, 90);
    ck_assert_uint_eq(c.on_crash, L4_MANIFEST_COMPARTMENT_RECORD_CRASH_RESTART);
    ck_assert_uint_eq(c.max_restarts, 3);
    ck_assert_uint_eq(c.flags, 0);
    ck_assert_int_eq(l4_manifest_compartment(&m, 2, &c, &f), -1);
}
END_TEST

START_TEST(crc32_is_zlibs)
{
    /* zlib.crc32(b"123456789") == 0xcbf43926, the standard check value */
    ck_assert_uint_eq(l4_manifest_crc32(0, "123456789", 9), 0xcbf43926u);
    ck_assert_uint_eq(l4_manifest_crc32(l4_manifest_crc32(0, "1234", 4), "56789", 5), 0xcbf43926u);
}
END_TEST

START_TEST(every_truncation_refused)
{
    build();
    struct l4_manifest_fault f;
    for (size_t n = 0; n < mod_size; n++) {
        ck_assert_int_eq(open_copy(n, &f), -1);
        ck_assert_int_eq(f.error, L4_MANIFEST_ERR_TRUNCATED);
    }
    ck_assert_int_eq(open_copy(mod_size, &f), 0);
    ck_assert_int_eq(l4_manifest_open(&(struct l4_manifest){0}, NULL, 0, &f), -1);
}
END_TEST

START_TEST(trailing_bytes_refused)
{
    build();
    struct l4_manifest_fault f;
    ck_assert_int_eq(open_copy(mod_size + 1, &f), -1);
    ck_assert_int_eq(f.error, L4_MANIFEST_ERR_SIZE);
}
END_TEST

START_TEST(wrong_magic_refused)
{
    build();
    put(L4_MANIFEST_HEADER_OFFSET_MAGIC, 0x464c457f, 4); /* an ELF file */
    expect_refused(L4_MANIFEST_ERR_MAGIC);
}
END_TEST

START_TEST(unknown_version_refused)
{
    build();
    put(L4_MANIFEST_HEADER_OFFSET_VERSION, 2, 2);
    expect_refused(L4_MANIFEST_ERR_VERSION);
    build();
    put(L4_MANIFEST_HEADER_OFFSET_VERSION, 0, 2);
    expect_refused(L4_MANIFEST_ERR_VERSION);
}
END_TEST

START_TEST(bad_checksum_refused)
{
    struct l4_manifest_fault f;
    build();
    mod[STR + S_WEB] = 'x'; /* "xeb": a valid name, but not what was summed */
    ck_assert_int_eq(open_copy(mod_size, &f), -1);
    ck_assert_int_eq(f.error, L4_MANIFEST_ERR_CHECKSUM);
    build();
    put(L4_MANIFEST_HEADER_OFFSET_CHECKSUM, get(L4_MANIFEST_HEADER_OFFSET_CHECKSUM, 4) ^ 1, 4);
    ck_assert_int_eq(open_copy(mod_size, &f), -1);
    ck_assert_int_eq(f.error, L4_MANIFEST_ERR_CHECKSUM);
}
END_TEST

START_TEST(bad_sizes_refused)
{
    build();
    put(L4_MANIFEST_HEADER_OFFSET_HEADER_SIZE, 32, 2);
    expect_refused(L4_MANIFEST_ERR_SIZE);
    build();
    put(L4_MANIFEST_HEADER_OFFSET_COMPARTMENT_SIZE, 72, 2);
    expect_refused(L4_MANIFEST_ERR_SIZE);
    build();
    put(L4_MANIFEST_HEADER_OFFSET_SERVER_SIZE, 0, 2);
    expect_refused(L4_MANIFEST_ERR_SIZE);
    /* a total size beyond the module is truncation, never a read */
    build();
    put(L4_MANIFEST_HEADER_OFFSET_TOTAL_SIZE, 0xffffffffu, 4);
    expect_refused(L4_MANIFEST_ERR_TRUNCATED);
}
END_TEST

START_TEST(reserved_bytes_refused)
{
    build();
    mod[L4_MANIFEST_HEADER_OFFSET_RESERVED + 5] = 1;
    expect_refused(L4_MANIFEST_ERR_RESERVED);
    build();
    mod[SRV + L4_MANIFEST_SERVER_RECORD_OFFSET_RESERVED] = 1;
    expect_refused(L4_MANIFEST_ERR_RESERVED);
    build();
    mod[CMP1 + L4_MANIFEST_COMPARTMENT_RECORD_OFFSET_RESERVED2 + 23] = 1;
    expect_refused(L4_MANIFEST_ERR_RESERVED);
    build();
    put(CMP1 + L4_MANIFEST_COMPARTMENT_RECORD_OFFSET_FLAGS, 2, 4); /* an unknown flag */
    expect_refused(L4_MANIFEST_ERR_RESERVED);
}
END_TEST

START_TEST(counts_too_large_refused)
{
    build();
    put(L4_MANIFEST_HEADER_OFFSET_NUM_COMPARTMENTS, L4_MANIFEST_HEADER_MAX_COMPARTMENTS + 1, 2);
    expect_refused(L4_MANIFEST_ERR_COUNT);
    build();
    put(L4_MANIFEST_HEADER_OFFSET_NUM_COMPARTMENTS, 0xffff, 2);
    expect_refused(L4_MANIFEST_ERR_COUNT);
    build();
    put(L4_MANIFEST_HEADER_OFFSET_NUM_COMPARTMENTS, 0, 2);
    expect_refused(L4_MANIFEST_ERR_COUNT);
    build();
    put(L4_MANIFEST_HEADER_OFFSET_NUM_SERVERS, L4_MANIFEST_HEADER_MAX_SERVERS + 1, 2);
    expect_refused(L4_MANIFEST_ERR_COUNT);
    /* within the limits, but the table then runs past the module */
    build();
    put(L4_MANIFEST_HEADER_OFFSET_NUM_COMPARTMENTS, L4_MANIFEST_HEADER_MAX_COMPARTMENTS, 2);
    expect_refused(L4_MANIFEST_ERR_REGION);
}
END_TEST

START_TEST(tables_outside_or_overlapping_refused)
{
    build();
    put(L4_MANIFEST_HEADER_OFFSET_COMPARTMENTS, SRV, 4); /* on top of the server table */
    expect_refused(L4_MANIFEST_ERR_REGION);
    build();
    put(L4_MANIFEST_HEADER_OFFSET_STRINGS, CMP1, 4); /* strings inside the compartments */
    expect_refused(L4_MANIFEST_ERR_REGION);
    build();
    put(L4_MANIFEST_HEADER_OFFSET_SERVERS, 0, 4); /* inside the header */
    expect_refused(L4_MANIFEST_ERR_REGION);
    build();
    put(L4_MANIFEST_HEADER_OFFSET_SERVERS, SRV + 4, 4); /* misaligned */
    expect_refused(L4_MANIFEST_ERR_REGION);
    build();
    put(L4_MANIFEST_HEADER_OFFSET_COMPARTMENTS, 0xfffffff8u, 4); /* offset + length would wrap */
    expect_refused(L4_MANIFEST_ERR_REGION);
    build();
    put(L4_MANIFEST_HEADER_OFFSET_STRINGS_SIZE, 0xffffffffu, 4);
    expect_refused(L4_MANIFEST_ERR_REGION);
    build();
    put(L4_MANIFEST_HEADER_OFFSET_STRINGS, 0xffffffffu, 4);
    expect_refused(L4_MANIFEST_ERR_REGION);
    build();
    put(L4_MANIFEST_HEADER_OFFSET_STRINGS_SIZE, 0, 4);
    expect_refused(L4_MANIFEST_ERR_REGION);
}
END_TEST

START_TEST(string_outside_table_refused)
{
    build();
    put(CMP1 + L4_MANIFEST_COMPARTMENT_RECORD_OFFSET_IMAGE, sizeof strings, 4);
    expect_refused(L4_MANIFEST_ERR_STRING);
    build();
    put(CMP1 + L4_MANIFEST_COMPARTMENT_RECORD_OFFSET_NAME, 0xfffffffeu, 4);
    expect_refused(L4_MANIFEST_ERR_STRING);
    build();
    put(SRV + L4_MANIFEST_SERVER_RECORD_OFFSET_NAME, L4_MANIFEST_HEADER_NO_STRING,
        4); /* a name is not optional */
    expect_refused(L4_MANIFEST_ERR_STRING);
    build();
    put(CMP0 + L4_MANIFEST_COMPARTMENT_RECORD_OFFSET_IMAGE, L4_MANIFEST_HEADER_NO_STRING,
        4); /* nor is an image */
    expect_refused(L4_MANIFEST_ERR_STRING);
}
END_TEST

START_TEST(unterminated_string_refused)
{
    build();
    /* the last string ("/bin/sh") loses its NUL: it runs to the end of the
     * table, and the module, without one */
    mod[STR + sizeof strings - 1] = 'x';
    expect_refused(L4_MANIFEST_ERR_STRING);
    /* and with the table shortened below a terminator */
    build();
    put(L4_MANIFEST_HEADER_OFFSET_STRINGS_SIZE, S_WEB + 2, 4);
    expect_refused(L4_MANIFEST_ERR_STRING);
}
END_TEST

START_TEST(bad_names_refused)
{
    build();
    mod[STR + S_WEB] = 'W'; /* upper case */
    expect_refused(L4_MANIFEST_ERR_NAME);
    build();
    put(CMP1 + L4_MANIFEST_COMPARTMENT_RECORD_OFFSET_NAME, S_WEB + 3,
        4); /* the empty string at the NUL */
    expect_refused(L4_MANIFEST_ERR_NAME);
    build();
    put(CMP1 + L4_MANIFEST_COMPARTMENT_RECORD_OFFSET_NAME, S_INIT, 4); /* "/bin/sh" */
    expect_refused(L4_MANIFEST_ERR_NAME);
    build();
    put(CMP1 + L4_MANIFEST_COMPARTMENT_RECORD_OFFSET_NAME, S_SHELL,
        4); /* two compartments 'shell' */
    expect_refused(L4_MANIFEST_ERR_DUPLICATE);
    build();
    put(CMP1 + L4_MANIFEST_COMPARTMENT_RECORD_OFFSET_NAME, S_MEM,
        4); /* a compartment named like a server */
    expect_refused(L4_MANIFEST_ERR_DUPLICATE);
}
END_TEST

START_TEST(main_compartment_checked)
{
    build();
    put(CMP0 + L4_MANIFEST_COMPARTMENT_RECORD_OFFSET_FLAGS, 0, 4); /* none */
    expect_refused(L4_MANIFEST_ERR_MAIN);
    build();
    put(CMP1 + L4_MANIFEST_COMPARTMENT_RECORD_OFFSET_FLAGS,
        L4_MANIFEST_COMPARTMENT_RECORD_FLAG_MAIN, 4); /* two */
    expect_refused(L4_MANIFEST_ERR_MAIN);
    build();
    put(L4_MANIFEST_HEADER_OFFSET_MAIN, 1, 4); /* index does not match the flag */
    expect_refused(L4_MANIFEST_ERR_MAIN);
}
END_TEST

START_TEST(bad_machine_memory_refused)
{
    build();
    put(L4_MANIFEST_HEADER_OFFSET_MEMORY, 0, 8);
    expect_refused(L4_MANIFEST_ERR_MEMORY);
    build();
    put(L4_MANIFEST_HEADER_OFFSET_MEMORY, 512 * MIB + 1, 8);
    expect_refused(L4_MANIFEST_ERR_MEMORY);
}
END_TEST

START_TEST(bad_quota_refuses_that_compartment)
{
    build();
    put(CMP1 + L4_MANIFEST_COMPARTMENT_RECORD_OFFSET_QUOTA, 0, 8);
    expect_compartment_refused(1, L4_MANIFEST_ERR_QUOTA);
    build();
    put(CMP1 + L4_MANIFEST_COMPARTMENT_RECORD_OFFSET_QUOTA, UINT64_MAX & ~UINT64_C(0xfff), 8);
    expect_compartment_refused(1, L4_MANIFEST_ERR_QUOTA);
    build();
    put(CMP0 + L4_MANIFEST_COMPARTMENT_RECORD_OFFSET_QUOTA, 512 * MIB + 4096,
        8); /* larger than RAM */
    expect_compartment_refused(0, L4_MANIFEST_ERR_QUOTA);
    build();
    put(CMP0 + L4_MANIFEST_COMPARTMENT_RECORD_OFFSET_QUOTA, 4097, 8);
    expect_compartment_refused(0, L4_MANIFEST_ERR_QUOTA);
}
END_TEST

START_TEST(bad_values_refuse_that_compartment)
{
    build();
    put(CMP1 + L4_MANIFEST_COMPARTMENT_RECORD_OFFSET_PRIORITY, 0, 1);
    expect_compartment_refused(1, L4_MANIFEST_ERR_PRIORITY);
    build();
    put(CMP1 + L4_MANIFEST_COMPARTMENT_RECORD_OFFSET_PRIORITY, 200, 1); /* a server's priority */
    expect_compartment_refused(1, L4_MANIFEST_ERR_PRIORITY);
    build();
    put(CMP1 + L4_MANIFEST_COMPARTMENT_RECORD_OFFSET_CONSOLE,
        L4_MANIFEST_COMPARTMENT_RECORD_CONSOLE_COUNT, 1);
    expect_compartment_refused(1, L4_MANIFEST_ERR_CONSOLE);
    build();
    put(CMP1 + L4_MANIFEST_COMPARTMENT_RECORD_OFFSET_ON_CRASH, 7, 1);
    expect_compartment_refused(1, L4_MANIFEST_ERR_RESTART);
    build();
    put(CMP1 + L4_MANIFEST_COMPARTMENT_RECORD_OFFSET_MAX_RESTARTS, 0, 2); /* restart, but 0 times */
    expect_compartment_refused(1, L4_MANIFEST_ERR_RESTART);
    build();
    put(CMP1 + L4_MANIFEST_COMPARTMENT_RECORD_OFFSET_MAX_RESTARTS,
        L4_MANIFEST_COMPARTMENT_RECORD_RESTARTS_MAX + 1, 2);
    expect_compartment_refused(1, L4_MANIFEST_ERR_RESTART);
    build();
    put(CMP1 + L4_MANIFEST_COMPARTMENT_RECORD_OFFSET_ON_CRASH,
        L4_MANIFEST_COMPARTMENT_RECORD_CRASH_STOP, 1); /* stop, with restarts */
    expect_compartment_refused(1, L4_MANIFEST_ERR_RESTART);
    build();
    put(CMP1 + L4_MANIFEST_COMPARTMENT_RECORD_OFFSET_MAX_SPACES, 0, 2);
    expect_compartment_refused(1, L4_MANIFEST_ERR_SPACES);
    build();
    put(CMP1 + L4_MANIFEST_COMPARTMENT_RECORD_OFFSET_MAX_SPACES, L4_MANIFEST_HEADER_ASIDS_TOTAL + 1,
        2);
    expect_compartment_refused(1, L4_MANIFEST_ERR_SPACES);
    build();
    put(CMP1 + L4_MANIFEST_COMPARTMENT_RECORD_OFFSET_MAX_THREADS, 0, 2);
    expect_compartment_refused(1, L4_MANIFEST_ERR_THREADS);
}
END_TEST

START_TEST(bad_server_refused)
{
    struct l4_manifest m;
    struct l4_manifest_server s;
    struct l4_manifest_fault f;
    build();
    put(SRV + L4_MANIFEST_SERVER_RECORD_OFFSET_PRIORITY, 199, 1);
    fix_checksum();
    ck_assert_int_eq(l4_manifest_open(&m, mod, mod_size, &f), 0);
    ck_assert_int_eq(l4_manifest_server(&m, 0, &s, &f), -1);
    ck_assert_int_eq(f.error, L4_MANIFEST_ERR_PRIORITY);
    ck_assert_str_eq(s.name, "mem");
    build();
    put(SRV + L4_MANIFEST_SERVER_RECORD_OFFSET_PRIORITY, 255, 1); /* the root task's */
    fix_checksum();
    ck_assert_int_eq(l4_manifest_open(&m, mod, mod_size, &f), 0);
    ck_assert_int_eq(l4_manifest_server(&m, 0, &s, &f), -1);
    build();
    put(SRV + L4_MANIFEST_SERVER_RECORD_OFFSET_MEMORY, 1024 * MIB, 8);
    fix_checksum();
    ck_assert_int_eq(l4_manifest_open(&m, mod, mod_size, &f), 0);
    ck_assert_int_eq(l4_manifest_server(&m, 0, &s, &f), -1);
    ck_assert_int_eq(f.error, L4_MANIFEST_ERR_QUOTA);
    struct l4_manifest_budget b;
    ck_assert_int_eq(l4_manifest_budget_init(&m, 2048 * MIB, &b, &f), -1);
}
END_TEST

START_TEST(budget_admits_in_order)
{
    struct l4_manifest m;
    struct l4_manifest_fault f;
    struct l4_manifest_budget b;
    struct l4_manifest_compartment shell, web;
    build();
    ck_assert_int_eq(l4_manifest_open(&m, mod, mod_size, &f), 0);
    ck_assert_int_eq(l4_manifest_compartment(&m, 0, &shell, &f), 0);
    ck_assert_int_eq(l4_manifest_compartment(&m, 1, &web, &f), 0);
    /* servers alone larger than what there is */
    ck_assert_int_eq(l4_manifest_budget_init(&m, 4 * MIB, &b, &f), -1);
    ck_assert_int_eq(f.error, L4_MANIFEST_ERR_QUOTA);
    /* 8 MiB for the server, 64 for shell: web's 32 do not fit in 90 */
    ck_assert_int_eq(l4_manifest_budget_init(&m, 90 * MIB, &b, &f), 0);
    ck_assert_uint_eq(b.memory_left, 82 * MIB);
    ck_assert_uint_eq(b.spaces_left, L4_MANIFEST_HEADER_ASIDS_TOTAL - 2);
    ck_assert_int_eq(l4_manifest_admit(&b, &shell, &f), 0);
    ck_assert_int_eq(l4_manifest_admit(&b, &web, &f), -1);
    ck_assert_int_eq(f.error, L4_MANIFEST_ERR_QUOTA);
    ck_assert_uint_eq(b.memory_left, 18 * MIB); /* unchanged by the refusal */
    /* address spaces run out the same way */
    ck_assert_int_eq(l4_manifest_budget_init(&m, 512 * MIB, &b, &f), 0);
    b.spaces_left = 20;
    ck_assert_int_eq(l4_manifest_admit(&b, &shell, &f), 0);
    ck_assert_int_eq(l4_manifest_admit(&b, &web, &f), -1);
    ck_assert_int_eq(f.error, L4_MANIFEST_ERR_SPACES);
    ck_assert_uint_eq(b.spaces_left, 4);
}
END_TEST

/* Every byte changed to each of a few values, checksum fixed up: the
 * parser must accept or refuse, never read outside the module (caught by
 * the exact-size copies under AddressSanitizer) or crash. */
START_TEST(every_byte_corrupted_handled)
{
    static const uint8_t values[] = {0x00, 0x01, 0x3f, 0x7f, 0x80, 0xfe, 0xff};
    struct l4_manifest_fault f;
    build();
    uint32_t size = mod_size;
    for (uint32_t i = 0; i < size; i++) {
        for (unsigned v = 0; v < sizeof values; v++) {
            build();
            if (i >= L4_MANIFEST_HEADER_OFFSET_CHECKSUM &&
                i < L4_MANIFEST_HEADER_OFFSET_CHECKSUM + 4)
                continue;
            mod[i] = values[v];
            fix_checksum();
            uint8_t *copy = malloc(mod_size);
            memcpy(copy, mod, mod_size);
            struct l4_manifest m;
            if (l4_manifest_open(&m, copy, mod_size, &f) == 0) {
                struct l4_manifest_budget b;
                for (uint32_t k = 0; k < m.num_servers; k++) {
                    struct l4_manifest_server s;
                    l4_manifest_server(&m, k, &s, &f);
                }
                if (l4_manifest_budget_init(&m, 1024 * MIB, &b, &f) == 0)
                    for (uint32_t k = 0; k < m.num_compartments; k++) {
                        struct l4_manifest_compartment c;
                        if (l4_manifest_compartment(&m, k, &c, &f) == 0)
                            l4_manifest_admit(&b, &c, &f);
                        ck_assert_ptr_nonnull(c.name);
                    }
            } else {
                ck_assert_ptr_nonnull(f.what);
            }
            free(copy);
        }
    }
}
END_TEST

#ifdef MANIFEST_PACKED_PATH
/* What tools/manifest.py packed from tools/manifests/unit.toml. */
START_TEST(python_packed_module_reads_back)
{
    FILE *fp = fopen(MANIFEST_PACKED_PATH, "rb");
    ck_assert_ptr_nonnull(fp);
    static uint8_t buf[L4_MANIFEST_HEADER_MAX_SIZE];
    size_t n = fread(buf, 1, sizeof buf, fp);
    fclose(fp);
    struct l4_manifest m;
    struct l4_manifest_fault f = {0};
    ck_assert_msg(l4_manifest_open(&m, buf, n, &f) == 0, "refused: %s", f.what);
    ck_assert_uint_eq(m.memory, 256 * MIB);
    ck_assert_uint_eq(m.num_servers, 1);
    ck_assert_uint_eq(m.num_compartments, 2);
    ck_assert_uint_eq(m.main, 1);
    struct l4_manifest_server s;
    ck_assert_int_eq(l4_manifest_server(&m, 0, &s, &f), 0);
    ck_assert_str_eq(s.name, "mem");
    ck_assert_uint_eq(s.memory, 4 * MIB);
    ck_assert_uint_eq(s.priority, 250);
    struct l4_manifest_compartment c;
    ck_assert_int_eq(l4_manifest_compartment(&m, 0, &c, &f), 0);
    ck_assert_str_eq(c.name, "web");
    ck_assert_uint_eq(c.quota, 48 * MIB);
    ck_assert_uint_eq(c.priority, 90);
    ck_assert_uint_eq(c.console, L4_MANIFEST_COMPARTMENT_RECORD_CONSOLE_NONE);
    ck_assert_uint_eq(c.on_crash, L4_MANIFEST_COMPARTMENT_RECORD_CRASH_RESTART);
    ck_assert_uint_eq(c.max_restarts, 5);
    ck_assert_uint_eq(c.max_spaces, 4);
    ck_assert_uint_eq(c.max_threads, 32);
    ck_assert_uint_eq(c.flags, 0);
    ck_assert_str_eq(c.image, "busybox");
    ck_assert_ptr_null(c.initramfs);
    ck_assert_ptr_null(c.init);
    ck_assert_int_eq(l4_manifest_compartment(&m, 1, &c, &f), 0);
    ck_assert_str_eq(c.name, "shell");
    ck_assert_uint_eq(c.quota, 64 * MIB);
    ck_assert_uint_eq(c.priority, 100);
    ck_assert_uint_eq(c.console, L4_MANIFEST_COMPARTMENT_RECORD_CONSOLE_SERIAL);
    ck_assert_uint_eq(c.on_crash, L4_MANIFEST_COMPARTMENT_RECORD_CRASH_STOP);
    ck_assert_uint_eq(c.max_restarts, 0);
    ck_assert_uint_eq(c.max_spaces, 16);
    ck_assert_uint_eq(c.max_threads, 64);
    ck_assert_uint_eq(c.flags, L4_MANIFEST_COMPARTMENT_RECORD_FLAG_MAIN);
    ck_assert_str_eq(c.init, "/bin/sh -l");
    ck_assert_str_eq(c.initramfs, "busybox");
}
END_TEST
#endif

Suite *manifest_suite(void)
{
    Suite *s = suite_create("manifest");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, valid_module_decodes);
    tcase_add_test(tc, crc32_is_zlibs);
    tcase_add_test(tc, every_truncation_refused);
    tcase_add_test(tc, trailing_bytes_refused);
    tcase_add_test(tc, wrong_magic_refused);
    tcase_add_test(tc, unknown_version_refused);
    tcase_add_test(tc, bad_checksum_refused);
    tcase_add_test(tc, bad_sizes_refused);
    tcase_add_test(tc, reserved_bytes_refused);
    tcase_add_test(tc, counts_too_large_refused);
    tcase_add_test(tc, tables_outside_or_overlapping_refused);
    tcase_add_test(tc, string_outside_table_refused);
    tcase_add_test(tc, unterminated_string_refused);
    tcase_add_test(tc, bad_names_refused);
    tcase_add_test(tc, main_compartment_checked);
    tcase_add_test(tc, bad_machine_memory_refused);
    tcase_add_test(tc, bad_quota_refuses_that_compartment);
    tcase_add_test(tc, bad_values_refuse_that_compartment);
    tcase_add_test(tc, bad_server_refused);
    tcase_add_test(tc, budget_admits_in_order);
    tcase_add_test(tc, every_byte_corrupted_handled);
#ifdef MANIFEST_PACKED_PATH
    tcase_add_test(tc, python_packed_module_reads_back);
#endif
    suite_add_tcase(s, tc);
    return s;
}
