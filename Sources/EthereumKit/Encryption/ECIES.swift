import COpenSSL
import CSecp256k1

/// ECIES over secp256k1 in the default format of eciesjs / ecies-rs / eciespy 0.4 (the format of Kalypso's
/// `acl` and `new_acl`):
///
/// ```
/// message = R (65 bytes, uncompressed ephemeral public key 0x04‖x‖y)
///         ‖ nonce (16 bytes) ‖ tag (16 bytes) ‖ AES-256-GCM ciphertext (as long as the plaintext)
/// key     = HKDF-SHA256(IKM = R (65) ‖ r·P (65, uncompressed), salt = none, info = empty, length 32)
/// ```
///
/// where r is the ephemeral secret and P the recipient's public key. The 16-byte nonce goes into GCM as is
/// (GHASH-derived J0, as pycryptodome and OpenSSL do for non-96-bit IVs); there is no associated data.
/// Decryption never returns unauthenticated plaintext. No I/O.
public enum ECIES {
    /// Bytes of the uncompressed ephemeral public key at the start of a message.
    public static let ephemeralKeyLength = 65
    /// Bytes of the AES-GCM nonce.
    public static let nonceLength = 16
    /// Bytes of the AES-GCM tag.
    public static let tagLength = 16
    /// Bytes a message adds to its plaintext: 65 + 16 + 16 = 97 (a 32-byte key encrypts to 129 bytes).
    public static let overhead = ephemeralKeyLength + nonceLength + tagLength
    /// The largest plaintext accepted (OpenSSL's lengths are 32-bit).
    public static let maxPlaintextLength = 1 << 30

    /// Encrypts `plaintext` to `publicKey` with a fresh ephemeral key and nonce from OpenSSL's DRBG.
    public static func encrypt(_ plaintext: [UInt8], to publicKey: PublicKey) throws -> [UInt8] {
        let ephemeralKey: PrivateKey
        do { ephemeralKey = try PrivateKey.generate() } catch {
            throw ECIESError(.cryptoFailure, "no ephemeral key could be drawn: no secure randomness available")
        }
        let nonce: [UInt8]
        do { nonce = try SecureRandom.bytes(nonceLength) } catch {
            throw ECIESError(.cryptoFailure, "no nonce could be drawn: no secure randomness available")
        }
        return try encrypt(plaintext, to: publicKey, ephemeralKey: ephemeralKey, nonce: nonce)
    }

    /// Encrypts `plaintext` to `publicKey` with the given ephemeral key and 16-byte nonce (deterministic: for
    /// known-answer tests; reusing an ephemeral key and nonce for two plaintexts breaks GCM's confidentiality).
    public static func encrypt(_ plaintext: [UInt8], to publicKey: PublicKey, ephemeralKey: PrivateKey,
                               nonce: [UInt8]) throws -> [UInt8] {
        guard nonce.count == nonceLength else {
            throw ECIESError(.invalidArgument, "the nonce must have \(nonceLength) bytes, got \(nonce.count)")
        }
        guard plaintext.count <= maxPlaintextLength else {
            throw ECIESError(.invalidArgument, "a plaintext of \(plaintext.count) bytes exceeds the limit of \(maxPlaintextLength)")
        }
        let ephemeral = ephemeralKey.publicKey.uncompressed
        var shared = try sharedPoint(secret: ephemeralKey, point: publicKey)
        defer { SecureRandom.wipe(&shared) }
        var key = try deriveKey(ephemeral: ephemeral, shared: shared)
        defer { SecureRandom.wipe(&key) }
        let (ciphertext, tag) = try AESGCM.seal(plaintext, key: key, nonce: nonce)
        var out = [UInt8]()
        out.reserveCapacity(overhead + ciphertext.count)
        out += ephemeral
        out += nonce
        out += tag
        out += ciphertext
        return out
    }

