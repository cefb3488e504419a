import Testing
import Foundation
@testable import EthereumKit

@Suite struct KeccakTests {
    /// Every case of `generated/keccak256.json`, one-shot and streamed in uneven chunks.
    @Test func generatedVectors() throws {
        let file = "generated/keccak256.json"
        let root = try #require(try Vectors.json(file) as? [String: Any])
        let cases = try #require(root["cases"] as? [[String: Any]])
        var passed = 0
        for c in cases {
            let name = c["name"] as? String ?? "?"
            let expected = try Hash32(hex: try #require(c["keccak256"] as? String))
            let input = try Self.input(for: c)
            #expect(Keccak256.hash(input) == expected, "one-shot \(name)")
            var streaming = Keccak256()
            var offset = 0, step = 1
            while offset < input.count {
                let end = min(input.count, offset + step)
                streaming.update(input[offset..<end])
                offset = end
                step = step * 3 % 251 + 1
            }
            #expect(streaming.finalize() == expected, "streamed \(name)")
            if let sha3 = c["sha3_256_NOT_keccak"] as? String {
                #expect(Keccak256.hash(input).description != sha3, "negative control \(name)")
            }
            passed += 1
        }
        #expect(passed == cases.count)
        Vectors.report(file, passed: passed, of: cases.count)
    }

    /// Rebuilds inputs the file describes by rule instead of by hex (patterns, repeated bytes, 1,000,000 × "a").
    static func input(for c: [String: Any]) throws -> [UInt8] {
        if let hex = c["input_hex"] as? String { return try Hex.decode(hex) }
        let length = try #require(c["length"] as? Int)
        switch c["rule"] as? String {
        case "a_million": return [UInt8](repeating: UInt8(ascii: "a"), count: length)
        case "pattern_1mib": return (0..<length).map { UInt8(truncatingIfNeeded: $0 * 7 + 3) }
        default: break
        }
        Issue.record("unknown rule for case \(c["name"] ?? "?")")
        return []
    }
}
