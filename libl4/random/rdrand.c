/* SPDX-License-Identifier: MIT */
/* RDRAND, where the CPU has it (CPUID.1:ECX bit 30; see <l4/random.h>). */
#include <cpuid.h>
#include <l4/random.h>

bool l4_random_rdrand(uint8_t seed[L4_RANDOM_SEED_BYTES])
{
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & (1u << 30)))
        return false;
    for (unsigned i = 0; i < L4_RANDOM_SEED_BYTES / 8; i++) {
        uint64_t v = 0;
        unsigned char ok = 0;
        for (int tries = 0; tries < 10 && !ok; tries++)
            __asm__ volatile("rdrand %0; setc %1" : "=r"(v), "=qm"(ok));
        if (!ok)
            return false;
        for (unsigned k = 0; k < 8; k++)
            seed[8 * i + k] ^= (uint8_t)(v >> (8 * k));
    }
    return true;
}
