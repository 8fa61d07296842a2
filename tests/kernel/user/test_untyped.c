/* SPDX-License-Identifier: MIT */
/*
 * User-level tests of Untyped Retype (libl4/spec/invocations.toml): every
 * object type, the object count and size limits, the destination CNode and
 * slots, memory exhaustion, alignment, reuse after revoke and delete,
 * splitting, device memory and short messages. Slots are observed with
 * DebugCapIdentify.
 */
#include "utest.h"

#define UT_SIZE (UINT64_C(1) << UT_UNTYPED_BITS)

static l4_error_t retype(l4_cptr_t ut, l4_object_type_t type, l4_word_t size_bits, l4_cptr_t slot,
                         l4_word_t n)
{
    return l4_untyped_retype(ut, type, size_bits, UT_CNODE, 0, 0, slot, n);
}

/* A size_bits argument valid for every type (variable sizes: small). */
static l4_word_t small_size(l4_object_type_t type)
{
    return type == L4_OBJECT_UNTYPED ? 12 : type == L4_OBJECT_CNODE ? 4 : 0;
}

/* Stage a complete Retype of one endpoint into slot s in the IPC buffer
 * (the generic wrappers overwrite MR0-MR3 with the reply). */
static void stage_retype(l4_cptr_t s)
{
    l4_set_mr(0, L4_OBJECT_ENDPOINT);
    l4_set_mr(1, 0);
    l4_set_mr(2, 0);
    l4_set_mr(3, 0);
    l4_set_mr(4, s);
    l4_set_mr(5, 1);
    l4_ipc_buffer()->caps_or_badges[L4_XCAP_UNTYPED_RETYPE_ROOT] = UT_CNODE;
}

UTEST(retype_endpoint, "Retype makes an Endpoint in an empty slot")
{
    l4_cptr_t s = ut_slot();
    UT_EQ(ut_id(s), L4_CAP_NULL);
    UT_OK(retype(ut_untyped(), L4_OBJECT_ENDPOINT, 0, s, 1));
    UT_EQ(ut_id(s), L4_CAP_ENDPOINT);
}

UTEST(retype_every_type, "Retype makes each retypable object type, with its capability type")
{
    /* Frame2M last: everything before it fits below its 2 MiB alignment */
    static const l4_object_type_t types[] = {
        L4_OBJECT_UNTYPED, L4_OBJECT_TCB,   L4_OBJECT_ENDPOINT, L4_OBJECT_NOTIFICATION,
        L4_OBJECT_CNODE,   L4_OBJECT_REPLY, L4_OBJECT_PML4,     L4_OBJECT_PDPT,
        L4_OBJECT_PD,      L4_OBJECT_PT,    L4_OBJECT_FRAME_4K, L4_OBJECT_FRAME_2M,
    };
    for (unsigned i = 0; i < sizeof types / sizeof types[0]; i++) {
        l4_cptr_t s = ut_slot();
        UT_OK(retype(ut_untyped(), types[i], small_size(types[i]), s, 1));
        UT_EQ(ut_id(s), (l4_cap_type_t)types[i]);
    }
}

UTEST(retype_fixed_size_ignores_size_bits, "size_bits is ignored for fixed-size types")
{
    l4_cptr_t s = ut_slot();
    UT_OK(retype(ut_untyped(), L4_OBJECT_NOTIFICATION, 63, s, 1));
    UT_EQ(ut_id(s), L4_CAP_NOTIFICATION);
}

UTEST(retype_256_objects, "one Retype fills 256 consecutive slots (the fan-out limit)")
{
    l4_cptr_t first = ut_slots(L4_RETYPE_FAN_OUT_LIMIT);
    UT_ASSERT(first != 0);
    UT_OK(retype(ut_untyped(), L4_OBJECT_NOTIFICATION, 0, first, L4_RETYPE_FAN_OUT_LIMIT));
    for (l4_cptr_t s = first; s < first + L4_RETYPE_FAN_OUT_LIMIT; s++)
        UT_EQ(ut_id(s), L4_CAP_NOTIFICATION);
}

