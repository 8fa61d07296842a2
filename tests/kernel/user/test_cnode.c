/* SPDX-License-Identifier: MIT */
/*
 * User-level tests of the CNode invocations (libl4/spec/invocations.toml):
 * Copy, Mint, Move, Mutate, Delete and Revoke, each on its success path and
 * with every error it documents. Slots are observed with DebugCapIdentify;
 * rights and badges through their effect on notifications (Signal needs
 * Write and ORs in the badge, Poll needs Read and returns the word).
 */
#include "utest.h"

/* The invocations on root slots (cptr = slot number, depth 64). */
static l4_error_t copy(l4_cptr_t dest, l4_cptr_t src, l4_cap_rights_t rights)
{
    return l4_cnode_copy(UT_CNODE, dest, UT_DEPTH, UT_CNODE, src, UT_DEPTH, rights);
}

static l4_error_t mint(l4_cptr_t dest, l4_cptr_t src, l4_cap_rights_t rights, l4_word_t badge)
{
    return l4_cnode_mint(UT_CNODE, dest, UT_DEPTH, UT_CNODE, src, UT_DEPTH, rights, badge);
}

static l4_error_t move(l4_cptr_t dest, l4_cptr_t src)
{
    return l4_cnode_move(UT_CNODE, dest, UT_DEPTH, UT_CNODE, src, UT_DEPTH);
}

static l4_error_t mutate(l4_cptr_t dest, l4_cptr_t src, l4_word_t badge)
{
    return l4_cnode_mutate(UT_CNODE, dest, UT_DEPTH, UT_CNODE, src, UT_DEPTH, badge);
}

static l4_error_t revoke(l4_cptr_t slot)
{
    return l4_cnode_revoke(UT_CNODE, slot, UT_DEPTH);
}

/* --- Copy ------------------------------------------------------------------ */

UTEST(copy_endpoint, "Copy puts a second capability to the object in an empty slot")
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0), c = ut_slot();
    UT_OK(copy(c, ep, L4_CAP_RIGHTS_ALL));
    UT_EQ(ut_id(c), L4_CAP_ENDPOINT);
    UT_EQ(ut_id(ep), L4_CAP_ENDPOINT);
}

UTEST(copy_dest_occupied, "Copy into an occupied slot is DeleteFirst and changes neither slot")
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0), n = ut_new(L4_OBJECT_NOTIFICATION, 0);
    UT_ERR(copy(n, ep, L4_CAP_RIGHTS_ALL), L4_DELETE_FIRST);
    UT_EQ(ut_id(n), L4_CAP_NOTIFICATION);
    UT_EQ(ut_id(ep), L4_CAP_ENDPOINT);
}

UTEST(copy_src_empty, "Copy from an empty slot is FailedLookup of the source (detail 1)")
{
    l4_cptr_t empty = ut_slot(), c = ut_slot();
    UT_ERR(copy(c, empty, L4_CAP_RIGHTS_ALL), L4_FAILED_LOOKUP);
    UT_EQ(l4_get_mr(0), 1);
    UT_EQ(ut_id(c), L4_CAP_NULL);
}

UTEST(copy_dest_unresolved, "a destination that does not resolve is FailedLookup (detail 0)")
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0), c = ut_slot();
    /* 32 bits cannot pass the root CNode's 52-bit guard and 12-bit radix */
    UT_ERR(l4_cnode_copy(UT_CNODE, c, 32, UT_CNODE, ep, UT_DEPTH, L4_CAP_RIGHTS_ALL),
           L4_FAILED_LOOKUP);
    UT_EQ(l4_get_mr(0), 0);
    /* bits above the slot number break the guard */
    UT_ERR(l4_cnode_copy(UT_CNODE, c | (UINT64_C(1) << 40), UT_DEPTH, UT_CNODE, ep, UT_DEPTH,
                         L4_CAP_RIGHTS_ALL),
           L4_FAILED_LOOKUP);
    UT_EQ(ut_id(c), L4_CAP_NULL);
}

