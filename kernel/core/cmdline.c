/* SPDX-License-Identifier: MIT */
/*
 * Kernel command-line lookup: cmdline_get() finds "key=value" (or a bare
 * "key") among space-separated words (see <core/bootinfo.h>).
 */
#include <core/bootinfo.h>
#include <core/string.h>

int cmdline_get(const char *cmdline, const char *key, char *out, unsigned outlen)
{
    size_t klen = strlen(key);
    const char *p = cmdline;
    while (*p) {
        while (*p == ' ')
            p++;
        const char *w = p;
        while (*p && *p != ' ')
            p++;
        size_t wlen = (size_t)(p - w);
        if (wlen >= klen && !strncmp(w, key, klen) && (wlen == klen || w[klen] == '=')) {
            size_t vlen = wlen > klen ? wlen - klen - 1 : 0;
            if (outlen) {
                size_t n = vlen < outlen - 1 ? vlen : outlen - 1;
                memcpy(out, w + klen + (wlen > klen), n);
                out[n] = '\0';
            }
            return 0;
        }
    }
    return -1;
}
