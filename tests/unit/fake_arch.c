/* SPDX-License-Identifier: MIT */
/*
 * Host fake of the arch hooks (<core/arch_hooks.h>), so that arch-free
 * kernel code links into native unit tests. Console output is collected
 * in fake_console for assertions; power-off and halt abort the test.
 */
#include <stdio.h>
#include <stdlib.h>
#include <core/arch_hooks.h>
#include "fake_arch.h"

char fake_console[4096];
size_t fake_console_len;

void arch_init_early(void)
{
}

void arch_init_memory(uint64_t ram_end)
{
    (void)ram_end;
}

void arch_console_putc(char c)
{
    if (fake_console_len + 1 < sizeof fake_console) {
        fake_console[fake_console_len++] = c;
        fake_console[fake_console_len] = '\0';
    }
}

const void *arch_boot_phys_map(uint64_t pa, uint64_t len)
{
    (void)pa;
    (void)len;
    return NULL;
}

void arch_backtrace(void)
{
}

_Noreturn void arch_poweroff(int status)
{
    fprintf(stderr, "fake arch: power-off with status %d\n", status);
    abort();
}

_Noreturn void arch_halt(void)
{
    abort();
}

const char *arch_cpu_description(void)
{
    return "host fake";
}

void arch_kernel_extent(uint64_t *start, uint64_t *end)
{
    *start = 0x100000;
    *end = 0x200000;
}