UTEST(copy_depth_range, "a depth of 0 or 65, destination or source, is a RangeError")
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0), c = ut_slot();
    UT_ERR(l4_cnode_copy(UT_CNODE, c, 0, UT_CNODE, ep, UT_DEPTH, L4_CAP_RIGHTS_ALL),
           L4_RANGE_ERROR);
    UT_ERR(l4_cnode_copy(UT_CNODE, c, 65, UT_CNODE, ep, UT_DEPTH, L4_CAP_RIGHTS_ALL),
           L4_RANGE_ERROR);
    UT_ERR(l4_cnode_copy(UT_CNODE, c, UT_DEPTH, UT_CNODE, ep, 0, L4_CAP_RIGHTS_ALL),
           L4_RANGE_ERROR);
    UT_ERR(l4_cnode_copy(UT_CNODE, c, UT_DEPTH, UT_CNODE, ep, 65, L4_CAP_RIGHTS_ALL),
           L4_RANGE_ERROR);
    UT_EQ(ut_id(c), L4_CAP_NULL);
}

UTEST(copy_uncopyable, "Untyped, IRQControl and IOPortControl cannot be copied "
                       "(IllegalOperation)")
{
    static const l4_cptr_t control[] = {L4_ROOT_SLOT_IRQ_CONTROL, L4_ROOT_SLOT_IOPORT_CONTROL};
    l4_cptr_t u = ut_new(L4_OBJECT_UNTYPED, 12), c = ut_slot();
    UT_ERR(copy(c, u, L4_CAP_RIGHTS_ALL), L4_ILLEGAL_OPERATION);
    UT_ERR(mint(c, u, L4_CAP_RIGHTS_ALL, 0), L4_ILLEGAL_OPERATION);
    UT_EQ(ut_id(c), L4_CAP_NULL);
    for (unsigned i = 0; i < 2; i++) {
        l4_error_t e = copy(c, control[i], L4_CAP_RIGHTS_ALL);
        if (e == L4_NO_ERROR) /* the copy is not from the test's untyped */
            ut_delete(c);
        UT_ERR(e, L4_ILLEGAL_OPERATION);
        UT_EQ(ut_id(c), L4_CAP_NULL);
    }
}

UTEST(copy_src_root_not_cnode, "a source root that is not a CNode is InvalidCapability "
                               "(argument 2)")
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0), c = ut_slot();
    UT_ERR(l4_cnode_copy(UT_CNODE, c, UT_DEPTH, ep, 0, 1, L4_CAP_RIGHTS_ALL),
           L4_INVALID_CAPABILITY);
    UT_EQ(l4_get_mr(0), L4_ARG_CNODE_COPY_SRC_ROOT);
    UT_ERR(l4_cnode_copy(UT_CNODE, c, UT_DEPTH, ut_slot(), ep, UT_DEPTH, L4_CAP_RIGHTS_ALL),
           L4_INVALID_CAPABILITY);
    UT_EQ(ut_id(c), L4_CAP_NULL);
}

UTEST(cnode_label_on_wrong_cap, "CNode invocations on another kernel object are "
                                "IllegalOperation")
{
    /* (a Call on an endpoint or notification is IPC, not an invocation) */
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0), tcb = ut_new(L4_OBJECT_TCB, 0), c = ut_slot();
    UT_ERR(l4_cnode_copy(tcb, c, UT_DEPTH, UT_CNODE, ep, UT_DEPTH, L4_CAP_RIGHTS_ALL),
           L4_ILLEGAL_OPERATION);
    UT_ERR(l4_cnode_delete(ut_untyped(), ep, UT_DEPTH), L4_ILLEGAL_OPERATION);
    UT_ERR(l4_cnode_revoke(tcb, ep, UT_DEPTH), L4_ILLEGAL_OPERATION);
    UT_ERR(l4_cnode_move(L4_ROOT_SLOT_TCB, c, UT_DEPTH, UT_CNODE, ep, UT_DEPTH),
           L4_ILLEGAL_OPERATION);
    UT_ERR(l4_cnode_delete(ut_slot(), ep, UT_DEPTH), L4_INVALID_CAPABILITY);
    UT_EQ(ut_id(ep), L4_CAP_ENDPOINT);
    UT_EQ(ut_id(c), L4_CAP_NULL);
}

