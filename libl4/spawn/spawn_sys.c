/* SPDX-License-Identifier: MIT */
/*
 * Spawning, the kernel calls (see <l4/spawn.h>).
 *
 * Every object comes from the caller's untyped allocator and is recorded
 * in struct l4_spawn as soon as it exists, so that one routine,
 * l4_spawn_destroy(), undoes both a running child and a half-made one.
 * Child pages are filled through the parent's scratch page: a fresh frame
 * is mapped there, written, unmapped and only then mapped in the child (a
 * frame capability holds one mapping at a time, so no copy of it is
 * needed). The frames are recorded in the child's struct l4_vspace as
 * owned, so that l4_vspace_destroy() frees them.
 */
#include <string.h>
#include <l4/elf_load.h>
#include <l4/spawn.h>
#include <l4/stubs_gen.h>

#define PAGE 4096u
#define RW   (L4_VM_RIGHTS_READ | L4_VM_RIGHTS_WRITE)

void l4_spawn_init(struct l4_spawn *sp, struct l4_untyped_alloc *ua, struct l4_vspace_table *tables,
                   unsigned table_capacity, struct l4_vspace_frame *frames, unsigned frame_capacity)
{
    *sp = (struct l4_spawn){.ua = ua};
    l4_vspace_init(&sp->vs, L4_CPTR_NULL, ua, tables, table_capacity, frames, frame_capacity);
}

/* Fills the scratch mapping of a fresh child page; returns an L4_SI_*
 * status (0: fine). */
typedef int (*fill_fn)(void *page, const void *ctx);

/* A fresh frame, filled by fill (zeroed if fill is NULL), mapped at va in
 * the child with rights and recorded there as owned. */
static l4_error_t child_page(struct l4_spawn *sp, const struct l4_spawn_config *cfg, l4_word_t va,
                             l4_vm_rights_t rights, fill_fn fill, const void *ctx,
                             struct l4_spawn_status *st)
{
    struct l4_object o;
    l4_error_t e = l4_untyped_alloc_object(sp->ua, L4_OBJECT_FRAME_4K, 0, 0, &o);
    if (e != L4_NO_ERROR)
        return e;
    if (fill || !(o.flags & L4_OBJECT_ZEROED)) {
        e = l4_vspace_map(cfg->parent, o.cap, cfg->scratch_va, 12, RW, 0);
        if (e == L4_NO_ERROR) {
            void *p = (void *)(uintptr_t)cfg->scratch_va;
            int s = 0;
            if (fill)
                s = fill(p, ctx);
            else
                memset(p, 0, PAGE);
            e = l4_vspace_unmap(cfg->parent, cfg->scratch_va, NULL);
            if (s != 0 && st)
                st->si_error = s;
            if (s != 0 && e == L4_NO_ERROR)
                e = L4_INVALID_ARGUMENT;
        }
    }
    if (e == L4_NO_ERROR)
        e = l4_vspace_map(&sp->vs, o.cap, va, 12, rights, 0);
    if (e != L4_NO_ERROR) {
        l4_untyped_free_object(sp->ua, &o);
        return e;
    }
    int i = l4_vspace_find_frame(&sp->vs, va);
    sp->vs.frames[i].owned = true;
    sp->vs.frames[i].obj = o;
    return L4_NO_ERROR;
}

struct load_ctx {
    struct l4_spawn *sp;
    const struct l4_spawn_config *cfg;
    struct l4_spawn_status *st;
    l4_error_t e;
};

static int copy_segment_page(void *page, const void *ctx)
{
    const struct elf_load_page *pg = ctx;
    memset(page, 0, PAGE);
    if (pg->copy_len)
        memcpy((char *)page + pg->copy_offset, pg->src, pg->copy_len);
    return 0;
}

