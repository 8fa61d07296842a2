/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the virtual interrupt controller (libl4/pv/virq.c,
 * <l4/pv/virq.h>): each rule sequentially, then the guest and the server
 * racing, every interleaving of their shared accesses explored by
 * pv_model.c. The invariants after every run: each raised line delivered
 * (taken) at least once and at most as often as raised, nothing unmasked
 * left pending, never two signals outstanding, and (unless the guest masked
 * a line after it was raised) no upcall that finds nothing to take.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <l4/pv/virq.h>
#include "pv_model.h"
#include "suites.h"

static struct l4_pv_irq irq;

/* A controller with the IF on and every line unmasked. */
static void irq_open(struct l4_pv_irq *p)
{
    l4_pv_irq_init(p);
    p->mask = 0;
    p->upcall_mask = 0;
}

START_TEST(virq_init_state)
{
    memset(&irq, 0xa5, sizeof irq);
    l4_pv_irq_init(&irq);
    ck_assert_uint_eq(irq.pending, 0);
    ck_assert_uint_eq(irq.mask, ~(uint64_t)0);
    ck_assert_uint_eq(irq.upcall_mask, 1);
    ck_assert_uint_eq(irq.upcall_pending, 0);
    for (unsigned i = 0; i < 5; i++)
        ck_assert_uint_eq(irq.reserved[i], 0);
    ck_assert(!l4_pv_irq_enabled(&irq));
}
END_TEST

START_TEST(virq_raise_signals_once)
{
    irq_open(&irq);
    ck_assert_int_eq(l4_pv_irq_raise(&irq, 5), L4_PV_IRQ_SIGNAL);
    ck_assert_uint_eq(irq.upcall_pending, 1);
    /* Outstanding: further raises, of the same line or another, are quiet. */
    ck_assert_int_eq(l4_pv_irq_raise(&irq, 5), L4_PV_IRQ_QUIET);
    ck_assert_int_eq(l4_pv_irq_raise(&irq, 63), L4_PV_IRQ_QUIET);
    ck_assert_uint_eq(irq.pending, (1ull << 5) | (1ull << 63));
    /* The handler takes both at once (the two raises of 5 coalesce). */
    ck_assert_uint_eq(l4_pv_irq_take(&irq), (1ull << 5) | (1ull << 63));
    ck_assert_uint_eq(l4_pv_irq_take(&irq), 0);
    ck_assert(!l4_pv_irq_upcall_done(&irq));
    ck_assert_uint_eq(irq.upcall_pending, 0);
    /* Done: the next raise signals again. */
    ck_assert_int_eq(l4_pv_irq_raise(&irq, 0), L4_PV_IRQ_SIGNAL);
}
END_TEST

START_TEST(virq_bad_line_refused)
{
    irq_open(&irq);
    ck_assert_int_eq(l4_pv_irq_raise(&irq, L4_PV_IRQ_LINES), L4_PV_IRQ_BAD_LINE);
    ck_assert_int_eq(l4_pv_irq_raise(&irq, ~0u), L4_PV_IRQ_BAD_LINE);
    ck_assert_int_eq(l4_pv_irq_mask(&irq, 64), L4_PV_IRQ_BAD_LINE);
    ck_assert_int_eq(l4_pv_irq_unmask(&irq, 1000), L4_PV_IRQ_BAD_LINE);
    /* Nothing was touched. */
    ck_assert_uint_eq(irq.pending, 0);
    ck_assert_uint_eq(irq.mask, 0);
    ck_assert_uint_eq(irq.upcall_pending, 0);
    ck_assert_str_eq(l4_pv_irq_status_name(L4_PV_IRQ_BAD_LINE), "bad line");
    ck_assert_str_eq(l4_pv_irq_status_name(7), "?");
}
END_TEST

