/* SPDX-License-Identifier: MIT */
/*
 * Shared helpers of the address-space tests (test_vspace*.c).
 *
 * Interface: VA(n) is test n's own 512 GiB region of the root task's
 * VSpace (PML4 entry 64 + n, far from the image at 0x400000 in entry 0 and
 * the stack below 0x7fffffff0000 in entry 255), so that no test meets
 * another's tables. vs_tables() retypes a PDPT, PD and PT and maps them to
 * cover va (with libl4's address-space helper, <l4/vspace.h>); vs_frame()
 * retypes a Frame4K and maps it at va; both fail the test (and return 0)
 * on error. vs_probe() has a new thread read, write or call an address,
 * with its faults sent to the test as exception IPC, and reports either
 * the value read or the page fault (vector, error code, address).
 * vs_touch_suspends() has a thread without a fault handler read an
 * address and reports whether the kernel stopped it at that read.
 * Each probe costs one of the test's UT_MAX_THREADS threads.
 */
#ifndef VSPACE_UTIL_H
#define VSPACE_UTIL_H

#include "utest.h"

#define VS     L4_ROOT_SLOT_VSPACE
#define VA(n)  (UINT64_C(0x0000200000000000) + ((uint64_t)(n) << 39))
#define KIB4   UINT64_C(0x1000)
#define MIB2   UINT64_C(0x200000)
#define GIB1   UINT64_C(0x40000000)
#define RO     L4_VM_RIGHTS_READ
#define RW     (L4_VM_RIGHTS_READ | L4_VM_RIGHTS_WRITE)
#define RX     (L4_VM_RIGHTS_READ | L4_VM_RIGHTS_EXECUTE)
#define ALL    L4_CAP_RIGHTS_ALL
#define NOATTR 0

/* Page-fault error code bits. */
#define PF_PRESENT 1
#define PF_WRITE   2
#define PF_USER    4
#define PF_FETCH   16
#define PF_MASK    (PF_PRESENT | PF_WRITE | PF_USER | PF_FETCH)

struct vs_tables {
    l4_cptr_t pdpt, pd, pt;
};

/* New PDPT, PD and PT mapped in vspace to cover va. */
void vs_tables(l4_cptr_t vspace, uint64_t va, struct vs_tables *t);
/* A new Frame4K mapped at va of vspace with rights; 0 on error. */
l4_cptr_t vs_frame(l4_cptr_t vspace, uint64_t va, l4_vm_rights_t rights);

enum vs_op { VS_READ, VS_WRITE, VS_EXEC };

struct vs_probe {
    l4_error_t status; /* of receiving the thread's report */
    int faulted;
    l4_word_t value;                  /* read (VS_READ, not faulted) */
    l4_word_t vector, error, address; /* the fault */
};

struct vs_probe vs_probe(enum vs_op op, uint64_t addr, l4_word_t value);

/* 1 if a thread without a fault handler that reads addr is stopped by the
 * kernel at that read (suspended, the read not done); 0 otherwise. */
int vs_touch_suspends(uint64_t addr);

/* Assertions on probes (in a test function). */
#define VS_EXPECT_READ(addr, expected)                                                             \
    do {                                                                                           \
        struct vs_probe p_ = vs_probe(VS_READ, (addr), 0);                                         \
        UT_OK(p_.status);                                                                          \
        UT_EQ(p_.faulted, 0);                                                                      \
        UT_EQ(p_.value, (expected));                                                               \
    } while (0)

#define VS_EXPECT_FAULT(op, addr, error_code)                                                      \
    do {                                                                                           \
        struct vs_probe p_ = vs_probe((op), (addr), 0x5eed);                                       \
        UT_OK(p_.status);                                                                          \
        UT_EQ(p_.faulted, 1);                                                                      \
        UT_EQ(p_.vector, 14);                                                                      \
        UT_EQ(p_.address, (addr));                                                                 \
        UT_EQ(((l4_word_t)p_.error & PF_MASK), (error_code));                                      \
    } while (0)

#endif
