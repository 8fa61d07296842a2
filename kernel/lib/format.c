/* SPDX-License-Identifier: MIT */
/*
 * printf-style formatting for the kernel, without floating point.
 *
 * Interface: kvsnprintf()/ksnprintf() with C99 semantics (always
 * NUL-terminates when size > 0, returns the length the full output would
 * have). Supported: %% %c %s %d %i %u %x %X %p, flags '-' '0' '#', a width and
 * a precision (digits or '*'), length modifiers hh h l ll z. Unknown
 * conversions are printed literally. Hand-written because the kernel is
 * built without SSE, which rules out libc formatters that handle floats;
 * tests/unit/test_format.c checks it against the host's snprintf.
 */
#include <stdint.h>
#include <core/console.h>

struct out {
    char *buf;
    size_t size, len;
};

static void put(struct out *o, char c)
{
    if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

static void pad(struct out *o, char c, int n)
{
    while (n-- > 0)
        put(o, c);
}

static void put_number(struct out *o, uint64_t v, int neg, unsigned base, int upper, int width,
                       int prec, int left, int zero, const char *prefix)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = digits[v % base];
        v /= base;
    } while (v);
    if (prec == 0 && n == 1 && tmp[0] == '0')
        n = 0; /* C: zero with precision 0 prints no digits */
    int plen = 0;
    while (prefix[plen])
        plen++;
    int zeros = prec > n ? prec - n : 0;
    int body = (neg ? 1 : 0) + plen + zeros + n;
    if (!left && zero && prec < 0) {
        zeros += width > body ? width - body : 0;
        body = width > body ? width : body;
    }
    if (!left)
        pad(o, ' ', width - body);
    if (neg)
        put(o, '-');
    for (int i = 0; i < plen; i++)
        put(o, prefix[i]);
    pad(o, '0', zeros);
    while (n)
        put(o, tmp[--n]);
    if (left)
        pad(o, ' ', width - body);
}

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct out o = {buf, size, 0};
    for (const char *p = fmt; *p; p++) {
        if (*p != '%') {
            put(&o, *p);
            continue;
        }
        const char *start = p++;
        int left = 0, zero = 0, alt = 0, width = 0, prec = -1, lng = 0;
        for (;; p++) {
            if (*p == '-')
                left = 1;
            else if (*p == '0')
                zero = 1;
            else if (*p == '#')
                alt = 1;
            else
                break;
        }
        if (*p == '*') {
            width = va_arg(ap, int);
            if (width < 0) {
                left = 1;
                width = -width;
            }
            p++;
        } else {
            while (*p >= '0' && *p <= '9')
                width = width * 10 + (*p++ - '0');
        }
        if (*p == '.') {
            p++;
            prec = 0;
            if (*p == '*') {
                prec = va_arg(ap, int);
                p++;
            } else {
                while (*p >= '0' && *p <= '9')
                    prec = prec * 10 + (*p++ - '0');
            }
        }
        if (*p == 'h') {
            p++;
            lng = -1;
            if (*p == 'h') {
                p++;
                lng = -2;
            }
        } else if (*p == 'l') {
            p++;
            lng = 1;
            if (*p == 'l') {
                p++;
                lng = 2;
            }
        } else if (*p == 'z') {
            p++;
            lng = 1;
        }
        switch (*p) {
        case '%':
            put(&o, '%');
            break;
        case 'c': {
            char c = (char)va_arg(ap, int);
            if (!left)
                pad(&o, ' ', width - 1);
            put(&o, c);
            if (left)
                pad(&o, ' ', width - 1);
            break;
        }
        case 's': {
            const char *s = va_arg(ap, const char *);
            if (!s)
                s = "(null)";
            int n = 0;
            while (s[n] && (prec < 0 || n < prec))
                n++;
            if (!left)
                pad(&o, ' ', width - n);
            for (int i = 0; i < n; i++)
                put(&o, s[i]);
            if (left)
                pad(&o, ' ', width - n);
            break;
        }
        case 'd':
        case 'i': {
            int64_t v;
            if (lng >= 1)
                v = va_arg(ap, long);
            else
                v = va_arg(ap, int);
            if (lng == -1)
                v = (short)v;
            else if (lng == -2)
                v = (signed char)v;
            uint64_t mag = v < 0 ? -(uint64_t)v : (uint64_t)v;
            put_number(&o, mag, v < 0, 10, 0, width, prec, left, zero, "");
            break;
        }
        case 'u':
        case 'x':
        case 'X': {
            uint64_t v;
            if (lng >= 1)
                v = va_arg(ap, unsigned long);
            else
                v = va_arg(ap, unsigned int);
            if (lng == -1)
                v = (unsigned short)v;
            else if (lng == -2)
                v = (unsigned char)v;
            const char *prefix = alt && v && *p != 'u' ? (*p == 'X' ? "0X" : "0x") : "";
            put_number(&o, v, 0, *p == 'u' ? 10 : 16, *p == 'X', width, prec, left, zero, prefix);
            break;
        }
        case 'p': {
            uintptr_t v = (uintptr_t)va_arg(ap, void *);
            put_number(&o, v, 0, 16, 0, width, prec, left, zero, "0x");
            break;
        }
        default:
            /* Unknown conversion: print it as written. */
            for (const char *q = start; q <= p && *q; q++)
                put(&o, *q);
            if (!*p)
                p--;
            break;
        }
    }
    if (size)
        buf[o.len < size ? o.len : size - 1] = '\0';
    return (int)o.len;
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = kvsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
