/* SPDX-License-Identifier: MIT */
/*
 * Address-space helper's kernel calls (see <l4/vspace.h>).
 *
 * Interface: l4_vspace_map(), l4_vspace_map_tables(), l4_vspace_map_new(),
 * l4_vspace_unmap(), l4_vspace_destroy(). Each decodes with vspace.c first
 * (range, alignment, overlaps and room in the arrays), so that a refused
 * request makes no syscall and allocates nothing. Tables are made from
 * the top level down; a PageTableMap that finds the entry already holding
 * a table (one this helper did not make) uses that table and frees the
 * new one.
 */
#include <l4/stubs_gen.h>
#include <l4/vspace.h>

static const l4_object_type_t level_type[4] = {[L4_VSPACE_PT] = L4_OBJECT_PT,
                                               [L4_VSPACE_PD] = L4_OBJECT_PD,
                                               [L4_VSPACE_PDPT] = L4_OBJECT_PDPT};

static l4_error_t make_tables(struct l4_vspace *vs, l4_word_t va, unsigned missing)
{
    for (unsigned level = L4_VSPACE_PDPT; level >= L4_VSPACE_PT; level--) {
        if (!(missing & (1u << level)))
            continue;
        struct l4_object o;
        l4_error_t e = l4_untyped_alloc_object(vs->ua, level_type[level], 0, 0, &o);
        if (e != L4_NO_ERROR)
            return e;
        e = l4_page_table_map(o.cap, vs->pml4, va, 0);
        if (e != L4_NO_ERROR) {
            l4_untyped_free_object(vs->ua, &o);
            if (e == L4_DELETE_FIRST)
                continue; /* a table we did not make is there: use it */
            return e;
        }
        l4_vspace_record_table(vs, level, va, &o); /* room checked by the decode */
    }
    return L4_NO_ERROR;
}

l4_error_t l4_vspace_map_tables(struct l4_vspace *vs, l4_word_t va)
{
    va &= ~(l4_word_t)0xfff;
    l4_error_t e = l4_vspace_check(va, 12);
    if (e != L4_NO_ERROR)
        return e;
    unsigned missing = 0, n = 0;
    for (unsigned level = L4_VSPACE_PT; level <= L4_VSPACE_PDPT; level++)
        if (l4_vspace_find_table(vs, level, va) < 0) {
            missing |= 1u << level;
            n++;
        }
    if (n > vs->table_capacity - vs->ntables)
        return L4_NOT_ENOUGH_MEMORY;
    return make_tables(vs, va, missing);
}

l4_error_t l4_vspace_map(struct l4_vspace *vs, l4_cptr_t frame, l4_word_t va, unsigned bits,
                         l4_vm_rights_t rights, l4_word_t attributes)
{
    unsigned missing;
    l4_error_t e = l4_vspace_decode_map(vs, va, bits, &missing);
    if (e == L4_NO_ERROR)
        e = make_tables(vs, va, missing);
    if (e == L4_NO_ERROR)
        e = l4_frame_map(frame, vs->pml4, va, rights, attributes);
    if (e == L4_NO_ERROR)
        e = l4_vspace_record_frame(vs, va, frame, bits, NULL);
    return e;
}

l4_error_t l4_vspace_map_new(struct l4_vspace *vs, l4_word_t va, unsigned bits,
                             l4_vm_rights_t rights, l4_word_t attributes, l4_cptr_t *frame)
{
    unsigned missing;
    l4_error_t e = l4_vspace_decode_map(vs, va, bits, &missing);
    if (e != L4_NO_ERROR)
        return e;
    struct l4_object o;
    e = l4_untyped_alloc_object(vs->ua, bits == 21 ? L4_OBJECT_FRAME_2M : L4_OBJECT_FRAME_4K, 0, 0,
                                &o);
    if (e != L4_NO_ERROR)
        return e;
    e = make_tables(vs, va, missing);
    if (e == L4_NO_ERROR)
        e = l4_frame_map(o.cap, vs->pml4, va, rights, attributes);
    if (e != L4_NO_ERROR) {
        l4_untyped_free_object(vs->ua, &o);
        return e;
    }
    l4_vspace_record_frame(vs, va, o.cap, bits, &o);
    if (frame)
        *frame = o.cap;
    return L4_NO_ERROR;
}

l4_error_t l4_vspace_unmap(struct l4_vspace *vs, l4_word_t va, l4_cptr_t *frame)
{
    int i = l4_vspace_find_frame(vs, va);
    if (i < 0 || vs->frames[i].va != va)
        return L4_FAILED_LOOKUP;
    struct l4_vspace_frame f = vs->frames[i];
    l4_error_t e = f.owned ? l4_untyped_free_object(vs->ua, &f.obj) /* Delete unmaps */
                           : l4_frame_unmap(f.cap);
    if (e != L4_NO_ERROR)
        return e;
    l4_vspace_forget_frame(vs, (unsigned)i);
    if (frame)
        *frame = f.owned ? L4_CPTR_NULL : f.cap;
    return L4_NO_ERROR;
}

l4_error_t l4_vspace_destroy(struct l4_vspace *vs)
{
    while (vs->nframes) {
        l4_error_t e = l4_vspace_unmap(vs, vs->frames[vs->nframes - 1].va, NULL);
        if (e != L4_NO_ERROR)
            return e;
    }
    for (unsigned level = L4_VSPACE_PT; level <= L4_VSPACE_PDPT; level++)
        for (unsigned i = vs->ntables; i-- > 0;) {
            if (vs->tables[i].level != level)
                continue;
            /* deleting a table's last capability removes its mapping */
            l4_error_t e = l4_untyped_free_object(vs->ua, &vs->tables[i].obj);
            if (e != L4_NO_ERROR)
                return e;
            l4_vspace_forget_table(vs, i);
        }
    return L4_NO_ERROR;
}
