/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of kernel/obj/irq.c and the IOAPIC entry encoding
 * (<arch/ioapic.h>), against the host fake's interrupt controller
 * (fake_arch.c: 24 lines, user lines 1..23, mask state recorded):
 * IRQControlGet and its errors, the handler's place in the derivation tree
 * (revoking IRQControl deletes it), the mask rule (unmasked exactly while
 * issued, bound and acknowledged) through SetNotification, interrupts,
 * Ack and Clear, and the cleanup when the last handler or the bound
 * notification is destroyed.
 */
#include <string.h>
#include <arch/ioapic.h>
#include <cap/derivation.h>
#include <core/arch_hooks.h>
#include <core/kernel_entry.h>
#include <obj/cnode.h>
#include <obj/irq.h>
#include "fake_arch.h"
#include "suites.h"

#define ROOT_RADIX 6

static cte_t slots[1 << ROOT_RADIX];
static cap_t root;
static notification_t ntfn[2] __attribute__((aligned(32)));

enum { S_CTRL = 1, S_NTFN = 2, S_NTFN_BADGED = 3, S_NTFN2 = 4, S_FREE = 8 };

static void setup(void)
{
    memset(slots, 0, sizeof slots);
    memset(ntfn, 0, sizeof ntfn);
    root = cap_cnode_new(slots, ROOT_RADIX, 0, 0);
    derivation_insert(&slots[S_CTRL], cap_object_new(CAP_IRQ_CONTROL, 0), NULL, CTE_REVOCABLE);
    derivation_insert(&slots[S_NTFN], cap_object_new(CAP_NOTIFICATION, &ntfn[0]), NULL,
                      CTE_REVOCABLE);
    derivation_insert(&slots[S_NTFN_BADGED], cap_set_badge(slots[S_NTFN].cap, 0x40), &slots[S_NTFN],
                      CTE_REVOCABLE | CTE_FIRST_BADGED);
    derivation_insert(&slots[S_NTFN2], cap_object_new(CAP_NOTIFICATION, &ntfn[1]), NULL,
                      CTE_REVOCABLE);
}

static l4_error_t get(uint64_t irq, uint64_t slot)
{
    struct irq_get_op op;
    l4_error_t e = irq_control_decode_get(&slots[S_CTRL], irq, root, slot, ROOT_RADIX, &op);
    if (e == L4_NO_ERROR)
        irq_control_invoke_get(&op);
    return e;
}

/* An interrupt as the arch delivers it: masked first. */
static void interrupt(unsigned irq)
{
    arch_irq_mask(irq);
    irq_handle(irq);
}

/* --- IOAPIC entries ------------------------------------------------------------- */

START_TEST(ioapic_entry_encoding)
{
    uint64_t e = ioapic_rte_encode(0x42, 0, 0, 1, 3);
    ck_assert_uint_eq(e & IOAPIC_RTE_VECTOR_MASK, 0x42);
    ck_assert_uint_eq(e & IOAPIC_RTE_MASKED, IOAPIC_RTE_MASKED);
    ck_assert_uint_eq(e & (IOAPIC_RTE_LEVEL | IOAPIC_RTE_ACTIVE_LOW), 0);
    ck_assert_uint_eq(e >> IOAPIC_RTE_DEST_SHIFT, 3);
    ck_assert_uint_eq(e & 0x700, 0);      /* fixed delivery */
    ck_assert_uint_eq(e & (1u << 11), 0); /* physical destination */
    ck_assert_uint_eq(ioapic_rte_encode(0x51, 1, 1, 0, 0), 0x51 | (1u << 15) | (1u << 13));
    ck_assert_uint_eq(ioapic_rte_encode(0xff, 1, 0, 1, 0xff),
                      0xff | (1u << 15) | (1u << 16) | (UINT64_C(0xff) << 56));
}
END_TEST

