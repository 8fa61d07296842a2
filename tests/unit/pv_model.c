/* SPDX-License-Identifier: MIT */
/*
 * The interleaving checker of pv_model.h: coroutines on ucontext, a stack
 * of choices replayed and advanced depth first. A choice is 0 (the side
 * that ran last goes on) or 1 (the other one); a switch away from a side
 * that could have gone on is a preemption, and a run makes at most
 * max_preemptions of them (the bounding of Musuvathi and Qadeer's CHESS:
 * the number of runs grows polynomially, not exponentially, with the steps).
 */
#include <check.h>
#include <stdbool.h>
#include <ucontext.h>
#include "pv_model.h"

#define STACK_SIZE  (64 * 1024)
#define MAX_CHOICES 256

static ucontext_t sched_ctx, side_ctx[2];
static char side_stack[2][STACK_SIZE] __attribute__((aligned(16)));
static const struct pv_model *model;
static bool exploring;
static int current = -1;
static bool finished[2];

/* The choices of the run being replayed: choice[i] is the side picked at
 * the i-th point where both could go on. */
static unsigned char choice[MAX_CHOICES], can_switch[MAX_CHOICES];
static unsigned depth, choices, max_preempt;

static void (*probe)(void);

void pv_model_set_probe(void (*fn)(void))
{
    probe = fn;
}

void pv_model_step(void)
{
    if (!exploring || current < 0) {
        if (probe && !exploring)
            probe();
        return;
    }
    swapcontext(&side_ctx[current], &sched_ctx);
}

static void side_entry(int i)
{
    model->side[i](model->ctx);
    finished[i] = true;
    current = -1;
    /* uc_link returns to the scheduler. */
}

static void run_once(void)
{
    exploring = false;
    model->setup(model->ctx);
    for (int i = 0; i < 2; i++) {
        getcontext(&side_ctx[i]);
        side_ctx[i].uc_stack.ss_sp = side_stack[i];
        side_ctx[i].uc_stack.ss_size = STACK_SIZE;
        side_ctx[i].uc_link = &sched_ctx;
        makecontext(&side_ctx[i], (void (*)(void))side_entry, 1, i);
        finished[i] = false;
    }
    exploring = true;
    depth = 0;
    int last = 0;
    unsigned preemptions = 0;
    while (!finished[0] || !finished[1]) {
        int pick;
        if (finished[0] || finished[1]) {
            pick = finished[0] ? 1 : 0;
        } else {
            if (depth == MAX_CHOICES)
                ck_abort_msg("pv_model: a run has more than %d choice points", MAX_CHOICES);
            if (depth == choices) {
                choice[choices] = 0;
                /* The first pick is free; later switches are preemptions. */
                can_switch[choices] = depth == 0 || preemptions < max_preempt;
                choices++;
            }
            pick = choice[depth] ? !last : last;
            if (choice[depth] && depth > 0)
                preemptions++;
            depth++;
        }
        last = pick;
        current = pick;
        swapcontext(&sched_ctx, &side_ctx[pick]);
        current = -1;
    }
    exploring = false;
    /* Choices past this run's depth belonged to a longer earlier run. */
    choices = depth;
    model->check(model->ctx);
}

unsigned long pv_model_explore(const struct pv_model *m, unsigned long max_runs,
                               unsigned max_preemptions)
{
    unsigned long runs = 0;
    model = m;
    max_preempt = max_preemptions;
    choices = 0;
    for (;;) {
        run_once();
        runs++;
        ck_assert_msg(runs <= max_runs, "pv_model: more than %lu runs", max_runs);
        /* Next sequence: the last choice that can still switch. */
        while (choices > 0 && (choice[choices - 1] || !can_switch[choices - 1]))
            choices--;
        if (choices == 0)
            return runs;
        choice[choices - 1] = 1;
    }
}
