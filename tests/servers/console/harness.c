/* SPDX-License-Identifier: MIT */
/*
 * The console server's test harness: a root task of its own that starts
 * the real console server (servers/console, embedded here as bytes) as
 * the platform contract says (docs/servers/README.md: "ep", "untyped",
 * "com1", "com1_irq"), then acts as the root task (badge
 * L4_PLAT_BADGE_ROOT), as two compartments (badges
 * L4_PLAT_BADGE_COMPARTMENT(0) and (1), each with a ring frame it maps
 * itself) and as a platform server renamed "test" that prints the
 * results.
 *
 * Once the console server holds COM1 the kernel's console is quiet, so
 * results go through the console server itself: TAP lines written as the
 * "test" client appear on the wire as "[test] ok 3 - ...". The driver
 * (console_driver.py) parses them, checks what only the wire shows (the
 * byte-exact region, the labels, the focus line) and types the input the
 * "# type:" lines ask for. The harness ends by powering off with the
 * number of failed checks.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <l4/debug.h>
#include <l4/platform.h>
#include <l4/proto/console_client_gen.h>
#include <l4/rt.h>
#include <l4/spawn.h>
#include <l4/stubs_gen.h>

extern const unsigned char console_server_image[];
extern const unsigned long console_server_image_size;

#define CNODE      L4_ROOT_SLOT_CNODE
#define SCRATCH_VA UINT64_C(0x0000600000000000)
#define RING0_VA   UINT64_C(0x0000600000200000)
#define RING1_VA   UINT64_C(0x0000600000201000)
#define COM1       0x3f8
#define COM1_IRQ   4

/* What the driver compares byte for byte (console_driver.py EXACT). */
static const char exact_inline[] = "@@exact@@ tab\there esc \x1b[1mbold\x1b[0m cr\r utf8 \xc3\xa9|";
#define EXACT_RING_BYTES 3000 /* then this many pattern bytes through the ring */
static const char exact_end[] = "@@end@@\n";

static struct l4_slot_alloc slots;
static uint64_t slot_bits[L4_SLOT_BITMAP_WORDS(1u << L4_ROOT_CNODE_RADIX)];
static struct l4_untyped uts[1];
static struct l4_untyped_alloc ua;
static struct l4_vspace self;
static struct l4_vspace_table self_tables[8];
static struct l4_vspace_frame self_frames[8];
static struct l4_spawn console;
static struct l4_vspace_table console_tables[8];
static struct l4_vspace_frame console_frames[256];

static l4_cptr_t root_ep, c0_ep, c1_ep, test_ep; /* badged copies of the console's endpoint */
static unsigned tests_run, tests_failed;

static _Noreturn void fatal(const char *what, l4_error_t e)
{
    /* the DebugConsole still reaches the line (docs/kernel/console.md) */
    l4_printf("\r\nconsole-harness: FATAL %s: %s\r\n", what, l4_error_name(e));
    l4_power_control_power_off(L4_ROOT_SLOT_POWER_CONTROL, 3);
    for (;;)
        l4_yield();
}

static l4_cptr_t slot(void)
{
    l4_word_t s;
    if (l4_slot_alloc(&slots, &s) != L4_NO_ERROR)
        fatal("slots", L4_NOT_ENOUGH_MEMORY);
    return s;
}

static l4_cptr_t object(l4_word_t type, l4_word_t bits)
{
    struct l4_object o;
    l4_error_t e = l4_untyped_alloc_object(&ua, type, bits, 0, &o);
    if (e != L4_NO_ERROR)
        fatal("retype", e);
    return o.cap;
}

/* Write text through client cap ep, 24 bytes a message. */
static console_status_t put(l4_cptr_t ep, const char *s, size_t n)
{
    while (n) {
        size_t k = n < 24 ? n : 24;
        l4_word_t w[3] = {0, 0, 0}, written = 0;
        for (size_t i = 0; i < k; i++)
            w[i / 8] |= (l4_word_t)(uint8_t)s[i] << (8 * (i % 8));
        console_status_t st = console_write(ep, (uint8_t)k, w[0], w[1], w[2], &written);
        if (st != L4_NO_ERROR)
            return st;
        s += k;
        n -= k;
    }
    return L4_NO_ERROR;
}

static void say(const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n > (int)sizeof buf - 1)
        n = sizeof buf - 1;
    put(test_ep, buf, (size_t)n);
}

static void check(bool ok, const char *name, long got, long want)
{
    tests_run++;
    if (ok) {
        say("ok %u - %s\n", tests_run, name);
    } else {
        tests_failed++;
        say("not ok %u - %s (got %ld, want %ld)\n", tests_run, name, got, want);
    }
}

