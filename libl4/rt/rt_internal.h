/* SPDX-License-Identifier: MIT */
/*
 * Runtime-internal interfaces between the files of libl4/rt/.
 *
 * Not for programs: the runtime sets its DebugConsole and PowerControl
 * capabilities itself at start-up, from the boot info's fixed slots (root
 * task) or the start-info page's "debug_console" and "power" capabilities.
 */
#ifndef L4_RT_INTERNAL_H
#define L4_RT_INTERNAL_H

#include <l4/abi_gen.h>

void l4_rt_set_debug_caps(l4_cptr_t debug_console, l4_cptr_t power_control);
/* Output through the console server's Write (a "console" Endpoint in the
 * start-info page) instead of the DebugConsole. */
void l4_rt_set_console_ep(l4_cptr_t console);

#endif
