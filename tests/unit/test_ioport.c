/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of kernel/obj/ioport.c against the host fake (fake_arch.c,
 * whose kernel-owned ports are 0xf4-0xf7 and console ports 0x3f8-0x3ff):
 * the port bitmap's range operations at word edges and against a
 * bit-per-byte model, Issue and its errors (ports and depths as whole
 * words, never cut), the IOPort capability's place in the derivation tree,
 * copies sharing a range that is cleared only with the last one, the
 * console going quiet while a console range is issued, and the range check
 * of In and Out for each width through the invocation decoder.
 */
#include <stdlib.h>
#include <string.h>
#include <api/syscall.h>
#include <arch/obj/ioport.h>
#include <cap/derivation.h>
#include <core/console.h>
#include <l4/invocation_labels_gen.h>
#include <obj/cnode.h>
#include "fake_arch.h"
#include "suites.h"

#define ROOT_RADIX 6

static cte_t slots[1 << ROOT_RADIX];
static cap_t root;

enum { S_CTRL = 1, S_FREE = 8 };

static void setup(void)
{
    memset(slots, 0, sizeof slots);
    root = cap_cnode_new(slots, ROOT_RADIX, 0, 0);
    derivation_insert(&slots[S_CTRL], cap_object_new(CAP_IOPORT_CONTROL, 0), NULL, CTE_REVOCABLE);
}

static l4_error_t issue(uint64_t first, uint64_t last, uint64_t slot)
{
    struct ioport_issue_op op;
    l4_error_t e =
        ioport_control_decode_issue(&slots[S_CTRL], first, last, root, slot, ROOT_RADIX, &op);
    if (e == L4_NO_ERROR)
        ioport_control_invoke_issue(&op);
    return e;
}

/* --- The bitmap ---------------------------------------------------------------- */

static uint64_t bm[IOPORT_COUNT / 64];

START_TEST(bitmap_word_edges)
{
    memset(bm, 0, sizeof bm);
    ioport_bitmap_assign(bm, 63, 64, 1);
    ck_assert_uint_eq(bm[0], 1ull << 63);
    ck_assert_uint_eq(bm[1], 1);
    ck_assert_int_eq(ioport_bitmap_any(bm, 0, 62), 0);
    ck_assert_int_eq(ioport_bitmap_any(bm, 65, 1000), 0);
    ck_assert_int_eq(ioport_bitmap_any(bm, 0, 63), 1);
    ck_assert_int_eq(ioport_bitmap_any(bm, 64, 64), 1);
    ioport_bitmap_assign(bm, 0, 65535, 1);
    for (unsigned w = 0; w < IOPORT_COUNT / 64; w++)
        ck_assert_uint_eq(bm[w], ~0ull);
    ioport_bitmap_assign(bm, 1, 65534, 0);
    ck_assert_uint_eq(bm[0], 1);
    ck_assert_uint_eq(bm[IOPORT_COUNT / 64 - 1], 1ull << 63);
    ck_assert_int_eq(ioport_bitmap_any(bm, 1, 65534), 0);
    ck_assert_int_eq(ioport_bitmap_any(bm, 65535, 65535), 1);
    ioport_bitmap_assign(bm, 128, 191, 1); /* exactly one word */
    ck_assert_uint_eq(bm[2], ~0ull);
    ck_assert_uint_eq(bm[1] | bm[3], 0);
}
END_TEST

START_TEST(bitmap_matches_model)
{
    static unsigned char model[IOPORT_COUNT];
    memset(bm, 0, sizeof bm);
    memset(model, 0, sizeof model);
    srand(7);
    for (int step = 0; step < 3000; step++) {
        unsigned a = (unsigned)rand() % IOPORT_COUNT;
        unsigned len = (unsigned)rand() % (step % 10 == 0 ? 5000 : 200);
        unsigned b = a + len < IOPORT_COUNT ? a + len : IOPORT_COUNT - 1;
        int any = 0;
        for (unsigned p = a; p <= b; p++)
            any |= model[p];
        ck_assert_int_eq(ioport_bitmap_any(bm, a, b), any);
        int v = rand() & 1;
        ioport_bitmap_assign(bm, a, b, v);
        memset(model + a, v, b - a + 1);
    }
    for (unsigned p = 0; p < IOPORT_COUNT; p++)
        ck_assert_int_eq(ioport_bitmap_any(bm, p, p), model[p]);
}
END_TEST

