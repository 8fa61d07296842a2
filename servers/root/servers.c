/* SPDX-License-Identifier: MIT */
/*
 * Root task: starting the platform servers (docs/servers/root.md, "Starting,
 * step by step", 3): each from its boot module, in its own CSpace and
 * VSpace, with its memory, its device capabilities and badged endpoints;
 * the root task waits for each one's Ready.
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

void describe_fault(l4_msginfo_t info, const l4_word_t *mr);

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
        /* the CMOS RTC, for the wall clock (the kernel never touches it) */
        temp[ntemp++] = ioports(0x70, 0x71);
        caps[n++] = spawn_cap(L4_PLAT_CAP_RTC, temp[ntemp - 1], L4_CAP_IO_PORT, L4_CAP_RIGHTS_ALL);
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
        /* the kernel's own TSC figure, which the interrupt server checks
         * its calibration against */
        char tsc_env[40];
        snprintf(tsc_env, sizeof tsc_env, "%s=%lu", L4_PLAT_ENV_BOOT_TSC_HZ,
                 (unsigned long)boot->tsc_hz);
        const char *envp[] = {tsc_env};
        struct l4_spawn_config cfg = {
            .image = image,
            .image_size = size,
            .cnode_radix = radix,
            .stack_pages = STACK_PAGES,
            .caps = caps,
            .ncaps = n,
            .argv = argv,
            .argc = 1,
            .envp = envp,
            .envc = 1,
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

void start_servers(void)
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
