import EthereumKit
import Foundation
import Testing
@testable import HTTPServer

@Suite struct JSONWriterTests {
    @Test func escapesPerRFC8259() {
        var w = JSONWriter()
        w.value("quote \" backslash \\ slash / newline \n cr \r tab \t bs \u{08} ff \u{0C} nul \u{00} us \u{1F} del \u{7F} € 😀")
        #expect(w.string == #""quote \" backslash \\ slash / newline \n cr \r tab \t bs \b ff \f nul \u0000 us \u001f del \#u{7F} € 😀""#)
    }

    @Test func integersAtTheirLimits() {
        var w = JSONWriter()
        w.array { w in
            w.value(0); w.value(7); w.value(-7); w.value(Int.min); w.value(Int.max)
            w.value(UInt64.max); w.value(UInt32.max); w.value(Int64.min)
        }
        #expect(w.string == "[0,7,-7,-9223372036854775808,9223372036854775807,18446744073709551615,4294967295,-9223372036854775808]")
    }

    @Test func doublesAndNonFinite() {
        var w = JSONWriter()
        w.array { w in
            w.value(1.5); w.value(5.0); w.value(-0.0); w.value(1e-7); w.value(1e300)
            w.value(Double.nan); w.value(Double.infinity)
        }
        #expect(w.string == "[1.5,5,0,1e-07,1e+300,null,null]")
        // Every number written parses back to the same value.
        let parsed = try? JSONSerialization.jsonObject(with: Data(w.bytes)) as? [Any]
        #expect((parsed?[3] as? Double) == 1e-7)
    }

    @Test func commasBetweenMembersAndElementsOnly() {
        var w = JSONWriter()
        w.object { w in
            w.field("a", 1)
            w.field("empty", object: { _ in })
            w.field("list", array: { w in w.value("x"); w.object { _ in }; w.array { _ in }; w.null(); w.value(true) })
            w.field("s", "[")
            w.field("n", nil as String?)
            w.fieldNull("z")
            w.key("raw"); w.raw(#"{"k":[1,2]}"#)
            w.field("b", false)
        }
        #expect(w.string == #"{"a":1,"empty":{},"list":["x",{},[],null,true],"s":"[","n":null,"z":null,"raw":{"k":[1,2]},"b":false}"#)
    }

    /// Random documents (fixed seed) written with the writer parse back to the same values with JSONSerialization.
    @Test func randomDocumentsRoundTrip() throws {
        var rng = SplitMix64(seed: 0x5EED)
        for _ in 0..<300 {
            let value = Self.randomValue(&rng, depth: 0)
            var w = JSONWriter()
            Self.write(value, &w)
            let parsed = try JSONSerialization.jsonObject(with: Data(w.bytes), options: [.fragmentsAllowed])
            #expect(Self.equal(value, parsed), "\(w.string)")
        }
    }

    indirect enum Value { case string(String), int(Int), bool(Bool), null, array([Value]), object([(String, Value)]) }

    static func randomValue(_ rng: inout SplitMix64, depth: Int) -> Value {
        switch rng.next() % (depth > 3 ? 4 : 6) {
        case 0: return .string(randomString(&rng))
        case 1: return .int(Int(truncatingIfNeeded: rng.next()))
        case 2: return .bool(rng.next() & 1 == 0)
        case 3: return .null
        case 4: return .array((0..<Int(rng.next() % 5)).map { _ in randomValue(&rng, depth: depth + 1) })
        default:
            var seen = Set<String>()
            var members: [(String, Value)] = []
            for _ in 0..<Int(rng.next() % 5) {
                let k = randomString(&rng)
                if seen.insert(k).inserted { members.append((k, randomValue(&rng, depth: depth + 1))) }
            }
            return .object(members)
        }
    }

    static func randomString(_ rng: inout SplitMix64) -> String {
        let alphabet: [Unicode.Scalar] = ["a", "Z", "0", " ", "\"", "\\", "/", "\n", "\t", "\u{0}", "\u{1}", "\u{1F}", "é", "€", "😀", "\u{2028}"]
        var s = String.UnicodeScalarView()
        for _ in 0..<Int(rng.next() % 12) { s.append(alphabet[Int(rng.next() % UInt64(alphabet.count))]) }
        return String(s)
    }

    static func write(_ v: Value, _ w: inout JSONWriter) {
        switch v {
        case .string(let s): w.value(s)
        case .int(let n): w.value(n)
        case .bool(let b): w.value(b)
        case .null: w.null()
        case .array(let a): w.array { w in for e in a { write(e, &w) } }
        case .object(let o): w.object { w in for (k, e) in o { w.key(k); write(e, &w) } }
        }
    }

    static func equal(_ v: Value, _ p: Any) -> Bool {
        switch v {
        case .string(let s): return (p as? String) == s
        case .int(let n): return (p as? NSNumber)?.int64Value == Int64(n)
        case .bool(let b): return (p as? NSNumber).map { $0.boolValue == b } ?? false
        case .null: return p is NSNull
        case .array(let a):
            guard let pa = p as? [Any], pa.count == a.count else { return false }
            return zip(a, pa).allSatisfy { equal($0, $1) }
        case .object(let o):
            guard let po = p as? [String: Any], po.count == o.count else { return false }
            return o.allSatisfy { k, e in po[k].map { equal(e, $0) } ?? false }
        }
    }
}

