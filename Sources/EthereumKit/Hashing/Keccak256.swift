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
            for i in 0..<input.count { state[i] ^= input[i] }
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

    @inline(__always)
    private static func rotl(_ x: UInt64, _ n: UInt64) -> UInt64 { (x &<< n) | (x &>> (64 &- n)) }

    private static let roundConstants: [UInt64] = [
        0x0000_0000_0000_0001, 0x0000_0000_0000_8082, 0x8000_0000_0000_808A, 0x8000_0000_8000_8000,
        0x0000_0000_0000_808B, 0x0000_0000_8000_0001, 0x8000_0000_8000_8081, 0x8000_0000_0000_8009,
        0x0000_0000_0000_008A, 0x0000_0000_0000_0088, 0x0000_0000_8000_8009, 0x0000_0000_8000_000A,
        0x0000_0000_8000_808B, 0x8000_0000_0000_008B, 0x8000_0000_0000_8089, 0x8000_0000_0000_8003,
        0x8000_0000_0000_8002, 0x8000_0000_0000_0080, 0x0000_0000_0000_800A, 0x8000_0000_8000_000A,
        0x8000_0000_8000_8081, 0x8000_0000_0000_8080, 0x0000_0000_8000_0001, 0x8000_0000_8000_8008,
    ]

    /// Keccak-f[1600]: 24 rounds over 25 lanes held in local variables (generated, unrolled per round).
    @usableFromInline
    static func permute(_ s: UnsafeMutablePointer<UInt64>) {
        roundConstants.withUnsafeBufferPointer { rc in
            permute(s, rc)
        }
    }

    @inline(__always)
    private static func permute(_ s: UnsafeMutablePointer<UInt64>, _ rc: UnsafeBufferPointer<UInt64>) {
        var a0 = s[0], a1 = s[1], a2 = s[2], a3 = s[3], a4 = s[4], a5 = s[5], a6 = s[6], a7 = s[7], a8 = s[8], a9 = s[9], a10 = s[10], a11 = s[11], a12 = s[12], a13 = s[13], a14 = s[14], a15 = s[15], a16 = s[16], a17 = s[17], a18 = s[18], a19 = s[19], a20 = s[20], a21 = s[21], a22 = s[22], a23 = s[23], a24 = s[24]
        for round in 0..<24 {
            let c0 = a0 ^ a5 ^ a10 ^ a15 ^ a20
            let c1 = a1 ^ a6 ^ a11 ^ a16 ^ a21
            let c2 = a2 ^ a7 ^ a12 ^ a17 ^ a22
            let c3 = a3 ^ a8 ^ a13 ^ a18 ^ a23
            let c4 = a4 ^ a9 ^ a14 ^ a19 ^ a24
            let d0 = c4 ^ rotl(c1, 1)
            let d1 = c0 ^ rotl(c2, 1)
            let d2 = c1 ^ rotl(c3, 1)
            let d3 = c2 ^ rotl(c4, 1)
            let d4 = c3 ^ rotl(c0, 1)
            let b0 = (a0 ^ d0)
            let b1 = rotl(a6 ^ d1, 44)
            let b2 = rotl(a12 ^ d2, 43)
            let b3 = rotl(a18 ^ d3, 21)
            let b4 = rotl(a24 ^ d4, 14)
            let b5 = rotl(a3 ^ d3, 28)
            let b6 = rotl(a9 ^ d4, 20)
            let b7 = rotl(a10 ^ d0, 3)
            let b8 = rotl(a16 ^ d1, 45)
            let b9 = rotl(a22 ^ d2, 61)
            let b10 = rotl(a1 ^ d1, 1)
            let b11 = rotl(a7 ^ d2, 6)
            let b12 = rotl(a13 ^ d3, 25)
            let b13 = rotl(a19 ^ d4, 8)
            let b14 = rotl(a20 ^ d0, 18)
            let b15 = rotl(a4 ^ d4, 27)
            let b16 = rotl(a5 ^ d0, 36)
            let b17 = rotl(a11 ^ d1, 10)
            let b18 = rotl(a17 ^ d2, 15)
            let b19 = rotl(a23 ^ d3, 56)
            let b20 = rotl(a2 ^ d2, 62)
            let b21 = rotl(a8 ^ d3, 55)
            let b22 = rotl(a14 ^ d4, 39)
            let b23 = rotl(a15 ^ d0, 41)
            let b24 = rotl(a21 ^ d1, 2)
            a0 = b0 ^ (~b1 & b2)
            a1 = b1 ^ (~b2 & b3)
            a2 = b2 ^ (~b3 & b4)
            a3 = b3 ^ (~b4 & b0)
            a4 = b4 ^ (~b0 & b1)
            a5 = b5 ^ (~b6 & b7)
            a6 = b6 ^ (~b7 & b8)
            a7 = b7 ^ (~b8 & b9)
            a8 = b8 ^ (~b9 & b5)
            a9 = b9 ^ (~b5 & b6)
            a10 = b10 ^ (~b11 & b12)
            a11 = b11 ^ (~b12 & b13)
            a12 = b12 ^ (~b13 & b14)
            a13 = b13 ^ (~b14 & b10)
            a14 = b14 ^ (~b10 & b11)
            a15 = b15 ^ (~b16 & b17)
            a16 = b16 ^ (~b17 & b18)
            a17 = b17 ^ (~b18 & b19)
            a18 = b18 ^ (~b19 & b15)
            a19 = b19 ^ (~b15 & b16)
            a20 = b20 ^ (~b21 & b22)
            a21 = b21 ^ (~b22 & b23)
            a22 = b22 ^ (~b23 & b24)
            a23 = b23 ^ (~b24 & b20)
            a24 = b24 ^ (~b20 & b21)
            a0 ^= rc[round]
        }
        s[0] = a0
        s[1] = a1
        s[2] = a2
        s[3] = a3
        s[4] = a4
        s[5] = a5
        s[6] = a6
        s[7] = a7
        s[8] = a8
        s[9] = a9
        s[10] = a10
        s[11] = a11
        s[12] = a12
        s[13] = a13
        s[14] = a14
        s[15] = a15
        s[16] = a16
        s[17] = a17
        s[18] = a18
        s[19] = a19
        s[20] = a20
        s[21] = a21
        s[22] = a22
        s[23] = a23
        s[24] = a24
    }

    /// Applies Keccak-f[1600] to a 25-lane state in place (exposed for intermediate-value tests).
    public static func permutation(_ state: inout [UInt64]) {
        precondition(state.count == 25, "Keccak-f[1600] state has 25 lanes")
        state.withUnsafeMutableBufferPointer { permute($0.baseAddress!) }
    }
}
