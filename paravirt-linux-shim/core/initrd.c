/* SPDX-License-Identifier: MIT */
/*
 * Finding a file in the initramfs the root task mapped (cpio newc), until
 * the in-memory file system (fs/) holds it: a bounded walk that trusts no
 * header field (hex digits checked, sizes against what is left).
 */
#include <string.h>
#include "shim.h"

static int hex8(const uint8_t *p, uint32_t *out)
{
    uint32_t v = 0;
    for (int i = 0; i < 8; i++) {
        uint8_t c = p[i];
        unsigned d = c >= '0' && c <= '9'   ? (unsigned)(c - '0')
                     : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
                     : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10)
                                            : 16u;
        if (d > 15)
            return -1;
        v = v << 4 | d;
    }
    *out = v;
    return 0;
}

const void *initrd_find(const char *path, size_t *size)
{
    const uint8_t *p = shim.initrd;
    size_t left = shim.initrd_size;
    while (path[0] == '/')
        path++;
    while (p && left >= 110) {
        uint32_t f[13];
        if (memcmp(p, "070701", 6) != 0)
            return NULL;
        for (int i = 0; i < 13; i++)
            if (hex8(p + 6 + 8 * i, &f[i]) != 0)
                return NULL;
        uint32_t filesize = f[6], namesize = f[11];
        size_t hdr = (110 + namesize + 3) & ~(size_t)3;
        if (namesize == 0 || hdr > left || filesize > left - hdr)
            return NULL;
        const char *name = (const char *)p + 110;
        if (name[namesize - 1] != 0)
            return NULL;
        if (strcmp(name, "TRAILER!!!") == 0)
            return NULL;
        const char *n = name;
        while (n[0] == '.' && n[1] == '/')
            n += 2;
        while (n[0] == '/')
            n++;
        if (strcmp(n, path) == 0 && (f[1] & 0170000) == 0100000) {
            *size = filesize;
            return p + hdr;
        }
        size_t next = (hdr + filesize + 3) & ~(size_t)3;
        if (next > left)
            return NULL;
        p += next;
        left -= next;
    }
    return NULL;
}
