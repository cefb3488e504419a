import Testing
@testable import EthereumKit

/// `Hash32`: parsing, bytes, the big-endian `UInt256` view, ordering.
@Suite struct Hash32Tests {
    @Test func conversionsRoundTrip() throws {
        var rng = SplitMix64(seed: 0x4A54)
        var previous: (Hash32, [UInt8])?
        for _ in 0..<500 {
            let bytes = rng.bytes(32)
            let hash = try Hash32(bytes: bytes)
            #expect(hash.bytes == bytes)
            #expect(hash.description == Hex.encode(bytes))
            #expect(try Hash32(hex: hash.description) == hash)
            #expect(try Hash32(hex: "0x" + hash.description.dropFirst(2).uppercased()) == hash)
            let value = hash.uint256
            #expect(value.bigEndianBytes == bytes, "the UInt256 view is big-endian")
            #expect(Hash32(value) == hash && UInt256(hash) == value)
            let offset = rng.below(9)
            var buffer = rng.bytes(offset + 40)
            buffer.withUnsafeMutableBytes { hash.store(into: $0, at: offset) }
            #expect(Array(buffer[offset..<(offset + 32)]) == bytes)
            #expect(buffer.withUnsafeBytes { Hash32(at: offset, of: $0) } == hash)
            if let (other, otherBytes) = previous {
                #expect((hash < other) == bytes.lexicographicallyPrecedes(otherBytes))
                #expect((hash < other) == (value < other.uint256))
            }
            previous = (hash, bytes)
        }
    }

    @Test func parsingIsStrict() {
        let good = "0x" + String(repeating: "ab", count: 32)
        #expect((try? Hash32(hex: good)) != nil)
        for bad in [String(good.dropFirst(2)), String(good.dropLast(2)), good + "00", String(good.dropLast()),
                    String(good.dropLast()) + "g", "0x", ""] {
            #expect(throws: HexError.self, "\(bad.debugDescription)") { try Hash32(hex: bad) }
        }
        #expect(throws: HexError.self) { try Hash32(bytes: [UInt8](repeating: 0, count: 31)) }
        #expect(throws: HexError.self) { try Hash32(bytes: [UInt8](repeating: 0, count: 33)) }
    }

    @Test func zero() throws {
        #expect(Hash32.zero.isZero && Hash32.zero.uint256 == .zero)
        #expect(try Hash32(hex: "0x" + String(repeating: "0", count: 63) + "1").uint256 == .one)
        #expect(!(try Hash32(hex: "0x" + String(repeating: "0", count: 63) + "1")).isZero)
    }
}
