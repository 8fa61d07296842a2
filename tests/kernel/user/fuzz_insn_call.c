/* SPDX-License-Identifier: MIT */
/*
 * The instruction fuzzer's calls: what each one runs and how it starts.
 *
 * A call is a block of random instructions (a fresh window of a code
 * page, fuzz_insn_gen.c) run natively or with the foreign ABI, or one
 * structured syscall through the `syscall; ud2` stub; its registers are
 * random with interesting words. It starts by a reply to the fault the
 * task waits in or by Suspend and WriteRegisters, after a reset every
 * RESET_EVERY calls and an invariant check every INVARIANT_EVERY.
 * Interface in fuzz_insn_task.h.
 */
#include "fuzz_insn_task.h"

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
        return (l4_word_t)fzi_pg.code[ut_rnd() % NCODE];
    case 1:
        return (l4_word_t)fzi_pg.scratch + ut_rnd() % 4096;
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
    struct l4_ipc_buffer *b = (struct l4_ipc_buffer *)fzi_pg.data;
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

struct fzi_opts fzi_options(struct fzi *f, unsigned page, int syscall_ok)
{
    struct fzi_opts o = {.syscall_ok = syscall_ok,
                         .classes = f->classes,
                         .scratch = (uint64_t)(uintptr_t)fzi_pg.scratch,
                         .stack_top = (uint64_t)(uintptr_t)fzi_pg.stack + 4096,
                         .self_va = (uint64_t)(uintptr_t)fzi_pg.code[page],
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
    return (uint64_t)(uintptr_t)fzi_pg.code[p];
}

/* Prepare the next call; its registers in c. */
static void next_call(struct fzi *f, struct l4_user_context *c)
{
    f->call_seed = ut_rnd();
    if (f->top_syscall)
        fzi_pg.code[2][4094] = fzi_pg.code[2][4095] = 0xcc;
    f->top_syscall = 0;
    unsigned r = (unsigned)(ut_rnd() % 16);
    f->kind = r < 4 ? K_SYSCALL : r < 7 ? K_FOREIGN : K_NATIVE;
    f->kinds[f->kind]++;
    c->rax = ut_rnd(), c->rbx = word(), c->rcx = word(), c->rdx = word();
    c->rsi = word(), c->rdi = word(), c->rbp = (l4_word_t)fzi_pg.scratch + 2048;
    c->r8 = word(), c->r9 = word(), c->r10 = word(), c->r11 = word();
    c->r12 = word(), c->r13 = word(), c->r14 = word(), c->r15 = ut_rnd();
    c->rsp = (l4_word_t)fzi_pg.stack + 4096 - 8 * (ut_rnd() % 64);
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
    c->rip = (l4_word_t)fzi_pg.tramp;
    if (f->kind == K_SYSCALL) {
        c->rflags = 0x202;
        pick_syscall(f, c);
        fzi_pg.ctl[0] = f->sysno;
        fzi_pg.ctl[1] = f->entry = (l4_word_t)fzi_pg.tramp + STUB_OFF;
        if (f->top_mapped && ut_rnd() % 4 == 0) {
            /* the stub at the very end of the last user page, for this call only */
            fzi_pg.code[2][4094] = 0x0f, fzi_pg.code[2][4095] = 0x05;
            fzi_pg.ctl[1] = f->entry = TOP_VA + 4094;
            f->top_syscall = 1;
        }
        return;
    }
    f->sysno = 0;
    /* a fresh window of a code page, or all of it now and then */
    unsigned p = f->kind == K_FOREIGN ? NCODE - 1 : (unsigned)(ut_rnd() % (NCODE - 1));
    int syscall_ok = f->kind == K_FOREIGN || FZI_DEBUG_SYSCALLS_GATED;
    struct fzi_opts o = fzi_options(f, p, syscall_ok);
    unsigned off = (unsigned)(ut_rnd() % 4096), len = 64 + (unsigned)(ut_rnd() % 192);
    if (ut_rnd() % 64 == 0)
        off = 0, len = 4096;
    if (off + len > 4096)
        len = 4096 - off;
    fzi_gen_window(fzi_pg.code[p], off, len, &o);
    if (ut_rnd() % 8 == 0) /* the last bytes of the page: code at the edge */
        fzi_pg.code[p][4095] = 0xcc, fzi_pg.code[p][4094] = ut_rnd() % 2 ? 0x90 : 0xcc;
    f->scrubbed += fzi_scrub(fzi_pg.code[p], off, len, &o);
    if (ut_rnd() % 8 == 0)
        fzi_scrub(fzi_pg.code[p], 4092, 4, &o), off = 4094 - (unsigned)(ut_rnd() % 2) * 2;
    for (unsigned i = 0; i < 512; i += 64) /* xsave headers and memory operands */
        ((uint64_t *)fzi_pg.scratch)[i % 512 + (unsigned)(ut_rnd() % 64)] = word();
    ((uint64_t *)fzi_pg.scratch)[64] = ut_rnd() % 2 ? ut_rnd() % 8 : ut_rnd();
    ((uint64_t *)fzi_pg.scratch)[65] = ut_rnd() % 2 ? 0 : ut_rnd();
    f->entry = block_base(f, p) + off;
    fzi_pg.ctl[0] = c->rax;
    fzi_pg.ctl[1] = f->entry;
    /* sometimes no trampoline: the task resumes in whatever mode it is in */
    if (f->kind == K_NATIVE && ut_rnd() % 16 == 0) {
        c->rip = f->entry;
        f->direct++;
    }
}

/* Start the next call: by a reply to the fault the task waits in, or by
 * Suspend and WriteRegisters. */
void fzi_start_call(struct fzi *f, int blocked_in_fault)
{
    struct l4_user_context c = {0};
    l4_error_t e = L4_NO_ERROR;
    if (f->calls % RESET_EVERY == RESET_EVERY - 1 || f->consecutive_watchdogs >= 3) {
        e = fzi_reset_task(f);
        blocked_in_fault = 0;
        f->consecutive_watchdogs = 0;
        if (e) {
            fzi_report(f, "rebuilding the task failed", e, 0);
            return;
        }
    }
    if (f->calls % INVARIANT_EVERY == 0) {
        l4_word_t v = l4_debug_check_invariants();
        f->checks++;
        if (v)
            fzi_report(f, "DebugCheckInvariants found violations (count, call)", v, f->calls);
    }
    if (f->kind == K_SYSCALL) /* it may have switched its own ABI */
        f->foreign = -1;
    f->calls++;
    next_call(f, &c);
    int want = f->kind == K_FOREIGN;
    if (f->foreign != want) {
        if ((e = l4_tcb_set_foreign_abi(f->task.tcb, want))) {
            fzi_report(f, "SetForeignABI of the task failed", e, want);
            return;
        }
        f->foreign = want;
    }
    __typeof__(f->ring[0]) *rec = &f->ring[(f->calls - 1) % RING_LEN];
    *rec = (__typeof__(*rec)){f->calls - 1, f->kind, f->sysno, c.rdi, c.rsi, f->entry, 0, 0};
    if (blocked_in_fault && ut_rnd() % 4) {
        rec->how = 1;
        if (blocked_in_fault == FZI_IN_SYSCALL) {
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
        if (!(e = l4_tcb_suspend(f->task.tcb)))
            e = l4_tcb_write_registers(f->task.tcb, true, L4_USER_CONTEXT_WORDS, &c);
        f->writes++;
    }
    if (e)
        fzi_report(f, "restarting the task failed", e, blocked_in_fault);
}
