/* SPDX-License-Identifier: MIT */
/*
 * Random bytes for user level (libl4/random/): the ChaCha20 block function
 * (RFC 8439) and a generator built on it with fast key erasure (each
 * request's output comes from a block whose key is replaced at once by
 * other bytes of the same stream, so a later compromise of the state
 * reveals nothing already handed out).
 *
 * Where the seed comes from: the host tool passes fresh random bytes in
 * the boot module "seed" (a fixed seed on request); the root task mixes it
 * with RDRAND where the CPU has it (l4_random_rdrand()) and derives one
 * seed per compartment and start (l4_random_derive()), handed to the guest
 * kernel in its environment (docs/servers/root.md, "Entropy"). Pure logic
 * except l4_random_rdrand(); host-tested (tests/unit/test_random.c).
 */
#ifndef L4_RANDOM_H
#define L4_RANDOM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define L4_RANDOM_SEED_BYTES 32

/* One ChaCha20 block: 64 bytes of key stream for key, counter, nonce. */
void l4_chacha20_block(const uint32_t key[8], uint32_t counter, const uint32_t nonce[3],
                       uint8_t out[64]);

struct l4_random {
    uint32_t key[8];
    uint64_t blocks; /* blocks produced (the nonce) */
};

/* A generator keyed with seed (32 bytes). */
void l4_random_init(struct l4_random *r, const uint8_t seed[L4_RANDOM_SEED_BYTES]);
/* n bytes of output; the key is replaced after every call. */
void l4_random_bytes(struct l4_random *r, void *out, size_t n);

/* A seed for one purpose: ChaCha20 keyed with the root seed, with
 * (domain, a, b) as its nonce: independent outputs for each triple. */
void l4_random_derive(const uint8_t root[L4_RANDOM_SEED_BYTES], uint32_t domain, uint32_t a,
                      uint32_t b, uint8_t out[L4_RANDOM_SEED_BYTES]);

/* Mix 32 bytes from RDRAND into seed (XOR) if the CPU has RDRAND; whether
 * it did. */
bool l4_random_rdrand(uint8_t seed[L4_RANDOM_SEED_BYTES]);

/* 64 lowercase hex digits and a NUL for 32 bytes; back (false if not
 * exactly 64 hex digits). */
void l4_random_hex(const uint8_t in[L4_RANDOM_SEED_BYTES], char out[2 * L4_RANDOM_SEED_BYTES + 1]);
bool l4_random_unhex(const char *in, uint8_t out[L4_RANDOM_SEED_BYTES]);

#endif
