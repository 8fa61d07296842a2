/* SPDX-License-Identifier: MIT */
/*
 * A process's memory (see shim.h, docs/linux/kernel.md "Memory").
 *
 * The shim keeps, per process, its areas (VMAs: what the process may touch,
 * with which protection) and a mirror of its page table (which
 * pseudo-physical page backs each mapped virtual page). The memory server
 * holds the real mappings; the shim asks it to map a page when the process
 * first touches it (demand paging: the fault comes here as exception IPC,
 * is resolved with one Map, and the thread retries), and to unmap or
 * protect ranges with one Batch. The shim reads and writes the process's
 * memory through its own window on the same pages (pmem_ptr()), never by
 * a kernel call.
 */
#include <stdlib.h>
#include <string.h>
#include <l4/platform.h>
#include <l4/proto/mem_client_gen.h>
#include <l4/rt.h>
#include <shim/linux_abi.h>
#include "shim.h"

#define TOMB          1u /* a deleted pagemap entry (virtual page 1 is never mapped) */
#define MMAP_TOP      UINT64_C(0x00007f0000000000)
#define USER_MIN      UINT64_C(0x10000)
#define USER_TOP      UINT64_C(0x00007ffffffff000)
#define MAP_SHARED    0x01
#define MAP_PRIVATE   0x02
#define MAP_FIXED     0x10
#define MAP_ANONYMOUS 0x20

unsigned mm_rights_of(unsigned prot)
{
    unsigned r = MEM_BATCH_ENTRY_RIGHT_READ;
    if (prot & LINUX_PROT_WRITE)
        r |= MEM_BATCH_ENTRY_RIGHT_WRITE;
    if (prot & LINUX_PROT_EXEC)
        r |= MEM_BATCH_ENTRY_RIGHT_EXEC;
    return r;
}

static long err_of(mem_status_t st)
{
    return st == MEM_ERROR_QUOTA_EXHAUSTED ? -LINUX_ENOMEM : -LINUX_EFAULT;
}

static void unmap_range(struct mm *mm, uint64_t start, uint64_t end);

/* --- The page map mirror --------------------------------------------------- */

static size_t slot_of(const struct mm *mm, uint64_t vpn)
{
    return (size_t)((vpn * UINT64_C(0x9e3779b97f4a7c15)) >> 20) & (mm->map_cap - 1);
}

static struct pagemap_entry *pm_find(const struct mm *mm, uint64_t vpn)
{
    for (size_t i = slot_of(mm, vpn), n = 0; n < mm->map_cap;
         i = (i + 1) & (mm->map_cap - 1), n++) {
        if (mm->map[i].vpn == vpn)
            return &mm->map[i];
        if (mm->map[i].vpn == 0)
            return NULL;
    }
    return NULL;
}

static int pm_grow(struct mm *mm)
{
    size_t cap = mm->map_cap * 2;
    struct pagemap_entry *old = mm->map, *n = calloc(cap, sizeof *n);
    if (!n)
        return -LINUX_ENOMEM;
    size_t oldcap = mm->map_cap;
    mm->map = n;
    mm->map_cap = cap;
    mm->map_used = 0;
    for (size_t i = 0; i < oldcap; i++)
        if (old[i].vpn > TOMB) {
            size_t j = slot_of(mm, old[i].vpn);
            while (n[j].vpn)
                j = (j + 1) & (cap - 1);
            n[j] = old[i];
            mm->map_used++;
        }
    free(old);
    return 0;
}

static int pm_insert(struct mm *mm, uint64_t vpn, l4_word_t pfn, unsigned prot)
{
    if ((mm->map_used + 1) * 2 > mm->map_cap && pm_grow(mm) != 0)
        return -LINUX_ENOMEM;
    size_t i = slot_of(mm, vpn);
    while (mm->map[i].vpn > TOMB)
        i = (i + 1) & (mm->map_cap - 1);
    mm->map[i] = (struct pagemap_entry){vpn, (uint32_t)pfn, prot};
    mm->map_used++;
    return 0;
}

int mm_init(struct mm *mm)
{
    memset(mm, 0, sizeof *mm);
    mm->map_cap = 256;
    mm->map = calloc(mm->map_cap, sizeof *mm->map);
    if (!mm->map)
        return -LINUX_ENOMEM;
    mem_status_t st = mem_space_create(shim.mem, &mm->space);
    if (st != L4_NO_ERROR) {
        free(mm->map);
        mm->map = NULL;
        return err_of(st);
    }
    mm->mmap_top = MMAP_TOP;
    return 0;
}

