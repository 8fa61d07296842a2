/* SPDX-License-Identifier: MIT */
/*
 * Host fake of the arch hooks (<core/arch_hooks.h>), so that arch-free
 * kernel code links into native unit tests. The arch object hooks are not
 * faked: the unit tests compile the arch's own object files
 * (kernel_arch_object_sources), so test_vspace.c and test_ioport.c test
 * the real page-table and I/O-port logic on these fakes. Console output is collected
 * in fake_console for assertions; power-off and halt abort the test.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arch/context.h>
#include <arch/mmu.h>
#include <core/arch_hooks.h>
#include <core/string.h>
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

/* FPU images: the host has no thread state to move */
void arch_fpu_image_read(const struct tcb *t, uint8_t *image)
{
    (void)t;
    memset(image, 0, ARCH_FPU_IMAGE_SIZE);
}

int arch_fpu_image_check(const uint8_t *image)
{
    (void)image;
    return 0;
}

void arch_fpu_image_write(struct tcb *t, const uint8_t *image)
{
    (void)t;
    (void)image;
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

/* --- interrupts and I/O ports: recorded for the tests ---------------------- */

unsigned fake_irq_lines = 24;
int fake_irq_unmasked[IRQ_LINES_MAX]; /* 0: masked, as at boot */
uint16_t fake_ioport_last_port;
unsigned fake_ioport_last_bytes;
uint32_t fake_ioport_last_value;

unsigned arch_irq_first(void)
{
    return 1;
}

unsigned arch_irq_count(void)
{
    return fake_irq_lines;
}

void arch_irq_mask(unsigned irq)
{
    fake_irq_unmasked[irq] = 0;
}

void arch_irq_unmask(unsigned irq)
{
    fake_irq_unmasked[irq] = 1;
}

uint32_t arch_ioport_in(uint16_t port, unsigned bytes)
{
    fake_ioport_last_port = port;
    fake_ioport_last_bytes = bytes;
    return 0x12345678u & (bytes == 4 ? ~0u : (1u << (8 * bytes)) - 1);
}

void arch_ioport_out(uint16_t port, unsigned bytes, uint32_t value)
{
    fake_ioport_last_port = port;
    fake_ioport_last_bytes = bytes;
    fake_ioport_last_value = value;
}

int arch_ioport_kernel_owned(uint16_t first, uint16_t last)
{
    return first <= 0xf7 && 0xf4 <= last; /* a power-off stand-in */
}

int arch_ioport_is_console(uint16_t first, uint16_t last)
{
    return first <= 0x3ff && 0x3f8 <= last; /* COM1 */
}

/* The kernel's is arch code (string.S); the host's memset does the same. */
void memzero(void *dst, size_t n)
{
    memset(dst, 0, n);
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

/* Page tables: the host has none, so every walk stops at the PML4. */
enum vspace_walk vspace_walk(void *pml4, uint64_t va, unsigned level, pte_t **entry)
{
    (void)pml4, (void)va, (void)level, (void)entry;
    return VSPACE_NO_TABLE;
}

int vspace_entry_present(pte_t e)
{
    return e != 0;
}

int vspace_entry_maps(pte_t e, unsigned level, paddr_t pa)
{
    (void)level;
    return e != 0 && (e & ~0xfffull) == pa;
}

pte_t vspace_entry_table(paddr_t pa, unsigned vm_attributes)
{
    (void)vm_attributes;
    return pa | 1;
}

pte_t vspace_entry_frame(paddr_t pa, unsigned level, unsigned vm_rights, unsigned vm_attributes)
{
    (void)level, (void)vm_rights, (void)vm_attributes;
    return pa | 1;
}

pte_t vspace_entry_none(void)
{
    return 0;
}

unsigned vspace_entry_rights(pte_t e)
{
    (void)e;
    return L4_VM_RIGHTS_READ;
}

void vspace_clear_table(void *table)
{
    memset(table, 0, 4096);
}

void vspace_flush(const void *pml4, uint64_t va, int whole)
{
    (void)pml4, (void)va, (void)whole;
}

void vspace_release_root(const void *pml4)
{
    (void)pml4;
}

const char *trap_vector_name(uint64_t vector)
{
    return vector < 32 ? "exception" : "interrupt";
}
