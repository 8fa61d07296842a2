/* SPDX-License-Identifier: MIT */
/*
 * What the two kernel fuzzers share: the syscall fuzzer (test_fuzz.c) and
 * the instruction fuzzer (test_fuzz_insn.c and its fuzz_insn_*.c).
 *
 * Interface: fuzz_knob(key, def) reads "key=N" (decimal or 0x hex) from
 * the boot command line; fuzz_rdtsc() and fuzz_tsc_hz() time a run. The
 * fuzzed task's CSpace is one CNode with the slots of fuzz_loop.h, named
 * by plain slot numbers (fuzz_flat_guard); fuzz_make_objects(t, badge)
 * makes the objects it is given but its VSpace and TCB (which the caller
 * makes and fills in), fuzz_fill_cspace(t) gives an
 * empty one its capabilities from the objects in struct fuzz_task (all in
 * root slots) and fuzz_clear_task(t) suspends the task and the other TCB,
 * revokes every object it was given and empties its CNode (the caller
 * then refills it and configures the TCB again). fuzz_threads_start(cfg,
 * ...) starts, at the task's priority, a trusted pair of root threads that
 * does Call/ReplyRecv (fuzz_trusted_count counts round trips,
 * fuzz_trusted_errors wrong answers, or with cfg->check_fs a changed FS
 * base of the client), a partner thread that serves the task's endpoint
 * and a ticker that sends the controller a message every cfg->tick_ms
 * through a badged copy of the fault endpoint; *ping is the client's
 * TCB. fuzz_stop = 1 ends the client and the ticker (the others stay
 * blocked until deleted). fuzz_trusted_stalled() is the progress check
 * of one window of ticks. At the end fuzz_sweep(first, end) revokes and
 * deletes every root slot of the run and fuzz_untyped_whole() checks
 * that the test's untyped can be retyped whole again. Nothing here draws
 * from ut_rnd(): a seed reproduces the same draws in either fuzzer.
 */
#ifndef FUZZ_COMMON_H
#define FUZZ_COMMON_H

#include <l4/rt.h>
#include "utest.h"

uint64_t fuzz_rdtsc(void);
uint64_t fuzz_tsc_hz(void);
uint64_t fuzz_knob(const char *key, uint64_t def);

/* The guard that makes a cptr of a CNode of radix bits a plain slot number. */
l4_cnode_guard_t fuzz_flat_guard(unsigned radix);

/* The objects the task is given (root slots) and the badge of its fault endpoint. */
struct fuzz_task {
    l4_cptr_t cnode, pool, fault_ep, ep, ntfn, frame, victim, vspace, tcb;
    l4_word_t badge;
};

void fuzz_make_objects(struct fuzz_task *t, l4_word_t badge);
l4_error_t fuzz_fill_cspace(const struct fuzz_task *t);
l4_error_t fuzz_clear_task(const struct fuzz_task *t);

/* The root threads: what differs between the two fuzzers. */
struct fuzz_threads_cfg {
    uint8_t prio;
    l4_word_t ping_label;      /* the trusted Call's label; the answer's is one more */
    l4_word_t tick_label;      /* the ticker's message label */
    l4_word_t tick_badge;      /* the badge of the ticker's fault-endpoint copy */
    unsigned tick_ms;          /* the time between ticks */
    int check_fs;              /* the client counts a change of its FS base as an error */
    uint64_t partner_seed;     /* the partner's xorshift64 state */
    unsigned partner_words;    /* message words the partner writes (up to 8) */
    unsigned partner_len_mask; /* the answer's length is its random word & this */
};

extern volatile int fuzz_stop;
extern volatile uint64_t fuzz_trusted_count, fuzz_trusted_errors, fuzz_partner_msgs,
    fuzz_partner_caps;

void fuzz_threads_start(const struct fuzz_threads_cfg *cfg, l4_cptr_t fault_ep, l4_cptr_t ep,
                        uint64_t tsc_hz, l4_cptr_t *ping);
int fuzz_trusted_stalled(uint64_t ticks, unsigned window, uint64_t *last);

int fuzz_sweep(l4_cptr_t first, l4_cptr_t end);
l4_error_t fuzz_untyped_whole(void);

#endif