UTEST(retype_zero_objects, "num_objects 0 is a RangeError with the limits 1..256")
{
    l4_cptr_t s = ut_slot();
    UT_ERR(retype(ut_untyped(), L4_OBJECT_ENDPOINT, 0, s, 0), L4_RANGE_ERROR);
    UT_EQ(l4_get_mr(0), 1);
    UT_EQ(l4_get_mr(1), L4_RETYPE_FAN_OUT_LIMIT);
    UT_EQ(ut_id(s), L4_CAP_NULL);
}

UTEST(retype_257_objects, "num_objects 257 is a RangeError and makes nothing")
{
    l4_cptr_t first = ut_slots(L4_RETYPE_FAN_OUT_LIMIT + 1);
    UT_ASSERT(first != 0);
    UT_ERR(retype(ut_untyped(), L4_OBJECT_ENDPOINT, 0, first, L4_RETYPE_FAN_OUT_LIMIT + 1),
           L4_RANGE_ERROR);
    UT_EQ(l4_get_mr(1), L4_RETYPE_FAN_OUT_LIMIT);
    UT_EQ(ut_id(first), L4_CAP_NULL);
}

UTEST(retype_bad_type, "object types 0 (Null), 13, 17 and 255 are InvalidArgument (argument 0)")
{
    static const l4_word_t bad[] = {0, L4_CAP_IRQ_CONTROL, L4_CAP_TYPE_COUNT, 255};
    l4_cptr_t s = ut_slot();
    for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        UT_ERR(retype(ut_untyped(), (l4_object_type_t)bad[i], 12, s, 1), L4_INVALID_ARGUMENT);
        UT_EQ(l4_get_mr(0), L4_ARG_UNTYPED_RETYPE_TYPE);
        UT_EQ(ut_id(s), L4_CAP_NULL);
    }
}

UTEST(retype_huge_type_word, "an object type word with high bits set is InvalidArgument")
{
    l4_cptr_t s = ut_slot();
    stage_retype(s);
    l4_set_mr(0, (UINT64_C(1) << 40) | L4_OBJECT_ENDPOINT);
    l4_msginfo_t info =
        l4_msginfo_new(L4_LABEL_UNTYPED_RETYPE, 0, 1, L4_LABEL_UNTYPED_RETYPE_WORDS);
    UT_ERR(l4_call(ut_untyped(), info, NULL), L4_INVALID_ARGUMENT);
    UT_EQ(ut_id(s), L4_CAP_NULL);
}

UTEST(retype_untyped_size_range, "Untyped size_bits outside 4..47 is a RangeError with its limits")
{
    l4_cptr_t s = ut_slot();
    UT_ERR(retype(ut_untyped(), L4_OBJECT_UNTYPED, L4_OBJECT_UNTYPED_MIN_SIZE_BITS - 1, s, 1),
           L4_RANGE_ERROR);
    UT_EQ(l4_get_mr(0), L4_OBJECT_UNTYPED_MIN_SIZE_BITS);
    UT_EQ(l4_get_mr(1), L4_OBJECT_UNTYPED_MAX_SIZE_BITS);
    UT_ERR(retype(ut_untyped(), L4_OBJECT_UNTYPED, L4_OBJECT_UNTYPED_MAX_SIZE_BITS + 1, s, 1),
           L4_RANGE_ERROR);
    UT_EQ(ut_id(s), L4_CAP_NULL);
    UT_OK(retype(ut_untyped(), L4_OBJECT_UNTYPED, L4_OBJECT_UNTYPED_MIN_SIZE_BITS, s, 1));
    UT_EQ(ut_id(s), L4_CAP_UNTYPED);
}

