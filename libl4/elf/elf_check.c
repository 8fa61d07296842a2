/* SPDX-License-Identifier: MIT */
/*
 * ELF64 executable validation (see <l4/elf.h>). Freestanding: built into
 * the kernel and into user-level programs alike, and tested on the host by
 * tests/unit/test_elf.c with valid, truncated and corrupted images.
 */
#include <l4/elf.h>

#define ET_EXEC   2
#define EM_X86_64 62
#define PAGE_MASK 0xfffull

static void copy(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    while (n--)
        *d++ = *s++;
}

struct elf64_phdr elf_phdr(const void *image, unsigned i)
{
    struct elf64_ehdr eh;
    struct elf64_phdr ph;
    copy(&eh, image, sizeof eh);
    copy(&ph, (const char *)image + eh.e_phoff + (uint64_t)i * sizeof ph, sizeof ph);
    return ph;
}

/* [a, a+alen) and [b, b+blen) rounded out to pages overlap? */
static int pages_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
    uint64_t a0 = a & ~PAGE_MASK, a1 = (a + alen + PAGE_MASK) & ~PAGE_MASK;
    uint64_t b0 = b & ~PAGE_MASK, b1 = (b + blen + PAGE_MASK) & ~PAGE_MASK;
    return a0 < b1 && b0 < a1;
}

enum elf_error elf_check(const void *image, size_t size)
{
    struct elf64_ehdr eh;
    if (size < sizeof eh)
        return ELF_ETOOSMALL;
    copy(&eh, image, sizeof eh);
    if (eh.e_ident[0] != 0x7f || eh.e_ident[1] != 'E' || eh.e_ident[2] != 'L' ||
        eh.e_ident[3] != 'F')
        return ELF_EMAGIC;
    if (eh.e_ident[4] != 2 || eh.e_ident[5] != 1 || eh.e_ident[6] != 1 || eh.e_version != 1)
        return ELF_ECLASS;
    if (eh.e_type != ET_EXEC)
        return ELF_ETYPE;
    if (eh.e_machine != EM_X86_64)
        return ELF_EMACHINE;
    if (eh.e_phentsize != sizeof(struct elf64_phdr) || eh.e_phnum == 0 ||
        eh.e_phnum > ELF_MAX_PHDRS || eh.e_phoff > size ||
        (uint64_t)eh.e_phnum * sizeof(struct elf64_phdr) > size - eh.e_phoff)
        return ELF_EPHDR;

    int entry_ok = 0;
    for (unsigned i = 0; i < eh.e_phnum; i++) {
        struct elf64_phdr ph = elf_phdr(image, i);
        if (ph.p_type != ELF_PT_LOAD || ph.p_memsz == 0)
            continue; /* linkers emit empty segments; they load nothing */
        if (ph.p_filesz > ph.p_memsz || ph.p_offset > size || ph.p_filesz > size - ph.p_offset ||
            ph.p_vaddr >= ELF_USER_TOP || ph.p_memsz > ELF_USER_TOP - ph.p_vaddr ||
            (ph.p_vaddr & PAGE_MASK) != (ph.p_offset & PAGE_MASK))
            return ELF_ESEGMENT;
        for (unsigned j = 0; j < i; j++) {
            struct elf64_phdr q = elf_phdr(image, j);
            if (q.p_type == ELF_PT_LOAD && q.p_memsz &&
                pages_overlap(ph.p_vaddr, ph.p_memsz, q.p_vaddr, q.p_memsz))
                return ELF_EOVERLAP;
        }
        if ((ph.p_flags & ELF_PF_X) && eh.e_entry >= ph.p_vaddr &&
            eh.e_entry - ph.p_vaddr < ph.p_memsz)
            entry_ok = 1;
    }
    return entry_ok ? ELF_OK : ELF_EENTRY;
}

const char *elf_strerror(enum elf_error e)
{
    switch (e) {
    case ELF_OK:
        return "valid";
    case ELF_ETOOSMALL:
        return "shorter than an ELF header";
    case ELF_EMAGIC:
        return "not an ELF file (bad magic)";
    case ELF_ECLASS:
        return "not a 64-bit little-endian ELF";
    case ELF_ETYPE:
        return "not a static executable (ET_EXEC)";
    case ELF_EMACHINE:
        return "not built for x86-64";
    case ELF_EPHDR:
        return "program headers malformed or outside the file";
    case ELF_ESEGMENT:
        return "a loadable segment lies outside the file or the user address space";
    case ELF_EOVERLAP:
        return "two loadable segments share a page";
    case ELF_EENTRY:
        return "entry point is not in an executable segment";
    }
    return "unknown error";
}
