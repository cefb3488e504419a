import COpenSSL
import CSecp256k1

/// A secp256k1 private key: 32 bytes, 0 < k < n.
///
/// Stored inline (no heap copy to forget about); never printed: `description`, `debugDescription`
/// and the reflection mirror (`dump`) show only the derived address. The secret bytes are reachable
/// only through `withUnsafeSecretBytes`, for keystore encryption.
public struct PrivateKey: Sendable {
    private let w0: UInt64, w1: UInt64, w2: UInt64, w3: UInt64  // big-endian words
    /// The public key (derived once, at creation).
    public let publicKey: PublicKey

    /// Creates a key from exactly 32 big-endian bytes; fails for zero or values ≥ n.
    public init<C: Collection>(bytes: C) throws where C.Element == UInt8 {
        guard bytes.count == 32 else {
            throw Secp256k1Error(.invalidPrivateKey, "a private key has 32 bytes, got \(bytes.count)")
        }
        var words: [UInt64] = [0, 0, 0, 0]
        for (i, b) in bytes.enumerated() { words[i / 8] = words[i / 8] << 8 | UInt64(b) }
        w0 = words[0]; w1 = words[1]; w2 = words[2]; w3 = words[3]
        words = [0, 0, 0, 0]
        let ctx = try Secp256k1Context.shared.get()
        var pubkey = secp256k1_pubkey()
        let (w0, w1, w2, w3) = (w0, w1, w2, w3)
        let ok = try Self.withSecret(w0, w1, w2, w3) { secret -> Bool in
            secp256k1_ec_seckey_verify(ctx, secret) == 1 && secp256k1_ec_pubkey_create(ctx, &pubkey, secret) == 1
        }
        guard ok else {
            throw Secp256k1Error(.invalidPrivateKey, "the private key is zero or not below the curve order n; use a key in [1, n-1]")
        }
        publicKey = try PublicKey(parsed: pubkey, context: ctx)
    }

    /// Parses `0x` followed by 64 hex digits. The error never echoes the text.
    public init(hex: some StringProtocol) throws {
        var bytes: [UInt8]
        do { bytes = try Hex.decode(hex, prefix: .optional) } catch {
            throw Secp256k1Error(.invalidPrivateKey, "the private key is not valid hex (expected 64 hex digits, optionally after 0x)")
        }
        defer { SecureRandom.wipe(&bytes) }
        try self.init(bytes: bytes)
    }

    /// A new random key from OpenSSL's DRBG.
    public static func generate() throws -> PrivateKey {
        for _ in 0..<8 {
            var bytes = try SecureRandom.bytes(32)
            defer { SecureRandom.wipe(&bytes) }
            if let key = try? PrivateKey(bytes: bytes) { return key }
        }
        throw Secp256k1Error(.randomnessUnavailable, "could not draw a valid private key from the random generator")
    }

    /// The Ethereum address of this key.
    public var address: Address { publicKey.address }

    /// Runs `body` with the 32 secret bytes in a temporary buffer that is wiped afterwards.
    /// Do not let the pointer escape, log or copy the bytes.
    public func withUnsafeSecretBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try withUnsafeTemporaryAllocation(byteCount: 32, alignment: 8) { buffer in
            defer { if let base = buffer.baseAddress { OPENSSL_cleanse(base, 32) } }
            Self.store(w0, w1, w2, w3, into: buffer)
            return try body(UnsafeRawBufferPointer(buffer))
        }
    }

    /// Runs `body` with a pointer to the 32 secret bytes (wiped afterwards).
    func withSecretPointer<R>(_ body: (UnsafePointer<UInt8>) throws -> R) throws -> R {
        try Self.withSecret(w0, w1, w2, w3, body)
    }

    private static func withSecret<R>(_ w0: UInt64, _ w1: UInt64, _ w2: UInt64, _ w3: UInt64,
                                      _ body: (UnsafePointer<UInt8>) throws -> R) throws -> R {
        try withScratchBytes(32) { pointer, buffer in
            defer { OPENSSL_cleanse(pointer, 32) }
            store(w0, w1, w2, w3, into: buffer)
            return try body(pointer)
        }
    }

    private static func store(_ w0: UInt64, _ w1: UInt64, _ w2: UInt64, _ w3: UInt64, into buffer: UnsafeMutableRawBufferPointer) {
        buffer.storeBytes(of: w0.bigEndian, toByteOffset: 0, as: UInt64.self)
        buffer.storeBytes(of: w1.bigEndian, toByteOffset: 8, as: UInt64.self)
        buffer.storeBytes(of: w2.bigEndian, toByteOffset: 16, as: UInt64.self)
        buffer.storeBytes(of: w3.bigEndian, toByteOffset: 24, as: UInt64.self)
    }

    /// Signs a 32-byte digest: RFC 6979 deterministic nonce, low-s, with the recovery id.
    public func sign(digest: Hash32) throws -> Signature {
        try Secp256k1.sign(digest: digest, with: self)
    }
}

extension PrivateKey: Equatable {
    /// Constant-time comparison of the secret words.
    public static func == (a: PrivateKey, b: PrivateKey) -> Bool {
        ((a.w0 ^ b.w0) | (a.w1 ^ b.w1) | (a.w2 ^ b.w2) | (a.w3 ^ b.w3)) == 0
    }
}

extension PrivateKey: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// Redacted: shows only the address.
    public var description: String { "PrivateKey(<redacted>, address: \(address.checksummed))" }
    /// Redacted: shows only the address.
    public var debugDescription: String { description }
    /// No children, so `dump` and debuggers built on `Mirror` cannot show the secret.
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}
