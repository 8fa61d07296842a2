/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of kernel/obj/cnode.c and the Retype invocation in
 * kernel/obj/untyped.c, on CNodes and untyped memory in host memory: every
 * operation's success path and its errors, revoke of a multi-level tree,
 * untyped reuse after revoke, CNode destruction, and a random stress run
 * with a well-formedness check after every step.
 */
#include <stdlib.h>
#include <string.h>
#include <cap/derivation.h>
#include <obj/cnode.h>
#include <obj/untyped.h>
#include "suites.h"

#define ROOT_RADIX 8
#define UT_BITS    16

static cte_t root_slots[1 << ROOT_RADIX] __attribute__((aligned(1 << 13)));
static char ut_mem[1 << UT_BITS] __attribute__((aligned(1 << UT_BITS)));
static cap_t root;

enum { S_UT = 1, S_FREE = 16 };

/* Root CNode of radix 8 with no guard: slot i is (i, depth 8). Slot 1
 * holds a 64 KiB untyped as a root of the derivation tree. */
static void setup(void)
{
    memset(root_slots, 0, sizeof root_slots);
    root = cap_cnode_new(root_slots, ROOT_RADIX, 0, 0);
    derivation_insert(&root_slots[S_UT], cap_untyped_new(ut_mem, UT_BITS, 0), NULL, CTE_REVOCABLE);
}

static l4_error_t retype(unsigned type, unsigned size, uint64_t offset, uint64_t n)
{
    struct retype_op op;
    l4_error_t e = untyped_decode_retype(&root_slots[S_UT], type, size, root, 0, 0, offset, n, &op);
    if (e == L4_NO_ERROR)
        untyped_invoke_retype(&op);
    return e;
}

static l4_error_t copy(uint64_t dst, uint64_t src, unsigned rights, int mint, uint64_t badge)
{
    struct cnode_op op;
    l4_error_t e =
        cnode_decode_copy(root, dst, ROOT_RADIX, root, src, ROOT_RADIX, rights, mint, badge, &op);
    if (e == L4_NO_ERROR)
        cnode_invoke(&op);
    return e;
}

static l4_error_t move(uint64_t dst, uint64_t src, int mutate, uint64_t badge)
{
    struct cnode_op op;
    l4_error_t e =
        cnode_decode_move(root, dst, ROOT_RADIX, root, src, ROOT_RADIX, mutate, badge, &op);
    if (e == L4_NO_ERROR)
        cnode_invoke(&op);
    return e;
}

static l4_error_t del(uint64_t slot)
{
    struct cnode_op op;
    l4_error_t e = cnode_decode_delete(root, slot, ROOT_RADIX, &op);
    if (e == L4_NO_ERROR)
        cnode_invoke(&op);
    return e;
}

static l4_error_t revoke(uint64_t slot)
{
    struct cnode_op op;
    l4_error_t e = cnode_decode_revoke(root, slot, ROOT_RADIX, &op);
    if (e == L4_NO_ERROR)
        cnode_invoke(&op);
    return e;
}

static enum cap_type type_at(int i)
{
    return cap_type(root_slots[i].cap);
}

START_TEST(retype_makes_originals_under_the_untyped)
{
    setup();
    ck_assert_int_eq(retype(CAP_ENDPOINT, 0, S_FREE, 4), L4_NO_ERROR);
    for (int i = 0; i < 4; i++) {
        ck_assert_int_eq(type_at(S_FREE + i), CAP_ENDPOINT);
        ck_assert_int_eq(cte_revocable(&root_slots[S_FREE + i]), 1);
        ck_assert_int_eq(derivation_is_parent_of(&root_slots[S_UT], &root_slots[S_FREE + i]), 1);
    }
    ck_assert_uint_eq(cap_untyped_free_offset(root_slots[S_UT].cap), 64);
    ck_assert_ptr_eq(cap_object(root_slots[S_FREE + 1].cap), ut_mem + 16);
}
END_TEST

