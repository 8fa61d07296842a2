/* SPDX-License-Identifier: MIT */
/*
 * The kernel event trace: the record format and its user-side decoder.
 *
 * A kernel built with the trace (meson option kernel_trace, and always the
 * image tessera-trace.bin) writes one fixed-size record per event into a
 * ring of whole pages in kernel memory; the root task receives read-only
 * Frame4K capabilities of those pages (struct l4_boot_info: trace_frames,
 * mapped at trace_vaddr). The ring starts with struct l4_trace_header;
 * record number n (counting every record ever written from 0) is at
 * records_offset + (n % capacity) * record_size. The kernel writes record
 * head, then advances head; once head exceeds capacity the oldest records
 * are overwritten and lost says how many are gone. docs/kernel/trace.md
 * describes the events and the text format of the dump.
 *
 * Thread identifiers in records are serial numbers the kernel gives each
 * TCB when it is made (1, 2, ...; 0: no thread, the kernel idling or
 * booting), never kernel addresses. An endpoint is named by the physical
 * address of its object (within the Untyped it was made from).
 *
 * Interface (user code, libl4/trace/; built for the host too):
 *   l4_trace_window()     which records of a ring copy are intact
 *   l4_trace_snapshot()   copy the intact records out of a live ring
 *   l4_trace_format()     one record as one line of text
 *   l4_trace_event_name() the name of an event type in that text
 *   l4_trace_dump()       snapshot and print every record on the console
 *                         (the user runtime's l4_printf; not on the host)
 */
#ifndef L4_TRACE_H
#define L4_TRACE_H

#include <stddef.h>
#include <stdint.h>

#define L4_TRACE_MAGIC   UINT64_C(0x3165636172747374) /* "tstrace1", little-endian */
#define L4_TRACE_VERSION 1

/* Event types; a..d are the record's arg[0..3] (0 where not listed). */
enum l4_trace_event {
    /* never written */
    L4_TRACE_NONE = 0,
    /* kernel entry by syscall: a sysno (RAX), b cptr (RDI), c info (RSI) */
    L4_TRACE_SYSCALL = 1,
    /* exit to user mode: a RIP, b RAX the thread resumes with */
    L4_TRACE_EXIT = 2,
    /* send through an endpoint: a endpoint, b badge, c label, d flags */
    L4_TRACE_IPC_SEND = 3,
    /* receive on an endpoint: a endpoint, d flags */
    L4_TRACE_IPC_RECV = 4,
    /* a message arrives: a endpoint (0: a reply), b badge, c label,
     * d sender | receiver << 32 */
    L4_TRACE_IPC_DELIVER = 5,
    /* answer through a Reply object: a caller, c label, d its fault kind */
    L4_TRACE_IPC_REPLY = 6,
    /* a fault of the thread: a kind, b vector, c error code, d address */
    L4_TRACE_FAULT = 7,
    /* thread switch: a from, b to (0: none) */
    L4_TRACE_SWITCH = 8,
    /* interrupt: a vector */
    L4_TRACE_IRQ = 9,
    /* DebugNameThread: a thread, b..d the first 24 bytes of its name */
    L4_TRACE_THREAD_NAME = 10,
    L4_TRACE_EVENT_COUNT
};

/* Flags (arg d) of L4_TRACE_IPC_SEND and L4_TRACE_IPC_RECV. */
#define L4_TRACE_FLAG_BLOCKING 1 /* Send, Call, Recv (not NBSend, NBRecv) */
#define L4_TRACE_FLAG_CALL     2 /* send: a Call */
#define L4_TRACE_FLAG_REPLY    2 /* receive: with a Reply object */
#define L4_TRACE_FLAG_FAULT    4 /* send: a fault message of the sending thread */

struct l4_trace_record {
    uint64_t tsc;    /* time stamp counter at the event */
    uint32_t thread; /* serial number of the thread running in the kernel; 0: none */
    uint16_t type;   /* enum l4_trace_event */
    uint16_t reserved;
    uint64_t arg[4];
};

struct l4_trace_header {
    uint64_t magic;          /* L4_TRACE_MAGIC */
    uint32_t version;        /* L4_TRACE_VERSION */
    uint32_t record_size;    /* sizeof(struct l4_trace_record) */
    uint64_t records_offset; /* bytes from the header to slot 0 */
    uint64_t capacity;       /* records the ring holds */
    uint64_t head;           /* records ever written: the next one is number head */
    uint64_t lost;           /* records overwritten so far: head - capacity, or 0 */
    uint64_t tsc_hz;         /* time stamp counter ticks per second */
    uint64_t reserved;
};

_Static_assert(sizeof(struct l4_trace_record) == 48, "a trace record is six words");
_Static_assert(sizeof(struct l4_trace_header) == 64, "the trace header is eight words");

/* The records first .. first+count-1 of a copy of the ring taken while
 * head moved from head_before to head_after are intact: every record the
 * kernel wrote during the copy is left out, and so is every slot it may
 * have overwritten. */
struct l4_trace_window {
    uint64_t first, count;
};

struct l4_trace_window l4_trace_window(uint64_t head_before, uint64_t head_after,
                                       uint64_t capacity);

/* 1 if ring (mapped, of size bytes) holds a trace header this code
 * decodes: magic, version, record size and capacity within size. */
int l4_trace_valid(const struct l4_trace_header *ring, size_t size);

/* Copy the intact records of the live ring (of size bytes) into out (room
 * for max records), oldest first, and describe them in *w; records that do
 * not fit in out are left out from the oldest on. Returns the number
 * copied, or -1 if ring is not valid. */
long l4_trace_snapshot(const struct l4_trace_header *ring, size_t size, struct l4_trace_record *out,
                       size_t max, struct l4_trace_window *w);

/* The event's name in the text format ("syscall", "ipc-send", ...), or
 * "unknown". */
const char *l4_trace_event_name(unsigned type);

/* Record number index as one line of text without a newline (format in
 * docs/kernel/trace.md). Returns what snprintf returns. */
int l4_trace_format(const struct l4_trace_record *r, uint64_t index, char *buf, size_t len);

/* Snapshot the ring (scratch: room for max records) and print it on the
 * console: a "trace-begin" line, one "trace" line per record, a
 * "trace-end" line. Returns the number of records printed, or -1 if ring
 * is not valid. */
long l4_trace_dump(const struct l4_trace_header *ring, size_t size, struct l4_trace_record *scratch,
                   size_t max);

#endif
