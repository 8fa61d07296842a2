/* SPDX-License-Identifier: MIT */
/*
 * User address spaces: four-level x86-64 page tables made of PML4, PDPT,
 * PD and PT objects.
 *
 * Interface (see <arch/mmu.h>): vspace_init_root() gives a new PML4 the
 * kernel's upper half (entries 256-511, shared, supervisor-only, so kernel
 * addresses are present in every space but unreachable from user mode);
 * vspace_map_4k() installs a user mapping. Every user entry is present,
 * user, and NX unless execute was asked for.
 */
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

static unsigned index_at(uint64_t va, int level)
{
    return (va >> (12 + 9 * level)) & 511;
}

int vspace_map_4k(void *pml4, uint64_t va, paddr_t pa, unsigned vm_rights,
                  void *(*alloc_table)(int level))
{
    uint64_t *t = pml4;
    for (int level = 3; level > 0; level--) {
        uint64_t *e = &t[index_at(va, level)];
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
    uint64_t *pte = &t[index_at(va, 0)];
    if (*pte & PTE_P)
        return -1;
    *pte = pa | PTE_P | PTE_U | ((vm_rights & L4_VM_RIGHTS_WRITE) ? PTE_W : 0) |
           ((vm_rights & L4_VM_RIGHTS_EXECUTE) ? 0 : PTE_NX);
    return 0;
}