START_TEST(virq_masked_line_delivered_on_unmask)
{
    irq_open(&irq);
    ck_assert_int_eq(l4_pv_irq_mask(&irq, 3), L4_PV_IRQ_QUIET);
    ck_assert_int_eq(l4_pv_irq_raise(&irq, 3), L4_PV_IRQ_QUIET);
    ck_assert_int_eq(l4_pv_irq_raise(&irq, 3), L4_PV_IRQ_QUIET);
    ck_assert_uint_eq(irq.upcall_pending, 0);
    /* A masked line is not taken. */
    ck_assert_uint_eq(l4_pv_irq_take(&irq), 0);
    ck_assert_uint_eq(irq.pending, 1ull << 3);
    /* Unmask: the caller owns the upcall, and takes it once. */
    ck_assert_int_eq(l4_pv_irq_unmask(&irq, 3), L4_PV_IRQ_SIGNAL);
    ck_assert_uint_eq(irq.upcall_pending, 1);
    ck_assert_int_eq(l4_pv_irq_raise(&irq, 4), L4_PV_IRQ_QUIET); /* owned: no signal */
    ck_assert_uint_eq(l4_pv_irq_take(&irq), (1ull << 3) | (1ull << 4));
    ck_assert(!l4_pv_irq_upcall_done(&irq));
    /* Unmasking again (nothing pending) claims nothing. */
    ck_assert_int_eq(l4_pv_irq_unmask(&irq, 3), L4_PV_IRQ_QUIET);
    ck_assert_uint_eq(irq.upcall_pending, 0);
}
END_TEST

START_TEST(virq_if_off_delivered_on_enable)
{
    irq_open(&irq);
    unsigned long f = l4_pv_irq_save(&irq);
    ck_assert_uint_eq(f, 0);
    ck_assert(!l4_pv_irq_enabled(&irq));
    ck_assert_int_eq(l4_pv_irq_raise(&irq, 9), L4_PV_IRQ_QUIET);
    /* Nested save/restore keeps it off and claims nothing. */
    unsigned long f2 = l4_pv_irq_save(&irq);
    ck_assert_uint_eq(f2, L4_PV_IRQ_FLAGS_DISABLED);
    ck_assert(!l4_pv_irq_restore(&irq, f2));
    ck_assert(!l4_pv_irq_enabled(&irq));
    /* Unmasking with the IF off does not claim either: enable does. */
    ck_assert_int_eq(l4_pv_irq_mask(&irq, 9), L4_PV_IRQ_QUIET);
    ck_assert_int_eq(l4_pv_irq_unmask(&irq, 9), L4_PV_IRQ_QUIET);
    ck_assert_uint_eq(irq.upcall_pending, 0);
    ck_assert(l4_pv_irq_restore(&irq, f));
    ck_assert(l4_pv_irq_enabled(&irq));
    ck_assert_uint_eq(irq.upcall_pending, 1);
    /* Claimed once: a second enable does not claim again. */
    ck_assert(!l4_pv_irq_enable(&irq));
    ck_assert_uint_eq(l4_pv_irq_take(&irq), 1ull << 9);
    ck_assert(!l4_pv_irq_upcall_done(&irq));
    /* Nothing pending: enable claims nothing. */
    l4_pv_irq_disable(&irq);
    ck_assert(!l4_pv_irq_enable(&irq));
}
END_TEST

START_TEST(virq_enable_after_signal_does_not_double)
{
    irq_open(&irq);
    ck_assert_int_eq(l4_pv_irq_raise(&irq, 2), L4_PV_IRQ_SIGNAL);
    /* The guest disables and enables before the notification arrives: the
     * signal already sent will deliver it; enable must not claim it too. */
    l4_pv_irq_disable(&irq);
    ck_assert(!l4_pv_irq_enable(&irq));
    ck_assert_uint_eq(l4_pv_irq_take(&irq), 1ull << 2);
}
END_TEST

START_TEST(virq_raise_during_handler_not_lost)
{
    /* The handler has taken everything; a raise arrives before it clears
     * the flag: the raise is quiet, and done tells the handler to go on. */
    irq_open(&irq);
    ck_assert_int_eq(l4_pv_irq_raise(&irq, 1), L4_PV_IRQ_SIGNAL);
    ck_assert_uint_eq(l4_pv_irq_take(&irq), 1ull << 1);
    ck_assert_int_eq(l4_pv_irq_raise(&irq, 7), L4_PV_IRQ_QUIET);
    ck_assert(l4_pv_irq_upcall_done(&irq));
    ck_assert_uint_eq(irq.upcall_pending, 1);
    ck_assert_uint_eq(l4_pv_irq_take(&irq), 1ull << 7);
    ck_assert(!l4_pv_irq_upcall_done(&irq));
    ck_assert_uint_eq(irq.upcall_pending, 0);
}
END_TEST

