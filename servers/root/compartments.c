/* SPDX-License-Identifier: MIT */
/*
 * Root task: compartments (docs/servers/root.md, "Starting, step by step",
 * 4, and "Reclaiming in bounded steps"): admitting them against what is
 * left, carving their quotas, spawning their guest kernels, handing them
 * to the memory, console and interrupt servers, and taking them back.
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

/* --- Compartments ------------------------------------------------------------- */

unsigned comp_index(const struct compartment *c)
{
    return (unsigned)(c - comps);
}

static void mem_teardown(struct compartment *c);
static void console_teardown(struct compartment *c);
static void irq_teardown(struct compartment *c);

/* Take everything of c back, in bounded steps: the servers first (each
 * forgets the compartment and deletes what it made for it), then the guest
 * kernel, then the quota chunks (by now nothing much is left under them). */
void comp_reclaim(struct compartment *c)
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
    struct l4_object *objs[] = {&c->pv, &c->ring, &c->upcall, &c->fpu};
    for (unsigned i = 0; i < 4; i++)
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

int comp_start(struct compartment *c)
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
    uint64_t kbytes = kernel_part_bytes(pages + L4_PLAT_MEM_BATCH_PAGES + 3);
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
        e = l4_untyped_alloc_object(&c->ua, L4_OBJECT_FRAME_4K, 0, 0, &c->fpu);
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
    struct l4_spawn_cap caps[7];
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
    /* the FPU page: a frame the guest kernel also has mapped, for TCB
     * ReadFPU/WriteFPU of its processes' threads (signal frames, fork) */
    caps[n++] = spawn_cap(L4_PLAT_CAP_FPU, c->fpu.cap, L4_CAP_FRAME_4K,
                          L4_CAP_RIGHTS_READ | L4_CAP_RIGHTS_WRITE);
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
        {L4_PLAT_PAGE_FPU, &c->fpu.cap, 1, L4_SPAWN_INFO_VA + 0x12000, true},
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
        .npages = 4,
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

void admit_compartments(void)
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
