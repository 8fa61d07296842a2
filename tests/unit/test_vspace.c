/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the arch-free side of address spaces: the mapping record
 * and ASID fields of capabilities (kernel/include/cap/cap.h), the entry
 * index arithmetic of <arch/mmu.h>, the ASID table and the PML4 life cycle
 * (kernel/obj/page_table.c), Retype refusing PML4s without a free ASID,
 * copies losing the record (cap/derivation.c), and the invariant check of
 * records. The host has no page tables (tests/unit/fake_arch.c): every
 * walk ends at the PML4, so records found here are stale.
 */
#include <string.h>
#include <arch/mmu.h>
#include <arch/obj/page_table.h>
#include <cap/derivation.h>
#include <obj/cnode.h>
#include <obj/objects.h>
#include <obj/untyped.h>
#include "suites.h"

static char page[4096] __attribute__((aligned(4096)));
static const uint64_t top_page = L4_USER_TOP - 4096;

START_TEST(mapping_record_round_trip)
{
    static const enum cap_type types[] = {CAP_PDPT, CAP_PD, CAP_PT, CAP_FRAME_4K, CAP_FRAME_2M};
    for (unsigned i = 0; i < sizeof types / sizeof types[0]; i++) {
        cap_t c = cap_with_rights(cap_object_new(types[i], page), CAP_RIGHT_READ);
        ck_assert(cap_type_is_mappable(types[i]));
        ck_assert_uint_eq(cap_mapped_asid(c), 0);
        c = cap_set_mapping(c, CAP_ASID_COUNT - 1, top_page);
        ck_assert_uint_eq(cap_mapped_asid(c), CAP_ASID_COUNT - 1);
        ck_assert_uint_eq(cap_mapped_vaddr(c), top_page);
        /* neighbours untouched */
        ck_assert_int_eq(cap_type(c), types[i]);
        ck_assert_uint_eq(cap_rights(c), CAP_RIGHT_READ);
        ck_assert_ptr_eq(cap_object(c), page);
        ck_assert_int_eq(cap_frame_is_device(c), 0);
        c = cap_set_mapping(c, 1, 0x1000);
        ck_assert_uint_eq(cap_mapped_asid(c), 1);
        ck_assert_uint_eq(cap_mapped_vaddr(c), 0x1000);
        c = cap_set_mapping(c, 0, 0x5000); /* asid 0: no record at all */
        ck_assert_uint_eq(cap_mapped_asid(c), 0);
        ck_assert_uint_eq(cap_mapped_vaddr(c), 0);
    }
    ck_assert(!cap_type_is_mappable(CAP_PML4));
    ck_assert(!cap_type_is_mappable(CAP_ENDPOINT));
}
END_TEST

START_TEST(device_bit_and_copies)
{
    cap_t f = cap_frame_set_device(cap_object_new(CAP_FRAME_2M, page), 1);
    f = cap_set_mapping(f, 77, 0x7fffffe00000);
    ck_assert_int_eq(cap_frame_is_device(f), 1);
    ck_assert_uint_eq(cap_mapped_vaddr(f), 0x7fffffe00000);
    cap_t copy = cap_copy_of(f);
    ck_assert_uint_eq(cap_mapped_asid(copy), 0);
    ck_assert_uint_eq(cap_mapped_vaddr(copy), 0);
    ck_assert_int_eq(cap_frame_is_device(copy), 1);
    ck_assert(cap_same_object(copy, f));
    /* a PML4 keeps its ASID, an endpoint its badge */
    cap_t pml4 = cap_pml4_set_asid(cap_object_new(CAP_PML4, page), 4095);
    ck_assert_uint_eq(cap_pml4_asid(cap_copy_of(pml4)), 4095);
    cap_t ep = cap_set_badge(cap_object_new(CAP_ENDPOINT, page), (1ull << CAP_BADGE_BITS) - 1);
    ck_assert_uint_eq(cap_badge(cap_copy_of(ep)), (1ull << CAP_BADGE_BITS) - 1);
}
END_TEST

START_TEST(derivation_insert_drops_the_record)
{
    static cte_t a, b;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    derivation_insert(&a, cap_object_new(CAP_FRAME_4K, page), NULL, CTE_REVOCABLE);
    a.cap = cap_set_mapping(a.cap, 3, 0x400000); /* as FrameMap records it */
    derivation_insert(&b, a.cap, &a, 0);
    ck_assert_uint_eq(cap_mapped_asid(b.cap), 0);
    ck_assert_uint_eq(cap_mapped_asid(a.cap), 3);
    ck_assert(!derivation_is_final(&a));
}
END_TEST

