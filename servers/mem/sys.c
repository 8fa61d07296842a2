/* SPDX-License-Identifier: MIT */
/*
 * The memory server's kernel calls: struct mem_sys for the core (mem.h).
 *
 * Interface: memsys_init() with the server's own CNode, TCB, VSpace helper
 * and a scratch slot; memsys_ops is the table the core calls. Every slot
 * is a cptr of the server's CNode (cptr = slot, depth 64). The batch
 * pages of compartment id are mapped in the server at
 * MEMSYS_BATCH_BASE + id * L4_PLAT_MEM_BATCH_PAGES pages.
 */
#include <stdlib.h>
#include <l4/stubs_gen.h>
#include <l4/vspace.h>
#include "sys.h"

static struct memsys *ms_of(void *ctx)
{
    return ctx;
}

static l4_error_t ms_retype(void *ctx, l4_cptr_t ut, l4_word_t type, l4_word_t size_bits,
                            l4_word_t slot, l4_word_t n)
{
    return l4_untyped_retype(ut, (l4_object_type_t)type, size_bits, ms_of(ctx)->cnode, 0, 0, slot,
                             n);
}

static l4_error_t ms_copy(void *ctx, l4_word_t dst, l4_cptr_t src, l4_cap_rights_t rights)
{
    l4_cptr_t cn = ms_of(ctx)->cnode;
    return l4_cnode_copy(cn, dst, 64, cn, src, 64, rights);
}

static l4_error_t ms_move(void *ctx, l4_word_t dst, l4_cptr_t src)
{
    l4_cptr_t cn = ms_of(ctx)->cnode;
    return l4_cnode_move(cn, dst, 64, cn, src, 64);
}

static l4_error_t ms_revoke(void *ctx, l4_cptr_t slot)
{
    return l4_cnode_revoke(ms_of(ctx)->cnode, slot, 64);
}

static l4_error_t ms_destroy(void *ctx, l4_cptr_t slot)
{
    l4_cptr_t cn = ms_of(ctx)->cnode;
    l4_cnode_revoke(cn, slot, 64);
    return l4_cnode_delete(cn, slot, 64);
}

static l4_error_t ms_frame_map(void *ctx, l4_cptr_t frame, l4_cptr_t pml4, l4_word_t va,
                               l4_word_t rights)
{
    (void)ctx;
    return l4_frame_map(frame, pml4, va, rights, 0);
}

static l4_error_t ms_frame_remap(void *ctx, l4_cptr_t frame, l4_word_t rights)
{
    (void)ctx;
    return l4_frame_remap(frame, rights, 0);
}

static l4_error_t ms_frame_unmap(void *ctx, l4_cptr_t frame)
{
    (void)ctx;
    return l4_frame_unmap(frame);
}

static l4_error_t ms_table_map(void *ctx, l4_cptr_t table, l4_cptr_t pml4, l4_word_t va)
{
    (void)ctx;
    return l4_page_table_map(table, pml4, va, 0);
}

static l4_error_t ms_table_unmap(void *ctx, l4_cptr_t table)
{
    (void)ctx;
    return l4_page_table_unmap(table);
}

l4_error_t memsys_untyped_probe(struct memsys *ms, l4_cptr_t ut, unsigned bits)
{
    /* a child of the whole size fits only in an untyped of at least that
     * size with nothing made from it; deleting it puts the watermark back */
    l4_error_t e = l4_untyped_retype(ut, L4_OBJECT_UNTYPED, bits, ms->cnode, 0, 0, ms->scratch, 1);
    if (e != L4_NO_ERROR)
        return e;
    return l4_cnode_delete(ms->cnode, ms->scratch, 64);
}

static l4_error_t ms_untyped_probe(void *ctx, l4_cptr_t ut, unsigned bits)
{
    return memsys_untyped_probe(ms_of(ctx), ut, bits);
}

static bool ms_is_type(void *ctx, l4_cptr_t slot, l4_cap_type_t type)
{
    (void)ctx;
    return l4_debug_cap_identify(slot) == type;
}

