/* SPDX-License-Identifier: MIT */
/*
 * The compartment's pseudo-physical pages (see shim.h): a free stack and a
 * reference count per page (a page shared after fork counts each mapping).
 * Pages are zeroed when handed out: a page freed by one process never
 * shows its bytes to another.
 */
#include <stdlib.h>
#include <string.h>
#include <l4/platform.h>
#include "shim.h"

uint64_t shim_phys_base = L4_PLAT_PHYS_BASE;

static uint16_t *refs;
static uint32_t *free_stack;
static l4_word_t nfree, first_pfn, npages;

int pmem_init(l4_word_t first, l4_word_t count)
{
    refs = calloc(first + count, sizeof *refs);
    free_stack = malloc(count * sizeof *free_stack);
    if (!refs || !free_stack)
        return -1;
    first_pfn = first;
    npages = first + count;
    /* lowest pages on top: handed out first */
    nfree = 0;
    for (l4_word_t p = npages; p-- > first;)
        free_stack[nfree++] = (uint32_t)p;
    return 0;
}

l4_word_t pmem_alloc(void)
{
    if (!nfree)
        return ~0ul;
    l4_word_t pfn = free_stack[--nfree];
    refs[pfn] = 1;
    memset(pmem_ptr(pfn), 0, SHIM_PAGE);
    return pfn;
}

void pmem_get(l4_word_t pfn)
{
    if (pfn >= first_pfn && pfn < npages)
        refs[pfn]++;
}

void pmem_put(l4_word_t pfn)
{
    if (pfn < first_pfn || pfn >= npages || refs[pfn] == 0)
        return;
    if (--refs[pfn] == 0)
        free_stack[nfree++] = (uint32_t)pfn;
}

unsigned pmem_refs(l4_word_t pfn)
{
    return pfn < npages ? refs[pfn] : 0;
}

l4_word_t pmem_free_pages(void)
{
    return nfree;
}