    /// Decrypts a message made for `key`'s public key. Throws `messageTooShort`, `invalidEphemeralKey` or
    /// `authenticationFailed` (altered message, or one encrypted to another key); never returns unauthenticated data.
    public static func decrypt(_ message: [UInt8], with key: PrivateKey) throws -> [UInt8] {
        guard message.count >= overhead else {
            throw ECIESError(.messageTooShort, "a message has at least \(overhead) bytes (65-byte ephemeral key, 16-byte nonce, 16-byte tag), got \(message.count)")
        }
        guard message[0] == 0x04, let ephemeralKey = try? PublicKey(bytes: message[0..<ephemeralKeyLength]) else {
            throw ECIESError(.invalidEphemeralKey, "the first 65 bytes are not an uncompressed secp256k1 public key (0x04‖x‖y on the curve)")
        }
        let ephemeral = Array(message[0..<ephemeralKeyLength])
        let nonce = Array(message[ephemeralKeyLength..<(ephemeralKeyLength + nonceLength)])
        let tag = Array(message[(ephemeralKeyLength + nonceLength)..<overhead])
        let ciphertext = Array(message[overhead...])
        var shared = try sharedPoint(secret: key, point: ephemeralKey)
        defer { SecureRandom.wipe(&shared) }
        var symmetricKey = try deriveKey(ephemeral: ephemeral, shared: shared)
        defer { SecureRandom.wipe(&symmetricKey) }
        return try AESGCM.open(ciphertext, tag: tag, key: symmetricKey, nonce: nonce)
    }

    /// secret·point, serialized uncompressed (65 bytes).
    static func sharedPoint(secret: PrivateKey, point: PublicKey) throws -> [UInt8] {
        do {
            return try point.withParsed { ctx, parsed in
                var product = parsed.pointee
                defer { withUnsafeMutableBytes(of: &product) { if let b = $0.baseAddress { OPENSSL_cleanse(b, $0.count) } } }
                let ok = try secret.withSecretPointer { tweak in secp256k1_ec_pubkey_tweak_mul(ctx, &product, tweak) == 1 }
                guard ok else { throw ECIESError(.cryptoFailure, "libsecp256k1 could not multiply the public key") }
                var out = [UInt8](repeating: 0, count: 65)
                var length = 65
                guard secp256k1_ec_pubkey_serialize(ctx, &out, &length, &product, kalypso_secp256k1_ec_uncompressed()) == 1,
                      length == 65 else {
                    throw ECIESError(.cryptoFailure, "libsecp256k1 could not serialize the shared point")
                }
                return out
            }
        } catch let error as ECIESError {
            throw error
        } catch {
            throw ECIESError(.cryptoFailure, "the shared point could not be computed: \(error)")
        }
    }

    /// HKDF-SHA256(IKM = ephemeral ‖ shared, no salt, empty info) → 32 bytes.
    static func deriveKey(ephemeral: [UInt8], shared: [UInt8]) throws -> [UInt8] {
        var ikm = ephemeral + shared
        defer { SecureRandom.wipe(&ikm) }
        return try HKDF.sha256(ikm: ikm, length: 32)
    }
}

/// HKDF (RFC 5869) with SHA-256 through OpenSSL's EVP_PKEY interface; no salt (HashLen zero bytes) and empty info.
enum HKDF {
    static func sha256(ikm: [UInt8], length: Int) throws -> [UInt8] {
        guard let ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, nil) else {
            throw ECIESError(.cryptoFailure, "OpenSSL could not create an HKDF context")
        }
        defer { EVP_PKEY_CTX_free(ctx) }
        var out = [UInt8](repeating: 0, count: length)
        var outLength = length
        let ok = ikm.withUnsafeBufferPointer { input in
            EVP_PKEY_derive_init(ctx) == 1
                && EVP_PKEY_CTX_set_hkdf_md(ctx, EVP_sha256()) == 1
                && EVP_PKEY_CTX_set1_hkdf_key(ctx, input.baseAddress, Int32(input.count)) == 1
                && EVP_PKEY_derive(ctx, &out, &outLength) == 1
        }
        guard ok, outLength == length else {
            SecureRandom.wipe(&out)
            throw ECIESError(.cryptoFailure, "HKDF-SHA256 failed in OpenSSL")
        }
        return out
    }
}

