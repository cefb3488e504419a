import CSecp256k1

/// A secp256k1 public key: a point (x, y) on the curve, validated at creation.
public struct PublicKey: Hashable, Sendable {
    /// The x coordinate.
    public let x: UInt256
    /// The y coordinate.
    public let y: UInt256

    /// Parses a 65-byte uncompressed (`0x04‖x‖y`), 33-byte compressed (`0x02/0x03‖x`) or 64-byte
    /// raw (`x‖y`, as in Kalypso attestations) key; fails if it is not a point on the curve.
    public init<C: Collection>(bytes: C) throws where C.Element == UInt8 {
        var input = Array(bytes)
        if input.count == 64 { input.insert(0x04, at: 0) }
        guard input.count == 65 || input.count == 33 else {
            throw Secp256k1Error(.invalidPublicKey, "a public key has 65 (0x04‖x‖y), 64 (x‖y) or 33 (compressed) bytes, got \(bytes.count)")
        }
        // libsecp256k1 also accepts the "hybrid" 0x06/0x07 prefixes; Ethereum and SEC1 DER keys do not use them.
        guard input[0] == 0x04 || (input.count == 33 && (input[0] == 0x02 || input[0] == 0x03)) else {
            throw Secp256k1Error(.invalidPublicKey, "a public key starts with 0x04 (uncompressed) or 0x02/0x03 (compressed), got 0x\(String(input[0], radix: 16))")
        }
        let ctx = try Secp256k1Context.shared.get()
        var pubkey = secp256k1_pubkey()
        guard secp256k1_ec_pubkey_parse(ctx, &pubkey, input, input.count) == 1 else {
            throw Secp256k1Error(.invalidPublicKey, "the public key is not a point on secp256k1")
        }
        try self.init(parsed: pubkey, context: ctx)
    }

    /// Creates a key from its coordinates; fails if (x, y) is not on the curve.
    public init(x: UInt256, y: UInt256) throws {
        try self.init(bytes: [0x04] + x.bigEndianBytes + y.bigEndianBytes)
    }

    init(parsed pubkey: secp256k1_pubkey, context ctx: OpaquePointer) throws {
        var pubkey = pubkey
        var out = [UInt8](repeating: 0, count: 65)
        var length = 65
        guard secp256k1_ec_pubkey_serialize(ctx, &out, &length, &pubkey, kalypso_secp256k1_ec_uncompressed()) == 1, length == 65 else {
            throw Secp256k1Error(.invalidPublicKey, "libsecp256k1 could not serialize the public key")
        }
        (x, y) = out.withUnsafeBytes { (UInt256(bigEndianWordAt: 1, of: $0), UInt256(bigEndianWordAt: 33, of: $0)) }
    }

    /// The 65-byte uncompressed form `0x04‖x‖y`.
    public var uncompressed: [UInt8] { [0x04] + x.bigEndianBytes + y.bigEndianBytes }

    /// The 64-byte `x‖y` form (no prefix), as hashed for addresses and used in Kalypso attestations.
    public var raw64: [UInt8] { x.bigEndianBytes + y.bigEndianBytes }

    /// The 33-byte compressed form `0x02/0x03‖x`.
    public var compressed: [UInt8] { [y.l0 & 1 == 0 ? 0x02 : 0x03] + x.bigEndianBytes }

    /// The Ethereum address: the last 20 bytes of keccak256(x‖y).
    public var address: Address {
        withUnsafeTemporaryAllocation(byteCount: 64, alignment: 8) { buffer in
            x.store(bigEndianInto: buffer, at: 0)
            y.store(bigEndianInto: buffer, at: 32)
            return Address(keccakOfPublicKey: UnsafeRawBufferPointer(buffer))
        }
    }

    /// Runs `body` with the key parsed into libsecp256k1's internal form.
    func withParsed<R>(_ body: (OpaquePointer, UnsafePointer<secp256k1_pubkey>) throws -> R) throws -> R {
        let ctx = try Secp256k1Context.shared.get()
        var pubkey = secp256k1_pubkey()
        let ok = try withScratchBytes(65) { pointer, buffer -> Bool in
            buffer.storeBytes(of: 0x04, toByteOffset: 0, as: UInt8.self)
            x.store(bigEndianInto: buffer, at: 1)
            y.store(bigEndianInto: buffer, at: 33)
            return secp256k1_ec_pubkey_parse(ctx, &pubkey, pointer, 65) == 1
        }
        guard ok else { throw Secp256k1Error(.invalidPublicKey, "the public key is not a point on secp256k1") }
        return try body(ctx, &pubkey)
    }
}

extension PublicKey: CustomStringConvertible {
    /// `0x04…` uncompressed hex.
    public var description: String { Hex.encode(uncompressed) }
}

extension Address {
    /// The last 20 bytes of keccak256 of a 64-byte `x‖y` public key (the caller guarantees 64 bytes).
    @inline(__always)
    init(keccakOfPublicKey raw: UnsafeRawBufferPointer) {
        let h = Keccak256.hash(raw)
        self.init(hi: UInt32(truncatingIfNeeded: h.w1), mid: h.w2, lo: h.w3)
    }
}
