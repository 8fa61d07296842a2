/* SPDX-License-Identifier: MIT */
/*
 * The allocators' kernel calls (see <l4/alloc.h>).
 *
 * Interface: l4_untyped_alloc_objects() / _object() (one Untyped Retype of
 * n objects into n consecutive fresh slots), l4_untyped_free_object()
 * (CNode Delete, then the bookkeeping), l4_pool_get() (pooled object, or a
 * batch retyped first) and l4_pool_drain(). Each call decides with the
 * pure code in slot.c, untyped.c and pool.c, invokes the kernel, and
 * records the result only when the kernel succeeded, so a failed call
 * leaves the allocators as they were.
 */
#include <l4/alloc.h>
#include <l4/stubs_gen.h>

l4_error_t l4_untyped_alloc_objects(struct l4_untyped_alloc *ua, l4_word_t type,
                                    l4_word_t size_bits, l4_word_t n, unsigned flags,
                                    struct l4_object *out)
{
    unsigned index;
    l4_word_t offset, first;
    l4_error_t e = l4_untyped_alloc_pick(ua, type, size_bits, n, flags, &index, &offset);
    if (e != L4_NO_ERROR)
        return e;
    e = l4_slot_alloc_range(ua->slots, n, &first);
    if (e != L4_NO_ERROR)
        return e;
    const struct l4_untyped *u = &ua->uts[index];
    const struct l4_cspace_dest *d = &ua->dest;
    e = l4_untyped_retype(u->cap, (l4_object_type_t)type, size_bits, d->root, d->node_index,
                          d->node_depth, first, n);
    if (e != L4_NO_ERROR) {
        l4_slot_free_range(ua->slots, first, n);
        return e;
    }
    unsigned bits = l4_object_size_bits(type, size_bits);
    l4_untyped_alloc_commit(ua, index, offset, bits, n);
    for (l4_word_t i = 0; i < n; i++)
        out[i] = (struct l4_object){
            .cap = first + i + d->cptr_offset,
            .slot = first + i,
            .paddr = u->paddr + offset + (i << bits),
            .untyped = index,
            .type = (uint8_t)type,
            .size_bits = (uint8_t)size_bits,
            .obj_bits = (uint8_t)bits,
            .flags = u->device ? 0 : L4_OBJECT_ZEROED,
        };
    return L4_NO_ERROR;
}

l4_error_t l4_untyped_alloc_object(struct l4_untyped_alloc *ua, l4_word_t type, l4_word_t size_bits,
                                   unsigned flags, struct l4_object *out)
{
    return l4_untyped_alloc_objects(ua, type, size_bits, 1, flags, out);
}

l4_error_t l4_untyped_free_object(struct l4_untyped_alloc *ua, const struct l4_object *o)
{
    /* check everything before the Delete, which cannot be undone */
    if (o->untyped >= ua->count || ua->uts[o->untyped].live == 0 ||
        !l4_slot_in_use(ua->slots, o->slot))
        return L4_ILLEGAL_OPERATION;
    l4_error_t e = l4_cnode_delete(ua->dest.root, o->cap, ua->dest.cptr_depth);
    if (e != L4_NO_ERROR)
        return e;
    l4_slot_free(ua->slots, o->slot);
    l4_untyped_alloc_release(ua, o->untyped, 1);
    return L4_NO_ERROR;
}

l4_error_t l4_pool_get(struct l4_pool *p, struct l4_object *o)
{
    if (p->nfree == 0) {
        /* the batch lands in the pool's own array: room for batch entries */
        l4_error_t e =
            l4_untyped_alloc_objects(p->ua, p->type, p->size_bits, p->batch, p->flags, p->free);
        if (e != L4_NO_ERROR)
            return e;
        p->nfree = p->batch;
    }
    return l4_pool_pop(p, o);
}

l4_error_t l4_pool_drain(struct l4_pool *p)
{
    while (p->nfree) {
        l4_error_t e = l4_untyped_free_object(p->ua, &p->free[p->nfree - 1]);
        if (e != L4_NO_ERROR)
            return e;
        p->nfree--;
    }
    return L4_NO_ERROR;
}