/// AES-256-GCM with a 16-byte nonce, a 16-byte tag and no associated data, through OpenSSL EVP.
enum AESGCM {
    /// Encrypts; returns the ciphertext and the tag.
    static func seal(_ plaintext: [UInt8], key: [UInt8], nonce: [UInt8]) throws -> (ciphertext: [UInt8], tag: [UInt8]) {
        let ctx = try start(encrypt: true, key: key, nonce: nonce)
        defer { EVP_CIPHER_CTX_free(ctx) }
        var out = [UInt8](repeating: 0, count: plaintext.count + 16)
        let produced = try update(ctx, encrypt: true, plaintext, into: &out)
        var tag = [UInt8](repeating: 0, count: ECIES.tagLength)
        var final: Int32 = 0
        let finished = out.withUnsafeMutableBufferPointer { buffer in
            EVP_EncryptFinal_ex(ctx, buffer.baseAddress.map { $0 + produced }, &final) == 1
        }
        guard finished, EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, Int32(ECIES.tagLength), &tag) == 1 else {
            throw ECIESError(.cryptoFailure, "AES-256-GCM encryption failed in OpenSSL")
        }
        return (Array(out.prefix(produced + Int(final))), tag)
    }

    /// Decrypts and checks the tag; throws `authenticationFailed` (and wipes the output) if it does not match.
    static func open(_ ciphertext: [UInt8], tag: [UInt8], key: [UInt8], nonce: [UInt8]) throws -> [UInt8] {
        let ctx = try start(encrypt: false, key: key, nonce: nonce)
        defer { EVP_CIPHER_CTX_free(ctx) }
        var out = [UInt8](repeating: 0, count: ciphertext.count + 16)
        let produced: Int
        do { produced = try update(ctx, encrypt: false, ciphertext, into: &out) } catch {
            SecureRandom.wipe(&out)
            throw error
        }
        var expected = tag
        var final: Int32 = 0
        let verified = EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, Int32(ECIES.tagLength), &expected) == 1
            && out.withUnsafeMutableBufferPointer { buffer in
                EVP_DecryptFinal_ex(ctx, buffer.baseAddress.map { $0 + produced }, &final) > 0
            }
        guard verified else {
            SecureRandom.wipe(&out)
            throw ECIESError(.authenticationFailed, "the AES-GCM tag does not match: the message was altered or is encrypted to another key")
        }
        let plaintext = Array(out.prefix(produced + Int(final)))
        SecureRandom.wipe(&out)
        return plaintext
    }

    private static func start(encrypt: Bool, key: [UInt8], nonce: [UInt8]) throws -> OpaquePointer {
        guard key.count == 32, nonce.count == ECIES.nonceLength else {
            throw ECIESError(.invalidArgument, "AES-256-GCM needs a 32-byte key and a \(ECIES.nonceLength)-byte nonce")
        }
        guard let ctx = EVP_CIPHER_CTX_new() else {
            throw ECIESError(.cryptoFailure, "OpenSSL could not allocate a cipher context")
        }
        let ok: Bool
        if encrypt {
            ok = EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), nil, nil, nil) == 1
                && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, Int32(nonce.count), nil) == 1
                && EVP_EncryptInit_ex(ctx, nil, nil, key, nonce) == 1
        } else {
            ok = EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), nil, nil, nil) == 1
                && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, Int32(nonce.count), nil) == 1
                && EVP_DecryptInit_ex(ctx, nil, nil, key, nonce) == 1
        }
        guard ok else {
            EVP_CIPHER_CTX_free(ctx)
            throw ECIESError(.cryptoFailure, "OpenSSL could not initialise AES-256-GCM")
        }
        return ctx
    }

    /// Runs EVP_{En,De}cryptUpdate over `input`; returns the bytes written into `out`.
    private static func update(_ ctx: OpaquePointer, encrypt: Bool, _ input: [UInt8], into out: inout [UInt8]) throws -> Int {
        if input.isEmpty { return 0 }
        var written: Int32 = 0
        let ok = out.withUnsafeMutableBufferPointer { output in
            input.withUnsafeBufferPointer { data in
                encrypt
                    ? EVP_EncryptUpdate(ctx, output.baseAddress, &written, data.baseAddress, Int32(data.count)) == 1
                    : EVP_DecryptUpdate(ctx, output.baseAddress, &written, data.baseAddress, Int32(data.count)) == 1
            }
        }
        guard ok else { throw ECIESError(.cryptoFailure, "AES-256-GCM failed in OpenSSL") }
        return Int(written)
    }
}
