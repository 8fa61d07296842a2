/* SPDX-License-Identifier: MIT */
/*
 * A small exhaustive model checker for the paravirtualization library.
 *
 * Two sides (guest and server) run as coroutines; the library calls
 * L4_PV_STEP() (here: pv_model_step()) before every access to a shared
 * word, and there the checker chooses which side goes on. pv_model_explore()
 * runs the scenario once per distinct choice sequence, depth first, so
 * every interleaving of the two sides' shared accesses (sequentially
 * consistent) with at most max_preemptions preemptions is tried (all of
 * them if the bound is at least the number of steps), and calls check()
 * after each complete run.
 */
#ifndef PV_MODEL_H
#define PV_MODEL_H

struct pv_model {
    void (*setup)(void *ctx);   /* fresh state before each run (steps do not switch) */
    void (*side[2])(void *ctx); /* the two sides, run interleaved */
    void (*check)(void *ctx);   /* after both finished (steps do not switch) */
    void *ctx;
};

/* The step hook (L4_PV_STEP_HOOK): switches sides while exploring, nothing
 * otherwise. Scenario code may call it for its own shared steps. */
void pv_model_step(void);

/* Outside exploring: call fn at every step (NULL: nothing), to play a
 * hostile other side step by step. */
void pv_model_set_probe(void (*fn)(void));

/* Explore the interleavings; returns how many runs it took. Aborts the
 * test (ck_abort) if a run exceeds the step bound or there are more than
 * max_runs runs. */
unsigned long pv_model_explore(const struct pv_model *m, unsigned long max_runs,
                               unsigned max_preemptions);

#endif
