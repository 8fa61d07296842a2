/* SPDX-License-Identifier: MIT */
/*
 * Thread control blocks.
 *
 * A TCB object (2 KiB) holds one thread: its saved user registers and FPU
 * state (struct arch_context, filled by the entry stubs), its scheduling
 * parameters, its IPC state while blocked, and three capability slots of
 * its own that keep its CSpace root, VSpace root and IPC-buffer frame
 * alive (copies derived from the capabilities given to Configure, as in
 * seL4's TCB CNode).
 *
 * Interface: tcb_init() prepares zeroed memory (Retype), tcb_finalise()
 * stops the thread and releases what it holds (deletion of the last cap);
 * tcb_decode_invocation() validates and performs the TCB invocations
 * (Configure, SetPriority, SetMCPriority, Read/WriteRegisters, Resume,
 * Suspend, Bind/UnbindNotification, SetTLSBase, SetForeignABI,
 * ReadFPU/WriteFPU of another thread);
 * tcb_ipc_buffer() gives the kernel's view of a thread's IPC buffer.
 */
#ifndef OBJ_TCB_H
#define OBJ_TCB_H

#include <arch/context.h>
#include <cap/cap.h>
#include <core/trace.h>
#include <l4/abi_gen.h>

enum thread_state {
    THREAD_INACTIVE = 0,         /* never started, or suspended */
    THREAD_RUNNING,              /* runnable: current, or in a ready queue */
    THREAD_BLOCKED_SEND,         /* in an endpoint's queue, message pending */
    THREAD_BLOCKED_RECV,         /* in an endpoint's queue, waiting */
    THREAD_BLOCKED_REPLY,        /* bound to a Reply object, waiting */
    THREAD_BLOCKED_NOTIFICATION, /* in a notification's queue */
};

struct endpoint;
struct notification;
struct reply;

typedef struct tcb {
    struct arch_context ctx; /* first: TSS.RSP0 points into it */
    enum thread_state state;
    uint8_t priority, mcp;
    uint8_t foreign_abi;
    uint8_t fault_kind; /* enum fault_kind: waiting in a fault IPC */
    uint8_t ipc_is_call, ipc_can_grant, ipc_can_grant_reply; /* blocked send */
    unsigned timeslice;                                      /* ticks left */
    struct tcb *sched_next, *sched_prev;                     /* ready queue */
    struct tcb *ipc_next, *ipc_prev;                         /* endpoint/notification queue */
    void *blocked_on;    /* endpoint, notification or reply object */
    uint64_t ipc_badge;  /* blocked send: badge of the capability used */
    struct reply *reply; /* blocked recv: Reply object to bind a caller to */
    struct notification *bound_notification;
    uint64_t fault_ep;                             /* cptr in the thread's CSpace */
    uint64_t ipc_buffer;                           /* user address */
    uint64_t fault_vector, fault_code, fault_addr; /* of the fault in progress */
    char name[32];
    cte_t cspace_slot, vspace_slot, ipc_buffer_slot;
#if TESSERA_TRACE
    uint32_t trace_id; /* serial number in trace records (<core/trace.h>) */
#endif
} tcb_t;

_Static_assert(sizeof(tcb_t) <= (1u << L4_OBJECT_TCB_SIZE_BITS), "TCB fits its object");
_Static_assert(offsetof(tcb_t, ctx) == 0, "context at the start of the TCB");

void tcb_init(tcb_t *t);
void tcb_finalise(tcb_t *t);

/* The thread's IPC buffer through the kernel's mapping of its frame, or
 * NULL if it has none (no frame capability, or the address is outside it). */
struct l4_ipc_buffer *tcb_ipc_buffer(const tcb_t *t);

/* Make a thread runnable from any state (Resume); cancels nothing. */
void tcb_resume(tcb_t *t);

/* Stop a thread: take it out of whatever queue it is in; a blocked send or
 * receive is restarted when it is resumed, a pending reply is cancelled. */
void tcb_suspend(tcb_t *t);

/* Take a thread out of the IPC it is blocked in (endpoint or notification
 * queue, or a Reply object), leaving its state to the caller. */
void tcb_cancel_ipc(tcb_t *t);

/* Wake a blocked thread with an error status in RAX (object destroyed). */
void tcb_wake_with_error(tcb_t *t, l4_error_t e);

/* Message for an invocation, as decoded by the syscall layer. */
struct invocation;
l4_error_t tcb_decode_invocation(cte_t *slot, struct invocation *inv);

#endif
