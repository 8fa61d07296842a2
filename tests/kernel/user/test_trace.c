/* SPDX-License-Identifier: MIT */
/*
 * User-level tests of the kernel event trace (docs/kernel/trace.md).
 *
 * Whether the kernel under test is traced comes from the command line:
 * "utest.trace=1" (the meson test kernel-user-trace boots tessera-trace.bin
 * with it); without it every test asserts that the boot info reports no
 * trace pages and nothing is mapped where the ring would be. With it: the
 * boot info gives read-only frames of a valid ring; a Call between two
 * threads, its reply, a fault delivered as exception IPC and the thread
 * switches around them appear in the ring in order, with non-decreasing
 * time stamps, the right endpoint, badge, label and thread serial numbers;
 * the ring wraps and counts what it lost; the dumper prints a snapshot.
 * A test finds its own records after a marker: DebugCapIdentify of a cptr
 * that names nothing, whose syscall record also gives the test thread's
 * serial number.
 */
#include <stdio.h>
#include <string.h>
#include <l4/trace.h>
#include "vspace_util.h"

#define PRIO     100
#define BADGE    UINT64_C(0xb0d6e)
#define LABEL    UINT64_C(0x1abe1)
#define RLABEL   UINT64_C(0x4e91)
#define FBADGE   UINT64_C(0xfa17)
#define UNMAPPED UINT64_C(0x1000)
#define MARK     UINT64_C(0x7ace0000000) /* a cptr naming nothing */
#define SNAP_MAX 2048

static struct l4_trace_record snap[SNAP_MAX];
static struct l4_trace_window win;
static long nsnap;

/* "utest.trace=1" on the command line: the kernel under test is traced. */
static int traced_kernel(void)
{
    const char *c = ut_boot_info()->cmdline;
    const char *w = "utest.trace=1";
    size_t n = strlen(w), max = sizeof ut_boot_info()->cmdline;
    for (size_t i = 0; i + n <= max && c[i]; i++)
        if ((i == 0 || c[i - 1] == ' ') && !strncmp(c + i, w, n) && (c[i + n] == ' ' || !c[i + n]))
            return 1;
    return 0;
}

static const struct l4_trace_header *ring(void)
{
    return (const struct l4_trace_header *)ut_boot_info()->trace_vaddr;
}

static size_t ring_size(void)
{
    return ut_boot_info()->trace_frames.count * KIB4;
}

/* The kernel without the trace: no frames, no address, nothing mapped. */
static void expect_no_trace(void)
{
    const struct l4_boot_info *bi = ut_boot_info();
    UT_EQ(bi->trace_frames.count, 0);
    UT_EQ(bi->trace_vaddr, 0);
    UT_ASSERT(vs_touch_suspends(L4_ROOT_TRACE_VADDR));
}

/* The other tests, without the trace: only that there is none. */
#define REQUIRE_TRACE()                                                                            \
    do {                                                                                           \
        if (!traced_kernel()) {                                                                    \
            UT_EQ(ut_boot_info()->trace_frames.count, 0);                                          \
            UT_EQ(ut_boot_info()->trace_vaddr, 0);                                                 \
            return;                                                                                \
        }                                                                                          \
    } while (0)

static void take_snapshot(void)
{
    nsnap = l4_trace_snapshot(ring(), ring_size(), snap, SNAP_MAX, &win);
}

/* Index in snap of the last marker record of the calling thread. */
static long find_marker(void)
{
    for (long i = nsnap - 1; i >= 0; i--)
        if (snap[i].type == L4_TRACE_SYSCALL && snap[i].arg[0] == L4_SYS_DEBUG_CAP_IDENTIFY &&
            snap[i].arg[1] == MARK)
            return i;
    return -1;
}

/* The first record after *pos of type (and thread, if not 0); moves *pos
 * to it. -1 if there is none. */
static long next(long *pos, unsigned type, uint32_t thread)
{
    for (long i = *pos + 1; i < nsnap; i++)
        if (snap[i].type == type && (!thread || snap[i].thread == thread))
            return *pos = i;
    return -1;
}

/* Time stamps never go back from record from to the end of the snapshot,
 * and the last is later than the first. */
static int time_runs_forward(long from)
{
    for (long i = from + 1; i < nsnap; i++)
        if (snap[i].tsc < snap[i - 1].tsc)
            return 0;
    return snap[nsnap - 1].tsc > snap[from].tsc;
}

/* The Untyped region of the boot info that holds physical address pa. */
static int in_boot_untyped(uint64_t pa)
{
    const struct l4_boot_info *bi = ut_boot_info();
    for (unsigned i = 0; i < bi->num_untyped; i++) {
        const struct l4_untyped_desc *u = &bi->untyped_list[i];
        if (!u->is_device && pa >= u->paddr && pa - u->paddr < (UINT64_C(1) << u->size_bits))
            return 1;
    }
    return 0;
}