void mm_destroy(struct mm *mm)
{
    if (!mm->map)
        return;
    (void)mem_space_destroy(shim.mem, mm->space); /* every mapping goes with it */
    for (size_t i = 0; i < mm->map_cap; i++)
        if (mm->map[i].vpn > TOMB)
            pmem_put(mm->map[i].pfn);
    free(mm->map);
    mm->map = NULL;
}

/* --- Areas ----------------------------------------------------------------- */

const struct vma *mm_find_vma(const struct mm *mm, uint64_t addr)
{
    for (unsigned i = 0; i < mm->nvmas; i++)
        if (addr >= mm->vmas[i].start && addr < mm->vmas[i].end)
            return &mm->vmas[i];
    return NULL;
}

/* Remove [start, end) from the areas, splitting those that straddle it. */
static int vma_cut(struct mm *mm, uint64_t start, uint64_t end)
{
    for (unsigned i = 0; i < mm->nvmas; i++) {
        struct vma *v = &mm->vmas[i];
        if (v->end <= start || v->start >= end)
            continue;
        if (v->start < start && v->end > end) { /* split in two */
            if (mm->nvmas == MM_MAX_VMAS)
                return -LINUX_ENOMEM;
            memmove(&mm->vmas[i + 2], &mm->vmas[i + 1], (mm->nvmas - i - 1) * sizeof *v);
            mm->vmas[i + 1] = *v;
            mm->vmas[i + 1].start = end;
            v->end = start;
            mm->nvmas++;
            return 0;
        }
        if (v->start < start) {
            v->end = start;
        } else if (v->end > end) {
            v->start = end;
        } else { /* wholly inside: drop it */
            memmove(v, v + 1, (mm->nvmas - i - 1) * sizeof *v);
            mm->nvmas--;
            i--;
        }
    }
    return 0;
}

int mm_add_vma(struct mm *mm, uint64_t start, uint64_t end, unsigned prot)
{
    struct vma v = {start, end, prot, 0, 0};
    return mm_add_area(mm, &v);
}

/* Split the area that straddles at, if any. */
static int vma_split(struct mm *mm, uint64_t at)
{
    for (unsigned i = 0; i < mm->nvmas; i++) {
        struct vma *v = &mm->vmas[i];
        if (v->start < at && v->end > at) {
            if (mm->nvmas == MM_MAX_VMAS)
                return -LINUX_ENOMEM;
            memmove(&mm->vmas[i + 1], v, (mm->nvmas - i) * sizeof *v);
            mm->nvmas++;
            v->end = at;
            mm->vmas[i + 1].start = at;
            return 0;
        }
    }
    return 0;
}

bool mm_pfn_of(const struct mm *mm, uint64_t addr, l4_word_t *pfn)
{
    const struct pagemap_entry *e = pm_find(mm, addr >> 12);
    if (!e)
        return false;
    *pfn = e->pfn;
    return true;
}

void mm_drop_page(struct mm *mm, uint64_t addr)
{
    addr &= ~UINT64_C(0xfff);
    if (pm_find(mm, addr >> 12))
        unmap_range(mm, addr, addr + SHIM_PAGE);
}

bool mm_page_shared(const struct mm *mm, uint64_t addr)
{
    const struct vma *v = mm_find_vma(mm, addr);
    return v && (v->flags & VMA_SHARED);
}

int mm_add_area(struct mm *mm, const struct vma *area)
{
    uint64_t start = area->start, end = area->end;
    unsigned prot = area->prot;
    if (start >= end || start < USER_MIN || end > USER_TOP)
        return -LINUX_EINVAL;
    int e = vma_cut(mm, start, end);
    if (e)
        return e;
    if (mm->nvmas == MM_MAX_VMAS)
        return -LINUX_ENOMEM;
    unsigned i = 0;
    while (i < mm->nvmas && mm->vmas[i].start < start)
        i++;
    memmove(&mm->vmas[i + 1], &mm->vmas[i], (mm->nvmas - i) * sizeof mm->vmas[0]);
    mm->vmas[i] = *area;
    mm->vmas[i].prot = prot;
    mm->nvmas++;
    return 0;
}

/* --- Pages ------------------------------------------------------------------ */

int mm_record(struct mm *mm, uint64_t addr, l4_word_t pfn, unsigned prot)
{
    return pm_insert(mm, addr >> 12, pfn, prot);
}

