/* SPDX-License-Identifier: MIT */
/*
 * Printing the kernel event trace on the console (see <l4/trace.h>).
 *
 * Printing is itself traced (every character is a DebugPutChar syscall,
 * two records), so the dump first takes a snapshot of the whole ring and
 * prints from that: what the printing adds is not part of this dump.
 */
#include <l4/debug.h>
#include <l4/trace.h>

long l4_trace_dump(const struct l4_trace_header *ring, size_t size, struct l4_trace_record *scratch,
                   size_t max)
{
    struct l4_trace_window w;
    long n = l4_trace_snapshot(ring, size, scratch, max, &w);
    if (n < 0) {
        l4_puts("trace-begin invalid\n");
        return -1;
    }
    l4_printf("trace-begin version=%u tsc_hz=%llu capacity=%llu first=%llu count=%llu\n",
              (unsigned)ring->version, (unsigned long long)ring->tsc_hz,
              (unsigned long long)ring->capacity, (unsigned long long)w.first,
              (unsigned long long)w.count);
    for (long i = 0; i < n; i++) {
        char line[200];
        l4_trace_format(&scratch[i], w.first + (uint64_t)i, line, sizeof line);
        l4_printf("%s\n", line);
    }
    l4_printf("trace-end count=%ld\n", n);
    return n;
}
