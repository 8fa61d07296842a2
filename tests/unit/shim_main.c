/* SPDX-License-Identifier: MIT */
/*
 * The Linux shim's unit tests alone, for the build with AddressSanitizer
 * and UBSan (tests/unit/meson.build); TAP on stdout.
 */
#include <stdlib.h>
#include "suites.h"

int main(void)
{
    SRunner *sr = srunner_create(shim_exec_suite());
    srunner_add_suite(sr, shim_exec_stack_suite());
    srunner_add_suite(sr, shim_cpio_suite());
    srunner_add_suite(sr, shim_tmpfs_suite());
    srunner_add_suite(sr, shim_tmpfs_linux_suite());
    srunner_add_suite(sr, shim_fd_suite());
    srunner_add_suite(sr, shim_tty_suite());
    srunner_add_suite(sr, shim_signal_suite());
    srunner_add_suite(sr, shim_cred_suite());
    srunner_set_tap(sr, "-");
    srunner_run_all(sr, CK_SILENT);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
