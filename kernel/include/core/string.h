/* SPDX-License-Identifier: MIT */
/*
 * The few string and memory functions the freestanding kernel needs (GCC
 * emits calls to memcpy/memset/memmove/memcmp even with -ffreestanding).
 * memcpy, memmove, memset and memzero are arch code (word-sized string
 * instructions on x86-64, arch/x86_64/string.S); the rest is lib/string.c.
 * The host unit tests take the host libc's, and memzero from their fake
 * arch.
 */
#ifndef CORE_STRING_H
#define CORE_STRING_H

#include <stddef.h>

void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
/* Zero n bytes at dst; dst and n are multiples of 8 (kernel objects,
 * pages). */
void memzero(void *dst, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strncmp(const char *a, const char *b, size_t n);
size_t strlcpy(char *dst, const char *src, size_t size);

#endif