START_TEST(retype_errors)
{
    setup();
    ck_assert_int_eq(retype(0, 0, S_FREE, 1), L4_INVALID_ARGUMENT);
    ck_assert_int_eq(retype(99, 0, S_FREE, 1), L4_INVALID_ARGUMENT);
    ck_assert_int_eq(retype(CAP_CNODE, 0, S_FREE, 1), L4_RANGE_ERROR);
    ck_assert_int_eq(retype(CAP_UNTYPED, 3, S_FREE, 1), L4_RANGE_ERROR);
    ck_assert_int_eq(retype(CAP_ENDPOINT, 0, S_FREE, 0), L4_RANGE_ERROR);
    ck_assert_int_eq(retype(CAP_ENDPOINT, 0, S_FREE, 257), L4_RANGE_ERROR);
    ck_assert_int_eq(retype(CAP_ENDPOINT, 0, 250, 10), L4_RANGE_ERROR);  /* past the CNode */
    ck_assert_int_eq(retype(CAP_ENDPOINT, 0, S_UT, 1), L4_DELETE_FIRST); /* occupied */
    ck_assert_int_eq(retype(CAP_UNTYPED, 17, S_FREE, 1), L4_NOT_ENOUGH_MEMORY);
    ck_assert_int_eq(retype(CAP_TCB, 0, S_FREE, 33), L4_NOT_ENOUGH_MEMORY); /* 33 * 2 KiB */
    /* nothing changed by any of these */
    ck_assert_uint_eq(cap_untyped_free_offset(root_slots[S_UT].cap), 0);
    for (int i = S_FREE; i < 256; i++)
        ck_assert_int_eq(type_at(i), CAP_NULL);
    /* a non-untyped cap cannot be retyped */
    struct retype_op op;
    ck_assert_int_eq(
        untyped_decode_retype(&root_slots[S_FREE], CAP_ENDPOINT, 0, root, 0, 0, 20, 1, &op),
        L4_INVALID_CAPABILITY);
    /* device untyped holds no kernel objects */
    root_slots[2].cap = cap_untyped_new(ut_mem, 12, 1);
    ck_assert_int_eq(untyped_decode_retype(&root_slots[2], CAP_ENDPOINT, 0, root, 0, 0, 20, 1, &op),
                     L4_ILLEGAL_OPERATION);
}
END_TEST

START_TEST(copy_mint_rights_and_badges)
{
    setup();
    ck_assert_int_eq(retype(CAP_ENDPOINT, 0, S_FREE, 1), L4_NO_ERROR);
    ck_assert_int_eq(copy(20, S_FREE, CAP_RIGHT_READ, 0, 0), L4_NO_ERROR);
    ck_assert_uint_eq(cap_rights(root_slots[20].cap), CAP_RIGHT_READ);
    /* rights only shrink */
    ck_assert_int_eq(copy(21, 20, CAP_RIGHTS_ALL, 0, 0), L4_NO_ERROR);
    ck_assert_uint_eq(cap_rights(root_slots[21].cap), CAP_RIGHT_READ);
    ck_assert_int_eq(copy(22, S_FREE, CAP_RIGHTS_ALL, 1, 77), L4_NO_ERROR);
    ck_assert_uint_eq(cap_badge(root_slots[22].cap), 77);
    ck_assert_int_eq(cte_first_badged(&root_slots[22]), 1);
    /* a badge is set once */
    ck_assert_int_eq(copy(23, 22, CAP_RIGHTS_ALL, 1, 78), L4_ILLEGAL_OPERATION);
    ck_assert_int_eq(copy(23, S_FREE, CAP_RIGHTS_ALL, 1, 1ull << 48), L4_RANGE_ERROR);
    /* occupied destination, empty source, untyped source */
    ck_assert_int_eq(copy(22, S_FREE, CAP_RIGHTS_ALL, 0, 0), L4_DELETE_FIRST);
    ck_assert_int_eq(copy(23, 99, CAP_RIGHTS_ALL, 0, 0), L4_FAILED_LOOKUP);
    ck_assert_int_eq(copy(23, S_UT, CAP_RIGHTS_ALL, 0, 0), L4_ILLEGAL_OPERATION);
    ck_assert_int_eq(type_at(23), CAP_NULL);
}
END_TEST