UTEST(trace_bootinfo, "the boot info gives read-only frames of a valid ring exactly when traced")
{
    const struct l4_boot_info *bi = ut_boot_info();
    if (!traced_kernel()) {
        expect_no_trace();
        return;
    }
    const struct l4_trace_header *h = ring();
    UT_EQ(bi->trace_vaddr, L4_ROOT_TRACE_VADDR);
    UT_ASSERT(bi->trace_frames.count > 0 && bi->trace_frames.count <= L4_ROOT_TRACE_MAX_PAGES);
    UT_ASSERT(l4_trace_valid(h, ring_size()));
    UT_EQ(h->record_size, sizeof(struct l4_trace_record));
    UT_EQ(h->records_offset, sizeof(struct l4_trace_header));
    UT_EQ(h->capacity, (ring_size() - h->records_offset) / h->record_size);
    UT_EQ(h->tsc_hz, bi->tsc_hz);
    UT_ASSERT(h->head > 0);
    /* one Frame4K per page, physically contiguous, in order */
    l4_word_t base = 0, pa = 0;
    for (l4_word_t i = 0; i < bi->trace_frames.count; i++) {
        l4_cptr_t f = bi->trace_frames.first + i;
        UT_EQ(ut_id(f), L4_CAP_FRAME_4K);
        UT_OK(l4_frame_get_address(f, &pa));
        if (i == 0)
            base = pa;
        UT_EQ(pa, base + i * KIB4);
    }
    UT_ASSERT(!in_boot_untyped(base)); /* kernel memory, in nobody's Untyped */
    /* read-only where the kernel mapped it, and in any other mapping of a
     * copy with every right asked for */
    VS_EXPECT_FAULT(VS_WRITE, L4_ROOT_TRACE_VADDR, PF_PRESENT | PF_WRITE | PF_USER);
    struct vs_tables t;
    vs_tables(VS, VA(120), &t);
    if (ut_failed())
        return;
    l4_cptr_t copy = ut_copy(bi->trace_frames.first, ALL);
    UT_ASSERT(copy);
    /* the copy is no object of the test's untyped: delete it ourselves */
    l4_error_t mapped = l4_frame_map(copy, VS, VA(120), RW, NOATTR);
    uint64_t magic = mapped ? 0 : ((const volatile struct l4_trace_header *)VA(120))->magic;
    struct vs_probe p = vs_probe(VS_WRITE, VA(120), 1);
    UT_OK(ut_delete(copy));
    UT_OK(mapped);
    UT_EQ(magic, L4_TRACE_MAGIC);
    UT_OK(p.status);
    UT_EQ(p.faulted, 1);
    UT_EQ(p.address, VA(120));
    UT_EQ(p.error & PF_MASK, PF_PRESENT | PF_WRITE | PF_USER);
}

/* Call through cptr arg with LABEL; the reply must carry RLABEL. */
static volatile l4_word_t caller_got;

static void caller_fn(l4_word_t ep)
{
    l4_msginfo_t info = 0;
    l4_error_t e = l4_call(ep, l4_msginfo_new(LABEL, 0, 0, 0), &info);
    caller_got = e == L4_NO_ERROR ? l4_msginfo_get_label(info) : ~e;
}