static int load_page(void *ctx, const struct elf_load_page *pg)
{
    struct load_ctx *lc = ctx;
    l4_vm_rights_t r = 0;
    if (pg->flags & ELF_PF_R)
        r |= L4_VM_RIGHTS_READ;
    if (pg->flags & ELF_PF_W)
        r |= L4_VM_RIGHTS_WRITE;
    if (pg->flags & ELF_PF_X)
        r |= L4_VM_RIGHTS_EXECUTE;
    lc->e = child_page(lc->sp, lc->cfg, pg->vaddr, r, pg->copy_len ? copy_segment_page : NULL, pg,
                       lc->st);
    return lc->e == L4_NO_ERROR ? 0 : -1;
}

/* What the start-info page says, built in the scratch mapping. */
struct info_ctx {
    const struct l4_spawn_config *cfg;
    const struct l4_spawn *sp;
};

static int fill_start_info(void *page, const void *ctx)
{
    const struct info_ctx *ic = ctx;
    const struct l4_spawn_config *cfg = ic->cfg;
    struct l4_start_info *si = page;
    l4_start_info_init(si);
    l4_word_t nslots = (l4_word_t)1 << cfg->cnode_radix;
    /* the slots give_caps() fills next: the page can say them already */
    l4_word_t free_first = L4_SPAWN_SLOT_FIRST_CAP + (cfg->fault_ep != L4_CPTR_NULL) + cfg->ncaps;
    l4_start_info_set_cspace(si, cfg->cnode_radix, free_first, nslots - free_first);
    si->tcb = L4_SPAWN_SLOT_TCB;
    si->cnode = L4_SPAWN_SLOT_CNODE;
    si->vspace = L4_SPAWN_SLOT_VSPACE;
    si->ipc_buffer_frame = L4_SPAWN_SLOT_IPC_BUFFER;
    si->ipc_buffer = L4_SPAWN_IPC_BUFFER_VA;
    si->stack_top = L4_SPAWN_STACK_TOP;
    si->stack_base = L4_SPAWN_STACK_TOP - (l4_word_t)cfg->stack_pages * PAGE;
    l4_word_t slot = L4_SPAWN_SLOT_FIRST_CAP + (cfg->fault_ep != L4_CPTR_NULL);
    int s;
    for (unsigned i = 0; i < cfg->ncaps; i++)
        if ((s = l4_start_info_add_cap(si, cfg->caps[i].name, slot + i, cfg->caps[i].type)))
            return s;
    for (unsigned i = 0; i < cfg->argc; i++)
        if ((s = l4_start_info_add_arg(si, cfg->argv[i])))
            return s;
    return L4_SI_OK;
}

/* Copy (or mint, with badge) the parent's cap into child slot slot. */
static l4_error_t give(struct l4_spawn *sp, l4_word_t slot, l4_cptr_t cap, l4_cap_rights_t rights,
                       bool mint, l4_word_t badge)
{
    const struct l4_cspace_dest *d = &sp->ua->dest;
    l4_error_t e = mint ? l4_cnode_mint(sp->cnode.cap, slot, (uint8_t)sp->cnode_radix, d->root, cap,
                                        d->cptr_depth, rights, badge)
                        : l4_cnode_copy(sp->cnode.cap, slot, (uint8_t)sp->cnode_radix, d->root, cap,
                                        d->cptr_depth, rights);
    if (e == L4_NO_ERROR)
        sp->cnode_used = slot + 1;
    return e;
}

