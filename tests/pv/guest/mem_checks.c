/* SPDX-License-Identifier: MIT */
/*
 * The PV test guest's checks of the memory server (protocol mem.toml,
 * docs/servers/mem.md), made as a guest kernel makes them: its
 * pseudo-physical window, address spaces, mappings and their errors (the
 * classes of Xen PV memory bugs), batches, and a foreign-ABI thread in a
 * space of its own whose system call and page fault come back to the guest
 * as exception IPC (the path a Linux process takes).
 */
#include <string.h>
#include <l4/debug.h>
#include <l4/platform.h>
#include <l4/proto/mem_client_gen.h>
#include <l4/rt.h>
#include <l4/start_info.h>
#include <l4/stubs_gen.h>
#include "pvtest.h"

#define R  MEM_BATCH_ENTRY_RIGHT_READ
#define W  MEM_BATCH_ENTRY_RIGHT_WRITE
#define X  MEM_BATCH_ENTRY_RIGHT_EXEC
#define VA UINT64_C(0x0000000010000000)

static l4_cptr_t mem;
static l4_word_t phys_pages, next_slot, last_slot;

/* A free slot of our own CNode (cptr = slot). */
static l4_word_t new_slot(void)
{
    return next_slot < last_slot ? next_slot++ : 0;
}

static void *page_of(l4_word_t pfn)
{
    return (void *)(uintptr_t)(L4_PLAT_PHYS_BASE + pfn * 4096);
}

static void check_info_and_window(void)
{
    l4_word_t rf = 0, su = 0, sm = 0, tu = 0, tm = 0, sf = 0;
    mem_status_t st = mem_info(mem, &phys_pages, &rf, &su, &sm, &tu, &tm, &sf);
    PVTEST_CHECK(st == L4_NO_ERROR && phys_pages > 1000, "Info: %lu pseudo-physical pages",
                 (unsigned long)phys_pages);
    PVTEST_CHECK(st == L4_NO_ERROR && su == 0 && sm >= 4 && tu == 0 && tm >= 2,
                 "Info: no space or thread yet, the manifest's limits");
    if (st != L4_NO_ERROR)
        return;
    /* every page of the window is ours, read-write: the first and the last */
    volatile uint64_t *first = page_of(0), *last = page_of(phys_pages - 1);
    first[0] = 0x1122334455667788u;
    last[511] = 0x8877665544332211u;
    PVTEST_CHECK(first[0] == 0x1122334455667788u && last[511] == 0x8877665544332211u,
                 "the pseudo-physical window is mapped read-write from pfn 0 to the last");
}

