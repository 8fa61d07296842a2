/* SPDX-License-Identifier: MIT */
/*
 * Per-test resources of the user-level kernel tests (see utest.h).
 *
 * The root CNode's empty region (boot info) is split once: its first slot
 * holds each test's untyped, the second the runner's own object (the
 * watchdog's TCB, made from another boot untyped), the rest are handed out
 * by ut_slot() with libl4's slot allocator (<l4/alloc.h>), set up afresh
 * for each test so that slots go from the bottom up, and taken back after
 * the test. The test's untyped is retyped from the largest boot untyped
 * that is not device memory; revoking and deleting it after the test leaves
 * that boot untyped without children, so the next test reuses the same
 * memory from the start. ut_new() retypes with libl4's untyped allocator
 * over that one untyped (ut_untyped_alloc(), also what vs_tables() makes
 * tables with).
 */
#include <stdio.h>
#include <l4/alloc.h>
#include "utest_internal.h"

/* Slots past the last one handed out that are checked for leaks too. */
#define LEAK_MARGIN 16

static const struct l4_boot_info *boot;
static l4_cptr_t big_untyped;   /* boot untyped the tests' untypeds come from */
static l4_cptr_t spare_untyped; /* another one, for the runner's own objects */
static l4_cptr_t test_untyped;  /* slot of the running test's untyped */
static l4_cptr_t runner_slot;   /* the runner's own slot (the watchdog's TCB) */
static l4_cptr_t slot_base, slot_end;
static struct l4_slot_alloc slots;
static uint64_t slot_bits[L4_SLOT_BITMAP_WORDS(1u << L4_ROOT_CNODE_RADIX)];
static struct l4_untyped test_ut[1];
static struct l4_untyped_alloc test_ua;
static const struct l4_cspace_dest root_dest = {
    .root = UT_CNODE, .node_index = 0, .node_depth = 0, .cptr_offset = 0, .cptr_depth = UT_DEPTH};
static l4_cap_type_t fixed_types[L4_ROOT_SLOT_FIRST_FREE];

const struct l4_boot_info *ut_boot_info(void)
{
    return boot;
}

int ut_res_init(const struct l4_boot_info *bi, char *why, size_t len)
{
    boot = bi;
    int best = -1;
    for (l4_word_t i = 0; i < bi->num_untyped && i < L4_BOOTINFO_MAX_UNTYPED; i++) {
        const struct l4_untyped_desc *d = &bi->untyped_list[i];
        if (d->is_device || d->size_bits < UT_UNTYPED_BITS || i >= bi->untyped.count)
            continue;
        if (best < 0 || d->size_bits > bi->untyped_list[best].size_bits)
            best = (int)i;
    }
    if (best < 0) {
        snprintf(why, len, "no boot untyped of at least 2^%d bytes", UT_UNTYPED_BITS);
        return -1;
    }
    if (bi->empty.count < 2 + LEAK_MARGIN) {
        snprintf(why, len, "only %lu empty slots", (unsigned long)bi->empty.count);
        return -1;
    }
    big_untyped = bi->untyped.first + (l4_word_t)best;
    spare_untyped = L4_CPTR_NULL;
    for (l4_word_t i = 0; i < bi->num_untyped && i < bi->untyped.count; i++)
        if ((int)i != best && !bi->untyped_list[i].is_device && bi->untyped_list[i].size_bits >= 16)
            spare_untyped = bi->untyped.first + i;
    test_untyped = bi->empty.first;
    runner_slot = test_untyped + 1;
    slot_base = test_untyped + 2;
    slot_end = bi->empty.first + bi->empty.count;
    if (slot_end - slot_base > (1u << L4_ROOT_CNODE_RADIX)) {
        snprintf(why, len, "%lu empty slots: more than a root CNode holds",
                 (unsigned long)bi->empty.count);
        return -1;
    }
    for (l4_cptr_t s = 0; s < L4_ROOT_SLOT_FIRST_FREE; s++)
        fixed_types[s] = l4_debug_cap_identify(s);
    l4_printf("# tests' untypeds from slot %lu (2^%u bytes); test slots %lu..%lu\n",
              (unsigned long)big_untyped, bi->untyped_list[best].size_bits,
              (unsigned long)slot_base, (unsigned long)slot_end - 1);
    return 0;
}

l4_cptr_t ut_res_runner_object(l4_object_type_t type)
{
    if (spare_untyped == L4_CPTR_NULL)
        return L4_CPTR_NULL;
    l4_error_t e = l4_untyped_retype(spare_untyped, type, 0, UT_CNODE, 0, 0, runner_slot, 1);
    return e == L4_NO_ERROR ? runner_slot : L4_CPTR_NULL;
}

l4_cptr_t ut_untyped(void)
{
    return test_untyped;
}

struct l4_untyped_alloc *ut_untyped_alloc(void)
{
    return &test_ua;
}

/* Every slot of [slot_base, slot_end) free again. */
static void slots_reset(void)
{
    slots = (struct l4_slot_alloc){0}; /* no slots at all if none are left */
    if (slot_end > slot_base)
        l4_slot_alloc_init(&slots, slot_base, slot_end - slot_base, slot_bits,
                           sizeof slot_bits / sizeof slot_bits[0]);
}

