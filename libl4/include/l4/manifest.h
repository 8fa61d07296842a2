/* SPDX-License-Identifier: MIT */
/*
 * The packed system manifest: the boot module named "manifest".
 *
 * tools/manifest.py checks system.toml at build time and packs it into this
 * format (docs/manifest.md); the root task reads it back with the functions
 * below. The module is input, not trusted code: l4_manifest_open() checks
 * the header, the checksum, every region, count and string before anything
 * else looks at it, and l4_manifest_compartment() checks one compartment's
 * values, so that a bad one is refused alone. Nothing here reads outside
 * [data, data + size) or casts the buffer to a structure: fields are read
 * byte by byte, little-endian, at the offsets the ABI spec defines once
 * (libl4/spec/structs.toml, generated into <l4/structs_gen.h>; the packer
 * takes the same layouts from the spec).
 *
 * Layout, all integers little-endian:
 *   header (64 bytes) | server records | compartment records | string table
 * Strings are NUL-terminated, named by their offset in the string table;
 * L4_MANIFEST_HEADER_NO_STRING means "absent". The checksum is CRC-32 (IEEE,
 * as zlib's crc32) of the whole module with the checksum field read as zero.
 */
#ifndef L4_MANIFEST_H
#define L4_MANIFEST_H

#include <stddef.h>
#include <stdint.h>
#include <l4/structs_gen.h>

/* The layout is not written here: struct l4_manifest_header,
 * l4_manifest_server_record and l4_manifest_compartment_record, their
 * L4_MANIFEST_*_OFFSET_* offsets, sizes and constants (magic, version,
 * limits, priority ranges, console and crash-policy values) come from
 * libl4/spec/structs.toml through <l4/structs_gen.h>; the packer
 * (tools/tessera_lib/manifest.py) loads the same spec. The structures only
 * document the layout: the parser reads bytes at the offsets. */

/* Short names for what the root task uses. */
#define L4_MANIFEST_MAX_SIZE  L4_MANIFEST_HEADER_MAX_SIZE
#define L4_MANIFEST_FLAG_MAIN L4_MANIFEST_COMPARTMENT_RECORD_FLAG_MAIN

/* Why a module or a compartment was refused. */
enum l4_manifest_error {
    L4_MANIFEST_OK = 0,
    L4_MANIFEST_ERR_TRUNCATED, /* shorter than its header or its total_size */
    L4_MANIFEST_ERR_MAGIC,     /* not a manifest */
    L4_MANIFEST_ERR_VERSION,   /* a version this parser does not know */
    L4_MANIFEST_ERR_SIZE,      /* header, record or total size wrong */
    L4_MANIFEST_ERR_CHECKSUM,  /* CRC-32 does not match */
    L4_MANIFEST_ERR_RESERVED,  /* a reserved field or flag is not zero */
    L4_MANIFEST_ERR_COUNT,     /* too many servers or compartments, or none */
    L4_MANIFEST_ERR_REGION,    /* a table outside the module, misaligned or overlapping */
    L4_MANIFEST_ERR_STRING,    /* string offset outside the table, or unterminated */
    L4_MANIFEST_ERR_NAME,      /* empty, too long or bad characters */
    L4_MANIFEST_ERR_DUPLICATE, /* two servers or compartments share a name */
    L4_MANIFEST_ERR_MAIN,      /* not exactly one main compartment, or index wrong */
    L4_MANIFEST_ERR_MEMORY,    /* machine memory zero or not page-aligned */
    L4_MANIFEST_ERR_QUOTA,     /* zero, unaligned, larger than RAM or than what is left */
    L4_MANIFEST_ERR_PRIORITY,  /* outside the range of its kind */
    L4_MANIFEST_ERR_CONSOLE,   /* unknown console */
    L4_MANIFEST_ERR_RESTART,   /* unknown crash policy or restart count out of range */
    L4_MANIFEST_ERR_SPACES,    /* address spaces zero or more than are left */
    L4_MANIFEST_ERR_THREADS,   /* threads zero */
    L4_MANIFEST_ERR_COUNT_OF
};

/* Where the check failed: the error, a short phrase, the byte offset in the
 * module of the field at fault, and the value found there. */
struct l4_manifest_fault {
    enum l4_manifest_error error;
    const char *what;
    uint32_t offset;
    uint64_t value;
};

/* An opened module: only valid after l4_manifest_open() returned 0. */
struct l4_manifest {
    const uint8_t *data;
    uint32_t size;
    uint64_t memory;
    uint32_t num_servers, num_compartments, main;
    uint32_t servers, compartments, strings, strings_size;
};

/* One server, decoded; strings point into the module, NUL-terminated. */
struct l4_manifest_server {
    const char *name, *image; /* image NULL when absent */
    uint64_t memory;
    uint8_t priority;
};

/* One compartment, decoded; strings point into the module, NUL-terminated. */
struct l4_manifest_compartment {
    const char *name, *image, *initramfs, *init; /* the last two NULL when absent */
    uint64_t quota;
    uint32_t flags;
    uint8_t priority, console, on_crash;
    uint16_t max_restarts, max_spaces, max_threads;
};

/* What is left for compartments as the root task admits them in order. */
struct l4_manifest_budget {
    uint64_t memory_left;
    uint32_t spaces_left;
};

/* Check the whole module (header, checksum, tables, strings, names, main);
 * 0 and *m filled, or -1 and *why. Per-compartment values are not checked
 * here: a bad one refuses that compartment only. */
int l4_manifest_open(struct l4_manifest *m, const void *data, size_t size,
                     struct l4_manifest_fault *why);

/* Decode server i (< num_servers) and check its values; 0 or -1 and *why. */
int l4_manifest_server(const struct l4_manifest *m, uint32_t i, struct l4_manifest_server *out,
                       struct l4_manifest_fault *why);

/* Decode compartment i (< num_compartments) and check its values; 0 or -1
 * and *why. out->name is valid even on failure (names are checked by open). */
int l4_manifest_compartment(const struct l4_manifest *m, uint32_t i,
                            struct l4_manifest_compartment *out, struct l4_manifest_fault *why);

/* The budget for compartments: memory_available (what the root task can
 * give) less the servers' reservations, and the ASIDs left after the root
 * task and the servers. 0, or -1 and *why if the servers alone do not fit. */
int l4_manifest_budget_init(const struct l4_manifest *m, uint64_t memory_available,
                            struct l4_manifest_budget *b, struct l4_manifest_fault *why);

/* Admit a checked compartment: take its quota and address spaces from *b,
 * or leave *b unchanged and return -1 with *why if they do not fit. */
int l4_manifest_admit(struct l4_manifest_budget *b, const struct l4_manifest_compartment *c,
                      struct l4_manifest_fault *why);

/* The error's name, e.g. "bad checksum". */
const char *l4_manifest_error_name(enum l4_manifest_error e);

/* CRC-32 (IEEE 802.3, as zlib) of [data, data + size), continuing from crc
 * (0 to start). */
uint32_t l4_manifest_crc32(uint32_t crc, const void *data, size_t size);

#endif
