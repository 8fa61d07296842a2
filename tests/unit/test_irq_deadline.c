/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the interrupt server's deadline queue and time base
 * (servers/irq/deadline.c, clock.c): deadlines leave in order, equal ones
 * first come first served, never before they are due; a compartment has
 * one deadline, which a new one replaces; cancel; a random run against a
 * model; the PIT counts that end no earlier than asked, and the TSC
 * calibration's arithmetic.
 */
#include <check.h>
#include <stdint.h>
#include <string.h>
#include "../../servers/irq/clock.h"
#include "../../servers/irq/deadline.h"
#include "suites.h"

static struct irq_deadlines q;

START_TEST(deadline_order)
{
    irq_deadlines_init(&q);
    static const uint64_t d[] = {500, 100, 300, 100, 900, 0, 300};
    for (unsigned i = 0; i < 7; i++)
        ck_assert(irq_deadlines_set(&q, i, d[i]));
    ck_assert_uint_eq(q.count, 7);
    /* nothing before it is due */
    unsigned id = 99;
    ck_assert(irq_deadlines_pop_expired(&q, 0, &id));
    ck_assert_uint_eq(id, 5);
    ck_assert(!irq_deadlines_pop_expired(&q, 99, &id));
    /* ties in the order set: 1 before 3, 2 before 6 */
    static const unsigned want[] = {1, 3, 2, 6, 0, 4};
    for (unsigned k = 0; k < 6; k++) {
        uint64_t next;
        unsigned nid;
        ck_assert(irq_deadlines_next(&q, &next, &nid));
        ck_assert_uint_eq(nid, want[k]);
        ck_assert(!irq_deadlines_pop_expired(&q, next - 1, &id));
        ck_assert(irq_deadlines_pop_expired(&q, next, &id));
        ck_assert_uint_eq(id, want[k]);
    }
    ck_assert_uint_eq(q.count, 0);
    uint64_t next;
    ck_assert(!irq_deadlines_next(&q, &next, &id));
    ck_assert(!irq_deadlines_pop_expired(&q, UINT64_MAX, &id));
}
END_TEST

START_TEST(deadline_replace_cancel)
{
    irq_deadlines_init(&q);
    ck_assert(irq_deadlines_set(&q, 3, 1000));
    ck_assert(irq_deadlines_set(&q, 4, 2000));
    ck_assert(irq_deadlines_set(&q, 3, 3000)); /* replaces, later */
    ck_assert_uint_eq(q.count, 2);
    uint64_t d;
    ck_assert(irq_deadlines_get(&q, 3, &d));
    ck_assert_uint_eq(d, 3000);
    unsigned id;
    ck_assert(!irq_deadlines_pop_expired(&q, 1500, &id)); /* the old 1000 is gone */
    ck_assert(irq_deadlines_set(&q, 3, 10));              /* replaces, earlier */
    ck_assert(irq_deadlines_pop_expired(&q, 10, &id));
    ck_assert_uint_eq(id, 3);
    ck_assert(!irq_deadlines_get(&q, 3, &d));
    ck_assert(irq_deadlines_cancel(&q, 4));
    ck_assert(!irq_deadlines_cancel(&q, 4));
    ck_assert(!irq_deadlines_pop_expired(&q, UINT64_MAX, &id));
    /* ids out of range change nothing */
    ck_assert(!irq_deadlines_set(&q, IRQ_DEADLINES_MAX, 5));
    ck_assert(!irq_deadlines_set(&q, UINT32_MAX, 5));
    ck_assert(!irq_deadlines_cancel(&q, IRQ_DEADLINES_MAX));
    ck_assert(!irq_deadlines_get(&q, IRQ_DEADLINES_MAX, &d));
    ck_assert_uint_eq(q.count, 0);
    /* every compartment at once, then all replaced */
    for (unsigned i = 0; i < IRQ_DEADLINES_MAX; i++)
        ck_assert(irq_deadlines_set(&q, i, UINT64_MAX - i));
    for (unsigned i = 0; i < IRQ_DEADLINES_MAX; i++)
        ck_assert(irq_deadlines_set(&q, i, i % 3));
    ck_assert_uint_eq(q.count, IRQ_DEADLINES_MAX);
    uint64_t last = 0;
    for (unsigned k = 0; k < IRQ_DEADLINES_MAX; k++) {
        ck_assert(irq_deadlines_pop_expired(&q, 2, &id));
        ck_assert_uint_ge(id % 3, last);
        last = id % 3;
    }
}
END_TEST

/* xorshift64* */
static uint64_t rnd_state = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void)
{
    rnd_state ^= rnd_state >> 12;
    rnd_state ^= rnd_state << 25;
    rnd_state ^= rnd_state >> 27;
    return rnd_state * 0x2545f4914f6cdd1dull;
}