int mm_map_page(struct mm *mm, uint64_t addr, l4_word_t pfn, unsigned prot)
{
    uint64_t vpn = addr >> 12;
    mem_status_t st = mem_map(shim.mem, mm->space, vpn << 12, pfn, mm_rights_of(prot));
    if (st != L4_NO_ERROR)
        return (int)err_of(st);
    int e = pm_insert(mm, vpn, pfn, prot);
    if (e) {
        (void)mem_unmap(shim.mem, mm->space, vpn << 12);
        return e;
    }
    return 0;
}

/* Unmap the pages in [start, end) and drop their references: the server
 * with one range entry per range_max_pages pages, the mirror page by page
 * (or by a scan of the table when the range is larger than it). */
static void unmap_range(struct mm *mm, uint64_t start, uint64_t end)
{
    l4_word_t size = 0, failed, first;
    struct mem_batch_entry *b = l4_rt_shared_page(L4_PLAT_PAGE_MEM, &size);
    uint64_t pages = (end - start) >> 12;
    unsigned n = 0;
    for (uint64_t va = start; va < end && b;
         va += (uint64_t)MEM_BATCH_ENTRY_RANGE_MAX_PAGES << 12) {
        uint64_t left = (end - va) >> 12;
        b[n++] = (struct mem_batch_entry){
            MEM_BATCH_ENTRY_OP_UNMAP_RANGE,
            (uint32_t)mm->space,
            va,
            left < MEM_BATCH_ENTRY_RANGE_MAX_PAGES ? left : MEM_BATCH_ENTRY_RANGE_MAX_PAGES,
            0,
            0};
        if (n == MEM_BATCH_ENTRY_MAX_ENTRIES) {
            (void)mem_batch(shim.mem, n, &failed, &first);
            n = 0;
        }
    }
    if (n)
        (void)mem_batch(shim.mem, n, &failed, &first);
    if (pages <= mm->map_cap) {
        for (uint64_t vpn = start >> 12; vpn < end >> 12; vpn++) {
            struct pagemap_entry *e = pm_find(mm, vpn);
            if (e) {
                pmem_put(e->pfn);
                e->vpn = TOMB;
                mm->map_used--;
            }
        }
    } else {
        for (size_t i = 0; i < mm->map_cap; i++) {
            struct pagemap_entry *e = &mm->map[i];
            if (e->vpn > TOMB && e->vpn >= start >> 12 && e->vpn < end >> 12) {
                pmem_put(e->pfn);
                e->vpn = TOMB;
                mm->map_used--;
            }
        }
    }
}

static bool allowed(unsigned prot, bool write, bool exec)
{
    if (prot == LINUX_PROT_NONE)
        return false;
    if (write && !(prot & LINUX_PROT_WRITE))
        return false;
    if (exec && !(prot & LINUX_PROT_EXEC))
        return false;
    return true;
}

int mm_fault(struct mm *mm, uint64_t addr, bool write, bool exec)
{
    const struct vma *v = mm_find_vma(mm, addr);
    if (!v || !allowed(v->prot, write, exec))
        return -LINUX_EFAULT;
    uint64_t vpn = addr >> 12;
    struct pagemap_entry *e = pm_find(mm, vpn);
    if (!e && v->bus_from && addr >= v->bus_from)
        return MM_FAULT_SIGBUS;
    if (e && e->prot == LINUX_PROT_NONE) {
        /* kept while the area was PROT_NONE (not mapped): map it again */
        unsigned p = pmem_refs(e->pfn) > 1 && !(v->flags & VMA_SHARED) ? v->prot & ~LINUX_PROT_WRITE
                                                                       : v->prot;
        if (!(write && p != v->prot)) {
            mem_status_t st = mem_map(shim.mem, mm->space, vpn << 12, e->pfn, mm_rights_of(p));
            if (st != L4_NO_ERROR)
                return (int)err_of(st);
            e->prot = p;
            return 0;
        }
    }
    if (e) {
        /* mapped already: copy-on-write, or rights behind the area's */
        if (write && pmem_refs(e->pfn) > 1 && !(v->flags & VMA_SHARED)) {
            l4_word_t pfn = pmem_alloc();
            if (pfn == ~0ul)
                return -LINUX_ENOMEM;
            memcpy(pmem_ptr(pfn), pmem_ptr(e->pfn), SHIM_PAGE);
            (void)mem_unmap(shim.mem, mm->space, vpn << 12);
            mem_status_t st = mem_map(shim.mem, mm->space, vpn << 12, pfn, mm_rights_of(v->prot));
            if (st != L4_NO_ERROR) {
                pmem_put(pfn);
                return (int)err_of(st);
            }
            pmem_put(e->pfn);
            e->pfn = (uint32_t)pfn;
            e->prot = v->prot;
            return 0;
        }
        e->prot = v->prot;
        return mem_protect(shim.mem, mm->space, vpn << 12, mm_rights_of(v->prot)) == L4_NO_ERROR
                   ? 0
                   : -LINUX_EFAULT;
    }
    l4_word_t pfn = pmem_alloc();
    if (pfn == ~0ul)
        return -LINUX_ENOMEM;
    int r = mm_map_page(mm, vpn << 12, pfn, v->prot);
    if (r)
        pmem_put(pfn);
    return r;
}

