/* SPDX-License-Identifier: MIT */
/*
 * Faults as exception IPC.
 *
 * A thread's fault (a CPU exception in user mode, or a syscall instruction
 * of a thread with the foreign ABI) becomes a message to the endpoint its
 * TCB names as fault_ep, sent as if the thread had Called it: the handler
 * receives the fault's words (layouts in libl4/spec/objects.toml,
 * L4_FAULT_*), badged with its fault endpoint capability, and answers
 * through its Reply object; the answer's words are written back into the
 * thread's registers and, with label L4_FAULT_REPLY_RESUME, the thread
 * runs on. The thread waits as a caller does (THREAD_BLOCKED_SEND, then
 * THREAD_BLOCKED_REPLY) with tcb.fault_kind set, which is what tells
 * message transfer, replies and cancellation that the thread is in a fault
 * and not in a syscall of its own.
 *
 * Interface: fault_raise() (the entry paths: a foreign-ABI syscall from
 * syscall_handle(), a CPU exception through fault_exception() of
 * <core/kernel_entry.h>), fault_transfer() (message
 * transfer to the handler), fault_reply() (the handler's answer),
 * fault_abort() (the fault IPC ended without an answer: the thread is
 * suspended and faults again when resumed), fault_unhandled().
 */
#ifndef API_FAULT_H
#define API_FAULT_H

#include <obj/tcb.h>

enum fault_kind {
    FAULT_NONE = 0,
    FAULT_SYSCALL = L4_FAULT_LABEL_SYSCALL,
    FAULT_EXCEPTION = L4_FAULT_LABEL_EXCEPTION,
};

void fault_raise(tcb_t *t, enum fault_kind kind, uint64_t vector, uint64_t code, uint64_t addr);
void fault_transfer(tcb_t *faulter, tcb_t *handler, uint64_t badge);
void fault_reply(tcb_t *replier, tcb_t *faulter);
void fault_abort(tcb_t *t);

/* No handler (or an unusable one): report the fault on the kernel console
 * and suspend the thread. */
void fault_unhandled(tcb_t *t, const char *what, uint64_t code, uint64_t addr);

#endif
