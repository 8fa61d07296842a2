/* SPDX-License-Identifier: MIT */
/*
 * Reply objects: the caller a server owes an answer to.
 *
 * A receiver names a Reply object when it receives; a Call it receives
 * binds the caller to that object, and the caller waits
 * (THREAD_BLOCKED_REPLY) until someone sends through the object's
 * capability (ReplyRecv, or Send/NBSend on the Reply capability). A server
 * may keep many Reply objects, move their capabilities and answer in any
 * order. Deleting a bound Reply object wakes its caller with Cancelled.
 *
 * Interface: reply_bind(), reply_send() (answer and unbind), reply_unbind()
 * (cancel without answer), reply_finalise().
 */
#ifndef OBJ_REPLY_H
#define OBJ_REPLY_H

#include <obj/tcb.h>

typedef struct reply {
    tcb_t *caller;      /* NULL: nothing owed */
    tcb_t *receiver;    /* a thread blocked in Recv that named this object */
    uint64_t can_grant; /* the Call's endpoint capability had Grant */
} reply_t;

_Static_assert(sizeof(reply_t) <= (1u << L4_OBJECT_REPLY_SIZE_BITS), "reply size");

void reply_bind(reply_t *r, tcb_t *caller, int can_grant);

/* Answer the caller with the current thread's message (sender); returns
 * L4_NO_ERROR, or IllegalOperation if nothing is owed. */
l4_error_t reply_send(reply_t *r, tcb_t *sender);

void reply_unbind(reply_t *r);
void reply_finalise(reply_t *r);

#endif
