/* SPDX-License-Identifier: MIT */
/* The PV test guest's checks (tests/pv/guest/). */
#ifndef PVTEST_H
#define PVTEST_H

/* One TAP-style line per check, through the console; returns the number
 * of failed checks. */
#define PVTEST_CHECK(cond, ...) pvtest_report(!!(cond), __FILE__, __LINE__, #cond, __VA_ARGS__)
void pvtest_report(int ok, const char *file, int line, const char *cond, const char *fmt, ...);

/* The groups of checks (one file each). */
void pvtest_mem_checks(void);
void pvtest_irq_checks(void);
void pvtest_mem_dirty(void);
void pvtest_mem_hog(void);
/* Failed checks so far. */
unsigned pvtest_failures(void);
void pvtest_set_name(const char *name);
/* The PV benchmarks with n samples each (0: the default); the errors. */
unsigned pvtest_bench(unsigned n);

/* Every group of checks; the number of failures. */
unsigned pvtest_checks(const char *name);

#endif
