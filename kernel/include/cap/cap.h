/* SPDX-License-Identifier: MIT */
/*
 * Capabilities and capability table entries.
 *
 * A capability (cap_t) is two words: word 0 packs the type, the rights and
 * type-specific fields; word 1 is the kernel address of the object. Fields
 * are read and written with the accessors below, never C bitfields.
 *
 *   word 0, all types:     type [0,5)  rights [5,9)
 *   Untyped:               size_bits [9,15)  device [15]  free_index [16,64)
 *                          (free_index counts bytes from the base, in
 *                          units of 16: the watermark of retype)
 *   CNode:                 radix [9,15)  guard_size [15,21)  guard [21,64)
 *   Endpoint, Notification:badge [16,64)
 *   PML4:                  asid [9,21)  (its address-space id, 1..4095)
 *   PDPT, PD, PT, Frame4K, Frame2M:
 *                          mapped asid [9,21)  (0: holds no mapping)
 *                          mapped vaddr >> 12 [21,56)
 *   Frame4K, Frame2M:      device [56]  (made from device untyped)
 *   IRQHandler:            irq [16,32); word 1: the kernel's entry for the line
 *   IOPort:                first port [16,32)  last port [32,48); word 1 holds
 *                          both again (first | last << 16): there is no object,
 *                          and issued ranges never overlap, so the range is
 *                          what copies share (cap_same_object())
 *   DebugConsole, PowerControl: no fields; word 1 is 0 (no object: every
 *                          copy names the one console or machine)
 *
 * A frame or page-table capability records the one mapping it made
 * (docs/kernel/address-spaces.md); a copy never inherits it
 * (cap_copy_of()), a move keeps it.
 *
 * A capability table entry (cte_t) is a cap plus the two links of the
 * derivation tree (cap/derivation.c), whose low bits carry the entry's
 * "revocable" and "first badged" flags. Entries are 32 bytes, so a CNode
 * of radix r takes 2^(r+5) bytes.
 */
#ifndef CAP_CAP_H
#define CAP_CAP_H

#include <stdint.h>
#include <stddef.h>
#include <l4/abi_gen.h>

/* The kernel's names for the ABI's capability types (libl4/spec/objects.toml).
 * Types the kernel does not implement yet follow with their objects. */
enum cap_type {
    CAP_NULL = L4_CAP_NULL,
    CAP_UNTYPED = L4_CAP_UNTYPED,
    CAP_TCB = L4_CAP_TCB,
    CAP_ENDPOINT = L4_CAP_ENDPOINT,
    CAP_NOTIFICATION = L4_CAP_NOTIFICATION,
    CAP_CNODE = L4_CAP_CNODE,
    CAP_REPLY = L4_CAP_REPLY,
    CAP_PML4 = L4_CAP_PML4,
    CAP_PDPT = L4_CAP_PDPT,
    CAP_PD = L4_CAP_PD,
    CAP_PT = L4_CAP_PT,
    CAP_FRAME_4K = L4_CAP_FRAME_4K,
    CAP_FRAME_2M = L4_CAP_FRAME_2M,
    CAP_IRQ_CONTROL = L4_CAP_IRQ_CONTROL,
    CAP_IRQ_HANDLER = L4_CAP_IRQ_HANDLER,
    CAP_IOPORT_CONTROL = L4_CAP_IO_PORT_CONTROL,
    CAP_IOPORT = L4_CAP_IO_PORT,
    CAP_DEBUG_CONSOLE = L4_CAP_DEBUG_CONSOLE,
    CAP_POWER_CONTROL = L4_CAP_POWER_CONTROL,
    CAP_TYPE_COUNT = L4_CAP_TYPE_COUNT
};

#define CAP_RIGHT_READ        ((unsigned)L4_CAP_RIGHTS_READ)
#define CAP_RIGHT_WRITE       ((unsigned)L4_CAP_RIGHTS_WRITE)
#define CAP_RIGHT_GRANT       ((unsigned)L4_CAP_RIGHTS_GRANT)
#define CAP_RIGHT_GRANT_REPLY ((unsigned)L4_CAP_RIGHTS_GRANT_REPLY)
#define CAP_RIGHTS_ALL        (CAP_RIGHT_READ | CAP_RIGHT_WRITE | CAP_RIGHT_GRANT | CAP_RIGHT_GRANT_REPLY)
_Static_assert(CAP_RIGHTS_ALL == 0xf, "rights fit the 4-bit field of word 0");

#define CAP_UNTYPED_MIN_BITS L4_OBJECT_UNTYPED_MIN_SIZE_BITS
#define CAP_UNTYPED_MAX_BITS L4_OBJECT_UNTYPED_MAX_SIZE_BITS
#define CAP_BADGE_BITS       L4_BADGE_BITS
#define CAP_GUARD_BITS       L4_GUARD_BITS
#define CNODE_SLOT_BITS      L4_OBJECT_CNODE_UNIT_BITS
#define CNODE_MAX_RADIX      L4_OBJECT_CNODE_MAX_SIZE_BITS

