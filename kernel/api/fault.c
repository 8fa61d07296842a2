/* SPDX-License-Identifier: MIT */
/*
 * Faults as exception IPC (see <api/fault.h>). The messages are built
 * straight from the faulting thread's saved registers into the handler's
 * registers and IPC buffer; nothing is staged in between.
 */
#include <api/fault.h>
#include <cap/cspace.h>
#include <core/arch_hooks.h>
#include <core/console.h>
#include <core/kernel_entry.h>
#include <core/sched.h>
#include <core/trace.h>
#include <obj/endpoint.h>

_Static_assert(L4_FAULT_EXCEPTION_LENGTH == L4_FAULT_EXCEPTION_MR_CONTEXT + L4_USER_CONTEXT_WORDS,
               "exception message: header words, then the user context");

/* User-context word that message word i of a fault of this kind carries,
 * or -1 for the exception header words (vector, error code, address). */
static int context_word(enum fault_kind kind, unsigned i)
{
    if (kind == FAULT_SYSCALL)
        return ctx_foreign_syscall_word(i);
    return i >= L4_FAULT_EXCEPTION_MR_CONTEXT && i < L4_FAULT_EXCEPTION_LENGTH
               ? (int)(i - L4_FAULT_EXCEPTION_MR_CONTEXT)
               : -1;
}

static unsigned message_length(enum fault_kind kind)
{
    return kind == FAULT_SYSCALL ? L4_FAULT_SYSCALL_LENGTH : L4_FAULT_EXCEPTION_LENGTH;
}

void fault_unhandled(tcb_t *t, const char *what, uint64_t code, uint64_t addr)
{
    kprintf("tessera: thread %s: unhandled %s (%#lx) at %#lx, rip %#lx; suspended\n",
            t->name[0] ? t->name : "?", what, (unsigned long)code, (unsigned long)addr,
            (unsigned long)ctx_pc(&t->ctx));
    t->fault_kind = FAULT_NONE;
    tcb_suspend(t);
}

void fault_raise(tcb_t *t, enum fault_kind kind, uint64_t vector, uint64_t code, uint64_t addr)
{
    trace_event4(L4_TRACE_FAULT, kind, vector, code, addr);
    cte_t *s;
    const char *what = kind == FAULT_SYSCALL ? "foreign-ABI syscall" : trap_vector_name(vector);
    if (cspace_lookup_cap(t->cspace_slot.cap, t->fault_ep, &s) != LOOKUP_OK ||
        cap_type(s->cap) != CAP_ENDPOINT ||
        (cap_rights(s->cap) & (CAP_RIGHT_WRITE | CAP_RIGHT_GRANT_REPLY)) !=
            (CAP_RIGHT_WRITE | CAP_RIGHT_GRANT_REPLY)) {
        fault_unhandled(t, what, kind == FAULT_SYSCALL ? ctx_sysno(&t->ctx) : code, addr);
        return;
    }
    t->fault_kind = (uint8_t)kind;
    t->fault_vector = vector;
    t->fault_code = code;
    t->fault_addr = addr;
    endpoint_send(cap_object(s->cap), t, s->cap, 1, 1);
}

void fault_exception(uint64_t vector, uint64_t code, uint64_t addr)
{
    fault_raise(cpu()->current, FAULT_EXCEPTION, vector, code, addr);
}

/* The words of f's exception message, in message order. */
static void exception_words(const tcb_t *f, uint64_t words[L4_FAULT_EXCEPTION_LENGTH])
{
    words[L4_FAULT_EXCEPTION_MR_VECTOR] = f->fault_vector;
    words[L4_FAULT_EXCEPTION_MR_ERROR_CODE] = f->fault_code;
    words[L4_FAULT_EXCEPTION_MR_ADDRESS] = f->fault_addr;
    ctx_get_user_context(&f->ctx, words + L4_FAULT_EXCEPTION_MR_CONTEXT);
}

void fault_transfer(tcb_t *f, tcb_t *h, uint64_t badge)
{
    enum fault_kind kind = f->fault_kind;
    struct l4_ipc_buffer *hb = tcb_ipc_buffer(h);
    unsigned n = message_length(kind);
    if (!hb && n > L4_MSG_REGISTERS)
        n = L4_MSG_REGISTERS;
    if (kind == FAULT_SYSCALL) {
        /* the builder the fastpath uses; without an IPC buffer only the
         * words in registers arrive */
        uint64_t unsent[L4_FAULT_SYSCALL_LENGTH];
        ctx_foreign_syscall_message(&f->ctx, &h->ctx, hb ? hb->msg : unsent);
    } else {
        uint64_t words[L4_FAULT_EXCEPTION_LENGTH];
        exception_words(f, words);
        for (unsigned i = 0; i < n; i++) {
            if (i < L4_MSG_REGISTERS)
                ctx_set_mr(&h->ctx, i, words[i]);
            else
                hb->msg[i] = words[i];
        }
    }
    ctx_set_info(&h->ctx, l4_msginfo_new(kind, 0, 0, n));
    ctx_set_badge(&h->ctx, badge);
    ctx_set_status(&h->ctx, L4_NO_ERROR);
}

void fault_reply(tcb_t *r, tcb_t *f)
{
    enum fault_kind kind = f->fault_kind;
    uint64_t info = ctx_info(&r->ctx);
    struct l4_ipc_buffer *rb = tcb_ipc_buffer(r);
    unsigned n = (unsigned)l4_msginfo_get_length(info);
    if (n > message_length(kind))
        n = message_length(kind);
    if (!rb && n > L4_MSG_REGISTERS)
        n = L4_MSG_REGISTERS;
    for (unsigned i = 0; i < n; i++) {
        int w = context_word(kind, i);
        uint64_t v = i < L4_MSG_REGISTERS ? ctx_mr(&r->ctx, i) : rb->msg[i];
        /* values a thread may not have are ignored, the rest sanitised */
        if (w >= 0 && ctx_user_word_valid((unsigned)w, v))
            ctx_set_user_word(&f->ctx, (unsigned)w, v);
    }
    f->fault_kind = FAULT_NONE;
    f->blocked_on = 0;
    if (l4_msginfo_get_label(info) == L4_FAULT_REPLY_RESUME) {
        sched_wake_partner(f);
    } else {
        sched_block(f);
        f->state = THREAD_INACTIVE;
    }
}

void fault_abort(tcb_t *t)
{
    /* a foreign syscall is executed again on resume, and so is (faults
     * again) the instruction of an exception */
    if (t->fault_kind == FAULT_SYSCALL)
        ctx_restart_syscall(&t->ctx);
    t->fault_kind = FAULT_NONE;
    t->blocked_on = 0;
    sched_block(t);
    t->state = THREAD_INACTIVE;
}
