/* SPDX-License-Identifier: MIT */
/*
 * Address-space bookkeeping (see <l4/vspace.h>).
 *
 * Interface: l4_vspace_init(), l4_vspace_check(), l4_vspace_table_base(),
 * l4_vspace_find_table() / _frame(), l4_vspace_decode_map(), the record
 * and forget functions, l4_vspace_lookup(), l4_vspace_table(). What the
 * helper made and mapped is kept in two arrays the caller owns, so that
 * unmapping and destroying the space can give everything back. No
 * syscalls: host-tested in tests/unit/test_vspace_lib.c.
 */
#include <l4/vspace.h>

void l4_vspace_init(struct l4_vspace *vs, l4_cptr_t pml4, struct l4_untyped_alloc *ua,
                    struct l4_vspace_table *tables, unsigned table_capacity,
                    struct l4_vspace_frame *frames, unsigned frame_capacity)
{
    *vs = (struct l4_vspace){.pml4 = pml4,
                             .ua = ua,
                             .tables = tables,
                             .table_capacity = table_capacity,
                             .frames = frames,
                             .frame_capacity = frame_capacity};
}

l4_error_t l4_vspace_check(l4_word_t va, unsigned bits)
{
    if (bits != 12 && bits != 21)
        return L4_INVALID_ARGUMENT;
    l4_word_t size = UINT64_C(1) << bits;
    /* one comparison covers the kernel half and non-canonical addresses */
    if (va >= L4_VSPACE_USER_END || size > L4_VSPACE_USER_END - va)
        return L4_RANGE_ERROR;
    if (va & (size - 1))
        return L4_ALIGNMENT_ERROR;
    return L4_NO_ERROR;
}

l4_word_t l4_vspace_table_base(l4_word_t va, unsigned level)
{
    return va & ~((UINT64_C(1) << (12 + 9 * level)) - 1);
}

int l4_vspace_find_table(const struct l4_vspace *vs, unsigned level, l4_word_t va)
{
    l4_word_t base = l4_vspace_table_base(va, level);
    for (unsigned i = 0; i < vs->ntables; i++)
        if (vs->tables[i].level == level && vs->tables[i].base == base)
            return (int)i;
    return -1;
}

int l4_vspace_find_frame(const struct l4_vspace *vs, l4_word_t va)
{
    for (unsigned i = 0; i < vs->nframes; i++) {
        const struct l4_vspace_frame *f = &vs->frames[i];
        if (va >= f->va && va - f->va < (UINT64_C(1) << f->bits))
            return (int)i;
    }
    return -1;
}

/* Whether a frame may go at va: the address, and nothing recorded in the way. */
static l4_error_t decode_frame(const struct l4_vspace *vs, l4_word_t va, unsigned bits)
{
    l4_error_t e = l4_vspace_check(va, bits);
    if (e != L4_NO_ERROR)
        return e;
    l4_word_t size = UINT64_C(1) << bits;
    for (unsigned i = 0; i < vs->nframes; i++) {
        const struct l4_vspace_frame *f = &vs->frames[i];
        l4_word_t fsize = UINT64_C(1) << f->bits;
        if (va < f->va + fsize && f->va < va + size) /* both below 2^47: no wrap */
            return L4_DELETE_FIRST;
    }
    if (bits == 21 && l4_vspace_find_table(vs, L4_VSPACE_PT, va) >= 0)
        return L4_DELETE_FIRST;
    if (vs->nframes >= vs->frame_capacity)
        return L4_NOT_ENOUGH_MEMORY;
    return L4_NO_ERROR;
}

l4_error_t l4_vspace_decode_map(const struct l4_vspace *vs, l4_word_t va, unsigned bits,
                                unsigned *missing)
{
    l4_error_t e = decode_frame(vs, va, bits);
    if (e != L4_NO_ERROR)
        return e;
    unsigned m = 0, n = 0;
    for (unsigned level = L4_VSPACE_PDPT; level >= (bits == 21 ? 2u : 1u); level--)
        if (l4_vspace_find_table(vs, level, va) < 0) {
            m |= 1u << level;
            n++;
        }
    if (n > vs->table_capacity - vs->ntables)
        return L4_NOT_ENOUGH_MEMORY;
    *missing = m;
    return L4_NO_ERROR;
}

l4_error_t l4_vspace_record_table(struct l4_vspace *vs, unsigned level, l4_word_t va,
                                  const struct l4_object *obj)
{
    if (level < L4_VSPACE_PT || level > L4_VSPACE_PDPT)
        return L4_INVALID_ARGUMENT;
    if (l4_vspace_find_table(vs, level, va) >= 0)
        return L4_DELETE_FIRST;
    if (vs->ntables >= vs->table_capacity)
        return L4_NOT_ENOUGH_MEMORY;
    vs->tables[vs->ntables++] = (struct l4_vspace_table){
        .base = l4_vspace_table_base(va, level), .level = (uint8_t)level, .obj = *obj};
    return L4_NO_ERROR;
}

l4_error_t l4_vspace_record_frame(struct l4_vspace *vs, l4_word_t va, l4_cptr_t cap, unsigned bits,
                                  const struct l4_object *owned)
{
    l4_error_t e = decode_frame(vs, va, bits);
    if (e != L4_NO_ERROR)
        return e;
    struct l4_vspace_frame *f = &vs->frames[vs->nframes++];
    *f = (struct l4_vspace_frame){.va = va, .cap = cap, .bits = (uint8_t)bits, .owned = !!owned};
    if (owned)
        f->obj = *owned;
    return L4_NO_ERROR;
}

void l4_vspace_forget_frame(struct l4_vspace *vs, unsigned i)
{
    if (i < vs->nframes)
        vs->frames[i] = vs->frames[--vs->nframes];
}

void l4_vspace_forget_table(struct l4_vspace *vs, unsigned i)
{
    if (i < vs->ntables)
        vs->tables[i] = vs->tables[--vs->ntables];
}

l4_error_t l4_vspace_lookup(const struct l4_vspace *vs, l4_word_t va, l4_cptr_t *cap,
                            unsigned *bits)
{
    int i = l4_vspace_find_frame(vs, va);
    if (i < 0)
        return L4_FAILED_LOOKUP;
    if (cap)
        *cap = vs->frames[i].cap;
    if (bits)
        *bits = vs->frames[i].bits;
    return L4_NO_ERROR;
}

l4_cptr_t l4_vspace_table(const struct l4_vspace *vs, unsigned level, l4_word_t va)
{
    int i = l4_vspace_find_table(vs, level, va);
    return i < 0 ? L4_CPTR_NULL : vs->tables[i].obj.cap;
}
