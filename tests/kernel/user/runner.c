/* SPDX-License-Identifier: MIT */
/*
 * main() of the test root task: run every UTEST and report TAP.
 *
 * Prints "TAP version 13", the plan "1..N", then for each test a "#" line
 * with its description, the test's diagnostics and "ok N - name" or
 * "not ok N - name"; then powers off (by returning from main, see
 * <l4/rt.h>) with status 0 if every test passed, 1 otherwise. Each test
 * runs between ut_res_begin() and ut_res_end() (resources.c). If a test
 * damaged the root task's own capabilities, the run stops with "Bail out!";
 * so does the watchdog (watchdog.c) when a test blocks for good.
 * A "utest=PREFIX" word on the boot-info command line runs only the tests
 * whose name starts with PREFIX.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <l4/rt.h>
#include "utest_internal.h"

#define MAX_TESTS 1024

extern const struct utest __start_utests[], __stop_utests[];
static const struct utest *tests[MAX_TESTS];

static int current_failed;

void ut_fail(const char *file, int line, const char *fmt, ...)
{
    char msg[L4_PRINTF_MAX - 64];
    va_list ap;
    current_failed = 1;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    l4_printf("# %s:%d: %s\n", file, line, msg);
}

int ut_failed(void)
{
    return current_failed;
}

void ut_fail_status(const char *file, int line, const char *expr, l4_word_t got, l4_word_t expected)
{
    char detail[96] = "";
    unsigned n = got == L4_NO_ERROR ? 0 : l4_error_detail_words(got);
    for (unsigned i = 0, len = 0; i < n && len < sizeof detail; i++)
        len += (unsigned)snprintf(detail + len, sizeof detail - len, "%s%#lx",
                                  i ? ", " : " (detail ", (unsigned long)l4_get_mr(i));
    ut_fail(file, line, "%s: got %s (%lu)%s%s, expected %s (%lu)", expr, l4_error_name(got),
            (unsigned long)got, detail, n ? ")" : "", l4_error_name(expected),
            (unsigned long)expected);
}

/* The value of "utest=" on the command line, or "" (run everything). */
static void test_filter(const struct l4_boot_info *bi, char *out, size_t len)
{
    out[0] = '\0';
    const char *p = bi->cmdline;
    size_t max = sizeof bi->cmdline;
    for (size_t i = 0; i < max && p[i];) {
        if ((i == 0 || p[i - 1] == ' ') && !strncmp(p + i, "utest=", 6)) {
            size_t j = 0;
            for (i += 6; i < max && p[i] && p[i] != ' ' && j + 1 < len; i++)
                out[j++] = p[i];
            out[j] = '\0';
            return;
        }
        i++;
    }
}

static int selected(const struct utest *t, const char *filter)
{
    return !strncmp(t->name, filter, strlen(filter));
}

/* The selected tests in run order: files in link order (each file's tests
 * are together in the section), each file's tests in line order (the
 * compiler may emit them in any order). Returns their number. */
static unsigned order_tests(const struct utest **out, unsigned max, const char *filter)
{
    unsigned n = 0;
    for (const struct utest *t = __start_utests; t < __stop_utests && n < max; t++)
        if (selected(t, filter))
            out[n++] = t;
    for (unsigned i = 1; i < n; i++) {
        const struct utest *t = out[i];
        unsigned j = i;
        for (; j > 0 && !strcmp(out[j - 1]->file, t->file) && out[j - 1]->line > t->line; j--)
            out[j] = out[j - 1];
        out[j] = t;
    }
    return n;
}

int main(int argc, char **argv)
{
    const struct l4_boot_info *bi = l4_rt_boot_info();
    (void)argc;
    (void)argv;
    char filter[64], why[128];
    unsigned planned = 0, failed = 0;

    l4_puts("TAP version 13\n");
    if (!bi) {
        l4_puts("Bail out! no valid boot info\n");
        return 1;
    }
    if (ut_res_init(bi, why, sizeof why)) {
        l4_printf("Bail out! %s\n", why);
        return 1;
    }
    test_filter(bi, filter, sizeof filter);
    if (__stop_utests - __start_utests > MAX_TESTS) {
        l4_printf("Bail out! more than %d tests: raise MAX_TESTS in runner.c\n", MAX_TESTS);
        return 1;
    }
    if (ut_watchdog_start())
        l4_puts("# no watchdog: a test that blocks for good hangs the run\n");
    planned = order_tests(tests, MAX_TESTS, filter);
    l4_printf("1..%u\n", planned);
    if (filter[0])
        l4_printf("# only the tests whose name starts with \"%s\"\n", filter);

    for (unsigned i = 0; i < planned; i++) {
        const struct utest *t = tests[i];
        current_failed = 0;
        l4_printf("# %s: %s\n", t->name, t->desc);
        if (ut_res_begin() == 0) {
            ut_watchdog_test(i + 1, t->name);
            t->fn();
            ut_watchdog_test(0, 0);
            ut_res_end();
        }
        failed += (unsigned)current_failed;
        l4_printf("%s %u - %s\n", current_failed ? "not ok" : "ok", i + 1, t->name);
        if (!ut_res_intact()) {
            l4_printf("Bail out! %s damaged the root task's capabilities\n", t->name);
            return 1;
        }
    }
    l4_printf("# %u of %u tests failed\n", failed, planned);
    return failed ? 1 : 0;
}
