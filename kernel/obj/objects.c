/* SPDX-License-Identifier: MIT */
/*
 * Per-type creation, copy rules and destruction (see <obj/objects.h>):
 * the one switch over object types for an object's life cycle. Types only
 * the architecture has (page tables, frames, I/O ports on x86-64) go to
 * the arch object hooks of <core/arch_hooks.h>, which do for them what
 * this file says.
 *
 * Creating: memory arrives zeroed from Retype; a TCB gets its initial
 * register and FPU state, a PML4 the kernel's half of the address space
 * and an ASID.
 * Destroying (last capability deleted): a TCB stops and leaves every
 * queue, an endpoint or notification wakes its waiters with Cancelled, a
 * Reply object cancels the call it holds, a CNode deletes every capability
 * in it; the last IRQHandler capability of a line masks and frees it, the
 * last IOPort capability to a range makes its ports issuable again, and a
 * notification is first unbound from the interrupt lines it serves; a
 * PML4 frees its ASID.
 * Deleting any capability (object_cap_removed(), not only the last one):
 * a frame or page-table capability removes the mapping it holds.
 */
#include <core/arch_hooks.h>
#include <obj/cnode.h>
#include <obj/endpoint.h>
#include <obj/irq.h>
#include <obj/notification.h>
#include <obj/objects.h>
#include <obj/reply.h>
#include <obj/tcb.h>

cap_t object_create(enum cap_type type, void *mem, unsigned size_arg)
{
    switch (type) {
    case CAP_UNTYPED:
        return cap_untyped_new(mem, size_arg, 0);
    case CAP_CNODE:
        return cap_cnode_new(mem, size_arg, 0, 0);
    case CAP_TCB:
        tcb_init(mem);
        return cap_object_new(type, mem);
    case CAP_ENDPOINT:
    case CAP_NOTIFICATION:
    case CAP_REPLY:
    case CAP_IRQ_CONTROL:
        return cap_object_new(type, mem);
    default:
        return arch_object_create(type, mem, size_arg);
    }
}

void object_finalise(cap_t cap)
{
    switch (cap_type(cap)) {
    case CAP_CNODE: {
        cte_t *slots = cap_object(cap);
        for (uint64_t i = 0; i < (1ull << cap_cnode_radix(cap)); i++)
            cte_delete(&slots[i]);
        break;
    }
    case CAP_TCB:
        tcb_finalise(cap_object(cap));
        break;
    case CAP_ENDPOINT:
        endpoint_finalise(cap_object(cap));
        break;
    case CAP_NOTIFICATION:
        irq_notification_finalise(cap_object(cap)); /* no line may point at it */
        notification_finalise(cap_object(cap));
        break;
    case CAP_IRQ_HANDLER:
        irq_handler_finalise(cap);
        break;
    case CAP_REPLY:
        reply_finalise(cap_object(cap));
        break;
    default:
        arch_object_finalise(cap);
        break;
    }
}

void object_cap_removed(cap_t cap)
{
    arch_object_cap_removed(cap); /* only arch objects hold mappings */
}

int object_is_copyable(enum cap_type type)
{
    /* untyped: only moved, so one watermark governs a region (see
     * docs/kernel/capabilities.md); reply: names one pending caller;
     * the control capabilities exist once */
    return type != CAP_UNTYPED && type != CAP_REPLY && type != CAP_NULL &&
           type != CAP_IRQ_CONTROL && arch_object_is_copyable(type);
}