static void check_mappings(void)
{
    l4_word_t sp = ~0ul, pfn = 0, rights = 0;
    PVTEST_CHECK(mem_space_create(mem, &sp) == L4_NO_ERROR, "SpaceCreate");
    PVTEST_CHECK(mem_map(mem, sp, VA, 5, R | W) == L4_NO_ERROR, "Map one page");
    PVTEST_CHECK(mem_query(mem, sp, VA, &pfn, &rights) == L4_NO_ERROR && pfn == 5 &&
                     rights == (R | W),
                 "Query gives the page and its rights");
    PVTEST_CHECK(mem_map(mem, sp, VA, 6, R) == MEM_ERROR_OCCUPIED,
                 "a second Map at a mapped address: Occupied");
    PVTEST_CHECK(mem_map(mem, sp, VA + 4096, 5, R) == L4_NO_ERROR,
                 "the same page mapped twice in one space (aliasing) is allowed");
    PVTEST_CHECK(mem_protect(mem, sp, VA, R) == L4_NO_ERROR &&
                     mem_query(mem, sp, VA, &pfn, &rights) == L4_NO_ERROR && rights == R,
                 "Protect makes it read-only");
    PVTEST_CHECK(mem_unmap(mem, sp, VA) == L4_NO_ERROR &&
                     mem_query(mem, sp, VA, &pfn, &rights) == MEM_ERROR_NOT_MAPPED,
                 "Unmap, then Query: NotMapped");
    PVTEST_CHECK(mem_unmap(mem, sp, VA) == MEM_ERROR_NOT_MAPPED, "Unmap twice: NotMapped");

    /* the bug classes: each refused, nothing changed */
    static const struct {
        l4_word_t va;
        const char *what;
    } bad_va[] = {
        {UINT64_C(0xffff800000000000), "the kernel half"},
        {UINT64_C(0x0000800000000000), "a non-canonical address"},
        {L4_USER_TOP, "the top page of the user half"},
        {VA + 8, "a misaligned address"},
    };
    for (unsigned i = 0; i < sizeof bad_va / sizeof bad_va[0]; i++)
        PVTEST_CHECK(mem_map(mem, sp, bad_va[i].va, 5, R) == MEM_ERROR_BAD_ADDRESS,
                     "Map at %s: BadAddress", bad_va[i].what);
    PVTEST_CHECK(mem_map(mem, sp, VA, phys_pages, R) == MEM_ERROR_BAD_PFN &&
                     mem_map(mem, sp, VA, ~0ul, R) == MEM_ERROR_BAD_PFN,
                 "Map of a page outside the quota: BadPfn");
    PVTEST_CHECK(mem_map(mem, sp, VA, 5, W) == MEM_ERROR_BAD_RIGHTS &&
                     mem_map(mem, sp, VA, 5, 8 | R) == MEM_ERROR_BAD_RIGHTS,
                 "Map without Read, or with unknown rights: BadRights");
    PVTEST_CHECK(mem_map(mem, sp + 1000, VA, 5, R) == MEM_ERROR_BAD_SPACE &&
                     mem_map(mem, ~0ul, VA, 5, R) == MEM_ERROR_BAD_SPACE,
                 "Map into a space it did not create: BadSpace");
    PVTEST_CHECK(mem_query(mem, sp, VA, &pfn, &rights) == MEM_ERROR_NOT_MAPPED,
                 "after the refusals nothing is mapped there");

    /* a batch with one bad entry in the middle: the others are applied */
    l4_word_t size = 0;
    struct mem_batch_entry *b = l4_rt_shared_page(L4_PLAT_PAGE_MEM, &size);
    if (b) {
        memset(b, 0, 3 * sizeof *b);
        b[0] =
            (struct mem_batch_entry){MEM_BATCH_ENTRY_OP_MAP, (uint32_t)sp, VA + 0x10000, 7, R, 0};
        b[1] = (struct mem_batch_entry){
            MEM_BATCH_ENTRY_OP_MAP, (uint32_t)sp, VA + 0x11000, phys_pages + 3, R, 0};
        b[2] =
            (struct mem_batch_entry){MEM_BATCH_ENTRY_OP_MAP, (uint32_t)sp, VA + 0x12000, 8, R, 0};
        l4_word_t failed = 0, first_failed = 0;
        mem_status_t st = mem_batch(mem, 3, &failed, &first_failed);
        PVTEST_CHECK(st == L4_NO_ERROR && failed == 1 && first_failed == 1 && b[0].result == 0 &&
                         b[1].result == MEM_ERROR_BAD_PFN && b[2].result == 0,
                     "Batch: the bad middle entry fails alone, with its own result");
        PVTEST_CHECK(mem_query(mem, sp, VA + 0x10000, &pfn, &rights) == L4_NO_ERROR && pfn == 7 &&
                         mem_query(mem, sp, VA + 0x12000, &pfn, &rights) == L4_NO_ERROR &&
                         pfn == 8 &&
                         mem_query(mem, sp, VA + 0x11000, &pfn, &rights) == MEM_ERROR_NOT_MAPPED,
                     "Batch: entries 0 and 2 applied, 1 not");
        /* 64 pages in one batch, then write-protected as a range (fork) */
        for (unsigned i = 0; i < 64; i++)
            b[i] = (struct mem_batch_entry){MEM_BATCH_ENTRY_OP_MAP,
                                            (uint32_t)sp,
                                            VA + 0x100000 + i * 4096ul,
                                            100 + i,
                                            R | W,
                                            0};
        st = mem_batch(mem, 64, &failed, &first_failed);
        PVTEST_CHECK(st == L4_NO_ERROR && failed == 0, "Batch maps 64 pages in one call");
        b[0] = (struct mem_batch_entry){
            MEM_BATCH_ENTRY_OP_PROTECT_RANGE, (uint32_t)sp, VA + 0x100000, 64, R, 0};
        st = mem_batch(mem, 1, &failed, &first_failed);
        PVTEST_CHECK(st == L4_NO_ERROR && failed == 0 &&
                         mem_query(mem, sp, VA + 0x100000 + 63 * 4096, &pfn, &rights) ==
                             L4_NO_ERROR &&
                         rights == R && pfn == 163,
                     "a range protect write-protects the 64 pages (copy-on-write)");
        PVTEST_CHECK(mem_batch(mem, MEM_BATCH_ENTRY_MAX_ENTRIES + 1, &failed, &first_failed) ==
                         L4_RANGE_ERROR,
                     "Batch of more entries than the pages hold: RangeError");
    }
    PVTEST_CHECK(mem_space_destroy(mem, sp) == L4_NO_ERROR, "SpaceDestroy");
    PVTEST_CHECK(mem_map(mem, sp, VA, 5, R) == MEM_ERROR_BAD_SPACE,
                 "a destroyed space's handle: BadSpace");

    /* the address-space limit: an error for this compartment alone */
    l4_word_t made[L4_PLAT_MAX_COMPARTMENTS];
    unsigned n = 0;
    mem_status_t st = L4_NO_ERROR;
    while (n < sizeof made / sizeof made[0] &&
           (st = mem_space_create(mem, &made[n])) == L4_NO_ERROR)
        n++;
    PVTEST_CHECK(st == MEM_ERROR_QUOTA_EXHAUSTED && l4_get_mr(0) == MEM_BATCH_ENTRY_QUOTA_SPACES,
                 "SpaceCreate beyond max_address_spaces: QuotaExhausted (spaces) after %u", n);
    for (unsigned i = 0; i < n; i++)
        (void)mem_space_destroy(mem, made[i]);
}

