/* SPDX-License-Identifier: MIT */
/*
 * What the parts of the root task that build and keep the system share
 * (system.c: helpers, the event loop, power-off; servers.c: starting the
 * servers; compartments.c: starting, handing to the servers and
 * reclaiming compartments). The root task's memory and boot modules are
 * root.h's.
 */
#ifndef ROOT_SYSTEM_H
#define ROOT_SYSTEM_H

#include <l4/platform.h>
#include <l4/random.h>
#include <l4/spawn.h>
#include "root.h"

#define SCRATCH_VA   UINT64_C(0x0000003000000000)
#define PROG_TABLES  16
#define GUEST_RADIX  9
#define SERVER_RADIX 10
/* The memory server keeps a capability per pseudo-physical page and per
 * mapping of every compartment: a CNode of 2^16 slots (2 MiB). */
#define MEM_SERVER_RADIX 16
#define STACK_PAGES      16
/* Exit status when no compartment could be started at all. */
#define STATUS_NOTHING_RAN 3

/* A program the root task started: a server or a guest kernel. */
struct program {
    struct l4_spawn sp;
    struct l4_vspace_table tables[PROG_TABLES];
    struct l4_vspace_frame *frames;
    unsigned frame_capacity;
};

struct server {
    struct l4_manifest_server m;
    bool configured, up;
    struct l4_object ep;          /* its endpoint: the root keeps the unbadged capability */
    l4_cptr_t admin;              /* a copy badged L4_PLAT_BADGE_ROOT: the root's admin messages */
    struct root_chunks memory;    /* given to it as "untyped" */
    struct root_chunks image_mem; /* what its image, stack and objects are made of */
    struct l4_untyped_alloc ua;   /* over image_mem, for spawning it */
    struct l4_untyped uts[ROOT_MAX_CHUNKS];
    struct program prog;
};

enum comp_state { COMP_REFUSED, COMP_RUNNING, COMP_ENDED };

struct compartment {
    struct l4_manifest_compartment m;
    enum comp_state state;
    unsigned restarts;
    l4_word_t status;
    struct root_chunks kernel_part, mem_part;
    struct l4_untyped_alloc ua; /* over kernel_part */
    struct l4_untyped uts[ROOT_MAX_CHUNKS];
    struct l4_object pv, ring, upcall, fpu, batch[L4_PLAT_MEM_BATCH_PAGES];
    bool mem_set_up;         /* the memory server has it */
    bool console_set_up;     /* the console server has it */
    bool irq_set_up;         /* the interrupt server has it */
    l4_cptr_t *initrd_slots; /* the copies of its initramfs frames */
    unsigned ninitrd;
    l4_word_t phys_pages; /* what the memory server gave it */
    struct program prog;
};

/* Derivation domains of root_seed (l4_random_derive()). */
#define SEED_DOMAIN_COMPARTMENT 1u

extern const char *const server_names[L4_PLAT_SERVERS];
extern const struct l4_boot_info *boot;
extern uint8_t root_seed[L4_RANDOM_SEED_BYTES];
extern unsigned starts;
extern const struct l4_manifest *manifest;
extern struct server servers[L4_PLAT_SERVERS];
extern struct compartment comps[L4_PLAT_MAX_COMPARTMENTS];
extern unsigned ncomps;
extern struct l4_object root_ep, root_reply;
extern struct l4_vspace scratch_vs;
extern const l4_cap_rights_t CLIENT_RIGHTS;

/* system.c */
struct l4_spawn_cap spawn_cap(const char *name, l4_cptr_t cap, l4_cap_type_t type,
                              l4_cap_rights_t rights);
l4_cptr_t mint(l4_cptr_t ep, l4_word_t badge, l4_cap_rights_t rights);
const void *image_of(const char *who, const char *file, size_t *size);
int spawn_program(const char *who, struct program *p, struct l4_untyped_alloc *ua,
                  struct l4_spawn_config *cfg, unsigned extra_frames);
void program_destroy(struct program *p);
void chunks_allocator(struct l4_untyped_alloc *ua, struct l4_untyped *uts,
                      const struct root_chunks *c);
void describe_fault(l4_msginfo_t info, const l4_word_t *mr);
_Noreturn void power_off(void);
/* servers.c */
void start_servers(void);
/* compartments.c */
unsigned comp_index(const struct compartment *c);
void comp_reclaim(struct compartment *c);
int comp_start(struct compartment *c);
void admit_compartments(void);

#endif
