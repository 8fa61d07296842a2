/* SPDX-License-Identifier: MIT */
/*
 * ELF64 executable validation, shared by the kernel (root task) and
 * user-level loaders.
 *
 * Interface: elf_check() decides whether a byte image is a static ELF64
 * x86-64 executable whose every header, segment and entry point lies within
 * the image and the user half of the address space. It reads only within
 * [image, image + size) and never trusts a field before checking it.
 */
#ifndef L4_ELF_H
#define L4_ELF_H

#include <stddef.h>
#include <stdint.h>
#include <l4/abi_gen.h>

#define ELF_PT_LOAD   1
#define ELF_PF_X      1
#define ELF_PF_W      2
#define ELF_PF_R      4
#define ELF_USER_TOP  L4_USER_TOP /* segments end below the user limit */
#define ELF_MAX_PHDRS 64

struct elf64_ehdr {
    unsigned char e_ident[16];
    uint16_t e_type, e_machine;
    uint32_t e_version;
    uint64_t e_entry, e_phoff, e_shoff;
    uint32_t e_flags;
    uint16_t e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx;
};

struct elf64_phdr {
    uint32_t p_type, p_flags;
    uint64_t p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_align;
};

_Static_assert(sizeof(struct elf64_ehdr) == 64, "ELF64 header size");
_Static_assert(sizeof(struct elf64_phdr) == 56, "ELF64 program header size");

enum elf_error {
    ELF_OK = 0,
    ELF_ETOOSMALL, /* shorter than an ELF header */
    ELF_EMAGIC,    /* no \x7fELF */
    ELF_ECLASS,    /* not 64-bit little-endian, version 1 */
    ELF_ETYPE,     /* not ET_EXEC */
    ELF_EMACHINE,  /* not x86-64 */
    ELF_EPHDR,     /* program headers malformed or outside the image */
    ELF_ESEGMENT,  /* a loadable segment outside the image or the user half */
    ELF_EOVERLAP,  /* two loadable segments share a page */
    ELF_EENTRY,    /* entry point not in an executable segment */
};

/* Validates the image; on success the program headers may be read with
 * elf_phdr(). */
enum elf_error elf_check(const void *image, size_t size);
const char *elf_strerror(enum elf_error e);

/* The i-th program header of a checked image (copied, alignment-safe). */
struct elf64_phdr elf_phdr(const void *image, unsigned i);

#endif
