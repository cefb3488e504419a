import EthereumKit
import Testing
@testable import JSONRPC

/// Deterministic mutation fuzzing of every decoder through `JSONScanner.fuzz` (libFuzzer runs the same entry point).
@Suite struct FuzzTests {
    static var seeds: [[UInt8]] {
        let logs = Fixtures.logs(count: 4, seed: 5)
        let block = Fixtures.blockJSON(number: 2, hash: Fixtures.blockHash(2), parent: Fixtures.blockHash(1),
                                       transactions: "[\(BlockDecodingTests.dynamicFee),\(BlockDecodingTests.setCode)]")
        return [
            Fixtures.logsArray(logs),
            Fixtures.getLogsResponse(logs),
            Array(block.utf8),
            Array(BlockDecodingTests.blob.utf8),
            Array(#"[{"jsonrpc":"2.0","id":2,"result":null},{"jsonrpc":"2.0","id":1,"error":{"code":-32000,"message":"x","data":"0x01"}}]"#.utf8),
            Array(#"{"a":["\u00e9\ud83d\ude00",1e-7,-0,true,false,null,{}]}"#.utf8),
        ]
    }

    /// Seeds are accepted by the decoders they are shaped for (so the mutation test starts from valid input).
    @Test func seedsAreValid() {
        let outcomes = Self.seeds.map { JSONScanner.fuzz($0) }
        #expect(outcomes[0].contains([.value, .logs]))
        #expect(outcomes[1].contains([.value, .envelope]))
        #expect(outcomes[2].contains([.value, .block, .header]))
        #expect(outcomes[3].contains([.value, .transaction]))
        #expect(outcomes[4].contains([.value, .batch]))
        #expect(outcomes[5] == [.value])
    }

    /// 8,000 seeded mutations (bit flips, byte replacements, insertions, deletions, truncations, splices):
    /// no decoder traps, and no typed decoder accepts a document the strict JSON parser rejects.
    @Test func mutationsNeverTrapAndTypedDecodersStayStrict() {
        var rng = SplitMix64(seed: 0xF022)
        let seeds = Self.seeds
        let interesting: [UInt8] = Array("\"\\{}[],:0x-.eE+ntfu".utf8) + [0, 0x1F, 0x7F, 0x80, 0xC3, 0xFF]
        var accepted = 0
        for round in 0..<8_000 {
            var bytes = seeds[round % seeds.count]
            for _ in 0..<(1 + Int(rng.next() % 4)) where !bytes.isEmpty {
                let i = Int(rng.next() % UInt64(bytes.count))
                switch rng.next() % 6 {
                case 0: bytes[i] ^= UInt8(1 << (rng.next() % 8))
                case 1: bytes[i] = interesting[Int(rng.next() % UInt64(interesting.count))]
                case 2: bytes.insert(interesting[Int(rng.next() % UInt64(interesting.count))], at: i)
                case 3: bytes.remove(at: i)
                case 4: bytes = Array(bytes.prefix(i))
                default:
                    let other = seeds[Int(rng.next() % UInt64(seeds.count))]
                    let j = Int(rng.next() % UInt64(other.count))
                    bytes = Array(bytes.prefix(i)) + other[j...]
                }
            }
            let outcome = JSONScanner.fuzz(bytes)
            if outcome.subtracting(.value) != [] {
                #expect(outcome.contains(.value), "typed decoder accepted invalid JSON: \(String(decoding: bytes, as: UTF8.self))")
                accepted += 1
            }
        }
        #expect(accepted > 0, "some mutations should stay valid, or the property above is vacuous")
    }

    @Test func emptyAndTinyInputs() {
        for bytes: [UInt8] in [[], [0x20], [0x22], [0x5B], [0x7B], Array("null".utf8), Array("[]".utf8), Array("{}".utf8)] {
            _ = JSONScanner.fuzz(bytes)
        }
        #expect(JSONScanner.fuzz(Array("[]".utf8)).contains([.value, .logs, .batch]))
    }
}
