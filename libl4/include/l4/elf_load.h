/* SPDX-License-Identifier: MIT */
/*
 * ELF64 loading, page by page, for the root task and user-level loaders.
 *
 * Interface: elf_load() validates an image (elf_check() of <l4/elf.h>, and
 * the ELF rule for p_align) and then reports, through a callback, every
 * page the loadable segments cover: its virtual address, the segment's
 * R/W/X flags, and which bytes of the image to copy where into the page
 * (the rest of the page is zero). The caller maps frames however it likes;
 * elf_load() itself writes nothing. Freestanding; reads only within the
 * image.
 */
#ifndef L4_ELF_LOAD_H
#define L4_ELF_LOAD_H

#include <stddef.h>
#include <stdint.h>
#include <l4/elf.h>

#define ELF_PAGE_SIZE 4096u

struct elf_load_page {
    uint64_t vaddr;     /* page-aligned virtual address */
    unsigned flags;     /* ELF_PF_R | ELF_PF_W | ELF_PF_X of the segment */
    const void *src;    /* image bytes to copy (NULL if copy_len is 0) */
    size_t copy_offset; /* where in the page they go */
    size_t copy_len;    /* how many (0..ELF_PAGE_SIZE - copy_offset) */
};

/* Called once per page, segments in program-header order, pages in address
 * order. Return 0 to go on, or a negative value to stop elf_load(). */
typedef int (*elf_page_fn)(void *ctx, const struct elf_load_page *page);

/*
 * Report the pages of a static ELF64 executable. Returns 0 when every page
 * was reported (*entry, if entry is not NULL, is then the entry point); a
 * positive enum elf_error if the image is refused (before any callback);
 * or the callback's negative value if it stopped the walk.
 */
int elf_load(const void *image, size_t size, elf_page_fn fn, void *ctx, uint64_t *entry);

#endif