/* --- Issue ----------------------------------------------------------------------- */

START_TEST(issue_errors)
{
    setup();
    struct ioport_issue_op op;
    ck_assert_int_eq(issue(0x71, 0x70, S_FREE), L4_INVALID_ARGUMENT);
    ck_assert_int_eq(issue(0xf0, 0xf4, S_FREE), L4_REVOKE_FIRST); /* the kernel's */
    ck_assert_int_eq(issue(0xf7, 0x100, S_FREE), L4_REVOKE_FIRST);
    ck_assert_int_eq(issue(0x70, 0x71, S_CTRL), L4_DELETE_FIRST);
    ck_assert_int_eq(ioport_control_decode_issue(&slots[S_CTRL], 0x70, 0x71, root, S_FREE, 3, &op),
                     L4_FAILED_LOOKUP); /* too few bits for the radix */
    ck_assert_int_eq(ioport_control_decode_issue(&slots[S_CTRL], 0x70, 0x71, root, S_FREE, 0, &op),
                     L4_RANGE_ERROR);
    ck_assert_int_eq(ioport_control_decode_issue(&slots[S_CTRL], 0x70, 0x71, root, S_FREE, 65, &op),
                     L4_RANGE_ERROR);
    ck_assert_uint_eq(op.detail[0], 1); /* the destination's detail words */
    ck_assert_uint_eq(op.detail[1], 64);
    /* the destination is checked before the ports' overlap */
    ck_assert_int_eq(issue(0xf0, 0xf4, S_CTRL), L4_DELETE_FIRST);
    /* a depth is a whole word: 0x100 + ROOT_RADIX is not ROOT_RADIX */
    ck_assert_int_eq(ioport_control_decode_issue(&slots[S_CTRL], 0x70, 0x71, root, S_FREE,
                                                 0x100 + ROOT_RADIX, &op),
                     L4_RANGE_ERROR);
    ck_assert_int_eq(ioport_control_decode_issue(&slots[S_CTRL], 0x70, 0x71, slots[S_CTRL].cap,
                                                 S_FREE, ROOT_RADIX, &op),
                     L4_INVALID_CAPABILITY);
    for (unsigned p = 0; p < IOPORT_COUNT; p++)
        ck_assert_int_eq(ioport_issued(p), 0);
    /* ports are whole words: above 0xffff is refused, not cut to 16 bits */
    ck_assert_int_eq(issue(0x10070, 0x20071, S_FREE), L4_RANGE_ERROR);
    ck_assert_int_eq(issue(0x70, 0x10071, S_FREE), L4_RANGE_ERROR);
    ck_assert_int_eq(issue(0x10000, 0x10000, S_FREE), L4_RANGE_ERROR);
    ck_assert_int_eq(cap_type(slots[S_FREE].cap), CAP_NULL);
    for (unsigned p = 0; p < IOPORT_COUNT; p++)
        ck_assert_int_eq(ioport_issued(p), 0);
    ck_assert_int_eq(issue(0xffff, 0xffff, S_FREE), L4_NO_ERROR);
}
END_TEST

