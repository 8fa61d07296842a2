/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of kernel/cap/derivation.c. Besides fixed cases, a random
 * sequence of derive/remove operations is checked against a reference
 * model that records each entry's parent explicitly: the descendants the
 * list encoding implies must equal the model's descendants after every step.
 */
#include <stdlib.h>
#include <string.h>
#include <cap/derivation.h>
#include "suites.h"

static char mem[1 << 14] __attribute__((aligned(1 << 14)));

START_TEST(copy_is_child_of_original)
{
    static cte_t a, b, c;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    memset(&c, 0, sizeof c);
    cap_t ep = cap_object_new(CAP_ENDPOINT, mem);
    derivation_insert(&a, ep, NULL, CTE_REVOCABLE);
    derivation_insert(&b, ep, &a, 0);
    ck_assert_int_eq(derivation_is_parent_of(&a, &b), 1);
    ck_assert_int_eq(derivation_is_parent_of(&b, &a), 0);
    ck_assert_int_eq(derivation_has_children(&a), 1);
    ck_assert_int_eq(derivation_is_final(&a), 0);
    /* a copy of a copy is not revocable: no children of its own */
    derivation_insert(&c, ep, &b, 0);
    ck_assert_int_eq(derivation_has_children(&b), 0);
    derivation_remove(&b);
    ck_assert_ptr_eq(cte_next(&a), &c);
    ck_assert_ptr_eq(cte_prev(&c), &a);
    ck_assert_int_eq(cap_type(b.cap), CAP_NULL);
    derivation_remove(&c);
    ck_assert_int_eq(derivation_is_final(&a), 1);
}
END_TEST

START_TEST(badged_mint_rules)
{
    static cte_t orig, m1, m1copy, m2;
    cap_t ep = cap_object_new(CAP_ENDPOINT, mem);
    memset(&orig, 0, sizeof orig);
    derivation_insert(&orig, ep, NULL, CTE_REVOCABLE);
    derivation_insert(&m1, cap_set_badge(ep, 1), &orig, CTE_REVOCABLE | CTE_FIRST_BADGED);
    derivation_insert(&m1copy, cap_set_badge(ep, 1), &m1, 0);
    derivation_insert(&m2, cap_set_badge(ep, 2), &orig, CTE_REVOCABLE | CTE_FIRST_BADGED);
    /* list: orig, m2, m1, m1copy */
    ck_assert_int_eq(derivation_is_parent_of(&orig, &m1), 1);
    ck_assert_int_eq(derivation_is_parent_of(&m1, &m1copy), 1);
    ck_assert_int_eq(derivation_is_parent_of(&m2, &m1), 0); /* other badge */
    ck_assert_int_eq(derivation_is_parent_of(&m1, &m2), 0);
    ck_assert_int_eq(derivation_has_children(&m2), 0);
    /* a badged original is not the parent of another first-badged cap */
    static cte_t again;
    derivation_insert(&again, cap_set_badge(ep, 1), &m1, CTE_REVOCABLE | CTE_FIRST_BADGED);
    ck_assert_int_eq(derivation_is_parent_of(&m1, &again), 0);
}
END_TEST

START_TEST(untyped_is_parent_of_what_it_covers)
{
    static cte_t ut, obj, other;
    cap_t u = cap_untyped_new(mem, 12, 0);
    derivation_insert(&ut, u, NULL, CTE_REVOCABLE);
    derivation_insert(&obj, cap_object_new(CAP_TCB, mem + 2048), &ut, CTE_REVOCABLE);
    ck_assert_int_eq(derivation_is_parent_of(&ut, &obj), 1);
    other.cap = cap_object_new(CAP_TCB, mem + 4096);
    ck_assert_int_eq(derivation_is_parent_of(&ut, &other), 0);
}
END_TEST

