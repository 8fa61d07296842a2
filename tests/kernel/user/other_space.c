/* SPDX-License-Identifier: MIT */
/*
 * A thread in an address space of its own (see other_space.h).
 *
 * The image pages are mapped through copies of the root task's image-frame
 * capabilities, one copy per page, since a frame capability holds one
 * mapping. A missing page table is made on demand: a FrameMap that fails
 * with FailedLookup gets a PT, a PageTableMap that fails so gets the
 * table one level up first. Every capability made here is remembered so
 * that os_destroy() can take it back; the frame copies in particular are
 * not children of the test's untyped and would otherwise outlive the test.
 */
#include <l4/rt.h>
#include "other_space.h"

#define PAGE UINT64_C(0x1000)

static l4_error_t check(l4_error_t e, const char *what, l4_word_t arg)
{
    if (e != L4_NO_ERROR)
        ut_fail(__FILE__, __LINE__, "other space: %s %#lx: %s", what, (unsigned long)arg,
                l4_error_name(e));
    return e;
}

l4_error_t os_create(struct os_space *s, const char *name)
{
    *s = (struct os_space){0};
    s->vspace = ut_new(L4_OBJECT_PML4, 0);
    s->tcb = ut_new(L4_OBJECT_TCB, 0);
    if (!s->vspace || !s->tcb)
        return L4_NOT_ENOUGH_MEMORY;
    return check(l4_debug_name_thread(s->tcb, name), "naming the thread", 0);
}

/* Map a new page table of type at va, and the tables above it if missing. */
static l4_error_t map_table(struct os_space *s, l4_object_type_t type, l4_word_t va)
{
    if (s->ntables == OS_MAX_TABLES)
        return check(L4_NOT_ENOUGH_MEMORY, "more than OS_MAX_TABLES tables at", va);
    l4_cptr_t t = ut_new(type, 0);
    if (!t)
        return L4_NOT_ENOUGH_MEMORY;
    s->table[s->ntables++] = t;
    l4_error_t e = l4_page_table_map(t, s->vspace, va, 0);
    if (e == L4_FAILED_LOOKUP && type != L4_OBJECT_PDPT) {
        e = map_table(s, type == L4_OBJECT_PT ? L4_OBJECT_PD : L4_OBJECT_PDPT, va);
        if (e == L4_NO_ERROR)
            e = l4_page_table_map(t, s->vspace, va, 0);
    }
    return check(e, "PageTableMap at", va);
}

static l4_error_t map_page(struct os_space *s, l4_word_t va, l4_vm_rights_t rights)
{
    if (s->nframes == OS_MAX_FRAMES)
        return check(L4_NOT_ENOUGH_MEMORY, "more than OS_MAX_FRAMES pages at", va);
    l4_cptr_t image = l4_rt_image_frame((const void *)va);
    if (image == L4_CPTR_NULL)
        return check(L4_INVALID_ARGUMENT, "no image frame covers", va);
    l4_cptr_t f = ut_copy(image, L4_CAP_RIGHTS_ALL);
    if (!f)
        return check(L4_NOT_ENOUGH_MEMORY, "copying the image frame of", va);
    s->frame[s->nframes] = f;
    s->frame_va[s->nframes++] = va;
    l4_error_t e = l4_frame_map(f, s->vspace, va, rights, 0);
    if (e == L4_FAILED_LOOKUP) {
        e = map_table(s, L4_OBJECT_PT, va);
        if (e == L4_NO_ERROR)
            e = l4_frame_map(f, s->vspace, va, rights, 0);
    }
    return check(e, "FrameMap at", va);
}

l4_error_t os_map_image(struct os_space *s, const void *start, const void *end,
                        l4_vm_rights_t rights)
{
    l4_word_t va = (l4_word_t)start & ~(PAGE - 1);
    for (l4_error_t e; va < (l4_word_t)end; va += PAGE)
        if ((e = map_page(s, va, rights)) != L4_NO_ERROR)
            return e;
    return L4_NO_ERROR;
}

l4_cptr_t os_frame_of(const struct os_space *s, const void *addr)
{
    l4_word_t va = (l4_word_t)addr & ~(PAGE - 1);
    for (unsigned i = 0; i < s->nframes; i++)
        if (s->frame_va[i] == va)
            return s->frame[i];
    return L4_CPTR_NULL;
}

l4_error_t os_configure(struct os_space *s, l4_cptr_t cspace, l4_cnode_guard_t guard,
                        l4_cptr_t fault_ep, const void *ipc_buffer, uint8_t prio, uint8_t mcp)
{
    l4_cptr_t frame = os_frame_of(s, ipc_buffer);
    if (frame == L4_CPTR_NULL)
        return check(L4_INVALID_ARGUMENT, "no page mapped for the IPC buffer at",
                     (l4_word_t)ipc_buffer);
    l4_error_t e =
        l4_tcb_configure(s->tcb, fault_ep, cspace, guard, s->vspace, (l4_word_t)ipc_buffer, frame);
    if (e == L4_NO_ERROR)
        e = l4_tcb_set_priority(s->tcb, L4_ROOT_SLOT_TCB, prio);
    if (e == L4_NO_ERROR)
        e = l4_tcb_set_mc_priority(s->tcb, L4_ROOT_SLOT_TCB, mcp);
    return check(e, "configuring the thread, priority", prio);
}

l4_error_t os_start(struct os_space *s, const struct l4_user_context *regs)
{
    return check(l4_tcb_write_registers(s->tcb, true, L4_USER_CONTEXT_WORDS, regs),
                 "starting the thread at", l4_user_context_get_word(regs, 0));
}

/* Revoke and delete root slot *slot (if used) and clear it. */
static l4_error_t drop(l4_cptr_t *slot, l4_error_t first)
{
    if (!*slot)
        return first;
    l4_error_t e = l4_cnode_revoke(UT_CNODE, *slot, UT_DEPTH);
    if (e == L4_NO_ERROR)
        e = l4_cnode_delete(UT_CNODE, *slot, UT_DEPTH);
    check(e, "deleting slot", *slot);
    *slot = 0;
    return first != L4_NO_ERROR ? first : e;
}

l4_error_t os_destroy(struct os_space *s)
{
    l4_error_t e = drop(&s->tcb, L4_NO_ERROR);
    for (unsigned i = 0; i < s->nframes; i++)
        e = drop(&s->frame[i], e);
    for (unsigned i = s->ntables; i-- > 0;)
        e = drop(&s->table[i], e);
    e = drop(&s->vspace, e);
    s->nframes = s->ntables = 0;
    return e;
}
