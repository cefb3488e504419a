import COpenSSL
import CScryptCore

/// The symmetric primitives of Web3 Secret Storage, through OpenSSL libcrypto.
enum KeystoreCrypto {
    /// Upper bound on scrypt's memory (128·r·(N + p + 2) bytes): 1 GiB. geth's standard
    /// parameters (N = 2^18, r = 8, p = 1) need 256 MiB.
    static let maxScryptMemory: UInt64 = 1 << 30
    /// Upper bound on scrypt's work N·r·p (standard: 2^21) and on PBKDF2 iterations.
    static let maxScryptWork: UInt64 = 1 << 26
    static let maxPBKDF2Iterations: UInt32 = 100_000_000

    /// scrypt (RFC 7914). OpenSSL's `EVP_PBE_scrypt` computes it when it accepts the parameters,
    /// with `maxmem` set to what (N, r, p) need (its 32 MiB default is too small for geth's standard
    /// N = 2^18, r = 8). OpenSSL also enforces RFC 7914's N < 2^(16r), which rejects keystores geth
    /// and eth-keyfile accept (the wiki vector has N = 2^18, r = 1); those go through `scryptROMix`.
    static func scrypt(password: [UInt8], salt: [UInt8], n: UInt64, r: UInt64, p: UInt64, length: Int) throws -> [UInt8] {
        guard n > 1, n & (n - 1) == 0 else {
            throw KeystoreError(.invalidField, "crypto.kdfparams.n must be a power of two above 1, got \(n)")
        }
        guard r >= 1, p >= 1, r <= 1 << 16, p <= 1 << 16 else {
            throw KeystoreError(.invalidField, "crypto.kdfparams.r and p must be between 1 and 65536, got r=\(r) p=\(p)")
        }
        let (work, o1) = n.multipliedReportingOverflow(by: r)
        let (work2, o2) = work.multipliedReportingOverflow(by: p)
        guard !o1, !o2, work2 <= maxScryptWork else {
            throw KeystoreError(.tooExpensive, "scrypt N·r·p = \(n)·\(r)·\(p) exceeds the limit of \(maxScryptWork)")
        }
        let memory = 128 * r * (n + p + 2) + 4096
        guard memory <= maxScryptMemory else {
            throw KeystoreError(.tooExpensive, "scrypt with N=\(n) r=\(r) p=\(p) needs \(memory >> 20) MiB, above the \(maxScryptMemory >> 20) MiB limit")
        }
        if r < 4 && n >= UInt64(1) << (16 * r) {
            return try scryptROMix(password: password, salt: salt, n: n, r: r, p: p, length: length)
        }
        var out = [UInt8](repeating: 0, count: length)
        let ok = password.withUnsafeBufferPointer { pw in
            salt.withUnsafeBufferPointer { s in
                pw.withMemoryRebound(to: CChar.self) { pwc in
                    EVP_PBE_scrypt(pwc.baseAddress, pw.count, s.baseAddress, s.count, n, r, p, memory, &out, length) == 1
                }
            }
        }
        guard ok else { throw KeystoreError(.cryptoFailure, "scrypt failed in OpenSSL (N=\(n) r=\(r) p=\(p)); out of memory?") }
        return out
    }

