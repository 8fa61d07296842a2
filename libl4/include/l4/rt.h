/* SPDX-License-Identifier: MIT */
/*
 * The libl4 user runtime: start-up, per-thread state, threads, allocator.
 *
 * Interface: a program linked with libl4_rt_dep defines
 *   int main(int argc, char **argv);
 * _start (rt/start.S) calls l4_rt_start() with the RDI the program was
 * started with: the kernel's boot-info page for the root task
 * (l4_rt_boot_info()), a start-info page for any other program
 * (l4_rt_start_info(), <l4/start_info.h>: its named capabilities with
 * l4_rt_cap(), shared pages with l4_rt_shared_page(), arguments as argc and
 * argv, environment with l4_rt_getenv()). It installs the initial thread's
 * TLS block with TCB SetTLSBase and calls main(); if main returns, the
 * runtime powers off with status (PowerControl PowerOff through
 * l4_rt_power_control(), <l4/debug.h>). The start-up contract:
 * libl4/README.md.
 *
 * Per-thread state: FS base points to the thread's struct l4_rt_tls, laid
 * out as the x86-64 TLS ABI expects (the thread pointer at %fs:0, the
 * stack-protector canary at %fs:0x28), so musl's compiled code finds its
 * canary there; l4_ipc_buffer() reads the IPC buffer address at %fs:8.
 * l4_rt_thread_start() creates threads in the caller's address space, each
 * with its own IPC buffer and TLS block (struct l4_rt_thread). See
 * libl4/README.md for the scheme and what the kernel must provide.
 *
 * Allocator: l4_rt_alloc()/l4_rt_free() (also malloc, calloc, realloc and
 * free) are a first-fit allocator over a static arena, serialised by a
 * struct l4_rt_mutex (give it a Notification with l4_rt_heap_set_lock()
 * when threads of different priorities allocate).
 */
#ifndef L4_RT_H
#define L4_RT_H

#include <stddef.h>
#include <stdint.h>
#include <l4/abi_gen.h>
#include <l4/bootinfo.h>

/* --- Start-up ------------------------------------------------------------- */

/* The program's entry after _start. argv[argc] is NULL; the arguments
 * come from the start-info page (the root task, and a program started
 * without a page, get argc 0). */
int main(int argc, char **argv);

/* A server started by the root task says it is serving (root Ready,
 * docs/servers/root.md); nothing without a "root" capability. */
void l4_rt_ready(void);

/* Called by _start with the RDI the program got (a boot-info page, a
 * start-info page, or anything else): set up the initial thread, run
 * main(), halt. A start-info page that fails l4_start_info_check() stops
 * the program here with L4_RT_STATUS_FAILED. */
_Noreturn void l4_rt_start(const void *arg);

/* The boot info recorded at start (root task; NULL otherwise). */
const struct l4_boot_info *l4_rt_boot_info(void);

struct l4_start_info;
/* The program's (checked, private) copy of its start-info page; NULL if it
 * was not given one (the root task). */
const struct l4_start_info *l4_rt_start_info(void);

/* The slot (cptr) of the capability the starter named `name`;
 * L4_CPTR_NULL if there is none. */
l4_cptr_t l4_rt_cap(const char *name);

/* Where the shared area the starter named `name` is mapped, its size in
 * *size (if size is not NULL); NULL (size 0) if there is none. */
void *l4_rt_shared_page(const char *name, l4_word_t *size);

/* The value of NAME in the start-info page's environment, or NULL. */
const char *l4_rt_getenv(const char *name);

/* Power off with status through the PowerControl capability
 * l4_rt_power_control(), never returning; without one (or if PowerOff
 * fails) the calling thread suspends itself for good. */
_Noreturn void l4_rt_exit(int status);

/* Status the runtime halts with when it cannot go on (start-up failed,
 * stack smashed): the harness's "test failed" (EXIT_TEST_FAILED). */
#define L4_RT_STATUS_FAILED 1

/* --- Per-thread state (FS base) -------------------------------------------- */

struct l4_rt_tls {
    struct l4_rt_tls *self;           /* 0x00: thread pointer (%fs:0) */
    struct l4_ipc_buffer *ipc_buffer; /* 0x08: this thread's IPC buffer */
    l4_cptr_t tcb;                    /* 0x10: this thread's TCB, in its CSpace */
    int errno_value;                  /* 0x18: errno of the libc functions */
    uint32_t pad0;
    l4_word_t reserved;    /* 0x20: musl's sysinfo slot; unused */
    l4_word_t stack_guard; /* 0x28: stack-protector canary (%fs:0x28) */
    void *user;            /* 0x30: free for the program */
};

