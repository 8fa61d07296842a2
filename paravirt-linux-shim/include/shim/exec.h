/* SPDX-License-Identifier: MIT */
/*
 * The Linux process image: what execve() puts in a fresh address space.
 *
 * Interface, in the order the shim's execve uses it:
 *  - shim_exec_plan() reads a static x86-64 ELF file (ET_EXEC, or a
 *    static-PIE ET_DYN without PT_INTERP) and computes, without writing
 *    anything, the segments to map (page-aligned ranges, which file bytes
 *    go where, protection), the entry point, AT_PHDR and the start of brk.
 *    Dynamic executables, 32-bit and non-x86-64 files are refused with an
 *    error that says which.
 *  - shim_exec_build_stack() writes the initial stack exactly as Linux's
 *    create_elf_tables() lays it out for x86-64 (argc, argv, envp, the
 *    auxiliary vector, the strings at the top) into a caller buffer that
 *    stands for the top of the new stack, and returns the initial rsp.
 * Both are pure: they read only within the buffers given and never trust a
 * field of the file before checking it (the file is the process's choice).
 * See docs/linux/exec.md.
 */
#ifndef SHIM_EXEC_H
#define SHIM_EXEC_H

#include <stddef.h>
#include <stdint.h>

#define SHIM_EXEC_MAX_PHDRS      64            /* more program headers is refused */
#define SHIM_EXEC_MAX_SEGMENTS   16            /* more PT_LOAD segments is refused */
#define SHIM_EXEC_MAX_ARG_STRLEN (32u * 4096u) /* Linux MAX_ARG_STRLEN */

/* Where a process may live: Linux's mmap_min_addr and TASK_SIZE by default. */
struct shim_exec_layout {
    uint64_t user_min; /* lowest mappable address (page-aligned) */
    uint64_t user_top; /* end of the user address space (page-aligned) */
    uint64_t pie_base; /* where a static-PIE's lowest segment goes; raised to
                          the largest p_align of its segments */
};

/* One loadable segment: [start, end) is mapped with prot; the bytes
 * [start, start + file_len) are the file's bytes from file_offset on, and
 * the rest of the range (the tail of the last file page, then .bss) is
 * zero. */
struct shim_exec_segment {
    uint64_t start, end;  /* page-aligned */
    uint64_t file_offset; /* page-aligned */
    uint64_t file_len;    /* <= end - start */
    unsigned prot;        /* LINUX_PROT_* */
};

struct shim_exec_plan {
    unsigned type;      /* LINUX_ET_EXEC or LINUX_ET_DYN */
    uint64_t load_bias; /* added to every p_vaddr (0 for ET_EXEC) */
    uint64_t entry;     /* AT_ENTRY and the initial rip */
    uint64_t phdr;      /* AT_PHDR: where the program headers are mapped */
    unsigned phnum;     /* AT_PHNUM */
    uint64_t brk;       /* page-aligned start (and end) of the heap */
    uint64_t lowest;    /* lowest mapped address */
    int exec_stack;     /* PT_GNU_STACK asks for an executable stack */
    unsigned nsegments;
    struct shim_exec_segment seg[SHIM_EXEC_MAX_SEGMENTS];
};

enum shim_exec_error {
    SHIM_EXEC_OK = 0,
    SHIM_EXEC_ETOOSMALL, /* shorter than an ELF header */
    SHIM_EXEC_EMAGIC,    /* no \x7fELF */
    SHIM_EXEC_E32BIT,    /* ELFCLASS32 */
    SHIM_EXEC_ECLASS,    /* not ELFCLASS64, little-endian, version 1 */
    SHIM_EXEC_EMACHINE,  /* not EM_X86_64 */
    SHIM_EXEC_ETYPE,     /* neither ET_EXEC nor ET_DYN */
    SHIM_EXEC_EINTERP,   /* has PT_INTERP: a dynamically linked program */
    SHIM_EXEC_EPHDR,     /* program header table malformed or outside the file */
    SHIM_EXEC_ENOLOAD,   /* no loadable segment */
    SHIM_EXEC_ETOOMANY,  /* more than SHIM_EXEC_MAX_SEGMENTS loadable segments */
    SHIM_EXEC_ESEGMENT,  /* a segment's file range outside the file, or
                            filesz > memsz, or vaddr and offset disagree
                            modulo the page size, or a bad p_align */
    SHIM_EXEC_EORDER,    /* segments not in ascending order, or sharing a page */
    SHIM_EXEC_ERANGE,    /* a segment outside [user_min, user_top) */
    SHIM_EXEC_EENTRY,    /* entry point not in an executable segment */
    SHIM_EXEC_EPHDRADDR, /* the program headers are not in a loaded segment */
    SHIM_EXEC_ELAYOUT,   /* the layout given is malformed */
};

enum shim_exec_error shim_exec_plan(const void *file, size_t size,
                                    const struct shim_exec_layout *layout,
                                    struct shim_exec_plan *plan);
const char *shim_exec_strerror(enum shim_exec_error e);
/* The errno execve() returns for the error (positive): ENOEXEC for all. */
int shim_exec_errno(enum shim_exec_error e);

/* What the new process is told; pointers are the shim's own copies. */
struct shim_exec_args {
    unsigned argc, envc;
    const char *const *argv; /* argc strings */
    const char *const *envp; /* envc strings */
    const char *execfn;      /* the path given to execve: AT_EXECFN */
    const uint8_t *random;   /* 16 bytes for AT_RANDOM */
    const char *platform;    /* AT_PLATFORM string ("x86_64"), NULL omits */
    uint64_t hwcap;          /* AT_HWCAP: CPUID.1:EDX on x86 */
    uint64_t hwcap2;         /* AT_HWCAP2, given when has_hwcap2 */
    int has_hwcap2;
    uint64_t minsigstksz;  /* AT_MINSIGSTKSZ; 0 omits it */
    uint64_t sysinfo_ehdr; /* AT_SYSINFO_EHDR: the vDSO; 0 omits it */
    uint32_t uid, euid, gid, egid;
    int secure; /* AT_SECURE */
};

/* The result: every address is in the new process's address space. */
struct shim_exec_stack {
    uint64_t rsp;      /* initial rsp: points at argc, 16-byte aligned */
    uint64_t argv;     /* &argv[0] = rsp + 8 */
    uint64_t envp;     /* &envp[0] */
    uint64_t auxv;     /* &auxv[0] */
    uint64_t naux;     /* auxv entries, AT_NULL included */
    uint64_t strings;  /* lowest byte of the argument strings */
    uint64_t execfn;   /* AT_EXECFN */
    uint64_t random;   /* AT_RANDOM */
    uint64_t platform; /* AT_PLATFORM, 0 if omitted */
};

/*
 * Build the initial stack in buf, which stands for the bytes
 * [stack_top - size, stack_top) of the new process (stack_top 16-byte
 * aligned). Only the bytes from out->rsp up are written. Returns 0, or
 * -LINUX_E2BIG when a string is longer than SHIM_EXEC_MAX_ARG_STRLEN or the
 * whole does not fit in size bytes, or -LINUX_EINVAL for bad arguments.
 */
int shim_exec_build_stack(const struct shim_exec_plan *plan, const struct shim_exec_args *args,
                          uint64_t stack_top, void *buf, size_t size, struct shim_exec_stack *out);

#endif
