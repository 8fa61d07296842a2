/* SPDX-License-Identifier: MIT */
/*
 * Capability-slot, untyped-memory and object-pool allocators (libl4/alloc/).
 *
 * Interface, in three layers that each use the one before:
 *   struct l4_slot_alloc     free slots of one CNode region [first, first +
 *                            count): single and contiguous allocation, free;
 *                            a bitmap the caller provides.
 *   struct l4_untyped_alloc  a set of untyped capabilities (size_bits, paddr,
 *                            device flag) from which objects of any type and
 *                            size are retyped into slots of a slot allocator;
 *                            mirrors the kernel's watermark placement
 *                            (docs/kernel/capabilities.md) to pick the
 *                            untyped that fits best and to know each
 *                            object's physical address.
 *   struct l4_pool           objects of one type and size, retyped ahead of
 *                            need in batches (one Retype per batch) and
 *                            reused when freed.
 * Each layer splits into pure bookkeeping (alloc/slot.c, alloc/untyped.c,
 * alloc/pool.c: no syscalls, host-tested in tests/unit/test_alloc.c) and
 * the calls that invoke the kernel (alloc/alloc_sys.c).
 *
 * Errors are the ABI's l4_error_t: L4_NOT_ENOUGH_MEMORY (exhausted),
 * L4_RANGE_ERROR (a slot or count outside the allocator's range),
 * L4_ILLEGAL_OPERATION (double free, device rule), L4_INVALID_ARGUMENT (a
 * type or size the kernel would refuse), or what the kernel returned. A
 * failed call changes nothing.
 *
 * Ownership: the caller owns the bitmaps and arrays it passes in, and the
 * capabilities the allocators hand out until it gives them back. Before an
 * object is freed every copy of its capability must be deleted (the kernel
 * reuses an untyped's memory only once nothing derived from it is left).
 * Not thread-safe: one allocator per thread, or serialise the callers.
 */
#ifndef L4_ALLOC_H
#define L4_ALLOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <l4/abi_gen.h>

/* --- Slots ------------------------------------------------------------------ */

/* Words of bitmap a slot allocator over count slots needs. */
#define L4_SLOT_BITMAP_WORDS(count) (((count) + 63) / 64)

struct l4_slot_alloc {
    l4_word_t first, count; /* the region: slots first .. first + count - 1 */
    uint64_t *bitmap;       /* bit i set: slot first + i is in use */
    l4_word_t nfree;
    l4_word_t hint; /* index the next single allocation starts looking at */
};

/* Manage [first, first + count) with bitmap (at least
 * L4_SLOT_BITMAP_WORDS(count) words, cleared here): L4_INVALID_ARGUMENT if
 * count is 0 or the bitmap too small, L4_RANGE_ERROR if the region wraps. */
l4_error_t l4_slot_alloc_init(struct l4_slot_alloc *sa, l4_word_t first, l4_word_t count,
                              uint64_t *bitmap, size_t bitmap_words);
/* One free slot (lowest at or after the last one handed out, then from the
 * bottom). */
l4_error_t l4_slot_alloc(struct l4_slot_alloc *sa, l4_word_t *slot);
/* n (1..count) consecutive free slots, the lowest run; *first is the first. */
l4_error_t l4_slot_alloc_range(struct l4_slot_alloc *sa, l4_word_t n, l4_word_t *first);
/* Give back one slot, or n slots from first: L4_RANGE_ERROR outside the
 * region, L4_ILLEGAL_OPERATION if any of them is not in use (nothing is
 * freed then). */
l4_error_t l4_slot_free(struct l4_slot_alloc *sa, l4_word_t slot);
l4_error_t l4_slot_free_range(struct l4_slot_alloc *sa, l4_word_t first, l4_word_t n);
/* Mark a free slot in use (a capability placed there by someone else). */
l4_error_t l4_slot_reserve(struct l4_slot_alloc *sa, l4_word_t slot);
/* Whether slot is in the region and in use. */
bool l4_slot_in_use(const struct l4_slot_alloc *sa, l4_word_t slot);
/* One past the highest slot in use (first if none). */
l4_word_t l4_slot_alloc_high(const struct l4_slot_alloc *sa);

/* --- Untyped memory ------------------------------------------------------------ */

/* One untyped capability the allocator draws from. */
struct l4_untyped {
    l4_cptr_t cap;
    l4_word_t paddr;
    uint8_t size_bits;
    bool device;
    l4_word_t watermark; /* offset of the first byte the kernel has not placed */
    l4_word_t live;      /* objects made from it and not yet freed */
};

/* Where the Retype destination lies and how slots are named: objects go to
 * slot s of the CNode (root, node_index, node_depth) as Retype addresses it,
 * and the capability in slot s is cptr s + cptr_offset at depth cptr_depth
 * from root (the root task: root L4_ROOT_SLOT_CNODE, node_depth 0,
 * cptr_offset 0, cptr_depth 64). */
struct l4_cspace_dest {
    l4_cptr_t root;
    l4_word_t node_index;
    uint8_t node_depth;
    l4_word_t cptr_offset;
    uint8_t cptr_depth;
};

struct l4_untyped_alloc {
    struct l4_untyped *uts; /* caller's array */
    unsigned count, capacity;
    struct l4_slot_alloc *slots;
    struct l4_cspace_dest dest;
};

