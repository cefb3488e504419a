/// Strict DER encoding of an ECDSA signature: `SEQUENCE { INTEGER r, INTEGER s }`.
///
/// libsecp256k1's `secp256k1_ecdsa_signature_parse_der` is deliberately lax (it accepts some BER
/// forms for Bitcoin's historical signatures), so this parser is written out: definite, minimal
/// lengths only (short form below 128, no leading-zero length bytes, no indefinite length); INTEGER
/// tags; positive, minimally encoded integers (a leading 0x00 only when the next byte has its top
/// bit set); integers of at most 32 bytes after that padding; nothing after `s`, nothing after
/// the sequence. Ranges (1 ≤ r, s < n) are checked by verification, not here.
public enum DERSignature {
    /// Parses a DER signature into (r, s).
    public static func parse(_ bytes: some Collection<UInt8>) throws -> (r: UInt256, s: UInt256) {
        let a = Array(bytes)
        var i = 0
        guard a.count >= 2, a[0] == 0x30 else { throw fail("it does not start with a SEQUENCE tag (0x30)") }
        i = 1
        let seqLength = try length(a, &i)
        guard seqLength == a.count - i else {
            throw fail("the SEQUENCE announces \(seqLength) bytes but \(a.count - i) follow")
        }
        let r = try integer(a, &i, "r")
        let s = try integer(a, &i, "s")
        guard i == a.count else { throw fail("\(a.count - i) byte(s) follow s inside the SEQUENCE") }
        return (r, s)
    }

    /// The DER encoding of (r, s).
    public static func encode(r: UInt256, s: UInt256) -> [UInt8] {
        func int(_ v: UInt256) -> [UInt8] {
            var m = v.minimalBigEndianBytes
            if m.isEmpty { m = [0] }
            if m[0] >= 0x80 { m.insert(0, at: 0) }
            return [0x02, UInt8(m.count)] + m
        }
        let body = int(r) + int(s)
        return [0x30, UInt8(body.count)] + body
    }

    private static func length(_ a: [UInt8], _ i: inout Int) throws -> Int {
        guard i < a.count else { throw fail("a length is missing at byte \(i)") }
        let first = a[i]
        i += 1
        if first < 0x80 { return Int(first) }
        guard first != 0x80 else { throw fail("indefinite length (BER) at byte \(i - 1) is not DER") }
        let count = Int(first & 0x7f)
        guard count <= 2, count <= a.count - i else { throw fail("a length of \(count) bytes at byte \(i - 1) is impossible here") }
        guard a[i] != 0 else { throw fail("a long-form length starts with 0x00 at byte \(i)") }
        var value = 0
        for _ in 0..<count { value = value << 8 | Int(a[i]); i += 1 }
        guard value >= 0x80 else { throw fail("length \(value) uses the long form; DER requires the short form below 128") }
        return value
    }

    private static func integer(_ a: [UInt8], _ i: inout Int, _ name: String) throws -> UInt256 {
        guard i < a.count, a[i] == 0x02 else { throw fail("\(name) is not tagged INTEGER (0x02)") }
        i += 1
        let n = try length(a, &i)
        guard n >= 1 else { throw fail("\(name) is an empty INTEGER") }
        guard n <= a.count - i else { throw fail("\(name) announces \(n) bytes but only \(a.count - i) remain") }
        var content = a[i..<(i + n)]
        i += n
        guard content[content.startIndex] & 0x80 == 0 else { throw fail("\(name) is negative") }
        if content.count > 1 && content[content.startIndex] == 0 {
            guard content[content.startIndex + 1] & 0x80 != 0 else { throw fail("\(name) has a superfluous leading zero byte") }
            content = content.dropFirst()
        }
        guard let value = UInt256(bigEndian: content) else { throw fail("\(name) is wider than 256 bits") }
        return value
    }

    private static func fail(_ what: String) -> Secp256k1Error {
        Secp256k1Error(.invalidEncoding, "DER signature: \(what)")
    }
}
