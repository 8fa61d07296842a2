/* SPDX-License-Identifier: MIT */
/*
 * Instruction fuzzing: an unprivileged task runs random instruction blocks.
 *
 * fuzz_insn_blocks runs a task in its own VSpace and CSpace (the slots of
 * fuzz_loop.h, nothing of the root task's). Each "call" is one of:
 *   - a block of random bytes with instruction templates (fuzz_insn.h) in
 *     one of NCODE code pages, mapped at the root task's address, one also
 *     at LOW_VA and one at EDGE_VA (the last but one user page; with
 *     FZI_CLASS_TOP, one also at TOP_VA, the last user page, after
 *     checking that the page above it, at user_top, cannot be mapped),
 *     run with random registers and RFLAGS, natively (any syscall the
 *     task makes is the kernel's, with whatever registers it has) or with
 *     the foreign ABI (every syscall forwarded);
 *   - one structured syscall, mostly an invocation of the task's own TCB,
 *     CNode, VSpace, frame or untyped (self-modifying), through a
 *     `syscall; ud2` stub, so its status comes back in the #UD fault.
 * Every block starts at a trampoline that is valid code in both 64-bit
 * and 32-bit mode: it far-jumps back to the 64-bit code segment if an
 * earlier block left the task in compat mode, loads RAX and jumps to the
 * block, both from a control page the task can only read. Some restarts
 * skip it (the task resumes in whatever mode it was in).
 * Every fault comes to the test as exception IPC; it checks the message
 * against the task's registers (TCB ReadRegisters), that the vector is
 * one user code can raise and that RIP is a user address, and starts the
 * next call: by a reply with new registers or by Suspend and
 * WriteRegisters; a call still running after two ticks is stopped so.
 * Every RESET_EVERY calls (and after repeated watchdog stops) the task's
 * CSpace and TCB set-up is rebuilt. DebugCheckInvariants runs every
 * INVARIANT_EVERY calls and every tick; a trusted pair of root threads
 * does Call/ReplyRecv at the task's priority and must make progress in
 * every window of ticks. It prints one summary line, "# fuzzi: ...",
 * which tools/tessera fuzz parses.
 *
 * Knobs (kernel command line): fuzzi_seed, fuzzi_calls, fuzzi_time
 * (seconds; 0: none), fuzzi_template=N (every block starts with
 * template N of enum fzi_template, for a directed run), fuzzi_verbose=1
 * (print every fault), fuzzi_classes=MASK (FZI_CLASS_* of fuzz_insn.h,
 * default all: 1 far transfers to compat mode and syscall there, 2 FS/GS
 * selector loads, 4 a code page at TOP_VA, 8 TCBConfigure of its own
 * TCB, 16 unmasked x87 exceptions; each once found a kernel bug).
 */
#include <l4/rt.h>
#include "utest.h"
#include "fuzz_insn.h"
#include "fuzz_loop.h"

/* Console output, the invariant check and power-off need capabilities
 * the task never holds (docs/kernel/console.md), so any syscall number is
 * safe to make: native blocks keep their syscall instructions and
 * structured calls sometimes take a random number. */
#define FZI_DEBUG_SYSCALLS_GATED 1

/* The old, uncapped DebugCheckInvariants syscall: now an unknown number,
 * which must fail with IllegalOperation (the check is a DebugConsole
 * invocation the task has no capability for). */
#define SYS_REMOVED_CHECK_INVARIANTS 20

#define NCODE           4 /* code[NCODE - 1] is the foreign-ABI page */
#define LOW_VA          UINT64_C(0x1000)
#define EDGE_VA         (L4_USER_TOP - 2 * 4096)
#define TOP_VA          (L4_USER_TOP - 4096)
#define PRIO            100
#define FUZZ_BADGE      0xf1
#define TICK_BADGE      0x71d
#define TICK_LABEL      0x71d
#define PING_LABEL      0x91a
#define TICK_MS         10
#define WINDOW_TICKS    20
#define STUCK_TICKS     2
#define RESET_EVERY     512
#define INVARIANT_EVERY 64
#define MAX_REPORTS     3
#define DEFAULT_CALLS   6000
#define DEFAULT_SEED    UINT64_C(0x1a5e7b10c5eed)
#define TIME_LIMIT_S    45
#define ALL             L4_CAP_RIGHTS_ALL
#define RW              (L4_VM_RIGHTS_READ | L4_VM_RIGHTS_WRITE)
#define RX              (L4_VM_RIGHTS_READ | L4_VM_RIGHTS_EXECUTE)
#define CTX(i)          (L4_FAULT_EXCEPTION_MR_CONTEXT + (i))
#define STUB_OFF        64
#define RING_LEN        8
#define MAX_FRAMES      16
#define MAX_TABLES      12

/* The task's pages: root image pages mapped again in its space. */
static struct {
    _Alignas(4096) uint8_t tramp[4096]; /* RX: trampoline, syscall stub */
    _Alignas(4096) uint64_t ctl[512];   /* R: ctl[0] = RAX, ctl[1] = RIP of the block */
    _Alignas(4096) uint8_t code[NCODE][4096];
    _Alignas(4096) uint8_t data[4096];    /* RW: IPC buffer */
    _Alignas(4096) uint8_t scratch[4096]; /* RW: memory operands, xsave areas */
    _Alignas(4096) uint8_t stack[4096];
} pg;

enum kind { K_NATIVE, K_FOREIGN, K_SYSCALL, K_COUNT };
static const char *const kind_name[K_COUNT] = {"native", "foreign", "syscall"};

struct fzi {
    l4_cptr_t vspace, tcb, cnode, pool, fault_ep, ep, ntfn, frame, victim, reply, ipc_frame;
    l4_cptr_t frames[MAX_FRAMES], tables[MAX_TABLES];
    unsigned nframes, ntables;
    unsigned classes;
    int top_mapped, top_syscall, foreign; /* foreign: -1 unknown */
    uint64_t seed, calls, target, tsc_hz, start, limit;
    enum kind kind;
    uint64_t sysno, entry, call_seed;
    uint64_t kinds[K_COUNT], vectors[32], syscall_fwd, own_msgs, victim_faults, statuses[16];
    uint64_t watchdogs, resets, direct, replies, writes, checks, ticks, idle_ticks, last_calls;
    uint64_t last_trusted, consecutive_watchdogs, scrubbed, self_inv, bad_rip;
    uint64_t ping_fs; /* the FS base of the trusted client (ping_fn) */
    int only;         /* fuzzi_template=N: every block starts with template N */
    int verbose;      /* fuzzi_verbose=1: print every fault */
    unsigned reports;
    l4_word_t msg[L4_FAULT_EXCEPTION_LENGTH];
    struct {
        l4_word_t call, kind, sysno, rdi, rsi, entry, how, end;
    } ring[RING_LEN]; /* the last calls: what they were, how they started and ended */
};

static uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t)hi << 32 | lo;
}

/* The word at %fs:0: the TLS self pointer, equal to the FS base. */
static uint64_t fs_self(void)
{
    uint64_t v;
    __asm__ volatile("movq %%fs:0, %0" : "=r"(v));
    return v;
}

/* The number after "key=" on the boot command line (decimal or 0x hex), or def. */
static uint64_t knob(const char *key, uint64_t def)
{
    const char *p = ut_boot_info()->cmdline;
    size_t max = sizeof ut_boot_info()->cmdline, klen = 0;
    while (key[klen])
        klen++;
    for (size_t i = 0; i + klen + 1 < max && p[i]; i++) {
        size_t k = 0;
        if (i > 0 && p[i - 1] != ' ')
            continue;
        while (k < klen && p[i + k] == key[k])
            k++;
        if (k < klen || p[i + k] != '=')
            continue;
        uint64_t v = 0, base = 10;
        size_t j = i + k + 1;
        if (j + 1 < max && p[j] == '0' && (p[j + 1] == 'x' || p[j + 1] == 'X'))
            base = 16, j += 2;
        for (; j < max && p[j] && p[j] != ' '; j++) {
            char c = p[j];
            unsigned d = c >= '0' && c <= '9'   ? (unsigned)(c - '0')
                         : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
                         : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10)
                                                : 99;
            if (d >= base)
                break;
            v = v * base + d;
        }
        return v;
    }
    return def;
}