START_TEST(ioapic_lines_at_boot)
{
    /* ISA lines: edge, active high; the PIT's GSI 2 on vector 0x42 */
    uint64_t pit = ioapic_rte_for_line(2, 0);
    ck_assert_uint_eq(pit, 0x42 | IOAPIC_RTE_MASKED);
    ck_assert_uint_eq(ioapic_rte_for_line(4, 1), 0x44 | IOAPIC_RTE_MASKED | (UINT64_C(1) << 56));
    ck_assert_uint_eq(ioapic_rte_for_line(15, 0) & IOAPIC_RTE_LEVEL, 0);
    /* PCI links from 16: level */
    ck_assert_uint_eq(ioapic_rte_for_line(16, 0), 0x50 | IOAPIC_RTE_LEVEL | IOAPIC_RTE_MASKED);
    ck_assert_uint_eq(ioapic_rte_for_line(23, 0) & IOAPIC_RTE_VECTOR_MASK, 0x57);
    /* version register: highest entry index in bits 16-23 */
    ck_assert_uint_eq(ioapic_version_entries(0x00170020), 24);
    ck_assert_uint_eq(ioapic_version_entries(0x00ff0011), 256);
    ck_assert_uint_eq(ioapic_version_entries(0), 1);
}
END_TEST

/* --- IRQControlGet ---------------------------------------------------------------- */

START_TEST(get_errors)
{
    setup();
    struct irq_get_op op;
    ck_assert_int_eq(get(0, S_FREE), L4_RANGE_ERROR); /* kept by the kernel */
    ck_assert_int_eq(get(24, S_FREE), L4_RANGE_ERROR);
    ck_assert_int_eq(get(~0ull, S_FREE), L4_RANGE_ERROR);
    ck_assert_int_eq(get(5, S_CTRL), L4_DELETE_FIRST);
    ck_assert_int_eq(irq_control_decode_get(&slots[S_CTRL], 5, root, S_FREE, 3, &op),
                     L4_FAILED_LOOKUP); /* too few bits for the radix */
    ck_assert_int_eq(irq_control_decode_get(&slots[S_CTRL], 5, root, S_FREE, 0, &op),
                     L4_RANGE_ERROR);
    ck_assert_int_eq(irq_control_decode_get(&slots[S_CTRL], 5, root, S_FREE, 65, &op),
                     L4_RANGE_ERROR);
    ck_assert_int_eq(
        irq_control_decode_get(&slots[S_CTRL], 5, slots[S_NTFN].cap, S_FREE, ROOT_RADIX, &op),
        L4_INVALID_CAPABILITY);
    for (unsigned i = 0; i < IRQ_LINES_MAX; i++)
        ck_assert_int_eq(irq_line(i)->issued, 0);
    ck_assert_int_eq(cap_type(slots[S_FREE].cap), CAP_NULL);
}
END_TEST

START_TEST(get_issues_once_under_control)
{
    setup();
    ck_assert_int_eq(get(1, S_FREE), L4_NO_ERROR);
    ck_assert_int_eq(get(23, S_FREE + 1), L4_NO_ERROR);
    cte_t *h = &slots[S_FREE];
    ck_assert_int_eq(cap_type(h->cap), CAP_IRQ_HANDLER);
    ck_assert_uint_eq(cap_irq_handler_irq(h->cap), 1);
    ck_assert_ptr_eq(cap_object(h->cap), irq_line(1));
    ck_assert_int_eq(cte_revocable(h), 1);
    ck_assert_int_eq(derivation_is_parent_of(&slots[S_CTRL], h), 1);
    ck_assert_int_eq(derivation_is_parent_of(&slots[S_CTRL], &slots[S_NTFN]), 0);
    ck_assert_int_eq(get(1, S_FREE + 2), L4_REVOKE_FIRST);
    ck_assert_int_eq(irq_line(1)->issued, 1);
    ck_assert_int_eq(fake_irq_unmasked[1], 0); /* nothing bound yet */
    /* revoking IRQControl deletes both handlers and frees the lines */
    cte_revoke(&slots[S_CTRL]);
    ck_assert_int_eq(cap_type(slots[S_FREE].cap), CAP_NULL);
    ck_assert_int_eq(cap_type(slots[S_FREE + 1].cap), CAP_NULL);
    ck_assert_int_eq(irq_line(1)->issued, 0);
    ck_assert_int_eq(irq_line(23)->issued, 0);
    ck_assert_int_eq(get(1, S_FREE + 2), L4_NO_ERROR);
}
END_TEST

/* --- The mask rule ------------------------------------------------------------------ */

