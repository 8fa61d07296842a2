/* SPDX-License-Identifier: MIT */
/*
 * Root task: its own memory. Every empty slot of the root CNode goes to one
 * slot allocator and every RAM untyped of the boot-info page to one untyped
 * allocator (libl4/alloc); servers' memory and compartments' quotas are
 * carved from it as Untyped objects, so that taking a compartment back is
 * revoking its chunks. The root task's own VSpace helper maps boot modules
 * and the pages it fills for others.
 */
#include <l4/debug.h>
#include <l4/stubs_gen.h>
#include "root.h"

#define MAX_SLOTS   8192
#define MAX_UNTYPED L4_BOOTINFO_MAX_UNTYPED
#define VS_TABLES   32
#define VS_FRAMES   2048

struct l4_slot_alloc root_slots;
struct l4_untyped_alloc root_ua;
struct l4_vspace root_vs;
static uint64_t slot_bitmap[L4_SLOT_BITMAP_WORDS(MAX_SLOTS)];
static struct l4_untyped untyped[MAX_UNTYPED];
static struct l4_vspace_table vs_tables[VS_TABLES];
static struct l4_vspace_frame vs_frames[VS_FRAMES];

int root_memory_init(const struct l4_boot_info *bi)
{
    l4_word_t count = bi->empty.count < MAX_SLOTS ? bi->empty.count : MAX_SLOTS;
    if (l4_slot_alloc_init(&root_slots, bi->empty.first, count, slot_bitmap,
                           L4_SLOT_BITMAP_WORDS(MAX_SLOTS)) != L4_NO_ERROR)
        return -1;
    const struct l4_cspace_dest dest = {.root = L4_ROOT_SLOT_CNODE, .cptr_depth = 64};
    l4_untyped_alloc_init(&root_ua, untyped, MAX_UNTYPED, &root_slots, &dest);
    l4_word_t n = bi->num_untyped < MAX_UNTYPED ? bi->num_untyped : MAX_UNTYPED;
    for (l4_word_t i = 0; i < n; i++) {
        const struct l4_untyped_desc *u = &bi->untyped_list[i];
        if (u->is_device)
            continue;
        (void)l4_untyped_alloc_add(&root_ua, bi->untyped.first + i, u->size_bits, u->paddr, false);
    }
    l4_vspace_init(&root_vs, L4_ROOT_SLOT_VSPACE, &root_ua, vs_tables, VS_TABLES, vs_frames,
                   VS_FRAMES);
    return 0;
}

l4_error_t root_object(l4_word_t type, l4_word_t size_bits, struct l4_object *o)
{
    return l4_untyped_alloc_object(&root_ua, type, size_bits, 0, o);
}

l4_error_t root_slot(l4_cptr_t *slot)
{
    return l4_slot_alloc(&root_slots, slot);
}

void root_slot_free(l4_cptr_t slot)
{
    (void)l4_cnode_delete(L4_ROOT_SLOT_CNODE, slot, 64);
    (void)l4_slot_free(&root_slots, slot);
}

l4_error_t root_carve(uint64_t bytes, bool give, struct root_chunks *out)
{
    out->n = 0;
    if (bytes == 0 || bytes % 4096)
        return L4_INVALID_ARGUMENT;
    for (int bit = 47; bit >= 12; bit--) {
        if (!(bytes & (UINT64_C(1) << bit)))
            continue;
        unsigned i = out->n;
        out->give[i] = L4_CPTR_NULL;
        l4_error_t e = i < ROOT_MAX_CHUNKS
                           ? root_object(L4_OBJECT_UNTYPED, (l4_word_t)bit, &out->obj[i])
                           : L4_NOT_ENOUGH_MEMORY;
        if (e == L4_NO_ERROR)
            out->n++;
        if (e == L4_NO_ERROR && give) {
            e = root_slot(&out->give[i]);
            if (e == L4_NO_ERROR) {
                e = l4_untyped_retype(out->obj[i].cap, L4_OBJECT_UNTYPED, (l4_word_t)bit,
                                      L4_ROOT_SLOT_CNODE, 0, 0, out->give[i], 1);
                if (e != L4_NO_ERROR) {
                    (void)l4_slot_free(&root_slots, out->give[i]);
                    out->give[i] = L4_CPTR_NULL;
                }
            }
        }
        if (e != L4_NO_ERROR) {
            root_chunks_free(out);
            return e;
        }
    }
    return L4_NO_ERROR;
}

void root_chunks_free(struct root_chunks *c)
{
    for (unsigned i = 0; i < c->n; i++) {
        /* everything made from the chunk, and what was given out of it,
         * wherever it went, goes */
        (void)l4_cnode_revoke(L4_ROOT_SLOT_CNODE, c->obj[i].cap, 64);
        if (c->give[i] != L4_CPTR_NULL)
            root_slot_free(c->give[i]); /* empty by now: only the slot is ours */
        c->give[i] = L4_CPTR_NULL;
        (void)l4_untyped_free_object(&root_ua, &c->obj[i]);
    }
    c->n = 0;
}
