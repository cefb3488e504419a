import Testing
import Foundation
@testable import EthereumKit

/// The Keccak team's worked example for Keccak[r=1088, c=512] with the original pad10*1 padding (Ethereum's
/// Keccak-256): every permutation's input and output state, every squeezed block, and the digest.
@Suite struct KeccakIntermediateValuesTests {
    static let file = "xkcp/TestVectors/KeccakSpongeIntermediateValues_r1088c512.txt"

    /// One "+++ Example … +++" of the file: its titled sections in order, with their bytes when they are hex.
    struct Example {
        var title: String
        var sections: [(name: String, bytes: [UInt8])] = []

        func bytes(_ name: String) -> [UInt8]? { sections.first { $0.name == name }?.bytes }
    }

    /// Parses the text: `+++ … +++` starts an example, a line ending in `:` (or a `--- … ---` marker) starts a
    /// section, and lines of
    /// two-digit hex tokens are that section's bytes (the bit-list sections have one-digit tokens and stay empty).
    static func parse(_ text: String) throws -> [Example] {
        var examples: [Example] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("+++") {
                examples.append(Example(title: trimmed.trimmingCharacters(in: CharacterSet(charactersIn: "+ "))))
            } else if trimmed.hasSuffix(":") || trimmed.hasPrefix("---") {
                examples[examples.count - 1].sections.append((String(trimmed.hasSuffix(":") ? trimmed.dropLast() : trimmed[...]), []))
            } else if !examples.isEmpty, !examples[examples.count - 1].sections.isEmpty {
                let tokens = trimmed.split(separator: " ")
                guard tokens.allSatisfy({ $0.count == 2 }) else { continue }
                let bytes = try tokens.map { try #require(UInt8($0, radix: 16), "bad hex token \($0)") }
                let last = examples[examples.count - 1].sections.count - 1
                examples[examples.count - 1].sections[last].bytes += bytes
            }
        }
        return examples
    }

    static func lanes(_ bytes: [UInt8]) -> [UInt64] {
        (0..<25).map { i in (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[i * 8 + $1]) << (8 * UInt64($1)) } }
    }

    static func bytes(_ lanes: [UInt64]) -> [UInt8] {
        lanes.flatMap { lane in (0..<8).map { UInt8(truncatingIfNeeded: lane >> (8 * UInt64($0))) } }
    }

    @Test func intermediateValues() throws {
        let examples = try Self.parse(try Vectors.text(Self.file))
        try #require(examples.count == 2, "the file has a 29-bit and a 2008-bit example")
        var passed = 0, total = 0
        func check(_ ok: Bool, _ what: String) {
            total += 1
            if ok { passed += 1 } else { Issue.record("\(Self.file): \(what)") }
        }
        for example in examples {
            var state = try #require(example.bytes("Initial state"))
            check(state == [UInt8](repeating: 0, count: 200), "\(example.title): initial state is zero")
            // Byte-aligned messages are also absorbed by our own padding: predict each absorbed block.
            let message = try #require(example.bytes("Input message (last byte aligned on LSB)"))
            let messageBits = example.title.contains("small") ? 29 : 2008
            var ownBlocks: [[UInt8]] = []
            if messageBits % 8 == 0 {
                var padded = message + [0x01]
                while padded.count % Keccak256.rate != 0 { padded.append(0) }
                padded[padded.count - 1] |= 0x80
                ownBlocks = stride(from: 0, to: padded.count, by: Keccak256.rate).map { Array(padded[$0..<($0 + Keccak256.rate)]) }
            }
            var squeezing = false, absorbed = 0, permutations = 0
            var pendingInput: [UInt8]?
            for (name, bytes) in example.sections {
                switch name {
                case "Input of permutation":
                    if squeezing {
                        check(bytes == state, "\(example.title): squeezing permutes the state as it is")
                    } else if absorbed < ownBlocks.count {
                        let xored = zip(bytes.prefix(Keccak256.rate), state).map { $0 ^ $1 }
                        check(xored == ownBlocks[absorbed] && bytes.suffix(64) == state.suffix(64),
                              "\(example.title): block \(absorbed) with Keccak256's padding matches the absorbed input")
                        absorbed += 1
                    }
                    pendingInput = bytes
                case "State after permutation":
                    var lanes = Self.lanes(try #require(pendingInput, "state without an input"))
                    Keccak256.permutation(&lanes)
                    check(Self.bytes(lanes) == bytes, "\(example.title): permutation \(permutations)")
                    permutations += 1
                    state = bytes
                    pendingInput = nil
                case "--- Switching to squeezing phase ---":
                    squeezing = true
                case let n where n.hasPrefix("Squeezed block"):
                    check(Array(state.prefix(bytes.count)) == bytes, "\(example.title): \(n) is the start of the state")
                default:
                    break
                }
            }
            check(absorbed == ownBlocks.count, "\(example.title): every block of the byte-aligned message was seen")
            if messageBits % 8 == 0 {
                let squeezed = try #require(example.bytes("Squeezed block (part)"))
                check(message.count * 8 == messageBits, "\(example.title): message length")
                check(Keccak256.hash(message).bytes == Array(squeezed.prefix(32)), "\(example.title): keccak256 digest")
                var streamed = Keccak256()
                streamed.update(message.prefix(100))
                streamed.update(message.dropFirst(100))
                check(streamed.finalize().bytes == Array(squeezed.prefix(32)), "\(example.title): streamed digest")
            }
        }
        Vectors.report(Self.file, passed: passed, of: total,
                       note: "29-bit example: permutations and squeezing only, it is not byte-aligned so the byte API cannot absorb it")
        #expect(total >= 20)
    }
}