UTEST(retype_cnode_radix_range, "CNode radix outside 1..28 is a RangeError with its limits")
{
    l4_cptr_t s = ut_slot();
    UT_ERR(retype(ut_untyped(), L4_OBJECT_CNODE, 0, s, 1), L4_RANGE_ERROR);
    UT_EQ(l4_get_mr(0), L4_OBJECT_CNODE_MIN_SIZE_BITS);
    UT_EQ(l4_get_mr(1), L4_OBJECT_CNODE_MAX_SIZE_BITS);
    UT_ERR(retype(ut_untyped(), L4_OBJECT_CNODE, L4_OBJECT_CNODE_MAX_SIZE_BITS + 1, s, 1),
           L4_RANGE_ERROR);
    UT_EQ(ut_id(s), L4_CAP_NULL);
    UT_OK(retype(ut_untyped(), L4_OBJECT_CNODE, L4_OBJECT_CNODE_MIN_SIZE_BITS, s, 1));
    UT_EQ(ut_id(s), L4_CAP_CNODE);
}

UTEST(retype_wrong_cap, "Retype on another kernel object is IllegalOperation, on an empty "
                        "slot InvalidCapability")
{
    /* (a Call on an endpoint or notification is IPC, not an invocation) */
    l4_cptr_t tcb = ut_new(L4_OBJECT_TCB, 0), cn = ut_new(L4_OBJECT_CNODE, 2);
    l4_cptr_t s = ut_slot();
    UT_ASSERT(tcb != 0 && cn != 0);
    UT_ERR(retype(tcb, L4_OBJECT_ENDPOINT, 0, s, 1), L4_ILLEGAL_OPERATION);
    UT_ERR(retype(cn, L4_OBJECT_ENDPOINT, 0, s, 1), L4_ILLEGAL_OPERATION);
    UT_ERR(retype(UT_CNODE, L4_OBJECT_ENDPOINT, 0, s, 1), L4_ILLEGAL_OPERATION);
    UT_ERR(retype(ut_slot(), L4_OBJECT_ENDPOINT, 0, s, 1), L4_INVALID_CAPABILITY);
    UT_ERR(retype(UINT64_C(1) << 40, L4_OBJECT_ENDPOINT, 0, s, 1), L4_INVALID_CAPABILITY);
    UT_EQ(ut_id(s), L4_CAP_NULL);
}

UTEST(retype_root_not_cnode, "a destination root that is not a CNode is InvalidCapability "
                             "(argument 2)")
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0);
    l4_cptr_t s = ut_slot();
    UT_ASSERT(ep != 0);
    UT_ERR(l4_untyped_retype(ut_untyped(), L4_OBJECT_ENDPOINT, 0, ep, 0, 0, s, 1),
           L4_INVALID_CAPABILITY);
    UT_EQ(l4_get_mr(0), L4_ARG_UNTYPED_RETYPE_ROOT);
    UT_ERR(l4_untyped_retype(ut_untyped(), L4_OBJECT_ENDPOINT, 0, ut_slot(), 0, 0, s, 1),
           L4_INVALID_CAPABILITY);
    UT_EQ(ut_id(s), L4_CAP_NULL);
}

UTEST(retype_dest_occupied, "an occupied destination slot is DeleteFirst and nothing is made")
{
    l4_cptr_t first = ut_slots(3);
    UT_OK(retype(ut_untyped(), L4_OBJECT_ENDPOINT, 0, first + 2, 1));
    UT_ERR(retype(ut_untyped(), L4_OBJECT_NOTIFICATION, 0, first, 3), L4_DELETE_FIRST);
    UT_EQ(ut_id(first), L4_CAP_NULL);
    UT_EQ(ut_id(first + 1), L4_CAP_NULL);
    UT_EQ(ut_id(first + 2), L4_CAP_ENDPOINT);
}

