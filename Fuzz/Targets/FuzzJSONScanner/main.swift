import EthereumKit
import FuzzSupport
import JSONRPC

// The JSON-RPC scanner and every typed decoder over it (`JSONScanner.fuzz`). Checks:
// - a typed decoder (logs, block, header, transaction, receipt, envelope, batch) accepts only valid JSON;
// - `JSONValue.parse` accepts exactly what an independent RFC 8259 validator (below) accepts;
// - an accepted value prints (`encoded`) to JSON that parses back to the same value, and printing is stable;
// - `Log.decodeArray` (the eth_getLogs path the mirror depends on) agrees with a reference decoder over the
//   `JSONValue` tree: same logs when it accepts; and, for inputs without escapes (where the raw text the hex
//   readers see is the string value), it accepts exactly what the reference accepts.

/// RFC 8259 validation with the scanner's documented limits: nesting at most `JSONScanner.maxDepth`, strings
/// valid UTF-8, `\u` escapes forming whole scalars (a high surrogate must be followed by a low one).
struct Reference {
    let b: [UInt8]
    var i = 0

    init(_ b: [UInt8]) { self.b = b }

    mutating func ws() { while i < b.count, b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09 { i += 1 } }
    mutating func eat(_ c: UInt8) -> Bool { if i < b.count && b[i] == c { i += 1; return true }; return false }
    func isDigit(_ j: Int) -> Bool { j < b.count && b[j] >= 0x30 && b[j] <= 0x39 }

    mutating func document() -> Bool {
        ws()
        guard value(depth: 0) else { return false }
        ws()
        return i == b.count
    }

    mutating func value(depth: Int) -> Bool {
        ws()
        guard i < b.count else { return false }
        switch b[i] {
        case UInt8(ascii: "{"):
            i += 1
            guard depth < JSONScanner.maxDepth else { return false }
            ws()
            if eat(UInt8(ascii: "}")) { return true }
            repeat {
                ws()
                guard string(), { ws(); return eat(UInt8(ascii: ":")) }(), value(depth: depth + 1) else { return false }
                ws()
            } while eat(UInt8(ascii: ","))
            return eat(UInt8(ascii: "}"))
        case UInt8(ascii: "["):
            i += 1
            guard depth < JSONScanner.maxDepth else { return false }
            ws()
            if eat(UInt8(ascii: "]")) { return true }
            repeat {
                guard value(depth: depth + 1) else { return false }
                ws()
            } while eat(UInt8(ascii: ","))
            return eat(UInt8(ascii: "]"))
        case UInt8(ascii: "\""): return string()
        case UInt8(ascii: "t"): return word("true")
        case UInt8(ascii: "f"): return word("false")
        case UInt8(ascii: "n"): return word("null")
        default: return number()
        }
    }

    mutating func word(_ w: String) -> Bool {
        let u = Array(w.utf8)
        guard b.count - i >= u.count, Array(b[i..<i + u.count]) == u else { return false }
        i += u.count
        return true
    }

    mutating func number() -> Bool {
        _ = eat(UInt8(ascii: "-"))
        guard isDigit(i) else { return false }
        if b[i] == UInt8(ascii: "0") { i += 1 } else { while isDigit(i) { i += 1 } }
        if eat(UInt8(ascii: ".")) {
            guard isDigit(i) else { return false }
            while isDigit(i) { i += 1 }
        }
        if eat(UInt8(ascii: "e")) || eat(UInt8(ascii: "E")) {
            if !eat(UInt8(ascii: "+")) { _ = eat(UInt8(ascii: "-")) }
            guard isDigit(i) else { return false }
            while isDigit(i) { i += 1 }
        }
        return true
    }

    mutating func hex4() -> UInt32? {
        guard b.count - i >= 4 else { return nil }
        var v: UInt32 = 0
        for _ in 0..<4 {
            guard let d = Int(String(UnicodeScalar(b[i])), radix: 16) else { return nil }
            v = v << 4 | UInt32(d)
            i += 1
        }
        return v
    }

    /// A string: the decoded scalars must form valid UTF-8 (raw bytes are validated with the standard library).
    mutating func string() -> Bool {
        guard eat(UInt8(ascii: "\"")) else { return false }
        var raw: [UInt8] = []
        while i < b.count {
            let c = b[i]
            i += 1
            switch c {
            case UInt8(ascii: "\""): return String(validating: raw, as: UTF8.self) != nil
            case 0..<0x20: return false
            case UInt8(ascii: "\\"):
                guard i < b.count else { return false }
                let e = b[i]
                i += 1
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                     UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    raw.append(0x20)
                case UInt8(ascii: "u"):
                    guard var scalar = hex4() else { return false }
                    if scalar >= 0xDC00 && scalar < 0xE000 { return false }
                    if scalar >= 0xD800 && scalar < 0xDC00 {
                        guard eat(UInt8(ascii: "\\")), eat(UInt8(ascii: "u")), let low = hex4(), low >= 0xDC00, low < 0xE000 else { return false }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let u = Unicode.Scalar(scalar) else { return false }
                    raw.append(contentsOf: Array(String(Character(u)).utf8))
                default: return false
                }
            default: raw.append(c)
            }
        }
        return false
    }
}

