/* SPDX-License-Identifier: MIT */
/*
 * Slot allocator: free slots of one CNode region (see <l4/alloc.h>).
 *
 * Interface: l4_slot_alloc_init(), l4_slot_alloc() / _range(),
 * l4_slot_free() / _range(), l4_slot_reserve(), l4_slot_in_use(),
 * l4_slot_alloc_high(). One bit per slot in a bitmap the caller owns; no
 * syscalls, so the host unit tests run it as is. Every argument is checked
 * before anything changes (a range is freed only if all of it is in use).
 */
#include <l4/alloc.h>

static bool bit_get(const struct l4_slot_alloc *sa, l4_word_t i)
{
    return (sa->bitmap[i / 64] >> (i % 64)) & 1;
}

static void bit_set(struct l4_slot_alloc *sa, l4_word_t i, bool v)
{
    uint64_t m = UINT64_C(1) << (i % 64);
    if (v)
        sa->bitmap[i / 64] |= m;
    else
        sa->bitmap[i / 64] &= ~m;
}

l4_error_t l4_slot_alloc_init(struct l4_slot_alloc *sa, l4_word_t first, l4_word_t count,
                              uint64_t *bitmap, size_t bitmap_words)
{
    if (count == 0 || !bitmap || bitmap_words < L4_SLOT_BITMAP_WORDS(count) ||
        L4_SLOT_BITMAP_WORDS(count) < count / 64) /* count near 2^64: the macro wrapped */
        return L4_INVALID_ARGUMENT;
    if (first + count < first)
        return L4_RANGE_ERROR;
    for (size_t w = 0; w < L4_SLOT_BITMAP_WORDS(count); w++)
        bitmap[w] = 0;
    *sa = (struct l4_slot_alloc){
        .first = first, .count = count, .bitmap = bitmap, .nfree = count, .hint = 0};
    return L4_NO_ERROR;
}

l4_error_t l4_slot_alloc(struct l4_slot_alloc *sa, l4_word_t *slot)
{
    if (sa->nfree == 0)
        return L4_NOT_ENOUGH_MEMORY;
    for (l4_word_t k = 0; k < sa->count; k++) {
        l4_word_t i = sa->hint + k;
        if (i >= sa->count)
            i -= sa->count;
        /* skip whole words in use */
        if (i % 64 == 0 && sa->bitmap[i / 64] == ~UINT64_C(0) && k + 64 <= sa->count) {
            k += 63;
            continue;
        }
        if (!bit_get(sa, i)) {
            bit_set(sa, i, true);
            sa->nfree--;
            sa->hint = i + 1 < sa->count ? i + 1 : 0;
            *slot = sa->first + i;
            return L4_NO_ERROR;
        }
    }
    return L4_NOT_ENOUGH_MEMORY; /* nfree was wrong: cannot happen */
}

l4_error_t l4_slot_alloc_range(struct l4_slot_alloc *sa, l4_word_t n, l4_word_t *first)
{
    if (n == 0)
        return L4_INVALID_ARGUMENT;
    if (n > sa->count)
        return L4_RANGE_ERROR;
    if (n > sa->nfree)
        return L4_NOT_ENOUGH_MEMORY;
    l4_word_t run = 0;
    for (l4_word_t i = 0; i < sa->count; i++) {
        run = bit_get(sa, i) ? 0 : run + 1;
        if (run == n) {
            l4_word_t start = i + 1 - n;
            for (l4_word_t j = start; j <= i; j++)
                bit_set(sa, j, true);
            sa->nfree -= n;
            *first = sa->first + start;
            return L4_NO_ERROR;
        }
    }
    return L4_NOT_ENOUGH_MEMORY; /* free, but not n in a row */
}

/* The index of [slot, slot + n) in the region, or L4_RANGE_ERROR. */
static l4_error_t range_index(const struct l4_slot_alloc *sa, l4_word_t slot, l4_word_t n,
                              l4_word_t *index)
{
    if (n == 0)
        return L4_INVALID_ARGUMENT;
    if (slot < sa->first || slot - sa->first >= sa->count || n > sa->count - (slot - sa->first))
        return L4_RANGE_ERROR;
    *index = slot - sa->first;
    return L4_NO_ERROR;
}

l4_error_t l4_slot_free_range(struct l4_slot_alloc *sa, l4_word_t first, l4_word_t n)
{
    l4_word_t i0;
    l4_error_t e = range_index(sa, first, n, &i0);
    if (e != L4_NO_ERROR)
        return e;
    for (l4_word_t i = i0; i < i0 + n; i++)
        if (!bit_get(sa, i))
            return L4_ILLEGAL_OPERATION; /* double free, or never handed out */
    for (l4_word_t i = i0; i < i0 + n; i++)
        bit_set(sa, i, false);
    sa->nfree += n;
    return L4_NO_ERROR;
}

l4_error_t l4_slot_free(struct l4_slot_alloc *sa, l4_word_t slot)
{
    return l4_slot_free_range(sa, slot, 1);
}

l4_error_t l4_slot_reserve(struct l4_slot_alloc *sa, l4_word_t slot)
{
    l4_word_t i;
    l4_error_t e = range_index(sa, slot, 1, &i);
    if (e != L4_NO_ERROR)
        return e;
    if (bit_get(sa, i))
        return L4_DELETE_FIRST;
    bit_set(sa, i, true);
    sa->nfree--;
    return L4_NO_ERROR;
}

bool l4_slot_in_use(const struct l4_slot_alloc *sa, l4_word_t slot)
{
    l4_word_t i;
    return range_index(sa, slot, 1, &i) == L4_NO_ERROR && bit_get(sa, i);
}

l4_word_t l4_slot_alloc_high(const struct l4_slot_alloc *sa)
{
    for (l4_word_t i = sa->count; i > 0; i--)
        if (bit_get(sa, i - 1))
            return sa->first + i;
    return sa->first;
}
