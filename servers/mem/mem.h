/* SPDX-License-Identifier: MIT */
/*
 * The memory server's core: compartments, their quota, pseudo-physical
 * pages, address spaces, mappings, threads and objects (servers/mem/).
 *
 * Interface: struct mem_server holds every compartment (one per id,
 * L4_PLAT_MAX_COMPARTMENTS); the mem_* functions below are the protocol's
 * messages after decoding (docs/servers/mem.md, libl4/spec/protocols/mem.toml),
 * each returning a mem_status_t with its detail words. Each checks
 * everything first and changes nothing when it refuses; the kernel is
 * reached only through struct mem_sys (sys.c in the server, a fake in the
 * host unit tests, tests/unit/test_mem_core.c), so this file and maptable.c
 * are pure logic.
 *
 * Who holds what: every capability of a compartment lives in a slot of the
 * server's own CNode: the admin ones (guest PML4 copy, untypeds, batch
 * frames) in slots of the server's general allocator, everything made from
 * its quota in the compartment's own slot range (reserved at Start, paid
 * from its reserve). Destroying a compartment deletes every slot of that
 * range, a bounded number per call, then the admin slots.
 */
#ifndef MEM_H
#define MEM_H

#include <stdbool.h>
#include <stdint.h>
#include <l4/alloc.h>
#include <l4/platform.h>
#include <l4/proto/mem_gen.h>

/* --- Limits and the quota split (docs/servers/mem.md) -------------------- */
#define MEM_MAX_UNTYPEDS       8           /* untypeds one compartment may be given */
#define MEM_MAX_SPACES         254         /* handles 0..253; 255 names the window */
#define MEM_MAX_THREADS        1024        /* max_threads a compartment may ask */
#define MEM_MAX_OBJECTS        64          /* ObjectCreate handles per compartment */
#define MEM_SPACE_WINDOW       255u        /* the guest kernel's own VSpace in the map table */
#define MEM_MIN_RESERVE        (64u << 10) /* reserve: quota/8, at least this */
#define MEM_MIN_RESERVE_FREE   (16u << 10) /* what must remain after the slots are paid */
#define MEM_SLOT_BYTES         32u /* a slot's share of a CNode (2^L4_OBJECT_CNODE_UNIT_BITS) */
#define MEM_DESTROY_STEP       32u /* capabilities deleted per CompartmentDestroy */
#define MEM_POOL               16u /* page-table objects kept for reuse, per level */
#define MEM_THREAD_CNODE_RADIX 1u  /* a thread's CNode: slot 1 holds its fault endpoint */
#define MEM_THREAD_FAULT_CPTR  1u

_Static_assert(MEM_BATCH_ENTRY_MAX_ENTRIES == L4_PLAT_MEM_BATCH_PAGES * MEM_BATCH_ENTRY_PER_PAGE,
               "the batch area holds max_entries entries");
_Static_assert(MEM_BATCH_ENTRY_PER_PAGE *MEM_BATCH_ENTRY_SIZE == 4096, "entries fill a page");

enum mem_state { MEM_FREE = 0, MEM_CREATED = 1, MEM_STARTED = 2, MEM_DESTROYING = 3 };

/* The kernel calls the core makes (sys.c; a fake in the unit tests). Slots
 * are cptrs of the server's own CNode (cptr = slot). */