UTEST(trace_ipc, "a Call, its reply and the thread switches are traced in order")
{
    REQUIRE_TRACE();
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0), reply = ut_new(L4_OBJECT_REPLY, 0);
    UT_ASSERT(ep && reply);
    l4_cptr_t badged = ut_mint(ep, ALL, BADGE);
    UT_ASSERT(badged);
    caller_got = 0;
    UT_EQ(l4_debug_cap_identify(MARK), L4_CAP_NULL);
    UT_ASSERT(ut_thread(caller_fn, badged, PRIO));
    l4_word_t badge = 0;
    l4_msginfo_t info = 0;
    UT_OK(l4_recv(ep, reply, &badge, &info));
    UT_EQ(badge, BADGE);
    UT_EQ(l4_msginfo_get_label(info), LABEL);
    UT_OK(l4_send(reply, l4_msginfo_new(RLABEL, 0, 0, 0)));
    UT_ASSERT(ut_settle_once());
    UT_EQ(caller_got, RLABEL);

    take_snapshot();
    long pos = find_marker(), m = pos;
    UT_ASSERT(pos >= 0);
    uint32_t me = snap[pos].thread;
    UT_ASSERT(me != 0);
    /* the new thread is named, then we wait and it runs */
    UT_ASSERT(next(&pos, L4_TRACE_THREAD_NAME, me) >= 0);
    uint32_t caller = (uint32_t)snap[pos].arg[0];
    char text[160];
    l4_trace_format(&snap[pos], win.first + (uint64_t)pos, text, sizeof text);
    UT_ASSERT(strstr(text, " thread-name thread=") && strstr(text, " name=utest-thread"));
    UT_ASSERT(caller != 0 && caller != me);
    UT_ASSERT(next(&pos, L4_TRACE_IPC_RECV, me) >= 0);
    uint64_t endpoint = snap[pos].arg[0];
    UT_ASSERT(endpoint != 0 && in_boot_untyped(endpoint)); /* physical, not a kernel pointer */
    UT_EQ(snap[pos].arg[3], L4_TRACE_FLAG_BLOCKING | L4_TRACE_FLAG_REPLY);
    UT_ASSERT(next(&pos, L4_TRACE_SWITCH, me) >= 0);
    UT_EQ(snap[pos].arg[0], me);
    UT_EQ(snap[pos].arg[1], caller);
    UT_ASSERT(next(&pos, L4_TRACE_IPC_SEND, caller) >= 0);
    UT_EQ(snap[pos].arg[0], endpoint);
    UT_EQ(snap[pos].arg[1], BADGE);
    UT_EQ(snap[pos].arg[2], LABEL);
    UT_EQ(snap[pos].arg[3], L4_TRACE_FLAG_BLOCKING | L4_TRACE_FLAG_CALL);
    UT_ASSERT(next(&pos, L4_TRACE_IPC_DELIVER, caller) >= 0);
    UT_EQ(snap[pos].arg[0], endpoint);
    UT_EQ(snap[pos].arg[1], BADGE);
    UT_EQ(snap[pos].arg[2], LABEL);
    UT_EQ(snap[pos].arg[3], caller | (uint64_t)me << 32);
    /* the text form of that record, field by field */
    char want[160];
    snprintf(want, sizeof want,
             "trace %llu %llu %u ipc-deliver ep=%#llx badge=0xb0d6e label=0x1abe1 from=%u to=%u",
             (unsigned long long)(win.first + (uint64_t)pos), (unsigned long long)snap[pos].tsc,
             (unsigned)caller, (unsigned long long)endpoint, (unsigned)caller, (unsigned)me);
    l4_trace_format(&snap[pos], win.first + (uint64_t)pos, text, sizeof text);
    if (strcmp(text, want))
        ut_fail(__FILE__, __LINE__, "formatted \"%s\", expected \"%s\"", text, want);
    UT_ASSERT(next(&pos, L4_TRACE_SWITCH, caller) >= 0);
    UT_EQ(snap[pos].arg[0], caller);
    UT_EQ(snap[pos].arg[1], me);
    UT_ASSERT(next(&pos, L4_TRACE_EXIT, me) >= 0);
    UT_EQ(snap[pos].arg[1], L4_NO_ERROR); /* Recv's status in RAX */
    /* the reply, delivered without an endpoint */
    UT_ASSERT(next(&pos, L4_TRACE_IPC_REPLY, me) >= 0);
    UT_EQ(snap[pos].arg[0], caller);
    UT_EQ(snap[pos].arg[2], RLABEL);
    UT_EQ(snap[pos].arg[3], 0);
    UT_ASSERT(next(&pos, L4_TRACE_IPC_DELIVER, me) >= 0);
    UT_EQ(snap[pos].arg[0], 0);
    UT_EQ(snap[pos].arg[1], 0);
    UT_EQ(snap[pos].arg[2], RLABEL);
    UT_EQ(snap[pos].arg[3], me | (uint64_t)caller << 32);
    UT_ASSERT(time_runs_forward(m));
}

static void toucher_fn(l4_word_t addr)
{
    (void)*(volatile uint64_t *)addr;
}

