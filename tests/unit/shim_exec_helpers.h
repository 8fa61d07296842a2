/* SPDX-License-Identifier: MIT */
/*
 * Test helpers for the shim's exec/ suites: ELF images built in memory (a
 * valid static ET_EXEC and static-PIE, and the pieces to break them) and
 * files read whole (shim_exec_helpers.c).
 */
#ifndef UNIT_SHIM_EXEC_HELPERS_H
#define UNIT_SHIM_EXEC_HELPERS_H

#include <stddef.h>
#include <stdint.h>
#include <l4/elf.h>
#include <shim/exec.h>
#include <shim/linux_abi.h>

#define USER_TOP UINT64_C(0x7ffffffff000) /* Linux's TASK_SIZE */
extern const struct shim_exec_layout linux_layout;

#define IMG_SIZE 0x3000
extern unsigned char img[IMG_SIZE];
void put_ehdr(uint16_t type, unsigned phnum, uint64_t entry);
void put_phdr(unsigned i, uint32_t type, uint32_t flags, uint64_t off, uint64_t vaddr,
              uint64_t filesz, uint64_t memsz, uint64_t align);
struct elf64_ehdr *ehdr(void);
/* A valid static ET_EXEC: text (with the headers) and data with .bss. */
void make_exec(void);
/* A valid static-PIE: linked at 0, segments aligned to 2 MiB. */
void make_pie(void);
enum shim_exec_error plan_img(struct shim_exec_plan *plan);
/* A whole file, malloc'd; NULL if it cannot be opened. */
unsigned char *read_file(const char *path, size_t *size);

#endif
