/* SPDX-License-Identifier: MIT */
/*
 * The instruction fuzzer's controller, shared by its three files:
 * test_fuzz_insn.c (the test: fault checking, ticks, the main loop),
 * fuzz_insn_call.c (preparing and starting each call) and fuzz_insn_task.c
 * (the task's address space, CSpace and TCB set-up).
 *
 * Interface: struct fzi is the state of one run and fzi_pg the task's
 * pages (root image pages mapped again in its space). fzi_make_task(f)
 * makes the task's objects and maps its pages; fzi_reset_task(f) rebuilds
 * its CSpace and TCB set-up; fzi_options(f, page, syscall_ok) are the
 * generator options (fuzz_insn.h) for code page page; fzi_start_call(f,
 * how) prepares the next call and starts it (how: what the task waits in,
 * FZI_RUNNING, FZI_IN_EXCEPTION or FZI_IN_SYSCALL); fzi_report(f, what,
 * a, b) fails the test with the seeds and the last calls (at most
 * MAX_REPORTS times). The random draws (ut_rnd()) are made in that order
 * by these functions alone, so a seed reproduces a run.
 */
#ifndef FUZZ_INSN_TASK_H
#define FUZZ_INSN_TASK_H

#include <l4/rt.h>
#include "utest.h"
#include "fuzz_common.h"
#include "fuzz_insn.h"
#include "fuzz_loop.h"

/* Console output, the invariant check and power-off need capabilities
 * the task never holds (docs/kernel/console.md), so any syscall number is
 * safe to make: native blocks keep their syscall instructions and
 * structured calls sometimes take a random number. */
#define FZI_DEBUG_SYSCALLS_GATED 1

/* The old, uncapped DebugCheckInvariants syscall: now an unknown number,
 * which must fail with IllegalOperation (the check is a DebugConsole
 * invocation the task has no capability for). */
#define SYS_REMOVED_CHECK_INVARIANTS 20

#define NCODE           4 /* code[NCODE - 1] is the foreign-ABI page */
#define LOW_VA          UINT64_C(0x1000)
#define EDGE_VA         (L4_USER_TOP - 2 * 4096)
#define TOP_VA          (L4_USER_TOP - 4096)
#define PRIO            100
#define FUZZ_BADGE      0xf1
#define TICK_BADGE      0x71d
#define TICK_LABEL      0x71d
#define PING_LABEL      0x91a
#define TICK_MS         10
#define WINDOW_TICKS    20
#define STUCK_TICKS     2
#define RESET_EVERY     512
#define INVARIANT_EVERY 64
#define MAX_REPORTS     3
#define DEFAULT_CALLS   6000
#define DEFAULT_SEED    UINT64_C(0x1a5e7b10c5eed)
#define TIME_LIMIT_S    45
#define PROGRESS_EVERY  50000 /* calls between progress lines of a long run */
#define ALL             L4_CAP_RIGHTS_ALL
#define RW              (L4_VM_RIGHTS_READ | L4_VM_RIGHTS_WRITE)
#define RX              (L4_VM_RIGHTS_READ | L4_VM_RIGHTS_EXECUTE)
#define CTX(i)          (L4_FAULT_EXCEPTION_MR_CONTEXT + (i))
#define STUB_OFF        64
#define RING_LEN        8
#define MAX_FRAMES      16
#define MAX_TABLES      12

/* The task's pages: root image pages mapped again in its space (fuzz_insn_task.c). */
struct fzi_pages {
    _Alignas(4096) uint8_t tramp[4096]; /* RX: trampoline, syscall stub */
    _Alignas(4096) uint64_t ctl[512];   /* R: ctl[0] = RAX, ctl[1] = RIP of the block */
    _Alignas(4096) uint8_t code[NCODE][4096];
    _Alignas(4096) uint8_t data[4096];    /* RW: IPC buffer */
    _Alignas(4096) uint8_t scratch[4096]; /* RW: memory operands, xsave areas */
    _Alignas(4096) uint8_t stack[4096];
};
extern struct fzi_pages fzi_pg;

enum kind { K_NATIVE, K_FOREIGN, K_SYSCALL, K_COUNT };
extern const char *const fzi_kind_name[K_COUNT];

struct fzi {
    struct fuzz_task task;
    l4_cptr_t reply, ipc_frame;
    l4_cptr_t frames[MAX_FRAMES], tables[MAX_TABLES];
    unsigned nframes, ntables;
    unsigned classes;
    int top_mapped, top_syscall, foreign; /* foreign: -1 unknown */
    uint64_t seed, calls, target, tsc_hz, start, limit;
    enum kind kind;
    uint64_t sysno, entry, call_seed;
    uint64_t kinds[K_COUNT], vectors[32], syscall_fwd, own_msgs, victim_faults, statuses[16];
    uint64_t watchdogs, resets, direct, replies, writes, checks, ticks, idle_ticks, last_calls;
    uint64_t last_trusted, consecutive_watchdogs, scrubbed, self_inv, bad_rip;
    uint64_t ping_fs; /* the FS base of the trusted client (ping_fn) */
    int only;         /* fuzzi_template=N: every block starts with template N */
    int verbose;      /* fuzzi_verbose=1: print every fault */
    unsigned reports;
    l4_word_t msg[L4_FAULT_EXCEPTION_LENGTH];
    struct {
        l4_word_t call, kind, sysno, rdi, rsi, entry, how, end;
    } ring[RING_LEN]; /* the last calls: what they were, how they started and ended */
};

/* What the task waits in when the next call starts. */
enum { FZI_RUNNING, FZI_IN_EXCEPTION, FZI_IN_SYSCALL };

void fzi_report(struct fzi *f, const char *what, l4_word_t a, l4_word_t b);
void fzi_make_task(struct fzi *f);
l4_error_t fzi_reset_task(struct fzi *f);
struct fzi_opts fzi_options(struct fzi *f, unsigned page, int syscall_ok);
void fzi_start_call(struct fzi *f, int blocked_in_fault);

#endif
