import CSecp256k1

/// ECDSA over secp256k1 through libsecp256k1 (one shared, randomized context).
public enum Secp256k1 {
    /// Whether the shared context was randomized (blinding against side channels) at start-up.
    public static var isContextRandomized: Bool { Secp256k1Context.shared.isRandomized }

    /// Signs a 32-byte digest: RFC 6979 deterministic nonce (libsecp256k1's default), low-s output,
    /// with the recovery id.
    public static func sign(digest: Hash32, with key: PrivateKey) throws -> Signature {
        let ctx = try Secp256k1Context.shared.get()
        var sig = secp256k1_ecdsa_recoverable_signature()
        let signed = try key.withSecretPointer { secret in
            try withScratchBytes(32) { message, buffer in
                digest.store(into: buffer, at: 0)
                return secp256k1_ecdsa_sign_recoverable(ctx, &sig, message, secret, nil, nil) == 1
            }
        }
        guard signed else { throw Secp256k1Error(.signingFailed, "libsecp256k1 refused to sign with this key") }
        var recid: Int32 = 0
        let (r, s) = try withScratchBytes(64) { out, buffer -> (UInt256, UInt256) in
            _ = secp256k1_ecdsa_recoverable_signature_serialize_compact(ctx, out, &recid, &sig)
            let raw = UnsafeRawBufferPointer(buffer)
            return (UInt256(bigEndianWordAt: 0, of: raw), UInt256(bigEndianWordAt: 32, of: raw))
        }
        return try Signature(r: r, s: s, yParity: UInt8(truncatingIfNeeded: recid))
    }

    /// Recovers the public key that made `signature` over `digest`, after checking `rule`.
    public static func recoverPublicKey(digest: Hash32, signature: Signature, rule: SignatureRule) throws -> PublicKey {
        let ctx = try Secp256k1Context.shared.get()
        let pubkey = try recover(ctx, digest, signature, rule)
        return try PublicKey(parsed: pubkey, context: ctx)
    }

    /// Recovers the address that made `signature` over `digest`, after checking `rule`.
    /// This is the hot path (sender recovery): no heap allocation.
    public static func recoverAddress(digest: Hash32, signature: Signature, rule: SignatureRule) throws -> Address {
        let ctx = try Secp256k1Context.shared.get()
        var pubkey = try recover(ctx, digest, signature, rule)
        return try withScratchBytes(65) { out, buffer in
            var length = 65
            _ = secp256k1_ec_pubkey_serialize(ctx, out, &length, &pubkey, kalypso_secp256k1_ec_uncompressed())
            return Address(keccakOfPublicKey: UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(buffer)[1..<65]))
        }
    }

    /// The `ecrecover` precompile (address 0x01) exactly: `v` must be the word 27 or 28, r and s in
    /// [1, n-1] (high s accepted); any failure gives nil, where the precompile returns empty output.
    public static func ecrecover(digest: Hash32, v: UInt256, r: UInt256, s: UInt256) -> Address? {
        guard let signature = try? Signature(r: r, s: s, v: v) else { return nil }
        return try? recoverAddress(digest: digest, signature: signature, rule: .anyS)
    }

    /// Verifies a plain (non-recoverable) signature (r, s) over `digest` against `publicKey`.
    /// r or s outside [1, n-1] is false; with `.lowS` a high s is false; with `.anyS` a high s is
    /// normalized first (libsecp256k1's verify accepts only low s).
    public static func verify(digest: Hash32, r: UInt256, s: UInt256, publicKey: PublicKey, rule: SignatureRule) -> Bool {
        guard !r.isZero, r < Secp256k1Curve.n, !s.isZero, s < Secp256k1Curve.n else { return false }
        let high = s > Secp256k1Curve.halfN
        if high && rule == .lowS { return false }
        let lowS = high ? Secp256k1Curve.n &- s : s
        let result = try? publicKey.withParsed { ctx, pubkey -> Bool in
            var sig = secp256k1_ecdsa_signature()
            return try withScratchBytes(96) { pointer, buffer -> Bool in
                r.store(bigEndianInto: buffer, at: 0)
                lowS.store(bigEndianInto: buffer, at: 32)
                digest.store(into: buffer, at: 64)
                guard secp256k1_ecdsa_signature_parse_compact(ctx, &sig, pointer) == 1 else { return false }
                return secp256k1_ecdsa_verify(ctx, &sig, pointer + 64, pubkey) == 1
            }
        }
        return result ?? false
    }

    /// Verifies a recoverable signature against a public key (the y-parity is not needed for this).
    public static func verify(digest: Hash32, signature: Signature, publicKey: PublicKey, rule: SignatureRule) -> Bool {
        verify(digest: digest, r: signature.r, s: signature.s, publicKey: publicKey, rule: rule)
    }

    private static func recover(_ ctx: OpaquePointer, _ digest: Hash32, _ signature: Signature, _ rule: SignatureRule) throws -> secp256k1_pubkey {
        try signature.check(rule)
        var sig = secp256k1_ecdsa_recoverable_signature()
        var pubkey = secp256k1_pubkey()
        let status = try withScratchBytes(96) { pointer, buffer -> Int32 in
            signature.r.store(bigEndianInto: buffer, at: 0)
            signature.s.store(bigEndianInto: buffer, at: 32)
            digest.store(into: buffer, at: 64)
            guard secp256k1_ecdsa_recoverable_signature_parse_compact(ctx, &sig, pointer, Int32(signature.yParity)) == 1 else { return -1 }
            return secp256k1_ecdsa_recover(ctx, &pubkey, &sig, pointer + 64)
        }
        guard status == 1 else {
            throw Secp256k1Error(.recoveryFailed, "no public key recovers from this signature: r is not the x-coordinate of a curve point for this y-parity, or the result is the point at infinity")
        }
        return pubkey
    }
}