START_TEST(move_keeps_position)
{
    static cte_t a, b, c, d;
    cap_t ep = cap_object_new(CAP_ENDPOINT, mem);
    memset(&a, 0, sizeof a);
    derivation_insert(&a, ep, NULL, CTE_REVOCABLE);
    derivation_insert(&b, ep, &a, 0);
    derivation_insert(&c, ep, &b, 0);
    derivation_move(&d, &b, cap_set_badge(ep, 0));
    ck_assert_ptr_eq(cte_next(&a), &d);
    ck_assert_ptr_eq(cte_prev(&c), &d);
    ck_assert_ptr_eq(cte_next(&d), &c);
    ck_assert_int_eq(cap_type(b.cap), CAP_NULL);
    ck_assert_int_eq(derivation_is_parent_of(&a, &d), 1);
}
END_TEST

/* --- random model check ------------------------------------------------- */

#define N 64
static cte_t slot[N];
static int parent_of[N]; /* model: index of parent, -1 root, -2 empty */

static int model_is_desc(int x, int anc)
{
    for (int p = parent_of[x]; p >= 0; p = parent_of[p])
        if (p == anc)
            return 1;
    return 0;
}

/* descendants by the list encoding: entries after e while parent_of holds */
static int list_is_desc(int x, int anc)
{
    for (cte_t *n = cte_next(&slot[anc]); n && derivation_is_parent_of(&slot[anc], n);
         n = cte_next(n))
        if (n == &slot[x])
            return 1;
    return 0;
}

START_TEST(random_tree_matches_model)
{
    srand(7);
    memset(slot, 0, sizeof slot);
    /* one untyped root covering all of mem; objects are endpoints inside
     * it; each object gets an original (revocable) from the untyped, and
     * copies of caps are children of the original */
    derivation_insert(&slot[0], cap_untyped_new(mem, 14, 0), NULL, CTE_REVOCABLE);
    for (int i = 1; i < N; i++)
        parent_of[i] = -2;
    parent_of[0] = -1;
    int next_obj = 0;
    for (int step = 0; step < 4000; step++) {
        int i = 1 + rand() % (N - 1);
        if (parent_of[i] == -2) {
            int p = rand() % N;
            if (parent_of[p] == -2)
                continue;
            if (p == 0) {
                cap_t ep = cap_object_new(CAP_ENDPOINT, mem + 16 * (next_obj++ % 1024));
                derivation_insert(&slot[i], ep, &slot[0], CTE_REVOCABLE);
                parent_of[i] = 0;
            } else {
                /* copy, inserted after its source as the kernel does: a
                 * child of the source if that is an original, else of the
                 * source's parent */
                derivation_insert(&slot[i], slot[p].cap, &slot[p], 0);
                parent_of[i] = cte_revocable(&slot[p]) ? p : parent_of[p];
            }
        } else {
            /* remove: the model's children move up to the parent */
            for (int k = 0; k < N; k++)
                if (parent_of[k] == i)
                    parent_of[k] = parent_of[i];
            derivation_remove(&slot[i]);
            parent_of[i] = -2;
        }
        for (int a = 0; a < N; a++) {
            if (parent_of[a] == -2)
                continue;
            for (int x = 0; x < N; x++)
                if (parent_of[x] != -2 && x != a)
                    ck_assert_msg(list_is_desc(x, a) == model_is_desc(x, a),
                                  "step %d: %d desc of %d? list %d model %d", step, x, a,
                                  list_is_desc(x, a), model_is_desc(x, a));
        }
    }
}
END_TEST

Suite *derivation_suite(void)
{
    Suite *s = suite_create("derivation");
    TCase *tc = tcase_create("derivation");
    tcase_add_test(tc, copy_is_child_of_original);
    tcase_add_test(tc, badged_mint_rules);
    tcase_add_test(tc, untyped_is_parent_of_what_it_covers);
    tcase_add_test(tc, move_keeps_position);
    tcase_add_test(tc, random_tree_matches_model);
    tcase_set_timeout(tc, 30);
    suite_add_tcase(s, tc);
    return s;
}
