/* SPDX-License-Identifier: MIT */
/* Unit tests of kernel/include/cap/cap.h and kernel/cap/cap.c: encodings and identity. */
#include <cap/cap.h>
#include "suites.h"

START_TEST(untyped_fields_round_trip)
{
    static char mem[64];
    cap_t c = cap_untyped_new(mem, 47, 1);
    ck_assert_int_eq(cap_type(c), CAP_UNTYPED);
    ck_assert_uint_eq(cap_untyped_size_bits(c), 47);
    ck_assert_int_eq(cap_untyped_is_device(c), 1);
    ck_assert_ptr_eq(cap_object(c), mem);
    ck_assert_uint_eq(cap_rights(c), CAP_RIGHTS_ALL);
    c = cap_untyped_set_free_offset(c, (1ull << 47) - 16);
    ck_assert_uint_eq(cap_untyped_free_offset(c), (1ull << 47) - 16);
    ck_assert_uint_eq(cap_untyped_size_bits(c), 47); /* neighbours untouched */
    ck_assert_int_eq(cap_untyped_is_device(c), 1);
    ck_assert_int_eq(cap_type(c), CAP_UNTYPED);
}
END_TEST

START_TEST(cnode_fields_round_trip)
{
    static cte_t slots[4];
    uint64_t guard = (1ull << CAP_GUARD_BITS) - 1;
    cap_t c = cap_cnode_new(slots, 28, 36, guard);
    ck_assert_uint_eq(cap_cnode_radix(c), 28);
    ck_assert_uint_eq(cap_cnode_guard_size(c), 36);
    ck_assert_uint_eq(cap_cnode_guard(c), guard);
    c = cap_cnode_set_guard(c, 0, 0);
    ck_assert_uint_eq(cap_cnode_guard(c), 0);
    ck_assert_uint_eq(cap_cnode_radix(c), 28);
    ck_assert_uint_eq(cap_object_size(c), 1ull << 33);
}
END_TEST

START_TEST(badge_and_rights_round_trip)
{
    static char ep[16];
    cap_t c = cap_object_new(CAP_ENDPOINT, ep);
    ck_assert_uint_eq(cap_badge(c), 0);
    c = cap_set_badge(c, (1ull << CAP_BADGE_BITS) - 1);
    ck_assert_uint_eq(cap_badge(c), (1ull << CAP_BADGE_BITS) - 1);
    c = cap_with_rights(c, CAP_RIGHT_READ | CAP_RIGHT_GRANT);
    ck_assert_uint_eq(cap_rights(c), CAP_RIGHT_READ | CAP_RIGHT_GRANT);
    ck_assert_uint_eq(cap_badge(c), (1ull << CAP_BADGE_BITS) - 1);
    ck_assert_int_eq(cap_type(c), CAP_ENDPOINT);
    /* a TCB has no badge, whatever the bits say */
    cap_t t = cap_set_badge(cap_object_new(CAP_TCB, ep), 5);
    ck_assert_uint_eq(cap_badge(t), 0);
}
END_TEST

/* Word 0 of every kind of capability, bit for bit: the layout generated
 * from libl4/spec/cap_layout.toml is the one the kernel had when it was
 * written by hand (docs/kernel/capabilities.md). */
START_TEST(word0_encodings_unchanged)
{
    static char obj[16];
    static cte_t slots[2];
    cap_t c = cap_untyped_set_free_offset(cap_untyped_new(obj, 47, 1), (1ull << 47) - 16);
    ck_assert_uint_eq(c.w0, 0x7ffffffffffdfe1ull);
    c = cap_cnode_new(slots, 28, 36, (1ull << CAP_GUARD_BITS) - 1);
    ck_assert_uint_eq(c.w0, 0xfffffffffff239e5ull);
    c = cap_set_badge(cap_object_new(CAP_ENDPOINT, obj), ~0ull); /* cut to the badge bits */
    ck_assert_uint_eq(c.w0, 0xffffffffffff01e3ull);
    ck_assert_uint_eq(cap_badge(c), (1ull << CAP_BADGE_BITS) - 1);
    c = cap_pml4_set_asid(cap_object_new(CAP_PML4, obj), CAP_ASID_COUNT - 1);
    ck_assert_uint_eq(c.w0, 0x1fffe7ull);
    ck_assert_uint_eq(cap_pml4_asid(c), CAP_ASID_COUNT - 1);
    c = cap_object_new(CAP_FRAME_4K, obj);
    c = cap_frame_set_device(cap_set_mapping(c, 0xabc, 0x7ffffffff000ull), 1);
    ck_assert_uint_eq(c.w0, 0x1fffffffff579ebull);
    ck_assert_uint_eq(cap_mapped_asid(c), 0xabc);
    ck_assert_uint_eq(cap_mapped_vaddr(c), 0x7ffffffff000ull);
    ck_assert_int_eq(cap_frame_is_device(c), 1);
    /* a copy holds no mapping but keeps the device bit */
    ck_assert_uint_eq(cap_copy_of(c).w0, 0x1000000000001ebull);
    c = cap_irq_handler_new(0x1234, obj);
    ck_assert_uint_eq(c.w0, 0x123401eeull);
    ck_assert_uint_eq(cap_irq_handler_irq(c), 0x1234);
    c = cap_ioport_new(0x3f8, 0x3ff);
    ck_assert_uint_eq(c.w0, 0x3ff03f801f0ull);
    ck_assert_uint_eq(c.w1, 0x3ff03f8ull);
    ck_assert_uint_eq(cap_ioport_first(c), 0x3f8);
    ck_assert_uint_eq(cap_ioport_last(c), 0x3ff);
    c = cap_with_rights(cap_object_new(CAP_FRAME_2M, obj), CAP_RIGHT_READ | CAP_RIGHT_GRANT);
    c = cap_frame_set_device(c, 1);
    ck_assert_uint_eq(c.w0, 0x1000000000000acull);
}
END_TEST

