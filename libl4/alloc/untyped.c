/* SPDX-License-Identifier: MIT */
/*
 * Untyped allocator bookkeeping (see <l4/alloc.h>).
 *
 * Interface: l4_untyped_alloc_init() / _add(), l4_untyped_place() (the
 * kernel's placement rule), l4_untyped_alloc_pick() (which untyped),
 * l4_untyped_alloc_commit() / _release() (what a Retype or a free did).
 * The kernel keeps one watermark per untyped: objects go after it, aligned
 * to their own size, and it falls back to the base only once nothing made
 * from the untyped is left. We mirror that per untyped (watermark and count
 * of live objects), so that we know where an object lies (its paddr) and
 * whether it fits, without asking the kernel. No syscalls: host-tested.
 */
#include <l4/alloc.h>

void l4_untyped_alloc_init(struct l4_untyped_alloc *ua, struct l4_untyped *array, unsigned capacity,
                           struct l4_slot_alloc *slots, const struct l4_cspace_dest *dest)
{
    *ua = (struct l4_untyped_alloc){
        .uts = array, .count = 0, .capacity = capacity, .slots = slots, .dest = *dest};
}

l4_error_t l4_untyped_alloc_add(struct l4_untyped_alloc *ua, l4_cptr_t cap, unsigned size_bits,
                                l4_word_t paddr, bool device)
{
    if (size_bits < L4_OBJECT_UNTYPED_MIN_SIZE_BITS || size_bits > L4_OBJECT_UNTYPED_MAX_SIZE_BITS)
        return L4_RANGE_ERROR;
    if (paddr & ((UINT64_C(1) << size_bits) - 1))
        return L4_ALIGNMENT_ERROR;
    if (ua->count >= ua->capacity)
        return L4_NOT_ENOUGH_MEMORY;
    ua->uts[ua->count++] = (struct l4_untyped){
        .cap = cap, .paddr = paddr, .size_bits = (uint8_t)size_bits, .device = device};
    return L4_NO_ERROR;
}

/* Same rule as kernel/obj/untyped.c untyped_place(). */
l4_error_t l4_untyped_place(l4_word_t watermark, unsigned ut_bits, unsigned obj_bits, l4_word_t n,
                            l4_word_t *offset, l4_word_t *new_watermark)
{
    if (n == 0)
        return L4_INVALID_ARGUMENT;
    if (ut_bits > L4_OBJECT_UNTYPED_MAX_SIZE_BITS || obj_bits > ut_bits)
        return L4_NOT_ENOUGH_MEMORY;
    uint64_t size = UINT64_C(1) << ut_bits;
    uint64_t align = (UINT64_C(1) << obj_bits) - 1;
    if (watermark > size)
        return L4_NOT_ENOUGH_MEMORY;
    uint64_t start = (watermark + align) & ~align; /* no wrap: watermark <= 2^47 */
    /* compare counts, not products, so no n overflows */
    if (start > size || n > (size - start) >> obj_bits)
        return L4_NOT_ENOUGH_MEMORY;
    *offset = start;
    *new_watermark = start + (n << obj_bits);
    return L4_NO_ERROR;
}

/* Where the next n objects would go in u. */
static l4_error_t place_in(const struct l4_untyped *u, unsigned obj_bits, l4_word_t n,
                           l4_word_t *offset, l4_word_t *padding)
{
    l4_word_t start = u->live ? u->watermark : 0, end;
    l4_error_t e = l4_untyped_place(start, u->size_bits, obj_bits, n, offset, &end);
    if (e == L4_NO_ERROR)
        *padding = *offset - start;
    return e;
}

/* Whether candidate a is better than b (see l4_untyped_alloc_pick). */
static bool better(const struct l4_untyped *a, l4_word_t pad_a, const struct l4_untyped *b,
                   l4_word_t pad_b)
{
    if (a->size_bits != b->size_bits)
        return a->size_bits < b->size_bits;
    if ((a->live != 0) != (b->live != 0))
        return a->live != 0; /* keep untouched untypeds whole */
    return pad_a < pad_b;
}

l4_error_t l4_untyped_alloc_pick(const struct l4_untyped_alloc *ua, l4_word_t type,
                                 l4_word_t size_bits, l4_word_t n, unsigned flags, unsigned *index,
                                 l4_word_t *offset)
{
    unsigned obj_bits = l4_object_size_bits(type, size_bits);
    if (obj_bits == 0)
        return L4_INVALID_ARGUMENT;
    if (n == 0 || n > L4_RETYPE_FAN_OUT_LIMIT)
        return L4_RANGE_ERROR;
    bool device = flags & L4_ALLOC_DEVICE;
    /* the kernel's rule: device memory makes only untypeds and frames */
    if (device && type != L4_OBJECT_UNTYPED && type != L4_OBJECT_FRAME_4K &&
        type != L4_OBJECT_FRAME_2M)
        return L4_ILLEGAL_OPERATION;
    int best = -1;
    l4_word_t best_off = 0, best_pad = 0;
    for (unsigned i = 0; i < ua->count; i++) {
        const struct l4_untyped *u = &ua->uts[i];
        l4_word_t off, pad;
        if (u->device != device || place_in(u, obj_bits, n, &off, &pad) != L4_NO_ERROR)
            continue;
        if (best < 0 || better(u, pad, &ua->uts[best], best_pad)) {
            best = (int)i;
            best_off = off;
            best_pad = pad;
        }
    }
    if (best < 0)
        return L4_NOT_ENOUGH_MEMORY;
    *index = (unsigned)best;
    *offset = best_off;
    return L4_NO_ERROR;
}

void l4_untyped_alloc_commit(struct l4_untyped_alloc *ua, unsigned index, l4_word_t offset,
                             unsigned obj_bits, l4_word_t n)
{
    struct l4_untyped *u = &ua->uts[index];
    u->watermark = offset + (n << obj_bits);
    u->live += n;
}

l4_error_t l4_untyped_alloc_release(struct l4_untyped_alloc *ua, unsigned index, l4_word_t n)
{
    if (index >= ua->count)
        return L4_RANGE_ERROR;
    struct l4_untyped *u = &ua->uts[index];
    if (n == 0 || n > u->live)
        return L4_ILLEGAL_OPERATION;
    u->live -= n;
    if (u->live == 0)
        u->watermark = 0; /* the kernel starts again from the base */
    return L4_NO_ERROR;
}
