/* SPDX-License-Identifier: MIT */
/*
 * What the kernel learns from the boot loader, in loader-independent form.
 *
 * Interface: multiboot_parse() (core/multiboot.c) validates a multiboot 1
 * information structure and copies what the kernel needs into a boot_info:
 * the command line, the RAM ranges and the modules. Every pointer and
 * length the loader hands over is checked before use, through a mapping
 * callback that refuses ranges the kernel cannot reach.
 */
#ifndef CORE_BOOTINFO_H
#define CORE_BOOTINFO_H

#include <stdint.h>
#include <core/memmap.h>

#define BOOT_MAX_RAM_RANGES 64
#define BOOT_MAX_MODULES    16
#define BOOT_CMDLINE_MAX    256
#define BOOT_MODNAME_MAX    128

struct boot_module {
    uint64_t start, end; /* physical, end exclusive */
    char cmdline[BOOT_MODNAME_MAX];
};

struct boot_info {
    char cmdline[BOOT_CMDLINE_MAX];
    struct mem_range ram[BOOT_MAX_RAM_RANGES]; /* sorted, merged, page-aligned */
    unsigned nram;
    struct boot_module mods[BOOT_MAX_MODULES];
    unsigned nmods;
};

/* Returns a pointer through which len bytes at physical pa can be read, or
 * NULL if the range is not reachable. */
typedef const void *(*phys_map_fn)(uint64_t pa, uint64_t len);

#define MULTIBOOT_LOADER_MAGIC 0x2BADB002u

/* Fill *bi from the multiboot information at physical info_pa. Returns 0, or
 * -1 with a one-line reason in err. */
int multiboot_parse(uint32_t magic, uint64_t info_pa, phys_map_fn map, struct boot_info *bi,
                    char *err, unsigned errlen);

/* Value of "key=value" in a space-separated command line, copied into out;
 * returns 0 if found, -1 if not. A bare "key" yields an empty value. */
int cmdline_get(const char *cmdline, const char *key, char *out, unsigned outlen);

#endif
