/* SPDX-License-Identifier: MIT */
/*
 * The compartment's terminal, as the shim sees it: its virtual console
 * (docs/servers/console.md) with a line discipline in front (tty/,
 * docs/linux/tty.md). Output is processed (ONLCR...) and goes into the
 * ring shared with the console server, then one Flush asks the server to
 * write what is pending; the server owns the tail, the shim the head and
 * the data. Input: the console server raises the console line of the
 * virtual interrupt controller; the shim's upcall handler reads what was
 * typed (Read, 8 bytes a call) into the line discipline, writes its echo,
 * and answers the readers parked on the terminal.
 */
#include <string.h>
#include <l4/debug.h>
#include <l4/platform.h>
#include <l4/proto/console_client_gen.h>
#include <l4/rt.h>
#include <shim/linux_abi.h>
#include <shim/tty.h>
#include "shim.h"

static struct console_ring *ring;
struct shim_tty shim_tty;

static void ring_write(const char *s, size_t n);

void tty_init(void)
{
    shim_tty_init(&shim_tty);
    l4_word_t size = 0;
    ring = l4_rt_shared_page(L4_PLAT_PAGE_CONSOLE, &size);
    if (size < sizeof *ring)
        ring = NULL;
}

/* What programs write: output-processed, then to the ring. */
void tty_write(const char *s, size_t n)
{
    uint8_t out[512];
    while (n) {
        size_t used = 0;
        size_t k = shim_tty_output(&shim_tty, s, n, out, sizeof out, &used);
        if (k)
            ring_write((const char *)out, k);
        if (!used)
            break;
        s += used;
        n -= used;
    }
}

/* Bytes typed: into the line discipline, its echo out. */
void tty_input(void)
{
    for (;;) {
        l4_word_t len = 0, data = 0;
        if (shim.console == L4_CPTR_NULL || console_read(shim.console, 8, &len, &data) != 0 ||
            len == 0)
            break;
        uint8_t echo[256];
        struct shim_tty_events ev = {.echo = echo, .echo_cap = sizeof echo};
        shim_tty_input(&shim_tty, &data, len > 8 ? 8 : len, &ev);
        if (ev.echo_len)
            ring_write((const char *)echo, ev.echo_len);
        if (ev.signals)
            tty_signal(ev.signals);
    }
}

/* The host channel (console = "host"): bytes to a stream, no processing. */
void host_write(const char *s, size_t n, int stream)
{
    if (!ring || shim.console == L4_CPTR_NULL)
        return;
    while (n) {
        uint32_t head = ring->head, tail = __atomic_load_n(&ring->tail, __ATOMIC_ACQUIRE);
        uint32_t room = CONSOLE_RING_DATA_SIZE - (head - tail);
        size_t k = n < room ? n : room;
        for (size_t i = 0; i < k; i++)
            ring->data[(head + i) % CONSOLE_RING_DATA_SIZE] = s[i];
        __atomic_store_n(&ring->head, head + (uint32_t)k, __ATOMIC_RELEASE);
        s += k;
        n -= k;
        l4_word_t written;
        if (console_flush_stream(shim.console, (uint8_t)stream, &written) != 0)
            return;
    }
}

/* The host channel's input: bytes, 0 at its end, -EAGAIN if none yet. */
long host_read(void *buf, size_t n)
{
    uint8_t *b = buf;
    size_t done = 0;
    while (done < n) {
        l4_word_t len = 0, data = 0;
        uint8_t want = n - done < 8 ? (uint8_t)(n - done) : 8;
        console_status_t st = console_read(shim.console, want, &len, &data);
        if (st == CONSOLE_ERROR_END_OF_INPUT)
            return (long)done;
        if (st != 0 || len == 0)
            return done ? (long)done : -LINUX_EAGAIN;
        for (l4_word_t i = 0; i < len && i < 8; i++)
            b[done++] = (uint8_t)(data >> (8 * i));
        if (len < want)
            break;
    }
    return (long)done;
}

static void ring_write(const char *s, size_t n)
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
