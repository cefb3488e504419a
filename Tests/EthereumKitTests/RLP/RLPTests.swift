import Testing
import Foundation
@testable import EthereumKit

@Suite struct RLPVectorTests {
    /// `rlptest.json`: every `in` encodes to `out`, and `out` decodes back to `in`.
    @Test func validVectors() throws {
        let file = "ethereum-tests/RLPTests/rlptest.json"
        let cases = try #require(try Vectors.json(file) as? [String: Any])
        var passed = 0
        for (name, value) in cases.sorted(by: { $0.key < $1.key }) {
            let c = try #require(value as? [String: Any])
            let expected = try Hex.decode(try #require(c["out"] as? String), prefix: .optional)
            let item = try Self.item(fromJSON: try #require(c["in"]))
            let encoded = RLP.encode(item)
            #expect(encoded == expected, "encode \(name)")
            let decoded = try RLP.decode(expected)
            #expect(decoded == item, "decode \(name)")
            if encoded == expected && decoded == item { passed += 1 }
        }
        #expect(passed == cases.count)
        Vectors.report(file, passed: passed, of: cases.count)
    }

    /// `invalidRLPTest.json`: every case is rejected.
    @Test func invalidVectors() throws {
        let file = "ethereum-tests/RLPTests/invalidRLPTest.json"
        let cases = try #require(try Vectors.json(file) as? [String: Any])
        var passed = 0
        for (name, value) in cases.sorted(by: { $0.key < $1.key }) {
            let c = try #require(value as? [String: Any])
            let bytes = try Hex.decode(try #require(c["out"] as? String), prefix: .optional)
            do {
                let item = try RLP.decode(bytes)
                Issue.record("\(name) decoded to \(item) but must be rejected")
            } catch is RLPError {
                passed += 1
            }
        }
        #expect(passed == cases.count)
        Vectors.report(file, passed: passed, of: cases.count)
    }

    /// The file's conventions: strings are bytes (one per character), JSON integers and `#decimal`
    /// big integers are canonical integers, arrays are lists.
    static func item(fromJSON value: Any) throws -> RLPItem {
        if let list = value as? [Any] { return .list(try list.map(item(fromJSON:))) }
        if let text = value as? String {
            if text.hasPrefix("#") { return .bytes(try bigEndian(decimal: String(text.dropFirst()))) }
            return .bytes(try text.unicodeScalars.map { scalar in
                guard scalar.value < 256 else { throw RLPTestError("non-byte character in \(text)") }
                return UInt8(scalar.value)
            })
        }
        if let number = value as? NSNumber { return RLPItem(number.uint64Value) }
        throw RLPTestError("unsupported JSON value \(value)")
    }

    /// Arbitrary-size decimal to minimal big-endian bytes (the file has 2^256, beyond UInt256).
    static func bigEndian(decimal: String) throws -> [UInt8] {
        var out: [UInt8] = []  // little-endian base-256 digits
        for c in decimal.utf8 {
            guard c >= 48, c <= 57 else { throw RLPTestError("bad decimal \(decimal)") }
            var carry = Int(c - 48)
            for i in out.indices {
                let v = Int(out[i]) * 10 + carry
                out[i] = UInt8(v & 0xff)
                carry = v >> 8
            }
            while carry > 0 { out.append(UInt8(carry & 0xff)); carry >>= 8 }
        }
        return out.reversed()
    }
}

struct RLPTestError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

@Suite struct RLPDecoderTests {
    private func code(_ bytes: [UInt8]) -> (RLPError.Code, Int)? {
        do { _ = try RLP.decode(bytes); return nil } catch let e as RLPError { return (e.code, e.offset) } catch { return nil }
    }

    @Test func errorsNameTheProblemAndOffset() {
        #expect(code([])! == (.empty, 0))
        #expect(code([0x81, 0x05])! == (.nonCanonicalSingleByte, 0))
        #expect(code([0xb8, 0x05, 1, 2, 3, 4, 5])! == (.nonCanonicalLength, 0))
        #expect(code([0xb9, 0x00, 0x40])! == (.leadingZeroInLength, 1))
        #expect(code([0x83, 1, 2])! == (.truncated, 0))
        #expect(code([0x80, 0x80])! == (.trailingBytes, 1))
        #expect(code([0xc2, 0x80])! == (.truncated, 0))
        // An item inside a list that runs past the list's end (but not past the input).
        #expect(code([0xc1, 0x82, 0x61, 0x62])! == (.truncated, 1))
        // 64-bit length overflow (top bit set) and a length beyond Int.
        #expect(code([0xbf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])! == (.lengthOverflow, 0))
        #expect(code([0xbb, 0x7f, 0xff, 0xff, 0xff, 0x00])! == (.truncated, 0))
    }

    @Test func deepNestingIsAnErrorNotACrash() {
        let deep = [UInt8](repeating: 0xc1, count: RLP.maxDepth + 5) + [0x80]
        // Not a valid nesting anyway (lengths don't add up), but depth is checked before the end is reached.
        #expect(code(deep) != nil)
        // A well-formed nesting of exactly maxDepth levels decodes; one more level does not.
        func nested(_ depth: Int) -> [UInt8] {
            var item: RLPItem = .list([])
            for _ in 1..<depth { item = .list([item]) }
            return RLP.encode(item)
        }
        #expect((try? RLP.decode(nested(RLP.maxDepth))) != nil)
        #expect(code(nested(RLP.maxDepth + 1))?.0 == .tooDeep)
    }

    @Test func canonicalIntegers() throws {
        for v: UInt64 in [0, 1, 0x7f, 0x80, 0xff, 0x100, 0xffff_ffff, .max] {
            let encoded = RLP.encode(RLPItem(v))
            var w = RLPWriter()
            w.append(v)
            #expect(w.bytes == encoded)
            let back = try RLP.withReader(encoded) { r in try r.readUInt64() }
            #expect(back == v)
        }
        #expect(RLP.encode(RLPItem(UInt64(0))) == [0x80])
        #expect(RLP.encode(RLPItem(UInt64(0x400))) == [0x82, 0x04, 0x00])
        // Leading zeros and over-wide integers are rejected by the integer readers.
        #expect(throws: RLPError.self) { try RLP.withReader([0x00]) { r in try r.readUInt64() } }
        #expect(throws: RLPError.self) { try RLP.withReader([0x82, 0x00, 0x01]) { r in try r.readUInt256() } }
        #expect(throws: RLPError.self) { try RLP.withReader([0x89, 1, 0, 0, 0, 0, 0, 0, 0, 0]) { r in try r.readUInt64() } }
        let max = UInt256.max
        let encodedMax = RLP.encode(RLPItem(max))
        #expect(encodedMax.count == 33 && encodedMax[0] == 0xa0)
        #expect(try RLP.withReader(encodedMax) { r in try r.readUInt256() } == max)
    }

    @Test func longListsAndStrings() throws {
        let payload = [UInt8](repeating: 0xab, count: 1024)
        let item = RLPItem.list([.bytes(payload), .bytes([]), .list([]), .bytes(payload)])
        let encoded = RLP.encode(item)
        #expect(encoded[0] == 0xf9)
        #expect(try RLP.decode(encoded) == item)
    }

    /// Random items round-trip, and random byte strings never crash the decoder (fixed seed).
    @Test func randomRoundTripsAndGarbage() throws {
        var rng = SplitMix64(seed: 0x5EED_0001)
        func randomItem(_ depth: Int) -> RLPItem {
            if depth > 3 || rng.next() % 3 == 0 {
                let n = Int(rng.next() % 70)
                return .bytes((0..<n).map { _ in UInt8(truncatingIfNeeded: rng.next()) })
            }
            return .list((0..<Int(rng.next() % 5)).map { _ in randomItem(depth + 1) })
        }
        for _ in 0..<500 {
            let item = randomItem(0)
            let encoded = RLP.encode(item)
            #expect(try RLP.decode(encoded) == item)
            #expect(encoded.withUnsafeBytes { RLP.fuzz($0) })
            // Mutate one byte: must either decode (and then re-encode identically) or throw.
            var mutated = encoded
            let i = Int(rng.next() % UInt64(mutated.count))
            mutated[i] ^= UInt8(truncatingIfNeeded: rng.next() | 1)
            #expect(mutated.withUnsafeBytes { RLP.fuzz($0) })
            // Truncate: never decodes to the same item.
            let cut = Array(encoded.dropLast())
            #expect((try? RLP.decode(cut)) != item)
        }
        for _ in 0..<2000 {
            let garbage = (0..<Int(rng.next() % 40)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            #expect(garbage.withUnsafeBytes { RLP.fuzz($0) })
        }
    }
}
