/* SPDX-License-Identifier: MIT */
/*
 * System calls and capability invocations.
 *
 * Interface: syscall_handle() (<core/kernel_entry.h>) is called by the
 * arch entry with the current thread's registers saved in its TCB; it
 * performs the syscall named in the saved registers (Call, ReplyRecv,
 * Send, NBSend, Recv, NBRecv, Yield, and the debug calls in debug builds)
 * and leaves the results in the saved registers.
 * A Call or Send on a capability that is not an endpoint, notification or
 * Reply object is an invocation: the message is gathered into a struct
 * invocation and handed to the object's decode function through the one
 * switch over capability types (api/invocation.c).
 */
#ifndef API_SYSCALL_H
#define API_SYSCALL_H

#include <obj/tcb.h>

struct invocation {
    tcb_t *thread;
    cte_t *slot; /* the invoked capability */
    uint64_t label;
    unsigned length; /* message words present */
    uint64_t mr[L4_MSG_MAX_LENGTH];
    unsigned ncaps; /* extra capabilities present */
    cte_t *caps[L4_MSG_MAX_EXTRA_CAPS];
    /* results */
    unsigned out_length;
    uint64_t out[L4_MSG_MAX_LENGTH];
};

/* Perform an invocation; the status goes to the caller's RAX and, for a
 * Call, the reply (label = status) to its message registers. */
void invocation_perform(tcb_t *t, cte_t *slot, uint64_t info, int want_reply);

/* The detail words of an error reply (see errors.toml). */
void invocation_error_detail(struct invocation *inv, uint64_t d0, uint64_t d1);

#endif