UTEST(copy_truncated, "a Copy message short of words or of its source root is "
                      "TruncatedMessage")
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0), c = ut_slot();
    l4_word_t mrs[L4_MSG_REGISTERS] = {c, UT_DEPTH, ep, UT_DEPTH};
    l4_ipc_buffer()->caps_or_badges[L4_XCAP_CNODE_COPY_SRC_ROOT] = UT_CNODE;
    l4_ipc_buffer()->msg[4] = L4_CAP_RIGHTS_ALL;
    UT_ERR(l4_call_mrs(UT_CNODE, l4_msginfo_new(L4_LABEL_CNODE_COPY, 0, 1, 4), NULL, mrs),
           L4_TRUNCATED_MESSAGE);
    l4_word_t mrs2[L4_MSG_REGISTERS] = {c, UT_DEPTH, ep, UT_DEPTH};
    UT_ERR(l4_call_mrs(UT_CNODE, l4_msginfo_new(L4_LABEL_CNODE_COPY, 0, 0, 5), NULL, mrs2),
           L4_TRUNCATED_MESSAGE);
    UT_EQ(ut_id(c), L4_CAP_NULL);
}

/* --- Rights and badges ------------------------------------------------------- */

UTEST(copy_rights_no_write, "a copy without Write cannot signal, even after a copy asking for "
                            "all rights")
{
    l4_cptr_t n = ut_new(L4_OBJECT_NOTIFICATION, 0), b = ut_slot(), r = ut_slot(), r2 = ut_slot();
    UT_OK(mint(b, n, L4_CAP_RIGHTS_ALL, 0x10));
    UT_OK(copy(r, b, L4_CAP_RIGHTS_READ));
    UT_OK(copy(r2, r, L4_CAP_RIGHTS_ALL)); /* rights only ever shrink */
    UT_ERR(l4_signal(r), L4_INVALID_CAPABILITY);
    UT_ERR(l4_signal(r2), L4_INVALID_CAPABILITY);
    UT_EQ(ut_poll_word(n), 0);
    UT_OK(l4_signal(b));
    UT_EQ(ut_poll_word(n), 0x10);
}

UTEST(copy_rights_no_read, "a copy without Read cannot poll the notification")
{
    l4_cptr_t n = ut_new(L4_OBJECT_NOTIFICATION, 0), b = ut_slot(), w = ut_slot();
    UT_OK(mint(b, n, L4_CAP_RIGHTS_ALL, 0x3));
    UT_OK(copy(w, n, L4_CAP_RIGHTS_WRITE));
    UT_OK(l4_signal(b));
    l4_word_t word = 0;
    UT_ERR(l4_poll(w, &word), L4_INVALID_CAPABILITY);
    UT_EQ(ut_poll_word(n), 0x3); /* the failed poll did not consume the signal */
}

UTEST(mint_badge_delivered, "Mint sets the badge that a signal through the copy ORs in")
{
    l4_cptr_t n = ut_new(L4_OBJECT_NOTIFICATION, 0), b1 = ut_slot(), b2 = ut_slot(), c = ut_slot();
    UT_OK(mint(b1, n, L4_CAP_RIGHTS_ALL, 0x1200));
    UT_OK(mint(b2, n, L4_CAP_RIGHTS_ALL, 0x0034));
    UT_OK(copy(c, b1, L4_CAP_RIGHTS_ALL)); /* a copy keeps the badge */
    UT_OK(l4_signal(c));
    UT_OK(l4_signal(b2));
    UT_EQ(ut_poll_word(n), 0x1234);
    UT_EQ(ut_poll_word(n), 0); /* Poll cleared it */
    UT_OK(l4_signal(n));       /* unbadged: ORs in 0 */
    UT_EQ(ut_poll_word(n), 0);
}

