/* SPDX-License-Identifier: MIT */
/*
 * The root task: built by the kernel at boot (core/root_task.c) from the
 * first multiboot module, as <l4/bootinfo.h> describes.
 */
#ifndef CORE_ROOT_TASK_H
#define CORE_ROOT_TASK_H

#include <core/bootinfo.h>

void root_task_create(const struct boot_info *boot);

#endif
