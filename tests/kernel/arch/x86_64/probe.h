/* SPDX-License-Identifier: MIT */
/* Fault probes for the in-kernel tests (probe.S): -1 = no fault, else the vector. */
#ifndef KTEST_PROBE_H
#define KTEST_PROBE_H

#include <stdint.h>

#define PROBE_OK (-1)

long probe_read(const void *addr);
long probe_write(void *addr, uint64_t value);
/* The same with EFLAGS.AC set (stac ... clac), which SMAP lets through;
 * AC is clear again when they return, fault or not. */
long probe_read_ac(const void *addr);
long probe_write_ac(void *addr, uint64_t value);
long probe_exec(const void *addr);
/* LAR of a selector. */
long probe_lar(uint64_t selector);
/* int3 with EFLAGS.AC and DF set (cleared again on return). */
long probe_breakpoint_ac_df(void);
long probe_ud(void);
long probe_divide_error(void);
long probe_breakpoint(void);
long probe_noncanonical(void);

#endif
