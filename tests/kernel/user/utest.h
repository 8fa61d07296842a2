/* SPDX-License-Identifier: MIT */
/*
 * User-level kernel test framework: the test root task ktest-root.elf.
 *
 * Interface: UTEST(id, "description") { ... } defines a named test, placed
 * in the "utests" section so that the runner (runner.c) finds every test
 * linked into the image. The runner prints TAP on the serial line, one
 * "ok"/"not ok" per test with "#" diagnostics, and powers off with
 * l4_rt_exit(0) (PowerControl PowerOff) if every test passed, 1 otherwise.
 *
 * Assertions fail the running test with file:line and return from the
 * function they are in (so use them in void functions: tests, thread
 * functions, void helpers):
 *   UT_ASSERT(cond)       cond must hold
 *   UT_EQ(a, b)           a == b, compared as uint64_t, both printed in hex
 *   UT_OK(expr)           expr must return L4_NO_ERROR
 *   UT_ERR(expr, err)     expr must return exactly err
 *
 * Per-test resources, all released after each test: before the test the
 * runner retypes a fresh Untyped of 2^UT_UNTYPED_BITS bytes from a large
 * boot untyped; after it, it revokes and deletes that Untyped (destroying
 * every object, and so every capability, made in the test), checks with
 * DebugCapIdentify that every slot the test was given is empty again (a
 * capability left there is reported as a leak and fails the test) and
 * resets the slot allocator.
 *   ut_slot()             a fresh empty slot of the root CNode; its cptr is
 *                         the slot number, and as an invocation argument
 *                         it is (slot, UT_DEPTH) from UT_CNODE
 *   ut_slots(n)           n consecutive fresh slots; returns the first
 *   ut_new(type, bits)    retype one object from the test's untyped into a
 *                         fresh slot (bits: size_bits, for Untyped and
 *                         CNode); fails the test and returns 0 on error
 *   ut_untyped()          cptr of the test's own untyped, for tests of
 *                         Retype itself
 *   ut_untyped_alloc()    libl4's untyped allocator over that untyped and
 *                         these slots (<l4/alloc.h>), which ut_new() uses
 * Anything a test places outside its slots (a copy into a boot slot, say)
 * it must delete itself.
 *
 * Threads: ut_thread(fn, arg, prio) makes a TCB from the test's untyped,
 * configures it with the root task's CNode and VSpace, its own stack and
 * IPC buffer (in this program's .bss, whose Frame4K capability is the
 * image frame covering it), gives it priority prio with the root TCB's
 * authority, and resumes it; it returns the TCB's cptr (0, failing the
 * test, on error). The test itself runs on the root task's initial thread
 * at L4_MAX_PRIORITY (255), so a test thread (prio < 255) runs only while
 * the test is blocked (in Recv or Wait, say) or after it has finished.
 * When fn returns the thread suspends itself; every test thread is
 * destroyed with the test's untyped after the test. At most
 * UT_MAX_THREADS per test; prio must not be 0 (that is the runner's
 * watchdog, which runs only when every other thread is blocked: if that
 * lasts UT_TEST_TIMEOUT_S seconds, it fails the test and ends the run).
 *
 * Shared helpers of the test files (helpers.c); the capability ones name
 * root slots (cptr = slot number, UT_CNODE at UT_DEPTH):
 *   ut_id(slot)           DebugCapIdentify of the slot
 *   ut_copy(src, rights), ut_mint(src, rights, badge),
 *   ut_retype(untyped, type, bits)
 *                         the capability or object in a fresh slot, or 0
 *                         on error (the test is not failed: assert it)
 *   ut_delete(slot)       Delete of the slot's capability
 *   ut_invoke(...)        an invocation with raw message words (whole
 *                         64-bit words where a stub takes a narrower type)
 *   ut_poll_word(n)       the notification word Poll takes, or ~0 on error
 *   ut_signal_fn          thread function: signal notification arg once
 * Settling, with a priority-1 thread that runs only when every test
 * thread above it is blocked or suspended:
 *   ut_settle_once()      a new notification and priority-1 thread per call
 *                         (each counts against UT_MAX_THREADS); 1 once
 *                         that thread has signalled, 0 on error
 *   ut_settle_init()      one priority-1 thread for the whole test (1 on
 *                         success); then ut_settle() returns L4_NO_ERROR
 *                         once it has answered, or the error
 *   UT_ARG(i, a, b)       a thread argument: an 8-bit index and two slot
 *                         numbers, read back with UT_ARG_I/_A/_B
 *   ut_rnd_seed(seed), ut_rnd()
 *                         xorshift64* pseudo-random numbers (seed != 0)
 */
#ifndef UTEST_H
#define UTEST_H

#include <stdint.h>
#include <l4/abi_gen.h>
#include <l4/bootinfo.h>
#include <l4/debug.h>
#include <l4/stubs_gen.h>

struct utest {
    const char *name;
    const char *desc;
    void (*fn)(void);
    const char *file; /* the runner keeps each file's tests in line order */
    int line;
};

/* servers/user.ld does not name the "utests" section: GNU ld places it
 * after .rodata, in the read-only segment, and defines __start_utests and
 * __stop_utests for the runner. */
#define UTEST(id, description)                                                                     \
    static void utest_fn_##id(void);                                                               \
    static const struct utest utest_##id __attribute__((used, section("utests"), aligned(8))) = {  \
        #id, description, utest_fn_##id, __FILE__, __LINE__};                                      \
    static void utest_fn_##id(void)

