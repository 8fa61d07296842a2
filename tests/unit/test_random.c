/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of libl4/random/chacha.c (<l4/random.h>): the ChaCha20 block
 * against RFC 8439's test vector (2.3.2), the generator's key erasure (two
 * calls never repeat output, the key changes), seed derivation (distinct
 * triples give distinct seeds, the same triple the same seed), and the hex
 * form with its refusals.
 */
#include <check.h>
#include <string.h>
#include <l4/random.h>
#include "suites.h"

START_TEST(chacha20_rfc8439_block)
{
    uint32_t key[8], nonce[3] = {0x09000000, 0x4a000000, 0x00000000};
    uint8_t kb[32], out[64];
    for (int i = 0; i < 32; i++)
        kb[i] = (uint8_t)i;
    memcpy(key, kb, 32);
    l4_chacha20_block(key, 1, nonce, out);
    static const uint8_t expect[64] = {
        0x10, 0xf1, 0xe7, 0xe4, 0xd1, 0x3b, 0x59, 0x15, 0x50, 0x0f, 0xdd, 0x1f, 0xa3,
        0x20, 0x71, 0xc4, 0xc7, 0xd1, 0xf4, 0xc7, 0x33, 0xc0, 0x68, 0x03, 0x04, 0x22,
        0xaa, 0x9a, 0xc3, 0xd4, 0x6c, 0x4e, 0xd2, 0x82, 0x64, 0x46, 0x07, 0x9f, 0xaa,
        0x09, 0x14, 0xc2, 0xd7, 0x05, 0xd9, 0x8b, 0x02, 0xa2, 0xb5, 0x12, 0x9c, 0xd1,
        0xde, 0x16, 0x4e, 0xb9, 0xcb, 0xd0, 0x83, 0xe8, 0xa2, 0x50, 0x3c, 0x4e,
    };
    ck_assert_mem_eq(out, expect, 64);
}
END_TEST

START_TEST(generator_erases_its_key)
{
    uint8_t seed[32] = {1, 2, 3}, a[100], b[100];
    struct l4_random r;
    l4_random_init(&r, seed);
    uint32_t before[8];
    memcpy(before, r.key, sizeof before);
    l4_random_bytes(&r, a, sizeof a);
    ck_assert_int_ne(memcmp(before, r.key, sizeof before), 0);
    l4_random_bytes(&r, b, sizeof b);
    ck_assert_int_ne(memcmp(a, b, sizeof a), 0);
    /* the same seed gives the same stream */
    struct l4_random r2;
    uint8_t a2[100];
    l4_random_init(&r2, seed);
    l4_random_bytes(&r2, a2, sizeof a2);
    ck_assert_mem_eq(a, a2, sizeof a);
    /* the output is not the key stream of the seed itself */
    uint8_t raw[64];
    uint32_t key[8], nonce[3] = {0};
    memcpy(key, seed, 32);
    l4_chacha20_block(key, 0, nonce, raw);
    ck_assert_int_ne(memcmp(a, raw, 64), 0);
    l4_random_bytes(&r, a, 0); /* an empty request is fine */
}
END_TEST

START_TEST(derive_separates_purposes)
{
    uint8_t root[32] = {9}, x[32], y[32], z[32];
    l4_random_derive(root, 1, 0, 0, x);
    l4_random_derive(root, 1, 0, 1, y);
    l4_random_derive(root, 1, 0, 0, z);
    ck_assert_int_ne(memcmp(x, y, 32), 0);
    ck_assert_mem_eq(x, z, 32);
    root[31] ^= 1;
    l4_random_derive(root, 1, 0, 0, z);
    ck_assert_int_ne(memcmp(x, z, 32), 0);
}
END_TEST

START_TEST(hex_round_trip_and_refusals)
{
    uint8_t in[32], out[32];
    char hex[65];
    for (int i = 0; i < 32; i++)
        in[i] = (uint8_t)(i * 37 + 5);
    l4_random_hex(in, hex);
    ck_assert_uint_eq(strlen(hex), 64);
    ck_assert(l4_random_unhex(hex, out));
    ck_assert_mem_eq(in, out, 32);
    hex[10] = 'g';
    ck_assert(!l4_random_unhex(hex, out));
    ck_assert(!l4_random_unhex("abcd", out)); /* short: stops at the NUL */
    char longer[67];
    l4_random_hex(in, longer);
    strcat(longer, "00");
    ck_assert(!l4_random_unhex(longer, out));
}
END_TEST

Suite *random_suite(void)
{
    Suite *s = suite_create("random");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, chacha20_rfc8439_block);
    tcase_add_test(tc, generator_erases_its_key);
    tcase_add_test(tc, derive_separates_purposes);
    tcase_add_test(tc, hex_round_trip_and_refusals);
    suite_add_tcase(s, tc);
    return s;
}
