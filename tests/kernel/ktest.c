/* SPDX-License-Identifier: MIT */
/*
 * kernel_run() of the in-kernel test image: run every KTEST and report TAP.
 *
 * Prints "TAP version 13", the plan "1..N", one "ok"/"not ok" line per test
 * with "#" diagnostics, then powers off with EXIT_OK or EXIT_TEST_FAILED.
 * The command-line option ktest.selftest=panic|hang|triplefault|fail makes
 * the image misbehave on purpose after the plan line, so that the runner's
 * detection of each failure mode is itself tested (tests/tools/).
 */
#include <arch/layout.h>
#include <core/arch_hooks.h>
#include <core/boot.h>
#include <core/panic.h>
#include <core/string.h>
#include "ktest.h"

extern const struct ktest __ktests_start[], __ktests_end[];

const struct boot_info *ktest_boot_info;
static int current_failed;

void ktest_fail(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    current_failed = 1;
    kprintf("# %s:%d: ", file, line);
    va_start(ap, fmt);
    kvprintf(fmt, ap);
    va_end(ap);
    kputs("\n");
}

/* Deliberate failures for testing the runner; "fail" returns 1 to add one
 * failing result, the others never return. */
void ktest_selftest(const char *mode);

static int selftest(const char *mode)
{
    if (!strncmp(mode, "fail", 5))
        return 1;
    ktest_selftest(mode);
    return 0;
}

_Noreturn void kernel_run(const struct boot_info *bi)
{
    char mode[16] = "";
    unsigned n = (unsigned)(__ktests_end - __ktests_start), failed = 0;
    int extra_fail = 0;

    ktest_boot_info = bi;
    cmdline_get(bi->cmdline, "ktest.selftest", mode, sizeof mode);
    if (mode[0])
        extra_fail = !strncmp(mode, "fail", 5);
    kputs("TAP version 13\n");
    kprintf("1..%u\n", n + (unsigned)extra_fail);
    if (mode[0] && selftest(mode)) {
        kputs("not ok 1 - selftest_fail # deliberate failure (ktest.selftest=fail)\n");
        failed++;
    }
    for (unsigned i = 0; i < n; i++) {
        const struct ktest *t = &__ktests_start[i];
        current_failed = 0;
        kprintf("# %s: %s\n", t->name, t->desc);
        t->fn();
        failed += (unsigned)current_failed;
        kprintf("%s %u - %s\n", current_failed ? "not ok" : "ok", i + 1 + (unsigned)extra_fail,
                t->name);
    }
    kprintf("# %u of %u tests failed\n", failed, n + (unsigned)extra_fail);
    arch_poweroff(failed ? EXIT_TEST_FAILED : EXIT_OK);
}
