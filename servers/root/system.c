/* SPDX-License-Identifier: MIT */
/*
 * Root task: building the system the manifest describes, and keeping it.
 *
 * Order (docs/servers/README.md): the console server, the interrupt
 * server, the memory server, each spawned from its boot module with only
 * the capabilities the contract names; then each compartment the manifest
 * admits: its quota carved from the root's untyped memory, its guest
 * kernel spawned suspended from the quota's first part, the rest handed to
 * the memory server, its PV page, console ring and batch pages shared with
 * the servers, and then started.
 *
 * The event loop receives on the root endpoint: Exit from a guest kernel
 * (protocol root.toml) and the faults of every program it started (their
 * fault endpoint is the root endpoint, badged with L4_PLAT_BADGE_FAULT).
 * A compartment that exits or crashes is reclaimed in bounded steps and
 * restarted if the manifest says so; a server that crashes is reported and
 * left stopped. When no compartment is left running, the machine is
 * powered off with the main compartment's exit status.
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
    struct l4_object pv, ring, upcall, batch[L4_PLAT_MEM_BATCH_PAGES];
    bool mem_set_up;         /* the memory server has it */
    bool console_set_up;     /* the console server has it */
    bool irq_set_up;         /* the interrupt server has it */
    l4_cptr_t *initrd_slots; /* the copies of its initramfs frames */
    unsigned ninitrd;
    l4_word_t phys_pages; /* what the memory server gave it */
    struct program prog;
};

static const char *const server_names[L4_PLAT_SERVERS] = {
    [L4_PLAT_SERVER_CONSOLE] = "console",
    [L4_PLAT_SERVER_IRQ] = "irq",
    [L4_PLAT_SERVER_MEM] = "mem",
};

static const struct l4_boot_info *boot;
static uint8_t root_seed[L4_RANDOM_SEED_BYTES];
/* Derivation domains of root_seed (l4_random_derive()). */
#define SEED_DOMAIN_COMPARTMENT 1u
static unsigned starts; /* compartment starts so far: no two get one seed */
static const struct l4_manifest *manifest;
static struct server servers[L4_PLAT_SERVERS];
static struct compartment comps[L4_PLAT_MAX_COMPARTMENTS];
static unsigned ncomps;
static struct l4_object root_ep, root_reply;
static struct l4_vspace_table scratch_tables[4];
static struct l4_vspace_frame scratch_frames[2];
static struct l4_vspace scratch_vs;

/* --- Helpers ------------------------------------------------------------------ */

/* A capability for l4_spawn() (an Untyped is moved, the rest copied). */
static struct l4_spawn_cap spawn_cap(const char *name, l4_cptr_t cap, l4_cap_type_t type,
                                     l4_cap_rights_t rights)
{
    return (struct l4_spawn_cap){.name = name, .cap = cap, .type = type, .rights = rights};
}

/* A badged copy of ep in a fresh root slot (L4_CPTR_NULL if impossible). */
static l4_cptr_t mint(l4_cptr_t ep, l4_word_t badge, l4_cap_rights_t rights)
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

static const l4_cap_rights_t CLIENT_RIGHTS =
    L4_CAP_RIGHTS_WRITE | L4_CAP_RIGHTS_GRANT | L4_CAP_RIGHTS_GRANT_REPLY;