static l4_error_t give_caps(struct l4_spawn *sp, const struct l4_spawn_config *cfg)
{
    l4_word_t guard = l4_cnode_guard_new(0, 64 - sp->cnode_radix);
    l4_error_t e;
    l4_cptr_t ipc = L4_CPTR_NULL;
    l4_vspace_lookup(&sp->vs, L4_SPAWN_IPC_BUFFER_VA, &ipc, &(unsigned){0});
    if ((e = give(sp, L4_SPAWN_SLOT_TCB, sp->tcb.cap, L4_CAP_RIGHTS_ALL, false, 0)) ||
        (e = give(sp, L4_SPAWN_SLOT_CNODE, sp->cnode.cap, L4_CAP_RIGHTS_ALL, true, guard)) ||
        (e = give(sp, L4_SPAWN_SLOT_VSPACE, sp->pml4.cap, L4_CAP_RIGHTS_ALL, false, 0)) ||
        (e = give(sp, L4_SPAWN_SLOT_IPC_BUFFER, ipc, L4_CAP_RIGHTS_ALL, false, 0)))
        return e;
    l4_word_t slot = L4_SPAWN_SLOT_FIRST_CAP;
    if (cfg->fault_ep != L4_CPTR_NULL &&
        (e = give(sp, slot++, cfg->fault_ep, L4_CAP_RIGHTS_WRITE | L4_CAP_RIGHTS_GRANT_REPLY,
                  cfg->fault_badge != 0, cfg->fault_badge)))
        return e;
    for (unsigned i = 0; i < cfg->ncaps; i++) {
        /* the kernel never copies an Untyped (one watermark per region):
         * it is moved, and the parent's slot is empty afterwards */
        if (cfg->caps[i].type == L4_CAP_UNTYPED) {
            const struct l4_cspace_dest *d = &sp->ua->dest;
            e = l4_cnode_move(sp->cnode.cap, slot, (uint8_t)sp->cnode_radix, d->root,
                              cfg->caps[i].cap, d->cptr_depth);
            if (e == L4_NO_ERROR)
                sp->cnode_used = ++slot;
        } else
            e = give(sp, slot++, cfg->caps[i].cap, cfg->caps[i].rights, false, 0);
        if (e)
            return e;
    }
    return L4_NO_ERROR;
}

static l4_error_t make(struct l4_spawn *sp, const struct l4_spawn_config *cfg,
                       struct l4_spawn_status *st)
{
    l4_error_t e;
#define STEP(name, expr)                                                                           \
    do {                                                                                           \
        if ((e = (expr)) != L4_NO_ERROR) {                                                         \
            if (st)                                                                                \
                st->step = name;                                                                   \
            return e;                                                                              \
        }                                                                                          \
    } while (0)
    STEP("PML4", l4_untyped_alloc_object(sp->ua, L4_OBJECT_PML4, 0, 0, &sp->pml4));
    sp->vs.pml4 = sp->pml4.cap;
    STEP("CNode",
         l4_untyped_alloc_object(sp->ua, L4_OBJECT_CNODE, cfg->cnode_radix, 0, &sp->cnode));
    sp->cnode_radix = cfg->cnode_radix;
    STEP("TCB", l4_untyped_alloc_object(sp->ua, L4_OBJECT_TCB, 0, 0, &sp->tcb));

    struct load_ctx lc = {sp, cfg, st, L4_NO_ERROR};
    uint64_t entry = 0;
    int r = elf_load(cfg->image, cfg->image_size, load_page, &lc, &entry);
    if (r > 0 && st)
        st->elf_error = r;
    STEP("image", r == 0 ? L4_NO_ERROR : r > 0 ? L4_INVALID_ARGUMENT : lc.e);
    sp->entry = entry;

    for (unsigned i = 1; i <= cfg->stack_pages; i++)
        STEP("stack",
             child_page(sp, cfg, L4_SPAWN_STACK_TOP - (l4_word_t)i * PAGE, RW, NULL, NULL, st));
    STEP("IPC buffer", child_page(sp, cfg, L4_SPAWN_IPC_BUFFER_VA, RW, NULL, NULL, st));
    struct info_ctx ic = {cfg, sp};
    STEP("start-info",
         child_page(sp, cfg, L4_SPAWN_INFO_VA, L4_VM_RIGHTS_READ, fill_start_info, &ic, st));
    STEP("capabilities", give_caps(sp, cfg));

