import EthereumKit
import FuzzSupport

/// The bytes or the `HexError` of a decode, comparable with `==`.
struct Outcome: Equatable {
    var bytes: [UInt8]?
    var error: HexError?
    init(_ body: () throws -> [UInt8]) {
        do { bytes = try body() } catch { self.error = error as? HexError }
    }
}

// Hex and number parsing: Hex.decode, UInt256(decimal:), UInt256(hex:), UInt256(_:), Int256(_:), Address(_:).
// Every accepted input must round-trip through its printed form, and every rejection is checked against a
// simple independent rule (so "rejects everything" would be caught as well as crashes).

let maxDecimal = Array("115792089237316195423570985008687907853269984665640564039457584007913129639935".utf8)

func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
func isHexDigit(_ c: UInt8) -> Bool { isDigit(c) || (c | 0x20 >= 97 && c | 0x20 <= 102) }
func hasPrefix0x(_ u: [UInt8]) -> Bool { u.count >= 2 && u[0] == 48 && u[1] | 0x20 == 120 }

func checkHex(_ raw: UnsafeRawBufferPointer, _ text: String, validUTF8: Bool) {
    let utf8 = Array(text.utf8)
    for rule in [HexPrefixRule.required, .optional] {
        let result = Outcome { try Hex.decode(text, prefix: rule) }
        if validUTF8 {
            Fuzz.require(Outcome { try Hex.decode(utf8: raw, prefix: rule) } == result, "Hex.decode(utf8:) disagrees with Hex.decode(String)")
        }
        let digits = hasPrefix0x(utf8) ? Array(utf8.dropFirst(2)) : utf8
        let shouldAccept = (rule == .optional || hasPrefix0x(utf8)) && digits.count % 2 == 0 && digits.allSatisfy(isHexDigit)
        if let bytes = result.bytes {
            Fuzz.require(shouldAccept, "Hex.decode accepted \(text.debugDescription)")
            Fuzz.require(Hex.encode(bytes, prefix: false) == String(decoding: digits, as: UTF8.self).lowercased(), "hex round trip")
            Fuzz.require((try? Hex.decode(Hex.encode(bytes))) == bytes, "hex re-decode")
        } else {
            Fuzz.require(!shouldAccept && result.error != nil, "Hex.decode rejected valid \(text.debugDescription): \(String(describing: result.error))")
        }
    }
}

func checkDecimal(_ text: String) {
    let utf8 = Array(text.utf8)
    let significant = Array(utf8.drop { $0 == 48 })
    let inRange = significant.count < maxDecimal.count || (significant.count == maxDecimal.count && !maxDecimal.lexicographicallyPrecedes(significant))
    let shouldAccept = !utf8.isEmpty && utf8.allSatisfy(isDigit) && inRange
    if let v = UInt256(decimal: text) {
        Fuzz.require(shouldAccept, "UInt256(decimal:) accepted \(text.debugDescription)")
        Fuzz.require(v.description == (significant.isEmpty ? "0" : String(decoding: significant, as: UTF8.self)), "decimal print")
        Fuzz.require(UInt256(decimal: v.description) == v, "decimal round trip")
    } else {
        Fuzz.require(!shouldAccept, "UInt256(decimal:) rejected valid \(text.debugDescription)")
    }
}

func checkHexQuantity(_ text: String) {
    let utf8 = Array(text.utf8)
    let digits = hasPrefix0x(utf8) ? Array(utf8.dropFirst(2)) : utf8
    let significant = Array(digits.drop { $0 == 48 })
    let shouldAccept = !digits.isEmpty && digits.allSatisfy(isHexDigit) && significant.count <= 64
    if let v = UInt256(hex: text) {
        Fuzz.require(shouldAccept, "UInt256(hex:) accepted \(text.debugDescription)")
        let expected = "0x" + (significant.isEmpty ? "0" : String(decoding: significant, as: UTF8.self).lowercased())
        Fuzz.require(v.hexQuantity == expected, "hex print")
        Fuzz.require(UInt256(hex: v.hexQuantity) == v && UInt256(bigEndian: v.bigEndianBytes) == v, "hex round trip")
    } else {
        Fuzz.require(!shouldAccept, "UInt256(hex:) rejected valid \(text.debugDescription)")
    }
    let either = UInt256(text)
    Fuzz.require(either == (hasPrefix0x(utf8) ? UInt256(hex: text) : UInt256(decimal: text)), "UInt256(_:) dispatch")
}

func checkSigned(_ text: String) {
    guard let v = Int256(text) else { return }
    Fuzz.require(Int256(v.description) == v, "Int256 round trip")
    let body = text.hasPrefix("-") || text.hasPrefix("+") ? text.dropFirst() : text[...]
    guard let magnitude = UInt256(body) else { Fuzz.require(false, "Int256 accepted a bad magnitude"); return }
    Fuzz.require(v.magnitude == magnitude && (v.isNegative == (text.hasPrefix("-") && !magnitude.isZero)), "Int256 sign and magnitude")
}

func checkAddress(_ text: String) {
    guard let a = try? Address(text) else { return }
    Fuzz.require((try? Address(a.checksummed)) == a && (try? Address(a.description)) == a, "address round trip")
    let digits = text.utf8.dropFirst(2)
    let lower = digits.contains { $0 >= 97 && $0 <= 102 }, upper = digits.contains { $0 >= 65 && $0 <= 70 }
    if lower && upper { Fuzz.require(String(text.dropFirst(2)) == String(a.checksummed.dropFirst(2)), "mixed case is the checksum") }
}

func checkArithmetic(_ text: String) {
    // "a,b": both as numbers, then division and multiplication identities.
    let parts = text.split(separator: ",", maxSplits: 1, omittingEmptySubsequences: false)
    guard parts.count == 2, let a = UInt256(parts[0]), let b = UInt256(parts[1]) else { return }
    if let q = a.divided(by: b), let r = a.remainder(dividingBy: b) {
        Fuzz.require(r < b && q.multiplied(by: b)?.adding(r) == a, "a = q·b + r")
    }
    let (sum, carry) = a.addingReportingOverflow(b)
    Fuzz.require(sum &- b == a && carry == (sum < a), "addition")
    let (high, low) = a.multipliedFullWidth(by: b)
    Fuzz.require(a.multipliedReportingOverflow(by: b) == (low, !high.isZero), "multiplication overflow")
}

Fuzz.run { raw in
    let text = String(decoding: raw, as: UTF8.self)
    let validUTF8 = text.utf8.elementsEqual(raw)
    checkHex(raw, text, validUTF8: validUTF8)
    checkDecimal(text)
    checkHexQuantity(text)
    checkSigned(text)
    checkAddress(text)
    checkArithmetic(text)
}
