/* SPDX-License-Identifier: MIT */
/*
 * The IPC fastpath (docs/kernel/fastpath.md).
 *
 * Interface: fastpath_syscall(t) (<core/kernel_entry.h>, with the three
 * paths it tries) is tried first on every syscall of the current thread
 * t. It performs a Call, a ReplyRecv or a foreign-ABI
 * syscall whose conditions hold (short message in registers, no
 * capabilities, the partner waiting, no ready thread above the partner)
 * and leaves the kernel in the partner; otherwise, having changed
 * nothing, it hands the syscall to the full path, syscall_slowpath()
 * (syscall_handle(), schedule(), exit), which gives the same result.
 * Neither returns. The fastpath is compiled without saving RBX and
 * R12-R15 (kernel/meson.build), which is safe because it never returns. fastpath_enabled is cleared
 * by the kernel command-line word fastpath=off, so that benchmarks can
 * measure the full path.
 */
#ifndef API_FASTPATH_H
#define API_FASTPATH_H

#include <core/kernel_entry.h>

extern int fastpath_enabled;

#endif
