/* SPDX-License-Identifier: MIT */
/*
 * Address-space helper: frames mapped into a PML4, with the page tables
 * they need made on demand and recorded (libl4/vspace/).
 *
 * Interface: a struct l4_vspace names a PML4 capability, the untyped
 * allocator its tables come from, and two arrays the caller provides: the
 * tables made here (level, the address they cover, the object) and the
 * frames mapped here (address, capability, size, whether we own it).
 *   l4_vspace_map()       map the caller's frame at va, making the PDPT,
 *                         PD and PT it needs
 *   l4_vspace_map_new()   the same with a fresh frame from the untyped
 *                         allocator (owned: freed again by unmap/destroy)
 *   l4_vspace_unmap()     FrameUnmap the frame at va (and free it if owned)
 *   l4_vspace_lookup()    which frame is mapped at an address, if any
 *   l4_vspace_table()     which table of a level covers an address
 *   l4_vspace_destroy()   unmap every frame, free owned frames and tables
 * Addresses: user addresses run up to L4_VSPACE_USER_END, the ABI's
 * L4_USER_TOP, one page below 2^47 (the top page of the user half is never
 * mapped: a return to the non-canonical RIP right after it is the classic
 * x86-64 hole; docs/security.md). Non-canonical, kernel-half and
 * top-page addresses are refused with L4_RANGE_ERROR, misaligned ones with
 * L4_ALIGNMENT_ERROR, before any syscall.
 *
 * A table already present in the PML4 that this helper did not make (the
 * root task's boot tables, say) is used as it is and not recorded.
 * Bookkeeping (vspace.c) is pure and host-tested; vspace_sys.c invokes the
 * kernel. Arrays are searched linearly: sized for tens to hundreds of
 * mappings. Not thread-safe.
 */
#ifndef L4_VSPACE_H
#define L4_VSPACE_H

#include <l4/alloc.h>

#define L4_VSPACE_USER_END L4_USER_TOP

/* Levels of the tables, as docs/kernel/address-spaces.md numbers them by
 * the level of the entry that maps them. */
enum l4_vspace_level { L4_VSPACE_PT = 1, L4_VSPACE_PD = 2, L4_VSPACE_PDPT = 3 };

struct l4_vspace_table {
    l4_word_t base; /* first address it covers */
    uint8_t level;
    struct l4_object obj;
};

struct l4_vspace_frame {
    l4_word_t va;
    l4_cptr_t cap;
    uint8_t bits; /* 12 or 21 */
    bool owned;   /* made by l4_vspace_map_new(): obj is valid */
    struct l4_object obj;
};

struct l4_vspace {
    l4_cptr_t pml4;
    struct l4_untyped_alloc *ua;
    struct l4_vspace_table *tables;
    unsigned ntables, table_capacity;
    struct l4_vspace_frame *frames;
    unsigned nframes, frame_capacity;
};

void l4_vspace_init(struct l4_vspace *vs, l4_cptr_t pml4, struct l4_untyped_alloc *ua,
                    struct l4_vspace_table *tables, unsigned table_capacity,
                    struct l4_vspace_frame *frames, unsigned frame_capacity);

/* --- Bookkeeping (pure) ----------------------------------------------------- */

/* Whether a frame of 2^bits bytes (12 or 21) may be mapped at va:
 * L4_INVALID_ARGUMENT (bits), L4_ALIGNMENT_ERROR, L4_RANGE_ERROR (not
 * below L4_VSPACE_USER_END). */
l4_error_t l4_vspace_check(l4_word_t va, unsigned bits);
/* The first address of the region a table of level covers around va. */
l4_word_t l4_vspace_table_base(l4_word_t va, unsigned level);
/* The recorded table of level covering va, or -1. */
int l4_vspace_find_table(const struct l4_vspace *vs, unsigned level, l4_word_t va);
/* The recorded frame covering va, or -1. */
int l4_vspace_find_frame(const struct l4_vspace *vs, l4_word_t va);
/* Decode of a map: the check above, L4_DELETE_FIRST if a recorded frame
 * overlaps [va, va + 2^bits) or a recorded PT lies where a 2 MiB frame
 * would go, L4_NOT_ENOUGH_MEMORY if the arrays cannot take the frame and
 * the tables still missing. *missing gets the levels to make, bit level. */
l4_error_t l4_vspace_decode_map(const struct l4_vspace *vs, l4_word_t va, unsigned bits,
                                unsigned *missing);
l4_error_t l4_vspace_record_table(struct l4_vspace *vs, unsigned level, l4_word_t va,
                                  const struct l4_object *obj);
l4_error_t l4_vspace_record_frame(struct l4_vspace *vs, l4_word_t va, l4_cptr_t cap, unsigned bits,
                                  const struct l4_object *owned);
/* Forget recorded entry i (order is not kept). */
void l4_vspace_forget_frame(struct l4_vspace *vs, unsigned i);
void l4_vspace_forget_table(struct l4_vspace *vs, unsigned i);

/* The frame mapped at va (any address inside it): L4_FAILED_LOOKUP if none. */
l4_error_t l4_vspace_lookup(const struct l4_vspace *vs, l4_word_t va, l4_cptr_t *cap,
                            unsigned *bits);
/* The table of level made here that covers va; L4_CPTR_NULL if none. */
l4_cptr_t l4_vspace_table(const struct l4_vspace *vs, unsigned level, l4_word_t va);

/* --- Kernel calls (vspace_sys.c) ------------------------------------------- */

l4_error_t l4_vspace_map(struct l4_vspace *vs, l4_cptr_t frame, l4_word_t va, unsigned bits,
                         l4_vm_rights_t rights, l4_word_t attributes);
/* Only the tables for va (down to the PT), with no frame. */
l4_error_t l4_vspace_map_tables(struct l4_vspace *vs, l4_word_t va);
l4_error_t l4_vspace_map_new(struct l4_vspace *vs, l4_word_t va, unsigned bits,
                             l4_vm_rights_t rights, l4_word_t attributes, l4_cptr_t *frame);
/* va must be where a frame recorded here starts; *frame (if not NULL) gets
 * its capability (L4_CPTR_NULL once freed, for an owned one). */
l4_error_t l4_vspace_unmap(struct l4_vspace *vs, l4_word_t va, l4_cptr_t *frame);
/* Unmap every frame (freeing owned ones) and free every table, lowest
 * level first; stops at the first error. */
l4_error_t l4_vspace_destroy(struct l4_vspace *vs);

#endif