START_TEST(mint_sets_cnode_guard)
{
    setup();
    ck_assert_int_eq(retype(CAP_CNODE, 4, S_FREE, 1), L4_NO_ERROR);
    l4_cnode_guard_t g = l4_cnode_guard_set_guard_size(0, 3);
    g = l4_cnode_guard_set_guard(g, 5);
    ck_assert_int_eq(copy(20, S_FREE, CAP_RIGHTS_ALL, 1, g), L4_NO_ERROR);
    ck_assert_uint_eq(cap_cnode_guard_size(root_slots[20].cap), 3);
    ck_assert_uint_eq(cap_cnode_guard(root_slots[20].cap), 5);
    /* a guard wider than its size, or a size past the word, is refused */
    g = l4_cnode_guard_set_guard(l4_cnode_guard_set_guard_size(0, 2), 5);
    ck_assert_int_eq(copy(21, S_FREE, CAP_RIGHTS_ALL, 1, g), L4_RANGE_ERROR);
    g = l4_cnode_guard_set_guard_size(0, 61);
    ck_assert_int_eq(copy(21, S_FREE, CAP_RIGHTS_ALL, 1, g), L4_RANGE_ERROR);
    /* a guard may fill the word beyond the radix (slot numbers as cptrs),
     * but its value must fit the 43 stored bits */
    g = l4_cnode_guard_set_guard_size(0, 60);
    ck_assert_int_eq(copy(21, S_FREE, CAP_RIGHTS_ALL, 1, g), L4_NO_ERROR);
    ck_assert_uint_eq(cap_cnode_guard_size(root_slots[21].cap), 60);
    g = l4_cnode_guard_set_guard(l4_cnode_guard_set_guard_size(0, 50), 1ull << CAP_GUARD_BITS);
    ck_assert_int_eq(copy(22, S_FREE, CAP_RIGHTS_ALL, 1, g), L4_RANGE_ERROR);
    /* a TCB takes no badge or guard */
    ck_assert_int_eq(retype(CAP_TCB, 0, 30, 1), L4_NO_ERROR);
    ck_assert_int_eq(copy(31, 30, CAP_RIGHTS_ALL, 1, 1), L4_ILLEGAL_OPERATION);
    ck_assert_int_eq(copy(31, 30, CAP_RIGHTS_ALL, 1, 0), L4_NO_ERROR);
}
END_TEST

START_TEST(lookup_errors_through_invocations)
{
    setup();
    struct cnode_op op;
    ck_assert_int_eq(cnode_decode_copy(root, 20, 4, root, S_UT, ROOT_RADIX, 15, 0, 0, &op),
                     L4_FAILED_LOOKUP); /* depth mismatch */
    ck_assert_int_eq(cnode_decode_copy(root, 20, 65, root, S_UT, ROOT_RADIX, 15, 0, 0, &op),
                     L4_RANGE_ERROR);
    ck_assert_int_eq(cnode_decode_delete(root_slots[S_UT].cap, 1, 8, &op), L4_INVALID_CAPABILITY);
    ck_assert_int_eq(cnode_decode_copy(root, 20, 8, root_slots[S_UT].cap, 1, 8, 15, 0, 0, &op),
                     L4_INVALID_CAPABILITY);
}
END_TEST

START_TEST(move_and_mutate)
{
    setup();
    ck_assert_int_eq(retype(CAP_NOTIFICATION, 0, S_FREE, 1), L4_NO_ERROR);
    ck_assert_int_eq(copy(20, S_FREE, CAP_RIGHTS_ALL, 0, 0), L4_NO_ERROR);
    /* an original with children cannot be mutated */
    ck_assert_int_eq(move(30, S_FREE, 1, 5), L4_REVOKE_FIRST);
    ck_assert_int_eq(move(30, 20, 1, 5), L4_NO_ERROR);
    ck_assert_int_eq(type_at(20), CAP_NULL);
    ck_assert_uint_eq(cap_badge(root_slots[30].cap), 5);
    ck_assert_int_eq(move(31, S_UT, 0, 0), L4_NO_ERROR); /* untyped caps move */
    ck_assert_int_eq(type_at(S_UT), CAP_NULL);
    ck_assert_int_eq(derivation_is_parent_of(&root_slots[31], &root_slots[S_FREE]), 1);
    ck_assert_int_eq(move(31, S_FREE, 0, 0), L4_DELETE_FIRST);
}
END_TEST

