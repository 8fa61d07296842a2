/* SPDX-License-Identifier: MIT */
/*
 * Capabilities and capability table entries.
 *
 * A capability (cap_t) is two words: word 0 packs the type, the rights and
 * type-specific fields; word 1 is the kernel address of the object. Fields
 * are read and written with the accessors below, never C bitfields; they
 * stand on the ones generated from libl4/spec/cap_layout.toml, the one
 * definition of word 0's layout (summarised in docs/kernel/capabilities.md):
 * type and rights in every capability; size, device bit and retype
 * watermark (in units of 16 bytes) of an untyped; radix, guard size and
 * guard of a CNode; the badge of an endpoint or notification; the ASID of
 * a PML4; the mapping record (ASID, virtual page) of page tables and
 * frames, and a frame's device bit; the line of an IRQHandler; the first
 * and last port of an IOPort, whose word 1 holds both again
 * (first | last << 16): there is no object, and issued ranges never
 * overlap, so the range is what copies share (cap_same_object()).
 * DebugConsole and PowerControl have no fields; their word 1 is 0 (no
 * object: every copy names the one console or machine).
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
#include <cap/cap_layout_gen.h>

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

/* Word 0's layout is generated from libl4/spec/cap_layout.toml
 * (<cap/cap_layout_gen.h>: cap_w0_* accessors and CAP_W0_* macros, checked
 * for overlaps when generated and again by _Static_assert). The functions
 * below are the kernel's names for them; nothing else reads word 0. */

_Static_assert(CAP_W0_RIGHTS_WIDTH == 4 &&
                   CAP_RIGHTS_ALL == CAP_W0_RIGHTS_MASK >> CAP_W0_RIGHTS_SHIFT,
               "every right has its bit in word 0");

static inline enum cap_type cap_type(cap_t c)
{
    return (enum cap_type)cap_w0_get_type(c.w0);
}

static inline unsigned cap_rights(cap_t c)
{
    return (unsigned)cap_w0_get_rights(c.w0);
}

static inline void *cap_object(cap_t c)
{
    return (void *)(uintptr_t)c.w1;
}

/* Is c a capability of this type with at least these rights? (One test
 * of both fields, for the fastpath.) */
static inline int cap_is(cap_t c, enum cap_type type, unsigned rights)
{
    uint64_t want = (uint64_t)type << CAP_W0_TYPE_SHIFT | (uint64_t)rights << CAP_W0_RIGHTS_SHIFT;
    return (c.w0 & (CAP_W0_TYPE_MASK | (uint64_t)rights << CAP_W0_RIGHTS_SHIFT)) == want;
}

static inline cap_t cap_null(void)
{
    return (cap_t){0, 0};
}

static inline cap_t cap_with_rights(cap_t c, unsigned rights)
{
    c.w0 = cap_w0_set_rights(c.w0, rights);
    return c;
}

/* Untyped */
static inline cap_t cap_untyped_new(void *base, unsigned size_bits, int device)
{
    return (cap_t){cap_w0_untyped_new(CAP_UNTYPED, CAP_RIGHTS_ALL, size_bits, device ? 1 : 0, 0),
                   (uint64_t)(uintptr_t)base};
}

static inline unsigned cap_untyped_size_bits(cap_t c)
{
    return (unsigned)cap_w0_untyped_get_size_bits(c.w0);
}

static inline int cap_untyped_is_device(cap_t c)
{
    return (int)cap_w0_untyped_get_device(c.w0);
}

/* Bytes already used from the base (the retype watermark), kept in units
 * of 16: the smallest object. */
#define CAP_UNTYPED_FREE_UNIT_BITS 4
_Static_assert(CAP_W0_UNTYPED_FREE_INDEX_WIDTH + CAP_UNTYPED_FREE_UNIT_BITS > CAP_UNTYPED_MAX_BITS,
               "the watermark can reach the end of the largest untyped");

static inline uint64_t cap_untyped_free_offset(cap_t c)
{
    return cap_w0_untyped_get_free_index(c.w0) << CAP_UNTYPED_FREE_UNIT_BITS;
}

static inline cap_t cap_untyped_set_free_offset(cap_t c, uint64_t offset)
{
    c.w0 = cap_w0_untyped_set_free_index(c.w0, offset >> CAP_UNTYPED_FREE_UNIT_BITS);
    return c;
}

/* CNode */
_Static_assert(CAP_W0_CNODE_RADIX_WIDTH == 6 && CAP_W0_CNODE_GUARD_SIZE_WIDTH == 6,
               "radix and guard size 0..63, guard size 64 - radix at most");

static inline cap_t cap_cnode_new(cte_t *slots, unsigned radix, unsigned guard_size, uint64_t guard)
{
    return (cap_t){cap_w0_cnode_new(CAP_CNODE, CAP_RIGHTS_ALL, radix, guard_size, guard),
                   (uint64_t)(uintptr_t)slots};
}