/// The digits of a `0x`/`0X`-prefixed string of hex digits, as nibbles; nil otherwise.
func nibbles(_ v: JSONValue?) -> [UInt8]? {
    guard let s = v?.stringValue else { return nil }
    let u = Array(s.utf8)
    guard u.count >= 2, u[0] == UInt8(ascii: "0"), u[1] | 0x20 == UInt8(ascii: "x") else { return nil }
    var out: [UInt8] = []
    for c in u.dropFirst(2) {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): out.append(c - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): out.append(c - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): out.append(c - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }
    return out
}

func dataBytes(_ v: JSONValue?, count: Int? = nil) -> [UInt8]? {
    guard let n = nibbles(v), n.count % 2 == 0, count.map({ n.count == 2 * $0 }) ?? true else { return nil }
    return stride(from: 0, to: n.count, by: 2).map { n[$0] << 4 | n[$0 + 1] }
}

/// A quantity: at least one digit, leading zeros allowed, value below 2^64.
func quantity(_ v: JSONValue?) -> UInt64? {
    guard let n = nibbles(v), !n.isEmpty else { return nil }
    var value: UInt64 = 0
    for d in n {
        guard value >> 60 == 0 else { return nil }
        value = value << 4 | UInt64(d)
    }
    return value
}

/// eth_getLogs results as `Log.decode` documents them: an array of objects; unknown keys ignored; a known key at
/// most once; address, topics, data, blockNumber, blockHash, transactionHash, transactionIndex and logIndex
/// required and non-null; removed optional (a bool, default false); blockTimestamp optional (null or a quantity).
func referenceLogs(_ value: JSONValue) -> [Log]? {
    guard let array = value.arrayValue else { return nil }
    var logs: [Log] = []
    let known: Set<String> = ["address", "topics", "data", "blockNumber", "blockHash", "transactionHash", "transactionIndex",
                              "logIndex", "removed", "blockTimestamp"]
    for item in array {
        guard let members = item.objectValue else { return nil }
        var fields: [String: JSONValue] = [:]
        for (key, v) in members where known.contains(key) {
            guard fields[key] == nil else { return nil }
            fields[key] = v
        }
        guard let address = dataBytes(fields["address"], count: 20).flatMap({ try? Address(bytes: $0) }),
              let topicValues = fields["topics"]?.arrayValue,
              let data = dataBytes(fields["data"]),
              let blockNumber = quantity(fields["blockNumber"]),
              let blockHash = dataBytes(fields["blockHash"], count: 32).flatMap({ try? Hash32(bytes: $0) }),
              let transactionHash = dataBytes(fields["transactionHash"], count: 32).flatMap({ try? Hash32(bytes: $0) }),
              let transactionIndex = quantity(fields["transactionIndex"]),
              let logIndex = quantity(fields["logIndex"]) else { return nil }
        var topics: [Hash32] = []
        for t in topicValues {
            guard let h = dataBytes(t, count: 32).flatMap({ try? Hash32(bytes: $0) }) else { return nil }
            topics.append(h)
        }
        var removed = false
        if let r = fields["removed"] {
            guard let b = r.boolValue else { return nil }
            removed = b
        }
        var timestamp: UInt64?
        if let t = fields["blockTimestamp"], !t.isNull {
            guard let q = quantity(t) else { return nil }
            timestamp = q
        }
        var log = Log(address: address, topics: topics, data: data, blockNumber: blockNumber, blockHash: blockHash,
                      transactionHash: transactionHash, transactionIndex: transactionIndex, logIndex: logIndex, removed: removed)
        log.blockTimestamp = timestamp
        logs.append(log)
    }
    return logs
}

Fuzz.run { raw in
    let bytes = Array(raw)
    let outcome = JSONScanner.fuzz(raw)
    let typed = outcome.subtracting(.value)
    Fuzz.require(typed.isEmpty || outcome.contains(.value), "a typed decoder (\(typed.rawValue)) accepted a document JSONValue.parse rejects")
    var reference = Reference(bytes)
    let valid = reference.document()
    Fuzz.require(outcome.contains(.value) == valid, "JSONValue.parse \(valid ? "rejected" : "accepted") a document the RFC 8259 reference \(valid ? "accepts" : "rejects")")
    let logs = try? Log.decodeArray(bytes)
    guard let value = try? JSONValue.parse(bytes) else { return }
    let expected = referenceLogs(value)
    if let logs {
        Fuzz.require(expected == logs, "Log.decodeArray accepted logs the reference \(expected == nil ? "rejects" : "decodes differently")")
    } else if !bytes.contains(UInt8(ascii: "\\")) {
        Fuzz.require(expected == nil, "Log.decodeArray rejected logs the reference accepts")
    }
    let printed = value.encoded
    let again = try? JSONValue.parse(printed)
    Fuzz.require(again == value, "JSONValue print → parse changed the value: \(String(decoding: printed, as: UTF8.self))")
    Fuzz.require(again?.encoded == printed, "JSONValue printing is not stable")
}
