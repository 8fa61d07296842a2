/* SPDX-License-Identifier: MIT */
/*
 * Host fake of the arch hooks (<core/arch_hooks.h>), so that arch-free
 * kernel code links into native unit tests. Console output is collected
 * in fake_console for assertions; power-off and halt abort the test.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arch/context.h>
#include <arch/mmu.h>
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

/* --- threads: the host never enters user mode ------------------------------ */

void arch_init_threads(void)
{
}

uint64_t arch_tsc_hz(void)
{
    return 0;
}

struct tcb *fake_switched_to;

void arch_switch_to(struct tcb *prev, struct tcb *next)
{
    (void)prev;
    fake_switched_to = next;
}

void arch_idle(void)
{
    fprintf(stderr, "fake arch: idle with nothing runnable\n");
    abort();
}

_Noreturn void arch_exit_to_user(void)
{
    abort();
}

void ctx_init(struct arch_context *c)
{
    memset(c, 0, sizeof *c);
    c->regs.rflags = RFLAGS_FIXED1 | RFLAGS_IF_BIT;
}

uint64_t ctx_get_user_word(const struct arch_context *c, unsigned i)
{
    return i == 0 ? c->regs.rip : i == 1 ? c->regs.rsp : 0;
}

int ctx_user_word_valid(unsigned i, uint64_t v)
{
    return i < L4_USER_CONTEXT_WORDS && (i > 1 || v < L4_USER_TOP);
}

void ctx_set_user_word(struct arch_context *c, unsigned i, uint64_t v)
{
    if (i == 0)
        c->regs.rip = v;
    else if (i == 1)
        c->regs.rsp = v;
}

void vspace_init_root(void *pml4)
{
    (void)pml4;
}

const char *trap_vector_name(uint64_t vector)
{
    return vector < 32 ? "exception" : "interrupt";
}
