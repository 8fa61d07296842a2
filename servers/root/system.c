/* SPDX-License-Identifier: MIT */
/*
 * Root task: building the system the manifest describes, and keeping it.
 *
 * Order (docs/servers/root.md): the interrupt, console and memory servers
 * (servers.c), each spawned from its boot module with only the
 * capabilities the contract names; then each compartment the manifest
 * admits (compartments.c): its quota carved from the root's untyped
 * memory, its guest kernel spawned suspended from the quota's first part,
 * the rest handed to the memory server, its PV page, console ring and
 * batch pages shared with the servers, and then started.
 *
 * The event loop (here) receives on the root endpoint: Exit from a guest
 * kernel (protocol root.toml) and the faults of every program it started
 * (their fault endpoint is the root endpoint, badged with
 * L4_PLAT_BADGE_FAULT). A compartment that exits or crashes is reclaimed
 * in bounded steps and restarted if the manifest says so; a server that
 * crashes is reported and left stopped. When no compartment is left
 * running, the machine is powered off with the main compartment's exit
 * status.
 */
#include <stdio.h>
#include <string.h>
#include <l4/debug.h>
#include <l4/platform.h>
#include <l4/proto/console_client_gen.h>
#include <l4/proto/irq_client_gen.h>
#include <l4/proto/mem_client_gen.h>
#include <l4/proto/root_gen.h>
#include <l4/random.h>
#include <l4/rt.h>
#include <l4/spawn.h>
#include <l4/stubs_gen.h>
#include "system.h"

const char *const server_names[L4_PLAT_SERVERS] = {
    [L4_PLAT_SERVER_CONSOLE] = "console",
    [L4_PLAT_SERVER_IRQ] = "irq",
    [L4_PLAT_SERVER_MEM] = "mem",
};

const struct l4_boot_info *boot;
uint8_t root_seed[L4_RANDOM_SEED_BYTES];
unsigned starts; /* compartment starts so far: no two get one seed */
const struct l4_manifest *manifest;
struct server servers[L4_PLAT_SERVERS];
struct compartment comps[L4_PLAT_MAX_COMPARTMENTS];
unsigned ncomps;
struct l4_object root_ep, root_reply;
struct l4_vspace_table scratch_tables[4];
struct l4_vspace_frame scratch_frames[2];
struct l4_vspace scratch_vs;

/* --- Helpers ------------------------------------------------------------------ */

/* A capability for l4_spawn() (an Untyped is moved, the rest copied). */
struct l4_spawn_cap spawn_cap(const char *name, l4_cptr_t cap, l4_cap_type_t type,
                              l4_cap_rights_t rights)
{
    return (struct l4_spawn_cap){.name = name, .cap = cap, .type = type, .rights = rights};
}

/* A badged copy of ep in a fresh root slot (L4_CPTR_NULL if impossible). */
l4_cptr_t mint(l4_cptr_t ep, l4_word_t badge, l4_cap_rights_t rights)
{
    l4_cptr_t slot;
    if (root_slot(&slot) != L4_NO_ERROR)
        return L4_CPTR_NULL;
    if (l4_cnode_mint(L4_ROOT_SLOT_CNODE, slot, 64, L4_ROOT_SLOT_CNODE, ep, 64, rights, badge) !=
        L4_NO_ERROR) {
        root_slot_free(slot);
        return L4_CPTR_NULL;
    }
    return slot;
}

const l4_cap_rights_t CLIENT_RIGHTS =
    L4_CAP_RIGHTS_WRITE | L4_CAP_RIGHTS_GRANT | L4_CAP_RIGHTS_GRANT_REPLY;

/* The image module `file`, mapped; NULL with a reason printed after `who`. */
const void *image_of(const char *who, const char *file, size_t *size)
{
    const struct l4_boot_module *mod = root_find_module(boot, file, ~(l4_word_t)0);
    const char *why = "no boot module of that name";
    const void *data = mod ? root_map_module(mod, &why) : 0;
    if (!data) {
        l4_printf("root: %s not started: image '%s': %s\n", who, file, why);
        return 0;
    }
    *size = mod->size;
    return data;
}