struct mem_sys {
    void *ctx;
    /* Retype n objects from untyped ut into slots [slot, slot + n). */
    l4_error_t (*retype)(void *ctx, l4_cptr_t ut, l4_word_t type, l4_word_t size_bits,
                         l4_word_t slot, l4_word_t n);
    /* Copy src into the empty slot dst with rights. */
    l4_error_t (*copy)(void *ctx, l4_word_t dst, l4_cptr_t src, l4_cap_rights_t rights);
    /* Revoke (every copy derived from it) and delete the capability in slot. */
    l4_error_t (*destroy)(void *ctx, l4_cptr_t slot);
    /* Move the capability in src into the empty slot dst. */
    l4_error_t (*move)(void *ctx, l4_word_t dst, l4_cptr_t src);
    /* Revoke only: the copies handed out go, ours stays. */
    l4_error_t (*revoke)(void *ctx, l4_cptr_t slot);
    l4_error_t (*frame_map)(void *ctx, l4_cptr_t frame, l4_cptr_t pml4, l4_word_t va,
                            l4_word_t rights);
    l4_error_t (*frame_remap)(void *ctx, l4_cptr_t frame, l4_word_t rights);
    l4_error_t (*frame_unmap)(void *ctx, l4_cptr_t frame);
    l4_error_t (*table_map)(void *ctx, l4_cptr_t table, l4_cptr_t pml4, l4_word_t va);
    l4_error_t (*table_unmap)(void *ctx, l4_cptr_t table);
    /* Whether slot holds a capability of type (DebugCapIdentify, present in
     * every build). A server must never invoke a capability it was handed
     * before knowing its type: invoking an endpoint is a send that can
     * block the server for good. */
    bool (*is_type)(void *ctx, l4_cptr_t slot, l4_cap_type_t type);
    /* Whether frame (a Frame4K) is RAM the server may write (TCB ReadFPU
     * of a scratch thread into it checks Write and not-device; it fills
     * its first 832 bytes). */
    bool (*frame_writable)(void *ctx, l4_cptr_t frame);
    /* Check that ut is an untyped of 2^bits bytes with nothing made from it. */
    l4_error_t (*untyped_probe)(void *ctx, l4_cptr_t ut, unsigned bits);
    /* Map / unmap a compartment's batch frames in the server; NULL on failure. */
    volatile struct mem_batch_entry *(*batch_map)(void *ctx, unsigned id, const l4_cptr_t *frames);
    void (*batch_unmap)(void *ctx, unsigned id);
    /* Set up a thread kit: fault endpoint (the received cap in fault_src)
     * minted with badge into slot 1 of cnode; TCB configured with cnode,
     * pml4 and ipc_frame, foreign ABI on, priority set; left suspended. */
    l4_error_t (*thread_setup)(void *ctx, l4_cptr_t tcb, l4_cptr_t cnode, l4_cptr_t ipc_frame,
                               l4_cptr_t fault_src, l4_word_t badge, l4_cptr_t pml4,
                               uint8_t priority, bool reused);
    /* Suspend a thread (before its capabilities are revoked). */
    l4_error_t (*thread_stop)(void *ctx, l4_cptr_t tcb);
    /* Bookkeeping memory (the server's heap; calloc semantics). */
    void *(*alloc)(void *ctx, size_t bytes);
    void (*free)(void *ctx, void *p);
};

struct mem_page {
    l4_cptr_t cap;      /* the frame, mapped in the guest kernel's window */
    uint8_t max_rights; /* CompartmentLimitPages */
    uint32_t maps;      /* mappings of it in guest spaces */
};

/* One entry of a compartment's map table: a frame mapping (level 0) or a
 * page table (level 1 PT, 2 PD, 3 PDPT) of one space, by address. */
struct mem_map {
    uint64_t key;  /* 0: empty; else memsrv_map_key() */
    l4_cptr_t cap; /* the mapping's frame copy, or the table */
    uint32_t pfn;
    uint8_t rights;
    /* the entries of one guest space, a list linked by key (entries move
     * in the table, keys do not): SpaceDestroy visits only its own */
    uint64_t prev, next;
};

struct mem_space {
    bool used;
    uint64_t head;  /* the key of its first map entry (0: none) */
    l4_cptr_t pml4; /* kept for reuse once made (a freed space keeps it) */
    uint32_t threads;
};

enum mem_handle_kind { MEM_HANDLE_NONE = 0, MEM_HANDLE_THREAD = 1, MEM_HANDLE_OBJECT = 2 };

struct mem_handle {
    uint8_t kind;
    bool live;          /* false: a kept kit, reused by the next create of its kind */
    uint32_t space;     /* thread: its space */
    l4_word_t obj_type; /* object: its type */
    l4_cptr_t caps[3];  /* thread: TCB, CNode, IPC frame; object: the object */
};

struct mem_comp {
    uint8_t state;
    unsigned id;
    uint32_t max_spaces, max_threads;
    uint8_t max_priority;
    l4_cptr_t guest_pml4;
    /* quota */
    l4_cptr_t ut_caps[MEM_MAX_UNTYPEDS];
    struct l4_untyped uts[MEM_MAX_UNTYPEDS];
    struct l4_untyped_alloc ua;
    unsigned nuts;
    uint64_t quota, reserve, reserve_used;
    /* batch */
    l4_cptr_t batch_caps[L4_PLAT_MEM_BATCH_PAGES];
    volatile struct mem_batch_entry *batch;
    /* the compartment's own slots: [slot_first, slot_first + slot_count) */
    l4_word_t slot_first, slot_count;
    struct l4_slot_alloc slots;
    uint64_t *slot_bits;
    /* pages */
    uint32_t phys_pages;
    struct mem_page *pages;
    /* map table (open addressing, linear probing) */
    struct mem_map *map;
    uint32_t map_cap, map_count;
    /* spaces and handles */
    struct mem_space *spaces;
    uint32_t spaces_used;
    struct mem_handle *handles;
    uint32_t nhandles, threads_used, objects_used;
    /* page tables kept for reuse: [0] PML4 unused, [1] PT, [2] PD, [3] PDPT */
    l4_cptr_t pool[4][MEM_POOL];
    unsigned npool[4];
    /* destroy */
    l4_word_t destroy_cursor;
};

struct mem_server {
    struct mem_comp comps[L4_PLAT_MAX_COMPARTMENTS];
    const struct mem_sys *sys;
    struct l4_slot_alloc *slots; /* the server's CNode: admin slots and compartment ranges */
    struct l4_cspace_dest dest;  /* how Retype names the server's CNode */
    uint8_t mcp;                 /* the highest max_priority allowed */
    l4_cptr_t inbox;             /* where the root task moves untypeds (AddMemory) */
};

