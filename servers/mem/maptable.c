/* SPDX-License-Identifier: MIT */
/*
 * A compartment's map table: (level, space, address) -> capability.
 *
 * Interface: memsrv_map_find(), _insert(), _remove() on struct mem_comp's
 * open-addressed table (linear probing, a power-of-two capacity fixed at
 * CompartmentStart, at most half full: memsrv_map_capacity_for()). Level 0
 * entries are frame mappings of a guest space (the frame copy's slot, the
 * pfn, the rights); levels 1..3 are the page tables made for a space (or
 * the guest kernel's window, space MEM_SPACE_WINDOW). Removal shifts the
 * following entries back, so there are no tombstones and a lookup ends at
 * the first empty entry. The entries of each guest space are also a list
 * linked by key (mem_space.head, mem_map.prev/next), so that destroying a
 * space visits its entries only, not the table. Pure logic.
 */
#include "core.h"
#include "mem.h"

/* The list head of the guest space an entry belongs to (none for the
 * window). */
static uint64_t *head_of(struct mem_comp *c, uint64_t key)
{
    unsigned space = memsrv_key_space(key);
    return c->spaces && space < c->max_spaces ? &c->spaces[space].head : NULL;
}

uint64_t memsrv_map_key(unsigned level, unsigned space, l4_word_t base)
{
    /* bit 63 marks a used key; the page number of a user address has 35 bits */
    return UINT64_C(1) << 63 | (uint64_t)(level & 3) << 56 | (uint64_t)(space & 0xff) << 40 |
           (base >> 12 & ((UINT64_C(1) << 40) - 1));
}

static uint32_t hash(const struct mem_comp *c, uint64_t key)
{
    return (uint32_t)((key * UINT64_C(0x9e3779b97f4a7c15)) >> 32) & (c->map_cap - 1);
}

unsigned memsrv_map_capacity_for(uint32_t entries)
{
    unsigned cap = 16;
    while (cap < 2u * entries && cap < (1u << 30))
        cap <<= 1;
    return cap;
}

struct mem_map *memsrv_map_find(const struct mem_comp *c, uint64_t key)
{
    if (!c->map_cap)
        return NULL;
    for (uint32_t i = hash(c, key), n = 0; n < c->map_cap; i = (i + 1) & (c->map_cap - 1), n++) {
        if (c->map[i].key == key)
            return &c->map[i];
        if (!c->map[i].key)
            return NULL;
    }
    return NULL;
}

struct mem_map *memsrv_map_insert(struct mem_comp *c, uint64_t key)
{
    /* at most half full, so probes stay short and one entry is always empty */
    if (!c->map_cap || 2 * (c->map_count + 1) > c->map_cap)
        return NULL;
    uint32_t i = hash(c, key);
    while (c->map[i].key)
        i = (i + 1) & (c->map_cap - 1);
    c->map[i] = (struct mem_map){.key = key};
    c->map_count++;
    uint64_t *head = head_of(c, key);
    if (head) {
        c->map[i].next = *head;
        if (*head) {
            struct mem_map *n = memsrv_map_find(c, *head);
            if (n)
                n->prev = key;
        }
        *head = key;
    }
    return &c->map[i];
}

void memsrv_map_remove(struct mem_comp *c, struct mem_map *e)
{
    uint64_t *head = head_of(c, e->key);
    if (head) { /* out of its space's list */
        struct mem_map *pv = e->prev ? memsrv_map_find(c, e->prev) : NULL;
        struct mem_map *nx = e->next ? memsrv_map_find(c, e->next) : NULL;
        if (pv)
            pv->next = e->next;
        else
            *head = e->next;
        if (nx)
            nx->prev = e->prev;
    }
    uint32_t mask = c->map_cap - 1, i = (uint32_t)(e - c->map);
    c->map[i].key = 0;
    c->map_count--;
    /* backward shift: move each following entry whose home is not in
     * (i, j] into the hole */
    for (uint32_t j = (i + 1) & mask; c->map[j].key; j = (j + 1) & mask) {
        uint32_t home = hash(c, c->map[j].key);
        bool stays = i <= j ? (home > i && home <= j) : (home > i || home <= j);
        if (stays)
            continue;
        c->map[i] = c->map[j];
        c->map[j].key = 0;
        i = j;
    }
}
