/* SPDX-License-Identifier: MIT */
/*
 * The kernel event trace: hooks that record events with time stamps into
 * a ring that a privileged user task reads (record format and events in
 * <l4/trace.h>, the whole mechanism in docs/kernel/trace.md).
 *
 * Built in only when TESSERA_TRACE is 1: the meson option kernel_trace
 * sets it for every kernel image, and tessera-trace.elf is always built
 * with it. Otherwise every hook below expands to ((void)0), its arguments
 * are not even evaluated, and the kernel is the same as without the hooks.
 * Code that only a traced kernel needs goes inside #if TESSERA_TRACE.
 *
 * Hooks: each is one statement on a line of its own. The record's thread
 * is the current thread (cpu()->current; 0 when there is none) and its
 * time the time stamp counter (arch_trace_timestamp()) at the hook.
 * Thread arguments are tcb_t pointers (NULL: none), endpoint arguments
 * endpoint object pointers (NULL: none); the kernel records neither
 * pointer, but the thread's serial number and the endpoint's physical
 * address.
 *   trace_event(type, a, b)        a record of enum l4_trace_event type
 *                                  with arguments a and b (c = d = 0)
 *   trace_event4(type, a, b, c, d) the same with four arguments
 *   trace_syscall(t)               L4_TRACE_SYSCALL: t entered by syscall
 *                                  (sysno, cptr and info from its registers)
 *   trace_exit()                   L4_TRACE_EXIT: the current thread leaves
 *                                  the kernel (its RIP and RAX)
 *   trace_ipc_send(ep, s, badge, blocking, is_call)
 *                                  L4_TRACE_IPC_SEND: s sends through ep
 *                                  with a capability of that badge (the
 *                                  label is s's, or its fault kind)
 *   trace_ipc_recv(ep, r, reply, blocking)
 *                                  L4_TRACE_IPC_RECV: r receives on ep
 *                                  (reply: with a Reply object)
 *   trace_ipc_deliver(s, r, badge, ep)
 *                                  L4_TRACE_IPC_DELIVER: s's message (or
 *                                  fault) reaches r with badge; ep NULL
 *                                  for a reply
 *   trace_ipc_reply(s, caller)     L4_TRACE_IPC_REPLY: s answers caller
 *                                  through a Reply object
 *   trace_switch(from, to)         L4_TRACE_SWITCH: the kernel switches
 *                                  threads (no record if from == to)
 *   trace_thread_name(t)           L4_TRACE_THREAD_NAME: t's name changed
 *   trace_tcb_init(t)              give a new TCB its serial number (in
 *                                  tcb_init(); records nothing)
 *
 * For the root task (kernel/core/root_task.c): trace_ring() gives the
 * ring's pages and fills the header fields that boot sets. The one arch
 * hook the trace needs, arch_trace_timestamp(), is declared here: an arch
 * that supports tracing defines it (x86-64: arch/x86_64/trace.c, RDTSC).
 */
#ifndef CORE_TRACE_H
#define CORE_TRACE_H

#include <stdint.h>
#include <l4/trace.h>

#ifndef TESSERA_TRACE
#define TESSERA_TRACE 0
#endif

/* Pages of the ring (64 KiB: 1364 records). */
#define TRACE_PAGES 16

#if TESSERA_TRACE

struct tcb;

void trace_record(unsigned type, uint64_t a, uint64_t b, uint64_t c, uint64_t d);
void trace_record_syscall(const struct tcb *t);
void trace_record_exit(void);
void trace_record_ipc_send(const void *ep, const struct tcb *s, uint64_t badge, int blocking,
                           int is_call);
void trace_record_ipc_recv(const void *ep, const struct tcb *r, int reply, int blocking);
void trace_record_ipc_deliver(const struct tcb *s, const struct tcb *r, uint64_t badge,
                              const void *ep);
void trace_record_ipc_reply(const struct tcb *s, const struct tcb *caller);
void trace_record_switch(const struct tcb *from, const struct tcb *to);
void trace_record_thread_name(const struct tcb *t);
void trace_assign_id(struct tcb *t);

/* The ring's first page (a kernel image address) and its page count. */
void *trace_ring(unsigned *pages);

/* The time stamp counter (arch hook). */
uint64_t arch_trace_timestamp(void);

#define trace_event(type, a, b)        trace_record((type), (a), (b), 0, 0)
#define trace_event4(type, a, b, c, d) trace_record((type), (a), (b), (c), (d))
#define trace_syscall(t)               trace_record_syscall(t)
#define trace_exit()                   trace_record_exit()
#define trace_ipc_send(ep, s, badge, blocking, is_call)                                            \
    trace_record_ipc_send((ep), (s), (badge), (blocking), (is_call))
#define trace_ipc_recv(ep, r, reply, blocking) trace_record_ipc_recv((ep), (r), (reply), (blocking))
#define trace_ipc_deliver(s, r, badge, ep)     trace_record_ipc_deliver((s), (r), (badge), (ep))
#define trace_ipc_reply(s, caller)             trace_record_ipc_reply((s), (caller))
#define trace_switch(from, to)                 trace_record_switch((from), (to))
#define trace_thread_name(t)                   trace_record_thread_name(t)
#define trace_tcb_init(t)                      trace_assign_id(t)

#else

#define trace_event(type, a, b)                         ((void)0)
#define trace_event4(type, a, b, c, d)                  ((void)0)
#define trace_syscall(t)                                ((void)0)
#define trace_exit()                                    ((void)0)
#define trace_ipc_send(ep, s, badge, blocking, is_call) ((void)0)
#define trace_ipc_recv(ep, r, reply, blocking)          ((void)0)
#define trace_ipc_deliver(s, r, badge, ep)              ((void)0)
#define trace_ipc_reply(s, caller)                      ((void)0)
#define trace_switch(from, to)                          ((void)0)
#define trace_thread_name(t)                            ((void)0)
#define trace_tcb_init(t)                               ((void)0)

#endif

#endif
