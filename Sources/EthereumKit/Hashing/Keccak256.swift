#if _endian(big)
#error("Keccak256 assumes a little-endian host")
#endif

/// Keccak-256 with Ethereum's original padding (0x01 … 0x80), not FIPS-202 SHA3-256.
///
/// One-shot with `Keccak256.hash(_:)`, or streaming with `update(_:)` and `finalize()`.
/// The state lives inline in the struct (no heap allocation per permutation or per hash).
public struct Keccak256: Sendable {
    /// The sponge rate in bytes (1088 bits).
    public static let rate = 136

    @usableFromInline
    typealias Lanes = (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
                       UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
                       UInt64, UInt64, UInt64, UInt64, UInt64)

    @usableFromInline
    static let zeroLanes: Lanes = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)

    private var lanes: Lanes = Keccak256.zeroLanes
    /// Bytes absorbed into the current block (0 ..< rate).
    private var offset = 0

    /// A fresh hasher.
    public init() {}

    /// Absorbs more input.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count > 0 else { return }
        withUnsafeMutableBytes(of: &lanes) { state in
            let s = state.baseAddress!.assumingMemoryBound(to: UInt64.self)
            var input = bytes
            // Finish a partial block byte by byte.
            if offset != 0 {
                let take = Swift.min(Keccak256.rate - offset, input.count)
                for i in 0..<take { state[offset + i] ^= input[i] }
                offset += take
                input = UnsafeRawBufferPointer(rebasing: input[take...])
                if offset == Keccak256.rate { Keccak256.permute(s); offset = 0 }
            }
            // Whole blocks lane by lane.
            while input.count >= Keccak256.rate {
                Keccak256.absorbBlock(s, input.baseAddress!)
                Keccak256.permute(s)
                input = UnsafeRawBufferPointer(rebasing: input[Keccak256.rate...])
            }
            for i in 0..<input.count { state[offset + i] ^= input[i] }
            offset += input.count
        }
    }

    /// Absorbs more input.
    public mutating func update<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        if let done: Void = bytes.withContiguousStorageIfAvailable({ update(UnsafeRawBufferPointer($0)) }) {
            return done
        }
        update(Array(bytes))
    }

    /// Pads, permutes and returns the 32-byte digest.
    public consuming func finalize() -> Hash32 {
        let at = offset
        return withUnsafeMutableBytes(of: &lanes) { state in
            let s = state.baseAddress!.assumingMemoryBound(to: UInt64.self)
            state[at] ^= 0x01
            state[Keccak256.rate - 1] ^= 0x80
            Keccak256.permute(s)
            return Hash32(w0: s[0].byteSwapped, w1: s[1].byteSwapped, w2: s[2].byteSwapped, w3: s[3].byteSwapped)
        }
    }

    /// The Keccak-256 digest of `bytes`.
    public static func hash(_ bytes: UnsafeRawBufferPointer) -> Hash32 {
        var lanes = zeroLanes
        return withUnsafeMutableBytes(of: &lanes) { state in
            let s = state.baseAddress!.assumingMemoryBound(to: UInt64.self)
            var input = bytes
            while input.count >= rate {
                absorbBlock(s, input.baseAddress!)
                permute(s)
                input = UnsafeRawBufferPointer(rebasing: input[rate...])
            }
            let wholeLanes = input.count / 8
            for i in 0..<wholeLanes {
                s[i] ^= UInt64(littleEndian: input.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self))
            }
            for i in (wholeLanes * 8)..<input.count { state[i] ^= input[i] }
            state[input.count] ^= 0x01
            state[rate - 1] ^= 0x80
            permute(s)
            return Hash32(w0: s[0].byteSwapped, w1: s[1].byteSwapped, w2: s[2].byteSwapped, w3: s[3].byteSwapped)
        }
    }

    /// The Keccak-256 digest of `bytes`.
    public static func hash<C: Collection>(_ bytes: C) -> Hash32 where C.Element == UInt8 {
        if let h = bytes.withContiguousStorageIfAvailable({ hash(UnsafeRawBufferPointer($0)) }) { return h }
        return Array(bytes).withUnsafeBytes { hash($0) }
    }

    /// The Keccak-256 digest of the UTF-8 bytes of `text` (for signatures such as `Transfer(address,address,uint256)`).
    public static func hash(utf8 text: String) -> Hash32 {
        var copy = text
        return copy.withUTF8 { hash(UnsafeRawBufferPointer($0)) }
    }

    @inline(__always)
    private static func absorbBlock(_ s: UnsafeMutablePointer<UInt64>, _ p: UnsafeRawPointer) {
        for i in 0..<17 {
            s[i] ^= UInt64(littleEndian: p.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self))
        }
    }

    private static let roundConstants: [UInt64] = [
        0x0000_0000_0000_0001, 0x0000_0000_0000_8082, 0x8000_0000_0000_808A, 0x8000_0000_8000_8000,
        0x0000_0000_0000_808B, 0x0000_0000_8000_0001, 0x8000_0000_8000_8081, 0x8000_0000_0000_8009,
        0x0000_0000_0000_008A, 0x0000_0000_0000_0088, 0x0000_0000_8000_8009, 0x0000_0000_8000_000A,
        0x0000_0000_8000_808B, 0x8000_0000_0000_008B, 0x8000_0000_0000_8089, 0x8000_0000_0000_8003,
        0x8000_0000_0000_8002, 0x8000_0000_0000_0080, 0x0000_0000_0000_800A, 0x8000_0000_8000_000A,
        0x8000_0000_8000_8081, 0x8000_0000_0000_8080, 0x0000_0000_8000_0001, 0x8000_0000_8000_8008,
    ]

    /// Keccak-f[1600] on 25 lanes in place (the generated code is in KeccakPermutation.swift).
    @usableFromInline
    static func permute(_ s: UnsafeMutablePointer<UInt64>) {
        roundConstants.withUnsafeBufferPointer { rc in permute(s, rc.baseAddress!) }
    }

    /// Applies Keccak-f[1600] to a 25-lane state in place (exposed for intermediate-value tests).
    public static func permutation(_ state: inout [UInt64]) {
        precondition(state.count == 25, "Keccak-f[1600] state has 25 lanes")
        state.withUnsafeMutableBufferPointer { permute($0.baseAddress!) }
    }
}