static inline unsigned cap_cnode_radix(cap_t c)
{
    return (unsigned)cap_w0_cnode_get_radix(c.w0);
}

static inline unsigned cap_cnode_guard_size(cap_t c)
{
    return (unsigned)cap_w0_cnode_get_guard_size(c.w0);
}

static inline uint64_t cap_cnode_guard(cap_t c)
{
    return cap_w0_cnode_get_guard(c.w0);
}

static inline cap_t cap_cnode_set_guard(cap_t c, unsigned guard_size, uint64_t guard)
{
    c.w0 = cap_w0_cnode_set_guard_size(c.w0, guard_size);
    c.w0 = cap_w0_cnode_set_guard(c.w0, guard);
    return c;
}

/* Objects with a badge: endpoint, notification. */
static inline cap_t cap_object_new(enum cap_type type, void *obj)
{
    return (cap_t){cap_w0_new(type, CAP_RIGHTS_ALL), (uint64_t)(uintptr_t)obj};
}

static inline uint64_t cap_badge(cap_t c)
{
    if (!cap_w0_badged_applies(cap_type(c)))
        return 0;
    return cap_w0_badged_get_badge(c.w0);
}

static inline cap_t cap_set_badge(cap_t c, uint64_t badge)
{
    c.w0 = cap_w0_badged_set_badge(c.w0, badge);
    return c;
}

/* IRQHandler: the line, and the kernel's entry for it as the object. */
static inline cap_t cap_irq_handler_new(unsigned irq, void *line)
{
    return (cap_t){cap_w0_irq_handler_new(CAP_IRQ_HANDLER, CAP_RIGHTS_ALL, irq),
                   (uint64_t)(uintptr_t)line};
}

static inline unsigned cap_irq_handler_irq(cap_t c)
{
    return (unsigned)cap_w0_irq_handler_get_irq(c.w0);
}

/* IOPort: the ports first..last (inclusive). */
_Static_assert(CAP_W0_IOPORT_FIRST_WIDTH == 16 && CAP_W0_IOPORT_LAST_WIDTH == 16,
               "a port number is 16 bits");

static inline cap_t cap_ioport_new(uint16_t first, uint16_t last)
{
    return (cap_t){cap_w0_ioport_new(CAP_IOPORT, CAP_RIGHTS_ALL, first, last),
                   (uint64_t)first | (uint64_t)last << 16};
}

static inline uint16_t cap_ioport_first(cap_t c)
{
    return (uint16_t)cap_w0_ioport_get_first(c.w0);
}

static inline uint16_t cap_ioport_last(cap_t c)
{
    return (uint16_t)cap_w0_ioport_get_last(c.w0);
}

/* Address spaces: the PML4's ASID, and the mapping record of frame and
 * page-table capabilities. */
#define CAP_ASID_BITS  CAP_W0_PML4_ASID_WIDTH
#define CAP_VPAGE_BITS CAP_W0_MAPPING_VPAGE_WIDTH /* user virtual addresses are below 2^47 */
#define CAP_ASID_COUNT (1u << CAP_ASID_BITS)
_Static_assert(CAP_W0_MAPPING_ASID_WIDTH == CAP_ASID_BITS, "a mapping records any ASID");
_Static_assert(CAP_VPAGE_BITS + 12 == 47, "a mapping records any user page");

static inline unsigned cap_pml4_asid(cap_t c)
{
    return (unsigned)cap_w0_pml4_get_asid(c.w0);
}

static inline cap_t cap_pml4_set_asid(cap_t c, unsigned asid)
{
    c.w0 = cap_w0_pml4_set_asid(c.w0, asid);
    return c;
}

/* Types whose capabilities record a mapping. */
static inline int cap_type_is_mappable(enum cap_type t)
{
    return cap_w0_mapping_applies(t);
}

/* ASID of the recorded mapping; 0 if the capability holds none. */
static inline unsigned cap_mapped_asid(cap_t c)
{
    return (unsigned)cap_w0_mapping_get_asid(c.w0);
}

static inline uint64_t cap_mapped_vaddr(cap_t c)
{
    return cap_w0_mapping_get_vpage(c.w0) << 12;
}

/* Record a mapping at (asid, vaddr); vaddr is page-aligned and below
 * 2^47. asid 0 clears the record. */
static inline cap_t cap_set_mapping(cap_t c, unsigned asid, uint64_t vaddr)
{
    c.w0 = cap_w0_mapping_set_asid(c.w0, asid);
    c.w0 = cap_w0_mapping_set_vpage(c.w0, asid ? vaddr >> 12 : 0);
    return c;
}

static inline int cap_frame_is_device(cap_t c)
{
    return (int)cap_w0_frame_get_device(c.w0);
}

static inline cap_t cap_frame_set_device(cap_t c, int device)
{
    c.w0 = cap_w0_frame_set_device(c.w0, device ? 1 : 0);
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