    /// scrypt as RFC 7914 section 6 writes it: PBKDF2-HMAC-SHA256 (OpenSSL) around p ROMix runs
    /// (the C core in `CScryptCore`). The caller has validated (N, r, p) and the memory bound.
    static func scryptROMix(password: [UInt8], salt: [UInt8], n: UInt64, r: UInt64, p: UInt64, length: Int) throws -> [UInt8] {
        let blockBytes = 128 * Int(r)
        var b = try pbkdf2SHA256(password: password, salt: salt, iterations: 1, length: Int(p) * blockBytes)
        defer { SecureRandom.wipe(&b) }
        let vWords = 32 * Int(r) * Int(n)
        let v = UnsafeMutablePointer<UInt32>.allocate(capacity: vWords)
        let xy = UnsafeMutablePointer<UInt32>.allocate(capacity: 64 * Int(r))
        defer {
            OPENSSL_cleanse(v, vWords * 4)
            OPENSSL_cleanse(xy, 64 * Int(r) * 4)
            v.deallocate()
            xy.deallocate()
        }
        b.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            for i in 0..<Int(p) { kalypso_scrypt_romix(base + i * blockBytes, UInt32(r), n, v, xy) }
        }
        return try pbkdf2SHA256(password: password, salt: b, iterations: 1, length: length)
    }

    /// PBKDF2 with HMAC-SHA256 (`PKCS5_PBKDF2_HMAC`).
    static func pbkdf2SHA256(password: [UInt8], salt: [UInt8], iterations: UInt32, length: Int) throws -> [UInt8] {
        guard iterations >= 1, iterations <= maxPBKDF2Iterations else {
            throw KeystoreError(.tooExpensive, "crypto.kdfparams.c must be between 1 and \(maxPBKDF2Iterations), got \(iterations)")
        }
        guard password.count < Int(Int32.max), salt.count < Int(Int32.max) else {
            throw KeystoreError(.invalidField, "password or salt too long for PBKDF2")
        }
        var out = [UInt8](repeating: 0, count: length)
        let ok = password.withUnsafeBufferPointer { pw in
            salt.withUnsafeBufferPointer { s in
                pw.withMemoryRebound(to: CChar.self) { pwc in
                    PKCS5_PBKDF2_HMAC(pwc.baseAddress, Int32(pw.count), s.baseAddress, Int32(s.count), Int32(iterations),
                                      EVP_sha256(), Int32(length), &out) == 1
                }
            }
        }
        guard ok else { throw KeystoreError(.cryptoFailure, "PBKDF2 failed in OpenSSL") }
        return out
    }

    /// AES in CTR mode with a 16-byte (AES-128) or 32-byte (AES-256) key and a 16-byte initial
    /// counter block; encryption and decryption are the same operation.
    static func aesCTR(key: [UInt8], iv: [UInt8], data: [UInt8]) throws -> [UInt8] {
        guard data.count < 1 << 30 else { throw KeystoreError(.invalidField, "AES-CTR input of \(data.count) bytes is too large") }
        guard iv.count == 16 else { throw KeystoreError(.invalidField, "crypto.cipherparams.iv must be 16 bytes, got \(iv.count)") }
        let cipher: OpaquePointer?
        switch key.count {
        case 16: cipher = EVP_aes_128_ctr()
        case 32: cipher = EVP_aes_256_ctr()
        default: throw KeystoreError(.invalidField, "an AES-CTR key has 16 or 32 bytes, got \(key.count)")
        }
        guard let ctx = EVP_CIPHER_CTX_new() else { throw KeystoreError(.cryptoFailure, "OpenSSL could not allocate a cipher context") }
        defer { EVP_CIPHER_CTX_free(ctx) }
        var out = [UInt8](repeating: 0, count: data.count + 16)
        var written: Int32 = 0, final: Int32 = 0
        guard EVP_EncryptInit_ex(ctx, cipher, nil, key, iv) == 1,
              EVP_EncryptUpdate(ctx, &out, &written, data, Int32(data.count)) == 1 else {
            throw KeystoreError(.cryptoFailure, "AES-CTR failed in OpenSSL")
        }
        let finalOK = out.withUnsafeMutableBufferPointer { buffer in
            EVP_EncryptFinal_ex(ctx, buffer.baseAddress.map { $0 + Int(written) }, &final) == 1
        }
        guard finalOK else { throw KeystoreError(.cryptoFailure, "AES-CTR failed in OpenSSL") }
        return Array(out.prefix(Int(written + final)))
    }

    /// Constant-time equality of two byte arrays of equal length.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var diff: UInt8 = 0
        for i in 0..<a.count { diff |= a[i] ^ b[i] }
        return diff == 0
    }
}
