/* SPDX-License-Identifier: MIT */
/*
 * The vDSO and the vvar page in every process (docs/linux/vdso.md).
 *
 * At start-up the shim copies the vDSO's image (vdso/, embedded as
 * vdso_image) into pseudo-physical pages of its own and takes one more
 * page for the vvar data (<shim/vvar.h>), into which it copies the PV
 * page's clock. It keeps a reference to these pages for good, so no
 * process ever owns them alone: every exec maps the same pages, read-only
 * (the vvar page) and read-only and executable (the vDSO), at VDSO_VVAR
 * and the page above it, and gives the vDSO's address as AT_SYSINFO_EHDR.
 * fork shares them as it shares every page (none is writable, so none is
 * write-protected); a process that makes them writable with mprotect and
 * writes gets a private copy (copy-on-write: the shim's reference makes
 * every such page shared).
 *
 * Interface (shim.h): vdso_init(), vdso_refresh(), vdso_map(), vdso_clock().
 */
#include <string.h>
#include <l4/platform.h>
#include <l4/pv/pvclock.h>
#include <l4/rt.h>
#include <shim/linux_abi.h>
#include <shim/vvar.h>
#include "shim.h"

extern const unsigned char vdso_image[];
extern const unsigned long vdso_image_size;

#define VDSO_MAX_PAGES 4u

static l4_word_t vvar_pfn = ~0ul;
static l4_word_t vdso_pfn[VDSO_MAX_PAGES];
static unsigned vdso_pages;
static uint32_t pv_seen = ~0u; /* the PV clock's version last copied */

static struct shim_vvar *vvar(void)
{
    return vvar_pfn == ~0ul ? NULL : (struct shim_vvar *)pmem_ptr(vvar_pfn);
}

void vdso_refresh(void)
{
    l4_word_t size = 0;
    const struct l4_pv_page *pv = l4_rt_shared_page(L4_PLAT_PAGE_PV, &size);
    struct shim_vvar *v = vvar();
    if (!v || !pv || pv->magic != L4_PV_PAGE_MAGIC)
        return;
    uint32_t ver = __atomic_load_n(&pv->clock.version, __ATOMIC_ACQUIRE);
    if (ver == pv_seen || (ver & 1))
        return;
    /* the fields between two loads of an even version, as the PV
     * clock's readers do (docs/paravirt-abi.md, "Time page") */
    struct shim_vvar n = {0};
    n.tsc_base = __atomic_load_n(&pv->clock.tsc_base, __ATOMIC_RELAXED);
    n.ns_base = __atomic_load_n(&pv->clock.ns_base, __ATOMIC_RELAXED);
    n.mul = __atomic_load_n(&pv->clock.mul, __ATOMIC_RELAXED);
    n.shift = __atomic_load_n(&pv->clock.shift, __ATOMIC_RELAXED);
    n.wall_ns = __atomic_load_n(&pv->clock.wall_ns, __ATOMIC_RELAXED);
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    if (__atomic_load_n(&pv->clock.version, __ATOMIC_RELAXED) != ver)
        return; /* published meanwhile: the next refresh copies it */
    n.flags = n.mul ? SHIM_VVAR_VALID : 0;
    shim_vvar_publish(v, &n);
    pv_seen = ver;
}

int vdso_init(void)
{
    if (vdso_image_size < 64 || memcmp(vdso_image, "\177ELF", 4) != 0 ||
        vdso_image_size > VDSO_MAX_PAGES * SHIM_PAGE)
        return -LINUX_ENOEXEC;
    vvar_pfn = pmem_alloc();
    if (vvar_pfn == ~0ul)
        return -LINUX_ENOMEM;
    vdso_pages = (unsigned)((vdso_image_size + SHIM_PAGE - 1) / SHIM_PAGE);
    for (unsigned i = 0; i < vdso_pages; i++) {
        vdso_pfn[i] = pmem_alloc();
        if (vdso_pfn[i] == ~0ul)
            return -LINUX_ENOMEM;
        size_t off = (size_t)i * SHIM_PAGE;
        size_t k = vdso_image_size - off < SHIM_PAGE ? vdso_image_size - off : SHIM_PAGE;
        memcpy(pmem_ptr(vdso_pfn[i]), vdso_image + off, k);
    }
    vdso_refresh();
    return 0;
}

/* Map one of the shared pages at addr; the mapping takes a reference. */
static int map_shared(struct mm *mm, uint64_t addr, l4_word_t pfn, unsigned prot)
{
    pmem_get(pfn);
    int e = mm_map_page(mm, addr, pfn, prot);
    if (e)
        pmem_put(pfn);
    return e;
}

uint64_t vdso_map(struct mm *mm)
{
    if (vvar_pfn == ~0ul || !vdso_pages)
        return 0;
    uint64_t text = VDSO_VVAR + SHIM_PAGE;
    if (mm_add_vma(mm, VDSO_VVAR, text, LINUX_PROT_READ) != 0 ||
        mm_add_vma(mm, text, text + (uint64_t)vdso_pages * SHIM_PAGE,
                   LINUX_PROT_READ | LINUX_PROT_EXEC) != 0 ||
        map_shared(mm, VDSO_VVAR, vvar_pfn, LINUX_PROT_READ) != 0)
        return 0;
    for (unsigned i = 0; i < vdso_pages; i++)
        if (map_shared(mm, text + (uint64_t)i * SHIM_PAGE, vdso_pfn[i],
                       LINUX_PROT_READ | LINUX_PROT_EXEC) != 0)
            return 0;
    return text;
}

int vdso_clock(long clk, uint64_t *ns)
{
    struct shim_vvar *v = vvar(), s;
    if (!v)
        return -1;
    vdso_refresh();
    shim_vvar_snapshot(v, &s);
    uint32_t lo, hi;
    __asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi)::"memory");
    return shim_vclock_ns(&s, clk, (uint64_t)hi << 32 | lo, ns);
}
