/* SPDX-License-Identifier: MIT */
/*
 * The root task's parts (servers/root/README.md):
 *   memory.c       its slot and untyped allocators over what the kernel
 *                  handed over, its own VSpace helper, carving quotas
 *   boot_modules.c finding and mapping boot modules; the seed; reading
 *                  the manifest module
 *   system.c       starting the servers and compartments, the event loop
 *                  (exits, crashes, restarts) and the power-off
 */
#ifndef ROOT_H
#define ROOT_H

#include <l4/alloc.h>
#include <l4/bootinfo.h>
#include <l4/manifest.h>
#include <l4/vspace.h>

/* --- memory.c -------------------------------------------------------------- */
extern struct l4_slot_alloc root_slots;
extern struct l4_untyped_alloc root_ua;
extern struct l4_vspace root_vs;

/* Take over the boot untyped memory and empty slots; -1 if impossible. */
int root_memory_init(const struct l4_boot_info *bi);
/* An object from the root's own memory (its capability in a root slot). */
l4_error_t root_object(l4_word_t type, l4_word_t size_bits, struct l4_object *o);
/* A fresh empty root slot, and giving one back. */
l4_error_t root_slot(l4_cptr_t *slot);
void root_slot_free(l4_cptr_t slot);

/* Untyped chunks covering exactly `bytes` (a multiple of 4 KiB): the binary
 * decomposition, largest first, each its own Untyped object. */
#define ROOT_MAX_CHUNKS 40
struct root_chunks {
    struct l4_object obj[ROOT_MAX_CHUNKS];
    /* with give: an Untyped of the chunk's whole size retyped from it, in
     * a root slot until it is moved to whoever gets it (untyped
     * capabilities are only moved, never copied); revoking the chunk
     * takes it back from wherever it went */
    l4_cptr_t give[ROOT_MAX_CHUNKS];
    unsigned n;
};
l4_error_t root_carve(uint64_t bytes, bool give, struct root_chunks *out);
/* Revoke and free every chunk (everything made from them goes too). */
void root_chunks_free(struct root_chunks *c);

/* --- boot_modules.c ------------------------------------------------------- */
const struct l4_boot_module *root_find_module(const struct l4_boot_info *bi, const char *name,
                                              l4_word_t position);
/* Map a module read-only at the module window (one at a time: the last
 * one is unmapped); its bytes or NULL with *why. */
const void *root_map_module(const struct l4_boot_module *mod, const char **why);
void root_unmap_module(void);
void root_report_seed(const struct l4_boot_info *bi, uint8_t seed[32], int *have_seed);
/* The manifest, checked and copied to the heap; 0 (and m) or -1 (refused,
 * reported). */
int root_read_manifest(const struct l4_boot_info *bi, struct l4_manifest *m);
void root_print_size(const char *label, uint64_t bytes);
void root_print_fault(const struct l4_manifest_fault *f);
uint64_t root_memory_available(const struct l4_boot_info *bi);

/* --- system.c ------------------------------------------------------------- */
/* seed: 32 bytes from the seed module (zeros if there was none). */
_Noreturn void root_run_system(const struct l4_boot_info *bi, const struct l4_manifest *m,
                               const uint8_t seed[32]);

#endif