UTEST(retype_offset_past_cnode, "slots past the end of the destination CNode are a RangeError")
{
    l4_word_t slots = UINT64_C(1) << L4_ROOT_CNODE_RADIX;
    UT_ERR(retype(ut_untyped(), L4_OBJECT_ENDPOINT, 0, slots, 1), L4_RANGE_ERROR);
    UT_ERR(retype(ut_untyped(), L4_OBJECT_ENDPOINT, 0, ~(l4_word_t)0, 1), L4_RANGE_ERROR);
    /* the last slot is a boot slot or free; two objects cannot fit from it */
    UT_ERR(retype(ut_untyped(), L4_OBJECT_ENDPOINT, 0, slots - 1, 2), L4_RANGE_ERROR);
    l4_cptr_t sub = ut_new(L4_OBJECT_CNODE, 2);
    UT_ASSERT(sub != 0);
    UT_ERR(l4_untyped_retype(ut_untyped(), L4_OBJECT_ENDPOINT, 0, UT_CNODE, sub, UT_DEPTH, 3, 2),
           L4_RANGE_ERROR);
}

UTEST(retype_node_depth_65, "node_depth 65 is a RangeError")
{
    l4_cptr_t s = ut_slot();
    UT_ERR(l4_untyped_retype(ut_untyped(), L4_OBJECT_ENDPOINT, 0, UT_CNODE, 0, 65, s, 1),
           L4_RANGE_ERROR);
    UT_EQ(ut_id(s), L4_CAP_NULL);
}

UTEST(retype_node_depth_whole_word, "node_depth is the whole word: 0x100 (low byte 0, which "
                                    "would name the root itself) and 0x100 + 64 are RangeError "
                                    "[0, 64]")
{
    l4_cptr_t s = ut_slot();
    static const l4_word_t bad[] = {0x100, 0x100 + UT_DEPTH, ~UINT64_C(0)};
    for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        l4_word_t w[L4_LABEL_UNTYPED_RETYPE_WORDS] = {
            [L4_MR_UNTYPED_RETYPE_TYPE] = L4_OBJECT_ENDPOINT,
            [L4_MR_UNTYPED_RETYPE_SIZE_BITS] = 0,
            [L4_MR_UNTYPED_RETYPE_NODE_INDEX] = 0,
            [L4_MR_UNTYPED_RETYPE_NODE_DEPTH] = bad[i],
            [L4_MR_UNTYPED_RETYPE_NODE_OFFSET] = s,
            [L4_MR_UNTYPED_RETYPE_NUM_OBJECTS] = 1,
        };
        UT_ERR(ut_invoke(ut_untyped(), L4_LABEL_UNTYPED_RETYPE, 1, UT_CNODE,
                         L4_LABEL_UNTYPED_RETYPE_WORDS, w),
               L4_RANGE_ERROR);
        UT_EQ(l4_get_mr(0), 0);
        UT_EQ(l4_get_mr(1), 64);
        UT_EQ(ut_id(s), L4_CAP_NULL);
    }
}

UTEST(retype_node_not_cnode, "a node_index that names no CNode is FailedLookup")
{
    l4_cptr_t ep = ut_new(L4_OBJECT_ENDPOINT, 0);
    l4_cptr_t empty = ut_slot();
    UT_ASSERT(ep != 0);
    UT_ERR(l4_untyped_retype(ut_untyped(), L4_OBJECT_ENDPOINT, 0, UT_CNODE, empty, UT_DEPTH, 0, 1),
           L4_FAILED_LOOKUP);
    UT_ERR(l4_untyped_retype(ut_untyped(), L4_OBJECT_ENDPOINT, 0, UT_CNODE, ep, UT_DEPTH, 0, 1),
           L4_FAILED_LOOKUP);
    /* a depth that does not match the root's guard and radix */
    UT_ERR(l4_untyped_retype(ut_untyped(), L4_OBJECT_ENDPOINT, 0, UT_CNODE, ep, 32, 0, 1),
           L4_FAILED_LOOKUP);
    UT_EQ(ut_id(empty), L4_CAP_NULL);
}

