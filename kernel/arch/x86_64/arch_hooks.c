/* SPDX-License-Identifier: MIT */
/*
 * x86-64 definitions of the arch hooks (<core/arch_hooks.h>) that do not
 * belong to one device or table: early init order, power-off through
 * QEMU's isa-debug-exit port, halting, backtraces, early physical access.
 */
#include <arch/cpu.h>
#include <arch/mmu.h>
#include <arch/trap.h>
#include <core/arch_hooks.h>
#include <core/console.h>

void serial_init(void);

extern char __kernel_phys_start[], __kernel_bss_end_phys[];

void arch_init_early(void)
{
    serial_init();
    gdt_init();
    idt_init();
    cpu_detect();
    cpu_enable_protections();
}

void arch_init_memory(uint64_t ram_end)
{
    paging_init(ram_end);
}

void arch_init_threads(void)
{
    context_init();
    timer_init();
}

const void *arch_boot_phys_map(uint64_t pa, uint64_t len)
{
    if (pa >= BOOT_IDENTITY_LIMIT || len > BOOT_IDENTITY_LIMIT - pa)
        return 0;
    return (const void *)(uintptr_t)pa;
}

void arch_kernel_extent(uint64_t *start, uint64_t *end)
{
    *start = (uint64_t)(uintptr_t)__kernel_phys_start;
    *end = (uint64_t)(uintptr_t)__kernel_bss_end_phys;
}

void arch_backtrace(void)
{
    const uint64_t *fp = __builtin_frame_address(0);
    kputs("backtrace (addr2line -e tessera.elf):\n");
    for (int depth = 0; fp && depth < 16; depth++) {
        /* Only follow frames inside the kernel's half of the address space. */
        if ((uintptr_t)fp < PHYSMAP_BASE || ((uintptr_t)fp & 7))
            break;
        uint64_t ret = fp[1];
        if (ret < KERNEL_VMA_BASE)
            break;
        kprintf("  %#lx\n", ret);
        fp = (const uint64_t *)fp[0];
    }
}

_Noreturn void arch_halt(void)
{
    for (;;)
        __asm__ volatile("cli; hlt");
}

_Noreturn void arch_poweroff(int status)
{
    outb(DEBUG_EXIT_PORT, (uint8_t)status);
    /* Not under QEMU with isa-debug-exit: stop here. */
    arch_halt();
}
