/* SPDX-License-Identifier: MIT */
/*
 * The x86-64 side of the kernel event trace (see <core/trace.h>): time
 * stamps are the time stamp counter, which runs at arch_tsc_hz(). Only a
 * kernel built with TESSERA_TRACE compiles this file.
 */
#include <core/trace.h>

uint64_t arch_trace_timestamp(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}