/* The root CNode, and the depth that names one of its slots by number. */
#define UT_CNODE L4_ROOT_SLOT_CNODE
#define UT_DEPTH 64

/* Size of each test's untyped (a harness built on this runner may define
 * a larger one), and the most threads one test may create. */
#ifndef UT_UNTYPED_BITS
#define UT_UNTYPED_BITS 22 /* 4 MiB: room for a Frame2M */
#endif
#define UT_MAX_THREADS 8

/* Seconds a test may spend with every thread blocked before the watchdog
 * fails it and ends the run. */
#define UT_TEST_TIMEOUT_S 60

/* Record a failure of the running test (prints a TAP diagnostic line). */
void ut_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Whether the running test has failed so far. */
int ut_failed(void);

#define UT_ASSERT(cond)                                                                            \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            ut_fail(__FILE__, __LINE__, "assertion failed: %s", #cond);                            \
            return;                                                                                \
        }                                                                                          \
    } while (0)

#define UT_EQ(a, b)                                                                                \
    do {                                                                                           \
        uint64_t ua_ = (uint64_t)(a), ub_ = (uint64_t)(b);                                         \
        if (ua_ != ub_) {                                                                          \
            ut_fail(__FILE__, __LINE__, "%s == %s: %#lx != %#lx", #a, #b, (unsigned long)ua_,      \
                    (unsigned long)ub_);                                                           \
            return;                                                                                \
        }                                                                                          \
    } while (0)

/* Report an unexpected status, with the error's detail words. */
void ut_fail_status(const char *file, int line, const char *expr, l4_word_t got,
                    l4_word_t expected);

#define UT_ERR(expr, err)                                                                          \
    do {                                                                                           \
        l4_word_t ue_ = (l4_word_t)(expr), uw_ = (l4_word_t)(err);                                 \
        if (ue_ != uw_) {                                                                          \
            ut_fail_status(__FILE__, __LINE__, #expr, ue_, uw_);                                   \
            return;                                                                                \
        }                                                                                          \
    } while (0)

#define UT_OK(expr) UT_ERR(expr, L4_NO_ERROR)

/* Per-test resources (see above). */
l4_cptr_t ut_slot(void);
l4_cptr_t ut_slots(unsigned n);
l4_cptr_t ut_new(l4_object_type_t type, l4_word_t size_bits);
l4_cptr_t ut_untyped(void);
/* libl4's untyped allocator (<l4/alloc.h>) over the test's untyped, with
 * ut_slot()'s slots: what ut_new() uses, for the libraries' own helpers. */
struct l4_untyped_alloc *ut_untyped_alloc(void);
l4_cptr_t ut_thread(void (*fn)(l4_word_t arg), l4_word_t arg, uint8_t prio);
/* ut_thread() whose faults (exceptions, foreign-ABI syscalls) are sent to
 * the endpoint fault_ep (a cptr of the root CNode) as exception IPC. */
l4_cptr_t ut_thread_faulting(void (*fn)(l4_word_t arg), l4_word_t arg, uint8_t prio,
                             l4_cptr_t fault_ep);

/* The boot info the kernel gave the test root task. */
const struct l4_boot_info *ut_boot_info(void);

/* Shared helpers (helpers.c, see above). */

/* A thread argument: an index (8 bits) and two slot numbers (24 and 32 bits). */
#define UT_ARG(i, a, b) ((l4_word_t)(i) | (l4_word_t)(a) << 8 | (l4_word_t)(b) << 32)
#define UT_ARG_I(x)     ((unsigned)((x)&0xff))
#define UT_ARG_A(x)     (((x) >> 8) & 0xffffff)
#define UT_ARG_B(x)     ((x) >> 32)

/* The type of the capability in root slot slot (DebugCapIdentify). */
l4_cap_type_t ut_id(l4_cptr_t slot);
/* A copy of src with the given rights in a fresh slot; 0 on error. */
l4_cptr_t ut_copy(l4_cptr_t src, l4_cap_rights_t rights);
/* A copy of src with the given rights and badge in a fresh slot; 0 on error. */
l4_cptr_t ut_mint(l4_cptr_t src, l4_cap_rights_t rights, l4_word_t badge);
/* One object retyped from untyped into a fresh slot; 0 on error. */
l4_cptr_t ut_retype(l4_cptr_t untyped, l4_object_type_t type, l4_word_t size_bits);
/* Delete the capability in root slot slot. */
l4_error_t ut_delete(l4_cptr_t slot);
/* Invoke obj with label, the len message words w (len <= L4_MSG_MAX_LENGTH)
 * and, if ncaps is 1, the extra capability xcap; the status (the error's
 * detail words are then in MR0 and MR1, l4_get_mr()). */
l4_error_t ut_invoke(l4_cptr_t obj, l4_word_t label, unsigned ncaps, l4_cptr_t xcap, unsigned len,
                     const l4_word_t *w);
/* The notification word taken by Poll through n, or ~0 on error. */
l4_word_t ut_poll_word(l4_cptr_t n);
/* Thread function: signal notification n once. */
void ut_signal_fn(l4_word_t n);
/* Block until every test thread above priority 1 has run as far as it can,
 * with a new priority-1 thread; 1 on success. */
int ut_settle_once(void);
/* Start the test's priority-1 settle thread for ut_settle(); 1 on success. */
int ut_settle_init(void);
/* Block until every test thread above priority 1 is blocked or suspended. */
l4_error_t ut_settle(void);
/* Seed ut_rnd() (not 0). */
void ut_rnd_seed(uint64_t seed);
/* The next xorshift64* pseudo-random number. */
uint64_t ut_rnd(void);

#endif
