/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the interrupt server's rules (servers/irq/compartment.c):
 * which badge may send which message, about which compartment and line,
 * with which error and detail words, in which order; the event policy
 * (only to itself); a raise's upcall signal, owed while the compartment
 * has no notification and sent when it gets one; a page full of garbage
 * changes only that compartment's own answers.
 */
#include <check.h>
#include <string.h>
#include <l4/pv/virq.h>
#include "../../servers/irq/compartment.h"
#include "suites.h"

static struct irq_table t;
static struct l4_pv_page pages[IRQ_MAX_COMPARTMENTS];

#define ROOT    L4_PLAT_BADGE_ROOT
#define CONSOLE L4_PLAT_BADGE_SERVER(L4_PLAT_SERVER_CONSOLE)
#define COMP(i) L4_PLAT_BADGE_COMPARTMENT(i)

static void reset(void)
{
    memset(&t, 0, sizeof t);
    memset(pages, 0, sizeof pages);
}

static void add(unsigned id)
{
    l4_pv_irq_init(&pages[id].irq);
    irq_compartment_init(&t.c[id], id, &pages[id], 100 + id);
}

START_TEST(caller_kinds)
{
    ck_assert_int_eq(irq_caller(ROOT), IRQ_CALLER_ROOT);
    ck_assert_int_eq(irq_caller(CONSOLE), IRQ_CALLER_CONSOLE);
    ck_assert_int_eq(irq_caller(COMP(0)), IRQ_CALLER_COMPARTMENT);
    ck_assert_int_eq(irq_caller(COMP(63)), IRQ_CALLER_COMPARTMENT);
    static const l4_word_t other[] = {0,
                                      L4_PLAT_BADGE_SERVER(L4_PLAT_SERVER_IRQ),
                                      L4_PLAT_BADGE_SERVER(L4_PLAT_SERVER_MEM),
                                      15,
                                      COMP(64),
                                      COMP(0) | L4_PLAT_BADGE_FAULT,
                                      ~(l4_word_t)0};
    for (unsigned i = 0; i < sizeof other / sizeof other[0]; i++)
        ck_assert_int_eq(irq_caller(other[i]), IRQ_CALLER_OTHER);
}
END_TEST

START_TEST(admin_only_root)
{
    l4_word_t d[IRQ_MAX_DETAIL] = {0};
    for (l4_word_t b = 0; b < 200; b++)
        ck_assert_int_eq(irq_check_admin(b, 0, d), b == ROOT ? L4_NO_ERROR : L4_ILLEGAL_OPERATION);
    ck_assert_int_eq(irq_check_admin(ROOT, 63, d), L4_NO_ERROR);
    ck_assert_int_eq(irq_check_admin(ROOT, 64, d), L4_RANGE_ERROR);
    ck_assert_uint_eq(d[0], 0);
    ck_assert_uint_eq(d[1], 63);
    ck_assert_int_eq(irq_check_admin(ROOT, ~(l4_word_t)0, d), L4_RANGE_ERROR);
    /* the badge first: a bad id from a stranger is still IllegalOperation */
    ck_assert_int_eq(irq_check_admin(COMP(0), 64, d), L4_ILLEGAL_OPERATION);
}
END_TEST

START_TEST(guest_is_its_badge)
{
    reset();
    add(3);
    l4_word_t d[IRQ_MAX_DETAIL] = {0};
    unsigned id = 99;
    ck_assert_int_eq(irq_check_guest(&t, COMP(3), &id, d), L4_NO_ERROR);
    ck_assert_uint_eq(id, 3);
    ck_assert_int_eq(irq_check_guest(&t, COMP(4), &id, d), IRQ_ERROR_NO_COMPARTMENT);
    ck_assert_uint_eq(d[0], 4);
    ck_assert_uint_eq(id, 3);
    ck_assert_int_eq(irq_check_guest(&t, ROOT, &id, d), L4_ILLEGAL_OPERATION);
    ck_assert_int_eq(irq_check_guest(&t, CONSOLE, &id, d), L4_ILLEGAL_OPERATION);
    ck_assert_int_eq(irq_check_guest(&t, 0, &id, d), L4_ILLEGAL_OPERATION);
    ck_assert_int_eq(irq_check_guest(&t, COMP(64), &id, d), L4_ILLEGAL_OPERATION);
}
END_TEST

