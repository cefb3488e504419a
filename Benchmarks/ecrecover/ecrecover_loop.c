/* ecrecover peer for kalypso-bench: a plain C loop over libsecp256k1.
 *
 * One operation = parse a 64-byte compact signature with its recovery id, recover the public key, serialise it
 * uncompressed (65 bytes) — what an Ethereum ecrecover does before hashing the key for the address.
 * Inputs: 64 RFC 6979 signatures by private keys 1..64 (as 32-byte big-endian numbers) over the hashes
 * h_i = bytes (i * 7 + j * 13 + 1) mod 256, j = 0..31. KalypsoBench/Benchmarks/EcrecoverBenchmark.swift builds the
 * same set, so both sides recover the same signatures.
 *
 * Usage: ecrecover_loop [seconds]   (default 1). Prints "rate: <recoveries per CPU second>".
 * Build: cc -O2 ecrecover_loop.c $(pkg-config --cflags --libs libsecp256k1)   (make bench does this)
 */
#include <secp256k1.h>
#include <secp256k1_recovery.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define COUNT 64

static double cpu_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
    double seconds = argc > 1 ? atof(argv[1]) : 1.0;
    secp256k1_context *ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    unsigned char hashes[COUNT][32], sigs[COUNT][64];
    int recids[COUNT];
    for (int i = 0; i < COUNT; i++) {
        unsigned char key[32] = {0};
        key[31] = (unsigned char)(i + 1);
        for (int j = 0; j < 32; j++) hashes[i][j] = (unsigned char)(i * 7 + j * 13 + 1);
        secp256k1_ecdsa_recoverable_signature sig;
        if (!secp256k1_ecdsa_sign_recoverable(ctx, &sig, hashes[i], key, NULL, NULL) ||
            !secp256k1_ecdsa_recoverable_signature_serialize_compact(ctx, sigs[i], &recids[i], &sig)) {
            fprintf(stderr, "ecrecover_loop: signing failed\n");
            return 1;
        }
    }
    unsigned long long ops = 0;
    unsigned char sink = 0;
    double start = cpu_seconds(), elapsed = 0;
    do {
        for (int i = 0; i < COUNT; i++) {
            secp256k1_ecdsa_recoverable_signature sig;
            secp256k1_pubkey pub;
            unsigned char out[65];
            size_t len = sizeof out;
            if (!secp256k1_ecdsa_recoverable_signature_parse_compact(ctx, &sig, sigs[i], recids[i]) ||
                !secp256k1_ecdsa_recover(ctx, &pub, &sig, hashes[i]) ||
                !secp256k1_ec_pubkey_serialize(ctx, out, &len, &pub, SECP256K1_EC_UNCOMPRESSED)) {
                fprintf(stderr, "ecrecover_loop: recovery failed\n");
                return 1;
            }
            sink ^= out[1];
        }
        ops += COUNT;
        elapsed = cpu_seconds() - start;
    } while (elapsed < seconds);
    printf("rate: %.1f\n", (double)ops / elapsed);
    printf("checksum: %u\n", sink);
    secp256k1_context_destroy(ctx);
    return 0;
}