static bool ms_frame_writable(void *ctx, l4_cptr_t frame)
{
    struct memsys *ms = ms_of(ctx);
    return ms->scratch_tcb && l4_tcb_read_fpu(ms->scratch_tcb, frame) == L4_NO_ERROR;
}

static volatile struct mem_batch_entry *ms_batch_map(void *ctx, unsigned id,
                                                     const l4_cptr_t *frames)
{
    struct memsys *ms = ms_of(ctx);
    l4_word_t base = MEMSYS_BATCH_BASE + (l4_word_t)id * L4_PLAT_MEM_BATCH_PAGES * 4096;
    for (unsigned i = 0; i < L4_PLAT_MEM_BATCH_PAGES; i++)
        if (l4_vspace_map(ms->vs, frames[i], base + i * 4096, 12,
                          L4_VM_RIGHTS_READ | L4_VM_RIGHTS_WRITE, 0) != L4_NO_ERROR) {
            while (i-- > 0)
                l4_vspace_unmap(ms->vs, base + i * 4096, NULL);
            return NULL;
        }
    return (volatile struct mem_batch_entry *)base;
}

static void ms_batch_unmap(void *ctx, unsigned id)
{
    struct memsys *ms = ms_of(ctx);
    l4_word_t base = MEMSYS_BATCH_BASE + (l4_word_t)id * L4_PLAT_MEM_BATCH_PAGES * 4096;
    for (unsigned i = 0; i < L4_PLAT_MEM_BATCH_PAGES; i++)
        l4_vspace_unmap(ms->vs, base + i * 4096, NULL);
}

static l4_error_t ms_thread_setup(void *ctx, l4_cptr_t tcb, l4_cptr_t cnode, l4_cptr_t ipc_frame,
                                  l4_cptr_t fault_src, l4_word_t badge, l4_cptr_t pml4,
                                  uint8_t priority, bool reused)
{
    struct memsys *ms = ms_of(ctx);
    l4_error_t e;
    if (reused) {
        l4_cnode_delete(cnode, MEM_THREAD_FAULT_CPTR, MEM_THREAD_CNODE_RADIX);
        l4_tcb_unbind_notification(tcb); /* an error only says none was bound */
    }
    /* the thread's CSpace: its fault endpoint alone, badged */
    e = l4_cnode_mint(cnode, MEM_THREAD_FAULT_CPTR, MEM_THREAD_CNODE_RADIX, ms->cnode, fault_src,
                      64, L4_CAP_RIGHTS_ALL, badge);
    if (e == L4_NO_ERROR)
        e = l4_tcb_configure(tcb, MEM_THREAD_FAULT_CPTR, cnode,
                             l4_cnode_guard_new(0, 64 - MEM_THREAD_CNODE_RADIX), pml4, 0,
                             ipc_frame);
    if (e == L4_NO_ERROR)
        e = l4_tcb_set_foreign_abi(tcb, true);
    if (e == L4_NO_ERROR)
        e = l4_tcb_set_priority(tcb, ms->tcb, priority);
    return e;
}

static l4_error_t ms_thread_stop(void *ctx, l4_cptr_t tcb)
{
    (void)ctx;
    return l4_tcb_suspend(tcb);
}

static void *ms_alloc(void *ctx, size_t bytes)
{
    (void)ctx;
    return calloc(1, bytes ? bytes : 1);
}

static void ms_free(void *ctx, void *p)
{
    (void)ctx;
    free(p);
}

const struct mem_sys memsys_ops_template = {
    .retype = ms_retype,
    .copy = ms_copy,
    .move = ms_move,
    .destroy = ms_destroy,
    .revoke = ms_revoke,
    .frame_map = ms_frame_map,
    .frame_remap = ms_frame_remap,
    .frame_unmap = ms_frame_unmap,
    .table_map = ms_table_map,
    .table_unmap = ms_table_unmap,
    .is_type = ms_is_type,
    .frame_writable = ms_frame_writable,
    .untyped_probe = ms_untyped_probe,
    .batch_map = ms_batch_map,
    .batch_unmap = ms_batch_unmap,
    .thread_setup = ms_thread_setup,
    .thread_stop = ms_thread_stop,
    .alloc = ms_alloc,
    .free = ms_free,
};
