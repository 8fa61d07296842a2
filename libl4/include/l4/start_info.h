/* SPDX-License-Identifier: MIT */
/*
 * The start-info page: filling it (the starter) and checking it (the program).
 *
 * struct l4_start_info (libl4/spec/structs.toml, <l4/structs_gen.h>) is what
 * whoever starts a program hands it: one page, mapped read-only, its
 * address in RDI at entry (libl4/README.md, "The start-up contract"). The
 * starter fills a page-sized buffer with l4_start_info_init() and the
 * l4_start_info_add_*() functions (setting the CSpace, slot, IPC-buffer and
 * stack fields directly), which refuse what does not fit; the program's
 * runtime copies the page and accepts it only if l4_start_info_check()
 * does: the page is input from another program, so every count, name and
 * string offset is checked before anything is read through it. The lookups
 * assume a page that passed the check. Pure logic: no syscalls, no
 * allocation, host-tested (tests/unit/test_start_info.c).
 */
#ifndef L4_START_INFO_H
#define L4_START_INFO_H

#include <stddef.h>
#include <l4/abi_gen.h>
#include <l4/structs_gen.h>

/* Names of the capabilities the runtime itself looks for (l4_rt_start()):
 * output and the checker (DebugConsole), exit (PowerControl). */
#define L4_SI_CAP_DEBUG_CONSOLE "debug_console"
#define L4_SI_CAP_POWER         "power"

/* What the functions below return (0: fine). */
enum l4_si_status {
    L4_SI_OK = 0,
    L4_SI_BAD_MAGIC,   /* check: not a start-info page */
    L4_SI_BAD_VERSION, /* check: another layout version */
    L4_SI_BAD_SIZE,    /* check: size is not L4_START_INFO_SIZE, or the buffer is smaller */
    L4_SI_BAD_CSPACE,  /* check: radix and guard do not make cptr = slot, or a slot is outside */
    L4_SI_BAD_COUNT,   /* check: a count beyond its table, or strings_used beyond the area */
    L4_SI_BAD_NAME,    /* empty name, or no NUL inside its field */
    L4_SI_BAD_STRING,  /* check: an offset outside the used strings, or them unterminated */
    L4_SI_BAD_PAGE,    /* a shared page not page-aligned, empty, wrapping, or unknown flags */
    L4_SI_DUPLICATE,   /* a name given twice */
    L4_SI_FULL,        /* add: the table is full */
    L4_SI_NO_SPACE,    /* add: the string does not fit the string area */
};

/* Name of a status ("?" if unknown). */
const char *l4_si_status_name(int status);

/* --- The starter's side ---------------------------------------------------- */

/* Zero the page and set magic, version and size. */
void l4_start_info_init(struct l4_start_info *si);

/* The program's CNode: 2^radix slots, guard 64 - radix zero bits (cptr = slot). */
void l4_start_info_set_cspace(struct l4_start_info *si, unsigned radix, l4_word_t free_first,
                              l4_word_t free_count);

/* Append a named capability / shared page / argument / NAME=value. */
int l4_start_info_add_cap(struct l4_start_info *si, const char *name, l4_cptr_t slot,
                          l4_cap_type_t type);
int l4_start_info_add_page(struct l4_start_info *si, const char *name, l4_word_t vaddr,
                           l4_word_t size, int writable);
int l4_start_info_add_arg(struct l4_start_info *si, const char *arg);
int l4_start_info_add_env(struct l4_start_info *si, const char *name_value);

/* --- The program's side ------------------------------------------------------ */

/* Check `avail` readable bytes at page as a start-info page; L4_SI_OK or why
 * not. Reads nothing outside [page, page + avail). */
int l4_start_info_check(const void *page, size_t avail);

/* Lookups on a checked page: NULL if there is no such entry. */
const struct l4_start_cap *l4_start_info_cap(const struct l4_start_info *si, const char *name);
const struct l4_start_page *l4_start_info_page(const struct l4_start_info *si, const char *name);
const char *l4_start_info_arg(const struct l4_start_info *si, unsigned i);
const char *l4_start_info_env(const struct l4_start_info *si, unsigned i);
/* The value of NAME in the environment, or NULL. */
const char *l4_start_info_getenv(const struct l4_start_info *si, const char *name);

#endif