#define CHECK_ST(expr, want, name)                                                                 \
    do {                                                                                           \
        long got_ = (long)(expr);                                                                  \
        check(got_ == (long)(want), name, got_, (long)(want));                                     \
    } while (0)

static uint64_t name_word(const char *s)
{
    uint64_t w = 0;
    for (unsigned i = 0; i < 8 && s[i]; i++)
        w |= (uint64_t)(uint8_t)s[i] << (8 * i);
    return w;
}

static void setup_memory(const struct l4_boot_info *bi)
{
    int best = -1;
    for (l4_word_t i = 0; i < bi->num_untyped && i < bi->untyped.count; i++) {
        const struct l4_untyped_desc *d = &bi->untyped_list[i];
        if (!d->is_device && (best < 0 || d->size_bits > bi->untyped_list[best].size_bits))
            best = (int)i;
    }
    if (best < 0)
        fatal("no untyped", L4_NOT_ENOUGH_MEMORY);
    l4_word_t count = bi->empty.count < (1u << L4_ROOT_CNODE_RADIX) ? bi->empty.count
                                                                    : (1u << L4_ROOT_CNODE_RADIX);
    l4_error_t e = l4_slot_alloc_init(&slots, bi->empty.first, count, slot_bits,
                                      sizeof slot_bits / sizeof slot_bits[0]);
    if (e != L4_NO_ERROR)
        fatal("slot allocator", e);
    static const struct l4_cspace_dest dest = {.root = CNODE, .cptr_depth = 64};
    l4_untyped_alloc_init(&ua, uts, 1, &slots, &dest);
    e = l4_untyped_alloc_add(&ua, bi->untyped.first + (l4_word_t)best,
                             bi->untyped_list[best].size_bits, bi->untyped_list[best].paddr, false);
    if (e != L4_NO_ERROR)
        fatal("untyped allocator", e);
    l4_vspace_init(&self, L4_ROOT_SLOT_VSPACE, &ua, self_tables, 8, self_frames, 8);
}

static l4_cptr_t mint(l4_cptr_t src, l4_word_t badge)
{
    l4_cptr_t s = slot();
    l4_error_t e =
        l4_cnode_mint(CNODE, s, 64, CNODE, src, 64,
                      L4_CAP_RIGHTS_WRITE | L4_CAP_RIGHTS_GRANT | L4_CAP_RIGHTS_GRANT_REPLY, badge);
    if (e != L4_NO_ERROR)
        fatal("mint", e);
    return s;
}

static l4_cptr_t start_console(void)
{
    l4_cptr_t ep = object(L4_OBJECT_ENDPOINT, 0);
    /* 16 KiB: what docs/servers/console.md says the server needs */
    l4_cptr_t ut = object(L4_OBJECT_UNTYPED, 14);
    l4_cptr_t com1 = slot(), irq = slot();
    l4_error_t e =
        l4_io_port_control_issue(L4_ROOT_SLOT_IOPORT_CONTROL, COM1, COM1 + 7, CNODE, com1, 64);
    if (e != L4_NO_ERROR)
        fatal("IOPort COM1", e);
    if ((e = l4_irq_control_get(L4_ROOT_SLOT_IRQ_CONTROL, COM1_IRQ, CNODE, irq, 64)) != L4_NO_ERROR)
        fatal("IRQ 4", e);
    /* l4_spawn() moves an Untyped (the kernel never copies one) */
    const struct l4_spawn_cap caps[] = {
        {L4_PLAT_CAP_EP, ep, L4_CAP_ENDPOINT, L4_CAP_RIGHTS_ALL},
        {L4_PLAT_CAP_UNTYPED, ut, L4_CAP_UNTYPED, L4_CAP_RIGHTS_ALL},
        {L4_PLAT_CAP_COM1, com1, L4_CAP_IO_PORT, L4_CAP_RIGHTS_ALL},
        {L4_PLAT_CAP_COM1_IRQ, irq, L4_CAP_IRQ_HANDLER, L4_CAP_RIGHTS_ALL},
        {L4_SI_CAP_DEBUG_CONSOLE, L4_ROOT_SLOT_DEBUG_CONSOLE, L4_CAP_DEBUG_CONSOLE,
         L4_CAP_RIGHTS_ALL},
    };
    static const char *const argv[] = {"console"};
    l4_spawn_init(&console, &ua, console_tables, 8, console_frames, 256);
    const struct l4_spawn_config cfg = {
        .image = console_server_image,
        .image_size = console_server_image_size,
        .cnode_radix = 10,
        .stack_pages = 8,
        .caps = caps,
        .ncaps = sizeof caps / sizeof caps[0],
        .argv = argv,
        .argc = 1,
        .priority = 200,
        .authority = L4_ROOT_SLOT_TCB,
        .parent = &self,
        .scratch_va = SCRATCH_VA,
        .thread_name = "console",
    };
    struct l4_spawn_status st;
    if ((e = l4_spawn(&console, &cfg, &st)) != L4_NO_ERROR) {
        l4_printf("console-harness: spawn failed at %s\r\n", st.step);
        fatal("spawn", e);
    }
    return ep;
}