UTEST(retype_into_sub_cnode, "node_index/node_depth place the objects in another CNode")
{
    l4_cptr_t sub = ut_new(L4_OBJECT_CNODE, 3);
    l4_cptr_t back = ut_slots(2);
    UT_ASSERT(sub != 0);
    UT_OK(
        l4_untyped_retype(ut_untyped(), L4_OBJECT_NOTIFICATION, 0, UT_CNODE, sub, UT_DEPTH, 5, 2));
    /* nothing appeared in the root CNode; move the two back to see them */
    UT_EQ(ut_id(back), L4_CAP_NULL);
    UT_ERR(l4_cnode_move(UT_CNODE, back, UT_DEPTH, sub, 4, 3), L4_FAILED_LOOKUP);
    UT_OK(l4_cnode_move(UT_CNODE, back, UT_DEPTH, sub, 5, 3));
    UT_OK(l4_cnode_move(UT_CNODE, back + 1, UT_DEPTH, sub, 6, 3));
    UT_EQ(ut_id(back), L4_CAP_NOTIFICATION);
    UT_EQ(ut_id(back + 1), L4_CAP_NOTIFICATION);
}

UTEST(retype_not_enough_memory, "a request larger than the free part is NotEnoughMemory")
{
    l4_cptr_t s = ut_slot(), t = ut_slot();
    UT_ERR(retype(ut_untyped(), L4_OBJECT_UNTYPED, UT_UNTYPED_BITS + 1, s, 1),
           L4_NOT_ENOUGH_MEMORY);
    UT_EQ(ut_id(s), L4_CAP_NULL);
    UT_OK(retype(ut_untyped(), L4_OBJECT_UNTYPED, UT_UNTYPED_BITS, s, 1));
    UT_ERR(retype(ut_untyped(), L4_OBJECT_ENDPOINT, 0, t, 1), L4_NOT_ENOUGH_MEMORY);
    UT_EQ(ut_id(t), L4_CAP_NULL);
    /* a 2 MiB frame does not fit a 512 KiB untyped; 256 TCBs of 2 KiB
     * fill it exactly, and then not even an endpoint fits */
    l4_cptr_t small = ut_slot();
    UT_OK(retype(s, L4_OBJECT_UNTYPED, 19, small, 1));
    UT_ERR(retype(small, L4_OBJECT_FRAME_2M, 0, t, 1), L4_NOT_ENOUGH_MEMORY);
    l4_cptr_t many = ut_slots(L4_RETYPE_FAN_OUT_LIMIT);
    UT_ASSERT(many != 0);
    UT_OK(retype(small, L4_OBJECT_TCB, 0, many, L4_RETYPE_FAN_OUT_LIMIT));
    UT_ERR(retype(small, L4_OBJECT_ENDPOINT, 0, t, 1), L4_NOT_ENOUGH_MEMORY);
    UT_EQ(ut_id(t), L4_CAP_NULL);
}

UTEST(retype_alignment, "objects are aligned to their size after what was made before")
{
    l4_cptr_t ep = ut_slot(), half1 = ut_slot(), half2 = ut_slot();
    UT_OK(retype(ut_untyped(), L4_OBJECT_ENDPOINT, 0, ep, 1));
    /* the endpoint takes 16 bytes at the start: a half-size untyped must
     * go to the second half, and a second one no longer fits */
    UT_OK(retype(ut_untyped(), L4_OBJECT_UNTYPED, UT_UNTYPED_BITS - 1, half1, 1));
    UT_ERR(retype(ut_untyped(), L4_OBJECT_UNTYPED, UT_UNTYPED_BITS - 1, half2, 1),
           L4_NOT_ENOUGH_MEMORY);
    UT_EQ(ut_id(half2), L4_CAP_NULL);
}

UTEST(retype_failure_keeps_watermark, "a failed Retype does not use up memory")
{
    l4_cptr_t a = ut_slot(), b = ut_slot(), c = ut_slot();
    UT_OK(retype(ut_untyped(), L4_OBJECT_UNTYPED, UT_UNTYPED_BITS - 1, a, 1));
    UT_ERR(retype(ut_untyped(), L4_OBJECT_UNTYPED, UT_UNTYPED_BITS, b, 1), L4_NOT_ENOUGH_MEMORY);
    UT_ERR(retype(ut_untyped(), L4_OBJECT_ENDPOINT, 0, b, 0), L4_RANGE_ERROR);
    UT_OK(retype(ut_untyped(), L4_OBJECT_UNTYPED, UT_UNTYPED_BITS - 1, c, 1));
}

