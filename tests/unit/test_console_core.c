/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the console server's pure logic (servers/console/
 * console_core.c): badges to clients (any word safe), ClientAdd's checks,
 * the line's layout (one compartment byte-exact, several labelled per
 * line, servers always labelled with "\r\n", an unfinished line ended
 * before another client writes), the ring's checks against hostile
 * indices and a client rewriting the ring while it is drained, the focus
 * keys, bounded input buffers that drop and count, and Read.
 */
#include <string.h>
#include "console_core.h"
#include "suites.h"

static struct cons_state st;
static char wire[16384];
static size_t wire_len;

static void sink(void *ctx, const char *buf, size_t n)
{
    (void)ctx;
    ck_assert_uint_le(wire_len + n, sizeof wire);
    memcpy(wire + wire_len, buf, n);
    wire_len += n;
}

static const char *take(void)
{
    static char out[sizeof wire + 1];
    memcpy(out, wire, wire_len);
    out[wire_len] = '\0';
    wire_len = 0;
    return out;
}

static uint64_t word(const char *s)
{
    uint64_t w = 0;
    for (unsigned i = 0; i < 8 && s[i]; i++)
        w |= (uint64_t)(uint8_t)s[i] << (8 * i);
    return w;
}

#define C(i)  L4_PLAT_BADGE_COMPARTMENT(i)
#define IX(i) (CONS_FIRST_COMPARTMENT + (i))

static void setup(void)
{
    wire_len = 0;
    cons_init(&st, sink, NULL);
}

static void add(unsigned i, const char *name)
{
    ck_assert_int_eq(cons_client_add(&st, C(i), word(name), 0, 0), L4_NO_ERROR);
}

static void out(int i, const char *s)
{
    cons_output(&st, i, s, strlen(s));
}

START_TEST(badges)
{
    ck_assert_int_eq(cons_index(0), -1);
    ck_assert_int_eq(cons_index(L4_PLAT_BADGE_ROOT), -1);
    ck_assert_int_eq(cons_index(L4_PLAT_BADGE_SERVER(L4_PLAT_SERVER_MEM)), L4_PLAT_SERVER_MEM);
    ck_assert_int_eq(cons_index(L4_PLAT_BADGE_SERVER(L4_PLAT_SERVERS)), -1);
    ck_assert_int_eq(cons_index(C(0)), IX(0));
    ck_assert_int_eq(cons_index(C(L4_PLAT_MAX_COMPARTMENTS - 1)),
                     IX((int)L4_PLAT_MAX_COMPARTMENTS - 1));
    ck_assert_int_eq(cons_index(C(L4_PLAT_MAX_COMPARTMENTS)), -1);
    ck_assert_int_eq(cons_index(UINT64_MAX), -1);
    ck_assert_int_eq(cons_index(C(0) | L4_PLAT_BADGE_FAULT), -1);
    for (int i = 0; i < CONS_MAX_CLIENTS; i++)
        ck_assert_int_eq(cons_index(cons_badge(i)), i);
    /* servers are clients from the start, compartments are not */
    ck_assert_ptr_nonnull(cons_client(&st, L4_PLAT_BADGE_SERVER(L4_PLAT_SERVER_IRQ)));
    ck_assert_ptr_null(cons_client(&st, C(0)));
    ck_assert_ptr_null(cons_client(&st, L4_PLAT_BADGE_ROOT));
}
END_TEST

