/* SPDX-License-Identifier: MIT */
/*
 * The compartment's terminal, as the shim sees it: its virtual console
 * (docs/servers/console.md). Output goes into the ring shared with the
 * console server, then one Flush asks the server to write what is pending;
 * the server owns the tail, the shim the head and the data.
 */
#include <string.h>
#include <l4/debug.h>
#include <l4/platform.h>
#include <l4/proto/console_client_gen.h>
#include <l4/rt.h>
#include "shim.h"

static struct console_ring *ring;

void tty_init(void)
{
    l4_word_t size = 0;
    ring = l4_rt_shared_page(L4_PLAT_PAGE_CONSOLE, &size);
    if (size < sizeof *ring)
        ring = NULL;
}

void tty_write(const char *s, size_t n)
{
    if (!ring || shim.console == L4_CPTR_NULL) {
        l4_write(s, n); /* through the runtime's output */
        return;
    }
    while (n) {
        uint32_t head = ring->head, tail = __atomic_load_n(&ring->tail, __ATOMIC_ACQUIRE);
        uint32_t room = CONSOLE_RING_DATA_SIZE - (head - tail);
        if (room == 0) {
            l4_word_t written;
            if (console_flush(shim.console, &written) != L4_NO_ERROR)
                return;
            continue;
        }
        size_t k = n < room ? n : room;
        for (size_t i = 0; i < k; i++)
            ring->data[(head + i) % CONSOLE_RING_DATA_SIZE] = s[i];
        __atomic_store_n(&ring->head, head + (uint32_t)k, __ATOMIC_RELEASE);
        s += k;
        n -= k;
    }
    l4_word_t written;
    (void)console_flush(shim.console, &written);
}
