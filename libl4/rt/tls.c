/* SPDX-License-Identifier: MIT */
/*
 * Per-thread state through FS base (see <l4/rt.h>).
 *
 * Interface: l4_ipc_buffer() (required by the generated stubs) and
 * l4_rt_tls() read the calling thread's struct l4_rt_tls, which FS base
 * points to; l4_rt_tls_init() fills one for a new thread. This file also
 * defines the two hooks musl's compiled code calls that would otherwise
 * pull in musl's thread structure: errno (__errno_location, kept in the
 * TLS block) and the stack-protector failure handler (__stack_chk_fail).
 * The runtime is linked whole, so these definitions win over libc.a's.
 */
#include <l4/debug.h>
#include <l4/rt.h>
#include <l4/stubs_gen.h>

struct l4_ipc_buffer *l4_ipc_buffer(void)
{
    struct l4_ipc_buffer *p;
    __asm__("movq %%fs:%c1, %0" : "=r"(p) : "i"(offsetof(struct l4_rt_tls, ipc_buffer)));
    return p;
}

struct l4_rt_tls *l4_rt_tls(void)
{
    struct l4_rt_tls *p;
    __asm__("movq %%fs:0, %0" : "=r"(p));
    return p;
}

void l4_rt_tls_init(struct l4_rt_tls *tls, struct l4_ipc_buffer *ipc_buffer, l4_cptr_t tcb)
{
    *tls = (struct l4_rt_tls){0};
    tls->self = tls;
    tls->ipc_buffer = ipc_buffer;
    tls->tcb = tcb;
}

/* musl's errno: its functions call ___errno_location (an alias). */
int *__errno_location(void);
int *___errno_location(void);

int *__errno_location(void)
{
    return &l4_rt_tls()->errno_value;
}

int *___errno_location(void)
{
    return &l4_rt_tls()->errno_value;
}

/* Called by musl's code compiled with -fstack-protector when the canary at
 * %fs:0x28 was overwritten: the stack of this thread is corrupt. */
_Noreturn void __stack_chk_fail(void);

_Noreturn void __stack_chk_fail(void)
{
    l4_puts("l4rt: stack smashing detected; halting\n");
    l4_rt_exit(L4_RT_STATUS_FAILED);
}
