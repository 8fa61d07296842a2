/* SPDX-License-Identifier: MIT */
/*
 * select and pselect6 (docs/linux/kernel.md, "Files and blocking"), on
 * poll's machinery (vfs_block.c): each descriptor of the three sets is
 * asked vfs_poll_fd(); readable is POLLIN, POLLHUP or POLLERR, writable
 * POLLOUT or POLLERR, exceptional POLLPRI (never, here). Nothing ready
 * and time left: the call is parked and checked again whenever a pipe or
 * the terminal moves, until its deadline. The sets are written back only
 * with the answer (the ready bits; all clear on a timeout), and so is the
 * time left, as Linux does for both calls. pselect6's signal mask is not
 * applied yet (signals).
 *
 * Interface: vfs_select().
 */
#include <string.h>
#include <shim/linux_abi.h>
#include "vfs_internal.h"

#define SET_WORDS (SHIM_FD_TABLE_SIZE / 64)

/* args: nfds | pselect << 32, the three sets, the timeout's address, the
 * deadline (0: none). */
static long select_check(struct process *p, const uint64_t *a, bool final)
{
    int nfds = (int)(uint32_t)a[0];
    bool pselect = a[0] >> 32;
    size_t bytes = ((size_t)nfds + 63) / 64 * 8;
    uint64_t in[3][SET_WORDS], out[3][SET_WORDS];
    memset(in, 0, sizeof in);
    memset(out, 0, sizeof out);
    for (int k = 0; k < 3; k++)
        if (a[1 + k] && bytes && mm_copy_in(&p->mm, in[k], a[1 + k], bytes) != 0)
            return -LINUX_EFAULT;
    long ready = 0;
    for (int fd = 0; fd < nfds; fd++) {
        unsigned w = (unsigned)fd / 64;
        uint64_t bit = UINT64_C(1) << (fd % 64);
        if (!((in[0][w] | in[1][w] | in[2][w]) & bit))
            continue;
        int16_t rev = vfs_poll_fd(p, fd, 1 | 2 | 4);
        if (rev & 0x20) /* POLLNVAL */
            return -LINUX_EBADF;
        const bool hit[3] = {(rev & (1 | 8 | 0x10)) != 0, (rev & (4 | 8)) != 0, (rev & 2) != 0};
        for (int k = 0; k < 3; k++)
            if ((in[k][w] & bit) && hit[k]) {
                out[k][w] |= bit;
                ready++;
            }
    }
    if (ready == 0 && !final)
        return 0;
    for (int k = 0; k < 3; k++)
        if (a[1 + k] && bytes && mm_copy_out(&p->mm, a[1 + k], out[k], bytes) != 0)
            return -LINUX_EFAULT;
    if (a[4] && a[5]) { /* the time left; a failed copy is ignored, as Linux does */
        uint64_t now = shim_now_ns(), left = a[5] > now ? a[5] - now : 0;
        uint64_t t[2] = {left / 1000000000u, left % 1000000000u / (pselect ? 1u : 1000u)};
        (void)mm_copy_out(&p->mm, a[4], t, sizeof t);
    }
    return ready;
}

long vfs_select(struct process *p, int nfds, uint64_t rd, uint64_t wr, uint64_t ex, uint64_t tmo,
                bool pselect)
{
    if (nfds < 0)
        return -LINUX_EINVAL;
    if (nfds > SHIM_FD_TABLE_SIZE) /* Linux: at most the table's size */
        nfds = SHIM_FD_TABLE_SIZE;
    uint64_t deadline = 0;
    bool poll_only = false;
    if (tmo) {
        int64_t t[2];
        if (mm_copy_in(&p->mm, t, tmo, sizeof t) != 0)
            return -LINUX_EFAULT;
        int64_t unit = pselect ? 1 : 1000, max = pselect ? 999999999 : 999999;
        if (t[0] < 0 || t[1] < 0 || t[1] > max)
            return -LINUX_EINVAL;
        uint64_t ns = (uint64_t)t[0] * 1000000000u + (uint64_t)(t[1] * unit);
        if ((uint64_t)t[0] > UINT64_C(1) << 32)
            ns = UINT64_C(1) << 62; /* far enough */
        poll_only = ns == 0;
        deadline = shim_now_ns() + ns;
    }
    const uint64_t args[6] = {(uint32_t)nfds | (uint64_t)pselect << 32, rd, wr, ex, tmo, deadline};
    long r = select_check(p, args, poll_only);
    if (r != 0 || poll_only)
        return r;
    return vfs_park_check(p, select_check, args, deadline);
}
