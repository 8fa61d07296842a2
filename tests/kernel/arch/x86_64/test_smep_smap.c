/* SPDX-License-Identifier: MIT */
/*
 * In-kernel tests of SMEP and SMAP (turned on by cpu_enable_protections()).
 *
 * The CPU the tests run on must report both in CPUID, so that the tests
 * cannot pass without them. Each access test maps one page of kernel bss
 * at TEST_VA, a user address in the kernel's own (otherwise empty) lower
 * half, through vspace_map_4k() and three page tables of its own; it then
 * shows that kernel reads, writes and calls of the page fault while the
 * leaf entry has the U bit, and succeed with EFLAGS.AC set (SMAP) or with
 * the U bit cleared (SMAP and SMEP), so the fault is the protection and not
 * a missing mapping. Every test removes the mapping, reloads CR3 and checks
 * that the address no longer translates.
 */
#include <arch/cpu.h>
#include <arch/mmu.h>
#include <arch/trap.h>
#include <core/string.h>
#include <l4/abi_gen.h>
#include "../../ktest.h"
#include "probe.h"

#define CPUID7_EBX_SMEP (1u << 7)
#define CPUID7_EBX_SMAP (1u << 20)

/* page-fault error code bits */
#define PF_PRESENT (1u << 0) /* protection violation, not a missing page */
#define PF_WRITE   (1u << 1)
#define PF_USER    (1u << 2)
#define PF_FETCH   (1u << 4)

#define TEST_VA 0x0000000040000000ull