UTEST(mint_badge_once, "Mint from an already badged capability is IllegalOperation")
{
    l4_cptr_t n = ut_new(L4_OBJECT_NOTIFICATION, 0), b = ut_slot(), c = ut_slot();
    UT_OK(mint(b, n, L4_CAP_RIGHTS_ALL, 5));
    UT_ERR(mint(c, b, L4_CAP_RIGHTS_ALL, 6), L4_ILLEGAL_OPERATION);
    UT_EQ(ut_id(c), L4_CAP_NULL);
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0), eb = ut_slot();
    UT_OK(mint(eb, ep, L4_CAP_RIGHTS_ALL, 5));
    UT_ERR(mint(c, eb, L4_CAP_RIGHTS_ALL, 6), L4_ILLEGAL_OPERATION);
    UT_EQ(ut_id(c), L4_CAP_NULL);
}

UTEST(mint_badge_too_wide, "a badge that does not fit badge_bits is a RangeError")
{
    l4_cptr_t n = ut_new(L4_OBJECT_NOTIFICATION, 0), c = ut_slot();
    UT_ERR(mint(c, n, L4_CAP_RIGHTS_ALL, UINT64_C(1) << L4_BADGE_BITS), L4_RANGE_ERROR);
    UT_ERR(mint(c, n, L4_CAP_RIGHTS_ALL, ~(l4_word_t)0), L4_RANGE_ERROR);
    UT_EQ(ut_id(c), L4_CAP_NULL);
    UT_OK(mint(c, n, L4_CAP_RIGHTS_ALL, (UINT64_C(1) << L4_BADGE_BITS) - 1));
    UT_OK(l4_signal(c));
    UT_EQ(ut_poll_word(n), (UINT64_C(1) << L4_BADGE_BITS) - 1);
}

UTEST(mint_badge_on_tcb, "a non-zero badge on a type without badges is IllegalOperation")
{
    l4_cptr_t t = ut_new(L4_OBJECT_TCB, 0), c = ut_slot();
    UT_ERR(mint(c, t, L4_CAP_RIGHTS_ALL, 1), L4_ILLEGAL_OPERATION);
    UT_EQ(ut_id(c), L4_CAP_NULL);
    UT_OK(mint(c, t, L4_CAP_RIGHTS_ALL, 0));
    UT_EQ(ut_id(c), L4_CAP_TCB);
}

UTEST(mint_cnode_guard, "Mint gives a CNode a guard that lookups through it must match")
{
    l4_cptr_t sub = ut_new(L4_OBJECT_CNODE, 4), g = ut_slot(), bad = ut_slot();
    l4_cptr_t n = ut_new(L4_OBJECT_NOTIFICATION, 0), out = ut_slot();
    /* guard 0b101 (3 bits) on a radix-4 CNode: 7 bits name a slot */
    UT_OK(mint(g, sub, L4_CAP_RIGHTS_ALL, l4_cnode_guard_new(5, 3)));
    UT_OK(l4_cnode_copy(g, (5 << 4) | 9, 7, UT_CNODE, n, UT_DEPTH, L4_CAP_RIGHTS_ALL));
    /* the same slot without the guard bits, or with other ones, fails */
    UT_ERR(l4_cnode_copy(UT_CNODE, out, UT_DEPTH, g, 9, 4, L4_CAP_RIGHTS_ALL), L4_FAILED_LOOKUP);
    UT_ERR(l4_cnode_copy(UT_CNODE, out, UT_DEPTH, g, (6 << 4) | 9, 7, L4_CAP_RIGHTS_ALL),
           L4_FAILED_LOOKUP);
    /* through the unguarded original it is slot 9 */
    UT_OK(l4_cnode_move(UT_CNODE, out, UT_DEPTH, sub, 9, 4));
    UT_EQ(ut_id(out), L4_CAP_NOTIFICATION);
    /* guard size beyond 64 - radix, a value wider than its size: RangeError */
    UT_ERR(mint(bad, sub, L4_CAP_RIGHTS_ALL, l4_cnode_guard_new(0, 64 - 4 + 1)), L4_RANGE_ERROR);
    UT_ERR(mint(bad, sub, L4_CAP_RIGHTS_ALL, l4_cnode_guard_new(8, 3)), L4_RANGE_ERROR);
    UT_ERR(mint(bad, sub, L4_CAP_RIGHTS_ALL, l4_cnode_guard_new(UINT64_C(1) << L4_GUARD_BITS, 60)),
           L4_RANGE_ERROR);
    UT_EQ(ut_id(bad), L4_CAP_NULL);
    UT_OK(mint(bad, sub, L4_CAP_RIGHTS_ALL, l4_cnode_guard_new(0, 64 - 4)));
    UT_EQ(ut_id(bad), L4_CAP_CNODE);
}

