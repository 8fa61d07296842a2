/* SPDX-License-Identifier: MIT */
/*
 * mmap of a file (docs/linux/kernel.md, "Memory"): the area is made as an
 * anonymous one and its pages are filled from the file at once, each a
 * private copy. Pages of the mapping past the file's end give SIGBUS when
 * touched (the area's bus_from), as on Linux. A MAP_SHARED mapping of a
 * file is a copy too: the process's writes do not reach the file (the
 * limit is in docs/linux/syscalls.md); a mapping of /dev/zero is
 * anonymous memory.
 */
#include <string.h>
#include "vfs_internal.h"

#define MAP_SHARED    0x01
#define MAP_ANONYMOUS 0x20

long vfs_mmap(struct process *p, uint64_t addr, uint64_t len, unsigned prot, unsigned flags,
              long fd, uint64_t off)
{
    struct shim_file *f;
    struct vnode *v = vfs_vnode_of(p, fd, &f);
    if (!v)
        return -LINUX_EBADF;
    if (off & 0xfff)
        return -LINUX_EINVAL;
    if (v->kind == V_ZERO)
        return mm_mmap(&p->mm, addr, len, prot, flags | MAP_ANONYMOUS, -1, 0);
    if (v->kind != V_REG)
        return -LINUX_ENODEV;
    unsigned mode = f->flags & LINUX_O_ACCMODE;
    if (mode == LINUX_O_WRONLY ||
        ((flags & MAP_SHARED) && (prot & LINUX_PROT_WRITE) && mode != LINUX_O_RDWR))
        return -LINUX_EACCES;
    long start = mm_mmap(&p->mm, addr, len, prot, flags | MAP_ANONYMOUS, -1, 0);
    if (start < 0)
        return start;
    uint64_t size = v->node->size, end = (uint64_t)start + ((len + 0xfff) & ~UINT64_C(0xfff));
    uint64_t file_pages = size > off ? (size - off + 0xfff) >> 12 : 0;
    uint64_t bus = (uint64_t)start + (file_pages << 12);
    struct vma *area = (struct vma *)mm_find_vma(&p->mm, (uint64_t)start);
    if (area) {
        area->flags |= VMA_FILE;
        if (bus < end)
            area->bus_from = bus;
    }
    for (uint64_t va = (uint64_t)start; va < end && va < bus; va += SHIM_PAGE) {
        l4_word_t pfn = pmem_alloc();
        if (pfn == ~0ul) {
            (void)mm_munmap(&p->mm, (uint64_t)start, len);
            return -LINUX_ENOMEM;
        }
        uint64_t pos = off + (va - (uint64_t)start);
        size_t k = size - pos < SHIM_PAGE ? (size_t)(size - pos) : SHIM_PAGE;
        (void)shim_fs_read(v->node, pos, pmem_ptr(pfn), k);
        int e = prot == LINUX_PROT_NONE ? mm_record(&p->mm, va, pfn, prot)
                                        : mm_map_page(&p->mm, va, pfn, prot);
        if (e) {
            pmem_put(pfn);
            (void)mm_munmap(&p->mm, (uint64_t)start, len);
            return e;
        }
    }
    return start;
}
