/* SPDX-License-Identifier: MIT */
/*
 * A thread in an address space of its own, running code of this program.
 *
 * Interface, in the order a test uses it (every object and capability is
 * made in root slots from the test's untyped, see utest.h):
 *   os_create(s, name)    a new PML4 and an unconfigured TCB (named name)
 *   os_map_image(s, start, end, rights)
 *                         map every page of this program's image that
 *                         overlaps [start, end) at the same address in the
 *                         new space, with rights, through a copy of the
 *                         root task's image-frame capability of that page
 *                         (boot info); page tables are made as needed
 *   os_configure(s, cspace, guard, fault_ep, ipc_buffer, prio, mcp)
 *                         TCB Configure with CSpace root cspace (a root
 *                         slot) and guard word guard, fault endpoint
 *                         fault_ep (a cptr in that CSpace), VSpace the new
 *                         PML4 and the IPC buffer at ipc_buffer (inside a
 *                         page os_map_image() mapped writable); then its
 *                         priority and MCP, with the root TCB's authority
 *   os_start(s, regs)     write all registers and resume the thread
 *   os_frame_of(s, addr)  the frame copy that maps the page of addr there
 *   os_destroy(s)         revoke and delete the TCB, the frame copies, the
 *                         page tables and the PML4, in that order
 * Functions returning l4_error_t give L4_NO_ERROR or the first error, and
 * on error also fail the running test with the step that failed.
 *
 * Code mapped this way runs in the new space only if it uses nothing that
 * is not mapped there: no globals outside the mapped pages, no TLS (FS
 * base), no libl4 runtime; registers and the mapped pages only. Write such
 * code in assembly (fuzz_loop.S) or keep it free of absolute references
 * to anything else. The pages stay mapped in the root task too, so the
 * test reads and writes the new thread's data pages directly.
 */
#ifndef OTHER_SPACE_H
#define OTHER_SPACE_H

#include "utest.h"

#define OS_MAX_FRAMES 8
#define OS_MAX_TABLES 8

struct os_space {
    l4_cptr_t vspace, tcb;
    unsigned nframes, ntables;
    l4_cptr_t frame[OS_MAX_FRAMES];
    l4_word_t frame_va[OS_MAX_FRAMES];
    l4_cptr_t table[OS_MAX_TABLES];
};

l4_error_t os_create(struct os_space *s, const char *name);
l4_error_t os_map_image(struct os_space *s, const void *start, const void *end,
                        l4_vm_rights_t rights);
l4_error_t os_configure(struct os_space *s, l4_cptr_t cspace, l4_cnode_guard_t guard,
                        l4_cptr_t fault_ep, const void *ipc_buffer, uint8_t prio, uint8_t mcp);
l4_error_t os_start(struct os_space *s, const struct l4_user_context *regs);
l4_cptr_t os_frame_of(const struct os_space *s, const void *addr);
l4_error_t os_destroy(struct os_space *s);

#endif