/* --- Move and Mutate ------------------------------------------------------------ */

UTEST(move_endpoint, "Move empties the source and fills the destination")
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0), d = ut_slot();
    UT_OK(move(d, ep));
    UT_EQ(ut_id(ep), L4_CAP_NULL);
    UT_EQ(ut_id(d), L4_CAP_ENDPOINT);
}

UTEST(move_errors, "Move: occupied destination, empty source, bad depths")
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0), n = ut_new(L4_OBJECT_NOTIFICATION, 0);
    l4_cptr_t empty = ut_slot(), d = ut_slot();
    UT_ERR(move(n, ep), L4_DELETE_FIRST);
    UT_ERR(move(d, empty), L4_FAILED_LOOKUP);
    UT_EQ(l4_get_mr(0), 1);
    UT_ERR(l4_cnode_move(UT_CNODE, d, 0, UT_CNODE, ep, UT_DEPTH), L4_RANGE_ERROR);
    UT_ERR(l4_cnode_move(UT_CNODE, d, UT_DEPTH, UT_CNODE, ep, 65), L4_RANGE_ERROR);
    UT_ERR(l4_cnode_move(UT_CNODE, d, 32, UT_CNODE, ep, UT_DEPTH), L4_FAILED_LOOKUP);
    UT_EQ(ut_id(ep), L4_CAP_ENDPOINT);
    UT_EQ(ut_id(n), L4_CAP_NOTIFICATION);
    UT_EQ(ut_id(d), L4_CAP_NULL);
}

UTEST(move_untyped, "an Untyped can be moved, and retypes from its new slot")
{
    l4_cptr_t u = ut_new(L4_OBJECT_UNTYPED, 12), d = ut_slot(), obj = ut_slot();
    UT_OK(move(d, u));
    UT_EQ(ut_id(u), L4_CAP_NULL);
    UT_EQ(ut_id(d), L4_CAP_UNTYPED);
    UT_OK(l4_untyped_retype(d, L4_OBJECT_ENDPOINT, 0, UT_CNODE, 0, 0, obj, 1));
    UT_EQ(ut_id(obj), L4_CAP_ENDPOINT);
}

UTEST(move_between_cnodes, "Copy and Move into another CNode and back, at its own depth")
{
    l4_cptr_t sub = ut_new(L4_OBJECT_CNODE, 2), ep = ut_new(L4_OBJECT_ENDPOINT, 0);
    l4_cptr_t back = ut_slot();
    UT_OK(l4_cnode_copy(sub, 3, 2, UT_CNODE, ep, UT_DEPTH, L4_CAP_RIGHTS_ALL));
    UT_ERR(l4_cnode_copy(sub, 3, 2, UT_CNODE, ep, UT_DEPTH, L4_CAP_RIGHTS_ALL), L4_DELETE_FIRST);
    UT_ERR(l4_cnode_copy(sub, 3, 3, UT_CNODE, ep, UT_DEPTH, L4_CAP_RIGHTS_ALL), L4_FAILED_LOOKUP);
    UT_OK(l4_cnode_move(sub, 0, 2, sub, 3, 2));
    UT_OK(l4_cnode_move(UT_CNODE, back, UT_DEPTH, sub, 0, 2));
    UT_EQ(ut_id(back), L4_CAP_ENDPOINT);
    UT_ERR(l4_cnode_move(UT_CNODE, ut_slot(), UT_DEPTH, sub, 0, 2), L4_FAILED_LOOKUP);
}

