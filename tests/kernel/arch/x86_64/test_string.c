/* SPDX-License-Identifier: MIT */
/*
 * In-kernel tests of the arch memory functions (arch/x86_64/string.S):
 * memcpy, memmove, memset and memzero against byte-by-byte references, at
 * every alignment of source and destination, lengths around the word size
 * and a whole page, overlaps in both directions, the bytes around the
 * target untouched, the return value, and the direction flag left clear.
 */
#include <stdint.h>
#include <core/string.h>
#include "ktest.h"

#define BUF     (4096 + 64)
#define GUARD   0x5a
#define MAX_OFF 9
#define MAX_LEN 40

static uint8_t a[BUF], b[BUF], want[BUF], tmp[BUF];

/* Byte loops through volatile pointers, so the compiler cannot turn the
 * references into calls of the functions under test. */
static void ref_fill(uint8_t *p, size_t n, uint8_t seed)
{
    volatile uint8_t *v = p;
    for (size_t i = 0; i < n; i++)
        v[i] = (uint8_t)(seed + i * 7);
}

static void ref_move(uint8_t *dst, const uint8_t *src, size_t n)
{
    volatile uint8_t *d = dst;
    const volatile uint8_t *s = src;
    for (size_t i = 0; i < n; i++)
        tmp[i] = s[i];
    for (size_t i = 0; i < n; i++)
        d[i] = tmp[i];
}

static void ref_set(uint8_t *dst, uint8_t c, size_t n)
{
    volatile uint8_t *d = dst;
    for (size_t i = 0; i < n; i++)
        d[i] = c;
}

/* Index of the first byte where x and y differ, or -1. */
static long first_diff(const uint8_t *x, const uint8_t *y, size_t n)
{
    const volatile uint8_t *vx = x, *vy = y;
    for (size_t i = 0; i < n; i++)
        if (vx[i] != vy[i])
            return (long)i;
    return -1;
}

static int df_clear(void)
{
    uint64_t flags;
    __asm__ volatile("pushfq; pop %0" : "=r"(flags));
    return !(flags & (1u << 10));
}

KTEST(string_memcpy, "memcpy at every alignment and length 0..40, and a page")
{
    for (size_t d = 0; d < MAX_OFF; d++)
        for (size_t s = 0; s < MAX_OFF; s++)
            for (size_t n = 0; n <= MAX_LEN; n++) {
                ref_set(a, GUARD, 128);
                ref_fill(b, 128, (uint8_t)(d + s + n));
                ref_set(want, GUARD, 128);
                ref_move(want + d, b + s, n);
                KT_EQ((uintptr_t)memcpy(a + d, b + s, n), (uintptr_t)(a + d));
                KT_EQ(first_diff(a, want, 128), -1);
            }
    ref_fill(b, 4096, 3);
    ref_set(a, GUARD, BUF);
    memcpy(a + 8, b, 4096);
    KT_EQ(first_diff(a + 8, b, 4096), -1);
    KT_EQ(a[7], GUARD);
    KT_EQ(a[4096 + 8], GUARD);
}

KTEST(string_memmove, "memmove with overlap in both directions keeps the source bytes")
{
    for (size_t d = 0; d < 2 * MAX_OFF; d++)
        for (size_t s = 0; s < 2 * MAX_OFF; s++)
            for (size_t n = 0; n <= MAX_LEN; n++) {
                ref_fill(a, 128, (uint8_t)(d * 3 + s + n));
                ref_fill(want, 128, (uint8_t)(d * 3 + s + n));
                ref_move(want + d, want + s, n);
                KT_EQ((uintptr_t)memmove(a + d, a + s, n), (uintptr_t)(a + d));
                KT_EQ(first_diff(a, want, 128), -1);
                KT_ASSERT(df_clear());
            }
    /* a page moved by one byte up and down */
    ref_fill(a, BUF, 1);
    ref_fill(want, BUF, 1);
    ref_move(want + 1, want, 4096);
    memmove(a + 1, a, 4096);
    KT_EQ(first_diff(a, want, BUF), -1);
    ref_move(want + 3, want + 12, 4096);
    memmove(a + 3, a + 12, 4096);
    KT_EQ(first_diff(a, want, BUF), -1);
    KT_ASSERT(df_clear());
}

KTEST(string_memset, "memset stores the low byte of c at every alignment and length")
{
    for (size_t d = 0; d < MAX_OFF; d++)
        for (size_t n = 0; n <= MAX_LEN; n++) {
            ref_set(a, GUARD, 128);
            ref_set(want, GUARD, 128);
            ref_set(want + d, 0xa5, n);
            KT_EQ((uintptr_t)memset(a + d, 0x3a5, n), (uintptr_t)(a + d));
            KT_EQ(first_diff(a, want, 128), -1);
        }
}

KTEST(string_memzero, "memzero clears whole words and pages, nothing around them")
{
    for (size_t d = 0; d < 64; d += 8)
        for (size_t n = 0; n <= 64; n += 8) {
            ref_set(a, GUARD, 256);
            ref_set(want, GUARD, 256);
            ref_set(want + 64 + d, 0, n);
            memzero(a + 64 + d, n);
            KT_EQ(first_diff(a, want, 256), -1);
        }
    ref_set(a, GUARD, BUF);
    memzero(a + 8, 4096);
    KT_EQ(a[7], GUARD);
    KT_EQ(a[4096 + 8], GUARD);
    ref_set(want, 0, 4096);
    KT_EQ(first_diff(a + 8, want, 4096), -1);
}
