/* SPDX-License-Identifier: MIT */
/*
 * User address spaces: four-level x86-64 page tables made of PML4, PDPT,
 * PD and PT objects.
 *
 * Interface (see <arch/mmu.h>): vspace_init_root() gives a new PML4 the
 * kernel's upper half (entries 256-511, shared, supervisor-only, so kernel
 * addresses are present in every space but unreachable from user mode);
 * vspace_map_4k() installs a user mapping at boot. The mapping
 * invocations walk and change tables through vspace_walk() and the
 * vspace_entry_*() constructors, and keep the TLB right with
 * vspace_flush(). Every user entry is present, user, and NX unless execute
 * was asked for; entries that point to tables are present, writable and
 * user, so that the leaf entry alone decides the access.
 */
#include <arch/cpu.h>
#include <arch/mmu.h>
#include <core/string.h>
#include <l4/abi_gen.h>

#define KERNEL_HALF_FIRST 256

void vspace_init_root(void *pml4)
{
    const uint64_t *k = phys_to_virt(paging_kernel_root());
    uint64_t *t = pml4;
    memcpy(&t[KERNEL_HALF_FIRST], &k[KERNEL_HALF_FIRST], KERNEL_HALF_FIRST * sizeof *t);
}

int vspace_map_4k(void *pml4, uint64_t va, paddr_t pa, unsigned vm_rights,
                  void *(*alloc_table)(int level))
{
    uint64_t *t = pml4;
    for (int level = 3; level > 0; level--) {
        uint64_t *e = &t[vspace_index(va, (unsigned)level)];
        if (!(*e & PTE_P)) {
            void *n = alloc_table(level - 1);
            if (!n)
                return -1;
            *e = virt_to_phys(n) | PTE_P | PTE_W | PTE_U;
        } else if (*e & PTE_PS) {
            return -1;
        }
        t = phys_to_virt(*e & PTE_ADDR_MASK);
    }
    uint64_t *pte = &t[vspace_index(va, 0)];
    if (*pte & PTE_P)
        return -1;
    *pte = pa | PTE_P | PTE_U | ((vm_rights & L4_VM_RIGHTS_WRITE) ? PTE_W : 0) |
           ((vm_rights & L4_VM_RIGHTS_EXECUTE) ? 0 : PTE_NX);
    return 0;
}

/* --- entries for the mapping invocations ------------------------------------- */

enum vspace_walk vspace_walk(void *pml4, uint64_t va, unsigned level, pte_t **entry)
{
    pte_t *t = pml4;
    for (unsigned l = VSPACE_TOP_LEVEL; l > level; l--) {
        pte_t e = t[vspace_index(va, l)];
        if (!(e & PTE_P))
            return VSPACE_NO_TABLE;
        if (e & PTE_PS)
            return VSPACE_LARGE_PAGE;
        t = phys_to_virt(e & PTE_ADDR_MASK);
    }
    *entry = &t[vspace_index(va, level)];
    return VSPACE_FOUND;
}

int vspace_entry_present(pte_t e)
{
    return (e & PTE_P) != 0;
}

int vspace_entry_maps(pte_t e, unsigned level, paddr_t pa)
{
    /* bit 7 is PS above level 0 (PAT in a PT entry); a 2 MiB entry's PAT
     * bit (12) lies inside the address field */
    int large = level > 0 && (e & PTE_PS);
    pte_t addr = large ? e & PTE_ADDR_MASK & ~PTE_PAT_LARGE : e & PTE_ADDR_MASK;
    return (e & PTE_P) && addr == pa;
}

static pte_t cache_bits(unsigned vm_attributes)
{
    return ((vm_attributes & L4_VM_ATTRIBUTES_WRITE_THROUGH) ? PTE_PWT : 0) |
           ((vm_attributes & L4_VM_ATTRIBUTES_CACHE_DISABLED) ? PTE_PCD : 0);
}

pte_t vspace_entry_table(paddr_t pa, unsigned vm_attributes)
{
    return pa | PTE_P | PTE_W | PTE_U | cache_bits(vm_attributes);
}

pte_t vspace_entry_frame(paddr_t pa, unsigned level, unsigned vm_rights, unsigned vm_attributes)
{
    pte_t e = pa | PTE_P | PTE_U | cache_bits(vm_attributes);
    if (vm_rights & L4_VM_RIGHTS_WRITE)
        e |= PTE_W;
    if (!(vm_rights & L4_VM_RIGHTS_EXECUTE))
        e |= PTE_NX;
    if (level > 0)
        e |= PTE_PS;
    if (vm_attributes & L4_VM_ATTRIBUTES_PAT)
        e |= level > 0 ? PTE_PAT_LARGE : PTE_PAT_4K;
    return e;
}

pte_t vspace_entry_none(void)
{
    return 0;
}

unsigned vspace_entry_rights(pte_t e)
{
    return L4_VM_RIGHTS_READ | ((e & PTE_W) ? L4_VM_RIGHTS_WRITE : 0) |
           ((e & PTE_NX) ? 0 : L4_VM_RIGHTS_EXECUTE);
}

void vspace_clear_table(void *table)
{
    memzero(table, PAGE_SIZE);
}

static int is_current(const void *pml4)
{
    return (read_cr3() & PTE_ADDR_MASK) == virt_to_phys(pml4);
}

void vspace_flush(const void *pml4, uint64_t va, int whole)
{
    if (!is_current(pml4))
        return;
    if (whole)
        write_cr3(read_cr3()); /* every non-global entry, and the paging-structure caches */
    else
        invlpg(va); /* also a 2 MiB entry covering va */
}

void vspace_release_root(const void *pml4)
{
    /* the thread that used it is going; until the next switch the kernel
     * runs on its own tables, which hold the same upper half */
    if (is_current(pml4))
        write_cr3(paging_kernel_root());
}