void memsrv_init(struct mem_server *s, const struct mem_sys *sys, struct l4_slot_alloc *slots,
                 const struct l4_cspace_dest *dest, uint8_t mcp, l4_cptr_t inbox);

/* The compartment of a guest badge if started, else NULL (detail[0] = id). */
struct mem_comp *memsrv_guest(struct mem_server *s, l4_word_t badge);

/* --- Checks (pure) ------------------------------------------------------ */
mem_status_t memsrv_check_vaddr(l4_word_t va, l4_word_t detail[]);
mem_status_t memsrv_check_rights(l4_word_t rights, l4_word_t allowed, l4_word_t detail[]);
uint64_t memsrv_map_key(unsigned level, unsigned space, l4_word_t base);

/* Quota split: reserve bytes and pseudo-physical pages of a quota, and the
 * slots of the compartment's range. 0 pages: too small. */
void memsrv_split_quota(uint64_t quota, uint64_t *reserve, uint32_t *pages, uint32_t *slots);

/* --- Map table (maptable.c) -------------------------------------------- */
struct mem_map *memsrv_map_find(const struct mem_comp *c, uint64_t key);
/* Insert (the key must be absent); NULL if the table is full. */
struct mem_map *memsrv_map_insert(struct mem_comp *c, uint64_t key);
void memsrv_map_remove(struct mem_comp *c, struct mem_map *e);
unsigned memsrv_map_capacity_for(uint32_t entries);

/* --- Admin -------------------------------------------------------------- */
mem_status_t memsrv_compartment_create(struct mem_server *s, l4_word_t id, l4_word_t max_spaces,
                                       l4_word_t max_threads, l4_word_t max_priority,
                                       l4_cptr_t recv, l4_word_t *inbox, l4_word_t detail[]);
mem_status_t memsrv_compartment_add_memory(struct mem_server *s, l4_word_t id, l4_word_t bits,
                                           l4_word_t detail[]);
mem_status_t memsrv_compartment_set_batch(struct mem_server *s, l4_word_t id, l4_word_t index,
                                          l4_cptr_t recv, l4_word_t detail[]);
mem_status_t memsrv_compartment_start(struct mem_server *s, l4_word_t id, l4_word_t *pages,
                                      l4_word_t detail[]);
mem_status_t memsrv_compartment_limit_pages(struct mem_server *s, l4_word_t id, l4_word_t first,
                                            l4_word_t count, l4_word_t rights, l4_word_t detail[]);
mem_status_t memsrv_compartment_destroy(struct mem_server *s, l4_word_t id, l4_word_t *done,
                                        l4_word_t *reclaimed, l4_word_t detail[]);

/* --- Guest (c: the caller's started compartment) ------------------------- */
mem_status_t memsrv_space_create(struct mem_server *s, struct mem_comp *c, l4_word_t *space,
                                 l4_word_t detail[]);
mem_status_t memsrv_space_destroy(struct mem_server *s, struct mem_comp *c, l4_word_t space,
                                  l4_word_t detail[]);
mem_status_t memsrv_map(struct mem_server *s, struct mem_comp *c, l4_word_t space, l4_word_t va,
                        l4_word_t pfn, l4_word_t rights, l4_word_t detail[]);
mem_status_t memsrv_unmap(struct mem_server *s, struct mem_comp *c, l4_word_t space, l4_word_t va,
                          l4_word_t detail[]);
mem_status_t memsrv_protect(struct mem_server *s, struct mem_comp *c, l4_word_t space, l4_word_t va,
                            l4_word_t rights, l4_word_t detail[]);
mem_status_t memsrv_query(struct mem_server *s, struct mem_comp *c, l4_word_t space, l4_word_t va,
                          l4_word_t *pfn, l4_word_t *rights, l4_word_t detail[]);
mem_status_t memsrv_batch(struct mem_server *s, struct mem_comp *c, l4_word_t count,
                          l4_word_t *failed, l4_word_t *first_failed, l4_word_t detail[]);
mem_status_t memsrv_thread_create(struct mem_server *s, struct mem_comp *c, l4_word_t space,
                                  l4_word_t badge, l4_word_t priority, l4_cptr_t recv,
                                  l4_word_t *handle, l4_cptr_t *tcb, l4_word_t detail[]);
mem_status_t memsrv_thread_destroy(struct mem_server *s, struct mem_comp *c, l4_word_t handle,
                                   l4_word_t detail[]);
mem_status_t memsrv_object_create(struct mem_server *s, struct mem_comp *c, l4_word_t type,
                                  l4_word_t *handle, l4_cptr_t *cap, l4_word_t detail[]);
mem_status_t memsrv_object_destroy(struct mem_server *s, struct mem_comp *c, l4_word_t handle,
                                   l4_word_t detail[]);

#endif
