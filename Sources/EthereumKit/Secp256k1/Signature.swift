/// Which range of `s` a signature check accepts. Ethereum uses both, so every recovery names one.
public enum SignatureRule: Sendable, Hashable {
    /// EIP-2 (Homestead): 1 ≤ s ≤ n/2. Transactions, OpenZeppelin `ECDSA.recover`, Bitcoin's low-s rule.
    case lowS
    /// The `ecrecover` precompile (address 0x01): any 1 ≤ s < n; a high-s signature recovers the
    /// same signer as its low-s twin (with the other y-parity).
    case anyS
}

/// A recoverable ECDSA signature as Ethereum uses it: r, s and the y-parity of the nonce point R.
///
/// Created only with 1 ≤ r < n, 1 ≤ s < n and y-parity 0/1. High s is representable (the
/// precompile accepts it); `check(_:)` and every recovery apply a `SignatureRule`.
public struct Signature: Hashable, Sendable {
    /// r, the x-coordinate of the nonce point R (mod n).
    public let r: UInt256
    /// s.
    public let s: UInt256
    /// The recovery id: 0 if R.y is even, 1 if odd.
    public let yParity: UInt8

    /// Creates a signature; fails if r or s is 0 or ≥ n, or `yParity` is not 0/1.
    public init(r: UInt256, s: UInt256, yParity: UInt8) throws {
        guard !r.isZero, r < Secp256k1Curve.n else {
            throw Secp256k1Error(.rOutOfRange, "signature r must be in [1, n-1], got \(r.hexQuantity)")
        }
        guard !s.isZero, s < Secp256k1Curve.n else {
            throw Secp256k1Error(.sOutOfRange, "signature s must be in [1, n-1], got \(s.hexQuantity)")
        }
        guard yParity <= 1 else {
            throw Secp256k1Error(.invalidRecoveryID, "the recovery id (y-parity) must be 0 or 1, got \(yParity)")
        }
        self.r = r
        self.s = s
        self.yParity = yParity
    }

    /// Creates a signature from `v` in the 27/28 convention (Solidity `ecrecover`, OpenZeppelin, `eth_sign`).
    /// Any other `v`, including 0/1, is rejected: callers that accept y-parity say so with `init(rsv:)`.
    public init(r: UInt256, s: UInt256, v: UInt256) throws {
        guard v == UInt256(27) || v == UInt256(28) else {
            throw Secp256k1Error(.invalidRecoveryID, "v must be 27 or 28, got \(v)")
        }
        try self.init(r: r, s: s, yParity: UInt8(truncatingIfNeeded: v.l0 - 27))
    }

    /// Parses 65 bytes `r‖s‖v` with v ∈ {27, 28} or the y-parity form v ∈ {0, 1}.
    public init<C: Collection>(rsv bytes: C) throws where C.Element == UInt8 {
        guard bytes.count == 65 else {
            throw Secp256k1Error(.invalidEncoding, "an r‖s‖v signature has 65 bytes, got \(bytes.count)")
        }
        let a = Array(bytes)
        let v = a[64]
        let parity: UInt8
        switch v {
        case 0, 1: parity = v
        case 27, 28: parity = v - 27
        default: throw Secp256k1Error(.invalidRecoveryID, "the last byte v of an r‖s‖v signature must be 27/28 (or 0/1), got \(v)")
        }
        let (r, s) = a.withUnsafeBytes { (UInt256(bigEndianWordAt: 0, of: $0), UInt256(bigEndianWordAt: 32, of: $0)) }
        try self.init(r: r, s: s, yParity: parity)
    }

    /// `v` in the 27/28 convention.
    public var v: UInt8 { 27 + yParity }

    /// The 65 bytes `r‖s‖v` with v = 27/28 (what `eth_sign`, `personal_sign` and OpenZeppelin use).
    public var rsv: [UInt8] { r.bigEndianBytes + s.bigEndianBytes + [v] }

    /// The 64 bytes `r‖s` (IEEE P1363 / libsecp256k1 compact form).
    public var compact: [UInt8] { r.bigEndianBytes + s.bigEndianBytes }

    /// Whether s ≤ n/2 (EIP-2).
    public var isLowS: Bool { s <= Secp256k1Curve.halfN }

    /// The low-s twin: (r, n − s) with the other y-parity if s > n/2; itself otherwise.
    /// Both recover the same public key.
    public var normalized: Signature {
        guard !isLowS else { return self }
        return Signature(unchecked: r, Secp256k1Curve.n &- s, yParity ^ 1)
    }

    /// Fails if this signature breaks `rule` (only `lowS` can fail: r and s ranges hold by construction).
    public func check(_ rule: SignatureRule) throws {
        if rule == .lowS && !isLowS {
            throw Secp256k1Error(.highS, "signature s is above n/2; EIP-2 requires low s (normalize with n − s and flip v)")
        }
    }

    private init(unchecked r: UInt256, _ s: UInt256, _ yParity: UInt8) {
        self.r = r
        self.s = s
        self.yParity = yParity
    }
}

extension Signature: CustomStringConvertible {
    /// The 65-byte `r‖s‖v` hex.
    public var description: String { Hex.encode(rsv) }
}
