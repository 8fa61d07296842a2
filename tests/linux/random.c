/* SPDX-License-Identifier: MIT */
/*
 * random: getrandom and the random devices. The bytes themselves differ
 * on every run, so only their properties are printed: the count returned,
 * that two draws differ, that a large draw is not constant and its bytes
 * spread over the whole range, and the errors of bad flags and pointers.
 */
#include "lt.h"

#include <fcntl.h>
#include <sys/random.h>
#include <sys/syscall.h>

static int distinct_bytes(const unsigned char *b, size_t n)
{
    int seen[256] = {0}, count = 0;
    for (size_t i = 0; i < n; i++)
        if (!seen[b[i]]++)
            count++;
    return count;
}

int main(void)
{
    lt_init();
    unsigned char a[64], b[64];
    CHECK("getrandom 64 bytes", getrandom(a, sizeof a, 0) == (ssize_t)sizeof a);
    CHECK("getrandom again", getrandom(b, sizeof b, 0) == (ssize_t)sizeof b);
    CHECK("two draws differ", memcmp(a, b, sizeof a) != 0);
    CHECK("GRND_NONBLOCK", getrandom(a, 16, GRND_NONBLOCK) == 16);
    CHECK("GRND_RANDOM", getrandom(a, 16, GRND_RANDOM) > 0);
    CHECK("0 bytes returns 0", getrandom(a, 0, 0) == 0);
    static unsigned char big[65536];
    ssize_t n = getrandom(big, sizeof big, 0);
    CHECK("a 64 KiB draw returns at least 256 bytes", n >= 256);
    CHECK("its bytes take more than 200 distinct values", distinct_bytes(big, (size_t)n) > 200);
    CHECK_ERR("getrandom with a bad flag", syscall(SYS_getrandom, a, 16, 0x100), EINVAL);
    CHECK_ERR("getrandom into NULL", syscall(SYS_getrandom, NULL, 16, 0), EFAULT);
    CHECK_ERR("getrandom into a kernel address",
              syscall(SYS_getrandom, (void *)0xffff800000000000ul, 16, 0), EFAULT);

    static const char *devs[] = {"/dev/urandom", "/dev/random"};
    for (int i = 0; i < 2; i++) {
        char name[64];
        int fd = open(devs[i], O_RDONLY);
        snprintf(name, sizeof name, "read 4096 bytes of %s", devs[i]);
        CHECK(name, fd >= 0 && read(fd, big, 4096) == 4096);
        snprintf(name, sizeof name, "%s bytes take > 200 values", devs[i]);
        CHECK(name, distinct_bytes(big, 4096) > 200);
        snprintf(name, sizeof name, "write to %s is accepted", devs[i]);
        CHECK(name,
              close(fd) == 0 && (fd = open(devs[i], O_WRONLY)) >= 0 && write(fd, "seed", 4) == 4);
        close(fd);
    }
    return lt_done();
}
