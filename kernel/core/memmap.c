/* SPDX-License-Identifier: MIT */
/*
 * Physical memory range arithmetic (see <core/memmap.h>). Pure functions,
 * no allocation; tested on the host by tests/unit/test_memmap.c.
 */
#include <core/memmap.h>

static uint64_t align_up(uint64_t v)
{
    uint64_t a = (v + MEMMAP_PAGE - 1) & ~(MEMMAP_PAGE - 1);
    return a < v ? ~(MEMMAP_PAGE - 1) : a; /* saturate instead of wrapping */
}

static uint64_t align_down(uint64_t v)
{
    return v & ~(MEMMAP_PAGE - 1);
}

unsigned memmap_normalize(struct mem_range *r, unsigned n)
{
    unsigned k = 0;
    for (unsigned i = 0; i < n; i++) {
        uint64_t s = align_up(r[i].start), e = align_down(r[i].end);
        if (s < e)
            r[k++] = (struct mem_range){s, e};
    }
    /* insertion sort: the loader's map has a few dozen entries at most */
    for (unsigned i = 1; i < k; i++) {
        struct mem_range x = r[i];
        unsigned j = i;
        for (; j > 0 && r[j - 1].start > x.start; j--)
            r[j] = r[j - 1];
        r[j] = x;
    }
    unsigned m = 0;
    for (unsigned i = 0; i < k; i++) {
        if (m && r[i].start <= r[m - 1].end) {
            if (r[i].end > r[m - 1].end)
                r[m - 1].end = r[i].end;
        } else {
            r[m++] = r[i];
        }
    }
    return m;
}

int memmap_subtract(struct mem_range *r, unsigned n, unsigned cap, uint64_t start, uint64_t end)
{
    if (start >= end)
        return (int)n;
    unsigned splits = 0;
    for (unsigned i = 0; i < n; i++)
        if (r[i].start < start && r[i].end > end)
            splits++;
    if (n + splits > cap)
        return -1;
    for (unsigned i = 0; i < n; i++) {
        struct mem_range x = r[i];
        if (x.end <= start || x.start >= end)
            continue;
        if (x.start < start && x.end > end) {
            /* split: keep the low part here, insert the high part after it */
            for (unsigned j = n; j > i + 1; j--)
                r[j] = r[j - 1];
            r[i].end = start;
            r[i + 1] = (struct mem_range){end, x.end};
            n++;
            i++;
        } else if (x.start < start) {
            r[i].end = start;
        } else if (x.end > end) {
            r[i].start = end;
        } else {
            for (unsigned j = i; j + 1 < n; j++)
                r[j] = r[j + 1];
            n--;
            i--;
        }
    }
    return (int)n;
}

uint64_t memmap_total(const struct mem_range *r, unsigned n)
{
    uint64_t t = 0;
    for (unsigned i = 0; i < n; i++)
        t += r[i].end - r[i].start;
    return t;
}

int memmap_contains(const struct mem_range *r, unsigned n, uint64_t start, uint64_t end)
{
    for (unsigned i = 0; i < n; i++)
        if (r[i].start <= start && end <= r[i].end)
            return 1;
    return 0;
}
