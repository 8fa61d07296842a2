/* SPDX-License-Identifier: MIT */
/*
 * Per-type creation, copy rules and destruction (see <obj/objects.h>).
 *
 * Endpoints, notifications, TCBs and reply objects hold no kernel state
 * beyond their zeroed memory until threads and IPC exist; their finalisers
 * will cancel queued IPC and unbind threads then. A CNode's finaliser
 * deletes every capability it holds.
 */
#include <obj/cnode.h>
#include <obj/objects.h>

cap_t object_create(enum cap_type type, void *mem, unsigned size_arg)
{
    switch (type) {
    case CAP_UNTYPED:
        return cap_untyped_new(mem, size_arg, 0);
    case CAP_CNODE:
        return cap_cnode_new(mem, size_arg, 0, 0);
    case CAP_TCB:
    case CAP_ENDPOINT:
    case CAP_NOTIFICATION:
    case CAP_REPLY:
        return cap_object_new(type, mem);
    case CAP_NULL:
    case CAP_TYPE_COUNT:
        break;
    }
    return cap_null();
}

void object_finalise(cap_t cap)
{
    if (cap_type(cap) == CAP_CNODE) {
        cte_t *slots = cap_object(cap);
        for (uint64_t i = 0; i < (1ull << cap_cnode_radix(cap)); i++)
            cte_delete(&slots[i]);
    }
}

int object_is_copyable(enum cap_type type)
{
    /* untyped: only moved, so one watermark governs a region (see
     * docs/kernel/capabilities.md); reply: names one pending caller */
    return type != CAP_UNTYPED && type != CAP_REPLY && type != CAP_NULL;
}