_Static_assert(offsetof(struct l4_rt_tls, self) == 0, "x86-64 TLS ABI: thread pointer at %fs:0");
_Static_assert(offsetof(struct l4_rt_tls, ipc_buffer) == 8, "l4_ipc_buffer() reads %fs:8");
_Static_assert(offsetof(struct l4_rt_tls, stack_guard) == 0x28,
               "x86-64 TLS ABI: stack-protector canary at %fs:0x28");

/* The calling thread's TLS block. */
struct l4_rt_tls *l4_rt_tls(void);

/* Fill a TLS block for a new thread (self pointer, canary of the caller). */
void l4_rt_tls_init(struct l4_rt_tls *tls, struct l4_ipc_buffer *ipc_buffer, l4_cptr_t tcb);

/* --- Threads ---------------------------------------------------------------- */

/* What a thread needs besides its stack; place it in memory backed by a
 * Frame4K capability the caller holds (e.g. the program's .bss). */
struct l4_rt_thread {
    _Alignas(L4_IPC_BUFFER_SIZE) struct l4_ipc_buffer ipc_buffer;
    struct l4_rt_tls tls;
};

struct l4_rt_thread_config {
    l4_cptr_t tcb;       /* a TCB that has not run: configured and started here */
    l4_cptr_t cspace;    /* CSpace root for the thread (root task: L4_ROOT_SLOT_CNODE) */
    l4_cptr_t vspace;    /* VSpace (root task: L4_ROOT_SLOT_VSPACE) */
    l4_cptr_t ipc_frame; /* Frame4K that holds the thread's ipc_buffer */
    l4_cptr_t authority; /* TCB whose MCP allows priority (root task: L4_ROOT_SLOT_TCB) */
    uint8_t priority;
    void *stack_top;    /* top of the thread's stack, 16-byte aligned */
    l4_cptr_t fault_ep; /* endpoint (in cspace) its faults go to; L4_CPTR_NULL: none */
};

/*
 * Start fn(arg) on a new thread: TCB Configure (CSpace, VSpace, IPC buffer
 * t->ipc_buffer), SetPriority, then WriteRegisters (rip, rsp, rdi, rsi,
 * fs_base = &t->tls) with resume. When fn returns, the thread suspends its
 * own TCB. Returns the first error of those invocations.
 */
l4_error_t l4_rt_thread_start(struct l4_rt_thread *t, const struct l4_rt_thread_config *c,
                              void (*fn)(l4_word_t), l4_word_t arg);

/* The Frame4K capability (root task) of the image page holding addr, or
 * L4_CPTR_NULL if addr is outside the image. */
l4_cptr_t l4_rt_image_frame(const void *addr);

/* --- Mutex -------------------------------------------------------------------- */

/* A lock for the runtime's threads (rt/mutex.c): with a Notification
 * capability, contended lockers Wait on it and unlockers Signal it; with
 * L4_CPTR_NULL, a spinlock that Yields, fit only for threads of one
 * priority. The notification must not be used for anything else. */
struct l4_rt_mutex {
    int count; /* holders and waiters (spinlock: 1 while held) */
    l4_cptr_t notification;
};

/* A zeroed struct l4_rt_mutex is an unlocked spinlock. */
_Static_assert(L4_CPTR_NULL == 0, "a zeroed mutex has no notification");

void l4_rt_mutex_init(struct l4_rt_mutex *m, l4_cptr_t notification);
void l4_rt_mutex_lock(struct l4_rt_mutex *m);
void l4_rt_mutex_unlock(struct l4_rt_mutex *m);

/* --- Allocator --------------------------------------------------------------- */

/* Default arena (in .bss) used unless l4_rt_heap_init() gives another. */
#define L4_RT_HEAP_DEFAULT_SIZE (64 * 1024)

/* Use [base, base + size) as the arena; only before the first allocation.
 * Returns 0, or -1 if an allocation was already made or the area is too
 * small. */
int l4_rt_heap_init(void *base, size_t size);

/* 16-byte aligned block of at least size bytes, or NULL. */
void *l4_rt_alloc(size_t size);
/* Release a block of l4_rt_alloc (NULL is ignored). */
void l4_rt_free(void *p);
/* Bytes free in the arena, in total and in the largest block. */
size_t l4_rt_heap_free(size_t *largest);
/* Serialise the allocator with a Notification capability (see struct
 * l4_rt_mutex) instead of the yielding spinlock it starts with; call it
 * while only one thread runs. L4_CPTR_NULL goes back to the spinlock. */
void l4_rt_heap_set_lock(l4_cptr_t notification);

#endif
