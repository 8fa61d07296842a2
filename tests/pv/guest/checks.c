/* SPDX-License-Identifier: MIT */
/*
 * The PV test guest's checks: what it was given at start (the contract of
 * docs/servers/README.md), then each server's hypercalls.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <l4/debug.h>
#include <string.h>
#include <l4/platform.h>
#include <l4/random.h>
#include <l4/rt.h>
#include <l4/start_info.h>
#include <l4/stubs_gen.h>
#include "pvtest.h"

static unsigned failures, count;
static const char *guest;

void pvtest_report(int ok, const char *file, int line, const char *cond, const char *fmt, ...)
{
    char text[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    count++;
    if (ok) {
        l4_printf("pvtest[%s]: ok %u - %s\n", guest, count, text);
    } else {
        failures++;
        l4_printf("pvtest[%s]: not ok %u - %s (%s:%d: %s)\n", guest, count, text, file, line, cond);
    }
}

/* The start-up contract: the capabilities and pages a guest is given. */
static void check_contract(void)
{
    static const char *const caps[] = {L4_PLAT_CAP_ROOT, L4_PLAT_CAP_UPCALL};
    for (unsigned i = 0; i < sizeof caps / sizeof caps[0]; i++)
        PVTEST_CHECK(l4_rt_cap(caps[i]) != L4_CPTR_NULL, "given capability '%s'", caps[i]);
    static const char *const pages[] = {L4_PLAT_PAGE_PV, L4_PLAT_PAGE_CONSOLE, L4_PLAT_PAGE_MEM};
    for (unsigned i = 0; i < sizeof pages / sizeof pages[0]; i++) {
        l4_word_t size = 0;
        volatile unsigned char *p = l4_rt_shared_page(pages[i], &size);
        PVTEST_CHECK(p && size >= 4096, "given shared page '%s'", pages[i]);
        if (p) { /* writable: a write and a read back */
            unsigned char old = p[size - 1];
            p[size - 1] = 0x5a;
            PVTEST_CHECK(p[size - 1] == 0x5a, "shared page '%s' is writable", pages[i]);
            p[size - 1] = old;
        }
    }
    /* the upcall notification can be bound to this thread */
    l4_cptr_t upcall = l4_rt_cap(L4_PLAT_CAP_UPCALL);
    PVTEST_CHECK(l4_tcb_bind_notification(l4_rt_start_info()->tcb, upcall) == L4_NO_ERROR,
                 "the upcall notification binds to the guest's thread");
    /* its entropy seed: 32 bytes as 64 hex digits, not all zero */
    const char *entropy = l4_rt_getenv(L4_PLAT_ENV_ENTROPY);
    uint8_t seed[L4_RANDOM_SEED_BYTES] = {0}, zero[L4_RANDOM_SEED_BYTES] = {0};
    PVTEST_CHECK(entropy && l4_random_unhex(entropy, seed) && memcmp(seed, zero, sizeof seed),
                 "an entropy seed of 32 bytes in the environment");
    /* its initramfs, when the manifest names one: mapped read-only, whole */
    const char *initrd = l4_rt_getenv(L4_PLAT_ENV_INITRAMFS);
    if (initrd) {
        unsigned long size = strtoul(initrd, 0, 10);
        const char *p = (const char *)(uintptr_t)L4_PLAT_INITRAMFS_VA;
        PVTEST_CHECK(size > 110 && memcmp(p, "070701", 6) == 0 &&
                         memcmp(p + 110, "hello", 6) == 0 && p[size - 1] == 0,
                     "its initramfs (%lu bytes) at L4_PLAT_INITRAMFS_VA", size);
    }
    /* what it was not given: no untyped memory, no device, no power */
    PVTEST_CHECK(l4_rt_power_control() == L4_CPTR_NULL, "no PowerControl capability");
}

unsigned pvtest_failures(void)
{
    return failures;
}

void pvtest_set_name(const char *name)
{
    guest = name;
}

unsigned pvtest_checks(const char *name)
{
    guest = name;
    check_contract();
    pvtest_mem_checks();
    pvtest_irq_checks();
    l4_printf("pvtest[%s]: %u checks, %u failed\n", guest, count, failures);
    return failures;
}