/* Code for a thread of a guest process: the Linux exit system call with
 * 42, after reading a word at 0x500000 (not mapped: a page fault first). */
static const unsigned char program[] = {
    0x8b, 0x04, 0x25, 0x00, 0x00, 0x50, 0x00, /* mov 0x500000, %eax */
    0xb8, 0x3c, 0x00, 0x00, 0x00,             /* mov $60, %eax */
    0xbf, 0x2a, 0x00, 0x00, 0x00,             /* mov $42, %edi */
    0x0f, 0x05,                               /* syscall */
    0x0f, 0x0b,                               /* ud2 */
};

static void check_thread(void)
{
    const struct l4_start_info *si = l4_rt_start_info();
    l4_word_t ep = new_slot(), tcb = new_slot(), h_ep = 0, h_thread = 0, sp = 0;
    mem_status_t st = mem_object_create(mem, L4_OBJECT_ENDPOINT, si->cnode, ep, &h_ep);
    PVTEST_CHECK(st == L4_NO_ERROR, "ObjectCreate: an endpoint for the guest's processes");
    PVTEST_CHECK(mem_object_create(mem, L4_OBJECT_FRAME_4K, si->cnode, new_slot(), &h_ep) ==
                     L4_INVALID_ARGUMENT,
                 "ObjectCreate of a frame: refused (the guest never holds a frame)");
    const struct l4_start_cap *rc = l4_start_info_cap(si, L4_PLAT_CAP_REPLIES);
    PVTEST_CHECK(rc && rc->type == L4_CAP_REPLY && si->free_first > rc->slot,
                 "Reply objects of its own (%lu)",
                 rc ? (unsigned long)(si->free_first - rc->slot) : 0ul);
    if (st != L4_NO_ERROR || !rc || mem_space_create(mem, &sp) != L4_NO_ERROR)
        return;
    l4_cptr_t reply = rc->slot;
    /* the program in pfn 20 at 0x400000 (R+X), its stack pfn 21 */
    memcpy(page_of(20), program, sizeof program);
    PVTEST_CHECK(mem_map(mem, sp, 0x400000, 20, R | X) == L4_NO_ERROR &&
                     mem_map(mem, sp, 0x7ff000, 21, R | W) == L4_NO_ERROR,
                 "the process's text and stack mapped");
    st = mem_thread_create(mem, sp, 0x77, 1, ep, si->cnode, tcb, &h_thread);
    PVTEST_CHECK(st == L4_NO_ERROR, "ThreadCreate: a foreign-ABI thread in the space (%s)",
                 mem_error_name(st));
    if (st != L4_NO_ERROR)
        return;
    PVTEST_CHECK(mem_thread_create(mem, sp, 0x78, 255, ep, si->cnode, new_slot(), &h_thread) !=
                     L4_NO_ERROR,
                 "ThreadCreate above the compartment's priority: refused");
    struct l4_user_context regs = {0};
    regs.rip = 0x400000;
    regs.rsp = 0x800000;
    regs.rflags = 0x202;
    PVTEST_CHECK(l4_tcb_write_registers(tcb, true, L4_USER_CONTEXT_WORDS, &regs) == L4_NO_ERROR,
                 "its TCB capability starts it");
    l4_word_t badge = 0;
    l4_msginfo_t info;
    l4_error_t e = l4_recv(ep, reply, &badge, &info);
    PVTEST_CHECK(e == L4_NO_ERROR && badge == 0x77 &&
                     l4_msginfo_get_label(info) == L4_FAULT_LABEL_EXCEPTION &&
                     l4_get_mr(L4_FAULT_EXCEPTION_MR_VECTOR) == 14 &&
                     l4_get_mr(L4_FAULT_EXCEPTION_MR_ADDRESS) == 0x500000,
                 "its page fault at 0x500000 comes to the guest, badged");
    /* demand paging: map the page, then let it retry */
    *(volatile uint32_t *)page_of(22) = 0xfeed;
    PVTEST_CHECK(mem_map(mem, sp, 0x500000, 22, R) == L4_NO_ERROR, "the guest maps the page");
    e = l4_reply_recv(ep, l4_msginfo_new(L4_FAULT_REPLY_RESUME, 0, 0, 0), reply, &badge, &info);
    PVTEST_CHECK(
        e == L4_NO_ERROR && badge == 0x77 && l4_msginfo_get_label(info) == L4_FAULT_LABEL_SYSCALL &&
            l4_get_mr(L4_FAULT_SYSCALL_MR_RAX) == 60 && l4_get_mr(L4_FAULT_SYSCALL_MR_RDI) == 42,
        "it retried, read the page and made the Linux exit system call (60, 42)");
    PVTEST_CHECK(mem_thread_destroy(mem, h_thread) == L4_NO_ERROR, "ThreadDestroy");
    PVTEST_CHECK(mem_thread_destroy(mem, h_thread) == MEM_ERROR_BAD_HANDLE,
                 "ThreadDestroy twice: BadHandle");
    (void)mem_space_destroy(mem, sp);
}