/* Setting one field never changes another, and cap_is tests type and
 * rights together. */
START_TEST(word0_fields_independent)
{
    static char obj[16];
    cap_t c = cap_object_new(CAP_PDPT, obj);
    c = cap_set_mapping(c, CAP_ASID_COUNT - 1, ((1ull << CAP_VPAGE_BITS) - 1) << 12);
    ck_assert_int_eq(cap_type(c), CAP_PDPT);
    ck_assert_uint_eq(cap_rights(c), CAP_RIGHTS_ALL);
    ck_assert_int_eq(cap_frame_is_device(c), 0);
    c = cap_set_mapping(c, 0, 0x1000);
    ck_assert_uint_eq(cap_mapped_asid(c), 0);
    ck_assert_uint_eq(cap_mapped_vaddr(c), 0); /* asid 0 clears the record */
    ck_assert_int_eq(cap_type_is_mappable(CAP_FRAME_2M), 1);
    ck_assert_int_eq(cap_type_is_mappable(CAP_PML4), 0);

    cap_t e = cap_with_rights(cap_object_new(CAP_ENDPOINT, obj), CAP_RIGHT_WRITE);
    ck_assert_int_eq(cap_is(e, CAP_ENDPOINT, CAP_RIGHT_WRITE), 1);
    ck_assert_int_eq(cap_is(e, CAP_ENDPOINT, CAP_RIGHT_WRITE | CAP_RIGHT_GRANT_REPLY), 0);
    ck_assert_int_eq(cap_is(e, CAP_NOTIFICATION, CAP_RIGHT_WRITE), 0);
    e = cap_set_badge(e, 1);
    ck_assert_int_eq(cap_is(e, CAP_ENDPOINT, CAP_RIGHT_WRITE), 1);

    cap_t u = cap_untyped_new(obj, CAP_UNTYPED_MAX_BITS, 0);
    u = cap_untyped_set_free_offset(u, 1ull << CAP_UNTYPED_MAX_BITS);
    ck_assert_uint_eq(cap_untyped_free_offset(u), 1ull << CAP_UNTYPED_MAX_BITS);
    ck_assert_uint_eq(cap_untyped_size_bits(u), CAP_UNTYPED_MAX_BITS);
    ck_assert_int_eq(cap_untyped_is_device(u), 0);
}
END_TEST

START_TEST(same_object_and_covers)
{
    static char mem[4096] __attribute__((aligned(4096)));
    cap_t ut = cap_untyped_new(mem, 12, 0);
    cap_t half = cap_untyped_new(mem, 11, 0);
    cap_t ep = cap_object_new(CAP_ENDPOINT, mem + 4080);
    cap_t ep_badged = cap_set_badge(ep, 9);
    cap_t ntfn = cap_object_new(CAP_NOTIFICATION, mem + 4080);
    cap_t outside = cap_object_new(CAP_ENDPOINT, mem + 4096);
    ck_assert_int_eq(cap_same_object(ep, ep_badged), 1);
    ck_assert_int_eq(cap_same_object(ep, ntfn), 0); /* same address, other type */
    ck_assert_int_eq(cap_same_object(ut, half), 0); /* other size */
    ck_assert_int_eq(cap_same_object(cap_null(), cap_null()), 0);
    ck_assert_int_eq(cap_untyped_covers(ut, ep), 1);
    ck_assert_int_eq(cap_untyped_covers(ut, half), 1);
    ck_assert_int_eq(cap_untyped_covers(ut, outside), 0);
    /* a notification (32 bytes) at the last 16 bytes sticks out */
    ck_assert_int_eq(cap_untyped_covers(ut, ntfn), 0);
    ck_assert_int_eq(cap_untyped_covers(half, ep), 0);
    ck_assert_int_eq(cap_untyped_covers(ep, ep), 0);
}
END_TEST

Suite *cap_suite(void)
{
    Suite *s = suite_create("cap");
    TCase *tc = tcase_create("cap");
    tcase_add_test(tc, untyped_fields_round_trip);
    tcase_add_test(tc, cnode_fields_round_trip);
    tcase_add_test(tc, badge_and_rights_round_trip);
    tcase_add_test(tc, word0_encodings_unchanged);
    tcase_add_test(tc, word0_fields_independent);
    tcase_add_test(tc, same_object_and_covers);
    suite_add_tcase(s, tc);
    return s;
}