START_TEST(raise_console_only)
{
    reset();
    add(2);
    l4_word_t d[IRQ_MAX_DETAIL] = {0};
    ck_assert_int_eq(irq_check_raise(&t, CONSOLE, 2, L4_PV_IRQ_LINE_CONSOLE, d), L4_NO_ERROR);
    for (l4_word_t b = 0; b < 100; b++)
        if (b != CONSOLE)
            ck_assert_int_eq(irq_check_raise(&t, b, 2, L4_PV_IRQ_LINE_CONSOLE, d),
                             L4_ILLEGAL_OPERATION);
    for (l4_word_t line = 1; line < 70; line++) {
        ck_assert_int_eq(irq_check_raise(&t, CONSOLE, 2, line, d), IRQ_ERROR_BAD_LINE);
        ck_assert_uint_eq(d[0], line);
    }
    ck_assert_int_eq(irq_check_raise(&t, CONSOLE, 2, ~(l4_word_t)0, d), IRQ_ERROR_BAD_LINE);
    ck_assert_int_eq(irq_check_raise(&t, CONSOLE, 64, 0, d), L4_RANGE_ERROR);
    ck_assert_int_eq(irq_check_raise(&t, CONSOLE, 5, 0, d), IRQ_ERROR_NO_COMPARTMENT);
    ck_assert_uint_eq(d[0], 5);
}
END_TEST

START_TEST(event_policy_self_only)
{
    reset();
    add(0);
    add(1);
    l4_word_t d[IRQ_MAX_DETAIL] = {0};
    for (l4_word_t line = 0; line < 80; line++) {
        irq_status_t want = line >= L4_PV_IRQ_LINE_EVENT_FIRST && line < L4_PV_IRQ_LINES
                                ? L4_NO_ERROR
                                : IRQ_ERROR_BAD_LINE;
        ck_assert_int_eq(irq_check_event(&t, COMP(0), 0, line, d), want);
    }
    ck_assert_int_eq(irq_check_event(&t, COMP(0), 1, 8, d), IRQ_ERROR_NOT_PERMITTED);
    ck_assert_uint_eq(d[0], 1);
    ck_assert_int_eq(irq_check_event(&t, COMP(1), 0, 8, d), IRQ_ERROR_NOT_PERMITTED);
    /* a target that does not exist is refused as not permitted: a guest
     * learns nothing about the others */
    ck_assert_int_eq(irq_check_event(&t, COMP(0), 9, 8, d), IRQ_ERROR_NOT_PERMITTED);
    ck_assert_int_eq(irq_check_event(&t, COMP(0), 64, 8, d), L4_RANGE_ERROR);
    ck_assert_int_eq(irq_check_event(&t, COMP(2), 2, 8, d), IRQ_ERROR_NO_COMPARTMENT);
    ck_assert_int_eq(irq_check_event(&t, ROOT, 0, 8, d), L4_ILLEGAL_OPERATION);
    ck_assert_int_eq(irq_check_event(&t, CONSOLE, 0, 8, d), L4_ILLEGAL_OPERATION);
    /* a policy that allows another target (as a manifest could) */
    t.c[0].event_targets |= 2;
    ck_assert_int_eq(irq_check_event(&t, COMP(0), 1, 8, d), L4_NO_ERROR);
    t.c[1].present = false;
    ck_assert_int_eq(irq_check_event(&t, COMP(0), 1, 8, d), IRQ_ERROR_NO_COMPARTMENT);
}
END_TEST

