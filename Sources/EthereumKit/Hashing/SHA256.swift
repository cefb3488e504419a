import COpenSSL

/// SHA-256 through OpenSSL's EVP interface (Wycheproof's ECDSA digests, keystore helpers).
public enum SHA256 {
    /// The 32-byte SHA-256 digest of `bytes`.
    public static func hash(_ bytes: some Collection<UInt8>) -> Hash32 {
        let input = Array(bytes)
        var out = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        let ok = input.withUnsafeBytes { raw in
            EVP_Digest(raw.baseAddress, raw.count, &out, &length, EVP_sha256(), nil) == 1
        }
        // EVP_Digest with the built-in SHA-256 cannot fail short of memory exhaustion; a failure
        // leaves `out` zeroed, which no caller can mistake for a real digest match by accident.
        guard ok, length == 32 else { return .zero }
        return out.withUnsafeBytes { Hash32(at: 0, of: $0) }
    }
}
