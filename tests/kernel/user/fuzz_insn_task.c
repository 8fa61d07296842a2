/* SPDX-License-Identifier: MIT */
/*
 * The instruction fuzzer's task: its address space, CSpace and TCB.
 *
 * Maps the pages of fzi_pg (trampoline, control page, code pages, data,
 * scratch and stack) at their root-task addresses in a PML4 of its own,
 * code pages also at LOW_VA, EDGE_VA and TOP_VA, fills its CSpace
 * (fuzz_common.c) and configures its TCB; rebuilds the CSpace and TCB
 * set-up on a reset. Interface in fuzz_insn_task.h.
 */
#include "fuzz_insn_task.h"

struct fzi_pages fzi_pg;
const char *const fzi_kind_name[K_COUNT] = {"native", "foreign", "syscall"};

void fzi_report(struct fzi *f, const char *what, l4_word_t a, l4_word_t b)
{
    if (f->reports++ >= MAX_REPORTS)
        return;
    ut_fail(__FILE__, __LINE__,
            "%s (%#lx, %#lx); seed %#lx, call %lu (%s, call seed %#lx, entry %#lx, sysno %lu)",
            what, (unsigned long)a, (unsigned long)b, (unsigned long)f->seed,
            (unsigned long)f->calls, fzi_kind_name[f->kind], (unsigned long)f->call_seed,
            (unsigned long)f->entry, (unsigned long)f->sysno);
    l4_printf("#   last message:");
    for (unsigned i = 0; i < L4_FAULT_EXCEPTION_LENGTH; i++)
        l4_printf(" %#lx", (unsigned long)f->msg[i]);
    l4_printf("\n");
    for (uint64_t k = f->calls > RING_LEN ? f->calls - RING_LEN : 0; k < f->calls; k++) {
        const __typeof__(f->ring[0]) *r = &f->ring[k % RING_LEN];
        l4_printf("#   call %lu: %s sysno %lu rdi %#lx rsi %#lx entry %#lx, started by %s, "
                  "ended by %#lx\n",
                  (unsigned long)r->call, fzi_kind_name[r->kind % K_COUNT], (unsigned long)r->sysno,
                  (unsigned long)r->rdi, (unsigned long)r->rsi, (unsigned long)r->entry,
                  r->how ? "reply" : "suspend+write", (unsigned long)r->end);
    }
}

/* ==== the task's address space ===================================================== */

/* Map a new page table of type at va (and the missing ones above it). */
static l4_error_t map_table(struct fzi *f, l4_object_type_t type, l4_word_t va)
{
    if (f->ntables == MAX_TABLES)
        return L4_NOT_ENOUGH_MEMORY;
    l4_cptr_t t = ut_new(type, 0);
    if (!t)
        return L4_NOT_ENOUGH_MEMORY;
    f->tables[f->ntables++] = t;
    l4_error_t e = l4_page_table_map(t, f->task.vspace, va, 0);
    if (e == L4_FAILED_LOOKUP && type != L4_OBJECT_PDPT) {
        e = map_table(f, type == L4_OBJECT_PT ? L4_OBJECT_PD : L4_OBJECT_PDPT, va);
        if (e == L4_NO_ERROR)
            e = l4_page_table_map(t, f->task.vspace, va, 0);
    }
    return e;
}

/* Map the root image page at src at va in the task's space; the frame copy. */
static l4_cptr_t map_at(struct fzi *f, const void *src, l4_word_t va, l4_vm_rights_t rights,
                        l4_error_t *err)
{
    l4_cptr_t image = l4_rt_image_frame(src), c;
    *err = L4_NOT_ENOUGH_MEMORY;
    if (image == L4_CPTR_NULL || f->nframes == MAX_FRAMES || !(c = ut_copy(image, ALL)))
        return 0;
    f->frames[f->nframes++] = c;
    l4_error_t e = l4_frame_map(c, f->task.vspace, va, rights, 0);
    if (e == L4_FAILED_LOOKUP && (e = map_table(f, L4_OBJECT_PT, va)) == L4_NO_ERROR)
        e = l4_frame_map(c, f->task.vspace, va, rights, 0);
    *err = e;
    return c;
}

static l4_cptr_t map_same(struct fzi *f, const void *p, l4_vm_rights_t rights)
{
    l4_error_t e;
    l4_cptr_t c = map_at(f, p, (l4_word_t)p, rights, &e);
    if (e != L4_NO_ERROR)
        ut_fail(__FILE__, __LINE__, "mapping %p: %s", p, l4_error_name(e));
    return c;
}

/* The trampoline: 64-bit and 32-bit code at once (0x48 is REX.W in one,
 * dec eax in the other), then mov rax, [ctl]; jmp [ctl + 8]. */
