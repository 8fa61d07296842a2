/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the address-space helper's bookkeeping (libl4/vspace/
 * vspace.c, <l4/vspace.h>): which addresses may be mapped (the kernel
 * half, non-canonical addresses and the top user page refused, alignment
 * per frame size, sizes that would wrap), which tables a mapping still
 * needs, overlaps between frames of both sizes and with a PT under a
 * 2 MiB frame, room in the caller's arrays, lookups anywhere inside a
 * frame, and forgetting entries.
 */
#include <l4/vspace.h>
#include "suites.h"

#define MIB2 UINT64_C(0x200000)
#define GIB1 UINT64_C(0x40000000)

static struct l4_vspace vs;
static struct l4_vspace_table tables[4];
static struct l4_vspace_frame frames[3];

static void setup(void)
{
    l4_vspace_init(&vs, 7, NULL, tables, 4, frames, 3);
}

static struct l4_object obj(l4_cptr_t cap)
{
    return (struct l4_object){.cap = cap};
}

START_TEST(check_addresses)
{
    ck_assert_uint_eq(L4_VSPACE_USER_END, UINT64_C(0x7ffffffff000));
    ck_assert_int_eq(l4_vspace_check(0, 12), L4_NO_ERROR);
    ck_assert_int_eq(l4_vspace_check(0x1000, 12), L4_NO_ERROR);
    ck_assert_int_eq(l4_vspace_check(0x1008, 12), L4_ALIGNMENT_ERROR);
    ck_assert_int_eq(l4_vspace_check(0x1000, 21), L4_ALIGNMENT_ERROR);
    ck_assert_int_eq(l4_vspace_check(MIB2, 21), L4_NO_ERROR);
    ck_assert_int_eq(l4_vspace_check(0x1000, 30), L4_INVALID_ARGUMENT);
    ck_assert_int_eq(l4_vspace_check(0x1000, 0), L4_INVALID_ARGUMENT);
    /* the last page below the top page is fine; the top page is not */
    ck_assert_int_eq(l4_vspace_check(UINT64_C(0x7fffffffe000), 12), L4_NO_ERROR);
    ck_assert_int_eq(l4_vspace_check(UINT64_C(0x7ffffffff000), 12), L4_RANGE_ERROR);
    /* a 2 MiB frame over the top page */
    ck_assert_int_eq(l4_vspace_check(UINT64_C(0x7fffffe00000), 21), L4_RANGE_ERROR);
    ck_assert_int_eq(l4_vspace_check(UINT64_C(0x7fffffc00000), 21), L4_NO_ERROR);
    /* non-canonical and kernel half */
    ck_assert_int_eq(l4_vspace_check(UINT64_C(0x800000000000), 12), L4_RANGE_ERROR);
    ck_assert_int_eq(l4_vspace_check(UINT64_C(0x0000900000000000), 12), L4_RANGE_ERROR);
    ck_assert_int_eq(l4_vspace_check(UINT64_C(0xffff800000000000), 12), L4_RANGE_ERROR);
    ck_assert_int_eq(l4_vspace_check(UINT64_C(0xfffffffffffff000), 12), L4_RANGE_ERROR);
    ck_assert_int_eq(l4_vspace_check(UINT64_C(0xffffffffffe00000), 21), L4_RANGE_ERROR);
}
END_TEST

START_TEST(table_bases)
{
    l4_word_t va = UINT64_C(0x00007f1234567000);
    ck_assert_uint_eq(l4_vspace_table_base(va, L4_VSPACE_PT), UINT64_C(0x00007f1234400000));
    ck_assert_uint_eq(l4_vspace_table_base(va, L4_VSPACE_PD), UINT64_C(0x00007f1200000000));
    ck_assert_uint_eq(l4_vspace_table_base(va, L4_VSPACE_PDPT), UINT64_C(0x00007f0000000000));
}
END_TEST

START_TEST(missing_tables_and_room)
{
    unsigned missing;
    l4_word_t va = UINT64_C(0x200000000000);
    ck_assert_int_eq(l4_vspace_decode_map(&vs, va, 12, &missing), L4_NO_ERROR);
    ck_assert_uint_eq(missing, 0xe); /* levels 3, 2, 1 */
    ck_assert_int_eq(l4_vspace_decode_map(&vs, va, 21, &missing), L4_NO_ERROR);
    ck_assert_uint_eq(missing, 0xc); /* no PT under a 2 MiB frame */
    struct l4_object o = obj(30);
    ck_assert_int_eq(l4_vspace_record_table(&vs, L4_VSPACE_PDPT, va, &o), L4_NO_ERROR);
    ck_assert_int_eq(l4_vspace_record_table(&vs, L4_VSPACE_PDPT, va + GIB1, &o), L4_DELETE_FIRST);
    ck_assert_int_eq(l4_vspace_record_table(&vs, 0, va, &o), L4_INVALID_ARGUMENT);
    ck_assert_int_eq(l4_vspace_record_table(&vs, 4, va, &o), L4_INVALID_ARGUMENT);
    o.cap = 31;
    ck_assert_int_eq(l4_vspace_record_table(&vs, L4_VSPACE_PD, va, &o), L4_NO_ERROR);
    ck_assert_int_eq(l4_vspace_decode_map(&vs, va + 0x5000, 12, &missing), L4_NO_ERROR);
    ck_assert_uint_eq(missing, 0x2);
    /* a different GiB needs a new PD and PT; another 512 GiB all three,
     * one more than the 2 entries of room left */
    ck_assert_int_eq(l4_vspace_decode_map(&vs, va + GIB1, 12, &missing), L4_NO_ERROR);
    ck_assert_uint_eq(missing, 0x6);
    ck_assert_int_eq(l4_vspace_decode_map(&vs, va + (UINT64_C(1) << 39), 12, &missing),
                     L4_NOT_ENOUGH_MEMORY);
    ck_assert_int_eq(l4_vspace_decode_map(&vs, va + (UINT64_C(1) << 39), 21, &missing),
                     L4_NO_ERROR);
    ck_assert_uint_eq(missing, 0xc);
    o.cap = 32;
    ck_assert_int_eq(l4_vspace_record_table(&vs, L4_VSPACE_PT, va, &o), L4_NO_ERROR);
    /* 4 tables of room, 3 used: two more are too many */
    ck_assert_int_eq(l4_vspace_decode_map(&vs, va + GIB1, 12, &missing), L4_NOT_ENOUGH_MEMORY);
    ck_assert_int_eq(l4_vspace_decode_map(&vs, va + MIB2, 12, &missing), L4_NO_ERROR);
    ck_assert_uint_eq(l4_vspace_table(&vs, L4_VSPACE_PD, va + 0x1234), 31);
    ck_assert_uint_eq(l4_vspace_table(&vs, L4_VSPACE_PD, va + GIB1), L4_CPTR_NULL);
}
END_TEST

