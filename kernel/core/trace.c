/* SPDX-License-Identifier: MIT */
/*
 * The kernel event trace (see <core/trace.h>; record format <l4/trace.h>).
 *
 * Only a kernel built with TESSERA_TRACE compiles this file. The ring is
 * TRACE_PAGES page-aligned pages of the kernel image's .bss: the header,
 * then the records. Writing one is a store of six words and the advance of
 * head; the kernel is not preemptible and runs on one CPU, so user code
 * (which reads the ring only while it runs itself) never sees a record
 * half written. A TCB's serial number comes from a counter when it is
 * made; it says nothing about where the TCB lies in memory.
 */
#include <arch/mmu.h>
#include <core/arch_hooks.h>
#include <core/sched.h>
#include <core/trace.h>
#include <l4/bootinfo.h>

#define TRACE_BYTES (TRACE_PAGES * PAGE_SIZE)
#define TRACE_CAPACITY                                                                             \
    ((TRACE_BYTES - sizeof(struct l4_trace_header)) / sizeof(struct l4_trace_record))

_Static_assert(TRACE_PAGES <= L4_ROOT_TRACE_MAX_PAGES, "the ring fits the root task's window");

static union {
    struct l4_trace_header header;
    unsigned char bytes[TRACE_BYTES];
} ring __attribute__((aligned(PAGE_SIZE)));

static uint32_t last_thread_id;

static struct l4_trace_record *slot(uint64_t n)
{
    return (struct l4_trace_record *)(ring.bytes + sizeof ring.header) + n % TRACE_CAPACITY;
}

static uint32_t id(const tcb_t *t)
{
    return t ? t->trace_id : 0;
}

void trace_record(unsigned type, uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
    uint64_t n = ring.header.head;
    struct l4_trace_record *r = slot(n);
    r->tsc = arch_trace_timestamp();
    r->thread = id(cpu()->current);
    r->type = (uint16_t)type;
    r->reserved = 0;
    r->arg[0] = a;
    r->arg[1] = b;
    r->arg[2] = c;
    r->arg[3] = d;
    ring.header.head = n + 1;
    if (n >= TRACE_CAPACITY)
        ring.header.lost = n + 1 - TRACE_CAPACITY;
}

void trace_assign_id(tcb_t *t)
{
    if (++last_thread_id == 0) /* after 2^32 - 1 threads: 0 stays "none" */
        last_thread_id = 1;
    t->trace_id = last_thread_id;
}

/* The label of the message s sends: its fault kind while in a fault. */
static uint64_t label_of(const tcb_t *s)
{
    return s->fault_kind ? s->fault_kind : l4_msginfo_get_label(ctx_info(&s->ctx));
}

static uint64_t endpoint_id(const void *ep)
{
    return ep ? virt_to_phys(ep) : 0;
}

void trace_record_syscall(const tcb_t *t)
{
    trace_record(L4_TRACE_SYSCALL, ctx_sysno(&t->ctx), ctx_cptr(&t->ctx), ctx_info(&t->ctx), 0);
}

void trace_record_exit(void)
{
    const tcb_t *t = cpu()->current;
    trace_record(L4_TRACE_EXIT, ctx_get_user_word(&t->ctx, 0), ctx_get_user_word(&t->ctx, 3), 0, 0);
}

void trace_record_ipc_send(const void *ep, const tcb_t *s, uint64_t badge, int blocking,
                           int is_call)
{
    unsigned flags = (blocking ? L4_TRACE_FLAG_BLOCKING : 0) | (is_call ? L4_TRACE_FLAG_CALL : 0) |
                     (s->fault_kind ? L4_TRACE_FLAG_FAULT : 0);
    trace_record(L4_TRACE_IPC_SEND, endpoint_id(ep), badge, label_of(s), flags);
}

void trace_record_ipc_recv(const void *ep, const tcb_t *r, int reply, int blocking)
{
    (void)r;
    unsigned flags = (blocking ? L4_TRACE_FLAG_BLOCKING : 0) | (reply ? L4_TRACE_FLAG_REPLY : 0);
    trace_record(L4_TRACE_IPC_RECV, endpoint_id(ep), 0, 0, flags);
}

void trace_record_ipc_deliver(const tcb_t *s, const tcb_t *r, uint64_t badge, const void *ep)
{
    trace_record(L4_TRACE_IPC_DELIVER, endpoint_id(ep), badge, label_of(s),
                 id(s) | (uint64_t)id(r) << 32);
}

void trace_record_ipc_reply(const tcb_t *s, const tcb_t *caller)
{
    trace_record(L4_TRACE_IPC_REPLY, id(caller), 0, l4_msginfo_get_label(ctx_info(&s->ctx)),
                 caller->fault_kind);
}

void trace_record_switch(const tcb_t *from, const tcb_t *to)
{
    if (from != to)
        trace_record(L4_TRACE_SWITCH, id(from), id(to), 0, 0);
}

void trace_record_thread_name(const tcb_t *t)
{
    uint64_t w[3] = {0, 0, 0};
    for (unsigned i = 0; i < sizeof w && i < sizeof t->name && t->name[i]; i++)
        w[i / 8] |= (uint64_t)(unsigned char)t->name[i] << (i % 8 * 8);
    trace_record(L4_TRACE_THREAD_NAME, id(t), w[0], w[1], w[2]);
}

void *trace_ring(unsigned *pages)
{
    ring.header.magic = L4_TRACE_MAGIC;
    ring.header.version = L4_TRACE_VERSION;
    ring.header.record_size = sizeof(struct l4_trace_record);
    ring.header.records_offset = sizeof ring.header;
    ring.header.capacity = TRACE_CAPACITY;
    ring.header.tsc_hz = arch_tsc_hz();
    *pages = TRACE_PAGES;
    return ring.bytes;
}
