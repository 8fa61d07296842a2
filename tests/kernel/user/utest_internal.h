/* SPDX-License-Identifier: MIT */
/*
 * What the test runner (runner.c) uses of the per-test resources
 * (resources.c) and test threads (threads.c); tests use utest.h only.
 *
 * Interface: ut_res_init() picks the boot untyped and the slot range once;
 * ut_res_begin() gives a test its untyped, ut_res_end() takes everything
 * back and reports leaks as failures of the test; ut_res_intact() says
 * whether the root task's own capabilities survived the test. The
 * watchdog ends the run when a test has every thread blocked for good.
 */
#ifndef UTEST_INTERNAL_H
#define UTEST_INTERNAL_H

#include <stddef.h>
#include "utest.h"

/* 0, or -1 with the reason in why. */
int ut_res_init(const struct l4_boot_info *bi, char *why, size_t len);
/* 0, or -1 (the test is failed and must not run). */
int ut_res_begin(void);
void ut_res_end(void);
/* 1 if the fixed root slots and the boot untyped hold what they held at
 * start; otherwise prints what changed and returns 0. */
int ut_res_intact(void);

/* One object for the runner itself, from a boot untyped the tests do not
 * use, in a slot the tests never get; L4_CPTR_NULL if that fails. */
l4_cptr_t ut_res_runner_object(l4_object_type_t type);

/* Forget the test threads (their TCBs die with the test's untyped). */
void ut_threads_reset(void);

/* Start the watchdog (watchdog.c); returns 0, or -1 if it could not. */
int ut_watchdog_start(void);
/* Tell the watchdog which test runs (number from 1; 0: none). */
void ut_watchdog_test(unsigned number, const char *name);

#endif