/* The shim's address of the byte at addr, faulting the page in if the area
 * allows the access; NULL if it does not. */
static uint8_t *user_byte(struct mm *mm, uint64_t addr, bool write)
{
    if (addr < USER_MIN || addr >= USER_TOP)
        return NULL;
    struct pagemap_entry *e = pm_find(mm, addr >> 12);
    if (!e || e->prot == LINUX_PROT_NONE ||
        (write &&
         (!(e->prot & LINUX_PROT_WRITE) || (pmem_refs(e->pfn) > 1 && !mm_page_shared(mm, addr))))) {
        if (mm_fault(mm, addr, write, false) != 0)
            return NULL;
        e = pm_find(mm, addr >> 12);
        if (!e)
            return NULL;
    }
    if (e->prot == LINUX_PROT_NONE)
        return NULL;
    return (uint8_t *)pmem_ptr(e->pfn) + (addr & 0xfff);
}

int mm_copy_in(struct mm *mm, void *dst, uint64_t src, size_t n)
{
    uint8_t *d = dst;
    while (n) {
        size_t k = SHIM_PAGE - (src & 0xfff);
        if (k > n)
            k = n;
        const uint8_t *p = user_byte(mm, src, false);
        if (!p)
            return -LINUX_EFAULT;
        memcpy(d, p, k);
        d += k, src += k, n -= k;
    }
    return 0;
}

int mm_copy_out(struct mm *mm, uint64_t dst, const void *src, size_t n)
{
    const uint8_t *s = src;
    while (n) {
        size_t k = SHIM_PAGE - (dst & 0xfff);
        if (k > n)
            k = n;
        uint8_t *p = user_byte(mm, dst, true);
        if (!p)
            return -LINUX_EFAULT;
        memcpy(p, s, k);
        s += k, dst += k, n -= k;
    }
    return 0;
}

long mm_copy_string(struct mm *mm, char *dst, uint64_t src, size_t max)
{
    for (size_t i = 0; i < max; i++) {
        const uint8_t *p = user_byte(mm, src + i, false);
        if (!p)
            return -LINUX_EFAULT;
        dst[i] = (char)*p;
        if (!*p)
            return (long)i;
    }
    return -LINUX_ENAMETOOLONG;
}

/* --- brk, mmap, munmap, mprotect -------------------------------------------- */

#define PAGE_UP(x) (((x) + SHIM_PAGE - 1) & ~(uint64_t)(SHIM_PAGE - 1))

long mm_brk(struct mm *mm, uint64_t addr)
{
    if (addr < mm->brk_start)
        return (long)mm->brk;
    uint64_t old_end = PAGE_UP(mm->brk), new_end = PAGE_UP(addr);
    if (new_end > old_end) {
        /* the heap may not run into another area */
        for (unsigned i = 0; i < mm->nvmas; i++)
            if (mm->vmas[i].start < new_end && mm->vmas[i].end > old_end)
                return (long)mm->brk;
        if (mm_add_vma(mm, old_end == mm->brk_start ? mm->brk_start : old_end, new_end,
                       LINUX_PROT_READ | LINUX_PROT_WRITE) != 0)
            return (long)mm->brk;
    } else if (new_end < old_end) {
        unmap_range(mm, new_end, old_end);
        (void)vma_cut(mm, new_end, old_end);
    }
    mm->brk = addr;
    return (long)addr;
}