START_TEST(entry_index_arithmetic)
{
    ck_assert_uint_eq(vspace_level_shift(0), 12);
    ck_assert_uint_eq(vspace_level_shift(1), 21);
    ck_assert_uint_eq(vspace_level_shift(3), 39);
    uint64_t va = 0x0000200000000000ull + (3ull << 30) + (5ull << 21) + (7ull << 12) + 0x123;
    ck_assert_uint_eq(vspace_index(va, 3), 64);
    ck_assert_uint_eq(vspace_index(va, 2), 3);
    ck_assert_uint_eq(vspace_index(va, 1), 5);
    ck_assert_uint_eq(vspace_index(va, 0), 7);
    ck_assert_uint_eq(vspace_index(L4_USER_TOP - 1, 3), 255);    /* the last user entry */
    ck_assert_uint_eq(vspace_index(L4_USER_TOP + 4096, 3), 256); /* the kernel half */
    ck_assert_uint_eq(vspace_index(L4_USER_TOP - 1, 0), 510);    /* the top page stays unmapped */
    ck_assert_uint_eq(L4_USER_TOP, (1ull << 47) - 4096);
    ck_assert_uint_eq(page_table_entry_level(CAP_PDPT), 3);
    ck_assert_uint_eq(page_table_entry_level(CAP_PD), 2);
    ck_assert_uint_eq(page_table_entry_level(CAP_PT), 1);
    ck_assert_uint_eq(page_table_entry_level(CAP_FRAME_2M), 1);
    ck_assert_uint_eq(page_table_entry_level(CAP_FRAME_4K), 0);
    /* a record's vaddr field holds every user page */
    ck_assert_uint_le(L4_USER_TOP >> 12, 1ull << CAP_VPAGE_BITS);
}
END_TEST

START_TEST(asid_lowest_free_and_exhaustion)
{
    static char roots[CAP_ASID_COUNT];
    ck_assert(asid_available(CAP_ASID_COUNT - 1));
    ck_assert(!asid_available(CAP_ASID_COUNT));
    for (unsigned a = 1; a < CAP_ASID_COUNT; a++)
        ck_assert_uint_eq(asid_alloc(&roots[a]), a);
    ck_assert_uint_eq(asid_used(), CAP_ASID_COUNT - 1);
    ck_assert(asid_available(0));
    ck_assert(!asid_available(1));
    ck_assert_uint_eq(asid_alloc(&roots[0]), 0);
    ck_assert_ptr_eq(asid_pml4(100), &roots[100]);
    asid_free(100);
    asid_free(7);
    asid_free(7);              /* twice: ignored */
    asid_free(0);              /* not an ASID */
    asid_free(CAP_ASID_COUNT); /* out of range */
    ck_assert_uint_eq(asid_used(), CAP_ASID_COUNT - 3);
    ck_assert(asid_available(2));
    ck_assert(!asid_available(3));
    ck_assert_ptr_null(asid_pml4(7));
    ck_assert_ptr_null(asid_pml4(0));
    ck_assert_ptr_null(asid_pml4(CAP_ASID_COUNT + 5));
    ck_assert_uint_eq(asid_alloc(&roots[1]), 7); /* the lowest free first */
    ck_assert_uint_eq(asid_alloc(&roots[2]), 100);
    ck_assert_ptr_null(asid_table_check());
}
END_TEST

/* --- Retype and destruction of PML4s on host memory -------------------------------- */

#define ROOT_RADIX 4
#define UT_BITS    15

static cte_t slots[1 << ROOT_RADIX];
static char ut_mem[1 << UT_BITS] __attribute__((aligned(1 << UT_BITS)));
static cap_t root;

static void setup(void)
{
    memset(slots, 0, sizeof slots);
    root = cap_cnode_new(slots, ROOT_RADIX, 0, 0);
    derivation_insert(&slots[0], cap_untyped_new(ut_mem, UT_BITS, 0), NULL, CTE_REVOCABLE);
}

static l4_error_t retype(unsigned type, uint64_t offset, uint64_t n)
{
    struct retype_op op;
    l4_error_t e = untyped_decode_retype(&slots[0], type, 0, root, 0, 0, offset, n, &op);
    if (e == L4_NO_ERROR)
        untyped_invoke_retype(&op);
    return e;
}