static uint8_t test_frame[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static uint64_t test_tables[3][512] __attribute__((aligned(PAGE_SIZE)));
static unsigned test_tables_used;

static uint64_t *current_pml4(void)
{
    return phys_to_virt(read_cr3() & PTE_ADDR_MASK);
}

static void *alloc_test_table(int level)
{
    (void)level;
    if (test_tables_used == 3)
        return 0;
    uint64_t *t = test_tables[test_tables_used++];
    memset(t, 0, PAGE_SIZE);
    return phys_to_virt(kernel_image_phys(t));
}

/* Map test_frame at TEST_VA, user, with L4_VM_RIGHTS_* `rights`. Returns 0,
 * or -1 (nothing changed) if the PML4 slot is in use. */
static int test_page_map(unsigned rights)
{
    uint64_t *pml4 = current_pml4();
    if (pml4[vspace_index(TEST_VA, VSPACE_TOP_LEVEL)] != 0)
        return -1;
    test_tables_used = 0;
    return vspace_map_4k(pml4, TEST_VA, kernel_image_phys(test_frame), rights, alloc_test_table);
}

/* Turn TEST_VA into a supervisor page (U clear in the leaf) and flush it. */
static void test_page_make_supervisor(void)
{
    pte_t *e = 0;
    if (vspace_walk(current_pml4(), TEST_VA, 0, &e) == VSPACE_FOUND)
        *e &= ~PTE_U;
    vspace_flush(current_pml4(), TEST_VA, 0);
}

/* Remove the PML4 entry and everything below it, flush; returns 1 if the
 * address then faults as not present. */
static int test_page_unmap(void)
{
    uint64_t *pml4 = current_pml4();
    pml4[vspace_index(TEST_VA, VSPACE_TOP_LEVEL)] = 0;
    vspace_flush(pml4, TEST_VA, 1); /* CR3 reload: TLB and paging-structure caches */
    for (unsigned i = 0; i < 3; i++)
        memset(test_tables[i], 0, PAGE_SIZE);
    return paging_lookup(TEST_VA) == 0 && probe_read((const void *)TEST_VA) == 14 &&
           (fault_recovery.last_error & PF_PRESENT) == 0;
}

KTEST(smep_smap_reported_and_on, "the test CPU reports SMEP and SMAP in CPUID; CR4 has both on "
                                 "and kernel code runs with EFLAGS.AC clear")
{
    KT_ASSERT(cpuid(0, 0).eax >= 7);
    uint32_t ebx = cpuid(7, 0).ebx;
    KT_ASSERT(ebx & CPUID7_EBX_SMEP);
    KT_ASSERT(ebx & CPUID7_EBX_SMAP);
    KT_EQ(cpu_features.smep, 1);
    KT_EQ(cpu_features.smap, 1);
    KT_ASSERT(read_cr4() & CR4_SMEP);
    KT_ASSERT(read_cr4() & CR4_SMAP);
    KT_EQ(read_rflags() & RFLAGS_AC, 0);
}

static void check_smap_read(void)
{
    uint64_t e = paging_lookup(TEST_VA);
    KT_ASSERT((e & PTE_P) && (e & PTE_U));
    KT_EQ(probe_read((const void *)TEST_VA), 14);
    KT_EQ(fault_recovery.last_error & (PF_PRESENT | PF_WRITE | PF_USER | PF_FETCH), PF_PRESENT);
    KT_EQ(fault_recovery.last_cr2, TEST_VA);
    KT_EQ(probe_read_ac((const void *)TEST_VA), -1);
    KT_EQ(read_rflags() & RFLAGS_AC, 0);
}

KTEST(smap_user_read_faults, "SMAP: a kernel read of a user page raises a protection #PF; with "
                             "EFLAGS.AC set it succeeds")
{
    KT_EQ(cpu_features.smap, 1);
    KT_EQ(test_page_map(L4_VM_RIGHTS_READ | L4_VM_RIGHTS_WRITE), 0);
    check_smap_read();
    KT_ASSERT(test_page_unmap());
}

static void check_smap_write(void)
{
    volatile uint64_t *word = (volatile uint64_t *)test_frame;
    *word = 0x1111;
    KT_EQ(probe_write((void *)TEST_VA, 0x2222), 14);
    KT_EQ(fault_recovery.last_error & (PF_PRESENT | PF_WRITE | PF_USER | PF_FETCH),
          PF_PRESENT | PF_WRITE);
    KT_EQ(fault_recovery.last_cr2, TEST_VA);
    KT_EQ(*word, 0x1111);
    /* the stac write lands in the frame: the mapping was there all along */
    KT_EQ(probe_write_ac((void *)TEST_VA, 0x3333), -1);
    KT_EQ(read_rflags() & RFLAGS_AC, 0);
    KT_EQ(*word, 0x3333);
    /* a fault with AC set still leaves AC clear */
    KT_EQ(probe_write_ac((void *)(TEST_VA + PAGE_SIZE), 0), 14);
    KT_EQ(read_rflags() & RFLAGS_AC, 0);
}

KTEST(smap_user_write_faults, "SMAP: a kernel write of a user page raises a protection #PF and "
                              "changes nothing; with EFLAGS.AC set it lands")
{
    KT_EQ(cpu_features.smap, 1);
    KT_EQ(test_page_map(L4_VM_RIGHTS_READ | L4_VM_RIGHTS_WRITE), 0);
    check_smap_write();
    KT_ASSERT(test_page_unmap());
}

static void check_supervisor_access(void)
{
    volatile uint64_t *word = (volatile uint64_t *)test_frame;
    test_page_make_supervisor();
    KT_EQ(paging_lookup(TEST_VA) & PTE_U, 0);
    KT_EQ(probe_write((void *)TEST_VA, 0x4444), -1);
    KT_EQ(*word, 0x4444);
    KT_EQ(probe_read((const void *)TEST_VA), -1);
}

KTEST(smap_supervisor_page_allowed, "the same page with the U bit cleared is read and written "
                                    "without EFLAGS.AC")
{
    KT_EQ(test_page_map(L4_VM_RIGHTS_READ | L4_VM_RIGHTS_WRITE), 0);
    check_supervisor_access();
    KT_ASSERT(test_page_unmap());
}

static void check_smep(void)
{
    test_frame[0] = 0xc3; /* ret */
    uint64_t e = paging_lookup(TEST_VA);
    KT_ASSERT((e & PTE_P) && (e & PTE_U));
    KT_EQ(e & PTE_NX, 0);
    KT_EQ(probe_exec((const void *)TEST_VA), 14);
    KT_EQ(fault_recovery.last_error & (PF_PRESENT | PF_WRITE | PF_USER | PF_FETCH),
          PF_PRESENT | PF_FETCH);
    KT_EQ(fault_recovery.last_cr2, TEST_VA);
    test_page_make_supervisor();
    KT_EQ(probe_exec((const void *)TEST_VA), -1);
}

KTEST(smep_user_exec_faults, "SMEP: a kernel call into an executable user page raises an "
                             "instruction-fetch #PF; the same bytes on a supervisor page run")
{
    KT_EQ(cpu_features.smep, 1);
    KT_EQ(test_page_map(L4_VM_RIGHTS_READ | L4_VM_RIGHTS_EXECUTE), 0);
    check_smep();
    KT_ASSERT(test_page_unmap());
}