static void write_trampoline(void)
{
    uint32_t here = (uint32_t)(uintptr_t)fzi_pg.tramp, ctl = (uint32_t)(uintptr_t)fzi_pg.ctl;
    uint8_t *t = fzi_pg.tramp;
    for (unsigned i = 0; i < sizeof fzi_pg.tramp; i++)
        t[i] = 0xcc;
    static const uint8_t head[] = {0x31, 0xc0, 0x48, 0x85, 0xc0, 0x74, 0x07, 0xea};
    unsigned n = 0;
    for (unsigned i = 0; i < sizeof head; i++)
        t[n++] = head[i];
    for (unsigned i = 0; i < 4; i++)
        t[n++] = (uint8_t)((here + 14) >> (8 * i));
    t[n++] = 0x2b, t[n++] = 0x00; /* ljmp 0x2b:here+14 (32-bit mode only) */
    t[n++] = 0x48, t[n++] = 0x8b, t[n++] = 0x04, t[n++] = 0x25; /* mov rax, [ctl] */
    for (unsigned i = 0; i < 4; i++)
        t[n++] = (uint8_t)(ctl >> (8 * i));
    t[n++] = 0xff, t[n++] = 0x24, t[n++] = 0x25; /* jmp [ctl + 8] */
    for (unsigned i = 0; i < 4; i++)
        t[n++] = (uint8_t)((ctl + 8) >> (8 * i));
    /* the stub of structured syscalls: syscall; ud2 */
    t[STUB_OFF] = 0x0f, t[STUB_OFF + 1] = 0x05, t[STUB_OFF + 2] = 0x0f, t[STUB_OFF + 3] = 0x0b;
}

static l4_error_t configure(struct fzi *f)
{
    l4_error_t e = l4_tcb_configure(f->task.tcb, FZ_SLOT_FAULT_EP, f->task.cnode,
                                    fuzz_flat_guard(FZ_CNODE_RADIX), f->task.vspace,
                                    (l4_word_t)fzi_pg.data, f->ipc_frame);
    if (!e)
        e = l4_tcb_set_priority(f->task.tcb, L4_ROOT_SLOT_TCB, PRIO);
    if (!e)
        e = l4_tcb_set_mc_priority(f->task.tcb, L4_ROOT_SLOT_TCB, 0);
    if (!e)
        e = l4_tcb_set_foreign_abi(f->task.tcb, false);
    f->foreign = 0;
    return e;
}

/* Undo whatever the task did to its capabilities and TCB. */
l4_error_t fzi_reset_task(struct fzi *f)
{
    l4_error_t e;
    if ((e = fuzz_clear_task(&f->task)) || (e = fuzz_fill_cspace(&f->task)) || (e = configure(f)))
        return e;
    l4_tcb_unbind_notification(f->task.tcb); /* IllegalOperation when not bound */
    f->resets++;
    return L4_NO_ERROR;
}

void fzi_make_task(struct fzi *f)
{
    fuzz_make_objects(&f->task, FUZZ_BADGE);
    f->reply = ut_new(L4_OBJECT_REPLY, 0);
    f->task.vspace = ut_new(L4_OBJECT_PML4, 0);
    f->task.tcb = ut_new(L4_OBJECT_TCB, 0);
    UT_ASSERT(!ut_failed());
    UT_OK(l4_debug_name_thread(f->task.tcb, "fuzz-insn"));
    UT_OK(l4_debug_name_thread(f->task.victim, "fuzz-insn-victim"));
    write_trampoline();
    for (unsigned p = 0; p < NCODE; p++) {
        struct fzi_opts o = fzi_options(f, p, p == NCODE - 1);
        fzi_gen_window(fzi_pg.code[p], 0, 4096, &o);
        fzi_scrub(fzi_pg.code[p], 0, 4096, &o);
    }
    for (unsigned i = 0; i < 4096; i++)
        fzi_pg.stack[i] = (uint8_t)ut_rnd(), fzi_pg.scratch[i] = (uint8_t)ut_rnd(),
        fzi_pg.data[i] = 0;
    map_same(f, fzi_pg.tramp, RX);
    map_same(f, fzi_pg.ctl, L4_VM_RIGHTS_READ);
    for (unsigned p = 0; p < NCODE; p++)
        map_same(f, fzi_pg.code[p], RX);
    f->ipc_frame = map_same(f, fzi_pg.data, RW);
    map_same(f, fzi_pg.scratch, RW);
    map_same(f, fzi_pg.stack, RW);
    l4_error_t e;
    map_at(f, fzi_pg.code[0], LOW_VA, RX, &e);
    UT_OK(e);
    map_at(f, fzi_pg.code[1], EDGE_VA, RX, &e);
    UT_OK(e);
    if (f->classes & FZI_CLASS_TOP) {
        /* the page at user_top (the top page of the lower half, where a
         * return after its last byte would be non-canonical) is never
         * mapped; the last user page below it is */
        map_at(f, fzi_pg.code[2], TOP_VA, RX, &e);
        UT_OK(e);
        f->top_mapped = e == L4_NO_ERROR;
        map_at(f, fzi_pg.code[2], L4_USER_TOP, RX, &e);
        UT_ERR(e, L4_INVALID_ARGUMENT);
    }
    if (!ut_failed()) {
        UT_OK(fuzz_fill_cspace(&f->task));
        UT_OK(configure(f));
    }
}