UTEST(retype_reuse_after_revoke, "after Revoke of an untyped its whole memory is reusable")
{
    l4_cptr_t u = ut_new(L4_OBJECT_UNTYPED, 16);
    l4_cptr_t objs = ut_slots(4), again = ut_slot();
    UT_ASSERT(u != 0);
    UT_OK(retype(u, L4_OBJECT_UNTYPED, 14, objs, 4));
    UT_ERR(retype(u, L4_OBJECT_ENDPOINT, 0, again, 1), L4_NOT_ENOUGH_MEMORY);
    UT_OK(l4_cnode_revoke(UT_CNODE, u, UT_DEPTH));
    for (l4_cptr_t s = objs; s < objs + 4; s++)
        UT_EQ(ut_id(s), L4_CAP_NULL);
    UT_EQ(ut_id(u), L4_CAP_UNTYPED);
    UT_OK(retype(u, L4_OBJECT_UNTYPED, 16, again, 1));
    UT_EQ(ut_id(again), L4_CAP_UNTYPED);
}

UTEST(retype_reuse_after_delete, "memory is reused only once every object made from it is deleted")
{
    l4_cptr_t u = ut_new(L4_OBJECT_UNTYPED, 16);
    l4_cptr_t a = ut_slot(), b = ut_slot(), c = ut_slot();
    UT_ASSERT(u != 0);
    UT_OK(retype(u, L4_OBJECT_UNTYPED, 15, a, 1));
    UT_OK(retype(u, L4_OBJECT_UNTYPED, 15, b, 1));
    UT_OK(l4_cnode_delete(UT_CNODE, a, UT_DEPTH));
    UT_ERR(retype(u, L4_OBJECT_UNTYPED, 15, c, 1), L4_NOT_ENOUGH_MEMORY);
    UT_OK(l4_cnode_delete(UT_CNODE, b, UT_DEPTH));
    UT_OK(retype(u, L4_OBJECT_UNTYPED, 16, c, 1));
}

UTEST(retype_split_untyped, "an untyped split into untypeds: each part retypes, Revoke of the "
                            "parent removes the grandchildren")
{
    l4_cptr_t parts = ut_slots(4), objs = ut_slots(4);
    UT_OK(retype(ut_untyped(), L4_OBJECT_UNTYPED, UT_UNTYPED_BITS - 2, parts, 4));
    for (unsigned i = 0; i < 4; i++) {
        UT_EQ(ut_id(parts + i), L4_CAP_UNTYPED);
        UT_OK(retype(parts + i, L4_OBJECT_CNODE, 4, objs + i, 1));
        UT_EQ(ut_id(objs + i), L4_CAP_CNODE);
    }
    UT_OK(l4_cnode_revoke(UT_CNODE, ut_untyped(), UT_DEPTH));
    for (unsigned i = 0; i < 4; i++) {
        UT_EQ(ut_id(parts + i), L4_CAP_NULL);
        UT_EQ(ut_id(objs + i), L4_CAP_NULL);
    }
    UT_EQ(ut_id(ut_untyped()), L4_CAP_UNTYPED);
}

UTEST(retype_device_untyped, "device untyped retypes into Untyped only (IllegalOperation)")
{
    const struct l4_boot_info *bi = ut_boot_info();
    for (l4_word_t i = 0; i < bi->num_untyped && i < bi->untyped.count; i++) {
        if (!bi->untyped_list[i].is_device)
            continue;
        l4_cptr_t dev = bi->untyped.first + i, s = ut_slot();
        UT_ERR(retype(dev, L4_OBJECT_ENDPOINT, 0, s, 1), L4_ILLEGAL_OPERATION);
        UT_ERR(retype(dev, L4_OBJECT_TCB, 0, s, 1), L4_ILLEGAL_OPERATION);
        UT_EQ(ut_id(s), L4_CAP_NULL);
        return;
    }
    l4_printf("# no device untyped in the boot info: nothing to check\n");
}

