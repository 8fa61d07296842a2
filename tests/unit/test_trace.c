/* SPDX-License-Identifier: MIT */
/*
 * Decoding the kernel event trace (libl4/trace/trace.c) on the host: the
 * window of intact records around a copy that the kernel wrote into, the
 * snapshot of a ring before and after it wrapped (and cut to fewer
 * records), the rejection of rings that are not valid, and the text line
 * of every event type (docs/kernel/trace.md).
 */
#include <check.h>
#include <string.h>
#include <l4/trace.h>
#include "suites.h"

#define CAP 8

static union {
    struct l4_trace_header h;
    unsigned char bytes[sizeof(struct l4_trace_header) + CAP * sizeof(struct l4_trace_record)];
} ring;

static struct l4_trace_record *slots(void)
{
    return (struct l4_trace_record *)(ring.bytes + sizeof ring.h);
}

/* A ring of CAP records into which records 0..written-1 were written;
 * record n has tsc 1000 + n and arg[0] n. */
static void fill(uint64_t written)
{
    memset(&ring, 0, sizeof ring);
    ring.h.magic = L4_TRACE_MAGIC;
    ring.h.version = L4_TRACE_VERSION;
    ring.h.record_size = sizeof(struct l4_trace_record);
    ring.h.records_offset = sizeof ring.h;
    ring.h.capacity = CAP;
    ring.h.tsc_hz = 1000000;
    for (uint64_t n = 0; n < written; n++) {
        struct l4_trace_record *r = &slots()[n % CAP];
        r->tsc = 1000 + n;
        r->thread = 1;
        r->type = L4_TRACE_IRQ;
        r->arg[0] = n;
    }
    ring.h.head = written;
    ring.h.lost = written > CAP ? written - CAP : 0;
}

START_TEST(window_leaves_out_what_the_kernel_may_have_touched)
{
    struct l4_trace_window w = l4_trace_window(5, 5, CAP); /* not yet wrapped */
    ck_assert_uint_eq(w.first, 0);
    ck_assert_uint_eq(w.count, 5);
    w = l4_trace_window(20, 20, CAP); /* wrapped: the newest CAP */
    ck_assert_uint_eq(w.first, 12);
    ck_assert_uint_eq(w.count, 8);
    w = l4_trace_window(20, 23, CAP); /* three written during the copy */
    ck_assert_uint_eq(w.first, 15);
    ck_assert_uint_eq(w.count, 5);
    w = l4_trace_window(6, 9, CAP); /* 9 - 8: record 0 may be overwritten */
    ck_assert_uint_eq(w.first, 1);
    ck_assert_uint_eq(w.count, 5);
    w = l4_trace_window(20, 28, CAP); /* a whole turn during the copy */
    ck_assert_uint_eq(w.count, 0);
    w = l4_trace_window(20, 19, CAP); /* head went back: nothing is sure */
    ck_assert_uint_eq(w.count, 0);
}
END_TEST

START_TEST(snapshot_copies_the_intact_records_oldest_first)
{
    struct l4_trace_record out[CAP];
    struct l4_trace_window w;
    fill(5);
    ck_assert_int_eq(l4_trace_snapshot(&ring.h, sizeof ring, out, CAP, &w), 5);
    ck_assert_uint_eq(w.first, 0);
    for (unsigned i = 0; i < 5; i++)
        ck_assert_uint_eq(out[i].arg[0], i);
    fill(13); /* wrapped: records 5..12 remain */
    ck_assert_int_eq(l4_trace_snapshot(&ring.h, sizeof ring, out, CAP, &w), CAP);
    ck_assert_uint_eq(w.first, 5);
    ck_assert_uint_eq(w.count, CAP);
    for (unsigned i = 0; i < CAP; i++) {
        ck_assert_uint_eq(out[i].arg[0], 5 + i);
        ck_assert_uint_eq(out[i].tsc, 1005 + i);
    }
    /* room for three: the newest three */
    ck_assert_int_eq(l4_trace_snapshot(&ring.h, sizeof ring, out, 3, &w), 3);
    ck_assert_uint_eq(w.first, 10);
    for (unsigned i = 0; i < 3; i++)
        ck_assert_uint_eq(out[i].arg[0], 10 + i);
    fill(0);
    ck_assert_int_eq(l4_trace_snapshot(&ring.h, sizeof ring, out, CAP, &w), 0);
}
END_TEST

START_TEST(rings_that_are_not_valid_are_refused)
{
    struct l4_trace_record out[CAP];
    struct l4_trace_window w;
    fill(3);
    ck_assert_int_eq(l4_trace_valid(&ring.h, sizeof ring), 1);
    ck_assert_int_eq(l4_trace_valid(&ring.h, sizeof ring - 1), 0); /* capacity beyond size */
    ck_assert_int_eq(l4_trace_valid(&ring.h, sizeof ring.h - 1), 0);
    ck_assert_int_eq(l4_trace_valid(0, sizeof ring), 0);
    ring.h.magic ^= 1;
    ck_assert_int_eq(l4_trace_snapshot(&ring.h, sizeof ring, out, CAP, &w), -1);
    fill(3);
    ring.h.version = L4_TRACE_VERSION + 1;
    ck_assert_int_eq(l4_trace_valid(&ring.h, sizeof ring), 0);
    fill(3);
    ring.h.record_size = 32;
    ck_assert_int_eq(l4_trace_valid(&ring.h, sizeof ring), 0);
    fill(3);
    ring.h.capacity = 0;
    ck_assert_int_eq(l4_trace_valid(&ring.h, sizeof ring), 0);
    fill(3);
    ring.h.records_offset = 8; /* inside the header */
    ck_assert_int_eq(l4_trace_valid(&ring.h, sizeof ring), 0);
}
END_TEST