/* A free range of len bytes below mm->mmap_top, highest first. */
static uint64_t find_gap(struct mm *mm, uint64_t len)
{
    uint64_t top = mm->mmap_top;
    for (;;) {
        if (top < len || top - len < USER_MIN)
            return 0;
        uint64_t start = top - len;
        const struct vma *clash = NULL;
        for (unsigned i = 0; i < mm->nvmas; i++)
            if (mm->vmas[i].start < top && mm->vmas[i].end > start)
                if (!clash || mm->vmas[i].start < clash->start)
                    clash = &mm->vmas[i];
        if (!clash)
            return start;
        top = clash->start;
    }
}

long mm_mmap(struct mm *mm, uint64_t addr, uint64_t len, unsigned prot, unsigned flags, long fd,
             uint64_t off)
{
    (void)off;
    if (len == 0 || (addr & 0xfff) || (prot & ~7u))
        return -LINUX_EINVAL;
    if (!(flags & (MAP_PRIVATE | MAP_SHARED)))
        return -LINUX_EINVAL;
    if (!(flags & MAP_ANONYMOUS) && fd >= 0)
        return -LINUX_ENODEV; /* file mappings: vfs_mmap() */
    len = PAGE_UP(len);
    if (len == 0 || len > USER_TOP)
        return -LINUX_ENOMEM;
    uint64_t start;
    if (flags & MAP_FIXED) {
        if (addr < USER_MIN || addr + len > USER_TOP || addr + len < addr)
            return -LINUX_EINVAL;
        start = addr;
        unmap_range(mm, start, start + len);
    } else {
        start = find_gap(mm, len);
        if (!start)
            return -LINUX_ENOMEM;
    }
    struct vma v = {start, start + len, prot, 0, 0};
    if ((flags & MAP_SHARED) && (flags & MAP_ANONYMOUS))
        v.flags = VMA_SHARED;
    int e = mm_add_area(mm, &v);
    return e ? e : (long)start;
}

long mm_munmap(struct mm *mm, uint64_t addr, uint64_t len)
{
    if ((addr & 0xfff) || len == 0)
        return -LINUX_EINVAL;
    len = PAGE_UP(len);
    if (addr < USER_MIN || addr + len > USER_TOP || addr + len < addr)
        return -LINUX_EINVAL;
    unmap_range(mm, addr, addr + len);
    return vma_cut(mm, addr, addr + len);
}

long mm_mprotect(struct mm *mm, uint64_t addr, uint64_t len, unsigned prot)
{
    if ((addr & 0xfff) || (prot & ~7u))
        return -LINUX_EINVAL;
    len = PAGE_UP(len);
    uint64_t end = addr + len;
    if (end < addr)
        return -LINUX_ENOMEM;
    /* every page must be in an area */
    for (uint64_t a = addr; a < end;) {
        const struct vma *v = mm_find_vma(mm, a);
        if (!v)
            return -LINUX_ENOMEM;
        a = v->end;
    }
    /* the areas, split at both ends, take the new protection (and keep
     * the rest of their description) */
    int r = vma_split(mm, addr);
    if (r == 0)
        r = vma_split(mm, end);
    if (r)
        return r;
    for (unsigned i = 0; i < mm->nvmas; i++)
        if (mm->vmas[i].start >= addr && mm->vmas[i].end <= end)
            mm->vmas[i].prot = prot;
    /* and the pages already mapped: unmapped if now inaccessible (the
     * mirror keeps them, their contents stay), else their rights changed
     * (a page shared copy-on-write stays read-only) */
    for (uint64_t vpn = addr >> 12; vpn < end >> 12; vpn++) {
        struct pagemap_entry *e = pm_find(mm, vpn);
        if (!e)
            continue;
        if (prot == LINUX_PROT_NONE) {
            if (e->prot != LINUX_PROT_NONE)
                (void)mem_unmap(shim.mem, mm->space, vpn << 12);
            e->prot = LINUX_PROT_NONE;
            continue;
        }
        if (e->prot == LINUX_PROT_NONE)
            continue; /* mapped again at its next fault */
        unsigned p = pmem_refs(e->pfn) > 1 && !mm_page_shared(mm, vpn << 12)
                         ? (prot & ~LINUX_PROT_WRITE)
                         : prot;
        e->prot = p;
        (void)mem_protect(shim.mem, mm->space, vpn << 12, mm_rights_of(p));
    }
    return 0;
}

/* --- mremap ------------------------------------------------------------------ */

#define MREMAP_MAYMOVE 1
#define MREMAP_FIXED   2

