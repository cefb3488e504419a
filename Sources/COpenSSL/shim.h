#ifndef KALYPSO_COPENSSL_SHIM_H
#define KALYPSO_COPENSSL_SHIM_H
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>
#include <openssl/err.h>
#endif