/* The line of a record of type with args a..d, by thread 7 at tsc 123. */
static const char *line(unsigned type, uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
    static char buf[200];
    struct l4_trace_record r = {123, 7, (uint16_t)type, 0, {a, b, c, d}};
    int n = l4_trace_format(&r, 42, buf, sizeof buf);
    ck_assert_int_eq(n, (int)strlen(buf));
    return buf;
}

START_TEST(every_event_has_its_line)
{
    ck_assert_str_eq(line(L4_TRACE_SYSCALL, 1, 0x20, 0x1003, 9),
                     "trace 42 123 7 syscall sysno=0x1 cptr=0x20 info=0x1003");
    ck_assert_str_eq(line(L4_TRACE_EXIT, 0x400100, 0, 0, 0),
                     "trace 42 123 7 exit rip=0x400100 rax=0");
    ck_assert_str_eq(line(L4_TRACE_IPC_SEND, 0x2000, 0xb0d6e, 0x1abe1, 3),
                     "trace 42 123 7 ipc-send ep=0x2000 badge=0xb0d6e label=0x1abe1 flags=0x3");
    ck_assert_str_eq(line(L4_TRACE_IPC_RECV, 0x2000, 5, 6, 3),
                     "trace 42 123 7 ipc-recv ep=0x2000 flags=0x3");
    ck_assert_str_eq(
        line(L4_TRACE_IPC_DELIVER, 0x2000, 0xb0d6e, 0x1abe1, 9 | UINT64_C(7) << 32),
        "trace 42 123 7 ipc-deliver ep=0x2000 badge=0xb0d6e label=0x1abe1 from=9 to=7");
    ck_assert_str_eq(line(L4_TRACE_IPC_REPLY, 9, 0, 0x4e91, 2),
                     "trace 42 123 7 ipc-reply to=9 label=0x4e91 fault=2");
    ck_assert_str_eq(line(L4_TRACE_FAULT, 2, 14, 4, 0x1000),
                     "trace 42 123 7 fault kind=2 vector=14 code=0x4 addr=0x1000");
    ck_assert_str_eq(line(L4_TRACE_SWITCH, 7, 0, 0, 0), "trace 42 123 7 switch from=7 to=0");
    ck_assert_str_eq(line(L4_TRACE_IRQ, 0x30, 0, 0, 0), "trace 42 123 7 irq vector=0x30");
    ck_assert_str_eq(line(L4_TRACE_NONE, 1, 2, 3, 4),
                     "trace 42 123 7 none type=0 args=0x1,0x2,0x3,0x4");
    ck_assert_str_eq(line(99, 1, 2, 3, 4), "trace 42 123 7 unknown type=99 args=0x1,0x2,0x3,0x4");
    ck_assert_str_eq(l4_trace_event_name(L4_TRACE_EVENT_COUNT), "unknown");
}
END_TEST

START_TEST(thread_names_are_decoded_printable)
{
    uint64_t w[3] = {0};
    const char *name = "utest-thread";
    for (unsigned i = 0; name[i]; i++)
        w[i / 8] |= (uint64_t)(unsigned char)name[i] << (i % 8 * 8);
    ck_assert_str_eq(line(L4_TRACE_THREAD_NAME, 3, w[0], w[1], w[2]),
                     "trace 42 123 7 thread-name thread=3 name=utest-thread");
    /* 24 bytes, no terminator; a space and a control byte shown as '_' */
    ck_assert_str_eq(
        line(L4_TRACE_THREAD_NAME, 3, 0x6867666564636261, 0x706f6e6d6c6b6a69, 0x0178777675742073),
        "trace 42 123 7 thread-name thread=3 name=abcdefghijklmnops_tuvwx_");
    /* cut to the buffer, length as snprintf gives it */
    struct l4_trace_record r = {1, 2, L4_TRACE_IRQ, 0, {0x30, 0, 0, 0}};
    char small[10];
    ck_assert_int_eq(l4_trace_format(&r, 0, small, sizeof small),
                     (int)strlen("trace 0 1 2 irq vector=0x30"));
    ck_assert_str_eq(small, "trace 0 1");
}
END_TEST

Suite *trace_suite(void)
{
    Suite *s = suite_create("trace");
    TCase *tc = tcase_create("trace");
    tcase_add_test(tc, window_leaves_out_what_the_kernel_may_have_touched);
    tcase_add_test(tc, snapshot_copies_the_intact_records_oldest_first);
    tcase_add_test(tc, rings_that_are_not_valid_are_refused);
    tcase_add_test(tc, every_event_has_its_line);
    tcase_add_test(tc, thread_names_are_decoded_printable);
    suite_add_tcase(s, tc);
    return s;
}