START_TEST(interrupt_signals_and_masks_until_ack)
{
    setup();
    ck_assert_int_eq(get(2, S_FREE), L4_NO_ERROR);
    cap_t h = slots[S_FREE].cap;
    irq_handler_invoke_set_notification(h, slots[S_NTFN_BADGED].cap);
    ck_assert_int_eq(fake_irq_unmasked[2], 1);
    ck_assert_uint_eq(irq_line(2)->badge, 0x40);
    interrupt(2);
    ck_assert_uint_eq(ntfn[0].word, 0x40);
    ck_assert_int_eq(irq_line(2)->unacked, 1);
    ck_assert_int_eq(irq_line(2)->enabled, 0);
    /* Clear and rebinding leave it masked until Ack */
    irq_handler_invoke_set_notification(h, slots[S_NTFN2].cap);
    ck_assert_int_eq(fake_irq_unmasked[2], 0);
    irq_handler_invoke_ack(h);
    ck_assert_int_eq(fake_irq_unmasked[2], 1);
    interrupt(2);
    ck_assert_uint_eq(ntfn[1].bound_active & 1, 1); /* unbadged: pending, word 0 */
    irq_handler_invoke_clear(h);
    irq_handler_invoke_ack(h);
    ck_assert_int_eq(fake_irq_unmasked[2], 0); /* nobody to signal */
    interrupt(2);                              /* a late one: counted, not delivered */
    ck_assert_int_eq(irq_line(2)->unacked, 0);
    ck_assert_uint_eq(irq_line(2)->count, 3);
    ck_assert_uint_eq(ntfn[0].word, 0x40);
    irq_handler_invoke_set_notification(h, slots[S_NTFN].cap);
    ck_assert_int_eq(fake_irq_unmasked[2], 1);
}
END_TEST

START_TEST(last_handler_deleted_masks_and_frees)
{
    setup();
    ck_assert_int_eq(get(9, S_FREE), L4_NO_ERROR);
    struct cnode_op op;
    ck_assert_int_eq(cnode_decode_copy(root, S_FREE + 1, ROOT_RADIX, root, S_FREE, ROOT_RADIX,
                                       CAP_RIGHTS_ALL, 0, 0, &op),
                     L4_NO_ERROR);
    cnode_invoke(&op);
    irq_handler_invoke_set_notification(slots[S_FREE + 1].cap, slots[S_NTFN].cap);
    ck_assert_int_eq(fake_irq_unmasked[9], 1);
    cte_delete(&slots[S_FREE]); /* a copy remains */
    ck_assert_int_eq(irq_line(9)->issued, 1);
    ck_assert_int_eq(fake_irq_unmasked[9], 1);
    ck_assert_int_eq(get(9, S_FREE + 2), L4_REVOKE_FIRST);
    cte_delete(&slots[S_FREE + 1]);
    ck_assert_int_eq(irq_line(9)->issued, 0);
    ck_assert_ptr_null(irq_line(9)->notification);
    ck_assert_int_eq(fake_irq_unmasked[9], 0);
    ck_assert_int_eq(get(9, S_FREE + 2), L4_NO_ERROR);
}
END_TEST

START_TEST(destroyed_notification_is_unbound)
{
    setup();
    ck_assert_int_eq(get(3, S_FREE), L4_NO_ERROR);
    ck_assert_int_eq(get(4, S_FREE + 1), L4_NO_ERROR);
    irq_handler_invoke_set_notification(slots[S_FREE].cap, slots[S_NTFN_BADGED].cap);
    irq_handler_invoke_set_notification(slots[S_FREE + 1].cap, slots[S_NTFN2].cap);
    cte_delete(&slots[S_NTFN_BADGED]); /* not the last capability */
    ck_assert_ptr_eq(irq_line(3)->notification, &ntfn[0]);
    cte_delete(&slots[S_NTFN]); /* the last: ntfn[0] is destroyed */
    ck_assert_ptr_null(irq_line(3)->notification);
    ck_assert_int_eq(fake_irq_unmasked[3], 0);
    ck_assert_ptr_eq(irq_line(4)->notification, &ntfn[1]); /* the other line keeps its own */
    ck_assert_int_eq(fake_irq_unmasked[4], 1);
    interrupt(3);
    ck_assert_uint_eq(ntfn[0].word, 0);
}
END_TEST

Suite *irq_suite(void)
{
    Suite *s = suite_create("irq");
    TCase *tc = tcase_create("irq");
    tcase_add_test(tc, ioapic_entry_encoding);
    tcase_add_test(tc, ioapic_lines_at_boot);
    tcase_add_test(tc, get_errors);
    tcase_add_test(tc, get_issues_once_under_control);
    tcase_add_test(tc, interrupt_signals_and_masks_until_ack);
    tcase_add_test(tc, last_handler_deleted_masks_and_frees);
    tcase_add_test(tc, destroyed_notification_is_unbound);
    suite_add_tcase(s, tc);
    return s;
}
