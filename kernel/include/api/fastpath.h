/* SPDX-License-Identifier: MIT */
/*
 * The IPC fastpath (docs/kernel/fastpath.md).
 *
 * Interface: fastpath_syscall(t) is tried first on every syscall of the
 * current thread t. It performs a Call, a ReplyRecv or a foreign-ABI
 * syscall whose conditions hold (short message in registers, no
 * capabilities, the partner waiting, no ready thread above the partner)
 * and leaves the kernel in the partner; otherwise, having changed
 * nothing, it hands the syscall to the full path, syscall_slowpath()
 * (syscall_handle(), schedule(), exit), which gives the same result.
 * Neither returns. The fastpath is compiled without saving RBX and
 * R12-R15 (kernel/meson.build), which is safe because it never returns. fastpath_enabled is cleared
 * by the kernel command-line word fastpath=off, so that benchmarks can
 * measure the full path.
 */
#ifndef API_FASTPATH_H
#define API_FASTPATH_H

#include <obj/tcb.h>

extern int fastpath_enabled;

_Noreturn void fastpath_call(tcb_t *t);
_Noreturn void fastpath_reply_recv(tcb_t *t);
_Noreturn void fastpath_foreign_syscall(tcb_t *t);

/* The full path of a syscall of the current thread (arch). */
_Noreturn void syscall_slowpath(void);

/* Does the fastpath try this syscall? It returns only if not. */
static inline void fastpath_syscall(tcb_t *t)
{
    if (t->foreign_abi)
        fastpath_foreign_syscall(t);
    if (ctx_sysno(&t->ctx) == L4_SYS_CALL)
        fastpath_call(t);
    if (ctx_sysno(&t->ctx) == L4_SYS_REPLY_RECV)
        fastpath_reply_recv(t);
}

#endif