START_TEST(revoke_multi_level_tree)
{
    setup();
    ck_assert_int_eq(retype(CAP_ENDPOINT, 0, S_FREE, 1), L4_NO_ERROR);
    ck_assert_int_eq(copy(20, S_FREE, CAP_RIGHTS_ALL, 1, 1), L4_NO_ERROR); /* badged original */
    ck_assert_int_eq(copy(21, 20, CAP_RIGHTS_ALL, 0, 0), L4_NO_ERROR);     /* its copy */
    ck_assert_int_eq(copy(22, 21, CAP_RIGHT_READ, 0, 0), L4_NO_ERROR);     /* copy of copy */
    ck_assert_int_eq(copy(23, S_FREE, CAP_RIGHTS_ALL, 0, 0), L4_NO_ERROR); /* unbadged copy */
    ck_assert_int_eq(revoke(20), L4_NO_ERROR);
    ck_assert_int_eq(type_at(20), CAP_ENDPOINT);
    ck_assert_int_eq(type_at(21), CAP_NULL);
    ck_assert_int_eq(type_at(22), CAP_NULL);
    ck_assert_int_eq(type_at(23), CAP_ENDPOINT);
    ck_assert_int_eq(revoke(S_FREE), L4_NO_ERROR);
    ck_assert_int_eq(type_at(20), CAP_NULL);
    ck_assert_int_eq(type_at(23), CAP_NULL);
    ck_assert_int_eq(type_at(S_FREE), CAP_ENDPOINT);
    ck_assert_int_eq(revoke(200), L4_NO_ERROR); /* empty slot: nothing to do */
}
END_TEST

START_TEST(untyped_reuse_after_revoke)
{
    setup();
    ck_assert_int_eq(retype(CAP_TCB, 0, S_FREE, 32), L4_NO_ERROR); /* all 64 KiB */
    ck_assert_int_eq(retype(CAP_ENDPOINT, 0, 100, 1), L4_NOT_ENOUGH_MEMORY);
    memset(ut_mem, 0xaa, 64);
    ck_assert_int_eq(revoke(S_UT), L4_NO_ERROR);
    for (int i = 0; i < 32; i++)
        ck_assert_int_eq(type_at(S_FREE + i), CAP_NULL);
    ck_assert_int_eq(retype(CAP_ENDPOINT, 0, 100, 1), L4_NO_ERROR);
    ck_assert_ptr_eq(cap_object(root_slots[100].cap), ut_mem); /* from the start again */
    ck_assert_int_eq(ut_mem[0], 0);                            /* and zeroed */
}
END_TEST

START_TEST(deleting_a_cnode_deletes_its_contents)
{
    setup();
    ck_assert_int_eq(retype(CAP_CNODE, 2, S_FREE, 1), L4_NO_ERROR); /* 4 slots */
    cte_t *inner = cap_object(root_slots[S_FREE].cap);
    /* put a copy of an endpoint, and the CNode itself, inside it */
    ck_assert_int_eq(retype(CAP_ENDPOINT, 0, 40, 1), L4_NO_ERROR);
    struct cnode_op op;
    ck_assert_int_eq(
        cnode_decode_copy(root_slots[S_FREE].cap, 0, 2, root, 40, ROOT_RADIX, 15, 0, 0, &op),
        L4_NO_ERROR);
    cnode_invoke(&op);
    ck_assert_int_eq(
        cnode_decode_copy(root_slots[S_FREE].cap, 1, 2, root, S_FREE, ROOT_RADIX, 15, 0, 0, &op),
        L4_NO_ERROR);
    cnode_invoke(&op);
    ck_assert_int_eq(cap_type(inner[0].cap), CAP_ENDPOINT);
    ck_assert_int_eq(del(S_FREE), L4_NO_ERROR); /* not final: inner[1] names it too */
    ck_assert_int_eq(cap_type(inner[0].cap), CAP_ENDPOINT);
    ck_assert_int_eq(revoke(S_UT), L4_NO_ERROR); /* destroys everything made from the untyped */
    ck_assert_int_eq(cap_type(inner[0].cap), CAP_NULL);
    ck_assert_int_eq(cap_type(inner[1].cap), CAP_NULL);
    ck_assert_int_eq(type_at(40), CAP_NULL);
    ck_assert_int_eq(derivation_has_children(&root_slots[S_UT]), 0);
}
END_TEST

