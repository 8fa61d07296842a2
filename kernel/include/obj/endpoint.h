/* SPDX-License-Identifier: MIT */
/*
 * Endpoints: synchronous IPC rendezvous.
 *
 * An endpoint is a FIFO queue of threads that all wait for the same thing:
 * senders waiting for a receiver, or receivers waiting for a sender (never
 * both: a sender meeting a queued receiver, or the reverse, completes the
 * transfer at once). The state is that of the first queued thread.
 *
 * Interface: endpoint_send() (Send, NBSend, Call), endpoint_recv() (Recv,
 * NBRecv, and the receive half of ReplyRecv), endpoint_finalise() wakes
 * every queued thread with Cancelled; endpoint_dequeue() takes one thread
 * out (for cancellation).
 */
#ifndef OBJ_ENDPOINT_H
#define OBJ_ENDPOINT_H

#include <obj/tcb.h>

typedef struct endpoint {
    tcb_t *head, *tail;
} endpoint_t;

_Static_assert(sizeof(endpoint_t) <= (1u << L4_OBJECT_ENDPOINT_SIZE_BITS), "endpoint size");

/* Send from the current thread through an endpoint capability. blocking:
 * wait for a receiver (Send, Call) or drop the message (NBSend). */
void endpoint_send(endpoint_t *ep, tcb_t *sender, cap_t cap, int blocking, int is_call);

/* Receive on an endpoint; reply is the Reply object to bind to a caller
 * (NULL: none). blocking: wait, or return "nothing" (NBRecv). */
void endpoint_recv(endpoint_t *ep, tcb_t *receiver, struct reply *reply, int blocking);

void endpoint_dequeue(endpoint_t *ep, tcb_t *t);
void endpoint_finalise(endpoint_t *ep);

/* Thread queues shared by endpoints and notifications (inline: the IPC
 * fastpath uses them too). */
static inline __attribute__((always_inline)) void ipc_queue_append(tcb_t **head, tcb_t **tail,
                                                                   tcb_t *t)
{
    t->ipc_next = 0;
    t->ipc_prev = *tail;
    if (*tail)
        (*tail)->ipc_next = t;
    else
        *head = t;
    *tail = t;
}

/* Take the first thread off a non-empty queue. */
static inline __attribute__((always_inline)) tcb_t *ipc_queue_pop(tcb_t **head, tcb_t **tail)
{
    tcb_t *t = *head;
    *head = t->ipc_next;
    if (*head)
        (*head)->ipc_prev = 0;
    else
        *tail = 0;
    t->ipc_next = 0;
    return t;
}

static inline __attribute__((always_inline)) void ipc_queue_remove(tcb_t **head, tcb_t **tail,
                                                                   tcb_t *t)
{
    if (t->ipc_prev)
        t->ipc_prev->ipc_next = t->ipc_next;
    else
        *head = t->ipc_next;
    if (t->ipc_next)
        t->ipc_next->ipc_prev = t->ipc_prev;
    else
        *tail = t->ipc_prev;
    t->ipc_next = t->ipc_prev = 0;
}

#endif
