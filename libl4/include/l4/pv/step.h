/* SPDX-License-Identifier: MIT */
/*
 * The paravirtualization library's step hook.
 *
 * Every access of <l4/pv/virq.h> and <l4/pv/pvclock.h> to a word shared
 * with the other side is preceded by L4_PV_STEP(). It is empty unless the
 * build defines L4_PV_STEP_HOOK to a function name: the host unit tests do,
 * to run the guest's and the server's code as coroutines switched at each
 * shared access, and so enumerate every interleaving of the two sides.
 */
#ifndef L4_PV_STEP_H
#define L4_PV_STEP_H

#ifdef L4_PV_STEP_HOOK
void L4_PV_STEP_HOOK(void);
#define L4_PV_STEP() L4_PV_STEP_HOOK()
#else
#define L4_PV_STEP() ((void)0)
#endif

#endif
