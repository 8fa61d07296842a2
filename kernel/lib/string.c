/* SPDX-License-Identifier: MIT */
/*
 * Byte-wise string functions for the kernel.
 *
 * Hand-written rather than taken from musl: the kernel is built without SSE
 * and with -mcmodel=kernel, which Debian's prebuilt libc.a is not, and these
 * few loops are not worth a second toolchain. The bulk memory functions
 * (memcpy, memmove, memset, memzero), which retype and page-table code run
 * over whole pages, are arch code: kernel/arch/x86_64/string.S. Host unit
 * tests use the host libc instead, so this file is not linked there.
 */
#include <core/string.h>

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;
    for (; n; n--, x++, y++)
        if (*x != *y)
            return *x - *y;
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

size_t strnlen(const char *s, size_t max)
{
    size_t n = 0;
    while (n < max && s[n])
        n++;
    return n;
}

int strncmp(const char *a, const char *b, size_t n)
{
    for (; n; n--, a++, b++) {
        if (*a != *b)
            return (unsigned char)*a - (unsigned char)*b;
        if (!*a)
            return 0;
    }
    return 0;
}

size_t strlcpy(char *dst, const char *src, size_t size)
{
    size_t len = strlen(src);
    if (size) {
        size_t n = len < size - 1 ? len : size - 1;
        memcpy(dst, src, n);
        dst[n] = '\0';
    }
    return len;
}
