/* SPDX-License-Identifier: MIT */
/*
 * ASIDs, PML4s and the page-table invocations (see <arch/obj/page_table.h>).
 *
 * A PDPT, PD or PT is mapped through one capability, which records
 * (ASID, vaddr rounded to the table's reach). Unmapping, by PageTableUnmap
 * or by deleting that capability, removes the entry only if the recorded
 * place still points at the table, and always empties the table: frames
 * and tables below it become unreachable, and their own records stale.
 * So a table that holds entries always has a capability with a record,
 * and it can be mapped again only after that record is gone, i.e. after
 * it was emptied; nothing is ever reachable through two paths.
 */
#include <api/syscall.h>
#include <arch/obj/page_table.h>
#include <cap/derivation.h>
#include <l4/invocation_labels_gen.h>

/* --- ASIDs ---------------------------------------------------------------- */

/* PML4 of each ASID; NULL: free. ASID 0 means "no address space". */
static void *asid_table[CAP_ASID_COUNT];
static unsigned asids_in_use;

int asid_available(uint64_t n)
{
    return n <= CAP_ASID_COUNT - 1 - asids_in_use;
}

unsigned asid_alloc(void *pml4)
{
    /* lowest free: deterministic, and a search of at most 4 KiB of words */
    for (unsigned a = 1; a < CAP_ASID_COUNT; a++) {
        if (!asid_table[a]) {
            asid_table[a] = pml4;
            asids_in_use++;
            return a;
        }
    }
    return 0;
}

void asid_free(unsigned asid)
{
    if (asid && asid < CAP_ASID_COUNT && asid_table[asid]) {
        asid_table[asid] = 0;
        asids_in_use--;
    }
}

void *asid_pml4(unsigned asid)
{
    return asid < CAP_ASID_COUNT ? asid_table[asid] : 0;
}

unsigned asid_used(void)
{
    return asids_in_use;
}

/* --- PML4 ------------------------------------------------------------------- */

cap_t page_table_create_root(void *mem)
{
    vspace_init_root(mem);
    return cap_pml4_set_asid(cap_object_new(CAP_PML4, mem), asid_alloc(mem));
}

void page_table_finalise_root(cap_t cap)
{
    void *pml4 = cap_object(cap);
    if (asid_pml4(cap_pml4_asid(cap)) == pml4)
        asid_free(cap_pml4_asid(cap));
    /* records naming the ASID are stale from now on: page_table_find_mapping()
     * finds no space, or (once the ASID is reused) another table */
    vspace_release_root(pml4);
}

/* --- mapping records ------------------------------------------------------- */

unsigned page_table_entry_level(enum cap_type type)
{
    switch (type) {
    case CAP_PDPT:
        return 3;
    case CAP_PD:
        return 2;
    case CAP_PT:
    case CAP_FRAME_2M:
        return 1;
    default: /* Frame4K */
        return 0;
    }
}

pte_t *page_table_find_mapping(cap_t c, void **pml4)
{
    unsigned asid = cap_mapped_asid(c);
    void *root = asid_pml4(asid);
    unsigned level = page_table_entry_level(cap_type(c));
    pte_t *e;
    if (!asid || !root || vspace_walk(root, cap_mapped_vaddr(c), level, &e) != VSPACE_FOUND ||
        !vspace_entry_maps(*e, level, virt_to_phys(cap_object(c))))
        return 0;
    *pml4 = root;
    return e;
}

/* Remove the mapping c records, if it is still there, and empty the table. */
static void table_unmap(cap_t c)
{
    if (!cap_mapped_asid(c))
        return; /* no record: the table holds nothing (see the top) */
    void *pml4;
    pte_t *e = page_table_find_mapping(c, &pml4);
    if (e) {
        *e = vspace_entry_none();
        vspace_flush(pml4, cap_mapped_vaddr(c), 1);
    }
    vspace_clear_table(cap_object(c));
}

void page_table_cap_removed(cap_t c)
{
    table_unmap(c);
}

/* Does any capability to slot's table hold a mapping? All capabilities to
 * one object are neighbours in the derivation list. */
static int table_is_mapped(const cte_t *slot)
{
    if (cap_mapped_asid(slot->cap))
        return 1;
    for (const cte_t *p = cte_prev(slot); p && cap_same_object(p->cap, slot->cap); p = cte_prev(p))
        if (cap_mapped_asid(p->cap))
            return 1;
    for (const cte_t *n = cte_next(slot); n && cap_same_object(n->cap, slot->cap); n = cte_next(n))
        if (cap_mapped_asid(n->cap))
            return 1;
    return 0;
}

/* --- invariants ------------------------------------------------------------ */

