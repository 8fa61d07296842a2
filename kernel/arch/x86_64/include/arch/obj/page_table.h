/* SPDX-License-Identifier: MIT */
/*
 * Address spaces: ASIDs, the PML4 life cycle, and the PageTableMap and
 * PageTableUnmap invocations of PDPT, PD and PT capabilities.
 *
 * Interface: every PML4 holds an address-space id (ASID, 1..4095) from
 * the kernel's ASID table while it exists: page_table_create_root() gives
 * a new PML4 the kernel half and the lowest free ASID, asid_available()
 * lets Retype refuse PML4s before it changes anything,
 * page_table_finalise_root() frees the ASID. A frame or page-table
 * capability records where it is mapped as (ASID, vaddr);
 * page_table_find_mapping() finds the entry such a record names if it
 * still maps the capability's object (else the record is stale and
 * harmless). page_table_cap_removed() is called for every deleted
 * PDPT/PD/PT capability: a mapped one is unmapped and its entries cleared.
 * See docs/kernel/address-spaces.md.
 */
#ifndef ARCH_OBJ_PAGE_TABLE_H
#define ARCH_OBJ_PAGE_TABLE_H

#include <arch/mmu.h>
#include <cap/cap.h>
#include <l4/abi_gen.h>

/* --- ASIDs ---------------------------------------------------------------- */

/* Whether n more ASIDs are free. */
int asid_available(uint64_t n);
/* The lowest free ASID, now naming pml4; 0 if none is free. */
unsigned asid_alloc(void *pml4);
void asid_free(unsigned asid);
/* The PML4 an ASID names; NULL if it is free (or 0, or out of range). */
void *asid_pml4(unsigned asid);
unsigned asid_used(void);

/* --- PML4 ------------------------------------------------------------------- */

/* Turn zeroed memory into a PML4 with the kernel half and an ASID (the
 * caller checked asid_available()). */
cap_t page_table_create_root(void *mem);
/* The last capability to a PML4 went: free its ASID. */
void page_table_finalise_root(cap_t cap);

/* --- mapping records ------------------------------------------------------- */

/* Level of the entry that maps an object of this type (see <arch/mmu.h>:
 * PDPT 3, PD 2, PT and Frame2M 1, Frame4K 0). */
unsigned page_table_entry_level(enum cap_type type);

/* The entry c's record names, if it still maps c's object; NULL if c
 * holds no record or a stale one. *pml4 gets the space's root. */
pte_t *page_table_find_mapping(cap_t c, void **pml4);

/* A PDPT, PD or PT capability was deleted. */
void page_table_cap_removed(cap_t c);

/* For the invariant check: NULL, or what is wrong with this capability's
 * ASID or record (e is a PML4, page-table or frame capability's slot), or
 * with the ASID table (asid_table_check()). */
const char *page_table_check_cap(const cte_t *e);
const char *asid_table_check(void);

struct invocation;
l4_error_t page_table_decode_invocation(cte_t *slot, struct invocation *inv);

#endif
