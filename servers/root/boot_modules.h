/* SPDX-License-Identifier: MIT */
/*
 * Root task: the boot modules it reads (the manifest and the entropy seed).
 *
 * The kernel hands every module after the root task over as read-only
 * Frame4K capabilities (<l4/bootinfo.h>); root_map_module() maps one at a
 * fixed window so its bytes can be read. root_report_manifest() checks the
 * packed manifest (<l4/manifest.h>) and prints what the root task would
 * build from it; root_report_seed() checks the seed module.
 */
#ifndef ROOT_BOOT_MODULES_H
#define ROOT_BOOT_MODULES_H

#include <l4/bootinfo.h>

void root_report_manifest(const struct l4_boot_info *bi);
void root_report_seed(const struct l4_boot_info *bi);

#endif
