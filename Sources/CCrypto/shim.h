// OpenSSL's libcrypto, for the Swift target CCrypto: only its message digests (EVP_Digest),
// for the Content-MD5 header S3's DeleteObjects requires. libpq-dev already depends on
// libssl-dev, and libcurl and libpq load libcrypto at run time, so this adds no package.
#ifndef FLEETTICKETS_CCRYPTO_SHIM_H
#define FLEETTICKETS_CCRYPTO_SHIM_H

#include <openssl/evp.h>

#endif
