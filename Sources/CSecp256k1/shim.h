#ifndef KALYPSO_CSECP256K1_SHIM_H
#define KALYPSO_CSECP256K1_SHIM_H
#include <secp256k1.h>
#include <secp256k1_recovery.h>

/* Swift 6 rejects the global secp256k1_context_static (not concurrency-safe);
   flags are bit-or macros that import as Int32. Both are wrapped here. */
static inline unsigned int kalypso_secp256k1_context_none(void) { return SECP256K1_CONTEXT_NONE; }
static inline unsigned int kalypso_secp256k1_ec_uncompressed(void) { return SECP256K1_EC_UNCOMPRESSED; }
static inline unsigned int kalypso_secp256k1_ec_compressed(void) { return SECP256K1_EC_COMPRESSED; }
#endif