    if (cfg->thread_name)
        (void)l4_debug_name_thread(sp->tcb.cap, cfg->thread_name); /* debug output only */
    l4_cptr_t ipc = L4_CPTR_NULL;
    l4_vspace_lookup(&sp->vs, L4_SPAWN_IPC_BUFFER_VA, &ipc, &(unsigned){0});
    l4_cptr_t fault = cfg->fault_ep != L4_CPTR_NULL ? L4_SPAWN_SLOT_FIRST_CAP : L4_CPTR_NULL;
    STEP("TCB Configure", l4_tcb_configure(sp->tcb.cap, fault, sp->cnode.cap,
                                           l4_cnode_guard_new(0, 64 - sp->cnode_radix),
                                           sp->pml4.cap, L4_SPAWN_IPC_BUFFER_VA, ipc));
    STEP("MCP", l4_tcb_set_mc_priority(sp->tcb.cap, cfg->authority, cfg->mcp));
    STEP("priority", l4_tcb_set_priority(sp->tcb.cap, cfg->authority, cfg->priority));
    struct l4_user_context regs = {0};
    regs.rip = entry;
    regs.rsp = L4_SPAWN_STACK_TOP;
    regs.rdi = L4_SPAWN_INFO_VA;
    regs.rflags = 0x202; /* IF, and the always-one bit */
    STEP("start", l4_tcb_write_registers(sp->tcb.cap, true, L4_USER_CONTEXT_WORDS, &regs));
    sp->running = true;
    return L4_NO_ERROR;
#undef STEP
}

l4_error_t l4_spawn(struct l4_spawn *sp, const struct l4_spawn_config *cfg,
                    struct l4_spawn_status *st)
{
    unsigned pages = 0;
    l4_error_t e = l4_spawn_check(cfg, &pages, st);
    if (e != L4_NO_ERROR)
        return e;
    if (sp->tcb.cap || sp->cnode.cap || sp->pml4.cap || sp->vs.nframes || sp->vs.ntables) {
        if (st)
            st->step = "in use";
        return L4_ILLEGAL_OPERATION;
    }
    if (pages > sp->vs.frame_capacity) {
        if (st)
            st->step = "frames array";
        return L4_NOT_ENOUGH_MEMORY;
    }
    e = make(sp, cfg, st);
    if (e != L4_NO_ERROR)
        l4_spawn_destroy(sp);
    return e;
}

/* Revoke (the child's copies) and free one object, if made. */
static l4_error_t drop(struct l4_spawn *sp, struct l4_object *o, l4_error_t first)
{
    if (o->cap == L4_CPTR_NULL)
        return first;
    const struct l4_cspace_dest *d = &sp->ua->dest;
    l4_error_t e = l4_cnode_revoke(d->root, o->cap, d->cptr_depth);
    if (e == L4_NO_ERROR)
        e = l4_untyped_free_object(sp->ua, o);
    if (e == L4_NO_ERROR)
        *o = (struct l4_object){0};
    return first != L4_NO_ERROR ? first : e;
}

l4_error_t l4_spawn_destroy(struct l4_spawn *sp)
{
    l4_error_t e = L4_NO_ERROR, r;
    if (sp->tcb.cap != L4_CPTR_NULL)
        (void)l4_tcb_suspend(sp->tcb.cap); /* the drop below destroys it anyway */
    sp->running = false;
    /* the copies l4_spawn() placed in the child's CNode */
    for (l4_word_t s = 1; sp->cnode.cap != L4_CPTR_NULL && s < sp->cnode_used; s++) {
        r = l4_cnode_delete(sp->cnode.cap, s, (uint8_t)sp->cnode_radix);
        if (e == L4_NO_ERROR)
            e = r;
    }
    sp->cnode_used = 0;
    e = drop(sp, &sp->tcb, e);
    /* frames: revoke each first, so no copy the child made outlives it */
    const struct l4_cspace_dest *d = &sp->ua->dest;
    for (unsigned i = 0; i < sp->vs.nframes; i++)
        (void)l4_cnode_revoke(d->root, sp->vs.frames[i].cap, d->cptr_depth);
    r = l4_vspace_destroy(&sp->vs);
    if (e == L4_NO_ERROR)
        e = r;
    e = drop(sp, &sp->pml4, e);
    sp->vs.pml4 = L4_CPTR_NULL;
    e = drop(sp, &sp->cnode, e);
    return e;
}
