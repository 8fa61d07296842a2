/* SPDX-License-Identifier: MIT */
/*
 * The x86-64 kernel objects behind the arch boundary: the one switch over
 * the capability types only this architecture has (PML4, PDPT, PD, PT,
 * Frame4K, Frame2M, IOPortControl, IOPort), as seL4's
 * Arch_decodeInvocation, Arch_createObject, Arch_finaliseCap and
 * Arch_getObjectSize.
 *
 * Interface: the arch object hooks of <core/arch_hooks.h>. The generic
 * switches (api/invocation.c, obj/objects.c, cap/cap.c,
 * core/invariants.c) hand every type they do not know here; the objects
 * themselves are in page_table.c, frame.c and ioport.c of this directory.
 */
#include <api/syscall.h>
#include <arch/obj/frame.h>
#include <arch/obj/ioport.h>
#include <arch/obj/page_table.h>
#include <core/arch_hooks.h>

l4_error_t arch_decode_invocation(cte_t *slot, struct invocation *inv)
{
    switch (cap_type(slot->cap)) {
    case CAP_IOPORT_CONTROL:
        return ioport_control_decode_invocation(slot, inv);
    case CAP_IOPORT:
        return ioport_decode_invocation(slot, inv);
    case CAP_PDPT:
    case CAP_PD:
    case CAP_PT:
        return page_table_decode_invocation(slot, inv);
    case CAP_FRAME_4K:
    case CAP_FRAME_2M:
        return frame_decode_invocation(slot, inv);
    default:
        return L4_ILLEGAL_OPERATION; /* types without labels (PML4) */
    }
}

int arch_object_bits(enum cap_type type)
{
    switch (type) {
    case CAP_PML4:
        return L4_OBJECT_PML4_SIZE_BITS;
    case CAP_PDPT:
        return L4_OBJECT_PDPT_SIZE_BITS;
    case CAP_PD:
        return L4_OBJECT_PD_SIZE_BITS;
    case CAP_PT:
        return L4_OBJECT_PT_SIZE_BITS;
    case CAP_FRAME_4K:
        return L4_OBJECT_FRAME_4K_SIZE_BITS;
    case CAP_FRAME_2M:
        return L4_OBJECT_FRAME_2M_SIZE_BITS;
    default:
        return 0; /* IOPortControl and IOPort own no memory */
    }
}

int arch_object_can_create(enum cap_type type, uint64_t n)
{
    return type != CAP_PML4 || asid_available(n); /* every PML4 needs an ASID */
}

cap_t arch_object_create(enum cap_type type, void *mem, unsigned size_arg)
{
    (void)size_arg;
    switch (type) {
    case CAP_PML4:
        return page_table_create_root(mem);
    case CAP_PDPT:
    case CAP_PD:
    case CAP_PT:
    case CAP_FRAME_4K:
    case CAP_FRAME_2M:
    case CAP_IOPORT_CONTROL:
        return cap_object_new(type, mem);
    default:
        return cap_null();
    }
}

void arch_object_finalise(cap_t cap)
{
    switch (cap_type(cap)) {
    case CAP_IOPORT:
        ioport_finalise(cap);
        break;
    case CAP_PML4:
        page_table_finalise_root(cap);
        break;
    default:
        break;
    }
}

void arch_object_cap_removed(cap_t cap)
{
    switch (cap_type(cap)) {
    case CAP_PDPT:
    case CAP_PD:
    case CAP_PT:
        page_table_cap_removed(cap);
        break;
    case CAP_FRAME_4K:
    case CAP_FRAME_2M:
        frame_cap_removed(cap);
        break;
    default:
        break;
    }
}

int arch_object_is_copyable(enum cap_type type)
{
    return type != CAP_IOPORT_CONTROL; /* exists once */
}

const char *arch_object_check(const cte_t *slot)
{
    switch (cap_type(slot->cap)) {
    case CAP_PML4:
    case CAP_PDPT:
    case CAP_PD:
    case CAP_PT:
    case CAP_FRAME_4K:
    case CAP_FRAME_2M:
        /* ASIDs and mapping records; a stale record is allowed */
        return page_table_check_cap(slot);
    default:
        return 0;
    }
}

const char *arch_objects_check(void)
{
    return asid_table_check();
}
