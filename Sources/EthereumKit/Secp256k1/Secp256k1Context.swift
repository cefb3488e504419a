import COpenSSL
import CSecp256k1

/// The one libsecp256k1 context of the process.
///
/// Created once (a global `let`, so lazily and thread-safely), randomized with 32 bytes from
/// OpenSSL's `RAND_bytes` (side-channel blinding for signing and key generation), with an
/// illegal-argument callback that returns instead of aborting: libsecp256k1 then guarantees the
/// call does not crash and reports failure, which our wrappers turn into a `Secp256k1Error`.
/// (Every input is range-checked in Swift before it reaches the library, so the callback is a
/// second line of defence.) The internal-error callback is left at libsecp256k1's default (abort):
/// it fires only on memory corruption or a library bug, after which the library documents that
/// returning is undefined behaviour, so stopping is the safe reaction.
///
/// All operations other than create/randomize/destroy take a `const` context, so sharing it
/// across threads is safe; it is never destroyed.
final class Secp256k1Context: @unchecked Sendable {
    /// The context pointer (nil only if libsecp256k1 could not create one).
    let pointer: OpaquePointer?
    /// Whether the blinding randomization succeeded.
    let isRandomized: Bool

    static let shared = Secp256k1Context()

    private init() {
        let ctx = secp256k1_context_create(kalypso_secp256k1_context_none())
        var randomized = false
        if let ctx {
            secp256k1_context_set_illegal_callback(ctx, { _, _ in }, nil)
            var seed = [UInt8](repeating: 0, count: 32)
            if SecureRandom.fill(&seed) {
                randomized = secp256k1_context_randomize(ctx, seed) == 1
            }
            SecureRandom.wipe(&seed)
        }
        pointer = ctx
        isRandomized = randomized
    }

    /// The context, or an error if libsecp256k1 failed to create it.
    @inline(__always)
    func get() throws -> OpaquePointer {
        guard let pointer else {
            throw Secp256k1Error(.signingFailed, "libsecp256k1 could not create a context (out of memory?)")
        }
        return pointer
    }
}

/// Cryptographically secure random bytes from OpenSSL's DRBG (seeded by the OS).
public enum SecureRandom {
    /// Fills `bytes` with random bytes; false if no secure randomness is available.
    @discardableResult
    public static func fill(_ bytes: inout [UInt8]) -> Bool {
        if bytes.isEmpty { return true }
        let count = Int32(clamping: bytes.count)
        return bytes.withUnsafeMutableBytes { RAND_bytes($0.baseAddress?.assumingMemoryBound(to: UInt8.self), count) == 1 }
    }

    /// `count` random bytes, or an error if no secure randomness is available.
    public static func bytes(_ count: Int) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        guard fill(&out) else {
            throw Secp256k1Error(.randomnessUnavailable, "OpenSSL RAND_bytes failed: no secure randomness available")
        }
        return out
    }

    /// Overwrites `bytes` with zeros in a way the optimizer does not remove.
    public static func wipe(_ bytes: inout [UInt8]) {
        bytes.withUnsafeMutableBytes { raw in
            if let base = raw.baseAddress { OPENSSL_cleanse(base, raw.count) }
        }
    }
}

/// The secp256k1 group order n and related constants.
public enum Secp256k1Curve {
    /// n = FFFFFFFF FFFFFFFF FFFFFFFF FFFFFFFE BAAEDCE6 AF48A03B BFD25E8C D0364141.
    public static let n = UInt256(l0: 0xBFD2_5E8C_D036_4141, l1: 0xBAAE_DCE6_AF48_A03B, l2: 0xFFFF_FFFF_FFFF_FFFE, l3: 0xFFFF_FFFF_FFFF_FFFF)
    /// ⌊n/2⌋: the largest s that EIP-2 (and Bitcoin's low-s rule) accepts.
    public static let halfN = UInt256(l0: 0xDFE9_2F46_681B_20A0, l1: 0x5D57_6E73_57A4_501D, l2: 0xFFFF_FFFF_FFFF_FFFF, l3: 0x7FFF_FFFF_FFFF_FFFF)
    /// p, the field prime.
    public static let p = UInt256(l0: 0xFFFF_FFFE_FFFF_FC2F, l1: 0xFFFF_FFFF_FFFF_FFFF, l2: 0xFFFF_FFFF_FFFF_FFFF, l3: 0xFFFF_FFFF_FFFF_FFFF)
}

/// Runs `body` with a stack buffer of `count` bytes (a typed pointer for libsecp256k1's non-null
/// parameters and a raw view for stores). `count` must be positive; a missing base address
/// (impossible then) becomes an error instead of a trap.
@inline(__always)
func withScratchBytes<R>(_ count: Int, _ body: (UnsafeMutablePointer<UInt8>, UnsafeMutableRawBufferPointer) throws -> R) throws -> R {
    try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: count) { buffer in
        guard let base = buffer.baseAddress else {
            throw Secp256k1Error(.signingFailed, "no scratch memory for a secp256k1 operation")
        }
        return try body(base, UnsafeMutableRawBufferPointer(buffer))
    }
}
