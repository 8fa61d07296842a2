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
 * byte by byte, little-endian, at the offsets defined once below (the
 * structures only document them and let the compiler check the offsets;
 * tests/tools/test_manifest.py checks that the packer uses the same ones).
 *
 * Layout, all integers little-endian:
 *   header (64 bytes) | server records | compartment records | string table
 * Strings are NUL-terminated, named by their offset in the string table;
 * L4_MANIFEST_NO_STRING means "absent". The checksum is CRC-32 (IEEE, as
 * zlib's crc32) of the whole module with the checksum field read as zero.
 */
#ifndef L4_MANIFEST_H
#define L4_MANIFEST_H

#include <stddef.h>
#include <stdint.h>

#define L4_MANIFEST_MAGIC   UINT32_C(0x464d5354) /* "TSMF", little-endian */
#define L4_MANIFEST_VERSION 1

/* Limits the packer and the parser share. */
#define L4_MANIFEST_MAX_SERVERS      16
#define L4_MANIFEST_MAX_COMPARTMENTS 64
#define L4_MANIFEST_MAX_SIZE         (256u * 1024u)
#define L4_MANIFEST_NAME_MAX         31 /* characters of a name, without the NUL */
#define L4_MANIFEST_NO_STRING        UINT32_C(0xffffffff)
#define L4_MANIFEST_PAGE_SIZE        4096u

/* Priorities (the kernel's range is 0..255; the root task runs at 255):
 * servers above compartments, so a compartment never starves a server. */
#define L4_MANIFEST_SERVER_PRIO_MIN      200
#define L4_MANIFEST_SERVER_PRIO_MAX      254
#define L4_MANIFEST_COMPARTMENT_PRIO_MIN 1
#define L4_MANIFEST_COMPARTMENT_PRIO_MAX 199

/* Address spaces: the kernel has 4095 ASIDs in all; the root task and each
 * server take one, the compartments share the rest. */
#define L4_MANIFEST_ASIDS_TOTAL  4095u
#define L4_MANIFEST_MAX_THREADS  65535u
#define L4_MANIFEST_MAX_RESTARTS 100u

/* Header fields: byte offsets. */
#define L4_MANIFEST_HDR_MAGIC            0  /* u32 */
#define L4_MANIFEST_HDR_VERSION          4  /* u16 */
#define L4_MANIFEST_HDR_HEADER_SIZE      6  /* u16: L4_MANIFEST_HEADER_SIZE */
#define L4_MANIFEST_HDR_TOTAL_SIZE       8  /* u32: bytes of the module */
#define L4_MANIFEST_HDR_CHECKSUM         12 /* u32: CRC-32, this field as zero */
#define L4_MANIFEST_HDR_MEMORY           16 /* u64: machine RAM checked against, bytes */
#define L4_MANIFEST_HDR_NUM_SERVERS      24 /* u16 */
#define L4_MANIFEST_HDR_NUM_COMPARTMENTS 26 /* u16 */
#define L4_MANIFEST_HDR_SERVER_SIZE      28 /* u16: L4_MANIFEST_SERVER_SIZE */
#define L4_MANIFEST_HDR_COMPARTMENT_SIZE 30 /* u16: L4_MANIFEST_COMPARTMENT_SIZE */
#define L4_MANIFEST_HDR_SERVERS          32 /* u32: offset of the server records */
#define L4_MANIFEST_HDR_COMPARTMENTS     36 /* u32: offset of the compartment records */
#define L4_MANIFEST_HDR_STRINGS          40 /* u32: offset of the string table */
#define L4_MANIFEST_HDR_STRINGS_SIZE     44 /* u32 */
#define L4_MANIFEST_HDR_MAIN             48 /* u32: index of the main compartment */
#define L4_MANIFEST_HDR_RESERVED         52 /* 12 bytes, zero */
#define L4_MANIFEST_HEADER_SIZE          64

/* Server record. */
#define L4_MANIFEST_SRV_NAME     0  /* u32 string */
#define L4_MANIFEST_SRV_IMAGE    4  /* u32 string or L4_MANIFEST_NO_STRING */
#define L4_MANIFEST_SRV_MEMORY   8  /* u64: bytes reserved for it */
#define L4_MANIFEST_SRV_PRIORITY 16 /* u8 */
#define L4_MANIFEST_SRV_RESERVED 17 /* 15 bytes, zero */
#define L4_MANIFEST_SERVER_SIZE  32

/* Compartment record. */
#define L4_MANIFEST_CMP_NAME         0  /* u32 string */
#define L4_MANIFEST_CMP_FLAGS        4  /* u32: L4_MANIFEST_FLAG_* */
#define L4_MANIFEST_CMP_QUOTA        8  /* u64: bytes */
#define L4_MANIFEST_CMP_PRIORITY     16 /* u8 */
#define L4_MANIFEST_CMP_CONSOLE      17 /* u8: L4_MANIFEST_CONSOLE_* */
#define L4_MANIFEST_CMP_ON_CRASH     18 /* u8: L4_MANIFEST_CRASH_* */
#define L4_MANIFEST_CMP_RESERVED0    19 /* u8, zero */
#define L4_MANIFEST_CMP_MAX_RESTARTS 20 /* u16 */
#define L4_MANIFEST_CMP_MAX_SPACES   22 /* u16: address spaces */
#define L4_MANIFEST_CMP_MAX_THREADS  24 /* u16 */
#define L4_MANIFEST_CMP_RESERVED1    26 /* u16, zero */
#define L4_MANIFEST_CMP_IMAGE        28 /* u32 string */
#define L4_MANIFEST_CMP_INITRAMFS    32 /* u32 string or L4_MANIFEST_NO_STRING */
#define L4_MANIFEST_CMP_INIT         36 /* u32 string or L4_MANIFEST_NO_STRING */
#define L4_MANIFEST_CMP_RESERVED2    40 /* 24 bytes, zero */
#define L4_MANIFEST_COMPARTMENT_SIZE 64

#define L4_MANIFEST_FLAG_MAIN UINT32_C(1) /* its exit status is the machine's */

enum l4_manifest_console {
    L4_MANIFEST_CONSOLE_NONE = 0,   /* output discarded */
    L4_MANIFEST_CONSOLE_SERIAL = 1, /* the serial line, shared, lines prefixed */
    L4_MANIFEST_CONSOLE_COUNT
};

enum l4_manifest_crash {
    L4_MANIFEST_CRASH_STOP = 0,    /* a crash ends the compartment */
    L4_MANIFEST_CRASH_RESTART = 1, /* restart it, at most max_restarts times */
    L4_MANIFEST_CRASH_COUNT
};

/* The records as C structures: documentation and offset checks only. */
struct l4_manifest_header_layout {
    uint32_t magic;
    uint16_t version, header_size;
    uint32_t total_size, checksum;
    uint64_t memory;
    uint16_t num_servers, num_compartments, server_size, compartment_size;
    uint32_t servers, compartments, strings, strings_size, main;
    uint8_t reserved[12];
};
struct l4_manifest_server_layout {
    uint32_t name, image;
    uint64_t memory;
    uint8_t priority, reserved[15];
};
struct l4_manifest_compartment_layout {
    uint32_t name, flags;
    uint64_t quota;
    uint8_t priority, console, on_crash, reserved0;
    uint16_t max_restarts, max_spaces, max_threads, reserved1;
    uint32_t image, initramfs, init;
    uint8_t reserved2[24];
};

#define L4_MANIFEST_AT(type, field, off)                                                           \
    _Static_assert(offsetof(struct type, field) == (off), #type "." #field " offset")
L4_MANIFEST_AT(l4_manifest_header_layout, magic, L4_MANIFEST_HDR_MAGIC);
L4_MANIFEST_AT(l4_manifest_header_layout, version, L4_MANIFEST_HDR_VERSION);
L4_MANIFEST_AT(l4_manifest_header_layout, header_size, L4_MANIFEST_HDR_HEADER_SIZE);
L4_MANIFEST_AT(l4_manifest_header_layout, total_size, L4_MANIFEST_HDR_TOTAL_SIZE);
L4_MANIFEST_AT(l4_manifest_header_layout, checksum, L4_MANIFEST_HDR_CHECKSUM);
L4_MANIFEST_AT(l4_manifest_header_layout, memory, L4_MANIFEST_HDR_MEMORY);
L4_MANIFEST_AT(l4_manifest_header_layout, num_servers, L4_MANIFEST_HDR_NUM_SERVERS);
L4_MANIFEST_AT(l4_manifest_header_layout, num_compartments, L4_MANIFEST_HDR_NUM_COMPARTMENTS);
L4_MANIFEST_AT(l4_manifest_header_layout, server_size, L4_MANIFEST_HDR_SERVER_SIZE);
L4_MANIFEST_AT(l4_manifest_header_layout, compartment_size, L4_MANIFEST_HDR_COMPARTMENT_SIZE);
L4_MANIFEST_AT(l4_manifest_header_layout, servers, L4_MANIFEST_HDR_SERVERS);
L4_MANIFEST_AT(l4_manifest_header_layout, compartments, L4_MANIFEST_HDR_COMPARTMENTS);
L4_MANIFEST_AT(l4_manifest_header_layout, strings, L4_MANIFEST_HDR_STRINGS);
L4_MANIFEST_AT(l4_manifest_header_layout, strings_size, L4_MANIFEST_HDR_STRINGS_SIZE);
L4_MANIFEST_AT(l4_manifest_header_layout, main, L4_MANIFEST_HDR_MAIN);
L4_MANIFEST_AT(l4_manifest_header_layout, reserved, L4_MANIFEST_HDR_RESERVED);
_Static_assert(sizeof(struct l4_manifest_header_layout) == L4_MANIFEST_HEADER_SIZE, "header size");
L4_MANIFEST_AT(l4_manifest_server_layout, name, L4_MANIFEST_SRV_NAME);
L4_MANIFEST_AT(l4_manifest_server_layout, image, L4_MANIFEST_SRV_IMAGE);
L4_MANIFEST_AT(l4_manifest_server_layout, memory, L4_MANIFEST_SRV_MEMORY);
L4_MANIFEST_AT(l4_manifest_server_layout, priority, L4_MANIFEST_SRV_PRIORITY);
L4_MANIFEST_AT(l4_manifest_server_layout, reserved, L4_MANIFEST_SRV_RESERVED);
_Static_assert(sizeof(struct l4_manifest_server_layout) == L4_MANIFEST_SERVER_SIZE, "server size");
L4_MANIFEST_AT(l4_manifest_compartment_layout, name, L4_MANIFEST_CMP_NAME);
L4_MANIFEST_AT(l4_manifest_compartment_layout, flags, L4_MANIFEST_CMP_FLAGS);
L4_MANIFEST_AT(l4_manifest_compartment_layout, quota, L4_MANIFEST_CMP_QUOTA);
L4_MANIFEST_AT(l4_manifest_compartment_layout, priority, L4_MANIFEST_CMP_PRIORITY);
L4_MANIFEST_AT(l4_manifest_compartment_layout, console, L4_MANIFEST_CMP_CONSOLE);
L4_MANIFEST_AT(l4_manifest_compartment_layout, on_crash, L4_MANIFEST_CMP_ON_CRASH);
L4_MANIFEST_AT(l4_manifest_compartment_layout, reserved0, L4_MANIFEST_CMP_RESERVED0);
L4_MANIFEST_AT(l4_manifest_compartment_layout, max_restarts, L4_MANIFEST_CMP_MAX_RESTARTS);
L4_MANIFEST_AT(l4_manifest_compartment_layout, max_spaces, L4_MANIFEST_CMP_MAX_SPACES);
L4_MANIFEST_AT(l4_manifest_compartment_layout, max_threads, L4_MANIFEST_CMP_MAX_THREADS);
L4_MANIFEST_AT(l4_manifest_compartment_layout, reserved1, L4_MANIFEST_CMP_RESERVED1);
L4_MANIFEST_AT(l4_manifest_compartment_layout, image, L4_MANIFEST_CMP_IMAGE);
L4_MANIFEST_AT(l4_manifest_compartment_layout, initramfs, L4_MANIFEST_CMP_INITRAMFS);
L4_MANIFEST_AT(l4_manifest_compartment_layout, init, L4_MANIFEST_CMP_INIT);
L4_MANIFEST_AT(l4_manifest_compartment_layout, reserved2, L4_MANIFEST_CMP_RESERVED2);
_Static_assert(sizeof(struct l4_manifest_compartment_layout) == L4_MANIFEST_COMPARTMENT_SIZE,
               "compartment size");
#undef L4_MANIFEST_AT

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