typedef struct cap {
    uint64_t w0, w1;
} cap_t;

typedef struct cte {
    cap_t cap;
    uint64_t prev; /* cte pointer | CTE_REVOCABLE | CTE_FIRST_BADGED */
    uint64_t next; /* cte pointer */
} cte_t;

_Static_assert(sizeof(cap_t) == 16, "cap is two words");
_Static_assert(sizeof(cte_t) == 1u << CNODE_SLOT_BITS, "a CNode slot is 32 bytes");

#define CTE_REVOCABLE    1ull
#define CTE_FIRST_BADGED 2ull
#define CTE_FLAG_MASK    3ull

/* --- field access ------------------------------------------------------- */

static inline uint64_t cap_field(uint64_t w, unsigned lo, unsigned width)
{
    return width == 64 ? w : (w >> lo) & ((1ull << width) - 1);
}

static inline uint64_t cap_set_field(uint64_t w, unsigned lo, unsigned width, uint64_t v)
{
    uint64_t mask = (width == 64 ? ~0ull : (1ull << width) - 1) << lo;
    return (w & ~mask) | ((v << lo) & mask);
}

static inline enum cap_type cap_type(cap_t c)
{
    return (enum cap_type)cap_field(c.w0, 0, 5);
}

static inline unsigned cap_rights(cap_t c)
{
    return (unsigned)cap_field(c.w0, 5, 4);
}

static inline void *cap_object(cap_t c)
{
    return (void *)(uintptr_t)c.w1;
}

/* Is c a capability of this type with at least these rights? (One test
 * of both fields, for the fastpath.) */
static inline int cap_is(cap_t c, enum cap_type type, unsigned rights)
{
    uint64_t mask = 0x1full | (uint64_t)rights << 5;
    return (c.w0 & mask) == ((uint64_t)type | (uint64_t)rights << 5);
}

static inline cap_t cap_null(void)
{
    return (cap_t){0, 0};
}

static inline cap_t cap_with_rights(cap_t c, unsigned rights)
{
    c.w0 = cap_set_field(c.w0, 5, 4, rights);
    return c;
}

/* Untyped */
static inline cap_t cap_untyped_new(void *base, unsigned size_bits, int device)
{
    uint64_t w = cap_set_field(CAP_UNTYPED, 5, 4, CAP_RIGHTS_ALL);
    w = cap_set_field(w, 9, 6, size_bits);
    w = cap_set_field(w, 15, 1, device ? 1 : 0);
    return (cap_t){w, (uint64_t)(uintptr_t)base};
}

static inline unsigned cap_untyped_size_bits(cap_t c)
{
    return (unsigned)cap_field(c.w0, 9, 6);
}

static inline int cap_untyped_is_device(cap_t c)
{
    return (int)cap_field(c.w0, 15, 1);
}

/* Bytes already used from the base (the retype watermark). */
static inline uint64_t cap_untyped_free_offset(cap_t c)
{
    return cap_field(c.w0, 16, 48) << 4;
}

static inline cap_t cap_untyped_set_free_offset(cap_t c, uint64_t offset)
{
    c.w0 = cap_set_field(c.w0, 16, 48, offset >> 4);
    return c;
}

/* CNode */
static inline cap_t cap_cnode_new(cte_t *slots, unsigned radix, unsigned guard_size, uint64_t guard)
{
    uint64_t w = cap_set_field(CAP_CNODE, 5, 4, CAP_RIGHTS_ALL);
    w = cap_set_field(w, 9, 6, radix);
    w = cap_set_field(w, 15, 6, guard_size);
    w = cap_set_field(w, 21, CAP_GUARD_BITS, guard);
    return (cap_t){w, (uint64_t)(uintptr_t)slots};
}

static inline unsigned cap_cnode_radix(cap_t c)
{
    return (unsigned)cap_field(c.w0, 9, 6);
}

static inline unsigned cap_cnode_guard_size(cap_t c)
{
    return (unsigned)cap_field(c.w0, 15, 6);
}

static inline uint64_t cap_cnode_guard(cap_t c)
{
    return cap_field(c.w0, 21, CAP_GUARD_BITS);
}

static inline cap_t cap_cnode_set_guard(cap_t c, unsigned guard_size, uint64_t guard)
{
    c.w0 = cap_set_field(c.w0, 15, 6, guard_size);
    c.w0 = cap_set_field(c.w0, 21, CAP_GUARD_BITS, guard);
    return c;
}

/* Objects with a badge: endpoint, notification. */
static inline cap_t cap_object_new(enum cap_type type, void *obj)
{
    return (cap_t){cap_set_field(type, 5, 4, CAP_RIGHTS_ALL), (uint64_t)(uintptr_t)obj};
}