UTEST(retype_truncated, "a Retype message short of words or of its CNode is TruncatedMessage")
{
    l4_cptr_t s = ut_slot();
    l4_msginfo_t reply;
    stage_retype(s);
    UT_ERR(l4_call(ut_untyped(), l4_msginfo_new(L4_LABEL_UNTYPED_RETYPE, 0, 1, 5), &reply),
           L4_TRUNCATED_MESSAGE);
    UT_EQ(l4_msginfo_get_label(reply), L4_TRUNCATED_MESSAGE);
    stage_retype(s);
    UT_ERR(l4_call(ut_untyped(), l4_msginfo_new(L4_LABEL_UNTYPED_RETYPE, 0, 0, 6), NULL),
           L4_TRUNCATED_MESSAGE);
    UT_EQ(ut_id(s), L4_CAP_NULL);
    /* the same message, complete, works */
    stage_retype(s);
    UT_OK(l4_call(ut_untyped(), l4_msginfo_new(L4_LABEL_UNTYPED_RETYPE, 0, 1, 6), &reply));
    UT_EQ(l4_msginfo_get_label(reply), L4_NO_ERROR);
    UT_EQ(ut_id(s), L4_CAP_ENDPOINT);
}

UTEST(device_untyped_split_stays_device,
      "an Untyped split from device memory is device memory: frames yes, kernel objects no")
{
    const struct l4_boot_info *bi = ut_boot_info();
    for (l4_word_t i = 0; i < bi->num_untyped && i < bi->untyped.count; i++) {
        if (!bi->untyped_list[i].is_device || bi->untyped_list[i].size_bits < 13)
            continue;
        l4_cptr_t dev = bi->untyped.first + i, child = ut_slot(), s = ut_slot();
        UT_OK(l4_untyped_retype(dev, L4_OBJECT_UNTYPED, 12, UT_CNODE, 0, 0, child, 1));
        UT_EQ(ut_id(child), L4_CAP_UNTYPED);
        UT_ERR(retype(child, L4_OBJECT_NOTIFICATION, 0, s, 1), L4_ILLEGAL_OPERATION);
        UT_OK(retype(child, L4_OBJECT_FRAME_4K, 0, s, 1));
        UT_EQ(ut_id(s), L4_CAP_FRAME_4K);
        /* give the boot untyped back its memory for later tests */
        UT_OK(l4_cnode_revoke(UT_CNODE, dev, UT_DEPTH));
        UT_EQ(ut_id(child), L4_CAP_NULL);
        UT_EQ(ut_id(s), L4_CAP_NULL);
        return;
    }
    UT_ASSERT(!"no device untyped of 8 KiB or more in the boot info");
}

UTEST(bootinfo_untyped_disjoint, "the boot untyped regions are aligned to their size and disjoint")
{
    const struct l4_boot_info *bi = ut_boot_info();
    UT_EQ(bi->untyped.count, bi->num_untyped);
    for (l4_word_t i = 0; i < bi->num_untyped; i++) {
        const struct l4_untyped_desc *a = &bi->untyped_list[i];
        uint64_t asz = UINT64_C(1) << a->size_bits;
        UT_EQ(a->paddr & (asz - 1), 0);
        UT_EQ(ut_id(bi->untyped.first + i), L4_CAP_UNTYPED);
        for (l4_word_t j = i + 1; j < bi->num_untyped; j++) {
            const struct l4_untyped_desc *b = &bi->untyped_list[j];
            uint64_t bsz = UINT64_C(1) << b->size_bits;
            UT_ASSERT(a->paddr + asz <= b->paddr || b->paddr + bsz <= a->paddr);
        }
    }
}
