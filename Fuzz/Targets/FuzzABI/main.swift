import EthereumKit
import FuzzSupport

// The ABI decoder. Three views of each input:
// 1. `ABIDecoder.fuzz`: up to 4 types from a prefix code in the first bytes, the rest decoded with them, and
//    decode(encode(values)) == values for whatever decodes (it reports `.invariantViolated` otherwise).
// 2. `RevertReason(data:)`: classifies any revert data (Error(string), Panic(uint256), custom, raw) without trapping.
// 3. The type-string parser: an accepted type or signature prints canonically and re-parses to itself.

func checkTypeText(_ text: String) {
    if let t = try? ABIType(parsing: text) {
        Fuzz.require((try? ABIType(parsing: t.description)) == t, "ABIType round trip: \(text.debugDescription) → \(t)")
    }
    if let (name, types) = try? ABIType.signature(parsing: text) {
        let canonical = "\(name)(\(types.map(\.description).joined(separator: ",")))"
        let again = try? ABIType.signature(parsing: canonical)
        Fuzz.require(again?.name == name && again?.types == types, "signature round trip: \(text.debugDescription) → \(canonical)")
    }
}

Fuzz.run { raw in
    if case .invariantViolated(let message) = ABIDecoder.fuzz(raw) { Fuzz.require(false, message) }
    _ = RevertReason(data: Array(raw)).description
    checkTypeText(String(decoding: raw, as: UTF8.self))
}
