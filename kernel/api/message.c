/* SPDX-License-Identifier: MIT */
/*
 * Message and capability transfer (see <api/message.h>). The kernel reads
 * and writes IPC buffers through its own mapping of their frames, never
 * through user addresses.
 */
#include <api/fault.h>
#include <api/message.h>
#include <cap/cspace.h>
#include <cap/derivation.h>
#include <core/trace.h>
#include <obj/objects.h>

/* The empty slot the receiver named for a capability, or NULL. */
static cte_t *receive_slot(tcb_t *r, const struct l4_ipc_buffer *rb)
{
    cte_t *node, *slot;
    uint64_t detail[2];
    if (!rb || rb->receive_depth == 0)
        return 0;
    if (cspace_lookup_cap(r->cspace_slot.cap, rb->receive_cnode, &node) != LOOKUP_OK)
        return 0;
    /* the one lookup of every capability destination (depth, CNode, empty) */
    if (cspace_lookup_empty_slot(node->cap, rb->receive_index, rb->receive_depth, &slot, detail) !=
        L4_NO_ERROR)
        return 0;
    return slot;
}

static unsigned transfer_caps(tcb_t *s, const struct l4_ipc_buffer *sb, tcb_t *r,
                              struct l4_ipc_buffer *rb, unsigned n, const void *ep,
                              unsigned *unwrapped)
{
    cte_t *dest = receive_slot(r, rb);
    unsigned i;
    *unwrapped = 0;
    for (i = 0; i < n; i++) {
        cte_t *src;
        if (cspace_lookup_cap(s->cspace_slot.cap, sb->caps_or_badges[i], &src) != LOOKUP_OK)
            break;
        cap_t c = src->cap;
        if (ep && cap_type(c) == CAP_ENDPOINT && cap_object(c) == ep) {
            rb->caps_or_badges[i] = cap_badge(c);
            *unwrapped |= 1u << i;
            continue;
        }
        if (!dest || !object_is_copyable(cap_type(c)))
            break;
        derivation_insert(dest, c, src, 0);
        dest = 0;
    }
    return i;
}

void message_transfer(tcb_t *s, tcb_t *r, uint64_t badge, int can_grant, const void *ep)
{
    trace_ipc_deliver(s, r, badge, ep);
    if (s->fault_kind) {
        /* the "sender" is a thread in a fault: the message is its state */
        fault_transfer(s, r, badge);
        return;
    }
    uint64_t info = ctx_info(&s->ctx);
    unsigned len = (unsigned)l4_msginfo_get_length(info);
    unsigned ncaps = (unsigned)l4_msginfo_get_extra_caps(info);
    struct l4_ipc_buffer *sb = tcb_ipc_buffer(s), *rb = tcb_ipc_buffer(r);

    if (len > L4_MSG_MAX_LENGTH)
        len = L4_MSG_MAX_LENGTH;
    if (len > L4_MSG_REGISTERS && (!sb || !rb))
        len = L4_MSG_REGISTERS;
    for (unsigned i = 0; i < L4_MSG_REGISTERS && i < len; i++)
        ctx_set_mr(&r->ctx, i, ctx_mr(&s->ctx, i));
    for (unsigned i = L4_MSG_REGISTERS; i < len; i++)
        rb->msg[i] = sb->msg[i];

    unsigned sent = 0, unwrapped = 0;
    if (can_grant && ncaps && sb && rb)
        sent = transfer_caps(s, sb, r, rb,
                             ncaps > L4_MSG_MAX_EXTRA_CAPS ? L4_MSG_MAX_EXTRA_CAPS : ncaps, ep,
                             &unwrapped);

    ctx_set_info(&r->ctx, l4_msginfo_new(l4_msginfo_get_label(info), unwrapped, sent, len));
    ctx_set_badge(&r->ctx, badge);
    ctx_set_status(&r->ctx, L4_NO_ERROR);
}