START_TEST(issue_copies_and_revoke)
{
    setup();
    ck_assert_int_eq(issue(0x40, 0x43, S_FREE), L4_NO_ERROR);
    cte_t *p = &slots[S_FREE];
    ck_assert_int_eq(cap_type(p->cap), CAP_IOPORT);
    ck_assert_int_eq(cte_revocable(p), 1);
    ck_assert_int_eq(derivation_is_parent_of(&slots[S_CTRL], p), 1);
    ck_assert_int_eq(ioport_issued(0x3f) + ioport_issued(0x44), 0);
    ck_assert_int_eq(ioport_issued(0x40) & ioport_issued(0x43), 1);
    ck_assert_int_eq(issue(0x43, 0x50, S_FREE + 1), L4_REVOKE_FIRST);
    ck_assert_int_eq(issue(0x44, 0x50, S_FREE + 1), L4_NO_ERROR);
    /* a copy shares the range: the bits stay until the last one goes */
    struct cnode_op op;
    ck_assert_int_eq(cnode_decode_copy(root, S_FREE + 2, ROOT_RADIX, root, S_FREE, ROOT_RADIX,
                                       CAP_RIGHTS_ALL, 0, 0, &op),
                     L4_NO_ERROR);
    cnode_invoke(&op);
    ck_assert_int_eq(cap_same_object(slots[S_FREE + 2].cap, p->cap), 1);
    ck_assert_int_eq(cap_same_object(slots[S_FREE + 1].cap, p->cap), 0);
    cte_delete(p);
    ck_assert_int_eq(ioport_issued(0x40), 1);
    cte_delete(&slots[S_FREE + 2]);
    ck_assert_int_eq(ioport_issued(0x40) | ioport_issued(0x43), 0);
    ck_assert_int_eq(ioport_issued(0x44), 1);
    /* revoking IOPortControl deletes the rest */
    cte_revoke(&slots[S_CTRL]);
    ck_assert_int_eq(cap_type(slots[S_FREE + 1].cap), CAP_NULL);
    ck_assert_int_eq(ioport_issued(0x44) | ioport_issued(0x50), 0);
    ck_assert_int_eq(cap_type(slots[S_CTRL].cap), CAP_IOPORT_CONTROL);
}
END_TEST

/* --- In and Out ------------------------------------------------------------------- */

static struct invocation inv;

static l4_error_t invoke(uint64_t label, uint64_t port, uint64_t value)
{
    memset(&inv, 0, sizeof inv);
    inv.label = label;
    inv.mr[0] = port;
    inv.mr[1] = value;
    inv.length = 2;
    return ioport_decode_invocation(&slots[S_FREE], &inv);
}