static void report(struct fzi *f, const char *what, l4_word_t a, l4_word_t b)
{
    if (f->reports++ >= MAX_REPORTS)
        return;
    ut_fail(__FILE__, __LINE__,
            "%s (%#lx, %#lx); seed %#lx, call %lu (%s, call seed %#lx, entry %#lx, sysno %lu)",
            what, (unsigned long)a, (unsigned long)b, (unsigned long)f->seed,
            (unsigned long)f->calls, kind_name[f->kind], (unsigned long)f->call_seed,
            (unsigned long)f->entry, (unsigned long)f->sysno);
    l4_printf("#   last message:");
    for (unsigned i = 0; i < L4_FAULT_EXCEPTION_LENGTH; i++)
        l4_printf(" %#lx", (unsigned long)f->msg[i]);
    l4_printf("\n");
    for (uint64_t k = f->calls > RING_LEN ? f->calls - RING_LEN : 0; k < f->calls; k++) {
        const __typeof__(f->ring[0]) *r = &f->ring[k % RING_LEN];
        l4_printf("#   call %lu: %s sysno %lu rdi %#lx rsi %#lx entry %#lx, started by %s, "
                  "ended by %#lx\n",
                  (unsigned long)r->call, kind_name[r->kind % K_COUNT], (unsigned long)r->sysno,
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
    l4_error_t e = l4_page_table_map(t, f->vspace, va, 0);
    if (e == L4_FAILED_LOOKUP && type != L4_OBJECT_PDPT) {
        e = map_table(f, type == L4_OBJECT_PT ? L4_OBJECT_PD : L4_OBJECT_PDPT, va);
        if (e == L4_NO_ERROR)
            e = l4_page_table_map(t, f->vspace, va, 0);
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
    l4_error_t e = l4_frame_map(c, f->vspace, va, rights, 0);
    if (e == L4_FAILED_LOOKUP && (e = map_table(f, L4_OBJECT_PT, va)) == L4_NO_ERROR)
        e = l4_frame_map(c, f->vspace, va, rights, 0);
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
    uint32_t here = (uint32_t)(uintptr_t)pg.tramp, ctl = (uint32_t)(uintptr_t)pg.ctl;
    uint8_t *t = pg.tramp;
    for (unsigned i = 0; i < sizeof pg.tramp; i++)
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

static l4_cnode_guard_t flat_guard(unsigned radix)
{
    return l4_cnode_guard_new(0, 64 - radix);
}

static l4_error_t fill_cspace(struct fzi *f)
{
    const l4_word_t d = FZ_CNODE_RADIX;
    l4_cptr_t cn = f->cnode;
    l4_error_t e;
    if ((e = l4_cnode_mint(cn, FZ_SLOT_CNODE, d, UT_CNODE, cn, UT_DEPTH, ALL,
                           flat_guard(FZ_CNODE_RADIX))) ||
        (e = l4_cnode_mint(cn, FZ_SLOT_FAULT_EP, d, UT_CNODE, f->fault_ep, UT_DEPTH,
                           L4_CAP_RIGHTS_WRITE | L4_CAP_RIGHTS_GRANT_REPLY, FUZZ_BADGE)) ||
        (e = l4_cnode_copy(cn, FZ_SLOT_EP, d, UT_CNODE, f->ep, UT_DEPTH, ALL)) ||
        (e = l4_cnode_mint(cn, FZ_SLOT_EP_BADGED, d, UT_CNODE, f->ep, UT_DEPTH, ALL, 0x42)) ||
        (e = l4_cnode_copy(cn, FZ_SLOT_NTFN, d, UT_CNODE, f->ntfn, UT_DEPTH, ALL)) ||
        (e = l4_cnode_mint(cn, FZ_SLOT_NTFN_BADGED, d, UT_CNODE, f->ntfn, UT_DEPTH, ALL, 0x5)) ||
        (e = l4_untyped_retype(f->pool, L4_OBJECT_REPLY, 0, UT_CNODE, cn, UT_DEPTH, FZ_SLOT_REPLY,
                               1)) ||
        (e = l4_untyped_retype(f->pool, L4_OBJECT_UNTYPED, 14, UT_CNODE, cn, UT_DEPTH,
                               FZ_SLOT_UNTYPED, 1)) ||
        (e = l4_cnode_copy(cn, FZ_SLOT_FRAME, d, UT_CNODE, f->frame, UT_DEPTH, ALL)) ||
        (e = l4_cnode_copy(cn, FZ_SLOT_VSPACE, d, UT_CNODE, f->vspace, UT_DEPTH, ALL)) ||
        (e = l4_cnode_copy(cn, FZ_SLOT_TCB, d, UT_CNODE, f->tcb, UT_DEPTH, ALL)) ||
        (e = l4_cnode_copy(cn, FZ_SLOT_VICTIM, d, UT_CNODE, f->victim, UT_DEPTH, ALL)))
        return e;
    return L4_NO_ERROR;
}

static l4_error_t configure(struct fzi *f)
{
    l4_error_t e = l4_tcb_configure(f->tcb, FZ_SLOT_FAULT_EP, f->cnode, flat_guard(FZ_CNODE_RADIX),
                                    f->vspace, (l4_word_t)pg.data, f->ipc_frame);
    if (!e)
        e = l4_tcb_set_priority(f->tcb, L4_ROOT_SLOT_TCB, PRIO);
    if (!e)
        e = l4_tcb_set_mc_priority(f->tcb, L4_ROOT_SLOT_TCB, 0);
    if (!e)
        e = l4_tcb_set_foreign_abi(f->tcb, false);
    f->foreign = 0;
    return e;
}

/* Undo whatever the task did to its capabilities and TCB. */
static l4_error_t reset_task(struct fzi *f)
{
    const l4_cptr_t originals[] = {f->pool,   f->ep,  f->ntfn,  f->frame,
                                   f->victim, f->tcb, f->cnode, f->vspace};
    l4_error_t e;
    if ((e = l4_tcb_suspend(f->tcb)) || (e = l4_tcb_suspend(f->victim)))
        return e;
    for (unsigned i = 0; i < sizeof originals / sizeof originals[0]; i++)
        if ((e = l4_cnode_revoke(UT_CNODE, originals[i], UT_DEPTH)))
            return e;
    for (l4_word_t s = 0; s < (UINT64_C(1) << FZ_CNODE_RADIX); s++)
        if ((e = l4_cnode_delete(f->cnode, s, FZ_CNODE_RADIX)))
            return e;
    if ((e = fill_cspace(f)) || (e = configure(f)))
        return e;
    l4_tcb_unbind_notification(f->tcb); /* IllegalOperation when not bound */
    f->resets++;
    return L4_NO_ERROR;
}

/* ==== root threads at the task's priority ========================================== */

static volatile int stop;
static volatile uint64_t tick_period, trusted_count, trusted_errors;
static l4_cptr_t partner_slot;

static void ping_fn(l4_word_t arg)
{
    uint64_t self = fs_self();
    for (l4_word_t i = 0; !stop; i++) {
        if (fs_self() != self) /* its FS base changed under it */
            trusted_errors++;
        l4_word_t mr[L4_MSG_REGISTERS] = {i, ~i, 0, 0};
        l4_msginfo_t info = 0;
        l4_error_t e = l4_call_mrs(UT_ARG_A(arg), l4_msginfo_new(PING_LABEL, 0, 0, 2), &info, mr);
        if (e != L4_NO_ERROR || mr[0] != i + 1 || mr[1] != ~i ||
            l4_msginfo_get_label(info) != PING_LABEL + 1)
            trusted_errors++;
        trusted_count++;
        l4_yield();
    }
}

static void pong_fn(l4_word_t arg)
{
    l4_word_t mr[L4_MSG_REGISTERS] = {0}, badge = 0;
    l4_msginfo_t info = 0;
    l4_error_t e = l4_recv_mrs(UT_ARG_A(arg), UT_ARG_B(arg), &badge, &info, mr);
    for (;;) {
        if (e != L4_NO_ERROR || l4_msginfo_get_label(info) != PING_LABEL)
            trusted_errors++;
        mr[0]++;
        e = l4_reply_recv_mrs(UT_ARG_A(arg), l4_msginfo_new(PING_LABEL + 1, 0, 0, 2), UT_ARG_B(arg),
                              &badge, &info, mr);
    }
}

/* Serves the task's endpoint: takes any message, deletes any capability. */
static void partner_fn(l4_word_t arg)
{
    struct l4_ipc_buffer *b = l4_ipc_buffer();
    uint64_t x = 0x77e4a1;
    l4_msginfo_t out = 0;
    for (;;) {
        b->receive_cnode = UT_CNODE;
        b->receive_index = partner_slot;
        b->receive_depth = UT_DEPTH;
        l4_reply_recv(UT_ARG_A(arg), out, UT_ARG_B(arg), 0, 0);
        if (l4_debug_cap_identify(partner_slot) != L4_CAP_NULL)
            l4_cnode_delete(UT_CNODE, partner_slot, UT_DEPTH);
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        out = l4_msginfo_new(x >> 40, 0, 0, x & 3);
    }
}

static void ticker_fn(l4_word_t arg)
{
    uint64_t next = rdtsc() + tick_period;
    while (!stop) {
        uint64_t now = rdtsc();
        if (now >= next) {
            l4_nbsend(UT_ARG_A(arg), l4_msginfo_new(TICK_LABEL, 0, 0, 0));
            next = now + tick_period;
        }
        l4_yield();
    }
}

/* ==== calls ======================================================================== */

/* An interesting word for a register or a message word. */
static l4_word_t word(void)
{
    static const l4_word_t w[] = {0,
                                  1,
                                  5,
                                  64,
                                  LOW_VA,
                                  EDGE_VA,
                                  TOP_VA,
                                  L4_USER_TOP,
                                  L4_USER_TOP - 1,
                                  UINT64_C(0xffff800000000000),
                                  UINT64_C(0x0000800000000000) - 8,
                                  ~(l4_word_t)0,
                                  0x3000,
                                  0x200000,
                                  0x7};
    switch (ut_rnd() % 8) {
    case 0:
        return (l4_word_t)pg.code[ut_rnd() % NCODE];
    case 1:
        return (l4_word_t)pg.scratch + ut_rnd() % 4096;
    case 2:
    case 3:
        return ut_rnd() % 32;
    case 4:
        return ut_rnd();
    default:
        return w[ut_rnd() % (sizeof w / sizeof w[0])];
    }
}

/* A structured syscall, mostly a self-invocation; sets *rdi.. in c. */
static void pick_syscall(struct fzi *f, struct l4_user_context *c)
{
    static const uint8_t sysnos[] = {L4_SYS_CALL,
                                     L4_SYS_CALL,
                                     L4_SYS_CALL,
                                     L4_SYS_CALL,
                                     L4_SYS_SEND,
                                     L4_SYS_NBSEND,
                                     L4_SYS_RECV,
                                     L4_SYS_NBRECV,
                                     L4_SYS_REPLY_RECV,
                                     L4_SYS_YIELD,
                                     L4_SYS_DEBUG_CAP_IDENTIFY,
                                     L4_SYS_DEBUG_NAME_THREAD,
                                     SYS_REMOVED_CHECK_INVARIANTS};
    static const uint8_t targets[] = {FZ_SLOT_TCB,
                                      FZ_SLOT_TCB,
                                      FZ_SLOT_TCB,
                                      FZ_SLOT_CNODE,
                                      FZ_SLOT_CNODE,
                                      FZ_SLOT_VSPACE,
                                      FZ_SLOT_VSPACE,
                                      FZ_SLOT_FRAME,
                                      FZ_SLOT_FRAME,
                                      FZ_SLOT_UNTYPED,
                                      FZ_SLOT_VICTIM,
                                      FZ_SLOT_EP,
                                      FZ_SLOT_NTFN,
                                      FZ_SLOT_REPLY,
                                      13,
                                      14};
    l4_word_t slot = targets[ut_rnd() % sizeof targets], label;
    f->sysno = sysnos[ut_rnd() % sizeof sysnos];
    if (FZI_DEBUG_SYSCALLS_GATED && ut_rnd() % 16 == 0)
        f->sysno = ut_rnd() % 32;
    switch (slot) {
    case FZ_SLOT_TCB:
    case FZ_SLOT_VICTIM:
        label = L4_LABEL_TCB_CONFIGURE + ut_rnd() % 11;
        /* TCBConfigure of its own TCB (FZI_CLASS_CONFIGURE) */
        if (!(f->classes & FZI_CLASS_CONFIGURE) && slot == FZ_SLOT_TCB &&
            label == L4_LABEL_TCB_CONFIGURE)
            label = L4_LABEL_TCB_WRITE_REGISTERS;
        break;
    case FZ_SLOT_CNODE:
        label = L4_LABEL_CNODE_COPY + ut_rnd() % 6;
        break;
    case FZ_SLOT_VSPACE:
    case FZ_SLOT_FRAME:
        label = L4_LABEL_PAGE_TABLE_MAP + ut_rnd() % 6;
        break;
    case FZ_SLOT_UNTYPED:
        label = L4_LABEL_UNTYPED_RETYPE;
        break;
    default:
        label = ut_rnd() % L4_LABEL_COUNT;
        break;
    }
    if (ut_rnd() % 16 == 0)
        slot = ut_rnd() % 32, label = ut_rnd() % 64;
    if (f->sysno != L4_SYS_CALL)
        slot = ut_rnd() % 16;
    struct l4_ipc_buffer *b = (struct l4_ipc_buffer *)pg.data;
    for (unsigned i = 4; i < 16; i++)
        b->msg[i] = word();
    static const uint8_t xcaps[] = {FZ_SLOT_CNODE, FZ_SLOT_VSPACE, FZ_SLOT_FRAME,
                                    FZ_SLOT_TCB,   FZ_SLOT_NTFN,   FZ_SLOT_UNTYPED};
    for (unsigned i = 0; i < 3; i++)
        b->caps_or_badges[i] = ut_rnd() % 4 ? xcaps[ut_rnd() % sizeof xcaps] : ut_rnd() % 32;
    b->receive_cnode = ut_rnd() % 2 ? FZ_SLOT_CNODE : ut_rnd() % 16;
    b->receive_index = ut_rnd() % 32;
    b->receive_depth = ut_rnd() % 2 ? FZ_CNODE_RADIX : ut_rnd() % 70;
    c->rdi = slot;
    c->rsi =
        l4_msginfo_new(label, 0, ut_rnd() % 4, ut_rnd() % 4 ? 2 + ut_rnd() % 7 : ut_rnd() % 128);
    c->rdx = word(), c->r8 = word(), c->r9 = word(), c->r10 = word();
    c->r12 = ut_rnd() % 2 ? FZ_SLOT_REPLY : ut_rnd() % 16;
    if (slot == FZ_SLOT_TCB || slot == FZ_SLOT_CNODE || slot == FZ_SLOT_VSPACE ||
        slot == FZ_SLOT_FRAME)
        f->self_inv++;
}

static struct fzi_opts options(struct fzi *f, unsigned page, int syscall_ok)
{
    struct fzi_opts o = {.syscall_ok = syscall_ok,
                         .classes = f->classes,
                         .scratch = (uint64_t)(uintptr_t)pg.scratch,
                         .stack_top = (uint64_t)(uintptr_t)pg.stack + 4096,
                         .self_va = (uint64_t)(uintptr_t)pg.code[page],
                         .only = f->only};
    o.edges[o.nedges++] = EDGE_VA + 4096 - 2;
    o.edges[o.nedges++] = EDGE_VA + 4096 - 1;
    o.edges[o.nedges++] = L4_USER_TOP;
    o.edges[o.nedges++] = UINT64_C(0xffff800000000000);
    o.edges[o.nedges++] = UINT64_C(0xffffffff80000000);
    o.edges[o.nedges++] = LOW_VA;
    o.edges[o.nedges++] = 0;
    o.edges[o.nedges++] = f->top_mapped ? TOP_VA + 4096 - 2 : UINT64_C(0x100000000);
    return o;
}

/* Where the block of code page p runs: its own address or an alias. */
static uint64_t block_base(struct fzi *f, unsigned p)
{
    unsigned r = (unsigned)(ut_rnd() % 4);
    if (p == 0 && r == 0)
        return LOW_VA;
    if (p == 1 && r == 0)
        return EDGE_VA;
    if (p == 2 && r == 0 && f->top_mapped)
        return TOP_VA;
    return (uint64_t)(uintptr_t)pg.code[p];
}

/* Prepare the next call; its registers in c. */
static void next_call(struct fzi *f, struct l4_user_context *c)
{
    f->call_seed = ut_rnd();
    if (f->top_syscall)
        pg.code[2][4094] = pg.code[2][4095] = 0xcc;
    f->top_syscall = 0;
    unsigned r = (unsigned)(ut_rnd() % 16);
    f->kind = r < 4 ? K_SYSCALL : r < 7 ? K_FOREIGN : K_NATIVE;
    f->kinds[f->kind]++;
    c->rax = ut_rnd(), c->rbx = word(), c->rcx = word(), c->rdx = word();
    c->rsi = word(), c->rdi = word(), c->rbp = (l4_word_t)pg.scratch + 2048;
    c->r8 = word(), c->r9 = word(), c->r10 = word(), c->r11 = word();
    c->r12 = word(), c->r13 = word(), c->r14 = word(), c->r15 = ut_rnd();
    c->rsp = (l4_word_t)pg.stack + 4096 - 8 * (ut_rnd() % 64);
    if (ut_rnd() % 16 == 0) /* a bad stack; WriteRegisters takes user addresses only */
        c->rsp = word() % L4_USER_TOP;
    c->rflags = 0x202 | (ut_rnd() % 4 == 0 ? 0x40400 : 0) | (ut_rnd() % 32 == 0 ? 0x100 : 0);
    if (ut_rnd() % 16 == 0)
        c->rflags = ut_rnd();
    c->fs_base = ut_rnd() % 2 ? 0 : ut_rnd() % L4_USER_TOP;
    /* sharing the trusted client's FS base shows a stale base after a
     * selector load (the FS/GS class, fuzzi_classes & 2): a switch from the task
     * straight to that thread skips loading it; the client checks %fs:0 */
    if ((f->classes & FZI_CLASS_FSGS) && f->ping_fs && ut_rnd() % 2)
        c->fs_base = f->ping_fs;
    c->gs_base = ut_rnd() % 2 ? 0 : ut_rnd() % L4_USER_TOP;
    c->rip = (l4_word_t)pg.tramp;
    if (f->kind == K_SYSCALL) {
        c->rflags = 0x202;
        pick_syscall(f, c);
        pg.ctl[0] = f->sysno;
        pg.ctl[1] = f->entry = (l4_word_t)pg.tramp + STUB_OFF;
        if (f->top_mapped && ut_rnd() % 4 == 0) {
            /* the stub at the very end of the last user page, for this call only */
            pg.code[2][4094] = 0x0f, pg.code[2][4095] = 0x05;
            pg.ctl[1] = f->entry = TOP_VA + 4094;
            f->top_syscall = 1;
        }
        return;
    }
    f->sysno = 0;
    /* a fresh window of a code page, or all of it now and then */
    unsigned p = f->kind == K_FOREIGN ? NCODE - 1 : (unsigned)(ut_rnd() % (NCODE - 1));
    int syscall_ok = f->kind == K_FOREIGN || FZI_DEBUG_SYSCALLS_GATED;
    struct fzi_opts o = options(f, p, syscall_ok);
    unsigned off = (unsigned)(ut_rnd() % 4096), len = 64 + (unsigned)(ut_rnd() % 192);
    if (ut_rnd() % 64 == 0)
        off = 0, len = 4096;
    if (off + len > 4096)
        len = 4096 - off;
    fzi_gen_window(pg.code[p], off, len, &o);
    if (ut_rnd() % 8 == 0) /* the last bytes of the page: code at the edge */
        pg.code[p][4095] = 0xcc, pg.code[p][4094] = ut_rnd() % 2 ? 0x90 : 0xcc;
    f->scrubbed += fzi_scrub(pg.code[p], off, len, &o);
    if (ut_rnd() % 8 == 0)
        fzi_scrub(pg.code[p], 4092, 4, &o), off = 4094 - (unsigned)(ut_rnd() % 2) * 2;
    for (unsigned i = 0; i < 512; i += 64) /* xsave headers and memory operands */
        ((uint64_t *)pg.scratch)[i % 512 + (unsigned)(ut_rnd() % 64)] = word();
    ((uint64_t *)pg.scratch)[64] = ut_rnd() % 2 ? ut_rnd() % 8 : ut_rnd();
    ((uint64_t *)pg.scratch)[65] = ut_rnd() % 2 ? 0 : ut_rnd();
    f->entry = block_base(f, p) + off;
    pg.ctl[0] = c->rax;
    pg.ctl[1] = f->entry;
    /* sometimes no trampoline: the task resumes in whatever mode it is in */
    if (f->kind == K_NATIVE && ut_rnd() % 16 == 0) {
        c->rip = f->entry;
        f->direct++;
    }
}

/* What the task waits in when the next call starts. */
enum { RUNNING, IN_EXCEPTION, IN_SYSCALL };

/* Start the next call: by a reply to the fault the task waits in, or by
 * Suspend and WriteRegisters. */
static void start_call(struct fzi *f, int blocked_in_fault)
{
    struct l4_user_context c = {0};
    l4_error_t e = L4_NO_ERROR;
    if (f->calls % RESET_EVERY == RESET_EVERY - 1 || f->consecutive_watchdogs >= 3) {
        e = reset_task(f);
        blocked_in_fault = 0;
        f->consecutive_watchdogs = 0;
        if (e) {
            report(f, "rebuilding the task failed", e, 0);
            return;
        }
    }
    if (f->calls % INVARIANT_EVERY == 0) {
        l4_word_t v = l4_debug_check_invariants();
        f->checks++;
        if (v)
            report(f, "DebugCheckInvariants found violations (count, call)", v, f->calls);
    }
    if (f->kind == K_SYSCALL) /* it may have switched its own ABI */
        f->foreign = -1;
    f->calls++;
    next_call(f, &c);
    int want = f->kind == K_FOREIGN;
    if (f->foreign != want) {
        if ((e = l4_tcb_set_foreign_abi(f->tcb, want))) {
            report(f, "SetForeignABI of the task failed", e, want);
            return;
        }
        f->foreign = want;
    }
    __typeof__(f->ring[0]) *rec = &f->ring[(f->calls - 1) % RING_LEN];
    *rec = (__typeof__(*rec)){f->calls - 1, f->kind, f->sysno, c.rdi, c.rsi, f->entry, 0, 0};
    if (blocked_in_fault && ut_rnd() % 4) {
        rec->how = 1;
        if (blocked_in_fault == IN_SYSCALL) {
            /* the answer to a foreign syscall has the syscall message's layout */
            static const struct {
                unsigned mr, word;
            } m[] = {{L4_FAULT_SYSCALL_MR_RAX, 3},      {L4_FAULT_SYSCALL_MR_RDI, 8},
                     {L4_FAULT_SYSCALL_MR_RSI, 7},      {L4_FAULT_SYSCALL_MR_RDX, 6},
                     {L4_FAULT_SYSCALL_MR_R10, 12},     {L4_FAULT_SYSCALL_MR_R8, 10},
                     {L4_FAULT_SYSCALL_MR_R9, 11},      {L4_FAULT_SYSCALL_MR_RIP, 0},
                     {L4_FAULT_SYSCALL_MR_RSP, 1},      {L4_FAULT_SYSCALL_MR_RFLAGS, 2},
                     {L4_FAULT_SYSCALL_MR_FS_BASE, 18}, {L4_FAULT_SYSCALL_MR_GS_BASE, 19}};
            for (unsigned i = 0; i < sizeof m / sizeof m[0]; i++)
                l4_set_mr(m[i].mr, l4_user_context_get_word(&c, m[i].word));
            e = l4_send(f->reply,
                        l4_msginfo_new(L4_FAULT_REPLY_RESUME, 0, 0, L4_FAULT_SYSCALL_LENGTH));
        } else {
            for (unsigned i = 0; i < L4_USER_CONTEXT_WORDS; i++)
                l4_set_mr(CTX(i), l4_user_context_get_word(&c, i));
            e = l4_send(f->reply,
                        l4_msginfo_new(L4_FAULT_REPLY_RESUME, 0, 0, L4_FAULT_EXCEPTION_LENGTH));
        }
        f->replies++;
    } else {
        if (!(e = l4_tcb_suspend(f->tcb)))
            e = l4_tcb_write_registers(f->tcb, true, L4_USER_CONTEXT_WORDS, &c);
        f->writes++;
    }
    if (e)
        report(f, "restarting the task failed", e, blocked_in_fault);
}

/* Vectors user code can raise (interrupt gates other than 3 have DPL 0,
 * so int N and into give #GP; #NM never reaches user level). */
static int expected_vector(l4_word_t v)
{
    return v == 0 || v == 1 || v == 3 || v == 5 || v == 6 || v == 11 || v == 12 || v == 13 ||
           v == 14 || v == 16 || v == 17 || v == 19;
}

static int same_context(const struct fzi *f, const struct l4_user_context *r)
{
    for (unsigned i = 0; i < L4_USER_CONTEXT_WORDS; i++)
        if (f->msg[CTX(i)] != l4_user_context_get_word(r, i))
            return 0;
    return 1;
}

/* A message through the task's fault-endpoint capability. */
static void handle_task(struct fzi *f, l4_msginfo_t info)
{
    l4_word_t label = l4_msginfo_get_label(info), len = l4_msginfo_get_length(info);
    for (unsigned i = 0; i < L4_FAULT_EXCEPTION_LENGTH; i++)
        f->msg[i] = i < len ? l4_get_mr(i) : 0;
    struct l4_user_context regs = {0};
    l4_error_t e = l4_tcb_read_registers(f->tcb, false, L4_USER_CONTEXT_WORDS, &regs);
    if (e) {
        report(f, "ReadRegisters of the task failed", e, 0);
        return;
    }
    f->consecutive_watchdogs = 0;
    if (f->calls)
        f->ring[(f->calls - 1) % RING_LEN].end = label << 8 | (f->msg[0] & 0xff);
    if (label == L4_FAULT_LABEL_SYSCALL && len == L4_FAULT_SYSCALL_LENGTH &&
        f->msg[L4_FAULT_SYSCALL_MR_RIP] == regs.rip &&
        f->msg[L4_FAULT_SYSCALL_MR_RAX] == regs.rax) {
        f->syscall_fwd++;
        start_call(f, IN_SYSCALL);
        return;
    }
    if (label != L4_FAULT_LABEL_EXCEPTION || len != L4_FAULT_EXCEPTION_LENGTH ||
        !same_context(f, &regs)) {
        struct l4_user_context v = {0};
        if (label == L4_FAULT_LABEL_EXCEPTION && len == L4_FAULT_EXCEPTION_LENGTH &&
            !l4_tcb_read_registers(f->victim, false, L4_USER_CONTEXT_WORDS, &v) &&
            same_context(f, &v)) {
            f->victim_faults++; /* the other TCB, started by the task */
            l4_tcb_suspend(f->victim);
            return;
        }
        f->own_msgs++; /* its own Call or Send through the fault endpoint */
        start_call(f, 0);
        return;
    }
    l4_word_t vector = f->msg[L4_FAULT_EXCEPTION_MR_VECTOR], rip = regs.rip;
    if (f->verbose)
        l4_printf("# fuzzi: call %lu (%s, entry %#lx): vector %lu error %#lx address %#lx rip "
                  "%#lx rsp %#lx\n",
                  (unsigned long)f->calls, kind_name[f->kind], (unsigned long)f->entry,
                  (unsigned long)vector, (unsigned long)f->msg[1], (unsigned long)f->msg[2],
                  (unsigned long)rip, (unsigned long)regs.rsp);
    /* a jump or call to a kernel or non-canonical address ends with RIP
     * at the target: #PF on the fetch, #DB if TF was set, and on QEMU
     * #GP for a non-canonical target; other vectors need an instruction */
    int at_target = vector == 1 || vector == 13 || vector == 14;
    /* an instruction in the last bytes of the last user page leaves RIP
     * at user_top, which is canonical and never mapped: a trap there
     * (#DB, #BP, #OF report the next instruction) or the #PF of the fetch
     * after a syscall is fine; anything above it never is */
    int trap = vector == 1 || vector == 3 || vector == 4;
    if ((rip > L4_USER_TOP || (rip == L4_USER_TOP && !trap)) && !at_target) {
        f->bad_rip++;
        report(f, "a user fault at a RIP outside user space (vector, rip)", vector, rip);
    } else if (!expected_vector(vector)) {
        report(f, "a fault with a vector user code cannot raise (vector, rip)", vector, rip);
    } else if (f->kind == K_SYSCALL && vector == 6 && rip == (l4_word_t)pg.tramp + STUB_OFF + 2) {
        l4_word_t s = regs.rax;
        f->statuses[s < 15 ? s : 15]++;
        if (f->sysno == SYS_REMOVED_CHECK_INVARIANTS && s != L4_ILLEGAL_OPERATION && !f->foreign)
            report(f, "the removed DebugCheckInvariants syscall did not fail (status, sysno)", s,
                   f->sysno);
        else if (f->sysno != L4_SYS_DEBUG_CAP_IDENTIFY && s >= L4_ERROR_COUNT)
            report(f, "a syscall returned a status it cannot return (status, sysno)", s, f->sysno);
    }
    f->vectors[vector % 32]++;
    start_call(f, IN_EXCEPTION);
}

/* A tick: watchdog, invariants, trusted progress. 0 once time is up. */
static int tick(struct fzi *f)
{
    f->ticks++;
    if (f->calls != f->last_calls) {
        f->last_calls = f->calls;
        f->idle_ticks = 0;
    } else if (++f->idle_ticks >= STUCK_TICKS) {
        f->watchdogs++;
        f->ring[(f->calls - 1) % RING_LEN].end = 0xdead;
        f->consecutive_watchdogs++;
        f->idle_ticks = 0;
        start_call(f, 0);
    }
    if (trusted_errors)
        report(f, "the trusted threads saw wrong answers or a wrong FS base (count, tick)",
               trusted_errors, f->ticks);
    if (f->ticks % WINDOW_TICKS == 0) {
        if (trusted_count == f->last_trusted)
            report(f, "the trusted threads made no progress in a window (tick, count)", f->ticks,
                   trusted_count);
        f->last_trusted = trusted_count;
    }
    l4_word_t v = l4_debug_check_invariants();
    f->checks++;
    if (v)
        report(f, "DebugCheckInvariants found violations (count, tick)", v, f->ticks);
    l4_signal(f->ntfn);
    return rdtsc() - f->start < f->limit;
}

static void print_stats(const struct fzi *f, uint64_t ms)
{
    uint64_t faults = 0;
    for (unsigned v = 0; v < 32; v++)
        faults += f->vectors[v];
    l4_printf("# fuzzi: seed %#lx classes %u calls %lu ms %lu calls/s %lu native %lu foreign %lu "
              "syscalls %lu self-invocations %lu faults %lu vectors",
              (unsigned long)f->seed, f->classes, (unsigned long)f->calls, (unsigned long)ms,
              (unsigned long)(ms ? f->calls * 1000 / ms : 0), (unsigned long)f->kinds[K_NATIVE],
              (unsigned long)f->kinds[K_FOREIGN], (unsigned long)f->kinds[K_SYSCALL],
              (unsigned long)f->self_inv, (unsigned long)faults);
    const char *sep = " ";
    for (unsigned v = 0; v < 32; v++)
        if (f->vectors[v]) {
            l4_printf("%s%u:%lu", sep, v, (unsigned long)f->vectors[v]);
            sep = ",";
        }
    l4_printf(" forwarded %lu own %lu victim %lu watchdog %lu resets %lu direct %lu replies %lu "
              "writes %lu checks %lu ticks %lu trusted %lu top %d bad-rip %lu\n",
              (unsigned long)f->syscall_fwd, (unsigned long)f->own_msgs,
              (unsigned long)f->victim_faults, (unsigned long)f->watchdogs,
              (unsigned long)f->resets, (unsigned long)f->direct, (unsigned long)f->replies,
              (unsigned long)f->writes, (unsigned long)f->checks, (unsigned long)f->ticks,
              (unsigned long)trusted_count, f->top_mapped, (unsigned long)f->bad_rip);
    l4_printf("# fuzzi: statuses");
    for (unsigned s = 0; s < 16; s++)
        l4_printf(" %lu", (unsigned long)f->statuses[s]);
    l4_printf("; templates");
    for (unsigned t = 0; t < FZI_T_COUNT; t++)
        l4_printf(" %s:%lu", fzi_template_name[t], (unsigned long)fzi_template_count[t]);
    l4_printf("; scrubbed %lu\n", (unsigned long)f->scrubbed);
}

static void make_task(struct fzi *f)
{
    f->fault_ep = ut_new(L4_OBJECT_ENDPOINT, 0);
    f->ep = ut_new(L4_OBJECT_ENDPOINT, 0);
    f->ntfn = ut_new(L4_OBJECT_NOTIFICATION, 0);
    f->frame = ut_new(L4_OBJECT_FRAME_4K, 0);
    f->victim = ut_new(L4_OBJECT_TCB, 0);
    f->pool = ut_new(L4_OBJECT_UNTYPED, 15);
    f->cnode = ut_new(L4_OBJECT_CNODE, FZ_CNODE_RADIX);
    f->reply = ut_new(L4_OBJECT_REPLY, 0);
    f->vspace = ut_new(L4_OBJECT_PML4, 0);
    f->tcb = ut_new(L4_OBJECT_TCB, 0);
    UT_ASSERT(!ut_failed());
    UT_OK(l4_debug_name_thread(f->tcb, "fuzz-insn"));
    UT_OK(l4_debug_name_thread(f->victim, "fuzz-insn-victim"));
    write_trampoline();
    for (unsigned p = 0; p < NCODE; p++) {
        struct fzi_opts o = options(f, p, p == NCODE - 1);
        fzi_gen_window(pg.code[p], 0, 4096, &o);
        fzi_scrub(pg.code[p], 0, 4096, &o);
    }
    for (unsigned i = 0; i < 4096; i++)
        pg.stack[i] = (uint8_t)ut_rnd(), pg.scratch[i] = (uint8_t)ut_rnd(), pg.data[i] = 0;
    map_same(f, pg.tramp, RX);
    map_same(f, pg.ctl, L4_VM_RIGHTS_READ);
    for (unsigned p = 0; p < NCODE; p++)
        map_same(f, pg.code[p], RX);
    f->ipc_frame = map_same(f, pg.data, RW);
    map_same(f, pg.scratch, RW);
    map_same(f, pg.stack, RW);
    l4_error_t e;
    map_at(f, pg.code[0], LOW_VA, RX, &e);
    UT_OK(e);
    map_at(f, pg.code[1], EDGE_VA, RX, &e);
    UT_OK(e);
    if (f->classes & FZI_CLASS_TOP) {
        /* the page at user_top (the top page of the lower half, where a
         * return after its last byte would be non-canonical) is never
         * mapped; the last user page below it is */
        map_at(f, pg.code[2], TOP_VA, RX, &e);
        UT_OK(e);
        f->top_mapped = e == L4_NO_ERROR;
        map_at(f, pg.code[2], L4_USER_TOP, RX, &e);
        UT_ERR(e, L4_INVALID_ARGUMENT);
    }
    if (!ut_failed()) {
        UT_OK(fill_cspace(f));
        UT_OK(configure(f));
    }
}

static void start_threads(struct fzi *f)
{
    l4_cptr_t t = ut_new(L4_OBJECT_ENDPOINT, 0), t_reply = ut_new(L4_OBJECT_REPLY, 0);
    l4_cptr_t p_reply = ut_new(L4_OBJECT_REPLY, 0);
    l4_cptr_t tick = ut_mint(f->fault_ep, L4_CAP_RIGHTS_WRITE, TICK_BADGE);
    partner_slot = ut_slot();
    UT_ASSERT(t && t_reply && p_reply && tick && partner_slot);
    stop = 0;
    trusted_count = trusted_errors = 0;
    tick_period = f->tsc_hz * TICK_MS / 1000;
    UT_ASSERT(ut_thread(pong_fn, UT_ARG(0, t, t_reply), PRIO));
    l4_cptr_t ping = ut_thread(ping_fn, UT_ARG(0, t, 0), PRIO);
    struct l4_user_context r = {0};
    UT_ASSERT(ping);
    if (!l4_tcb_read_registers(ping, false, L4_USER_CONTEXT_WORDS, &r))
        f->ping_fs = r.fs_base;
    l4_printf("# fuzzi: the trusted client's FS base is %#lx\n", (unsigned long)f->ping_fs);
    UT_ASSERT(ut_thread(partner_fn, UT_ARG(0, f->ep, p_reply), PRIO));
    UT_ASSERT(ut_thread(ticker_fn, UT_ARG(0, tick, 0), PRIO));
}

static int sweep(l4_cptr_t first, l4_cptr_t end)
{
    for (l4_cptr_t s = first; s < end; s++)
        if (ut_id(s) != L4_CAP_NULL) {
            l4_cnode_revoke(UT_CNODE, s, UT_DEPTH);
            ut_delete(s);
        }
    for (l4_cptr_t s = first; s < end; s++)
        if (ut_id(s) != L4_CAP_NULL)
            return 0;
    return 1;
}

UTEST(fuzz_insn_blocks, "an unprivileged task runs thousands of blocks of random instructions "
                        "(far transfers, segment loads, int N, syscall/sysenter, privileged "
                        "and x87/SSE/xsave instructions, code at the address-space edges) and "
                        "invokes its own TCB, CNode and VSpace: every fault comes back as "
                        "exception IPC, invariants hold and a trusted thread keeps running")
{
    static struct fzi f;
    f = (struct fzi){0};
    for (unsigned t = 0; t < FZI_T_COUNT; t++)
        fzi_template_count[t] = 0;
    l4_cptr_t first = ut_slot();
    f.seed = knob("fuzzi_seed", DEFAULT_SEED);
    f.target = knob("fuzzi_calls", DEFAULT_CALLS);
    f.classes = (unsigned)knob("fuzzi_classes", FZI_CLASS_ALL) & FZI_CLASS_ALL;
    f.only = (int)knob("fuzzi_template", ~UINT64_C(0));
    f.verbose = knob("fuzzi_verbose", 0) != 0;
    f.tsc_hz = ut_boot_info()->tsc_hz ? ut_boot_info()->tsc_hz : UINT64_C(1000000000);
    uint64_t limit_s = knob("fuzzi_time", f.target > DEFAULT_CALLS ? 0 : TIME_LIMIT_S);
    f.limit = limit_s ? f.tsc_hz * limit_s : ~UINT64_C(0);
    l4_printf("# fuzzi: seed %#lx, %lu calls, classes %#x (boot with fuzzi_seed=N "
              "fuzzi_calls=N fuzzi_classes=MASK to change)\n",
              (unsigned long)f.seed, (unsigned long)f.target, f.classes);
    ut_rnd_seed(f.seed ? f.seed : 1);
    l4_ipc_buffer()->receive_depth = 0;

    make_task(&f);
    start_threads(&f);
    if (ut_failed())
        return;
    f.start = rdtsc();
    f.foreign = -1;
    start_call(&f, 0);

    while (f.calls < f.target && !f.reports) {
        l4_word_t badge = 0;
        l4_msginfo_t info = 0;
        l4_error_t e = l4_recv(f.fault_ep, f.reply, &badge, &info);
        if (e != L4_NO_ERROR)
            report(&f, "Recv on the fault endpoint failed (status, badge)", e, badge);
        else if (badge == TICK_BADGE) {
            if (!tick(&f))
                break;
        } else if (badge == FUZZ_BADGE)
            handle_task(&f, info);
        else
            report(&f, "a message with an unknown badge (badge, label)", badge,
                   l4_msginfo_get_label(info));
    }
    uint64_t ms = (rdtsc() - f.start) * 1000 / f.tsc_hz;

    stop = 1;
    l4_error_t e1 = l4_tcb_suspend(f.tcb), e2 = l4_tcb_suspend(f.victim);
    l4_error_t e3 = l4_cnode_revoke(UT_CNODE, f.pool, UT_DEPTH);
    int settled = ut_settle_once();
    print_stats(&f, ms);
    l4_word_t violations = l4_debug_check_invariants();

    /* tear down: the TCB, the frame copies and tables, the PML4, the rest */
    l4_cnode_revoke(UT_CNODE, f.tcb, UT_DEPTH);
    ut_delete(f.tcb);
    for (unsigned i = 0; i < f.nframes; i++)
        ut_delete(f.frames[i]);
    for (unsigned i = f.ntables; i-- > 0;)
        ut_delete(f.tables[i]);
    int swept = sweep(first, ut_slot());
    l4_word_t violations_after = l4_debug_check_invariants();
    l4_cptr_t whole = ut_slot();
    l4_error_t e5 = l4_untyped_retype(ut_untyped(), L4_OBJECT_UNTYPED, UT_UNTYPED_BITS, UT_CNODE, 0,
                                      0, whole, 1);
    ut_delete(whole);

    UT_EQ(f.reports, 0);
    UT_OK(e1);
    UT_OK(e2);
    UT_OK(e3);
    UT_ASSERT(settled);
    UT_EQ(violations, 0);
    UT_EQ(trusted_errors, 0);
    UT_ASSERT(f.calls >= f.target); /* else the time limit ended the run */
    UT_ASSERT(f.kinds[K_NATIVE] && f.kinds[K_FOREIGN] && f.kinds[K_SYSCALL]);
    UT_ASSERT(f.vectors[13] && f.vectors[6] && f.vectors[14]);
    UT_ASSERT(swept);
    UT_EQ(violations_after, 0);
    UT_OK(e5);
    UT_EQ(l4_debug_check_invariants(), 0);
}
