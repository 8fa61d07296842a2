/* SPDX-License-Identifier: MIT */
/*
 * Frame invocations (see <arch/obj/frame.h>): decode checks everything and
 * changes nothing; the change that follows cannot fail.
 *
 * Mapping rights are what the caller asks, masked by the capability:
 * Read needs the capability's Read right, Write its Write right; Execute
 * is a property of the mapping only (no-execute unless asked). x86 cannot
 * map a page that is not readable, so a mapping without Read is refused.
 * The kernel never reads or writes a frame through these invocations, so
 * frames made from device untyped are mapped like any other, with the
 * caching attributes the caller gives.
 */
#include <api/syscall.h>
#include <arch/obj/frame.h>
#include <arch/obj/page_table.h>
#include <l4/invocation_labels_gen.h>

#define VM_RIGHTS_ALL (L4_VM_RIGHTS_READ | L4_VM_RIGHTS_WRITE | L4_VM_RIGHTS_EXECUTE)
#define VM_ATTRS_ALL                                                                               \
    (L4_VM_ATTRIBUTES_WRITE_THROUGH | L4_VM_ATTRIBUTES_CACHE_DISABLED | L4_VM_ATTRIBUTES_PAT)

static unsigned frame_level(cap_t c)
{
    return page_table_entry_level(cap_type(c));
}

static uint64_t frame_size(cap_t c)
{
    /* as cap_object_size(), without the way through the generic switch */
    return 1ull << (cap_type(c) == CAP_FRAME_2M ? L4_OBJECT_FRAME_2M_SIZE_BITS
                                                : L4_OBJECT_FRAME_4K_SIZE_BITS);
}

static paddr_t frame_paddr(cap_t c)
{
    /* device frames too: their kernel address is the direct-map address
     * of the device memory, which the kernel never dereferences */
    return virt_to_phys(cap_object(c));
}

/* The requested mapping rights, masked by the capability's. */
static unsigned mask_rights(cap_t c, uint64_t requested)
{
    unsigned r = (unsigned)requested & VM_RIGHTS_ALL;
    if (!(cap_rights(c) & CAP_RIGHT_READ))
        r &= ~(unsigned)L4_VM_RIGHTS_READ;
    if (!(cap_rights(c) & CAP_RIGHT_WRITE))
        r &= ~(unsigned)L4_VM_RIGHTS_WRITE;
    return r;
}

/* Remove the mapping c records, if it is still there. */
static void frame_unmap(cap_t c)
{
    void *pml4;
    pte_t *e = page_table_find_mapping(c, &pml4);
    if (e) {
        *e = vspace_entry_none();
        vspace_flush(pml4, cap_mapped_vaddr(c), 0);
    }
}

void frame_cap_removed(cap_t c)
{
    frame_unmap(c);
}

struct frame_map_op {
    pte_t *entry;
    unsigned asid, rights, attributes;
    uint64_t vaddr;
};

static l4_error_t decode_map(cte_t *slot, struct invocation *inv, struct frame_map_op *op)
{
    cap_t c = slot->cap;
    cte_t *vs = inv->caps[L4_XCAP_FRAME_MAP_VSPACE];
    if (!vs || cap_type(vs->cap) != CAP_PML4 || !asid_pml4(cap_pml4_asid(vs->cap))) {
        invocation_error_detail(inv, L4_ARG_FRAME_MAP_VSPACE, 0);
        return L4_INVALID_CAPABILITY;
    }
    uint64_t va = inv->mr[L4_MR_FRAME_MAP_VADDR], size = frame_size(c);
    if (va & (size - 1))
        return L4_ALIGNMENT_ERROR;
    if (va >= L4_USER_TOP || size > L4_USER_TOP - va) {
        invocation_error_detail(inv, L4_ARG_FRAME_MAP_VADDR, 0);
        return L4_INVALID_ARGUMENT;
    }
    op->rights = mask_rights(c, inv->mr[L4_MR_FRAME_MAP_RIGHTS]);
    if (!(op->rights & L4_VM_RIGHTS_READ)) {
        invocation_error_detail(inv, L4_ARG_FRAME_MAP_RIGHTS, 0);
        return L4_INVALID_ARGUMENT;
    }
    if (cap_mapped_asid(c))
        return L4_ILLEGAL_OPERATION; /* even a stale record: FrameUnmap clears it */
    switch (vspace_walk(cap_object(vs->cap), va, frame_level(c), &op->entry)) {
    case VSPACE_NO_TABLE:
        return L4_FAILED_LOOKUP;
    case VSPACE_LARGE_PAGE:
        return L4_DELETE_FIRST; /* a 2 MiB frame covers va */
    case VSPACE_FOUND:
        break;
    }
    if (vspace_entry_present(*op->entry))
        return L4_DELETE_FIRST; /* a frame, or for a 2 MiB frame also a PT */
    op->asid = cap_pml4_asid(vs->cap);
    op->vaddr = va;
    op->attributes = (unsigned)inv->mr[L4_MR_FRAME_MAP_ATTRIBUTES] & VM_ATTRS_ALL;
    return L4_NO_ERROR;
}

static l4_error_t decode_remap(cte_t *slot, struct invocation *inv, struct frame_map_op *op)
{
    cap_t c = slot->cap;
    void *pml4;
    op->entry = page_table_find_mapping(c, &pml4);
    if (!op->entry)
        return L4_ILLEGAL_OPERATION; /* no mapping, or only a stale record */
    op->rights = mask_rights(c, inv->mr[L4_MR_FRAME_REMAP_RIGHTS]);
    if (!(op->rights & L4_VM_RIGHTS_READ)) {
        invocation_error_detail(inv, L4_ARG_FRAME_REMAP_RIGHTS, 0);
        return L4_INVALID_ARGUMENT;
    }
    op->asid = cap_mapped_asid(c);
    op->vaddr = cap_mapped_vaddr(c);
    op->attributes = (unsigned)inv->mr[L4_MR_FRAME_REMAP_ATTRIBUTES] & VM_ATTRS_ALL;
    return L4_NO_ERROR;
}

/* Install the decoded mapping (Map: a new entry, recorded in slot's
 * capability; Remap: the entry changed, its old translation flushed). */
static void invoke_map(cte_t *slot, const struct frame_map_op *op, int remap)
{
    cap_t c = slot->cap;
    *op->entry = vspace_entry_frame(frame_paddr(c), frame_level(c), op->rights, op->attributes);
    if (remap)
        vspace_flush(asid_pml4(op->asid), op->vaddr, 0);
    else
        slot->cap = cap_set_mapping(c, op->asid, op->vaddr);
}

l4_error_t frame_decode_invocation(cte_t *slot, struct invocation *inv)
{
    cap_t c = slot->cap;
    struct frame_map_op op;
    l4_error_t e;
    switch (inv->label) {
    case L4_LABEL_FRAME_MAP:
    case L4_LABEL_FRAME_REMAP: {
        int remap = inv->label == L4_LABEL_FRAME_REMAP;
        e = remap ? decode_remap(slot, inv, &op) : decode_map(slot, inv, &op);
        if (e == L4_NO_ERROR)
            invoke_map(slot, &op, remap);
        return e;
    }
    case L4_LABEL_FRAME_UNMAP:
        frame_unmap(c);
        slot->cap = cap_set_mapping(c, 0, 0);
        return L4_NO_ERROR;
    case L4_LABEL_FRAME_GET_ADDRESS:
        inv->out[0] = frame_paddr(c);
        inv->out_length = 1;
        return L4_NO_ERROR;
    default:
        return L4_ILLEGAL_OPERATION;
    }
}
