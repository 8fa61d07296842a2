/* SPDX-License-Identifier: MIT */
/* In-kernel tests: the kernel's page tables enforce W^X and drop the identity map. */
#include <arch/cpu.h>
#include <arch/mmu.h>
#include <arch/trap.h>
#include "../../ktest.h"
#include "probe.h"

extern char __text_start[], __rodata_start[], __data_start[], __bss_end[];
static uint64_t data_word = 0x1234;
static const uint64_t rodata_word = 0x5678;

static void returns_at_once(void)
{
}

KTEST(paging_text_rx, "kernel text is mapped present, read-only, executable, supervisor")
{
    uint64_t e = paging_lookup((uintptr_t)__text_start);
    KT_ASSERT(e & PTE_P);
    KT_ASSERT(!(e & PTE_W));
    KT_ASSERT(!(e & PTE_NX));
    KT_ASSERT(!(e & PTE_U));
}

KTEST(paging_rodata_r_nx, "kernel rodata is read-only and not executable")
{
    uint64_t e = paging_lookup((uintptr_t)&rodata_word);
    KT_ASSERT(e & PTE_P);
    KT_ASSERT(!(e & PTE_W));
    KT_ASSERT(e & PTE_NX);
}

KTEST(paging_data_rw_nx, "kernel data and bss are writable and not executable")
{
    uint64_t e = paging_lookup((uintptr_t)&data_word);
    KT_ASSERT((e & PTE_P) && (e & PTE_W) && (e & PTE_NX));
    e = paging_lookup((uintptr_t)__bss_end - 1);
    KT_ASSERT((e & PTE_P) && (e & PTE_W) && (e & PTE_NX));
}

KTEST(paging_physmap_rw_nx, "the direct map is writable, not executable, supervisor only")
{
    uint64_t e = paging_lookup((uintptr_t)phys_to_virt(0x200000));
    KT_ASSERT((e & PTE_P) && (e & PTE_W) && (e & PTE_NX) && !(e & PTE_U));
}

KTEST(paging_physmap_aliases_image, "the direct map shows the kernel image's own bytes")
{
    const uint64_t *alias = phys_to_virt(kernel_image_phys(&data_word));
    KT_EQ(*alias, data_word);
}

KTEST(paging_write_text_faults, "writing kernel text raises a protection #PF (W^X)")
{
    KT_EQ(probe_write(__text_start, 0), 14);
    KT_EQ(fault_recovery.last_error & 3, 3); /* present, write */
}

KTEST(paging_write_rodata_faults, "writing kernel rodata raises a protection #PF")
{
    KT_EQ(probe_write((void *)&rodata_word, 0), 14);
    KT_EQ(rodata_word, 0x5678);
}

KTEST(paging_exec_data_faults, "executing from a data page raises an instruction-fetch #PF (NX)")
{
    static uint8_t ret_insn[16] = {0xc3}; /* ret */
    KT_EQ(probe_exec(ret_insn), 14);
    KT_ASSERT(fault_recovery.last_error & 16); /* instruction fetch */
}

KTEST(paging_exec_physmap_faults, "executing through the direct map raises #PF (NX)")
{
    static uint8_t ret_insn[16] = {0xc3};
    KT_EQ(probe_exec(phys_to_virt(kernel_image_phys(ret_insn))), 14);
}

KTEST(paging_exec_text_runs, "calling kernel text through a probe runs it")
{
    KT_EQ(probe_exec((const void *)returns_at_once), -1);
}

KTEST(paging_identity_map_gone, "the boot identity map of low memory is gone")
{
    KT_EQ(probe_read((const void *)0x100000), 14);
    KT_EQ(paging_lookup(0x100000) & PTE_P, 0);
}

KTEST(paging_user_half_empty, "nothing is mapped in the user half of the kernel's space")
{
    const uint64_t *pml4 = phys_to_virt(read_cr3() & PTE_ADDR_MASK);
    for (int i = 0; i < 256; i++)
        KT_EQ(pml4[i], 0);
}

extern char boot_stack_guard[], boot_stack_bottom[];

KTEST(paging_stack_guard, "the page below the kernel stack is unmapped, the stack itself writable")
{
    KT_EQ(paging_lookup((uintptr_t)boot_stack_guard) & PTE_P, 0);
    KT_EQ((uintptr_t)boot_stack_guard + PAGE_SIZE, (uintptr_t)boot_stack_bottom);
    uint64_t e = paging_lookup((uintptr_t)boot_stack_bottom);
    KT_ASSERT(e & PTE_P);
    KT_ASSERT(e & PTE_W);
}
