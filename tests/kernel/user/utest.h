/* SPDX-License-Identifier: MIT */
/*
 * User-level kernel test framework: the test root task ktest-root.elf.
 *
 * Interface: UTEST(id, "description") { ... } defines a named test, placed
 * in the "utests" section so that the runner (runner.c) finds every test
 * linked into the image. The runner prints TAP on the serial line, one
 * "ok"/"not ok" per test with "#" diagnostics, and powers off with
 * l4_debug_halt(0) if every test passed, 1 otherwise.
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

/* Size of each test's untyped, and the most threads one test may create. */
#define UT_UNTYPED_BITS 22 /* 4 MiB: room for a Frame2M */
#define UT_MAX_THREADS  8

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
l4_cptr_t ut_thread(void (*fn)(l4_word_t arg), l4_word_t arg, uint8_t prio);

/* The boot info the kernel gave the test root task. */
const struct l4_boot_info *ut_boot_info(void);

#endif