START_TEST(client_add_checks)
{
    ck_assert_int_eq(cons_client_add(&st, L4_PLAT_BADGE_ROOT, word("x"), 0, 0),
                     CONSOLE_ERROR_NO_CLIENT);
    ck_assert_int_eq(cons_client_add(&st, 0, word("x"), 0, 0), CONSOLE_ERROR_NO_CLIENT);
    ck_assert_int_eq(cons_client_add(&st, C(64), word("x"), 0, 0), CONSOLE_ERROR_NO_CLIENT);
    ck_assert_int_eq(cons_client_add(&st, C(1), 0, word("late"), 0), L4_INVALID_ARGUMENT);
    ck_assert_int_eq(cons_client_add(&st, C(1), word("a b"), 0, 0), L4_INVALID_ARGUMENT);
    ck_assert_int_eq(cons_client_add(&st, C(1), word("a\x1b[2J"), 0, 0), L4_INVALID_ARGUMENT);
    ck_assert_int_eq(cons_client_add(&st, C(1), word("caf\xc3\xa9"), 0, 0), L4_INVALID_ARGUMENT);
    ck_assert_ptr_null(cons_client(&st, C(1)));
    ck_assert_int_eq(st.compartments, 0);
    ck_assert_int_eq(st.focus, -1);
    /* 24 bytes: all three words, no NUL needed */
    ck_assert_int_eq(
        cons_client_add(&st, C(1), word("abcdefgh"), word("ijklmnop"), word("qrstuvwx")),
        L4_NO_ERROR);
    ck_assert_str_eq(st.clients[IX(1)].name, "abcdefghijklmnopqrstuvwx");
    ck_assert_int_eq(st.focus, IX(1));
    ck_assert_int_eq(cons_client_add(&st, C(1), word("again"), 0, 0), L4_DELETE_FIRST);
    ck_assert_str_eq(st.clients[IX(1)].name, "abcdefghijklmnopqrstuvwx");
    /* a server takes a new name */
    ck_assert_int_eq(cons_client_add(&st, L4_PLAT_BADGE_SERVER(2), word("memory"), 0, 0),
                     L4_NO_ERROR);
    ck_assert_str_eq(st.clients[2].name, "memory");
    ck_assert_int_eq(st.compartments, 1);
    /* removal: the compartment is gone, a server is back to its name */
    ck_assert_int_eq(cons_client_remove(&st, C(1)), L4_NO_ERROR);
    ck_assert_ptr_null(cons_client(&st, C(1)));
    ck_assert_int_eq(cons_client_remove(&st, C(1)), CONSOLE_ERROR_NO_CLIENT);
    ck_assert_int_eq(st.focus, -1);
    ck_assert_int_eq(cons_client_remove(&st, L4_PLAT_BADGE_SERVER(2)), L4_NO_ERROR);
    ck_assert_str_eq(st.clients[2].name, "mem");
    ck_assert_ptr_nonnull(cons_client(&st, L4_PLAT_BADGE_SERVER(2)));
}
END_TEST

START_TEST(one_compartment_raw)
{
    add(0, "alpha");
    static const char bytes[] = "plain\nno newline conversion\r\n\x1b[1mesc\x00\xff end";
    cons_output(&st, IX(0), bytes, sizeof bytes - 1);
    ck_assert_uint_eq(wire_len, sizeof bytes - 1);
    ck_assert_mem_eq(wire, bytes, sizeof bytes - 1);
}
END_TEST

START_TEST(several_labelled)
{
    add(0, "alpha");
    add(1, "beta");
    out(IX(0), "one\ntwo");
    ck_assert_str_eq(take(), "[alpha] one\n[alpha] two");
    out(IX(1), "x\n"); /* alpha's unfinished line ends first */
    ck_assert_str_eq(take(), "\r\n[beta] x\n");
    out(IX(0), "three\n");
    ck_assert_str_eq(take(), "[alpha] three\n");
    /* one compartment again: raw again */
    ck_assert_int_eq(cons_client_remove(&st, C(1)), L4_NO_ERROR);
    out(IX(0), "raw\n");
    ck_assert_str_eq(take(), "raw\n");
}
END_TEST

START_TEST(servers_labelled)
{
    add(0, "alpha");
    out(L4_PLAT_SERVER_MEM, "hello\nworld\n");
    ck_assert_str_eq(take(), "[mem] hello\r\n[mem] world\r\n");
    out(IX(0), "half");
    out(L4_PLAT_SERVER_IRQ, "tick\n");
    out(IX(0), "rest\n");
    ck_assert_str_eq(take(), "half\r\n[irq] tick\r\nrest\n");
    /* a removed client's unfinished line is ended */
    out(IX(0), "cut");
    ck_assert_int_eq(cons_client_remove(&st, C(0)), L4_NO_ERROR);
    ck_assert_str_eq(take(), "cut\r\n");
    ck_assert_int_eq(st.line_owner, -1);
}
END_TEST

static struct console_ring ring;

static void ring_put(const char *s)
{
    for (; *s; s++)
        ring.data[ring.head++ % CONSOLE_RING_DATA_SIZE] = *s;
}

