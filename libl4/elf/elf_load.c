/* SPDX-License-Identifier: MIT */
/*
 * ELF64 loading, page by page (see <l4/elf_load.h>). Freestanding: built
 * into the user runtime and tested on the host by tests/unit/test_elf_load.c
 * with valid, truncated, overlapping and misaligned images.
 */
#include <l4/elf_load.h>

#define PAGE_MASK ((uint64_t)ELF_PAGE_SIZE - 1)

/* The ELF rule: p_align is 0 or 1 (no constraint) or a power of two with
 * p_vaddr = p_offset modulo p_align. elf_check() already requires them to
 * agree modulo the page size. */
static int align_ok(const struct elf64_phdr *ph)
{
    if (ph->p_align <= 1)
        return 1;
    if (ph->p_align & (ph->p_align - 1))
        return 0;
    return (ph->p_vaddr & (ph->p_align - 1)) == (ph->p_offset & (ph->p_align - 1));
}

static int loadable(const struct elf64_phdr *ph)
{
    return ph->p_type == ELF_PT_LOAD && ph->p_memsz != 0;
}

/* Report the pages of one checked segment. */
static int load_segment(const unsigned char *image, const struct elf64_phdr *ph, elf_page_fn fn,
                        void *ctx)
{
    /* elf_check() bounds vaddr + memsz by the user half: nothing wraps */
    uint64_t first = ph->p_vaddr & ~PAGE_MASK;
    uint64_t end = (ph->p_vaddr + ph->p_memsz + PAGE_MASK) & ~PAGE_MASK;
    uint64_t file_lo = ph->p_vaddr, file_hi = ph->p_vaddr + ph->p_filesz;

    for (uint64_t page = first; page < end; page += ELF_PAGE_SIZE) {
        struct elf_load_page p = {page, ph->p_flags & (ELF_PF_R | ELF_PF_W | ELF_PF_X), 0, 0, 0};
        uint64_t lo = page > file_lo ? page : file_lo;
        uint64_t hi = page + ELF_PAGE_SIZE < file_hi ? page + ELF_PAGE_SIZE : file_hi;
        if (lo < hi) {
            p.src = image + ph->p_offset + (lo - ph->p_vaddr);
            p.copy_offset = (size_t)(lo - page);
            p.copy_len = (size_t)(hi - lo);
        }
        int r = fn(ctx, &p);
        if (r < 0)
            return r;
    }
    return 0;
}

int elf_load(const void *image, size_t size, elf_page_fn fn, void *ctx, uint64_t *entry)
{
    enum elf_error e = elf_check(image, size);
    if (e != ELF_OK)
        return (int)e;

    struct elf64_ehdr eh;
    const unsigned char *src = image;
    unsigned char *dst = (unsigned char *)&eh;
    for (size_t i = 0; i < sizeof eh; i++)
        dst[i] = src[i];

    /* Validate every segment before the first callback. */
    for (unsigned i = 0; i < eh.e_phnum; i++) {
        struct elf64_phdr ph = elf_phdr(image, i);
        if (loadable(&ph) && !align_ok(&ph))
            return (int)ELF_ESEGMENT;
    }
    for (unsigned i = 0; i < eh.e_phnum; i++) {
        struct elf64_phdr ph = elf_phdr(image, i);
        if (!loadable(&ph))
            continue;
        int r = load_segment(image, &ph, fn, ctx);
        if (r < 0)
            return r;
    }
    if (entry)
        *entry = eh.e_entry;
    return 0;
}
