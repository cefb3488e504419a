#ifndef KALYPSO_SCRYPT_CORE_H
#define KALYPSO_SCRYPT_CORE_H
#include <stddef.h>
#include <stdint.h>

/* scrypt's memory-hard core, ROMix with BlockMix-Salsa20/8 (RFC 7914 sections 3-5), for the
   parameters OpenSSL's EVP_PBE_scrypt refuses: it enforces RFC 7914's N < 2^(16r), which rejects
   the Web3 Secret Storage wiki vector (N = 2^18, r = 1, p = 8) that geth and eth-keyfile accept.
   The PBKDF2-HMAC-SHA256 steps around it are done with OpenSSL by the caller.

   block: one 128*r-byte block B_i, transformed in place.
   v:     scratch of 32*r*n words (128*r*n bytes); xy: scratch of 64*r words.
   n must be a power of two >= 2 and r >= 1; the caller checks both and allocates the buffers. */
void kalypso_scrypt_romix(uint8_t *block, uint32_t r, uint64_t n, uint32_t *v, uint32_t *xy);

#endif