START_TEST(ring_drain)
{
    add(0, "alpha");
    uint64_t w = 0, d[2] = {0, 0};
    ck_assert_int_eq(cons_ring_drain(&st, IX(0), &w, d), CONSOLE_ERROR_NO_RING);
    memset(&ring, 0, sizeof ring);
    st.clients[IX(0)].ring = &ring;
    ck_assert_int_eq(cons_ring_drain(&st, IX(0), &w, d), L4_NO_ERROR);
    ck_assert_uint_eq(w, 0);
    ring_put("hello ring\n");
    ck_assert_int_eq(cons_ring_drain(&st, IX(0), &w, d), L4_NO_ERROR);
    ck_assert_uint_eq(w, 11);
    ck_assert_str_eq(take(), "hello ring\n");
    ck_assert_uint_eq(ring.tail, 11);
    /* a full ring, wrapping round the data area */
    for (unsigned k = 0; k < CONSOLE_RING_DATA_SIZE; k++)
        ring.data[(ring.head + k) % CONSOLE_RING_DATA_SIZE] = (char)('a' + k % 26);
    ring.head += CONSOLE_RING_DATA_SIZE;
    ck_assert_int_eq(cons_ring_drain(&st, IX(0), &w, d), L4_NO_ERROR);
    ck_assert_uint_eq(w, CONSOLE_RING_DATA_SIZE);
    ck_assert_uint_eq(wire_len, CONSOLE_RING_DATA_SIZE);
    ck_assert_int_eq(wire[0], 'a');
    ck_assert_int_eq(wire[CONSOLE_RING_DATA_SIZE - 1], 'a' + (CONSOLE_RING_DATA_SIZE - 1) % 26);
    take();
}
END_TEST

START_TEST(ring_hostile)
{
    add(0, "alpha");
    memset(&ring, 0, sizeof ring);
    st.clients[IX(0)].ring = &ring;
    uint64_t w = 0, d[2] = {0, 0};
    /* one byte more than the ring holds */
    ring.head = CONSOLE_RING_DATA_SIZE + 1;
    ck_assert_int_eq(cons_ring_drain(&st, IX(0), &w, d), CONSOLE_ERROR_BAD_RING);
    ck_assert_uint_eq(d[0], CONSOLE_RING_DATA_SIZE + 1);
    ck_assert_uint_eq(d[1], 0);
    ck_assert_uint_eq(wire_len, 0);
    /* head behind tail (a huge difference modulo 2^32) */
    ring.head = UINT32_MAX;
    ck_assert_int_eq(cons_ring_drain(&st, IX(0), &w, d), CONSOLE_ERROR_BAD_RING);
    /* the client's own tail is not believed: garbage there changes nothing */
    ring.head = 3;
    ring.tail = 0x7fffffff;
    memcpy(ring.data, "abc", 3);
    ck_assert_int_eq(cons_ring_drain(&st, IX(0), &w, d), L4_NO_ERROR);
    ck_assert_uint_eq(w, 3);
    ck_assert_str_eq(take(), "abc");
    ck_assert_uint_eq(ring.tail, 3);
    /* a repaired ring (head = the server's tail, from the detail) works;
     * counters wrap at 2^32 */
    st.clients[IX(0)].tail = UINT32_MAX - 1;
    ring.head = UINT32_MAX - 1;
    ring.head += 4;
    ck_assert_int_eq(cons_ring_drain(&st, IX(0), &w, d), L4_NO_ERROR);
    ck_assert_uint_eq(w, 4);
    take();
}
END_TEST

/* A client that keeps changing the ring while it is drained: each byte is
 * read once, the head once, so the amount written is what was pending at
 * the start and the server's tail is that head. */
static int evil_calls;
static void evil_sink(void *ctx, const char *buf, size_t n)
{
    (void)ctx;
    sink(NULL, buf, n);
    evil_calls++;
    ring.head = 0xdeadbeef;
    ring.tail = 0;
    memset(ring.data, 'Z', sizeof ring.data);
}

START_TEST(ring_rewritten_while_drained)
{
    cons_init(&st, evil_sink, NULL);
    add(0, "alpha");
    memset(&ring, 0, sizeof ring);
    st.clients[IX(0)].ring = &ring;
    memset(ring.data, 'a', 1000);
    ring.head = 1000;
    uint64_t w = 0, d[2];
    ck_assert_int_eq(cons_ring_drain(&st, IX(0), &w, d), L4_NO_ERROR);
    ck_assert_uint_eq(w, 1000);
    ck_assert_uint_eq(st.clients[IX(0)].tail, 1000);
    ck_assert_int_gt(evil_calls, 1);
    ck_assert_uint_eq(wire_len, 1000);
    /* the next Flush sees the garbage head and refuses it */
    ck_assert_int_eq(cons_ring_drain(&st, IX(0), &w, d), CONSOLE_ERROR_BAD_RING);
    ck_assert_uint_eq(d[1], 1000);
}
END_TEST

static void type(const char *s)
{
    for (; *s; s++)
        cons_input(&st, (uint8_t)*s);
}