START_TEST(access_range_per_width)
{
    setup();
    ck_assert_int_eq(issue(0xcf8, 0xcff, S_FREE), L4_NO_ERROR);
    cap_t c = slots[S_FREE].cap;
    static const unsigned widths[] = {1, 2, 4};
    for (unsigned i = 0; i < 3; i++) {
        unsigned w = widths[i];
        ck_assert_int_eq(ioport_check_access(c, 0xcf8, w), L4_NO_ERROR);
        ck_assert_int_eq(ioport_check_access(c, 0xd00 - w, w), L4_NO_ERROR);
        ck_assert_int_eq(ioport_check_access(c, 0xd00 - w + 1, w), L4_INVALID_ARGUMENT);
        ck_assert_int_eq(ioport_check_access(c, 0xcf7, w), L4_INVALID_ARGUMENT);
    }
    ck_assert_int_eq(invoke(L4_LABEL_IO_PORT_IN16, 0xcff, 0), L4_INVALID_ARGUMENT);
    ck_assert_uint_eq(inv.out[0], L4_ARG_IO_PORT_IN16_PORT);
    ck_assert_int_eq(invoke(L4_LABEL_IO_PORT_IN32, 0xcfc, 0), L4_NO_ERROR);
    ck_assert_uint_eq(inv.out_length, 1);
    ck_assert_uint_eq(inv.out[0], 0x12345678);
    ck_assert_uint_eq(fake_ioport_last_port, 0xcfc);
    ck_assert_uint_eq(fake_ioport_last_bytes, 4);
    ck_assert_int_eq(invoke(L4_LABEL_IO_PORT_IN8, 0xcff, 0), L4_NO_ERROR);
    ck_assert_uint_eq(inv.out[0], 0x78);
    ck_assert_int_eq(invoke(L4_LABEL_IO_PORT_OUT16, 0xcfe, 0xcdef), L4_NO_ERROR);
    ck_assert_uint_eq(fake_ioport_last_value, 0xcdef);
    ck_assert_uint_eq(fake_ioport_last_bytes, 2);
    fake_ioport_last_port = 0;
    /* whole words: a value wider than the access, or a port above 0xffff
     * whose low 16 bits are in the range, is RangeError with no access */
    ck_assert_int_eq(invoke(L4_LABEL_IO_PORT_OUT16, 0xcfe, 0xabcdef), L4_RANGE_ERROR);
    ck_assert_uint_eq(inv.out[0], 0);
    ck_assert_uint_eq(inv.out[1], 0xffff);
    ck_assert_int_eq(invoke(L4_LABEL_IO_PORT_OUT8, 0xcf8, 0x100), L4_RANGE_ERROR);
    ck_assert_uint_eq(inv.out[1], 0xff);
    ck_assert_int_eq(invoke(L4_LABEL_IO_PORT_OUT32, 0xcfc, 0x100000000ull), L4_RANGE_ERROR);
    ck_assert_uint_eq(inv.out[1], 0xffffffffu);
    ck_assert_int_eq(invoke(L4_LABEL_IO_PORT_OUT8, 0x10cf8, 1), L4_RANGE_ERROR);
    ck_assert_uint_eq(inv.out[1], 0xffff);
    ck_assert_int_eq(invoke(L4_LABEL_IO_PORT_IN8, 0xffff0cf8ull, 0), L4_RANGE_ERROR);
    ck_assert_int_eq(ioport_check_access(c, 0x10cf8, 1), L4_INVALID_ARGUMENT);
    ck_assert_uint_eq(fake_ioport_last_port, 0);
    ck_assert_int_eq(invoke(L4_LABEL_IO_PORT_OUT32, 0xcfc, 0xffffffffu), L4_NO_ERROR);
    ck_assert_uint_eq(fake_ioport_last_value, 0xffffffffu);
    fake_ioport_last_port = 0;
    ck_assert_int_eq(invoke(L4_LABEL_IO_PORT_OUT32, 0xcfd, 1), L4_INVALID_ARGUMENT);
    ck_assert_uint_eq(fake_ioport_last_port, 0); /* no access was made */
    ck_assert_int_eq(invoke(L4_LABEL_IRQ_HANDLER_ACK, 0xcf8, 0), L4_ILLEGAL_OPERATION);
}
END_TEST

/* --- The console's UART ----------------------------------------------------------- */

START_TEST(console_ports_mute_kernel_output)
{
    setup();
    ck_assert_int_eq(console_muted(), 0);
    ck_assert_int_eq(issue(0x2f8, 0x3f7, S_FREE), L4_NO_ERROR); /* beside it */
    ck_assert_int_eq(console_muted(), 0);
    ck_assert_int_eq(issue(0x3f8, 0x3f9, S_FREE + 1), L4_NO_ERROR);
    ck_assert_int_eq(console_muted(), 1);
    ck_assert_int_eq(issue(0x3fa, 0x3ff, S_FREE + 2), L4_NO_ERROR);
    console_force(1); /* panic */
    ck_assert_int_eq(console_muted(), 0);
    console_force(0);
    ck_assert_int_eq(console_muted(), 1);
    cte_delete(&slots[S_FREE + 1]);
    ck_assert_int_eq(console_muted(), 1); /* 0x3fa-0x3ff still issued */
    cte_delete(&slots[S_FREE + 2]);
    ck_assert_int_eq(console_muted(), 0);
    ck_assert_int_eq(issue(0x3f8, 0x3ff, S_FREE + 1), L4_NO_ERROR);
    ck_assert_int_eq(console_muted(), 1);
    cte_revoke(&slots[S_CTRL]);
    ck_assert_int_eq(console_muted(), 0);
}
END_TEST

Suite *ioport_suite(void)
{
    Suite *s = suite_create("ioport");
    TCase *tc = tcase_create("ioport");
    tcase_add_test(tc, bitmap_word_edges);
    tcase_add_test(tc, bitmap_matches_model);
    tcase_add_test(tc, issue_errors);
    tcase_add_test(tc, issue_copies_and_revoke);
    tcase_add_test(tc, access_range_per_width);
    tcase_add_test(tc, console_ports_mute_kernel_output);
    suite_add_tcase(s, tc);
    return s;
}
