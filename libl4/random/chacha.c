/* SPDX-License-Identifier: MIT */
/*
 * ChaCha20 and the generator on it (see <l4/random.h>). Written here, not
 * taken from a library: the user runtime links no crypto library, and the
 * block function is 30 lines whose test vector (RFC 8439, 2.3.2) is in
 * tests/unit/test_random.c.
 */
#include <string.h>
#include <l4/random.h>

static uint32_t rotl(uint32_t v, int n)
{
    return (v << n) | (v >> (32 - n));
}

#define QR(a, b, c, d)                                                                             \
    do {                                                                                           \
        a += b, d ^= a, d = rotl(d, 16);                                                           \
        c += d, b ^= c, b = rotl(b, 12);                                                           \
        a += b, d ^= a, d = rotl(d, 8);                                                            \
        c += d, b ^= c, b = rotl(b, 7);                                                            \
    } while (0)

void l4_chacha20_block(const uint32_t key[8], uint32_t counter, const uint32_t nonce[3],
                       uint8_t out[64])
{
    uint32_t s[16] = {0x61707865, 0x3320646e, 0x79622d32, 0x6b206574};
    memcpy(&s[4], key, 32);
    s[12] = counter;
    memcpy(&s[13], nonce, 12);
    uint32_t x[16];
    memcpy(x, s, sizeof x);
    for (int i = 0; i < 10; i++) {
        QR(x[0], x[4], x[8], x[12]);
        QR(x[1], x[5], x[9], x[13]);
        QR(x[2], x[6], x[10], x[14]);
        QR(x[3], x[7], x[11], x[15]);
        QR(x[0], x[5], x[10], x[15]);
        QR(x[1], x[6], x[11], x[12]);
        QR(x[2], x[7], x[8], x[13]);
        QR(x[3], x[4], x[9], x[14]);
    }
    for (int i = 0; i < 16; i++) {
        uint32_t v = x[i] + s[i];
        out[4 * i] = (uint8_t)v;
        out[4 * i + 1] = (uint8_t)(v >> 8);
        out[4 * i + 2] = (uint8_t)(v >> 16);
        out[4 * i + 3] = (uint8_t)(v >> 24);
    }
}

void l4_random_init(struct l4_random *r, const uint8_t seed[L4_RANDOM_SEED_BYTES])
{
    memcpy(r->key, seed, sizeof r->key);
    r->blocks = 0;
}

void l4_random_bytes(struct l4_random *r, void *out, size_t n)
{
    uint8_t *o = out, block[64];
    uint32_t nonce[3] = {(uint32_t)r->blocks, (uint32_t)(r->blocks >> 32), 0};
    r->blocks++;
    /* block 0 of this nonce: the next key; blocks 1.. the output */
    l4_chacha20_block(r->key, 0, nonce, block);
    uint32_t next[8];
    memcpy(next, block, sizeof next);
    for (uint32_t counter = 1; n > 0; counter++) {
        l4_chacha20_block(r->key, counter, nonce, block);
        size_t k = n < 64 ? n : 64;
        memcpy(o, block, k);
        o += k;
        n -= k;
    }
    memcpy(r->key, next, sizeof next);
    memset(block, 0, sizeof block);
    memset(next, 0, sizeof next);
}

void l4_random_derive(const uint8_t root[L4_RANDOM_SEED_BYTES], uint32_t domain, uint32_t a,
                      uint32_t b, uint8_t out[L4_RANDOM_SEED_BYTES])
{
    uint32_t key[8], nonce[3] = {domain, a, b};
    uint8_t block[64];
    memcpy(key, root, sizeof key);
    l4_chacha20_block(key, 0, nonce, block);
    memcpy(out, block, L4_RANDOM_SEED_BYTES);
    memset(block, 0, sizeof block);
    memset(key, 0, sizeof key);
}

void l4_random_hex(const uint8_t in[L4_RANDOM_SEED_BYTES], char out[2 * L4_RANDOM_SEED_BYTES + 1])
{
    static const char digits[] = "0123456789abcdef";
    for (unsigned i = 0; i < L4_RANDOM_SEED_BYTES; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 15];
    }
    out[2 * L4_RANDOM_SEED_BYTES] = 0;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

bool l4_random_unhex(const char *in, uint8_t out[L4_RANDOM_SEED_BYTES])
{
    for (unsigned i = 0; i < L4_RANDOM_SEED_BYTES; i++) {
        int hi = hexval(in[2 * i]), lo = hi < 0 ? -1 : hexval(in[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return false;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return in[2 * L4_RANDOM_SEED_BYTES] == 0;
}
