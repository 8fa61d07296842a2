/* SPDX-License-Identifier: MIT */
/*
 * What signal.c (sending, delivery, rt_sigreturn) and signal_calls.c (the
 * signal system calls) share: a process's actions and pending sets.
 */
#ifndef SHIM_SIGNAL_INTERNAL_H
#define SHIM_SIGNAL_INTERNAL_H

#include <shim/signal.h>
#include "shim.h"

/* p's action for sig (1..64). */
const struct shim_sigaction *sig_action(const struct process *p, int sig);
/* A signal sent now would be dropped: ignored by its action (or init's). */
bool sig_ignored(const struct process *p, int sig);
/* The signals pending, standard and queued. */
uint64_t sig_pending_set(const struct process *p);
/* Take sig off the pending sets, its siginfo into *info. */
void sig_dequeue(struct process *p, int sig, struct shim_siginfo *info);
/* Drop the pending signals of set. */
void sig_discard(struct process *p, uint64_t set);
/* rt_sigreturn: always SHIM_BLOCKED (the thread is resumed, or it died). */
long sig_return(struct process *p, const struct syscall_frame *f);

#endif
