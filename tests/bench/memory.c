/* SPDX-License-Identifier: MIT */
/*
 * Benchmarks of the kernel's memory work: creating an object from Untyped.
 *
 * retype_frame_4k  Untyped Retype of one 4 KiB frame (a Call on the untyped
 *                  with the UntypedRetype label, built here as the stub
 *                  builds it) from an untyped of exactly 4 KiB into an
 *                  empty slot of the root CNode. The kernel zeroes the
 *                  frame, so the figure is mostly the cost of zeroing one
 *                  page. Between samples, outside the timed code, the frame
 *                  capability is deleted: the untyped then has no children
 *                  and the next retype reuses its memory from the start.
 */
#include "bench.h"

#define FRAME_BITS 12

void bench_retype_frame_4k(const char *name)
{
    l4_cptr_t ut = bench_new_sized(name, L4_OBJECT_UNTYPED, FRAME_BITS);
    l4_cptr_t slot = bench_slot(name);
    if (!ut || !slot)
        return;
    struct l4_ipc_buffer *ipc = l4_ipc_buffer();
    l4_msginfo_t info = l4_msginfo_new(L4_LABEL_UNTYPED_RETYPE, 0, L4_LABEL_UNTYPED_RETYPE_CAPS,
                                       L4_LABEL_UNTYPED_RETYPE_WORDS);
    _Static_assert(L4_MR_UNTYPED_RETYPE_NODE_OFFSET == 4 && L4_MR_UNTYPED_RETYPE_NUM_OBJECTS == 5,
                   "the first four words travel in registers, the rest in the IPC buffer");
    for (unsigned i = 0; i < bench_warmup + bench_iterations; i++) {
        ipc->caps_or_badges[L4_XCAP_UNTYPED_RETYPE_ROOT] = BENCH_CNODE;
        ipc->msg[L4_MR_UNTYPED_RETYPE_NODE_OFFSET] = slot;
        ipc->msg[L4_MR_UNTYPED_RETYPE_NUM_OBJECTS] = 1;
        struct bench_regs r = {
            .rax = L4_SYS_CALL,
            .rdi = ut,
            .rsi = info,
            .rdx = L4_OBJECT_FRAME_4K, /* type */
            .r8 = 0,                   /* size_bits */
            .r9 = 0,                   /* node_index: the root CNode itself */
            .r10 = 0,                  /* node_depth */
        };
        bench_record(i, bench_timed_syscall(&r));
        if (r.rax != L4_NO_ERROR || l4_debug_cap_identify(slot) != L4_CAP_FRAME_4K) {
            bench_fail(name, "Retype returned %s", l4_error_name(r.rax));
            return;
        }
        l4_error_t e = l4_cnode_delete(BENCH_CNODE, slot, BENCH_DEPTH);
        if (e != L4_NO_ERROR) {
            bench_fail(name, "deleting the frame failed: %s", l4_error_name(e));
            return;
        }
    }
    bench_report(name, BENCH_PAIR);
}
