/* SPDX-License-Identifier: MIT */
/*
 * Deliberate failure modes of the test image (ktest.selftest=...), used to
 * prove that the runner reports each of them as a failure.
 */
#include <stdint.h>
#include <core/panic.h>
#include <core/string.h>

void ktest_selftest(const char *mode);

void ktest_selftest(const char *mode)
{
    if (!strncmp(mode, "panic", 6))
        panic("ktest selftest: deliberate panic");
    if (!strncmp(mode, "hang", 5)) {
        for (;;)
            __asm__ volatile("cli; hlt");
    }
    if (!strncmp(mode, "triplefault", 12)) {
        /* An empty IDT turns the next exception into a triple fault. */
        struct {
            uint16_t limit;
            uint64_t base;
        } __attribute__((packed)) empty = {0, 0};
        __asm__ volatile("lidt %0; int3" : : "m"(empty));
    }
    panic("ktest selftest: unknown mode '%s'", mode);
}
