/* SPDX-License-Identifier: MIT */
/*
 * Test helpers for the shim's exec/ suites (test_shim_exec.c: the load
 * plan; test_shim_exec_stack.c: the initial stack): ELF images built in
 * memory and files read whole.
 */
#include <check.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "shim_exec_helpers.h"

const struct shim_exec_layout linux_layout = {0x10000, USER_TOP, 0x555555554000};

/* ---- ELF images built in memory ---------------------------------------- */

unsigned char img[IMG_SIZE];

void put_ehdr(uint16_t type, unsigned phnum, uint64_t entry)
{
    struct elf64_ehdr eh = {0};
    memcpy(eh.e_ident, "\177ELF\2\1\1", 7);
    eh.e_type = type;
    eh.e_machine = LINUX_EM_X86_64;
    eh.e_version = 1;
    eh.e_entry = entry;
    eh.e_phoff = 64;
    eh.e_ehsize = 64;
    eh.e_phentsize = 56;
    eh.e_phnum = (uint16_t)phnum;
    memcpy(img, &eh, sizeof eh);
}

void put_phdr(unsigned i, uint32_t type, uint32_t flags, uint64_t off, uint64_t vaddr,
              uint64_t filesz, uint64_t memsz, uint64_t align)
{
    struct elf64_phdr ph = {type, flags, off, vaddr, vaddr, filesz, memsz, align};
    memcpy(img + 64 + i * 56, &ph, sizeof ph);
}

struct elf64_ehdr *ehdr(void)
{
    return (struct elf64_ehdr *)img;
}

/* A valid static ET_EXEC: text (with the headers) and data with .bss. */
void make_exec(void)
{
    memset(img, 0, sizeof img);
    put_ehdr(LINUX_ET_EXEC, 3, 0x400100);
    put_phdr(0, LINUX_PT_LOAD, LINUX_PF_R | LINUX_PF_X, 0, 0x400000, 0x1800, 0x1800, 0x1000);
    put_phdr(1, LINUX_PT_LOAD, LINUX_PF_R | LINUX_PF_W, 0x2100, 0x402100, 0x800, 0x3000, 0x1000);
    put_phdr(2, LINUX_PT_GNU_STACK, LINUX_PF_R | LINUX_PF_W, 0, 0, 0, 0, 16);
}

/* A valid static-PIE: linked at 0, segments aligned to 2 MiB. */
void make_pie(void)
{
    memset(img, 0, sizeof img);
    put_ehdr(LINUX_ET_DYN, 4, 0x1040);
    put_phdr(0, LINUX_PT_PHDR, LINUX_PF_R, 64, 64, 4 * 56, 4 * 56, 8);
    put_phdr(1, LINUX_PT_LOAD, LINUX_PF_R | LINUX_PF_X, 0, 0, 0x1800, 0x1800, 0x200000);
    put_phdr(2, LINUX_PT_LOAD, LINUX_PF_R | LINUX_PF_W, 0x2000, 0x202000, 0x100, 0x100, 0x200000);
    put_phdr(3, LINUX_PT_DYNAMIC, LINUX_PF_R | LINUX_PF_W, 0x2000, 0x202000, 0x100, 0x100, 8);
}

enum shim_exec_error plan_img(struct shim_exec_plan *plan)
{
    return shim_exec_plan(img, IMG_SIZE, &linux_layout, plan);
}

/* ---- Real programs --------------------------------------------------- */

unsigned char *read_file(const char *path, size_t *size)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return NULL;
    struct stat st;
    ck_assert_int_eq(fstat(fd, &st), 0);
    unsigned char *b = malloc((size_t)st.st_size);
    ck_assert_ptr_nonnull(b);
    ck_assert_int_eq(read(fd, b, (size_t)st.st_size), st.st_size);
    close(fd);
    *size = (size_t)st.st_size;
    return b;
}