/* Spawn a program from image bytes with ua's memory; 0 or -1 (reported). */
int spawn_program(const char *who, struct program *p, struct l4_untyped_alloc *ua,
                  struct l4_spawn_config *cfg, unsigned extra_frames)
{
    cfg->parent = &scratch_vs;
    cfg->scratch_va = SCRATCH_VA;
    cfg->authority = L4_ROOT_SLOT_TCB;
    unsigned pages = 0;
    struct l4_spawn_status st;
    l4_error_t e = l4_spawn_check(cfg, &pages, &st);
    if (e == L4_NO_ERROR) {
        pages += extra_frames; /* room for mappings made after the spawn */
        p->frames = l4_rt_alloc(pages * sizeof *p->frames);
        p->frame_capacity = pages;
        if (!p->frames)
            e = L4_NOT_ENOUGH_MEMORY, st.step = "root's heap";
    }
    if (e == L4_NO_ERROR) {
        l4_spawn_init(&p->sp, ua, p->tables, PROG_TABLES, p->frames, pages);
        e = l4_spawn(&p->sp, cfg, &st);
    }
    root_unmap_module();
    if (e != L4_NO_ERROR) {
        l4_printf("root: %s not started: %s at step '%s'", who, l4_error_name(e), st.step);
        if (st.elf_error)
            l4_printf(" (ELF check %d)", st.elf_error);
        l4_printf("\n");
        l4_rt_free(p->frames);
        p->frames = 0;
        return -1;
    }
    return 0;
}

void program_destroy(struct program *p)
{
    if (!p->frames)
        return;
    (void)l4_spawn_destroy(&p->sp);
    l4_rt_free(p->frames);
    p->frames = 0;
}

/* An allocator over a set of chunks (none of them used yet). */
void chunks_allocator(struct l4_untyped_alloc *ua, struct l4_untyped *uts,
                      const struct root_chunks *c)
{
    l4_untyped_alloc_init(ua, uts, ROOT_MAX_CHUNKS, &root_slots, &root_ua.dest);
    for (unsigned i = 0; i < c->n; i++)
        (void)l4_untyped_alloc_add(ua, c->obj[i].cap, c->obj[i].obj_bits, c->obj[i].paddr, false);
}

/* --- The event loop --------------------------------------------------------- */

static void comp_ended(struct compartment *c, const char *how, l4_word_t status, bool crashed)
{
    comp_reclaim(c);
    c->status = status;
    c->state = COMP_ENDED;
    l4_printf("root: compartment '%s' %s; reclaimed\n", c->m.name, how);
    if (crashed && c->m.on_crash == L4_MANIFEST_COMPARTMENT_RECORD_CRASH_RESTART &&
        c->restarts < c->m.max_restarts) {
        c->restarts++;
        l4_printf("root: compartment '%s': restart %u of %u\n", c->m.name, c->restarts,
                  c->m.max_restarts);
        if (comp_start(c) != 0)
            c->state = COMP_ENDED;
    }
}

_Noreturn void power_off(void)
{
    l4_word_t status = STATUS_NOTHING_RAN;
    const char *main_name = 0;
    for (unsigned i = 0; i < ncomps; i++)
        if (comps[i].m.flags & L4_MANIFEST_FLAG_MAIN) {
            main_name = comps[i].m.name;
            if (comps[i].state == COMP_ENDED)
                status = comps[i].status;
        }
    l4_printf("root: every compartment has ended; power-off with status %lu (%s%s)\n",
              (unsigned long)status, main_name ? "main compartment " : "no main compartment",
              main_name ? main_name : "");
    (void)l4_power_control_power_off(L4_ROOT_SLOT_POWER_CONTROL, status);
    for (;;)
        (void)l4_tcb_suspend(L4_ROOT_SLOT_TCB);
}

static bool any_running(void)
{
    for (unsigned i = 0; i < ncomps; i++)
        if (comps[i].state == COMP_RUNNING)
            return true;
    return false;
}