/* A hostile guest that makes a line deliverable before each of the
 * server's looks and takes it before each re-look cannot keep raise
 * looping: after L4_PV_IRQ_CLAIM_ROUNDS rounds the server keeps the flag
 * and signals (an empty upcall, to that guest only). */
static unsigned hostile_steps;

static void hostile_guest(void)
{
    /* raise: 3 steps (pending, mask, IF); then per claim round: mask,
     * pending, CAS, mask, pending, release. */
    unsigned i = ++hostile_steps;
    if (i < 4)
        return;
    unsigned k = (i - 4) % 6;
    if (k == 1)
        __atomic_store_n(&irq.pending, 1ull << 9, __ATOMIC_RELAXED);
    if (k == 4)
        __atomic_store_n(&irq.pending, 0, __ATOMIC_RELAXED);
}

START_TEST(virq_claim_bounded)
{
    irq_open(&irq);
    hostile_steps = 0;
    pv_model_set_probe(hostile_guest);
    int r = l4_pv_irq_raise(&irq, 9);
    pv_model_set_probe(NULL);
    ck_assert_int_eq(r, L4_PV_IRQ_SIGNAL);
    ck_assert_uint_eq(irq.upcall_pending, 1);
    ck_assert_uint_eq(hostile_steps, 3 + 6 * (L4_PV_IRQ_CLAIM_ROUNDS - 1) + 5);
}
END_TEST

/* --- Interleavings ----------------------------------------------------------- */

struct virq_scenario {
    const char *name;
    uint64_t mask0;       /* initial mask */
    uint32_t if_off0;     /* initial virtual IF off */
    uint32_t in_handler0; /* the guest starts inside its handler (flag set, pending0) */
    uint64_t pending0;
    unsigned raises[3]; /* the server's raises, ends at L4_PV_IRQ_LINES */
    int guest;          /* which guest program */
    int empty_allowed;  /* the guest masks after a raise: an empty upcall may happen */
};

enum { G_UNMASK3, G_SAVE_RESTORE, G_HANDLER, G_MASK_UNMASK3, G_ENABLE };

struct virq_ctx {
    const struct virq_scenario *sc;
    unsigned raised[L4_PV_IRQ_LINES], delivered[L4_PV_IRQ_LINES];
    unsigned signals; /* notifications sent, not yet received */
    unsigned handler_runs, empty_runs;
    int doubled; /* a signal sent while one was outstanding */
};

static struct virq_ctx vctx;

/* The guest's upcall handler, as <l4/pv/virq.h> shows it. */
static void guest_handler(struct virq_ctx *c)
{
    for (;;) {
        int took = 0;
        unsigned long f = l4_pv_irq_save(&irq);
        do {
            uint64_t lines;
            while ((lines = l4_pv_irq_take(&irq)) != 0) {
                took = 1;
                for (unsigned l = 0; l < L4_PV_IRQ_LINES; l++)
                    if (lines & (1ull << l))
                        c->delivered[l]++;
            }
        } while (l4_pv_irq_upcall_done(&irq));
        c->handler_runs++;
        if (!took)
            c->empty_runs++;
        if (!l4_pv_irq_restore(&irq, f))
            return;
    }
}

/* The guest receives its notification (only with the IF on). */
static void guest_poll(struct virq_ctx *c)
{
    pv_model_step();
    if (c->signals > 0 && l4_pv_irq_enabled(&irq)) {
        c->signals--;
        guest_handler(c);
    }
}

static void virq_setup(void *ctx)
{
    struct virq_ctx *c = ctx;
    const struct virq_scenario *sc = c->sc;
    memset(c, 0, sizeof *c);
    c->sc = sc;
    l4_pv_irq_init(&irq);
    irq.mask = sc->mask0;
    irq.upcall_mask = sc->if_off0;
    irq.upcall_pending = sc->in_handler0;
    irq.pending = sc->pending0;
    for (unsigned l = 0; l < L4_PV_IRQ_LINES; l++)
        if (sc->pending0 & (1ull << l))
            c->raised[l]++;
}