UTEST(mutate_sets_badge, "Mutate moves an unbadged capability and gives it a badge")
{
    l4_cptr_t n = ut_new(L4_OBJECT_NOTIFICATION, 0), m = ut_slot();
    UT_OK(mutate(m, n, 0x77));
    UT_EQ(ut_id(n), L4_CAP_NULL);
    UT_EQ(ut_id(m), L4_CAP_NOTIFICATION);
    UT_OK(l4_signal(m));
    UT_EQ(ut_poll_word(m), 0x77);
}

UTEST(mutate_errors, "Mutate: badged source, badge on a TCB, wide badge, slot errors")
{
    l4_cptr_t n = ut_new(L4_OBJECT_NOTIFICATION, 0), b = ut_slot(), d = ut_slot();
    l4_cptr_t t = ut_new(L4_OBJECT_TCB, 0), empty = ut_slot();
    UT_OK(mint(b, n, L4_CAP_RIGHTS_ALL, 1));
    UT_ERR(mutate(d, b, 2), L4_ILLEGAL_OPERATION);
    UT_EQ(ut_id(b), L4_CAP_NOTIFICATION);
    UT_ERR(mutate(d, t, 1), L4_ILLEGAL_OPERATION);
    UT_EQ(ut_id(t), L4_CAP_TCB);
    l4_cptr_t fresh = ut_new(L4_OBJECT_NOTIFICATION, 0); /* n has a child (b) */
    UT_ERR(mutate(d, fresh, UINT64_C(1) << L4_BADGE_BITS), L4_RANGE_ERROR);
    UT_EQ(ut_id(fresh), L4_CAP_NOTIFICATION);
    UT_ERR(mutate(b, n, 3), L4_DELETE_FIRST);
    UT_ERR(mutate(d, empty, 3), L4_FAILED_LOOKUP);
    UT_ERR(l4_cnode_mutate(UT_CNODE, d, 65, UT_CNODE, n, UT_DEPTH, 3), L4_RANGE_ERROR);
    UT_EQ(ut_id(d), L4_CAP_NULL);
    UT_EQ(ut_id(n), L4_CAP_NOTIFICATION);
    UT_OK(mutate(d, t, 0));
    UT_EQ(ut_id(d), L4_CAP_TCB);
}

/* --- Delete and Revoke ------------------------------------------------------------ */

UTEST(delete_slot, "Delete empties a slot; deleting an empty slot succeeds")
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0), c = ut_slot();
    UT_OK(copy(c, ep, L4_CAP_RIGHTS_ALL));
    UT_OK(ut_delete(c));
    UT_EQ(ut_id(c), L4_CAP_NULL);
    UT_EQ(ut_id(ep), L4_CAP_ENDPOINT);
    UT_OK(ut_delete(c));
    UT_EQ(ut_id(c), L4_CAP_NULL);
}

UTEST(delete_errors, "Delete: depth 0 or 65 is a RangeError, an unresolved slot FailedLookup")
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0);
    UT_ERR(l4_cnode_delete(UT_CNODE, ep, 0), L4_RANGE_ERROR);
    UT_ERR(l4_cnode_delete(UT_CNODE, ep, 65), L4_RANGE_ERROR);
    UT_ERR(l4_cnode_delete(UT_CNODE, ep, 32), L4_FAILED_LOOKUP);
    UT_ERR(l4_cnode_delete(UT_CNODE, ep | (UINT64_C(1) << 50), UT_DEPTH), L4_FAILED_LOOKUP);
    UT_EQ(ut_id(ep), L4_CAP_ENDPOINT);
}

UTEST(delete_last_cap_frees, "deleting the last capability destroys the object: its memory is "
                             "reusable")
{
    l4_cptr_t u = ut_new(L4_OBJECT_UNTYPED, 12), a = ut_slot(), c = ut_slot(), d = ut_slot();
    UT_OK(l4_untyped_retype(u, L4_OBJECT_CNODE, 7, UT_CNODE, 0, 0, a, 1)); /* 4 KiB */
    UT_OK(copy(c, a, L4_CAP_RIGHTS_ALL));
    UT_OK(ut_delete(a));
    /* a copy remains: the CNode still takes all of u */
    UT_ERR(l4_untyped_retype(u, L4_OBJECT_CNODE, 7, UT_CNODE, 0, 0, d, 1), L4_NOT_ENOUGH_MEMORY);
    UT_OK(ut_delete(c));
    UT_OK(l4_untyped_retype(u, L4_OBJECT_CNODE, 7, UT_CNODE, 0, 0, d, 1));
}

