/* SPDX-License-Identifier: MIT */
/*
 * Object pool bookkeeping (see <l4/alloc.h>).
 *
 * Interface: l4_pool_init(), l4_pool_pop(), l4_pool_put(). The pool is a
 * stack of objects of one type and size in an array the caller owns; the
 * most recently put object is taken first (its memory is likely still in
 * the cache). Whether each still holds zeros travels with it in
 * L4_OBJECT_ZEROED: a freshly retyped object does (the kernel zeroes
 * non-device memory at Retype), a returned one only if its owner says so.
 * l4_pool_get() and l4_pool_drain() (alloc_sys.c) add the Retype and
 * Delete. No syscalls here: host-tested.
 */
#include <l4/alloc.h>

l4_error_t l4_pool_init(struct l4_pool *p, struct l4_untyped_alloc *ua, l4_word_t type,
                        l4_word_t size_bits, unsigned flags, unsigned batch,
                        struct l4_object *array, unsigned capacity)
{
    if (l4_object_size_bits(type, size_bits) == 0 || batch == 0 ||
        batch > L4_RETYPE_FAN_OUT_LIMIT || batch > capacity || !array)
        return L4_INVALID_ARGUMENT;
    *p = (struct l4_pool){.ua = ua,
                          .type = (uint8_t)type,
                          .size_bits = (uint8_t)size_bits,
                          .flags = flags,
                          .batch = batch,
                          .free = array,
                          .nfree = 0,
                          .capacity = capacity};
    return L4_NO_ERROR;
}

l4_error_t l4_pool_pop(struct l4_pool *p, struct l4_object *o)
{
    if (p->nfree == 0)
        return L4_NOT_ENOUGH_MEMORY;
    *o = p->free[--p->nfree];
    return L4_NO_ERROR;
}

l4_error_t l4_pool_put(struct l4_pool *p, const struct l4_object *o, bool zeroed)
{
    /* only variable-size types have a size of their own */
    bool sized = p->type == L4_OBJECT_UNTYPED || p->type == L4_OBJECT_CNODE;
    if (o->type != p->type || (sized && o->size_bits != p->size_bits))
        return L4_INVALID_ARGUMENT;
    for (unsigned i = 0; i < p->nfree; i++)
        if (p->free[i].cap == o->cap)
            return L4_ILLEGAL_OPERATION; /* put twice */
    if (p->nfree >= p->capacity)
        return L4_NOT_ENOUGH_MEMORY;
    struct l4_object *d = &p->free[p->nfree++];
    *d = *o;
    d->flags = (uint8_t)(zeroed ? d->flags | L4_OBJECT_ZEROED : d->flags & ~L4_OBJECT_ZEROED);
    return L4_NO_ERROR;
}
