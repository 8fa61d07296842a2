/* SPDX-License-Identifier: MIT */
/*
 * Arithmetic on sets of physical memory ranges [start, end).
 *
 * Interface: memmap_normalize() sorts, page-aligns inward and merges;
 * memmap_subtract() removes a range (splitting where needed);
 * memmap_total() sums. Used at boot to turn the loader's RAM map into the
 * free memory that will become untyped capabilities.
 */
#ifndef CORE_MEMMAP_H
#define CORE_MEMMAP_H

#include <stdint.h>

struct mem_range {
    uint64_t start, end;
};

#define MEMMAP_PAGE 4096ull

/* Returns the new count. */
unsigned memmap_normalize(struct mem_range *r, unsigned n);

/* Removes [start, end) from the n ranges in r (capacity cap). Returns the new
 * count, or -1 if a split would need more than cap entries (r unchanged). */
int memmap_subtract(struct mem_range *r, unsigned n, unsigned cap, uint64_t start, uint64_t end);

uint64_t memmap_total(const struct mem_range *r, unsigned n);

/* 1 if [start, end) lies entirely inside one range of r. */
int memmap_contains(const struct mem_range *r, unsigned n, uint64_t start, uint64_t end);

#endif