/* Exhaust what the quota pays for, each in turn, and check that only this
 * compartment is refused (another compartment's checks run meanwhile or
 * after, tests/pv/manifests/hog.toml): address spaces, threads, then the
 * reserve through page tables alone (each Map far from the others needs
 * three new tables). */
void pvtest_mem_hog(void)
{
    const struct l4_start_info *si = l4_rt_start_info();
    mem = l4_rt_cap(L4_PLAT_CAP_MEM);
    next_slot = si->free_first;
    last_slot = si->free_first + si->free_count;
    l4_word_t rf = 0, x = 0;
    if (!mem || mem_info(mem, &phys_pages, &rf, &x, &x, &x, &x, &x) != L4_NO_ERROR)
        return;
    l4_word_t sp = 0, h = 0, n = 0;
    mem_status_t st;
    while ((st = mem_space_create(mem, &sp)) == L4_NO_ERROR)
        n++;
    PVTEST_CHECK(st == MEM_ERROR_QUOTA_EXHAUSTED && l4_get_mr(0) == MEM_BATCH_ENTRY_QUOTA_SPACES,
                 "hog: %lu spaces, then QuotaExhausted (spaces)", (unsigned long)n);
    l4_word_t ep = new_slot();
    st = mem_object_create(mem, L4_OBJECT_ENDPOINT, si->cnode, ep, &h);
    n = 0;
    while (st == L4_NO_ERROR && (st = mem_thread_create(mem, sp - 1, 1 + n, 1, ep, si->cnode,
                                                        new_slot(), &h)) == L4_NO_ERROR)
        n++;
    PVTEST_CHECK(st == MEM_ERROR_QUOTA_EXHAUSTED &&
                     (l4_get_mr(0) == MEM_BATCH_ENTRY_QUOTA_THREADS ||
                      l4_get_mr(0) == MEM_BATCH_ENTRY_QUOTA_MEMORY),
                 "hog: %lu threads, then QuotaExhausted (%lu)", (unsigned long)n,
                 (unsigned long)l4_get_mr(0));
    n = 0;
    for (l4_word_t va = UINT64_C(0x0000010000000000);
         (st = mem_map(mem, sp - 1, va, 1, MEM_BATCH_ENTRY_RIGHT_READ)) == L4_NO_ERROR;
         va += UINT64_C(1) << 30)
        n++;
    PVTEST_CHECK(st == MEM_ERROR_QUOTA_EXHAUSTED && l4_get_mr(0) == MEM_BATCH_ENTRY_QUOTA_MEMORY,
                 "hog: %lu maps 1 GiB apart (page tables alone), then QuotaExhausted (reserve)",
                 (unsigned long)n);
    l4_word_t rf2 = 0;
    (void)mem_info(mem, &x, &rf2, &x, &x, &x, &x, &x);
    PVTEST_CHECK(rf2 < rf / 4, "hog: the reserve is used up (%lu of %lu bytes left)",
                 (unsigned long)rf2, (unsigned long)rf);
}

