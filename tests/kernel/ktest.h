/* SPDX-License-Identifier: MIT */
/*
 * In-kernel test framework.
 *
 * Interface: KTEST(id, "description") { ... } defines a named test, placed
 * in the .ktests section so that ktest.c finds every test linked into the
 * test image; KT_ASSERT / KT_EQ fail the current test with the file, line
 * and values, and return from it. Results go out as TAP on the serial line.
 */
#ifndef KTEST_H
#define KTEST_H

#include <stdint.h>
#include <core/console.h>

struct ktest {
    const char *name;
    const char *desc;
    void (*fn)(void);
};

#define KTEST(id, description)                                                                     \
    static void ktest_fn_##id(void);                                                               \
    static const struct ktest ktest_##id                                                           \
        __attribute__((used, section(".ktests"), aligned(8))) = {#id, description, ktest_fn_##id}; \
    static void ktest_fn_##id(void)

/* Record a failure of the running test (prints a TAP diagnostic line). */
void ktest_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define KT_ASSERT(cond)                                                                            \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            ktest_fail(__FILE__, __LINE__, "assertion failed: %s", #cond);                         \
            return;                                                                                \
        }                                                                                          \
    } while (0)

#define KT_EQ(a, b)                                                                                \
    do {                                                                                           \
        uint64_t ka_ = (uint64_t)(a), kb_ = (uint64_t)(b);                                         \
        if (ka_ != kb_) {                                                                          \
            ktest_fail(__FILE__, __LINE__, "%s == %s: %#lx != %#lx", #a, #b, (unsigned long)ka_,   \
                       (unsigned long)kb_);                                                        \
            return;                                                                                \
        }                                                                                          \
    } while (0)

/* The boot information kernel_main() gathered, for tests that check it. */
extern const struct boot_info *ktest_boot_info;

#endif