/* Flags of an allocation. */
#define L4_ALLOC_DEVICE 1u /* from device untypeds only (untyped or frames), never zeroed */

/* An object the untyped allocator handed out. */
struct l4_object {
    l4_cptr_t cap;                     /* its capability (slot + dest.cptr_offset) */
    l4_word_t slot;                    /* its slot in the slot allocator */
    l4_word_t paddr;                   /* physical address of its memory */
    uint32_t untyped;                  /* index of the untyped it came from */
    uint8_t type, size_bits, obj_bits; /* Retype's type and size_bits; log2 bytes */
    uint8_t flags;                     /* L4_OBJECT_ZEROED: known to hold zeros */
};

#define L4_OBJECT_ZEROED 1u

void l4_untyped_alloc_init(struct l4_untyped_alloc *ua, struct l4_untyped *array, unsigned capacity,
                           struct l4_slot_alloc *slots, const struct l4_cspace_dest *dest);
/* Add an untyped that nothing has been made from: L4_RANGE_ERROR for a
 * size outside the kernel's, L4_ALIGNMENT_ERROR if paddr is not aligned to
 * it, L4_NOT_ENOUGH_MEMORY if the array is full. */
l4_error_t l4_untyped_alloc_add(struct l4_untyped_alloc *ua, l4_cptr_t cap, unsigned size_bits,
                                l4_word_t paddr, bool device);

/* The kernel's placement (untyped_place): n objects of 2^obj_bits bytes
 * after watermark in an untyped of 2^ut_bits, aligned to their size.
 * L4_NOT_ENOUGH_MEMORY if they do not fit; never overflows. */
l4_error_t l4_untyped_place(l4_word_t watermark, unsigned ut_bits, unsigned obj_bits, l4_word_t n,
                            l4_word_t *offset, l4_word_t *new_watermark);

/* Choose the untyped for n objects (type, size_bits) with flags: the
 * smallest untyped they fit in, among those equally small one already in
 * use, then the least padding. Device untypeds only with L4_ALLOC_DEVICE
 * (and then only untyped and frames). Pure: changes nothing. */
l4_error_t l4_untyped_alloc_pick(const struct l4_untyped_alloc *ua, l4_word_t type,
                                 l4_word_t size_bits, l4_word_t n, unsigned flags, unsigned *index,
                                 l4_word_t *offset);
/* Record n objects of obj_bits placed at offset in untyped index (after a
 * successful Retype), and that n of them were freed again. */
void l4_untyped_alloc_commit(struct l4_untyped_alloc *ua, unsigned index, l4_word_t offset,
                             unsigned obj_bits, l4_word_t n);
l4_error_t l4_untyped_alloc_release(struct l4_untyped_alloc *ua, unsigned index, l4_word_t n);

/* Retype n (1..256) objects into n consecutive fresh slots with one Retype;
 * out[0..n-1] describe them. */
l4_error_t l4_untyped_alloc_objects(struct l4_untyped_alloc *ua, l4_word_t type,
                                    l4_word_t size_bits, l4_word_t n, unsigned flags,
                                    struct l4_object *out);
l4_error_t l4_untyped_alloc_object(struct l4_untyped_alloc *ua, l4_word_t type, l4_word_t size_bits,
                                   unsigned flags, struct l4_object *out);
/* Delete the object's capability (CNode Delete), then give back its slot
 * and its share of the untyped. */
l4_error_t l4_untyped_free_object(struct l4_untyped_alloc *ua, const struct l4_object *o);

/* --- Object pools ----------------------------------------------------------------- */

struct l4_pool {
    struct l4_untyped_alloc *ua;
    uint8_t type, size_bits;
    unsigned flags;         /* of the allocations */
    unsigned batch;         /* objects retyped per refill (1..256) */
    struct l4_object *free; /* caller's array of capacity entries */
    unsigned nfree, capacity;
};

/* A pool of (type, size_bits) objects: L4_INVALID_ARGUMENT for a type or
 * size the kernel refuses, a batch of 0 or above 256 or the capacity. */
l4_error_t l4_pool_init(struct l4_pool *p, struct l4_untyped_alloc *ua, l4_word_t type,
                        l4_word_t size_bits, unsigned flags, unsigned batch,
                        struct l4_object *array, unsigned capacity);
/* Bookkeeping: take the most recently put object (L4_NOT_ENOUGH_MEMORY if
 * none), put one back (zeroed: whether it still holds only zeros;
 * L4_INVALID_ARGUMENT if it is not of the pool's type, L4_ILLEGAL_OPERATION
 * if it is already in the pool, L4_NOT_ENOUGH_MEMORY if the pool is full). */
l4_error_t l4_pool_pop(struct l4_pool *p, struct l4_object *o);
l4_error_t l4_pool_put(struct l4_pool *p, const struct l4_object *o, bool zeroed);
/* An object: a pooled one, or a fresh batch retyped first. Check
 * o->flags & L4_OBJECT_ZEROED before relying on its contents. */
l4_error_t l4_pool_get(struct l4_pool *p, struct l4_object *o);
/* Free every pooled object back to the untyped allocator. */
l4_error_t l4_pool_drain(struct l4_pool *p);

#endif