/* The image module `file`, mapped; NULL with a reason printed after `who`. */
static const void *image_of(const char *who, const char *file, size_t *size)
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
static int spawn_program(const char *who, struct program *p, struct l4_untyped_alloc *ua,
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

static void program_destroy(struct program *p)
{
    if (!p->frames)
        return;
    (void)l4_spawn_destroy(&p->sp);
    l4_rt_free(p->frames);
    p->frames = 0;
}

/* An allocator over a set of chunks (none of them used yet). */
static void chunks_allocator(struct l4_untyped_alloc *ua, struct l4_untyped *uts,
                             const struct root_chunks *c)
{
    l4_untyped_alloc_init(ua, uts, ROOT_MAX_CHUNKS, &root_slots, &root_ua.dest);
    for (unsigned i = 0; i < c->n; i++)
        (void)l4_untyped_alloc_add(ua, c->obj[i].cap, c->obj[i].obj_bits, c->obj[i].paddr, false);
}

/* --- Servers ------------------------------------------------------------------ */

static int server_id(const char *name)
{
    for (unsigned i = 0; i < L4_PLAT_SERVERS; i++)
        if (strcmp(name, server_names[i]) == 0)
            return (int)i;
    return -1;
}

/* A device capability for the console or interrupt server, in a fresh
 * root slot: I/O ports [first, last] or IRQ line irq. */
static l4_cptr_t ioports(l4_word_t first, l4_word_t last)
{
    l4_cptr_t slot;
    if (root_slot(&slot) != L4_NO_ERROR)
        return L4_CPTR_NULL;
    if (l4_io_port_control_issue(L4_ROOT_SLOT_IOPORT_CONTROL, first, last, L4_ROOT_SLOT_CNODE, slot,
                                 64) != L4_NO_ERROR) {
        root_slot_free(slot);
        return L4_CPTR_NULL;
    }
    return slot;
}

static l4_cptr_t irq_line(l4_word_t irq)
{
    l4_cptr_t slot;
    if (root_slot(&slot) != L4_NO_ERROR)
        return L4_CPTR_NULL;
    if (l4_irq_control_get(L4_ROOT_SLOT_IRQ_CONTROL, irq, L4_ROOT_SLOT_CNODE, slot, 64) !=
        L4_NO_ERROR) {
        root_slot_free(slot);
        return L4_CPTR_NULL;
    }
    return slot;
}

/* The PIT's IRQ 0 arrives on IOAPIC input 2 (the ISA override every PC
 * firmware, QEMU's included, declares). */
#define PIT_IRQ_LINE  2
#define COM1_IRQ_LINE 4
#define COM2_IRQ_LINE 3

static void describe_fault(l4_msginfo_t info, const l4_word_t *mr);

/* Wait until server id says Ready; false (reported) if it exits or faults
 * first. Nothing else can arrive meanwhile: no compartment runs yet. */
static bool wait_ready(unsigned id)
{
    for (;;) {
        l4_word_t badge = 0;
        l4_msginfo_t info;
        if (l4_recv(root_ep.cap, root_reply.cap, &badge, &info) != L4_NO_ERROR)
            continue;
        l4_word_t mr[4];
        for (unsigned i = 0; i < 4; i++)
            mr[i] = l4_get_mr(i);
        l4_word_t label = l4_msginfo_get_label(info);
        if (badge == L4_PLAT_BADGE_SERVER(id) && label == ROOT_LABEL_READY) {
            (void)l4_send(root_reply.cap, l4_msginfo_new(0, 0, 0, 0));
            return true;
        }
        if (badge == (L4_PLAT_BADGE_SERVER(id) | L4_PLAT_BADGE_FAULT)) {
            l4_printf("root: server '%s' crashed at start: ", server_names[id]);
            describe_fault(info, mr);
            l4_printf("\n");
            return false;
        }
        if (badge == L4_PLAT_BADGE_SERVER(id) && label == ROOT_LABEL_EXIT) {
            l4_printf("root: server '%s' exited at start with status %lu\n", server_names[id],
                      (unsigned long)(mr[0] & 0xff));
            return false;
        }
        (void)l4_send(root_reply.cap, l4_msginfo_new(L4_ILLEGAL_OPERATION, 0, 0, 0));
    }
}

static void start_server(unsigned id)
{
    struct server *s = &servers[id];
    const char *name = server_names[id];
    char who[48];
    snprintf(who, sizeof who, "server '%s'", name);
    if (!s->m.image) {
        l4_printf("root: %s not started: the manifest names no image\n", who);
        return;
    }
    /* its memory: the largest power of two in its manifest 'memory' */
    unsigned bits = 12;
    while (bits < 40 && (UINT64_C(2) << bits) <= s->m.memory)
        bits++;
    s->memory.n = 0;
    if (root_carve(UINT64_C(1) << bits, true, &s->memory) != L4_NO_ERROR ||
        root_object(L4_OBJECT_ENDPOINT, 0, &s->ep) != L4_NO_ERROR) {
        l4_printf("root: %s not started: no memory for it\n", who);
        root_chunks_free(&s->memory);
        return;
    }
    /* its image, stack, CNode and TCB come from a chunk of their own */
    unsigned radix = id == L4_PLAT_SERVER_MEM ? MEM_SERVER_RADIX : SERVER_RADIX;
    if (root_carve((UINT64_C(1) << 21) + (UINT64_C(64) << radix), false, &s->image_mem) !=
        L4_NO_ERROR) {
        l4_printf("root: %s not started: no memory for its image\n", who);
        root_chunks_free(&s->memory);
        return;
    }
    chunks_allocator(&s->ua, s->uts, &s->image_mem);

    struct l4_spawn_cap caps[10];
    l4_cptr_t temp[10];
    unsigned n = 0, ntemp = 0;
    caps[n++] = spawn_cap(L4_PLAT_CAP_EP, s->ep.cap, L4_CAP_ENDPOINT, L4_CAP_RIGHTS_ALL);
    caps[n++] =
        spawn_cap(L4_PLAT_CAP_UNTYPED, s->memory.give[0], L4_CAP_UNTYPED, L4_CAP_RIGHTS_ALL);
    if (id == L4_PLAT_SERVER_CONSOLE) {
        temp[ntemp++] = ioports(0x3f8, 0x3ff);
        caps[n++] = spawn_cap(L4_PLAT_CAP_COM1, temp[ntemp - 1], L4_CAP_IO_PORT, L4_CAP_RIGHTS_ALL);
        temp[ntemp++] = irq_line(COM1_IRQ_LINE);
        caps[n++] =
            spawn_cap(L4_PLAT_CAP_COM1_IRQ, temp[ntemp - 1], L4_CAP_IRQ_HANDLER, L4_CAP_RIGHTS_ALL);
        /* COM2, the host channel (tools/tessera run -- PROG): optional */
        l4_cptr_t com2 = ioports(0x2f8, 0x2ff), com2_irq = com2 ? irq_line(COM2_IRQ_LINE) : 0;
        if (com2 && com2_irq) {
            temp[ntemp++] = com2;
            caps[n++] = spawn_cap("com2", com2, L4_CAP_IO_PORT, L4_CAP_RIGHTS_ALL);
            temp[ntemp++] = com2_irq;
            caps[n++] = spawn_cap("com2_irq", com2_irq, L4_CAP_IRQ_HANDLER, L4_CAP_RIGHTS_ALL);
        } else {
            l4_printf("root: no host channel (COM2's ports %s, IRQ %u %s)\n",
                      com2 ? "given" : "refused", COM2_IRQ_LINE, com2_irq ? "given" : "refused");
            if (com2)
                root_slot_free(com2);
        }
    }
    if (id == L4_PLAT_SERVER_IRQ) {
        temp[ntemp++] = ioports(0x40, 0x43);
        caps[n++] = spawn_cap(L4_PLAT_CAP_PIT, temp[ntemp - 1], L4_CAP_IO_PORT, L4_CAP_RIGHTS_ALL);
        temp[ntemp++] = irq_line(PIT_IRQ_LINE);
        caps[n++] =
            spawn_cap(L4_PLAT_CAP_PIT_IRQ, temp[ntemp - 1], L4_CAP_IRQ_HANDLER, L4_CAP_RIGHTS_ALL);
    }
    /* the interrupt server prints through the kernel's console: the
     * console server calls it (RaiseLine), so a call back could deadlock */
    if (id != L4_PLAT_SERVER_CONSOLE && id != L4_PLAT_SERVER_IRQ &&
        servers[L4_PLAT_SERVER_CONSOLE].up) {
        temp[ntemp++] =
            mint(servers[L4_PLAT_SERVER_CONSOLE].ep.cap, L4_PLAT_BADGE_SERVER(id), CLIENT_RIGHTS);
        caps[n++] = spawn_cap(L4_PLAT_CAP_CONSOLE, temp[ntemp - 1], L4_CAP_ENDPOINT, CLIENT_RIGHTS);
    } else if (id != L4_PLAT_SERVER_CONSOLE) {
        caps[n++] = spawn_cap(L4_SI_CAP_DEBUG_CONSOLE, L4_ROOT_SLOT_DEBUG_CONSOLE,
                              L4_CAP_DEBUG_CONSOLE, L4_CAP_RIGHTS_ALL);
    }
    temp[ntemp++] = mint(root_ep.cap, L4_PLAT_BADGE_SERVER(id),
                         L4_CAP_RIGHTS_WRITE | L4_CAP_RIGHTS_GRANT_REPLY);
    caps[n++] = spawn_cap(L4_PLAT_CAP_ROOT, temp[ntemp - 1], L4_CAP_ENDPOINT,
                          L4_CAP_RIGHTS_WRITE | L4_CAP_RIGHTS_GRANT_REPLY);
    if (id == L4_PLAT_SERVER_CONSOLE && servers[L4_PLAT_SERVER_IRQ].up) {
        temp[ntemp++] =
            mint(servers[L4_PLAT_SERVER_IRQ].ep.cap, L4_PLAT_BADGE_SERVER(id), CLIENT_RIGHTS);
        caps[n++] = spawn_cap(L4_PLAT_CAP_IRQ, temp[ntemp - 1], L4_CAP_ENDPOINT, CLIENT_RIGHTS);
    }
    bool ok = true;
    for (unsigned i = 0; i < ntemp; i++)
        ok = ok && temp[i] != L4_CPTR_NULL;
    const char *argv[] = {name};
    size_t size = 0;
    const void *image = ok ? image_of(who, s->m.image, &size) : 0;
    if (!ok)
        l4_printf("root: %s not started: cannot make its device capabilities\n", who);
    if (image) {
        struct l4_spawn_config cfg = {
            .image = image,
            .image_size = size,
            .cnode_radix = radix,
            .stack_pages = STACK_PAGES,
            .caps = caps,
            .ncaps = n,
            .argv = argv,
            .argc = 1,
            .fault_ep = root_ep.cap,
            .fault_badge = L4_PLAT_BADGE_SERVER(id) | L4_PLAT_BADGE_FAULT,
            .priority = s->m.priority,
            .mcp = s->m.priority,
            .thread_name = name,
        };
        s->up = spawn_program(who, &s->prog, &s->ua, &cfg, 0) == 0;
    }
    for (unsigned i = 0; i < ntemp; i++)
        if (temp[i] != L4_CPTR_NULL)
            root_slot_free(temp[i]);
    if (s->up && !wait_ready(id)) {
        s->up = false;
        program_destroy(&s->prog);
    }
    if (s->up) {
        s->admin = mint(s->ep.cap, L4_PLAT_BADGE_ROOT, CLIENT_RIGHTS);
        s->up = s->admin != L4_CPTR_NULL;
    }
    if (s->up) {
        l4_printf("root: server '%s' started (", name);
        root_print_size("memory ", UINT64_C(1) << bits);
        l4_printf(", prio %u)\n", s->m.priority);
    }
}

static void start_servers(void)
{
    struct l4_manifest_fault f;
    for (uint32_t i = 0; i < manifest->num_servers; i++) {
        struct l4_manifest_server srv;
        if (l4_manifest_server(manifest, i, &srv, &f) != 0) {
            l4_printf("root: server '%s' refused: ", srv.name);
            root_print_fault(&f);
            continue;
        }
        int id = server_id(srv.name);
        if (id < 0) {
            l4_printf("root: server '%s' refused: not a server the root task knows "
                      "(console, irq, mem)\n",
                      srv.name);
            continue;
        }
        servers[id].m = srv;
        servers[id].configured = true;
    }
    /* irq first (the console server raises input lines on it), then the
     * console (mem prints through it), then mem */
    static const unsigned order[] = {L4_PLAT_SERVER_IRQ, L4_PLAT_SERVER_CONSOLE,
                                     L4_PLAT_SERVER_MEM};
    for (unsigned k = 0; k < L4_PLAT_SERVERS; k++)
        if (servers[order[k]].configured)
            start_server(order[k]);
}

/* --- Compartments ------------------------------------------------------------- */

static unsigned comp_index(const struct compartment *c)
{
    return (unsigned)(c - comps);
}

static void mem_teardown(struct compartment *c);
static void console_teardown(struct compartment *c);
static void irq_teardown(struct compartment *c);

/* Take everything of c back, in bounded steps: the servers first (each
 * forgets the compartment and deletes what it made for it), then the guest
 * kernel, then the quota chunks (by now nothing much is left under them). */
static void comp_reclaim(struct compartment *c)
{
    if (c->prog.frames && c->prog.sp.tcb.cap)
        (void)l4_tcb_suspend(c->prog.sp.tcb.cap);
    mem_teardown(c);
    console_teardown(c);
    irq_teardown(c); /* before its PV page is revoked below */
    program_destroy(&c->prog);
    for (unsigned i = 0; i < c->ninitrd; i++)
        root_slot_free(c->initrd_slots[i]);
    l4_rt_free(c->initrd_slots);
    c->initrd_slots = 0;
    c->ninitrd = 0;
    struct l4_object *objs[] = {&c->pv, &c->ring, &c->upcall};
    for (unsigned i = 0; i < 3; i++)
        if (objs[i]->cap) {
            (void)l4_cnode_revoke(L4_ROOT_SLOT_CNODE, objs[i]->cap, 64);
            (void)l4_untyped_free_object(&c->ua, objs[i]);
            *objs[i] = (struct l4_object){0};
        }
    for (unsigned i = 0; i < L4_PLAT_MEM_BATCH_PAGES; i++)
        if (c->batch[i].cap) {
            (void)l4_cnode_revoke(L4_ROOT_SLOT_CNODE, c->batch[i].cap, 64);
            (void)l4_untyped_free_object(&c->ua, &c->batch[i]);
            c->batch[i] = (struct l4_object){0};
        }
    root_chunks_free(&c->kernel_part);
    root_chunks_free(&c->mem_part);
}

/* Bytes of the guest kernel's part of the quota: its image, stack, own
 * pages, shared pages, tables, CNode and TCB, rounded up to a power of two. */
static uint64_t kernel_part_bytes(unsigned pages)
{
    uint64_t need = (uint64_t)(pages + 16) * 4096 + ((uint64_t)32 << GUEST_RADIX) +
                    L4_PLAT_GUEST_REPLIES_MAX * (uint64_t)1024;
    uint64_t b = 4096;
    while (b < need)
        b <<= 1;
    return b;
}

/* The memory server takes the compartment: its limits, the guest kernel's
 * VSpace (for the pseudo-physical window), the memory-server part of the
 * quota (each chunk copied into the server's inbox slot, then announced),
 * the batch pages; then it maps the pseudo-physical pages. 0 or -1
 * (reported). */
static int mem_setup(struct compartment *c)
{
    const struct server *m = &servers[L4_PLAT_SERVER_MEM];
    uint32_t id = comp_index(c);
    l4_word_t inbox = 0, phys = 0;
    mem_status_t st = mem_compartment_create(m->admin, id, c->m.max_spaces, c->m.max_threads,
                                             c->m.priority, c->prog.sp.pml4.cap, &inbox);
    const char *step = "CompartmentCreate";
    for (unsigned i = 0; st == L4_NO_ERROR && i < c->mem_part.n; i++) {
        step = "moving a chunk to its inbox";
        st = l4_cnode_move(m->prog.sp.cnode.cap, inbox, MEM_SERVER_RADIX, L4_ROOT_SLOT_CNODE,
                           c->mem_part.give[i], 64);
        if (st == L4_NO_ERROR) {
            step = "CompartmentAddMemory";
            st = mem_compartment_add_memory(m->admin, id, c->mem_part.obj[i].obj_bits);
        }
    }
    for (unsigned i = 0; st == L4_NO_ERROR && i < L4_PLAT_MEM_BATCH_PAGES; i++) {
        step = "CompartmentSetBatch";
        st = mem_compartment_set_batch(m->admin, id, i, c->batch[i].cap);
    }
    if (st == L4_NO_ERROR) {
        step = "CompartmentStart";
        st = mem_compartment_start(m->admin, id, &phys);
    }
    if (st != L4_NO_ERROR) {
        l4_printf("root: compartment '%s' not started: memory server: %s: %s\n", c->m.name, step,
                  st < 256 ? l4_error_name((l4_error_t)st) : mem_error_name(st));
        return -1;
    }
    c->mem_set_up = true;
    c->phys_pages = phys;
    return 0;
}

/* The console server gives the compartment a virtual console: its name
 * (up to 24 bytes, in three words) and its output ring. */
static int console_setup(struct compartment *c)
{
    const struct server *k = &servers[L4_PLAT_SERVER_CONSOLE];
    l4_word_t badge = L4_PLAT_BADGE_COMPARTMENT(comp_index(c)), name[3] = {0, 0, 0};
    size_t len = strlen(c->m.name);
    memcpy(name, c->m.name, len < sizeof name ? len : sizeof name);
    console_status_t st = console_client_add(k->admin, badge, name[0], name[1], name[2]);
    if (st == L4_NO_ERROR)
        st = console_client_set_ring(k->admin, badge, c->ring.cap);
    if (st == L4_NO_ERROR && c->m.console == L4_MANIFEST_COMPARTMENT_RECORD_CONSOLE_HOST)
        st = console_client_set_host(k->admin, badge);
    if (st != L4_NO_ERROR) {
        l4_printf("root: compartment '%s' not started: console server: %s\n", c->m.name,
                  st < 256 ? l4_error_name((l4_error_t)st) : console_error_name(st));
        return -1;
    }
    c->console_set_up = true;
    return 0;
}

static void console_teardown(struct compartment *c)
{
    if (!c->console_set_up)
        return;
    (void)console_client_remove(servers[L4_PLAT_SERVER_CONSOLE].admin,
                                L4_PLAT_BADGE_COMPARTMENT(comp_index(c)));
    c->console_set_up = false;
}

/* The interrupt server takes the compartment: its PV page (the server
 * fills it) and its upcall notification. */
static int irq_setup(struct compartment *c)
{
    const struct server *q = &servers[L4_PLAT_SERVER_IRQ];
    irq_status_t st = irq_compartment_add(q->admin, comp_index(c), c->pv.cap);
    if (st == L4_NO_ERROR) {
        c->irq_set_up = true;
        /* a copy with a badge: a signal ORs its badge into the word, and a
         * zero badge would wake nobody */
        l4_cptr_t up = mint(c->upcall.cap, 1, L4_CAP_RIGHTS_WRITE);
        st = up ? irq_compartment_set_upcall(q->admin, comp_index(c), up) : L4_NOT_ENOUGH_MEMORY;
        if (up)
            root_slot_free(up);
    }
    if (st != L4_NO_ERROR) {
        l4_printf("root: compartment '%s' not started: interrupt server: %s\n", c->m.name,
                  st < 256 ? l4_error_name((l4_error_t)st) : irq_error_name(st));
        return -1;
    }
    return 0;
}

static void irq_teardown(struct compartment *c)
{
    if (!c->irq_set_up)
        return;
    (void)irq_compartment_remove(servers[L4_PLAT_SERVER_IRQ].admin, comp_index(c));
    c->irq_set_up = false;
}

/* The memory server lets the compartment go, a bounded step per call. */
static void mem_teardown(struct compartment *c)
{
    if (!c->mem_set_up)
        return;
    const struct server *m = &servers[L4_PLAT_SERVER_MEM];
    l4_word_t done = 0, reclaimed = 0;
    for (unsigned calls = 0; !done && calls < 1000000; calls++)
        if (mem_compartment_destroy(m->admin, comp_index(c), &done, &reclaimed) != L4_NO_ERROR)
            break;
    c->mem_set_up = false;
}

/* Map the initramfs module read-only in the guest kernel at
 * L4_PLAT_INITRAMFS_VA: a copy of each of its frame capabilities (kept in
 * c->initrd_slots, deleted at reclaim). Modules are shared: every
 * compartment that names the file maps the same frames. */
static int map_initramfs(struct compartment *c, const struct l4_boot_module *mod)
{
    c->initrd_slots = l4_rt_alloc(mod->frames.count * sizeof *c->initrd_slots);
    if (!c->initrd_slots)
        return -1;
    c->ninitrd = 0;
    for (l4_word_t i = 0; i < mod->frames.count; i++) {
        l4_cptr_t slot;
        if (root_slot(&slot) != L4_NO_ERROR)
            return -1;
        c->initrd_slots[c->ninitrd++] = slot;
        if (l4_cnode_copy(L4_ROOT_SLOT_CNODE, slot, 64, L4_ROOT_SLOT_CNODE, mod->frames.first + i,
                          64, L4_CAP_RIGHTS_READ) != L4_NO_ERROR ||
            l4_vspace_map(&c->prog.sp.vs, slot, L4_PLAT_INITRAMFS_VA + i * 4096, 12,
                          L4_VM_RIGHTS_READ, 0) != L4_NO_ERROR) {
            l4_printf("root: compartment '%s': cannot map its initramfs\n", c->m.name);
            return -1;
        }
    }
    return 0;
}

static int comp_start(struct compartment *c)
{
    char who[64];
    snprintf(who, sizeof who, "compartment '%s'", c->m.name);
    size_t size = 0;
    const void *image = image_of(who, c->m.image, &size);
    if (!image)
        return -1;
    /* how big the guest kernel is: a dry run of the checks */
    struct l4_spawn_config probe = {.image = image,
                                    .image_size = size,
                                    .cnode_radix = GUEST_RADIX,
                                    .stack_pages = STACK_PAGES,
                                    .parent = &scratch_vs,
                                    .scratch_va = SCRATCH_VA};
    unsigned pages = 0;
    struct l4_spawn_status st;
    if (l4_spawn_check(&probe, &pages, &st) != L4_NO_ERROR) {
        l4_printf("root: %s not started: image '%s' refused at '%s' (ELF check %d)\n", c->m.name,
                  c->m.image, st.step, st.elf_error);
        root_unmap_module();
        return -1;
    }
    uint64_t kbytes = kernel_part_bytes(pages + L4_PLAT_MEM_BATCH_PAGES + 2);
    if (kbytes + (UINT64_C(1) << 20) > c->m.quota) {
        l4_printf("root: %s not started: quota too small for its image (", who);
        root_print_size("needs ", kbytes + (UINT64_C(1) << 20));
        l4_printf(")\n");
        root_unmap_module();
        return -1;
    }
    if (root_carve(kbytes, false, &c->kernel_part) != L4_NO_ERROR ||
        root_carve(c->m.quota - kbytes, true, &c->mem_part) != L4_NO_ERROR) {
        l4_printf("root: %s not started: its quota cannot be carved\n", who);
        root_unmap_module();
        comp_reclaim(c);
        return -1;
    }
    chunks_allocator(&c->ua, c->uts, &c->kernel_part);
    l4_error_t e = l4_untyped_alloc_object(&c->ua, L4_OBJECT_FRAME_4K, 0, 0, &c->pv);
    if (e == L4_NO_ERROR)
        e = l4_untyped_alloc_object(&c->ua, L4_OBJECT_FRAME_4K, 0, 0, &c->ring);
    if (e == L4_NO_ERROR)
        e = l4_untyped_alloc_object(&c->ua, L4_OBJECT_NOTIFICATION, 0, 0, &c->upcall);
    for (unsigned i = 0; e == L4_NO_ERROR && i < L4_PLAT_MEM_BATCH_PAGES; i++)
        e = l4_untyped_alloc_object(&c->ua, L4_OBJECT_FRAME_4K, 0, 0, &c->batch[i]);
    if (e != L4_NO_ERROR) {
        l4_printf("root: %s not started: its shared pages: %s\n", who, l4_error_name(e));
        root_unmap_module();
        comp_reclaim(c);
        return -1;
    }

    l4_word_t badge = L4_PLAT_BADGE_COMPARTMENT(comp_index(c));
    struct l4_spawn_cap caps[6];
    l4_cptr_t temp[4];
    unsigned n = 0, ntemp = 0;
    static const struct {
        unsigned id;
        const char *name;
    } links[] = {{L4_PLAT_SERVER_MEM, L4_PLAT_CAP_MEM},
                 {L4_PLAT_SERVER_IRQ, L4_PLAT_CAP_IRQ},
                 {L4_PLAT_SERVER_CONSOLE, L4_PLAT_CAP_CONSOLE}};
    for (unsigned k = 0; k < 3; k++) {
        if (!servers[links[k].id].up)
            continue;
        temp[ntemp] = mint(servers[links[k].id].ep.cap, badge, CLIENT_RIGHTS);
        if (temp[ntemp] != L4_CPTR_NULL)
            caps[n++] = spawn_cap(links[k].name, temp[ntemp++], L4_CAP_ENDPOINT, CLIENT_RIGHTS);
    }
    temp[ntemp] = mint(root_ep.cap, badge, L4_CAP_RIGHTS_WRITE | L4_CAP_RIGHTS_GRANT_REPLY);
    if (temp[ntemp] != L4_CPTR_NULL)
        caps[n++] = spawn_cap(L4_PLAT_CAP_ROOT, temp[ntemp++], L4_CAP_ENDPOINT,
                              L4_CAP_RIGHTS_WRITE | L4_CAP_RIGHTS_GRANT_REPLY);
    caps[n++] =
        spawn_cap(L4_PLAT_CAP_UPCALL, c->upcall.cap, L4_CAP_NOTIFICATION, L4_CAP_RIGHTS_ALL);
    if (!servers[L4_PLAT_SERVER_CONSOLE].up)
        caps[n++] = spawn_cap(L4_SI_CAP_DEBUG_CONSOLE, L4_ROOT_SLOT_DEBUG_CONSOLE,
                              L4_CAP_DEBUG_CONSOLE, L4_CAP_RIGHTS_ALL);
    /* Reply objects, one per thread it may have and two of its own */
    unsigned nreplies = c->m.max_threads + 2u;
    if (nreplies > L4_PLAT_GUEST_REPLIES_MAX)
        nreplies = L4_PLAT_GUEST_REPLIES_MAX;
    l4_cptr_t replies[L4_PLAT_GUEST_REPLIES_MAX];
    for (unsigned i = 0; i < nreplies; i++) {
        struct l4_object o;
        if (l4_untyped_alloc_object(&c->ua, L4_OBJECT_REPLY, 0, 0, &o) != L4_NO_ERROR) {
            nreplies = i;
            break;
        }
        replies[i] = o.cap;
    }
    l4_cptr_t batch[L4_PLAT_MEM_BATCH_PAGES];
    for (unsigned i = 0; i < L4_PLAT_MEM_BATCH_PAGES; i++)
        batch[i] = c->batch[i].cap;
    const struct l4_spawn_page pages_given[] = {
        {L4_PLAT_PAGE_PV, &c->pv.cap, 1, L4_SPAWN_INFO_VA + 0x10000, true},
        {L4_PLAT_PAGE_CONSOLE, &c->ring.cap, 1, L4_SPAWN_INFO_VA + 0x11000, true},
        {L4_PLAT_PAGE_MEM, batch, L4_PLAT_MEM_BATCH_PAGES, L4_PLAT_MEM_BATCH_VA, true},
    };
    char env[L4_MANIFEST_HEADER_NAME_MAX + 16];
    snprintf(env, sizeof env, "%s=%s", L4_PLAT_ENV_COMPARTMENT, c->m.name);
    /* its entropy: a seed of its own, derived from the root seed */
    uint8_t seed[L4_RANDOM_SEED_BYTES];
    char entropy[sizeof L4_PLAT_ENV_ENTROPY + 2 * L4_RANDOM_SEED_BYTES + 1];
    l4_random_derive(root_seed, SEED_DOMAIN_COMPARTMENT, comp_index(c), starts++, seed);
    memcpy(entropy, L4_PLAT_ENV_ENTROPY "=", sizeof L4_PLAT_ENV_ENTROPY);
    l4_random_hex(seed, entropy + sizeof L4_PLAT_ENV_ENTROPY);
    memset(seed, 0, sizeof seed);
    char restarts[32];
    snprintf(restarts, sizeof restarts, "%s=%u", L4_PLAT_ENV_RESTARTS, c->restarts);
    /* its initramfs, if any: the module's frames, mapped read-only */
    const struct l4_boot_module *initrd =
        c->m.initramfs ? root_find_module(boot, c->m.initramfs, ~(l4_word_t)0) : 0;
    unsigned initrd_pages = initrd ? (unsigned)initrd->frames.count : 0;
    char initrd_env[48];
    snprintf(initrd_env, sizeof initrd_env, "%s=%lu", L4_PLAT_ENV_INITRAMFS,
             initrd ? (unsigned long)initrd->size : 0ul);
    char prio_env[24];
    snprintf(prio_env, sizeof prio_env, "%s=%u", L4_PLAT_ENV_PRIORITY, c->m.priority);
    char id_env[16];
    snprintf(id_env, sizeof id_env, "%s=%u", L4_PLAT_ENV_ID, comp_index(c));
    const char *console_env = c->m.console == L4_MANIFEST_COMPARTMENT_RECORD_CONSOLE_HOST
                                  ? L4_PLAT_ENV_CONSOLE "=host"
                                  : L4_PLAT_ENV_CONSOLE "=serial";
    const char *envp[] = {env, entropy, restarts, prio_env, id_env, console_env, initrd_env};
    const char *argv[] = {c->m.image, c->m.init};
    struct l4_spawn_config cfg = {
        .image = image,
        .image_size = size,
        .cnode_radix = GUEST_RADIX,
        .stack_pages = STACK_PAGES,
        .caps = caps,
        .ncaps = n,
        .argv = argv,
        .argc = c->m.init ? 2 : 1,
        .envp = envp,
        .envc = initrd ? 7 : 6,
        .pages = pages_given,
        .npages = 3,
        .fault_ep = root_ep.cap,
        .fault_badge = badge | L4_PLAT_BADGE_FAULT,
        .priority = c->m.priority,
        .mcp = c->m.priority,
        .thread_name = c->m.name,
        .suspended = true,
        .range_name = L4_PLAT_CAP_REPLIES,
        .range = replies,
        .nrange = nreplies,
        .range_type = L4_CAP_REPLY,
    };
    int r = spawn_program(who, &c->prog, &c->ua, &cfg, initrd_pages);
    if (r == 0 && initrd && map_initramfs(c, initrd) != 0)
        r = -1;
    for (unsigned i = 0; i < ntemp; i++)
        root_slot_free(temp[i]);
    /* the Reply objects moved to the guest (or not, after a failure): the
     * kernel part's revocation takes them back; the root's slots are free */
    for (unsigned i = 0; i < nreplies; i++)
        root_slot_free(replies[i]);
    memset(entropy, 0, sizeof entropy);
    if (r != 0) {
        comp_reclaim(c);
        return -1;
    }
    if ((servers[L4_PLAT_SERVER_MEM].up && mem_setup(c) != 0) ||
        (servers[L4_PLAT_SERVER_CONSOLE].up && console_setup(c) != 0) ||
        (servers[L4_PLAT_SERVER_IRQ].up && irq_setup(c) != 0)) {
        comp_reclaim(c);
        return -1;
    }
    if (l4_spawn_start(&c->prog.sp) != L4_NO_ERROR) {
        l4_printf("root: %s not started: cannot resume its guest kernel\n", who);
        comp_reclaim(c);
        return -1;
    }
    c->state = COMP_RUNNING;
    l4_printf("root: compartment '%s' started (", c->m.name);
    root_print_size("quota ", c->m.quota);
    l4_printf(", prio %u, image %s%s", c->m.priority, c->m.image,
              (c->m.flags & L4_MANIFEST_FLAG_MAIN) ? ", main" : "");
    if (c->mem_set_up)
        l4_printf(", %lu pseudo-physical pages", (unsigned long)c->phys_pages);
    l4_printf(")\n");
    return 0;
}

static void admit_compartments(void)
{
    struct l4_manifest_fault f;
    struct l4_manifest_budget b;
    if (l4_manifest_budget_init(manifest, root_memory_available(boot), &b, &f) != 0) {
        l4_printf("root: manifest refused: ");
        root_print_fault(&f);
        return;
    }
    ncomps = manifest->num_compartments < L4_PLAT_MAX_COMPARTMENTS ? manifest->num_compartments
                                                                   : L4_PLAT_MAX_COMPARTMENTS;
    for (uint32_t i = 0; i < ncomps; i++) {
        struct compartment *c = &comps[i];
        c->state = COMP_REFUSED;
        if (l4_manifest_compartment(manifest, i, &c->m, &f) != 0) {
            l4_printf("root: compartment '%s' refused: ", c->m.name);
            root_print_fault(&f);
            continue;
        }
        struct l4_manifest_budget before = b;
        if (l4_manifest_admit(&b, &c->m, &f) != 0) {
            l4_printf("root: compartment '%s' refused: ", c->m.name);
            if (f.error == L4_MANIFEST_ERR_QUOTA) {
                root_print_size("quota ", c->m.quota);
                root_print_size(" is more than the memory left, ", before.memory_left);
                l4_printf("\n");
            } else {
                l4_printf("%u address spaces are more than the %lu left\n", c->m.max_spaces,
                          (unsigned long)before.spaces_left);
            }
            continue;
        }
        if (comp_start(c) != 0)
            c->state = COMP_REFUSED;
    }
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

static _Noreturn void power_off(void)
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

static void describe_fault(l4_msginfo_t info, const l4_word_t *mr)
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
