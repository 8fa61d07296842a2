/* SPDX-License-Identifier: MIT */
/* Host fake of the arch hooks: what tests can inspect. */
#ifndef FAKE_ARCH_H
#define FAKE_ARCH_H

#include <stddef.h>

extern char fake_console[4096];
extern size_t fake_console_len;

#endif