static void virq_server(void *ctx)
{
    struct virq_ctx *c = ctx;
    for (unsigned i = 0; i < 3 && c->sc->raises[i] < L4_PV_IRQ_LINES; i++) {
        unsigned line = c->sc->raises[i];
        int r = l4_pv_irq_raise(&irq, line);
        c->raised[line]++;
        if (r == L4_PV_IRQ_SIGNAL) {
            if (c->signals != 0)
                c->doubled = 1;
            c->signals++;
        }
    }
}

static void virq_guest(void *ctx)
{
    struct virq_ctx *c = ctx;
    switch (c->sc->guest) {
    case G_UNMASK3:
        guest_poll(c);
        if (l4_pv_irq_unmask(&irq, 3) == L4_PV_IRQ_SIGNAL)
            guest_handler(c);
        guest_poll(c);
        break;
    case G_SAVE_RESTORE: {
        unsigned long f = l4_pv_irq_save(&irq);
        guest_poll(c);
        if (l4_pv_irq_restore(&irq, f))
            guest_handler(c);
        guest_poll(c);
        break;
    }
    case G_HANDLER:
        /* Inside the handler, from its first take (the flag is set). */
        do {
            uint64_t lines;
            while ((lines = l4_pv_irq_take(&irq)) != 0)
                for (unsigned l = 0; l < L4_PV_IRQ_LINES; l++)
                    if (lines & (1ull << l))
                        c->delivered[l]++;
        } while (l4_pv_irq_upcall_done(&irq));
        guest_poll(c);
        break;
    case G_MASK_UNMASK3:
        l4_pv_irq_mask(&irq, 3);
        guest_poll(c);
        if (l4_pv_irq_unmask(&irq, 3) == L4_PV_IRQ_SIGNAL)
            guest_handler(c);
        break;
    case G_ENABLE:
        guest_poll(c);
        if (l4_pv_irq_enable(&irq))
            guest_handler(c);
        guest_poll(c);
        break;
    }
}

static void virq_check(void *ctx)
{
    struct virq_ctx *c = ctx;
    const char *n = c->sc->name;
    ck_assert_msg(!c->doubled, "%s: a second signal while one was outstanding", n);
    /* Quiescence: the guest, IF on, receives what is still outstanding. */
    ck_assert_msg(l4_pv_irq_enabled(&irq), "%s: the guest left the IF off", n);
    ck_assert_msg(c->signals <= 1, "%s: %u signals outstanding", n, c->signals);
    if (c->signals) {
        c->signals--;
        guest_handler(c);
    }
    ck_assert_msg((irq.pending & ~irq.mask) == 0, "%s: lines %#llx left pending (lost)", n,
                  (unsigned long long)(irq.pending & ~irq.mask));
    ck_assert_msg(irq.upcall_pending == 0, "%s: upcall flag left set", n);
    for (unsigned l = 0; l < L4_PV_IRQ_LINES; l++) {
        if (irq.mask & (1ull << l))
            continue;
        ck_assert_msg(c->delivered[l] <= c->raised[l], "%s: line %u delivered %u times, raised %u",
                      n, l, c->delivered[l], c->raised[l]);
        ck_assert_msg(c->raised[l] == 0 || c->delivered[l] >= 1,
                      "%s: line %u raised, never delivered", n, l);
    }
    if (!c->sc->empty_allowed)
        ck_assert_msg(c->empty_runs == 0, "%s: an upcall found nothing to take", n);
}

#define NONE L4_PV_IRQ_LINES

/* Preemptions per run: every interleaving with up to this many switches
 * away from a side that could have gone on (a lost or doubled event takes
 * one or two). PV_MODEL_PREEMPTIONS=N in the environment explores deeper. */
static unsigned model_preemptions(void)
{
    const char *e = getenv("PV_MODEL_PREEMPTIONS");
    return e ? (unsigned)strtoul(e, NULL, 10) : 3;
}