/* Move the pages of [old, old + len) to new (free): the mirror's entries
 * change address, the server maps them there (one Batch per batch-pages
 * full) and unmaps the old range. */
static int move_pages(struct mm *mm, uint64_t old, uint64_t len, uint64_t new)
{
    l4_word_t size = 0, failed = 0, first = 0;
    struct mem_batch_entry *b = l4_rt_shared_page(L4_PLAT_PAGE_MEM, &size);
    if (!b)
        return -LINUX_ENOMEM;
    unsigned n = 0;
    for (uint64_t off = 0; off < len; off += SHIM_PAGE) {
        struct pagemap_entry *e = pm_find(mm, (old + off) >> 12);
        if (!e)
            continue;
        l4_word_t pfn = e->pfn;
        unsigned prot = e->prot;
        pmem_get(pfn);
        int r = pm_insert(mm, (new + off) >> 12, pfn, prot);
        if (r) {
            pmem_put(pfn);
            return r;
        }
        if (prot != LINUX_PROT_NONE)
            b[n++] = (struct mem_batch_entry){
                MEM_BATCH_ENTRY_OP_MAP, (uint32_t)mm->space, new + off, pfn, mm_rights_of(prot), 0};
        if (n == MEM_BATCH_ENTRY_MAX_ENTRIES) {
            if (mem_batch(shim.mem, n, &failed, &first) != L4_NO_ERROR || failed)
                return -LINUX_ENOMEM;
            n = 0;
        }
    }
    if (n && (mem_batch(shim.mem, n, &failed, &first) != L4_NO_ERROR || failed))
        return -LINUX_ENOMEM;
    unmap_range(mm, old, old + len);
    return 0;
}

/* The range [start, end) is free of areas. */
static bool range_free(const struct mm *mm, uint64_t start, uint64_t end)
{
    if (end > USER_TOP || end < start)
        return false;
    for (unsigned i = 0; i < mm->nvmas; i++)
        if (mm->vmas[i].start < end && mm->vmas[i].end > start)
            return false;
    return true;
}

long mm_mremap(struct mm *mm, uint64_t old, uint64_t old_len, uint64_t new_len, unsigned flags,
               uint64_t new_addr)
{
    if ((old & 0xfff) || (flags & ~(unsigned)(MREMAP_MAYMOVE | MREMAP_FIXED)) ||
        ((flags & MREMAP_FIXED) && !(flags & MREMAP_MAYMOVE)))
        return -LINUX_EINVAL;
    old_len = PAGE_UP(old_len);
    new_len = PAGE_UP(new_len);
    if (new_len == 0 || old_len == 0) /* old_len 0 duplicates shared memory: not here */
        return -LINUX_EINVAL;
    const struct vma *v = mm_find_vma(mm, old);
    if (!v || old + old_len > v->end)
        return -LINUX_EFAULT;
    struct vma area = *v;
    if (flags & MREMAP_FIXED) {
        if ((new_addr & 0xfff) || new_addr < USER_MIN || new_addr + new_len > USER_TOP ||
            (new_addr < old + old_len && new_addr + new_len > old))
            return -LINUX_EINVAL;
        (void)mm_munmap(mm, new_addr, new_len);
    } else if (new_len <= old_len) {
        if (new_len < old_len)
            (void)mm_munmap(mm, old + new_len, old_len - new_len);
        return (long)old;
    } else if (range_free(mm, old + old_len, old + new_len)) {
        /* grow in place */
        area.start = old + old_len;
        area.end = old + new_len;
        int e = mm_add_area(mm, &area);
        return e ? e : (long)old;
    } else if (!(flags & MREMAP_MAYMOVE)) {
        return -LINUX_ENOMEM;
    } else {
        new_addr = find_gap(mm, new_len);
        if (!new_addr)
            return -LINUX_ENOMEM;
    }
    uint64_t keep = old_len < new_len ? old_len : new_len;
    area.start = new_addr;
    area.end = new_addr + new_len;
    if (area.bus_from)
        area.bus_from = area.bus_from - old + new_addr;
    int e = mm_add_area(mm, &area);
    if (e == 0)
        e = move_pages(mm, old, keep, new_addr);
    if (e) {
        unmap_range(mm, new_addr, new_addr + new_len);
        (void)vma_cut(mm, new_addr, new_addr + new_len);
        return e;
    }
    unmap_range(mm, old, old + old_len);
    (void)vma_cut(mm, old, old + old_len);
    return (long)new_addr;
}