START_TEST(retype_pml4_needs_an_asid)
{
    static char other[CAP_ASID_COUNT];
    setup();
    /* take all but two ASIDs */
    for (unsigned a = 1; a < CAP_ASID_COUNT - 2; a++)
        ck_assert_uint_ne(asid_alloc(&other[a]), 0);
    ck_assert_int_eq(retype(CAP_PML4, 1, 3), L4_NOT_ENOUGH_MEMORY);
    for (unsigned i = 1; i < 4; i++)
        ck_assert_int_eq(cap_type(slots[i].cap), CAP_NULL); /* nothing changed */
    ck_assert_uint_eq(cap_untyped_free_offset(slots[0].cap), 0);
    ck_assert_int_eq(retype(CAP_PML4, 1, 2), L4_NO_ERROR);
    ck_assert_int_eq(cap_type(slots[2].cap), CAP_PML4);
    unsigned asid = cap_pml4_asid(slots[2].cap);
    ck_assert_uint_eq(asid, CAP_ASID_COUNT - 1);
    ck_assert_ptr_eq(asid_pml4(asid), cap_object(slots[2].cap));
    ck_assert_int_eq(retype(CAP_PML4, 3, 1), L4_NOT_ENOUGH_MEMORY);
    ck_assert_int_eq(retype(CAP_PT, 3, 1), L4_NO_ERROR); /* other types need none */
    /* a copy names the same ASID; the last capability frees it */
    struct cnode_op op;
    ck_assert_int_eq(
        cnode_decode_copy(root, 4, ROOT_RADIX, root, 2, ROOT_RADIX, CAP_RIGHTS_ALL, 0, 0, &op),
        L4_NO_ERROR);
    cnode_invoke(&op);
    ck_assert_uint_eq(cap_pml4_asid(slots[4].cap), asid);
    cte_delete(&slots[2]);
    ck_assert_ptr_nonnull(asid_pml4(asid));
    cte_delete(&slots[4]);
    ck_assert_ptr_null(asid_pml4(asid));
    ck_assert_int_eq(retype(CAP_PML4, 2, 1), L4_NO_ERROR);
    ck_assert_uint_eq(cap_pml4_asid(slots[2].cap), asid); /* reused */
    ck_assert_ptr_null(asid_table_check());
}
END_TEST

START_TEST(deleting_a_table_with_a_stale_record_empties_it)
{
    setup();
    ck_assert_int_eq(retype(CAP_PML4, 1, 1), L4_NO_ERROR);
    ck_assert_int_eq(retype(CAP_PT, 2, 1), L4_NO_ERROR);
    uint64_t *pt = cap_object(slots[2].cap);
    pt[5] = 0x1234005; /* an entry left from a mapping */
    slots[2].cap = cap_set_mapping(slots[2].cap, cap_pml4_asid(slots[1].cap), 0x200000);
    ck_assert_ptr_null(page_table_check_cap(&slots[2]));
    void *pml4;
    ck_assert_ptr_null(page_table_find_mapping(slots[2].cap, &pml4)); /* stale here */
    cte_delete(&slots[2]);
    ck_assert_uint_eq(pt[5], 0);
}
END_TEST

START_TEST(record_invariants)
{
    static cte_t s[3];
    memset(s, 0, sizeof s);
    setup();
    ck_assert_int_eq(retype(CAP_PML4, 1, 1), L4_NO_ERROR);
    ck_assert_ptr_null(page_table_check_cap(&slots[1]));
    unsigned asid = cap_pml4_asid(slots[1].cap);
    /* a PML4 capability whose ASID names another space */
    s[0].cap = cap_pml4_set_asid(cap_object_new(CAP_PML4, page), asid);
    ck_assert_ptr_nonnull(page_table_check_cap(&s[0]));
    /* a 2 MiB frame recorded at an address that is not 2 MiB aligned */
    s[0].cap = cap_set_mapping(cap_object_new(CAP_FRAME_2M, page), asid, 0x201000);
    ck_assert_ptr_nonnull(page_table_check_cap(&s[0]));
    s[0].cap = cap_set_mapping(s[0].cap, asid, 0x400000);
    ck_assert_ptr_null(page_table_check_cap(&s[0]));
    /* an address without an ASID */
    s[0].cap = cap_object_new(CAP_FRAME_4K, page);
    s[0].cap.w0 |= 1ull << 30;
    ck_assert_ptr_nonnull(page_table_check_cap(&s[0]));
    /* two capabilities to one page table, both with records */
    derivation_insert(&s[1], cap_object_new(CAP_PD, page), NULL, CTE_REVOCABLE);
    derivation_insert(&s[2], s[1].cap, &s[1], 0);
    s[1].cap = cap_set_mapping(s[1].cap, asid, 0);
    ck_assert_ptr_null(page_table_check_cap(&s[1]));
    s[2].cap = cap_set_mapping(s[2].cap, asid, 1ull << 30);
    ck_assert_ptr_nonnull(page_table_check_cap(&s[1]));
    ck_assert_ptr_null(asid_table_check());
}
END_TEST

Suite *vspace_suite(void)
{
    Suite *s = suite_create("vspace");
    TCase *tc = tcase_create("vspace");
    tcase_add_test(tc, mapping_record_round_trip);
    tcase_add_test(tc, device_bit_and_copies);
    tcase_add_test(tc, derivation_insert_drops_the_record);
    tcase_add_test(tc, entry_index_arithmetic);
    tcase_add_test(tc, asid_lowest_free_and_exhaustion);
    tcase_add_test(tc, retype_pml4_needs_an_asid);
    tcase_add_test(tc, deleting_a_table_with_a_stale_record_empties_it);
    tcase_add_test(tc, record_invariants);
    suite_add_tcase(s, tc);
    return s;
}