static const struct virq_scenario virq_scenarios[] = {
    {"unmask vs raise", 1ull << 3, 0, 0, 0, {3, 5, NONE}, G_UNMASK3, 0},
    {"save/restore vs raise", 0, 0, 0, 0, {1, 2, NONE}, G_SAVE_RESTORE, 0},
    {"handler end vs raise", 0, 0, 1, 1ull << 4, {4, 6, NONE}, G_HANDLER, 0},
    {"mask/unmask vs raise", 0, 0, 0, 0, {3, NONE, NONE}, G_MASK_UNMASK3, 1},
    {"enable vs raise", 0, 1, 0, 0, {7, 8, NONE}, G_ENABLE, 0},
};

START_TEST(virq_interleavings)
{
    const struct virq_scenario *sc = &virq_scenarios[_i];
    vctx.sc = sc;
    struct pv_model m = {
        .setup = virq_setup,
        .side = {virq_guest, virq_server},
        .check = virq_check,
        .ctx = &vctx,
    };
    unsigned long runs = pv_model_explore(&m, 100000000, model_preemptions());
    if (getenv("PV_MODEL_VERBOSE"))
        fprintf(stderr, "%s: %lu interleavings\n", sc->name, runs);
    /* Both orders at least, and real interleaving. */
    ck_assert_msg(runs > 20, "%s: only %lu runs", sc->name, runs);
}
END_TEST

/* The checker itself finds a lost event: a raise that forgets to look at
 * the flag the right way round (signal only when it saw the IF on, but
 * pending set after the look) must fail in some interleaving. */
static int broken_lost;

static void broken_server(void *ctx)
{
    (void)ctx;
    pv_model_step();
    int if_on = __atomic_load_n(&irq.upcall_mask, __ATOMIC_SEQ_CST) == 0;
    pv_model_step();
    __atomic_fetch_or(&irq.pending, 1ull << 2, __ATOMIC_SEQ_CST);
    if (if_on) {
        uint32_t idle = 0;
        pv_model_step();
        if (__atomic_compare_exchange_n(&irq.upcall_pending, &idle, 1, false, __ATOMIC_SEQ_CST,
                                        __ATOMIC_SEQ_CST))
            vctx.signals++;
    }
}

static void broken_guest(void *ctx)
{
    (void)ctx;
    if (l4_pv_irq_enable(&irq)) {
        l4_pv_irq_take(&irq);
        l4_pv_irq_upcall_done(&irq);
    }
}

static void broken_setup(void *ctx)
{
    struct virq_ctx *c = ctx;
    memset(c, 0, sizeof *c);
    irq_open(&irq);
    irq.upcall_mask = 1;
}

static void broken_check(void *ctx)
{
    struct virq_ctx *c = ctx;
    if (c->signals == 0 && (irq.pending & ~irq.mask) != 0)
        broken_lost++;
}

START_TEST(virq_model_finds_lost_event)
{
    struct pv_model m = {
        .setup = broken_setup,
        .side = {broken_guest, broken_server},
        .check = broken_check,
        .ctx = &vctx,
    };
    broken_lost = 0;
    pv_model_explore(&m, 100000, 2);
    ck_assert_int_gt(broken_lost, 0);
}
END_TEST

Suite *pv_virq_suite(void)
{
    Suite *s = suite_create("pv_virq");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, virq_init_state);
    tcase_add_test(tc, virq_raise_signals_once);
    tcase_add_test(tc, virq_bad_line_refused);
    tcase_add_test(tc, virq_masked_line_delivered_on_unmask);
    tcase_add_test(tc, virq_if_off_delivered_on_enable);
    tcase_add_test(tc, virq_enable_after_signal_does_not_double);
    tcase_add_test(tc, virq_raise_during_handler_not_lost);
    tcase_add_test(tc, virq_claim_bounded);
    suite_add_tcase(s, tc);
    TCase *tm = tcase_create("interleavings");
    tcase_set_timeout(tm, 60);
    tcase_add_loop_test(tm, virq_interleavings, 0,
                        (int)(sizeof virq_scenarios / sizeof virq_scenarios[0]));
    tcase_add_test(tm, virq_model_finds_lost_event);
    suite_add_tcase(s, tm);
    return s;
}