void describe_fault(l4_msginfo_t info, const l4_word_t *mr)
{
    l4_word_t label = l4_msginfo_get_label(info);
    if (label == L4_FAULT_LABEL_EXCEPTION)
        l4_printf("exception %lu, error code %#lx, address %#lx, rip %#lx", (unsigned long)mr[0],
                  (unsigned long)mr[1], (unsigned long)mr[2], (unsigned long)mr[3]);
    else if (label == L4_FAULT_LABEL_SYSCALL)
        l4_printf("foreign system call %lu", (unsigned long)mr[0]);
    else
        l4_printf("fault label %lu", (unsigned long)label);
}

static _Noreturn void event_loop(void)
{
    for (;;) {
        if (!any_running())
            power_off();
        l4_word_t badge = 0;
        l4_msginfo_t info;
        if (l4_recv(root_ep.cap, root_reply.cap, &badge, &info) != L4_NO_ERROR)
            continue;
        l4_word_t mr[4];
        for (unsigned i = 0; i < 4; i++)
            mr[i] = l4_get_mr(i);
        bool fault = badge & L4_PLAT_BADGE_FAULT;
        l4_word_t who = badge & ~(l4_word_t)L4_PLAT_BADGE_FAULT;
        if (L4_PLAT_BADGE_IS_COMPARTMENT(who) && L4_PLAT_COMPARTMENT_OF(who) < ncomps &&
            comps[L4_PLAT_COMPARTMENT_OF(who)].state == COMP_RUNNING) {
            struct compartment *c = &comps[L4_PLAT_COMPARTMENT_OF(who)];
            if (fault) {
                l4_printf("root: compartment '%s' crashed: ", c->m.name);
                describe_fault(info, mr);
                l4_printf("\n");
                comp_ended(c, "crashed", 128 + 11, true);
                continue;
            }
            if (l4_msginfo_get_label(info) == ROOT_LABEL_EXIT &&
                l4_msginfo_get_length(info) >= ROOT_LABEL_EXIT_WORDS) {
                char how[40];
                snprintf(how, sizeof how, "exited with status %lu", (unsigned long)(mr[0] & 0xff));
                comp_ended(c, how, mr[0] & 0xff, false);
                continue;
            }
            l4_set_mr(0, 0);
            (void)l4_send(root_reply.cap, l4_msginfo_new(L4_ILLEGAL_OPERATION, 0, 0, 0));
            continue;
        }
        if (fault && who >= L4_PLAT_BADGE_SERVER(0) &&
            who < L4_PLAT_BADGE_SERVER(L4_PLAT_SERVERS)) {
            unsigned id = who - L4_PLAT_BADGE_SERVER(0);
            l4_printf("root: server '%s' crashed: ", server_names[id]);
            describe_fault(info, mr);
            l4_printf("; it stays stopped\n");
            servers[id].up = false;
            (void)l4_tcb_suspend(servers[id].prog.sp.tcb.cap);
            continue;
        }
        /* a message from a compartment that has ended, or garbage */
        (void)l4_send(root_reply.cap, l4_msginfo_new(L4_ILLEGAL_OPERATION, 0, 0, 0));
    }
}

_Noreturn void root_run_system(const struct l4_boot_info *bi, const struct l4_manifest *m,
                               const uint8_t seed[32])
{
    boot = bi;
    memcpy(root_seed, seed, sizeof root_seed);
    bool rdrand = l4_random_rdrand(root_seed);
    l4_printf("root: entropy: the seed module%s\n", rdrand ? " mixed with RDRAND" : " (no RDRAND)");
    manifest = m;
    l4_vspace_init(&scratch_vs, L4_ROOT_SLOT_VSPACE, &root_ua, scratch_tables, 4, scratch_frames,
                   2);
    if (root_object(L4_OBJECT_ENDPOINT, 0, &root_ep) != L4_NO_ERROR ||
        root_object(L4_OBJECT_REPLY, 0, &root_reply) != L4_NO_ERROR) {
        l4_printf("root: cannot make its endpoint\n");
        power_off();
    }
    l4_printf("root: manifest: %lu servers, %lu compartments, ", (unsigned long)m->num_servers,
              (unsigned long)m->num_compartments);
    root_print_size("machine memory ", m->memory);
    root_print_size(", available ", root_memory_available(bi));
    l4_printf("\n");
    start_servers();
    admit_compartments();
    event_loop();
}