UTEST(trace_fault, "a page fault and its exception IPC are traced in order")
{
    REQUIRE_TRACE();
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0), reply = ut_new(L4_OBJECT_REPLY, 0);
    UT_ASSERT(ep && reply);
    l4_cptr_t badged = ut_mint(ep, ALL, FBADGE);
    UT_ASSERT(badged);
    UT_EQ(l4_debug_cap_identify(MARK), L4_CAP_NULL);
    UT_ASSERT(ut_thread_faulting(toucher_fn, UNMAPPED, PRIO, badged));
    l4_word_t badge = 0;
    l4_msginfo_t info = 0;
    UT_OK(l4_recv(ep, reply, &badge, &info));
    UT_EQ(badge, FBADGE);
    UT_EQ(l4_msginfo_get_label(info), L4_FAULT_LABEL_EXCEPTION);
    /* the thread stays waiting for an answer; it goes with the test's untyped */

    take_snapshot();
    long pos = find_marker(), m = pos;
    UT_ASSERT(pos >= 0);
    uint32_t me = snap[pos].thread;
    UT_ASSERT(next(&pos, L4_TRACE_IPC_RECV, me) >= 0);
    uint64_t endpoint = snap[pos].arg[0];
    UT_ASSERT(next(&pos, L4_TRACE_SWITCH, me) >= 0);
    uint32_t faulter = (uint32_t)snap[pos].arg[1];
    UT_ASSERT(faulter != 0 && faulter != me);
    UT_ASSERT(next(&pos, L4_TRACE_FAULT, faulter) >= 0);
    UT_EQ(snap[pos].arg[0], L4_FAULT_LABEL_EXCEPTION);
    UT_EQ(snap[pos].arg[1], 14);
    UT_EQ(snap[pos].arg[2] & PF_MASK, PF_USER);
    UT_EQ(snap[pos].arg[3], UNMAPPED);
    UT_ASSERT(next(&pos, L4_TRACE_IPC_SEND, faulter) >= 0);
    UT_EQ(snap[pos].arg[0], endpoint);
    UT_EQ(snap[pos].arg[1], FBADGE);
    UT_EQ(snap[pos].arg[2], L4_FAULT_LABEL_EXCEPTION);
    UT_EQ(snap[pos].arg[3], L4_TRACE_FLAG_BLOCKING | L4_TRACE_FLAG_CALL | L4_TRACE_FLAG_FAULT);
    UT_ASSERT(next(&pos, L4_TRACE_IPC_DELIVER, faulter) >= 0);
    UT_EQ(snap[pos].arg[0], endpoint);
    UT_EQ(snap[pos].arg[1], FBADGE);
    UT_EQ(snap[pos].arg[2], L4_FAULT_LABEL_EXCEPTION);
    UT_EQ(snap[pos].arg[3], faulter | (uint64_t)me << 32);
    UT_ASSERT(next(&pos, L4_TRACE_SWITCH, faulter) >= 0);
    UT_EQ(snap[pos].arg[1], me);
    UT_ASSERT(time_runs_forward(m));
}

UTEST(trace_wrap, "the ring wraps, keeps the newest records and counts the lost ones")
{
    REQUIRE_TRACE();
    const volatile struct l4_trace_header *h = ring();
    uint64_t cap = h->capacity, head0 = h->head;
    UT_ASSERT(cap <= SNAP_MAX);
    /* two records (syscall, exit) each: the ring turns over more than once */
    for (uint64_t i = 0; i < cap; i++)
        l4_debug_cap_identify(MARK + 1 + i);
    uint64_t head, lost;
    do {
        head = h->head;
        lost = h->lost;
    } while (head != h->head);
    UT_ASSERT(head - head0 >= 2 * cap);
    UT_EQ(lost, head - cap);

    take_snapshot();
    UT_ASSERT(nsnap > 0 && (uint64_t)nsnap <= cap);
    UT_ASSERT(win.first >= lost && win.first + (uint64_t)nsnap <= h->head);
    /* the newest markers are there, consecutive, the oldest overwritten */
    uint64_t last = 0, seen = 0;
    for (long i = 0; i < nsnap; i++) {
        UT_ASSERT(snap[i].type > L4_TRACE_NONE && snap[i].type < L4_TRACE_EVENT_COUNT);
        if (i)
            UT_ASSERT(snap[i].tsc >= snap[i - 1].tsc);
        if (snap[i].type != L4_TRACE_SYSCALL || snap[i].arg[0] != L4_SYS_DEBUG_CAP_IDENTIFY ||
            snap[i].arg[1] <= MARK || snap[i].arg[1] > MARK + cap)
            continue;
        uint64_t k = snap[i].arg[1] - MARK;
        if (seen)
            UT_EQ(k, last + 1);
        else
            UT_ASSERT(k > 1);
        last = k;
        seen++;
    }
    UT_EQ(last, cap);
    UT_ASSERT(seen >= cap / 4);
}

UTEST(trace_dump, "the dumper prints the newest records of a snapshot")
{
    REQUIRE_TRACE();
    UT_EQ(l4_debug_cap_identify(MARK), L4_CAP_NULL);
    uint64_t head = ring()->head;
    long n = l4_trace_dump(ring(), ring_size(), snap, 16);
    UT_EQ(n, 16);
    UT_ASSERT(ring()->head > head + 16 * 2); /* printing is traced too */
    UT_EQ(l4_trace_dump(ring(), 32, snap, 16), -1);
}