static volatile struct console_ring *map_ring(l4_word_t va, l4_cptr_t *frame)
{
    l4_error_t e =
        l4_vspace_map_new(&self, va, 12, L4_VM_RIGHTS_READ | L4_VM_RIGHTS_WRITE, 0, frame);
    if (e != L4_NO_ERROR)
        fatal("ring frame", e);
    return (volatile struct console_ring *)(uintptr_t)va;
}

static void ring_append(volatile struct console_ring *r, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        r->data[(r->head + i) % CONSOLE_RING_DATA_SIZE] = s[i];
    r->head += (uint32_t)n;
}

/* Read from client ep until n bytes arrived, waiting on its notification. */
static size_t read_input(l4_cptr_t ep, l4_cptr_t ntfn, char *buf, size_t n)
{
    size_t got = 0;
    while (got < n) {
        l4_word_t len = 0, data = 0;
        console_status_t st = console_read(ep, 8, &len, &data);
        if (st == CONSOLE_ERROR_WOULD_BLOCK) {
            l4_word_t bits;
            l4_wait(ntfn, &bits);
            continue;
        }
        if (st != L4_NO_ERROR)
            break;
        for (l4_word_t k = 0; k < len && got < n; k++)
            buf[got++] = (char)(data >> (8 * k));
    }
    buf[got] = '\0';
    return got;
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    const struct l4_boot_info *bi = l4_rt_boot_info();
    if (!bi)
        fatal("no boot info", L4_INVALID_ARGUMENT);
    setup_memory(bi);
    l4_cptr_t ep = start_console();
    root_ep = mint(ep, L4_PLAT_BADGE_ROOT);
    c0_ep = mint(ep, L4_PLAT_BADGE_COMPARTMENT(0));
    c1_ep = mint(ep, L4_PLAT_BADGE_COMPARTMENT(1));
    test_ep = mint(ep, L4_PLAT_BADGE_SERVER(L4_PLAT_SERVER_IRQ));
    l4_cptr_t other = mint(ep, 0x777);                  /* a badge that names nothing */
    l4_cptr_t stranger = object(L4_OBJECT_ENDPOINT, 0); /* a capability of the wrong type */

    /* the "test" client: a server badge, renamed by the root */
    console_status_t st = console_client_add(root_ep, L4_PLAT_BADGE_SERVER(L4_PLAT_SERVER_IRQ),
                                             name_word("test"), 0, 0);
    if (st != L4_NO_ERROR)
        fatal("ClientAdd test", st);
    say("# console harness: the console server runs\n");

    /* --- admin from anyone but the root is refused ------------------------------ */
    l4_word_t w = 0, d = 0;
    CHECK_ST(console_client_add(c0_ep, L4_PLAT_BADGE_COMPARTMENT(0), name_word("evil"), 0, 0),
             L4_ILLEGAL_OPERATION, "ClientAdd from a compartment badge is IllegalOperation");
    CHECK_ST(console_client_add(test_ep, L4_PLAT_BADGE_COMPARTMENT(0), name_word("evil"), 0, 0),
             L4_ILLEGAL_OPERATION, "ClientAdd from a server badge is IllegalOperation");
    CHECK_ST(console_client_remove(other, L4_PLAT_BADGE_SERVER(0)), L4_ILLEGAL_OPERATION,
             "ClientRemove from an unknown badge is IllegalOperation");
    st = console_write(c0_ep, 1, 'x', 0, 0, &w);
    d = l4_get_mr(0); /* before the next Call */
    CHECK_ST(st, CONSOLE_ERROR_NO_CLIENT, "Write from a compartment not added is NoClient");
    CHECK_ST(d, L4_PLAT_BADGE_COMPARTMENT(0), "NoClient's detail is the badge");
    CHECK_ST(console_write(other, 1, 'x', 0, 0, &w), CONSOLE_ERROR_NO_CLIENT,
             "Write from an unknown badge is NoClient");
    CHECK_ST(console_client_add(root_ep, 0x777, name_word("x"), 0, 0), CONSOLE_ERROR_NO_CLIENT,
             "ClientAdd of a badge that is no client's is NoClient");

    /* --- one compartment: byte-exact output, inline and through the ring ------------- */
    l4_cptr_t f0, f1;
    volatile struct console_ring *r0 = map_ring(RING0_VA, &f0);
    volatile struct console_ring *r1 = map_ring(RING1_VA, &f1);
    CHECK_ST(console_client_add(root_ep, L4_PLAT_BADGE_COMPARTMENT(0), name_word("alpha"), 0, 0),
             L4_NO_ERROR, "ClientAdd alpha");
    CHECK_ST(console_client_add(root_ep, L4_PLAT_BADGE_COMPARTMENT(0), name_word("alpha"), 0, 0),
             L4_DELETE_FIRST, "a second ClientAdd of alpha is DeleteFirst");
    CHECK_ST(console_flush(c0_ep, &w), CONSOLE_ERROR_NO_RING, "Flush without a ring is NoRing");
    CHECK_ST(console_client_set_ring(root_ep, L4_PLAT_BADGE_COMPARTMENT(0), stranger),
             L4_INVALID_CAPABILITY,
             "ClientSetRing with an endpoint, not a frame, is InvalidCapability");
    CHECK_ST(console_client_set_ring(c0_ep, L4_PLAT_BADGE_COMPARTMENT(0), f0), L4_ILLEGAL_OPERATION,
             "ClientSetRing from a compartment is IllegalOperation");
    CHECK_ST(console_client_set_ring(root_ep, L4_PLAT_BADGE_COMPARTMENT(0), f0), L4_NO_ERROR,
             "ClientSetRing alpha");
    CHECK_ST(console_client_set_ring(root_ep, L4_PLAT_BADGE_COMPARTMENT(0), f0), L4_DELETE_FIRST,
             "a second ClientSetRing is DeleteFirst");

    st = put(c0_ep, exact_inline, sizeof exact_inline - 1);
    static char pattern[EXACT_RING_BYTES];
    for (unsigned i = 0; i < EXACT_RING_BYTES; i++)
        pattern[i] = (char)(0x20 + (i * 7) % 95); /* printable, every byte value of them */
    ring_append(r0, pattern, EXACT_RING_BYTES);
    console_status_t fst = console_flush(c0_ep, &w);
    l4_word_t flushed = w;
    console_status_t est = put(c0_ep, exact_end, sizeof exact_end - 1);
    CHECK_ST(st, L4_NO_ERROR, "alpha writes inline");
    CHECK_ST(fst, L4_NO_ERROR, "alpha flushes its ring");
    CHECK_ST(flushed, EXACT_RING_BYTES, "Flush wrote every pending byte");
    CHECK_ST(r0->tail, r0->head, "the server's tail reached the head");
    CHECK_ST(est, L4_NO_ERROR, "alpha ends the exact region");

    /* --- a hostile ring ------------------------------------------------------------------ */
    uint32_t tail = r0->tail;
    r0->head = tail + CONSOLE_RING_DATA_SIZE + 1;
    r0->tail = 12345; /* garbage the server must not believe */
    st = console_flush(c0_ep, &w);
    l4_word_t dhead = l4_get_mr(0);
    d = l4_get_mr(1); /* before the next Call */
    CHECK_ST(st, CONSOLE_ERROR_BAD_RING, "head beyond the ring is BadRing");
    CHECK_ST(dhead, tail + CONSOLE_RING_DATA_SIZE + 1, "BadRing's detail gives the head read");
    CHECK_ST(d, tail, "BadRing's detail gives the server's tail, not the ring's");
    r0->head = tail - 1;
    CHECK_ST(console_flush(c0_ep, &w), CONSOLE_ERROR_BAD_RING, "head behind the tail is BadRing");
    r0->head = (uint32_t)d; /* repaired */
    ring_append(r0, "ring ok\n", 8);
    CHECK_ST(console_flush(c0_ep, &w), L4_NO_ERROR, "a repaired ring is served again");
    CHECK_ST(w, 8, "the repaired ring's bytes are written");

    /* --- two compartments: labelled per line ---------------------------------------------- */
    CHECK_ST(console_client_add(root_ep, L4_PLAT_BADGE_COMPARTMENT(1), name_word("beta"), 0, 0),
             L4_NO_ERROR, "ClientAdd beta");
    CHECK_ST(console_client_set_ring(root_ep, L4_PLAT_BADGE_COMPARTMENT(1), f1), L4_NO_ERROR,
             "ClientSetRing beta");
    CHECK_ST(put(c0_ep, "line from alpha\n", 16), L4_NO_ERROR, "alpha writes");
    ring_append(r1, "line from beta\n", 15);
    CHECK_ST(console_flush(c1_ep, &w), L4_NO_ERROR, "beta flushes");
    /* no test line in between: the three must meet on the wire */
    console_status_t s1 = put(c0_ep, "half from alpha", 15);
    console_status_t s2 = put(c1_ep, "beta interrupts\n", 16);
    console_status_t s3 = put(c0_ep, "rest\n", 5);
    CHECK_ST(s1, L4_NO_ERROR, "alpha writes half a line");
    CHECK_ST(s2, L4_NO_ERROR, "beta writes a line");
    CHECK_ST(s3, L4_NO_ERROR, "alpha ends its line");

    /* --- input: to the focused one only; the focus keys move it ------------------------ */
    l4_cptr_t n0 = object(L4_OBJECT_NOTIFICATION, 0), n1 = object(L4_OBJECT_NOTIFICATION, 0);
    CHECK_ST(console_set_input_notification(c0_ep, n0, 1), L4_NO_ERROR,
             "alpha sets its input notification");
    CHECK_ST(console_set_input_notification(c1_ep, n1, 2), L4_NO_ERROR,
             "beta sets its input notification");
    CHECK_ST(console_set_input_notification(c1_ep, stranger, 2), L4_INVALID_CAPABILITY,
             "an endpoint as input notification is InvalidCapability");
    CHECK_ST(console_set_input_notification(test_ep, n1, 2), CONSOLE_ERROR_NO_CLIENT,
             "a server gets no input notification");
    CHECK_ST(console_read(c0_ep, 8, &w, &d), CONSOLE_ERROR_WOULD_BLOCK, "no input yet: WouldBlock");
    say("# type: first\n");
    char buf[64];
    read_input(c0_ep, n0, buf, 6);
    say("# alpha read %s", buf);
    check(strcmp(buf, "hello\n") == 0, "alpha (focused) reads what was typed", 0, 0);
    CHECK_ST(console_read(c1_ep, 8, &w, &d), CONSOLE_ERROR_WOULD_BLOCK,
             "beta (not focused) reads nothing");
    say("# type: second\n");
    read_input(c1_ep, n1, buf, 6);
    say("# beta read %s", buf);
    check(strcmp(buf, "world\n") == 0, "after Ctrl-] n beta reads what was typed", 0, 0);
    CHECK_ST(console_read(c0_ep, 8, &w, &d), CONSOLE_ERROR_WOULD_BLOCK,
             "alpha (no longer focused) reads nothing");
    CHECK_ST(console_read(test_ep, 8, &w, &d), CONSOLE_ERROR_WOULD_BLOCK,
             "a server reads no input");
    CHECK_ST(console_read(c1_ep, 9, &w, &d), L4_RANGE_ERROR, "Read of 9 bytes is RangeError");

    /* --- removal ----------------------------------------------------------------------------- */
    CHECK_ST(console_client_remove(c0_ep, L4_PLAT_BADGE_COMPARTMENT(1)), L4_ILLEGAL_OPERATION,
             "ClientRemove from a compartment is IllegalOperation");
    CHECK_ST(console_client_remove(root_ep, L4_PLAT_BADGE_COMPARTMENT(1)), L4_NO_ERROR,
             "ClientRemove beta");
    CHECK_ST(console_write(c1_ep, 1, 'x', 0, 0, &w), CONSOLE_ERROR_NO_CLIENT,
             "Write after ClientRemove is NoClient");
    CHECK_ST(console_flush(c1_ep, &w), CONSOLE_ERROR_NO_CLIENT,
             "Flush after ClientRemove is NoClient");
    CHECK_ST(console_read(c1_ep, 8, &w, &d), CONSOLE_ERROR_NO_CLIENT,
             "Read after ClientRemove is NoClient");
    CHECK_ST(console_client_remove(root_ep, L4_PLAT_BADGE_COMPARTMENT(1)), CONSOLE_ERROR_NO_CLIENT,
             "a second ClientRemove is NoClient");
    CHECK_ST(put(c0_ep, "alpha alone again\n", 18), L4_NO_ERROR, "alpha still writes");

    say("1..%u\n", tests_run);
    say("# console harness: done, %u failed\n", tests_failed);
    for (unsigned i = 0; i < 1000; i++) /* let the UART's FIFO drain */
        l4_yield();
    l4_power_control_power_off(L4_ROOT_SLOT_POWER_CONTROL, tests_failed ? 1 : 0);
    for (;;)
        l4_yield();
}