static unsigned read_all(int i, char *buf)
{
    unsigned n = 0;
    uint64_t len, data;
    while (cons_read(&st, i, 8, &len, &data) == L4_NO_ERROR)
        for (unsigned k = 0; k < len; k++)
            buf[n++] = (char)(data >> (8 * k));
    buf[n] = '\0';
    return n;
}

START_TEST(focus_keys)
{
    char buf[512];
    type("lost");
    ck_assert_uint_eq(st.input_unfocused, 4);
    add(0, "alpha");
    add(2, "gamma");
    ck_assert_int_eq(cons_input(&st, 'a'), IX(0));
    type("\x1d"
         "2");
    ck_assert_int_eq(st.focus, IX(2));
    ck_assert_ptr_nonnull(strstr(take(), "[console] input to gamma\r\n"));
    type("bc");
    type("\x1d"
         "1"); /* no compartment 1: focus stays */
    ck_assert_int_eq(st.focus, IX(2));
    type("\x1d\x1d"); /* a literal Ctrl-] */
    type("\x1d"
         "n");
    ck_assert_int_eq(st.focus, IX(0));
    type("d\x1d"
         "x"); /* an unknown command byte is swallowed */
    type("e");
    type("\x1d"
         "p");
    ck_assert_int_eq(st.focus, IX(2));
    type("\x1d"
         "p");
    ck_assert_int_eq(st.focus, IX(0));
    ck_assert_uint_eq(read_all(IX(0), buf), 3);
    ck_assert_str_eq(buf, "ade");
    ck_assert_uint_eq(read_all(IX(2), buf), 3);
    ck_assert_str_eq(buf, "bc\x1d");
    /* removing the focused one moves the focus on */
    ck_assert_int_eq(cons_client_remove(&st, C(0)), L4_NO_ERROR);
    ck_assert_int_eq(st.focus, IX(2));
    ck_assert_int_eq(cons_client_remove(&st, C(2)), L4_NO_ERROR);
    ck_assert_int_eq(st.focus, -1);
}
END_TEST

START_TEST(input_bounded)
{
    char buf[CONS_INPUT_SIZE + 1];
    add(0, "alpha");
    for (unsigned k = 0; k < CONS_INPUT_SIZE + 10; k++)
        cons_input(&st, (uint8_t)('a' + k % 26));
    ck_assert_uint_eq(st.clients[IX(0)].in_count, CONS_INPUT_SIZE);
    ck_assert_uint_eq(st.clients[IX(0)].in_dropped, 10);
    ck_assert_int_eq(cons_input(&st, 'z'), -1);
    ck_assert_uint_eq(read_all(IX(0), buf), CONS_INPUT_SIZE);
    ck_assert_int_eq(buf[0], 'a');
    ck_assert_int_eq(buf[CONS_INPUT_SIZE - 1], 'a' + (CONS_INPUT_SIZE - 1) % 26);
    ck_assert_int_eq(cons_input(&st, 'q'), IX(0));
}
END_TEST

START_TEST(read_limits)
{
    uint64_t len = 0, data = 0;
    add(0, "alpha");
    ck_assert_int_eq(cons_read(&st, IX(0), 1, &len, &data), CONSOLE_ERROR_WOULD_BLOCK);
    type("0123456789");
    ck_assert_int_eq(cons_read(&st, IX(0), 0, &len, &data), L4_RANGE_ERROR);
    ck_assert_int_eq(cons_read(&st, IX(0), 9, &len, &data), L4_RANGE_ERROR);
    ck_assert_int_eq(cons_read(&st, IX(0), 3, &len, &data), L4_NO_ERROR);
    ck_assert_uint_eq(len, 3);
    ck_assert_uint_eq(data, word("012"));
    ck_assert_int_eq(cons_read(&st, IX(0), 8, &len, &data), L4_NO_ERROR);
    ck_assert_uint_eq(len, 7);
    ck_assert_uint_eq(data, word("3456789"));
    ck_assert_int_eq(cons_read(&st, IX(0), 8, &len, &data), CONSOLE_ERROR_WOULD_BLOCK);
}
END_TEST

Suite *console_core_suite(void)
{
    Suite *s = suite_create("console_core");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, badges);
    tcase_add_test(tc, client_add_checks);
    tcase_add_test(tc, one_compartment_raw);
    tcase_add_test(tc, several_labelled);
    tcase_add_test(tc, servers_labelled);
    tcase_add_test(tc, ring_drain);
    tcase_add_test(tc, ring_hostile);
    tcase_add_test(tc, ring_rewritten_while_drained);
    tcase_add_test(tc, focus_keys);
    tcase_add_test(tc, input_bounded);
    tcase_add_test(tc, read_limits);
    suite_add_tcase(s, tc);
    return s;
}