l4_cptr_t ut_slots(unsigned n)
{
    l4_word_t first;
    if (n == 0 || l4_slot_alloc_range(&slots, n, &first) != L4_NO_ERROR) {
        ut_fail(__FILE__, __LINE__, "ut_slots(%u): only %lu slots left", n,
                (unsigned long)slots.nfree);
        return 0;
    }
    return first;
}

l4_cptr_t ut_slot(void)
{
    return ut_slots(1);
}

l4_cptr_t ut_new(l4_object_type_t type, l4_word_t size_bits)
{
    struct l4_object o;
    l4_error_t e = l4_untyped_alloc_object(&test_ua, type, size_bits, 0, &o);
    if (e == L4_NOT_ENOUGH_MEMORY && test_ut[0].live) {
        /* Tests also retype from, revoke and delete in their untyped behind
         * the allocator's back, so its watermark may be ahead of the
         * kernel's: forget it and let the kernel decide. */
        test_ut[0].live = 0;
        test_ut[0].watermark = 0;
        e = l4_untyped_alloc_object(&test_ua, type, size_bits, 0, &o);
    }
    if (e != L4_NO_ERROR) {
        ut_fail(__FILE__, __LINE__, "ut_new(%s, %lu): Retype failed: %s", l4_cap_type_name(type),
                (unsigned long)size_bits, l4_error_name(e));
        return 0;
    }
    return o.cap;
}

int ut_res_begin(void)
{
    slots_reset();
    l4_untyped_alloc_init(&test_ua, test_ut, 1, &slots, &root_dest);
    ut_threads_reset();
    l4_error_t e = l4_untyped_retype(big_untyped, L4_OBJECT_UNTYPED, UT_UNTYPED_BITS, UT_CNODE, 0,
                                     0, test_untyped, 1);
    if (e != L4_NO_ERROR) {
        ut_fail(__FILE__, __LINE__, "setup: retyping the test's untyped failed: %s",
                l4_error_name(e));
        return -1;
    }
    /* the test's untyped is not device memory; its paddr is not needed */
    l4_untyped_alloc_add(&test_ua, test_untyped, UT_UNTYPED_BITS, 0, false);
    return 0;
}

/* Report and delete what is left in [first, end); returns the slot after
 * the last one that could not be emptied (first if none). */
static l4_cptr_t sweep(l4_cptr_t first, l4_cptr_t end)
{
    l4_cptr_t stuck_end = first;
    for (l4_cptr_t s = first; s < end; s++) {
        l4_cap_type_t t = l4_debug_cap_identify(s);
        if (t == L4_CAP_NULL)
            continue;
        ut_fail(__FILE__, __LINE__, "leak: slot %lu still holds a %s capability after the test",
                (unsigned long)s, l4_cap_type_name(t));
        l4_cnode_delete(UT_CNODE, s, UT_DEPTH);
        if (l4_debug_cap_identify(s) != L4_CAP_NULL)
            stuck_end = s + 1;
    }
    return stuck_end;
}

void ut_res_end(void)
{
    l4_error_t e = l4_cnode_revoke(UT_CNODE, test_untyped, UT_DEPTH);
    if (e != L4_NO_ERROR)
        ut_fail(__FILE__, __LINE__, "teardown: Revoke of the test's untyped failed: %s",
                l4_error_name(e));
    e = l4_cnode_delete(UT_CNODE, test_untyped, UT_DEPTH);
    if (e != L4_NO_ERROR)
        ut_fail(__FILE__, __LINE__, "teardown: Delete of the test's untyped failed: %s",
                l4_error_name(e));
    if (l4_debug_cap_identify(test_untyped) != L4_CAP_NULL)
        ut_fail(__FILE__, __LINE__, "teardown: the test's untyped slot is not empty");

    l4_cptr_t high = l4_slot_alloc_high(&slots);
    l4_cptr_t end = high + LEAK_MARGIN < slot_end ? high + LEAK_MARGIN : slot_end;
    l4_cptr_t stuck_end = sweep(slot_base, end);
    if (stuck_end > slot_base) {
        /* never hand out a slot that cannot be emptied again */
        l4_printf("# slots %lu..%lu are lost to the following tests\n", (unsigned long)slot_base,
                  (unsigned long)stuck_end - 1);
        slot_base = stuck_end;
    }
    slots_reset();
    ut_threads_reset();
}

int ut_res_intact(void)
{
    int ok = 1;
    for (l4_cptr_t s = 1; s < L4_ROOT_SLOT_FIRST_FREE; s++) {
        l4_cap_type_t t = l4_debug_cap_identify(s);
        if (t != fixed_types[s]) {
            l4_printf("# root slot %lu changed from %s to %s\n", (unsigned long)s,
                      l4_cap_type_name(fixed_types[s]), l4_cap_type_name(t));
            ok = 0;
        }
    }
    if (l4_debug_cap_identify(big_untyped) != L4_CAP_UNTYPED) {
        l4_printf("# the boot untyped in slot %lu is gone\n", (unsigned long)big_untyped);
        ok = 0;
    }
    return ok;
}