START_TEST(frames_overlap_and_lookup)
{
    unsigned missing, bits;
    l4_cptr_t cap;
    l4_word_t va = UINT64_C(0x200000000000);
    struct l4_object own = obj(90);
    ck_assert_int_eq(l4_vspace_record_frame(&vs, va + 0x3000, 40, 12, NULL), L4_NO_ERROR);
    ck_assert_int_eq(l4_vspace_record_frame(&vs, va + MIB2, 41, 21, &own), L4_NO_ERROR);
    ck_assert(vs.frames[1].owned && vs.frames[1].obj.cap == 90 && !vs.frames[0].owned);
    /* overlaps, both ways round */
    ck_assert_int_eq(l4_vspace_decode_map(&vs, va + 0x3000, 12, &missing), L4_DELETE_FIRST);
    ck_assert_int_eq(l4_vspace_decode_map(&vs, va, 21, &missing), L4_DELETE_FIRST);
    ck_assert_int_eq(l4_vspace_decode_map(&vs, va + MIB2 + 0x1ff000, 12, &missing),
                     L4_DELETE_FIRST);
    ck_assert_int_eq(l4_vspace_decode_map(&vs, va + 2 * MIB2, 12, &missing), L4_NO_ERROR);
    ck_assert_int_eq(l4_vspace_decode_map(&vs, va + 0x4000, 12, &missing), L4_NO_ERROR);
    /* a recorded PT where a 2 MiB frame would go */
    struct l4_object pt = obj(33);
    ck_assert_int_eq(l4_vspace_record_table(&vs, L4_VSPACE_PT, va + 4 * MIB2, &pt), L4_NO_ERROR);
    ck_assert_int_eq(l4_vspace_decode_map(&vs, va + 4 * MIB2, 21, &missing), L4_DELETE_FIRST);
    /* lookups anywhere inside */
    ck_assert_int_eq(l4_vspace_lookup(&vs, va + 0x3fff, &cap, &bits), L4_NO_ERROR);
    ck_assert_uint_eq(cap, 40);
    ck_assert_uint_eq(bits, 12);
    ck_assert_int_eq(l4_vspace_lookup(&vs, va + MIB2 + 0x123456, &cap, &bits), L4_NO_ERROR);
    ck_assert_uint_eq(cap, 41);
    ck_assert_uint_eq(bits, 21);
    ck_assert_int_eq(l4_vspace_lookup(&vs, va + 0x4000, &cap, &bits), L4_FAILED_LOOKUP);
    ck_assert_int_eq(l4_vspace_lookup(&vs, UINT64_MAX, NULL, NULL), L4_FAILED_LOOKUP);
    /* refused records change nothing */
    ck_assert_int_eq(l4_vspace_record_frame(&vs, va + 0x3000, 42, 12, NULL), L4_DELETE_FIRST);
    ck_assert_int_eq(l4_vspace_record_frame(&vs, UINT64_C(0x7ffffffff000), 42, 12, NULL),
                     L4_RANGE_ERROR);
    ck_assert_uint_eq(vs.nframes, 2);
    /* third frame fills the array */
    ck_assert_int_eq(l4_vspace_record_frame(&vs, va + 0x5000, 43, 12, NULL), L4_NO_ERROR);
    ck_assert_int_eq(l4_vspace_record_frame(&vs, va + 0x6000, 44, 12, NULL), L4_NOT_ENOUGH_MEMORY);
    l4_vspace_forget_frame(&vs, 0);
    ck_assert_int_eq(l4_vspace_lookup(&vs, va + 0x3000, &cap, NULL), L4_FAILED_LOOKUP);
    ck_assert_int_eq(l4_vspace_lookup(&vs, va + 0x5000, &cap, NULL), L4_NO_ERROR);
    ck_assert_uint_eq(cap, 43);
    l4_vspace_forget_frame(&vs, 7); /* out of range: ignored */
    ck_assert_uint_eq(vs.nframes, 2);
}
END_TEST

Suite *vspace_lib_suite(void)
{
    Suite *s = suite_create("vspace_lib");
    TCase *tc = tcase_create("vspace_lib");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, check_addresses);
    tcase_add_test(tc, table_bases);
    tcase_add_test(tc, missing_tables_and_room);
    tcase_add_test(tc, frames_overlap_and_lookup);
    suite_add_tcase(s, tc);
    return s;
}