UTEST(delete_cnode_deletes_contents, "destroying a CNode deletes the capabilities in it")
{
    l4_cptr_t u = ut_new(L4_OBJECT_UNTYPED, 10), cn = ut_slot(), again = ut_slot();
    /* a radix-2 CNode (128 bytes) and, inside it, a notification, both from u */
    UT_OK(l4_untyped_retype(u, L4_OBJECT_CNODE, 2, UT_CNODE, 0, 0, cn, 1));
    UT_OK(l4_untyped_retype(u, L4_OBJECT_NOTIFICATION, 0, UT_CNODE, cn, UT_DEPTH, 1, 1));
    UT_OK(ut_delete(cn));
    /* nothing made from u is left, so all of it is free again */
    UT_OK(l4_untyped_retype(u, L4_OBJECT_UNTYPED, 10, UT_CNODE, 0, 0, again, 1));
}

UTEST(revoke_derived_tree, "Revoke deletes exactly the capabilities derived from one, at every "
                           "level")
{
    l4_cptr_t n = ut_new(L4_OBJECT_NOTIFICATION, 0);
    l4_cptr_t b1 = ut_slot(), c1 = ut_slot(), c2 = ut_slot(), u1 = ut_slot(), b2 = ut_slot();
    UT_OK(mint(b1, n, L4_CAP_RIGHTS_ALL, 1)); /* badged: a new original under n */
    UT_OK(copy(c1, b1, L4_CAP_RIGHTS_ALL));
    UT_OK(copy(c2, c1, L4_CAP_RIGHTS_ALL));
    UT_OK(copy(u1, n, L4_CAP_RIGHTS_ALL));
    UT_OK(mint(b2, n, L4_CAP_RIGHTS_ALL, 2));
    UT_OK(revoke(b1)); /* its copies go; b1, n and the rest stay */
    UT_EQ(ut_id(c1), L4_CAP_NULL);
    UT_EQ(ut_id(c2), L4_CAP_NULL);
    UT_EQ(ut_id(b1), L4_CAP_NOTIFICATION);
    UT_EQ(ut_id(u1), L4_CAP_NOTIFICATION);
    UT_EQ(ut_id(b2), L4_CAP_NOTIFICATION);
    UT_OK(copy(c1, b1, L4_CAP_RIGHTS_ALL));
    UT_OK(revoke(n)); /* everything derived from the original goes */
    UT_EQ(ut_id(b1), L4_CAP_NULL);
    UT_EQ(ut_id(c1), L4_CAP_NULL);
    UT_EQ(ut_id(u1), L4_CAP_NULL);
    UT_EQ(ut_id(b2), L4_CAP_NULL);
    UT_EQ(ut_id(n), L4_CAP_NOTIFICATION);
    UT_OK(l4_signal(n));
    UT_EQ(ut_poll_word(n), 0); /* the object itself lives on */
}

UTEST(revoke_untyped_tree, "Revoke of an untyped deletes its children and their children")
{
    l4_cptr_t u = ut_new(L4_OBJECT_UNTYPED, 16), child = ut_slot(), ep = ut_slot();
    l4_cptr_t cn = ut_slot(), c = ut_slot(), inner = ut_slot();
    UT_OK(l4_untyped_retype(u, L4_OBJECT_UNTYPED, 14, UT_CNODE, 0, 0, child, 1));
    UT_OK(l4_untyped_retype(child, L4_OBJECT_ENDPOINT, 0, UT_CNODE, 0, 0, ep, 1));
    UT_OK(l4_untyped_retype(child, L4_OBJECT_CNODE, 3, UT_CNODE, 0, 0, cn, 1));
    UT_OK(copy(c, ep, L4_CAP_RIGHTS_ALL));
    UT_OK(l4_cnode_copy(cn, 1, 3, UT_CNODE, ep, UT_DEPTH, L4_CAP_RIGHTS_ALL));
    UT_OK(revoke(u));
    UT_EQ(ut_id(u), L4_CAP_UNTYPED);
    UT_EQ(ut_id(child), L4_CAP_NULL);
    UT_EQ(ut_id(ep), L4_CAP_NULL);
    UT_EQ(ut_id(cn), L4_CAP_NULL);
    UT_EQ(ut_id(c), L4_CAP_NULL);
    UT_OK(l4_untyped_retype(u, L4_OBJECT_UNTYPED, 16, UT_CNODE, 0, 0, inner, 1));
}