START_TEST(deadline_random_model)
{
    /* The model: per compartment its deadline (or none) and when it was
     * set; the earliest is the smallest (deadline, set order). */
    bool armed[IRQ_DEADLINES_MAX] = {0};
    uint64_t when[IRQ_DEADLINES_MAX], order[IRQ_DEADLINES_MAX], tick = 0, now = 0;
    irq_deadlines_init(&q);
    for (unsigned step = 0; step < 30000; step++) {
        unsigned id = (unsigned)(rnd() % IRQ_DEADLINES_MAX), got;
        switch (rnd() % 4) {
        case 0:
        case 1: {
            uint64_t d = now + rnd() % 64; /* collisions on purpose */
            ck_assert(irq_deadlines_set(&q, id, d));
            armed[id] = true;
            when[id] = d;
            order[id] = tick++;
            break;
        }
        case 2:
            ck_assert_int_eq(irq_deadlines_cancel(&q, id), armed[id]);
            armed[id] = false;
            break;
        default:
            now += rnd() % 16;
            while (irq_deadlines_pop_expired(&q, now, &got)) {
                int best = -1;
                for (unsigned i = 0; i < IRQ_DEADLINES_MAX; i++)
                    if (armed[i] && (best < 0 || when[i] < when[best] ||
                                     (when[i] == when[best] && order[i] < order[best])))
                        best = (int)i;
                ck_assert_int_eq((int)got, best);
                ck_assert_uint_le(when[got], now);
                armed[got] = false;
            }
            for (unsigned i = 0; i < IRQ_DEADLINES_MAX; i++)
                ck_assert(!armed[i] || when[i] > now);
        }
        unsigned n = 0;
        for (unsigned i = 0; i < IRQ_DEADLINES_MAX; i++)
            n += armed[i];
        ck_assert_uint_eq(q.count, n);
        for (unsigned i = 1; i < q.count; i++)
            ck_assert_uint_le(q.entries[i - 1].deadline, q.entries[i].deadline);
    }
}
END_TEST

START_TEST(pit_count_never_short)
{
    /* The count's duration is at least the time asked for (never early),
     * and less than one tick more, up to the longest count. */
    static const uint64_t ns[] = {0,        1,        837,       838,       839,      1000,
                                  999999,   1000000,  10000000,  54925000,  54925400, 54926000,
                                  60000000, 99999999, 100000000, UINT64_MAX};
    for (unsigned i = 0; i < sizeof ns / sizeof ns[0]; i++) {
        uint16_t c = irq_pit_count(ns[i]);
        ck_assert_uint_ge(c, 1);
        unsigned __int128 dur = (unsigned __int128)c * 1000000000u; /* ns * IRQ_PIT_HZ */
        unsigned __int128 want = (unsigned __int128)ns[i] * IRQ_PIT_HZ;
        if (c < IRQ_PIT_MAX_COUNT) {
            ck_assert_msg(dur >= want, "%llu ns: count %u short", (unsigned long long)ns[i], c);
            ck_assert(c == 1 || dur < want + 1000000000u);
        } else {
            ck_assert(want + 1000000000u > (unsigned __int128)(IRQ_PIT_MAX_COUNT)*1000000000u);
        }
    }
}
END_TEST

START_TEST(clock_calibration)
{
    /* 50 ms of PIT at 2.5 GHz: 59659 ticks and 125e6 TSC ticks */
    uint64_t hz = irq_clock_calibrate(125000000ull, 59659);
    ck_assert_uint_ge(hz, 2499900000ull);
    ck_assert_uint_le(hz, 2500100000ull);
    ck_assert_uint_eq(irq_clock_calibrate(1000, 0), 0);
    ck_assert_uint_eq(irq_clock_calibrate(UINT64_MAX / 1000, 1), 0);
    struct irq_clock c;
    ck_assert(irq_clock_init(&c, hz));
    ck_assert(!irq_clock_init(&c, 999999));
    ck_assert(!irq_clock_init(&c, 100000000001ull));
    ck_assert(irq_clock_init(&c, 2000000000ull));
    /* ns since TSC 0; one second is one second; monotonic */
    ck_assert_uint_eq(irq_clock_ns(&c, 0), 0);
    uint64_t s = irq_clock_ns(&c, 2000000000ull);
    ck_assert(s == 1000000000ull || s == 999999999ull);
    uint64_t prev = 0;
    for (uint64_t t = 1; t < (1ull << 50); t = t * 3 + 7) {
        uint64_t v = irq_clock_ns(&c, t);
        ck_assert_uint_ge(v, prev);
        prev = v;
    }
}
END_TEST

Suite *irq_deadline_suite(void)
{
    Suite *s = suite_create("irq_deadline");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, deadline_order);
    tcase_add_test(tc, deadline_replace_cancel);
    tcase_add_test(tc, deadline_random_model);
    tcase_add_test(tc, pit_count_never_short);
    tcase_add_test(tc, clock_calibration);
    suite_add_tcase(s, tc);
    return s;
}
