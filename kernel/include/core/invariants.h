/* SPDX-License-Identifier: MIT */
/*
 * Kernel invariant check (debug builds: the DebugCheckInvariants syscall).
 *
 * Interface: invariants_check(root) checks the scheduler's ready queues
 * and bitmap, and every capability in the CNode `root` names: derivation
 * links in both directions, untyped watermarks within the region, and for
 * endpoints, notifications, Reply objects and TCBs that queue membership
 * and thread states agree; the ASID table, and for PML4, page-table and
 * frame capabilities their ASID and mapping record
 * (page_table_check_cap()). It prints one line per violation and returns
 * how many it found. It reads only; the stress and fuzzing tests call it
 * after every step.
 */
#ifndef CORE_INVARIANTS_H
#define CORE_INVARIANTS_H

#include <cap/cap.h>

unsigned invariants_check(cap_t root);

#endif
