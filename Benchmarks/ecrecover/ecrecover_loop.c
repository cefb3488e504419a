/* ecrecover_loop: the C baseline for "ecrecover per second" (issue 2, make bench).
 *
 * Build and run (Debian: libsecp256k1-dev):
 *   cc -O2 -o .build/ecrecover_loop Benchmarks/ecrecover/ecrecover_loop.c -lsecp256k1 && .build/ecrecover_loop [iterations]
 *
 * It signs 64 fixed 32-byte digests with 64 fixed keys (deterministic, RFC 6979), then times a plain
 * loop that does per signature exactly what the Swift wrapper's Secp256k1.recoverAddress does inside
 * libsecp256k1: parse the 64-byte compact signature with its recovery id, recover the public key,
 * serialise it uncompressed. (The Swift side also hashes the 64-byte key with Keccak-256 for the
 * address, about 1% of the time.) Every recovered key is checked against the signer's key.
 * Output, one line: "ecrecover_loop: <n> recoveries in <s> s: <rate> recoveries/s".
 */
#include <secp256k1.h>
#include <secp256k1_recovery.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define COUNT 64

int main(int argc, char **argv) {
    long iterations = argc > 1 ? strtol(argv[1], NULL, 10) : 20000;
    if (iterations <= 0) iterations = 20000;
    secp256k1_context *ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    unsigned char seed[32];
    for (int i = 0; i < 32; i++) seed[i] = (unsigned char)(i * 7 + 1);
    if (!secp256k1_context_randomize(ctx, seed)) return 1;

    unsigned char digests[COUNT][32], compact[COUNT][64], expected[COUNT][65];
    int recids[COUNT];
    for (int i = 0; i < COUNT; i++) {
        unsigned char key[32];
        for (int k = 0; k < 32; k++) {
            key[k] = (unsigned char)(i * 31 + k * 13 + 1);
            digests[i][k] = (unsigned char)(i * 17 + k * 29 + 3);
        }
        secp256k1_ecdsa_recoverable_signature sig;
        secp256k1_pubkey pub;
        size_t len = 65;
        if (!secp256k1_ecdsa_sign_recoverable(ctx, &sig, digests[i], key, NULL, NULL)) return 1;
        secp256k1_ecdsa_recoverable_signature_serialize_compact(ctx, compact[i], &recids[i], &sig);
        if (!secp256k1_ec_pubkey_create(ctx, &pub, key)) return 1;
        secp256k1_ec_pubkey_serialize(ctx, expected[i], &len, &pub, SECP256K1_EC_UNCOMPRESSED);
    }

    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    unsigned long mismatches = 0;
    for (long n = 0; n < iterations; n++) {
        int i = (int)(n % COUNT);
        secp256k1_ecdsa_recoverable_signature sig;
        secp256k1_pubkey pub;
        unsigned char out[65];
        size_t len = 65;
        if (!secp256k1_ecdsa_recoverable_signature_parse_compact(ctx, &sig, compact[i], recids[i]) ||
            !secp256k1_ecdsa_recover(ctx, &pub, &sig, digests[i])) { mismatches++; continue; }
        secp256k1_ec_pubkey_serialize(ctx, out, &len, &pub, SECP256K1_EC_UNCOMPRESSED);
        if (memcmp(out, expected[i], 65) != 0) mismatches++;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    secp256k1_context_destroy(ctx);
    if (mismatches) { fprintf(stderr, "ecrecover_loop: %lu wrong recoveries\n", mismatches); return 1; }
    printf("ecrecover_loop: %ld recoveries in %.3f s: %.0f recoveries/s\n", iterations, seconds, (double)iterations / seconds);
    return 0;
}