static inline uint64_t cap_badge(cap_t c)
{
    return (cap_type(c) == CAP_ENDPOINT || cap_type(c) == CAP_NOTIFICATION)
               ? cap_field(c.w0, 16, CAP_BADGE_BITS)
               : 0;
}

static inline cap_t cap_set_badge(cap_t c, uint64_t badge)
{
    c.w0 = cap_set_field(c.w0, 16, CAP_BADGE_BITS, badge);
    return c;
}

/* IRQHandler: the line, and the kernel's entry for it as the object. */
static inline cap_t cap_irq_handler_new(unsigned irq, void *line)
{
    uint64_t w = cap_set_field(CAP_IRQ_HANDLER, 5, 4, CAP_RIGHTS_ALL);
    w = cap_set_field(w, 16, 16, irq);
    return (cap_t){w, (uint64_t)(uintptr_t)line};
}

static inline unsigned cap_irq_handler_irq(cap_t c)
{
    return (unsigned)cap_field(c.w0, 16, 16);
}

/* IOPort: the ports first..last (inclusive). */
static inline cap_t cap_ioport_new(uint16_t first, uint16_t last)
{
    uint64_t w = cap_set_field(CAP_IOPORT, 5, 4, CAP_RIGHTS_ALL);
    w = cap_set_field(w, 16, 16, first);
    w = cap_set_field(w, 32, 16, last);
    return (cap_t){w, (uint64_t)first | (uint64_t)last << 16};
}

static inline uint16_t cap_ioport_first(cap_t c)
{
    return (uint16_t)cap_field(c.w0, 16, 16);
}

static inline uint16_t cap_ioport_last(cap_t c)
{
    return (uint16_t)cap_field(c.w0, 32, 16);
}

/* Address spaces: the PML4's ASID, and the mapping record of frame and
 * page-table capabilities. */
#define CAP_ASID_BITS  12
#define CAP_VPAGE_BITS 35 /* user virtual addresses are below 2^47 */
#define CAP_ASID_COUNT (1u << CAP_ASID_BITS)

static inline unsigned cap_pml4_asid(cap_t c)
{
    return (unsigned)cap_field(c.w0, 9, CAP_ASID_BITS);
}

static inline cap_t cap_pml4_set_asid(cap_t c, unsigned asid)
{
    c.w0 = cap_set_field(c.w0, 9, CAP_ASID_BITS, asid);
    return c;
}

/* Types whose capabilities record a mapping. */
static inline int cap_type_is_mappable(enum cap_type t)
{
    return t == CAP_PDPT || t == CAP_PD || t == CAP_PT || t == CAP_FRAME_4K || t == CAP_FRAME_2M;
}

/* ASID of the recorded mapping; 0 if the capability holds none. */
static inline unsigned cap_mapped_asid(cap_t c)
{
    return (unsigned)cap_field(c.w0, 9, CAP_ASID_BITS);
}

static inline uint64_t cap_mapped_vaddr(cap_t c)
{
    return cap_field(c.w0, 21, CAP_VPAGE_BITS) << 12;
}

/* Record a mapping at (asid, vaddr); vaddr is page-aligned and below
 * 2^47. asid 0 clears the record. */
static inline cap_t cap_set_mapping(cap_t c, unsigned asid, uint64_t vaddr)
{
    c.w0 = cap_set_field(c.w0, 9, CAP_ASID_BITS, asid);
    c.w0 = cap_set_field(c.w0, 21, CAP_VPAGE_BITS, asid ? vaddr >> 12 : 0);
    return c;
}

static inline int cap_frame_is_device(cap_t c)
{
    return (int)cap_field(c.w0, 56, 1);
}

static inline cap_t cap_frame_set_device(cap_t c, int device)
{
    c.w0 = cap_set_field(c.w0, 56, 1, device ? 1 : 0);
    return c;
}

/* The capability a copy of c gets (CNode Copy and Mint, capability
 * transfer, a TCB's own slots): a frame or page-table copy holds no
 * mapping, so it can map the frame elsewhere; the original keeps its own. */
static inline cap_t cap_copy_of(cap_t c)
{
    return cap_type_is_mappable(cap_type(c)) ? cap_set_mapping(c, 0, 0) : c;
}

/* --- identity ----------------------------------------------------------- */

/* log2 of the size of fixed-size objects (TCB, endpoint, ...); 0 for
 * variable-size ones (untyped, CNode) and the null cap. */
int cap_object_bits(enum cap_type t);

/* Size in bytes of the object a cap names (CNode: all its slots). */
uint64_t cap_object_size(cap_t c);

/* Do a and b name the same object (same type and address; untyped: same
 * region)? */
int cap_same_object(cap_t a, cap_t b);

/* Does the region of untyped cap u contain the object of cap c? */
int cap_untyped_covers(cap_t u, cap_t c);

#endif
