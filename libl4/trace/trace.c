/* SPDX-License-Identifier: MIT */
/*
 * Decoding the kernel event trace (see <l4/trace.h>): which records of a
 * live ring are intact, copying them out, and one line of text per record.
 * No system calls: user programs link it, and so do the host unit tests.
 *
 * The kernel may write records while a reader copies the ring (the reader
 * can be preempted; the interrupt that preempts it is itself a record), so
 * a snapshot reads head before and after the copy and keeps only the
 * records that no write during the copy can have touched.
 */
#include <stdio.h>
#include <string.h>
#include <l4/trace.h>

struct l4_trace_window l4_trace_window(uint64_t head_before, uint64_t head_after, uint64_t capacity)
{
    struct l4_trace_window w = {0, 0};
    /* records written during the copy (head_before ..) are left out, and
     * so are the slots they reused (.. head_after - capacity) */
    uint64_t first = head_after > capacity ? head_after - capacity : 0;
    if (head_after < head_before || first >= head_before)
        return (struct l4_trace_window){head_before, 0};
    w.first = first;
    w.count = head_before - first;
    return w;
}

int l4_trace_valid(const struct l4_trace_header *ring, size_t size)
{
    if (!ring || size < sizeof *ring)
        return 0;
    if (ring->magic != L4_TRACE_MAGIC || ring->version != L4_TRACE_VERSION ||
        ring->record_size != sizeof(struct l4_trace_record) ||
        ring->records_offset < sizeof *ring || ring->records_offset > size || ring->capacity == 0)
        return 0;
    return ring->capacity <= (size - ring->records_offset) / sizeof(struct l4_trace_record);
}

long l4_trace_snapshot(const struct l4_trace_header *ring, size_t size, struct l4_trace_record *out,
                       size_t max, struct l4_trace_window *w)
{
    if (!l4_trace_valid(ring, size))
        return -1;
    const volatile struct l4_trace_header *h = ring;
    const struct l4_trace_record *slots = (const void *)((const char *)ring + ring->records_offset);
    uint64_t cap = ring->capacity;
    uint64_t before = h->head;
    __asm__ volatile("" ::: "memory");
    /* the newest max records before head: copy only what may be kept */
    uint64_t from = before > cap ? before - cap : 0;
    if (before - from > max)
        from = before - max;
    for (uint64_t n = from; n < before; n++)
        out[n - from] = slots[n % cap];
    __asm__ volatile("" ::: "memory");
    uint64_t after = h->head;
    *w = l4_trace_window(before, after, cap);
    if (w->first < from) {
        w->count -= from - w->first;
        w->first = from;
    }
    /* the window starts at or after from: move it to the front of out */
    if (w->count && w->first > from)
        memmove(out, out + (w->first - from), w->count * sizeof *out);
    return (long)w->count;
}

static const char *const names[L4_TRACE_EVENT_COUNT] = {
    [L4_TRACE_NONE] = "none",
    [L4_TRACE_SYSCALL] = "syscall",
    [L4_TRACE_EXIT] = "exit",
    [L4_TRACE_IPC_SEND] = "ipc-send",
    [L4_TRACE_IPC_RECV] = "ipc-recv",
    [L4_TRACE_IPC_DELIVER] = "ipc-deliver",
    [L4_TRACE_IPC_REPLY] = "ipc-reply",
    [L4_TRACE_FAULT] = "fault",
    [L4_TRACE_SWITCH] = "switch",
    [L4_TRACE_IRQ] = "irq",
    [L4_TRACE_THREAD_NAME] = "thread-name",
};

const char *l4_trace_event_name(unsigned type)
{
    return type < L4_TRACE_EVENT_COUNT ? names[type] : "unknown";
}

/* The name bytes of a thread-name record, printable, as a C string. */
static void name_of(const struct l4_trace_record *r, char out[25])
{
    unsigned i;
    for (i = 0; i < 24; i++) {
        unsigned char c = (unsigned char)(r->arg[1 + i / 8] >> (i % 8 * 8));
        if (!c)
            break;
        out[i] = c > ' ' && c < 127 ? (char)c : '_';
    }
    out[i] = '\0';
}

int l4_trace_format(const struct l4_trace_record *r, uint64_t index, char *buf, size_t len)
{
    const uint64_t *a = r->arg;
    char head[80], name[25];
    snprintf(head, sizeof head, "trace %llu %llu %u %s", (unsigned long long)index,
             (unsigned long long)r->tsc, (unsigned)r->thread, l4_trace_event_name(r->type));
#define X(v) ((unsigned long long)(v))
    switch (r->type) {
    case L4_TRACE_SYSCALL:
        return snprintf(buf, len, "%s sysno=%#llx cptr=%#llx info=%#llx", head, X(a[0]), X(a[1]),
                        X(a[2]));
    case L4_TRACE_EXIT:
        return snprintf(buf, len, "%s rip=%#llx rax=%#llx", head, X(a[0]), X(a[1]));
    case L4_TRACE_IPC_SEND:
        return snprintf(buf, len, "%s ep=%#llx badge=%#llx label=%#llx flags=%#llx", head, X(a[0]),
                        X(a[1]), X(a[2]), X(a[3]));
    case L4_TRACE_IPC_RECV:
        return snprintf(buf, len, "%s ep=%#llx flags=%#llx", head, X(a[0]), X(a[3]));
    case L4_TRACE_IPC_DELIVER:
        return snprintf(buf, len, "%s ep=%#llx badge=%#llx label=%#llx from=%u to=%u", head,
                        X(a[0]), X(a[1]), X(a[2]), (unsigned)(a[3] & 0xffffffffu),
                        (unsigned)(a[3] >> 32));
    case L4_TRACE_IPC_REPLY:
        return snprintf(buf, len, "%s to=%u label=%#llx fault=%llu", head, (unsigned)a[0], X(a[2]),
                        X(a[3]));
    case L4_TRACE_FAULT:
        return snprintf(buf, len, "%s kind=%llu vector=%llu code=%#llx addr=%#llx", head, X(a[0]),
                        X(a[1]), X(a[2]), X(a[3]));
    case L4_TRACE_SWITCH:
        return snprintf(buf, len, "%s from=%u to=%u", head, (unsigned)a[0], (unsigned)a[1]);
    case L4_TRACE_IRQ:
        return snprintf(buf, len, "%s vector=%#llx", head, X(a[0]));
    case L4_TRACE_THREAD_NAME:
        name_of(r, name);
        return snprintf(buf, len, "%s thread=%u name=%s", head, (unsigned)a[0], name);
    default:
        return snprintf(buf, len, "%s type=%u args=%#llx,%#llx,%#llx,%#llx", head,
                        (unsigned)r->type, X(a[0]), X(a[1]), X(a[2]), X(a[3]));
    }
#undef X
}
