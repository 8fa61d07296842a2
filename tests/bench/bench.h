/* SPDX-License-Identifier: MIT */
/*
 * The IPC benchmark root task (ipc-bench.elf): shared declarations.
 *
 * The root task (main.c) runs each benchmark of bench_list in turn, each
 * with objects made from a fresh Untyped that is revoked afterwards, and
 * prints one line per benchmark on the serial console (format below and in
 * docs/performance.md); tools/tessera bench ipc boots it and collects the
 * lines. The kernel command-line word iterations=N sets the number of
 * recorded samples (default BENCH_DEFAULT_ITERATIONS); each benchmark first
 * runs bench_warmup unrecorded iterations.
 *
 * Interface:
 *   timing.S   the timed syscalls (bench_timed_*, bench_*_stamp*)
 *   remote.S   register-only server loops (bench_echo_server,
 *              bench_foreign_handler) that also run in a second space
 *   stats.c    bench_samples() holds the samples of the running benchmark;
 *              bench_record(i, delta) stores iteration i's (dropping the
 *              warm-up); bench_report() prints
 *                BENCH <name> median=M overhead=O net=M-O min=A max=B n=N
 *              with the overhead of the same timing (pair or split) from
 *              bench_measure_overheads(); bench_fail() prints
 *                BENCH-ERROR <name>: <why>
 *              and counts the failure
 *   resources.c  per-benchmark objects (bench_begin/bench_new/bench_end),
 *              the watchdog thread (bench_watchdog_start),
 *              runtime threads in the root task's space (bench_thread), and
 *              threads on the register-only loops (bench_asm_thread) in the
 *              root space or in a second one (bench_space_remote)
 *   ipc.c, faults.c, memory.c  the benchmarks themselves
 */
#ifndef BENCH_H
#define BENCH_H

#include <stdint.h>
#include <l4/abi_gen.h>
#include <l4/bootinfo.h>
#include <l4/debug.h>
#include <l4/rt.h>
#include <l4/stubs_gen.h>
#include "bench_abi.h"

#define BENCH_MAX_ITERATIONS     100000
#define BENCH_DEFAULT_ITERATIONS 10000
#define BENCH_MAX_WARMUP         200

/* The root CNode: a capability pointer is the slot number at depth 64. */
#define BENCH_CNODE L4_ROOT_SLOT_CNODE
#define BENCH_DEPTH 64

/* The root task's thread runs at the top priority; helpers run below it;
 * the watchdog runs only when every other thread is blocked. */
#define BENCH_PRIO_MAIN     L4_MAX_PRIORITY
#define BENCH_PRIO_HELPER   (L4_MAX_PRIORITY - 1)
#define BENCH_PRIO_WATCHDOG 1

extern unsigned bench_iterations; /* samples recorded per benchmark */
extern unsigned bench_warmup;     /* unrecorded iterations before them */

/* --- timing.S ------------------------------------------------------------- */

uint64_t bench_timed_syscall(struct bench_regs *r);
uint64_t bench_timed_empty(struct bench_regs *r);
uint64_t bench_timed_touch(struct bench_regs *r);
void bench_stamp_syscall(struct bench_regs *r);
uint64_t bench_syscall_stamp(struct bench_regs *r);
uint64_t bench_split_empty(struct bench_regs *r);

/* --- remote.S --------------------------------------------------------------- */

extern const char bench_remote_start[], bench_remote_end[];
void bench_echo_server(void);
void bench_foreign_handler(void);

/* --- stats.c ---------------------------------------------------------------- */

enum bench_timing {
    BENCH_PAIR,  /* both stamps in one thread (bench_timed_*) */
    BENCH_SPLIT, /* start and end stamp in two threads (bench_stamp_syscall,
                    bench_syscall_stamp) */
};

uint64_t *bench_samples(void);
static inline void bench_record(unsigned i, uint64_t delta)
{
    if (i >= bench_warmup)
        bench_samples()[i - bench_warmup] = delta;
}
void bench_measure_overheads(void);
void bench_report(const char *name, enum bench_timing timing);
void bench_fail(const char *name, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
unsigned bench_failures(void);

/* --- resources.c ------------------------------------------------------------ */

/* Where a thread on a register-only loop runs: its VSpace, and where its
 * IPC buffers come from. */
struct bench_space {
    l4_cptr_t vspace;
    int remote;            /* a second space (else the root task's) */
    l4_word_t next_ipc_va; /* remote: where the next IPC buffer frame goes */
};

int bench_res_init(const struct l4_boot_info *bi);
/* Start fn on a thread at BENCH_PRIO_WATCHDOG for the whole run. */
int bench_watchdog_start(void (*fn)(l4_word_t));
/* Its TCB. */
l4_cptr_t bench_watchdog(void);
int bench_begin(void);
void bench_end(void);
/* A new object in a fresh slot, or 0 (reported as a failure of name);
 * bench_new_sized for variable-size types (Untyped, CNode). */
l4_cptr_t bench_new(const char *name, l4_object_type_t type);
l4_cptr_t bench_new_sized(const char *name, l4_object_type_t type, unsigned size_bits);
/* A fresh empty slot of the root CNode, or 0. */
l4_cptr_t bench_slot(const char *name);
/* The root task's own space. */
void bench_space_root(struct bench_space *s);
/* A new PML4 that maps the pages of remote.S, read+execute, at their
 * addresses in the root task; 0, or -1 after reporting a failure. */
int bench_space_remote(const char *name, struct bench_space *s);
/* A runtime thread running fn(arg) in the root task's space; its faults go
 * to fault_ep (L4_CPTR_NULL: none). Returns its TCB, or 0. */
l4_cptr_t bench_thread(const char *name, void (*fn)(l4_word_t), l4_word_t arg, uint8_t prio,
                       l4_cptr_t fault_ep);
/* A thread on a remote.S loop in s, with R12, R13 and R14 as given.
 * Returns its TCB, or 0. */
l4_cptr_t bench_asm_thread(const char *name, struct bench_space *s, void (*entry)(void),
                           l4_word_t r12, l4_word_t r13, l4_word_t r14, uint8_t prio);

/* --- the benchmarks --------------------------------------------------------- */

void bench_null_syscall(const char *name);
void bench_yield_alone(const char *name);
void bench_call_0_same(const char *name);
void bench_call_4_same(const char *name);
void bench_call_0_cross(const char *name);
void bench_call_4_cross(const char *name);
void bench_signal_wait(const char *name);
void bench_pagefault_pager(const char *name);
void bench_foreign_null(const char *name);
void bench_retype_frame_4k(const char *name);

#endif