/* --- random stress with a well-formedness check ------------------------ */

static void check_invariants(int step)
{
    int in_list = 0;
    for (int i = 0; i < (1 << ROOT_RADIX); i++) {
        cte_t *e = &root_slots[i];
        if (cap_type(e->cap) == CAP_NULL) {
            ck_assert_msg(e->prev == 0 && e->next == 0, "step %d: empty slot %d linked", step, i);
            continue;
        }
        in_list++;
        if (cte_next(e))
            ck_assert_msg(cte_prev(cte_next(e)) == e, "step %d: next(%d) broken", step, i);
        if (cte_prev(e))
            ck_assert_msg(cte_next(cte_prev(e)) == e, "step %d: prev(%d) broken", step, i);
        if (cap_type(e->cap) == CAP_UNTYPED) {
            uint64_t wm = cap_untyped_free_offset(e->cap);
            ck_assert_msg(wm <= (1ull << cap_untyped_size_bits(e->cap)), "step %d: watermark",
                          step);
            /* every descendant lies below the watermark */
            for (cte_t *n = cte_next(e); n && derivation_is_parent_of(e, n); n = cte_next(n))
                ck_assert_msg(n->cap.w1 + cap_object_size(n->cap) <= e->cap.w1 + wm,
                              "step %d: object above watermark", step);
        }
    }
    /* every non-empty slot is reachable from the untyped's list head */
    cte_t *head = &root_slots[S_UT];
    while (cte_prev(head))
        head = cte_prev(head);
    int n = 0;
    for (cte_t *e = head; e; e = cte_next(e))
        n++;
    ck_assert_msg(n == in_list, "step %d: %d in list, %d occupied", step, n, in_list);
}

START_TEST(random_operations_keep_invariants)
{
    setup();
    unsigned seed = 12345;
    int steps = getenv("TESSERA_LONG") ? 200000 : 20000;
    static const unsigned types[] = {CAP_ENDPOINT, CAP_NOTIFICATION, CAP_TCB,
                                     CAP_CNODE,    CAP_UNTYPED,      CAP_REPLY};
    for (int step = 0; step < steps; step++) {
        unsigned r = (unsigned)rand_r(&seed);
        uint64_t a = 2 + (unsigned)rand_r(&seed) % 254, b = 2 + (unsigned)rand_r(&seed) % 254;
        switch (r % 7) {
        case 0: {
            unsigned t = types[rand_r(&seed) % 6];
            unsigned size = t == CAP_CNODE ? 1 + rand_r(&seed) % 3 : t == CAP_UNTYPED ? 8 : 0;
            retype(t, size, a, 1 + rand_r(&seed) % 3);
            break;
        }
        case 1:
            copy(a, b, rand_r(&seed) % 16, 0, 0);
            break;
        case 2:
            copy(a, b, CAP_RIGHTS_ALL, 1, rand_r(&seed) % 4);
            break;
        case 3:
            move(a, b, rand_r(&seed) % 2, rand_r(&seed) % 4);
            break;
        case 4:
            del(b);
            break;
        case 5:
            revoke(b);
            break;
        case 6:
            if (rand_r(&seed) % 50 == 0)
                revoke(S_UT);
            break;
        }
        check_invariants(step);
    }
}
END_TEST

Suite *cnode_suite(void)
{
    Suite *s = suite_create("cnode");
    TCase *tc = tcase_create("cnode");
    tcase_add_test(tc, retype_makes_originals_under_the_untyped);
    tcase_add_test(tc, retype_errors);
    tcase_add_test(tc, copy_mint_rights_and_badges);
    tcase_add_test(tc, mint_sets_cnode_guard);
    tcase_add_test(tc, lookup_errors_through_invocations);
    tcase_add_test(tc, move_and_mutate);
    tcase_add_test(tc, revoke_multi_level_tree);
    tcase_add_test(tc, untyped_reuse_after_revoke);
    tcase_add_test(tc, deleting_a_cnode_deletes_its_contents);
    tcase_add_test(tc, random_operations_keep_invariants);
    tcase_set_timeout(tc, 120);
    suite_add_tcase(s, tc);
    return s;
}
