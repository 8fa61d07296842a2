/* SPDX-License-Identifier: MIT */
/*
 * The load plan of a static Linux executable (see <shim/exec.h>).
 *
 * Follows Linux's load_elf_binary() for a program without an interpreter:
 * every PT_LOAD becomes one mapping rounded out to pages, its file bytes at
 * the front and zeros after; a static-PIE (ET_DYN) moves by one load bias;
 * brk starts at the first page above the highest segment; AT_PHDR is where
 * the loaded image holds the program header table. Where Linux would map a
 * malformed file anyway and let the process crash, this plan refuses it
 * with a reason: the shim copies segments into pages it owns, so every
 * range is checked against the file and the user address space first.
 */
#include <string.h>
#include <l4/elf.h>
#include <shim/exec.h>
#include <shim/linux_abi.h>

#define PAGE_MASK ((uint64_t)LINUX_PAGE_SIZE - 1)

static uint64_t page_down(uint64_t a)
{
    return a & ~PAGE_MASK;
}

static unsigned prot_of(uint32_t p_flags)
{
    return ((p_flags & LINUX_PF_R) ? LINUX_PROT_READ : 0) |
           ((p_flags & LINUX_PF_W) ? LINUX_PROT_WRITE : 0) |
           ((p_flags & LINUX_PF_X) ? LINUX_PROT_EXEC : 0);
}

static struct elf64_phdr phdr_at(const void *file, uint64_t phoff, unsigned i)
{
    struct elf64_phdr ph;
    memcpy(&ph, (const char *)file + phoff + (uint64_t)i * sizeof ph, sizeof ph);
    return ph;
}

static enum shim_exec_error check_header(const void *file, size_t size, struct elf64_ehdr *eh)
{
    if (size < sizeof *eh)
        return SHIM_EXEC_ETOOSMALL;
    memcpy(eh, file, sizeof *eh);
    if (eh->e_ident[0] != 0x7f || eh->e_ident[1] != 'E' || eh->e_ident[2] != 'L' ||
        eh->e_ident[3] != 'F')
        return SHIM_EXEC_EMAGIC;
    if (eh->e_ident[4] == 1)
        return SHIM_EXEC_E32BIT;
    if (eh->e_ident[4] != LINUX_ELFCLASS64 || eh->e_ident[5] != LINUX_ELFDATA2LSB ||
        eh->e_ident[6] != LINUX_EV_CURRENT || eh->e_version != LINUX_EV_CURRENT)
        return SHIM_EXEC_ECLASS;
    if (eh->e_machine != LINUX_EM_X86_64)
        return SHIM_EXEC_EMACHINE;
    if (eh->e_type != LINUX_ET_EXEC && eh->e_type != LINUX_ET_DYN)
        return SHIM_EXEC_ETYPE;
    if (eh->e_phentsize != sizeof(struct elf64_phdr) || eh->e_phnum == 0 ||
        eh->e_phnum > SHIM_EXEC_MAX_PHDRS || eh->e_phoff > size ||
        (uint64_t)eh->e_phnum * sizeof(struct elf64_phdr) > size - eh->e_phoff)
        return SHIM_EXEC_EPHDR;
    return SHIM_EXEC_OK;
}

/* One PT_LOAD on its own, before relocation: in the file, self-consistent. */
static enum shim_exec_error check_load(const struct elf64_phdr *ph, size_t size)
{
    if (ph->p_filesz > ph->p_memsz || ph->p_offset > size || ph->p_filesz > size - ph->p_offset)
        return SHIM_EXEC_ESEGMENT;
    if ((ph->p_vaddr & PAGE_MASK) != (ph->p_offset & PAGE_MASK))
        return SHIM_EXEC_ESEGMENT;
    if (ph->p_align & (ph->p_align - 1)) /* 0 and 1 mean none; else a power of two */
        return SHIM_EXEC_ESEGMENT;
    if (ph->p_memsz > (UINT64_C(1) << 47) || ph->p_vaddr > (UINT64_C(1) << 47))
        return SHIM_EXEC_ERANGE; /* keeps every sum below from wrapping */
    return SHIM_EXEC_OK;
}

