/* SPDX-License-Identifier: MIT */
/*
 * The fuzz loop's contract, shared by fuzz_loop.S (the loop) and
 * test_fuzz.c (its controller); plain macros, usable from assembly.
 *
 * Interface: fuzz_entry (fuzz_loop.S) runs in a thread of its own address
 * space and CSpace (other_space.h). It is entered with RBX = a non-zero
 * seed of its xorshift64 generator, RBP = its data page (FZ_* offsets
 * below, the IPC buffer first) and RSP = the top of its stack page, and
 * from then on uses only those registers, the two pages and its own code
 * page (no globals of the test, no libl4). Each loop iteration is either
 * a syscall with random registers and IPC-buffer contents or, 1 in 16, a
 * fault or odd instruction (FZ_FAULT_KINDS kinds). After a syscall it
 * checks that the registers the ABI preserves (RBX, RBP, R12-R15, RSP) are
 * unchanged and that RAX holds a status the syscall can return; a failed
 * check ends in a ud2 at fuzz_fail_clobber, fuzz_fail_status or
 * which the controller sees as an invalid-opcode fault at that address.
 * The task holds no DebugConsole or PowerControl capability: the syscall
 * numbers of the old uncapped debug calls (16 DebugPutChar, 17 DebugHalt,
 * 20 DebugCheckInvariants) must return IllegalOperation and the machine
 * must keep running. The loop never jumps into its own code page.
 *
 * fuzz_probe (same page) is the small fixed routine of the fuzz_other_space
 * test: it writes FZ_PROBE_MAGIC to FZ_PROBE_WORDS(RBP), stores there the
 * status of DebugCapIdentify(R13), then reads the word at RBX (to fault).
 */
#ifndef FUZZ_LOOP_H
#define FUZZ_LOOP_H

/* The data page: the IPC buffer, then counters and a ring of the last
 * syscalls, written by the loop and read by the controller. */
#define FZ_PAGE_SIZE     4096
#define FZ_IPC           0x000 /* the IPC buffer (L4_IPC_BUFFER_SIZE bytes) */
#define FZ_ITERATIONS    0x400 /* loop iterations started */
#define FZ_SYSCALLS      0x408 /* syscalls that returned and passed the checks */
#define FZ_FAULT_ACTIONS 0x410 /* fault actions started */
#define FZ_RING_NEXT     0x418 /* number of syscalls recorded in the ring so far */
#define FZ_PROBE_WORDS   0x420 /* fuzz_probe: magic, DebugCapIdentify status */
#define FZ_STATUSES      0x430 /* FZ_ERROR_COUNT counters: statuses of IPC syscalls */
#define FZ_RING          0x500 /* FZ_RING_LEN records, oldest overwritten */
#define FZ_RING_LEN      16
#define FZ_REC_WORDS     8 /* RAX, RDI, RSI, RDX, R8, R9, R10, R12 as issued */
#define FZ_REC_BYTES     (FZ_REC_WORDS * 8)
#define FZ_RING_END      (FZ_RING + FZ_RING_LEN * FZ_REC_BYTES)

#define FZ_PROBE_MAGIC 0x5eedf00d

/* Slots of the fuzzing task's CSpace: one CNode of 2^FZ_CNODE_RADIX slots
 * whose capability (TCB cspace root and slot FZ_SLOT_CNODE) has a guard
 * of 64 - FZ_CNODE_RADIX zero bits, so a cptr is a slot number. The loop
 * mostly names slots below 16, all of them sometimes. */
#define FZ_CNODE_RADIX      5
#define FZ_SLOT_CNODE       1  /* its own CNode */
#define FZ_SLOT_FAULT_EP    2  /* fault endpoint: Write and GrantReply, badged */
#define FZ_SLOT_EP          3  /* endpoint served by a root thread */
#define FZ_SLOT_EP_BADGED   4  /* the same, badged */
#define FZ_SLOT_NTFN        5  /* notification */
#define FZ_SLOT_NTFN_BADGED 6  /* the same, badged */
#define FZ_SLOT_REPLY       7  /* Reply object */
#define FZ_SLOT_UNTYPED     8  /* small untyped */
#define FZ_SLOT_FRAME       9  /* Frame4K, not mapped */
#define FZ_SLOT_VSPACE      10 /* its own PML4 */
#define FZ_SLOT_TCB         11 /* its own TCB (MCP 0) */
#define FZ_SLOT_VICTIM      12 /* a TCB that has never run */
#define FZ_SLOTS_USED       13 /* slots 13.. start empty */

/* Statuses, checked against <l4/abi_gen.h> by test_fuzz.c (the error and
 * capability-type enums there are C only). */
#define FZ_ERROR_COUNT       12
#define FZ_CAP_TYPE_COUNT    19
#define FZ_ILLEGAL_OPERATION 3

#define FZ_FAULT_KINDS 16

#endif
