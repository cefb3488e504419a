import Testing
@testable import EthereumKit

/// Streaming Keccak-256 in uneven chunks across the 136-byte rate, the text form, and the bare permutation.
@Suite struct KeccakStreamingTests {
    @Test func unevenChunksMatchOneShot() {
        var rng = SplitMix64(seed: 0x5EC)
        var m = Mismatches()
        let interesting = [0, 1, 7, 8, 9, 64, 127, 135, 136, 137, 271, 272, 273]
        for round in 0..<400 {
            let length = round < 60 ? [0, 1, 135, 136, 137, 271, 272, 273, 408, 543, 544, 545][round % 12] + round / 12 : rng.below(700)
            let message = rng.bytes(length)
            let expected = Keccak256.hash(message)
            var hasher = Keccak256()
            var offset = 0
            var chunks: [Int] = []
            while offset < length {
                let step = rng.below(3) == 0 ? interesting[rng.below(interesting.count)] : rng.below(200)
                let end = min(length, offset + step)
                // Alternate the raw-buffer, contiguous-slice and non-contiguous-collection entry points.
                switch chunks.count % 3 {
                case 0: message[offset..<end].withUnsafeBytes { hasher.update($0) }
                case 1: hasher.update(message[offset..<end])
                default: hasher.update(message[offset..<end].lazy.map { $0 })
                }
                chunks.append(end - offset)
                offset = end
            }
            if rng.below(4) == 0 { hasher.update([UInt8]()) }
            m.check(hasher.finalize() == expected, "length \(length) in chunks \(chunks)")
        }
        m.expectNone("streaming")
    }

    @Test func hashOfNonContiguousCollectionsAndSlices() {
        var rng = SplitMix64(seed: 0x51)
        for length in [0, 1, 135, 136, 137, 1000] {
            let bytes = rng.bytes(length + 3)
            let slice = bytes[2..<(2 + length)]
            let expected = Keccak256.hash(Array(slice))
            #expect(Keccak256.hash(slice) == expected)
            #expect(Keccak256.hash(slice.lazy.map { $0 }) == expected)
            #expect(slice.withUnsafeBytes { Keccak256.hash($0) } == expected)
        }
    }

    @Test func textDigests() throws {
        // keccak256("") and the ERC-20 Transfer topic are quoted throughout Ethereum's documentation.
        #expect(Keccak256.hash(utf8: "") == (try Hash32(hex: "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470")))
        #expect(Keccak256.hash(utf8: "Transfer(address,address,uint256)")
                == (try Hash32(hex: "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef")))
        var rng = SplitMix64(seed: 0x7E47)
        let pieces = ["a", "é", "漢", "🦊", "(uint256,address)", " "]
        for _ in 0..<100 {
            let text = (0..<rng.below(80)).map { _ in pieces[rng.below(pieces.count)] }.joined()
            #expect(Keccak256.hash(utf8: text) == Keccak256.hash(Array(text.utf8)), "\(text)")
            let sub = text.dropFirst(text.isEmpty ? 0 : 1)
            #expect(Keccak256.hash(utf8: String(sub)) == Keccak256.hash(Array(sub.utf8)))
        }
    }

    @Test func permutationOfTheZeroState() {
        // Keccak-f[1600] applied to the all-zero state, first lanes as published in the Keccak reference's
        // KeccakF-1600-IntermediateValues.txt.
        var lanes = [UInt64](repeating: 0, count: 25)
        Keccak256.permutation(&lanes)
        #expect(lanes[0] == 0xF125_8F79_40E1_DDE7)
        #expect(lanes[1] == 0x84D5_CCF9_33C0_478A)
        #expect(lanes[24] == 0xEAF1_FF7B_5CEC_A249)
        var twice = lanes
        Keccak256.permutation(&twice)
        #expect(twice != lanes && twice.contains { $0 != 0 })
    }
}