enum shim_exec_error shim_exec_plan(const void *file, size_t size,
                                    const struct shim_exec_layout *layout,
                                    struct shim_exec_plan *plan)
{
    struct elf64_ehdr eh;
    enum shim_exec_error err = check_header(file, size, &eh);
    if (err)
        return err;
    if ((layout->user_min & PAGE_MASK) || (layout->user_top & PAGE_MASK) ||
        (layout->pie_base & PAGE_MASK) || layout->user_min >= layout->user_top ||
        layout->user_top > (UINT64_C(1) << 47))
        return SHIM_EXEC_ELAYOUT;

    memset(plan, 0, sizeof *plan);
    plan->type = eh.e_type;
    plan->phnum = eh.e_phnum;

    /* First pass: refuse interpreters, check each PT_LOAD, find the order
     * and the largest alignment. */
    uint64_t max_align = LINUX_PAGE_SIZE, prev_end = 0, phdr_vaddr = 0;
    int have_phdr = 0;
    unsigned nload = 0;
    for (unsigned i = 0; i < eh.e_phnum; i++) {
        struct elf64_phdr ph = phdr_at(file, eh.e_phoff, i);
        if (ph.p_type == LINUX_PT_INTERP)
            return SHIM_EXEC_EINTERP;
        if (ph.p_type == LINUX_PT_GNU_STACK)
            plan->exec_stack = (ph.p_flags & LINUX_PF_X) != 0;
        if (ph.p_type == LINUX_PT_PHDR) {
            have_phdr = 1;
            phdr_vaddr = ph.p_vaddr;
        }
        if (ph.p_type != LINUX_PT_LOAD || ph.p_memsz == 0)
            continue; /* linkers emit empty segments; they load nothing */
        if ((err = check_load(&ph, size)))
            return err;
        if (nload == SHIM_EXEC_MAX_SEGMENTS)
            return SHIM_EXEC_ETOOMANY;
        /* Ascending and page-disjoint: a page has one owner and one prot. */
        if (nload && page_down(ph.p_vaddr) < prev_end)
            return SHIM_EXEC_EORDER;
        prev_end = (ph.p_vaddr + ph.p_memsz + PAGE_MASK) & ~PAGE_MASK;
        if (ph.p_align > max_align)
            max_align = ph.p_align;
        nload++;
    }
    if (nload == 0)
        return SHIM_EXEC_ENOLOAD;

    /* The load bias: a static-PIE's lowest page goes to pie_base, raised to
     * the segments' alignment (Linux aligns its load_bias the same way). */
    struct elf64_phdr first;
    for (unsigned i = 0;; i++) {
        first = phdr_at(file, eh.e_phoff, i);
        if (first.p_type == LINUX_PT_LOAD && first.p_memsz)
            break;
    }
    if (eh.e_type == LINUX_ET_DYN) {
        if (max_align > (UINT64_C(1) << 40))
            return SHIM_EXEC_ESEGMENT;
        uint64_t base = (layout->pie_base + max_align - 1) & ~(max_align - 1);
        if (base < layout->pie_base || base >= layout->user_top)
            return SHIM_EXEC_ERANGE;
        /* May wrap: p_vaddr + bias is base + (p_vaddr - first page), and
         * the segments ascend from the first. */
        plan->load_bias = base - page_down(first.p_vaddr);
    }