/* Dirty every pseudo-physical page (then the caller crashes): a restart
 * must not see any of it. */
void pvtest_mem_dirty(void)
{
    mem = l4_rt_cap(L4_PLAT_CAP_MEM);
    l4_word_t rf = 0, su = 0, sm = 0, tu = 0, tm = 0, sf = 0;
    if (!mem || mem_info(mem, &phys_pages, &rf, &su, &sm, &tu, &tm, &sf) != L4_NO_ERROR)
        return;
    for (l4_word_t p = 0; p < phys_pages; p++)
        memset(page_of(p), 0xa5, 4096);
    l4_printf("pvtest: dirtied %lu pages\n", (unsigned long)phys_pages);
}

void pvtest_mem_checks(void)
{
    const struct l4_start_info *si = l4_rt_start_info();
    mem = l4_rt_cap(L4_PLAT_CAP_MEM);
    PVTEST_CHECK(mem != L4_CPTR_NULL, "given capability 'mem'");
    if (!mem)
        return;
    next_slot = si->free_first;
    last_slot = si->free_first + si->free_count;
    check_info_and_window();
    if (!phys_pages)
        return;
    /* a fresh quota holds nothing of anyone before (a compartment that
     * ended, or this one before a restart): every page reads as zero,
     * except the two words check_info_and_window() just wrote */
    l4_word_t dirty = 0;
    for (l4_word_t p = 0; p < phys_pages; p++) {
        const uint64_t *w = page_of(p);
        for (unsigned i = 0; i < 512; i++)
            if (w[i] && !(p == 0 && i == 0) && !(p == phys_pages - 1 && i == 511))
                dirty++;
    }
    PVTEST_CHECK(dirty == 0, "every pseudo-physical page starts zeroed (%lu dirty words)",
                 (unsigned long)dirty);
    /* the admin messages are the root task's */
    l4_word_t inbox = 0, done = 0, n = 0;
    mem_status_t a = mem_compartment_create(mem, 5, 1, 1, 1, l4_rt_cap(L4_PLAT_CAP_UPCALL), &inbox);
    mem_status_t b = mem_compartment_destroy(mem, 0, &done, &n);
    PVTEST_CHECK(a == L4_ILLEGAL_OPERATION && b == L4_ILLEGAL_OPERATION,
                 "admin messages from a guest: IllegalOperation (%s, %s)", mem_error_name(a),
                 mem_error_name(b));
    check_mappings();
    check_thread();
}