START_TEST(raise_signals_once)
{
    reset();
    add(0);
    struct irq_compartment *c = &t.c[0];
    struct l4_pv_irq *irq = &pages[0].irq;
    ck_assert(!irq_compartment_set_upcall(c, 77));
    /* masked, IF off: pending, no signal */
    ck_assert(!irq_compartment_raise(c, 9));
    ck_assert_uint_eq(irq->pending, 1ull << 9);
    ck_assert_int_eq(l4_pv_irq_unmask(irq, 9), L4_PV_IRQ_QUIET); /* IF still off */
    ck_assert(l4_pv_irq_enable(irq));                            /* the guest owns it */
    ck_assert_uint_eq(l4_pv_irq_take(irq), 1ull << 9);
    ck_assert(!l4_pv_irq_upcall_done(irq));
    /* IF on, unmasked: the raise signals, once */
    ck_assert(irq_compartment_raise(c, 9));
    ck_assert(!irq_compartment_raise(c, 9));
    ck_assert_uint_eq(l4_pv_irq_take(irq), 1ull << 9);
    ck_assert(!l4_pv_irq_upcall_done(irq));
    /* bad lines do nothing */
    ck_assert(!irq_compartment_raise(c, 64));
    ck_assert(!irq_compartment_raise(c, ~0u));
    ck_assert_uint_eq(irq->pending, 0);
    ck_assert(!c->signal_owed);
}
END_TEST

START_TEST(raise_owed_without_upcall)
{
    reset();
    add(0);
    struct irq_compartment *c = &t.c[0];
    struct l4_pv_irq *irq = &pages[0].irq;
    ck_assert_int_eq(l4_pv_irq_unmask(irq, 8), L4_PV_IRQ_QUIET);
    ck_assert(!l4_pv_irq_enable(irq));
    /* the claim happens, but there is nothing to signal: owed */
    ck_assert(!irq_compartment_raise(c, 8));
    ck_assert(c->signal_owed);
    ck_assert_uint_eq(irq->upcall_pending, 1);
    ck_assert(!irq_compartment_raise(c, 8));
    ck_assert(irq_compartment_set_upcall(c, 55)); /* sent now */
    ck_assert(!c->signal_owed);
    ck_assert(!irq_compartment_set_upcall(c, 56)); /* only once */
    ck_assert_uint_eq(c->upcall, 56);
    /* a removed compartment is never raised */
    c->present = false;
    uint64_t before = irq->pending;
    ck_assert(!irq_compartment_raise(c, 9));
    ck_assert_uint_eq(irq->pending, before);
}
END_TEST

START_TEST(garbage_page_own_loss)
{
    /* Compartment 0 fills its page with garbage; its raises stay bounded
     * and touch its page only; compartment 1 is unaffected. */
    reset();
    add(0);
    add(1);
    t.c[1].upcall = 9;
    ck_assert_int_eq(l4_pv_irq_unmask(&pages[1].irq, 8), L4_PV_IRQ_QUIET);
    l4_pv_irq_enable(&pages[1].irq);
    struct l4_pv_page copy1;
    memcpy(&copy1, &pages[1], sizeof copy1);
    uint64_t x = 0x12345;
    for (unsigned round = 0; round < 1000; round++) {
        unsigned char *p = (unsigned char *)&pages[0];
        for (unsigned i = 0; i < sizeof pages[0]; i++) {
            x = x * 6364136223846793005ull + 1442695040888963407ull;
            p[i] = (unsigned char)(x >> 56);
        }
        irq_compartment_raise(&t.c[0], (unsigned)(x % 64));
        ck_assert(memcmp(&copy1, &pages[1], sizeof copy1) == 0);
    }
    ck_assert(irq_compartment_raise(&t.c[1], 8));
    ck_assert_uint_eq(pages[1].irq.pending, 1ull << 8);
}
END_TEST

Suite *irq_compartment_suite(void)
{
    Suite *s = suite_create("irq_compartment");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, caller_kinds);
    tcase_add_test(tc, admin_only_root);
    tcase_add_test(tc, guest_is_its_badge);
    tcase_add_test(tc, raise_console_only);
    tcase_add_test(tc, event_policy_self_only);
    tcase_add_test(tc, raise_signals_once);
    tcase_add_test(tc, raise_owed_without_upcall);
    tcase_add_test(tc, garbage_page_own_loss);
    suite_add_tcase(s, tc);
    return s;
}