    /* Second pass: the segments, relocated and checked against the space. */
    uint64_t bias = plan->load_bias, top = 0;
    int entry_ok = 0, phdr_found = 0;
    for (unsigned i = 0; i < eh.e_phnum; i++) {
        struct elf64_phdr ph = phdr_at(file, eh.e_phoff, i);
        if (ph.p_type != LINUX_PT_LOAD || ph.p_memsz == 0)
            continue;
        uint64_t vaddr = ph.p_vaddr + bias; /* < 2^48: no wrap */
        uint64_t start = page_down(vaddr);
        uint64_t end = (vaddr + ph.p_memsz + PAGE_MASK) & ~PAGE_MASK;
        if (start < layout->user_min || end > layout->user_top)
            return SHIM_EXEC_ERANGE;
        struct shim_exec_segment *s = &plan->seg[plan->nsegments++];
        s->start = start;
        s->end = end;
        s->file_offset = page_down(ph.p_offset);
        s->file_len = (vaddr - start) + ph.p_filesz;
        s->prot = prot_of(ph.p_flags);
        if (plan->nsegments == 1)
            plan->lowest = start;
        top = end;
        if ((ph.p_flags & LINUX_PF_X) && eh.e_entry >= ph.p_vaddr &&
            eh.e_entry - ph.p_vaddr < ph.p_memsz)
            entry_ok = 1;
        /* Where the header table lands: PT_PHDR if given, else the segment
         * whose file bytes contain it (Linux 6.x does the same). */
        uint64_t phbytes = (uint64_t)eh.e_phnum * sizeof(struct elf64_phdr);
        if (have_phdr) {
            if (phdr_vaddr >= ph.p_vaddr && phdr_vaddr - ph.p_vaddr < ph.p_memsz &&
                phbytes <= ph.p_memsz - (phdr_vaddr - ph.p_vaddr)) {
                plan->phdr = phdr_vaddr + bias;
                phdr_found = 1;
            }
        } else if (!phdr_found && eh.e_phoff >= ph.p_offset &&
                   eh.e_phoff - ph.p_offset < ph.p_filesz &&
                   phbytes <= ph.p_filesz - (eh.e_phoff - ph.p_offset)) {
            plan->phdr = eh.e_phoff - ph.p_offset + vaddr;
            phdr_found = 1;
        }
    }
    if (!entry_ok)
        return SHIM_EXEC_EENTRY;
    if (!phdr_found)
        return SHIM_EXEC_EPHDRADDR;
    plan->entry = eh.e_entry + bias;
    plan->brk = top;
    return SHIM_EXEC_OK;
}

const char *shim_exec_strerror(enum shim_exec_error e)
{
    switch (e) {
    case SHIM_EXEC_OK:
        return "a static x86-64 executable";
    case SHIM_EXEC_ETOOSMALL:
        return "shorter than an ELF header";
    case SHIM_EXEC_EMAGIC:
        return "not an ELF file (bad magic)";
    case SHIM_EXEC_E32BIT:
        return "a 32-bit ELF file; only x86-64 programs run here";
    case SHIM_EXEC_ECLASS:
        return "not a 64-bit little-endian ELF version 1";
    case SHIM_EXEC_EMACHINE:
        return "not built for x86-64";
    case SHIM_EXEC_ETYPE:
        return "not an executable (neither ET_EXEC nor ET_DYN)";
    case SHIM_EXEC_EINTERP:
        return "a dynamically linked program (PT_INTERP); only static programs run here";
    case SHIM_EXEC_EPHDR:
        return "program headers malformed or outside the file";
    case SHIM_EXEC_ENOLOAD:
        return "no loadable segment";
    case SHIM_EXEC_ETOOMANY:
        return "too many loadable segments";
    case SHIM_EXEC_ESEGMENT:
        return "a loadable segment is malformed or outside the file";
    case SHIM_EXEC_EORDER:
        return "loadable segments out of order or sharing a page";
    case SHIM_EXEC_ERANGE:
        return "a loadable segment lies outside the user address space";
    case SHIM_EXEC_EENTRY:
        return "entry point is not in an executable segment";
    case SHIM_EXEC_EPHDRADDR:
        return "the program headers are not in a loaded segment";
    case SHIM_EXEC_ELAYOUT:
        return "bad address-space layout";
    }
    return "unknown error";
}

int shim_exec_errno(enum shim_exec_error e)
{
    return e == SHIM_EXEC_OK ? 0 : LINUX_ENOEXEC;
}