const char *page_table_check_cap(const cte_t *slot)
{
    cap_t c = slot->cap;
    if (cap_type(c) == CAP_PML4)
        return asid_pml4(cap_pml4_asid(c)) == cap_object(c) ? 0 : "a PML4 without its own ASID";
    if (!cap_mapped_asid(c))
        return cap_mapped_vaddr(c) ? "an address recorded without an ASID" : 0;
    unsigned level = page_table_entry_level(cap_type(c));
    if (cap_mapped_vaddr(c) & ((1ull << vspace_level_shift(level)) - 1))
        return "a recorded address not aligned to what the entry maps";
    void *pml4;
    pte_t *e = page_table_find_mapping(c, &pml4);
    if (e && (cap_type(c) == CAP_FRAME_4K || cap_type(c) == CAP_FRAME_2M) &&
        (vspace_entry_rights(*e) & L4_VM_RIGHTS_WRITE) && !(cap_rights(c) & CAP_RIGHT_WRITE))
        return "a writable mapping through a capability without Write";
    if (cap_type(c) != CAP_FRAME_4K && cap_type(c) != CAP_FRAME_2M)
        for (const cte_t *n = cte_next(slot); n && cap_same_object(n->cap, c); n = cte_next(n))
            if (cap_mapped_asid(n->cap))
                return "two capabilities to one page table hold mappings";
    return 0;
}

const char *asid_table_check(void)
{
    unsigned n = 0;
    for (unsigned a = 0; a < CAP_ASID_COUNT; a++)
        n += asid_table[a] != 0;
    if (asid_table[0])
        return "ASID 0 is in use";
    return n == asids_in_use ? 0 : "the ASID count does not match the table";
}

/* --- invocations ------------------------------------------------------------ */

struct table_map_op {
    pte_t *entry;
    unsigned asid;
    uint64_t vaddr; /* rounded to the table's reach */
    unsigned attributes;
};

static l4_error_t decode_map(cte_t *slot, struct invocation *inv, struct table_map_op *op)
{
    cte_t *vs = inv->caps[L4_XCAP_PAGE_TABLE_MAP_VSPACE];
    if (!vs || cap_type(vs->cap) != CAP_PML4 || !asid_pml4(cap_pml4_asid(vs->cap))) {
        invocation_error_detail(inv, L4_ARG_PAGE_TABLE_MAP_VSPACE, 0);
        return L4_INVALID_CAPABILITY;
    }
    uint64_t va = inv->mr[L4_MR_PAGE_TABLE_MAP_VADDR];
    if (va >= L4_USER_TOP) {
        invocation_error_detail(inv, L4_ARG_PAGE_TABLE_MAP_VADDR, 0);
        return L4_INVALID_ARGUMENT;
    }
    if (table_is_mapped(slot))
        return L4_ILLEGAL_OPERATION;
    unsigned level = page_table_entry_level(cap_type(slot->cap));
    switch (vspace_walk(cap_object(vs->cap), va, level, &op->entry)) {
    case VSPACE_NO_TABLE:
        return L4_FAILED_LOOKUP;
    case VSPACE_LARGE_PAGE:
        return L4_DELETE_FIRST;
    case VSPACE_FOUND:
        break;
    }
    if (vspace_entry_present(*op->entry))
        return L4_DELETE_FIRST; /* a table, or a 2 MiB frame */
    op->asid = cap_pml4_asid(vs->cap);
    op->vaddr = va & ~((1ull << vspace_level_shift(level)) - 1);
    op->attributes = (unsigned)inv->mr[L4_MR_PAGE_TABLE_MAP_ATTRIBUTES];
    return L4_NO_ERROR;
}

static void invoke_map(cte_t *slot, const struct table_map_op *op)
{
    /* a new entry needs no flush: the TLB holds no absent translations */
    *op->entry = vspace_entry_table(virt_to_phys(cap_object(slot->cap)), op->attributes);
    slot->cap = cap_set_mapping(slot->cap, op->asid, op->vaddr);
}

l4_error_t page_table_decode_invocation(cte_t *slot, struct invocation *inv)
{
    struct table_map_op op;
    l4_error_t e;
    switch (inv->label) {
    case L4_LABEL_PAGE_TABLE_MAP:
        if ((e = decode_map(slot, inv, &op)) != L4_NO_ERROR)
            return e;
        invoke_map(slot, &op);
        return L4_NO_ERROR;
    case L4_LABEL_PAGE_TABLE_UNMAP:
        /* the other capabilities would name a table that silently emptied */
        if (!derivation_is_final(slot))
            return L4_REVOKE_FIRST;
        table_unmap(slot->cap);
        slot->cap = cap_set_mapping(slot->cap, 0, 0);
        return L4_NO_ERROR;
    default:
        return L4_ILLEGAL_OPERATION;
    }
}
