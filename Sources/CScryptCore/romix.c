#include "scrypt_core.h"
#include <string.h>

#define ROTL(a, b) (((a) << (b)) | ((a) >> (32 - (b))))

static inline uint32_t le32dec(const uint8_t *p) {
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static inline void le32enc(uint8_t *p, uint32_t x) {
    p[0] = (uint8_t)x; p[1] = (uint8_t)(x >> 8); p[2] = (uint8_t)(x >> 16); p[3] = (uint8_t)(x >> 24);
}

/* Salsa20/8 core (RFC 7914 section 3), in place on 16 words. */
static void salsa20_8(uint32_t b[16]) {
    uint32_t x[16];
    memcpy(x, b, 64);
    for (int i = 0; i < 8; i += 2) {
        x[4] ^= ROTL(x[0] + x[12], 7);   x[8] ^= ROTL(x[4] + x[0], 9);
        x[12] ^= ROTL(x[8] + x[4], 13);  x[0] ^= ROTL(x[12] + x[8], 18);
        x[9] ^= ROTL(x[5] + x[1], 7);    x[13] ^= ROTL(x[9] + x[5], 9);
        x[1] ^= ROTL(x[13] + x[9], 13);  x[5] ^= ROTL(x[1] + x[13], 18);
        x[14] ^= ROTL(x[10] + x[6], 7);  x[2] ^= ROTL(x[14] + x[10], 9);
        x[6] ^= ROTL(x[2] + x[14], 13);  x[10] ^= ROTL(x[6] + x[2], 18);
        x[3] ^= ROTL(x[15] + x[11], 7);  x[7] ^= ROTL(x[3] + x[15], 9);
        x[11] ^= ROTL(x[7] + x[3], 13);  x[15] ^= ROTL(x[11] + x[7], 18);
        x[1] ^= ROTL(x[0] + x[3], 7);    x[2] ^= ROTL(x[1] + x[0], 9);
        x[3] ^= ROTL(x[2] + x[1], 13);   x[0] ^= ROTL(x[3] + x[2], 18);
        x[6] ^= ROTL(x[5] + x[4], 7);    x[7] ^= ROTL(x[6] + x[5], 9);
        x[4] ^= ROTL(x[7] + x[6], 13);   x[5] ^= ROTL(x[4] + x[7], 18);
        x[11] ^= ROTL(x[10] + x[9], 7);  x[8] ^= ROTL(x[11] + x[10], 9);
        x[9] ^= ROTL(x[8] + x[11], 13);  x[10] ^= ROTL(x[9] + x[8], 18);
        x[12] ^= ROTL(x[15] + x[14], 7); x[13] ^= ROTL(x[12] + x[15], 9);
        x[14] ^= ROTL(x[13] + x[12], 13); x[15] ^= ROTL(x[14] + x[13], 18);
    }
    for (int i = 0; i < 16; i++) b[i] += x[i];
}

/* BlockMix (RFC 7914 section 4): in = 2r 64-byte sub-blocks; out = Y0, Y2, ..., Y1, Y3, ... */
static void blockmix(const uint32_t *in, uint32_t *out, uint32_t r) {
    uint32_t x[16];
    memcpy(x, &in[(2 * r - 1) * 16], 64);
    for (uint32_t i = 0; i < 2 * r; i++) {
        for (int k = 0; k < 16; k++) x[k] ^= in[i * 16 + k];
        salsa20_8(x);
        memcpy(&out[((i & 1) * r + (i >> 1)) * 16], x, 64);
    }
}

void kalypso_scrypt_romix(uint8_t *block, uint32_t r, uint64_t n, uint32_t *v, uint32_t *xy) {
    const size_t words = 32 * (size_t)r;
    uint32_t *x = xy, *y = xy + words;
    for (size_t k = 0; k < words; k++) x[k] = le32dec(&block[4 * k]);
    for (uint64_t i = 0; i < n; i += 2) {
        memcpy(&v[i * words], x, words * 4);
        blockmix(x, y, r);
        memcpy(&v[(i + 1) * words], y, words * 4);
        blockmix(y, x, r);
    }
    for (uint64_t i = 0; i < n; i += 2) {
        uint64_t j = x[(2 * r - 1) * 16] & (n - 1);
        for (size_t k = 0; k < words; k++) x[k] ^= v[j * words + k];
        blockmix(x, y, r);
        j = y[(2 * r - 1) * 16] & (n - 1);
        for (size_t k = 0; k < words; k++) y[k] ^= v[j * words + k];
        blockmix(y, x, r);
    }
    for (size_t k = 0; k < words; k++) le32enc(&block[4 * k], x[k]);
}
