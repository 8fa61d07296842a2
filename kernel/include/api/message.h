/* SPDX-License-Identifier: MIT */
/*
 * Message transfer between two threads.
 *
 * Interface: message_transfer() copies the message the sender put in its
 * registers and IPC buffer (message-info word in RSI, MR0-MR3 in RDX, R8,
 * R9, R10, MR4.. in its IPC buffer) to the receiver's registers and IPC
 * buffer, with the badge in the receiver's RDI and status NoError in its
 * RAX. With can_grant, the sender's extra capabilities are transferred
 * too: a capability to the endpoint the message travels through is
 * unwrapped to its badge, the first other one is copied into the
 * receiver's receive slot; transfer stops at the first capability that
 * cannot be looked up or placed (as in seL4).
 */
#ifndef API_MESSAGE_H
#define API_MESSAGE_H

#include <obj/tcb.h>

void message_transfer(tcb_t *sender, tcb_t *receiver, uint64_t badge, int can_grant,
                      const void *endpoint);

#endif