UTEST(revoke_without_children, "Revoke of a capability without children, or of an empty slot, "
                               "succeeds and changes nothing")
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0), empty = ut_slot();
    UT_OK(revoke(ep));
    UT_EQ(ut_id(ep), L4_CAP_ENDPOINT);
    UT_OK(revoke(empty));
    UT_EQ(ut_id(empty), L4_CAP_NULL);
}

UTEST(revoke_errors, "Revoke: depth 0 or 65 is a RangeError, an unresolved slot FailedLookup")
{
    l4_cptr_t n = ut_new(L4_OBJECT_NOTIFICATION, 0), c = ut_slot();
    UT_OK(copy(c, n, L4_CAP_RIGHTS_ALL));
    UT_ERR(l4_cnode_revoke(UT_CNODE, n, 0), L4_RANGE_ERROR);
    UT_ERR(l4_cnode_revoke(UT_CNODE, n, 65), L4_RANGE_ERROR);
    UT_ERR(l4_cnode_revoke(UT_CNODE, n, 32), L4_FAILED_LOOKUP);
    UT_EQ(ut_id(c), L4_CAP_NOTIFICATION); /* none of them revoked anything */
}

UTEST(delete_deep_cnode_chain,
      "deleting the head of a 2500-deep chain of CNodes, each holding the only capability to "
      "the next, destroys them all without exhausting the kernel stack")
{
    /* 2500 leaves room in the root CNode's 4096 slots for the boot-time ones
     * (image, stack, the root ELF module's frames: they grow with the test
     * program) and is still far deeper than any recursion could go */
    enum { CHAIN = 2500 };
    /* radix-1 CNodes: 64 bytes each, so the chain fits the test's untyped */
    l4_cptr_t first = ut_slots(CHAIN);
    UT_OK(l4_untyped_retype(ut_untyped(), L4_OBJECT_CNODE, 1, UT_CNODE, 0, 0, first, 255));
    for (l4_word_t done = 255; done < CHAIN; done += 255) {
        l4_word_t n = CHAIN - done < 255 ? CHAIN - done : 255;
        UT_OK(l4_untyped_retype(ut_untyped(), L4_OBJECT_CNODE, 1, UT_CNODE, 0, 0, first + done, n));
    }
    /* from the tail: move CNode i+1's only capability into slot 0 of CNode i
     * (a radix-1 CNode with no guard: slot 0 is index 0, depth 1) */
    for (l4_word_t i = CHAIN - 1; i > 0; i--)
        UT_OK(l4_cnode_move(first + i - 1, 0, 1, UT_CNODE, first + i, UT_DEPTH));
    UT_EQ(l4_debug_cap_identify(first + 1), L4_CAP_NULL);
    UT_EQ(l4_debug_cap_identify(first), L4_CAP_CNODE);
    UT_OK(l4_cnode_delete(UT_CNODE, first, UT_DEPTH));
    UT_EQ(l4_debug_cap_identify(first), L4_CAP_NULL);
    UT_EQ(l4_debug_check_invariants(), 0);
    /* nothing made from the untyped is left: its memory is reused from the start */
    l4_cptr_t s = ut_slot();
    UT_OK(
        l4_untyped_retype(ut_untyped(), L4_OBJECT_UNTYPED, UT_UNTYPED_BITS, UT_CNODE, 0, 0, s, 1));
}
