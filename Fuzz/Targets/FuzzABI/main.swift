import EthereumKit
import FuzzSupport

// The ABI decoder. Four views of each input:
// 1. `ABIDecoder.fuzz`: up to 4 types from a prefix code in the first bytes, the rest decoded with them, and
//    decode(encode(values)) == values for whatever decodes (it reports `.invariantViolated` otherwise).
// 2. Event logs (`ABIEvent.decode(topics:data:)`, what the mirror runs on every log): an event built from a flags
//    byte and the same type code, topics and data cut from the rest; an accepted log re-encodes to itself.
// 3. `RevertReason(data:)`: classifies any revert data (Error(string), Panic(uint256), custom, raw) without trapping.
// 4. The type-string parsers: an accepted type, signature or event declaration prints canonically and re-parses
//    to itself.

/// Reads the bytes of a fuzz input in order; past the end, bytes are zero.
struct ByteReader {
    let data: UnsafeRawBufferPointer
    var position = 0

    mutating func next() -> UInt8 {
        defer { position += 1 }
        return position < data.count ? data[position] : 0
    }

    /// The next 32 bytes as a topic.
    mutating func word() -> Hash32 {
        func u64() -> UInt64 { (0..<8).reduce(0) { acc, _ in acc << 8 | UInt64(next()) } }
        return Hash32(w0: u64(), w1: u64(), w2: u64(), w3: u64())
    }
}

/// Flags byte: bits 0–3 mark parameters indexed, bit 4 makes the event anonymous, bits 5–6 are the parameter
/// count − 1. Then the types (the prefix code of `ABIDecoder.fuzzTypes`), then one 32-byte topic per indexed
/// parameter (topic0 is the event's own unless bit 7 is set, then it is read too), then the log data.
func checkEvent(_ raw: UnsafeRawBufferPointer) {
    var reader = ByteReader(data: raw)
    let flags = reader.next()
    let anonymous = flags & 0x10 != 0
    let (types, used) = ABIDecoder.fuzzTypes(UnsafeRawBufferPointer(rebasing: raw[min(1, raw.count)...]), count: Int(flags >> 5 & 3) + 1)
    reader.position += used
    let inputs = types.enumerated().map { i, type in ABIParameter(name: "p\(i)", type: type, indexed: flags >> i & 1 != 0) }
    guard let event = try? ABIEvent(name: "E", inputs: inputs, anonymous: anonymous) else { return }
    var topics: [Hash32] = []
    if !anonymous { topics.append(flags & 0x80 != 0 ? reader.word() : event.topic0) }
    for _ in inputs.filter(\.indexed) { topics.append(reader.word()) }
    let data = UnsafeRawBufferPointer(rebasing: raw[min(reader.position, raw.count)...])
    let decoded: DecodedEvent
    do {
        decoded = try event.decode(topics: topics, data: data)
    } catch is ABIError {
        return
    } catch {
        Fuzz.require(false, "ABIEvent.decode threw \(type(of: error)), not ABIError")
        return
    }
    Fuzz.require(decoded.values.count == inputs.count, "event: \(decoded.values.count) values for \(inputs.count) parameters")
    // Rebuild the log: value-type topics from their words, hashed topics as given, the data re-encoded.
    var rebuilt: [Hash32] = anonymous ? [] : [event.topic0]
    var dataTypes: [ABIType] = [], dataValues: [ABIValue] = []
    for (p, v) in zip(inputs, decoded.values) {
        switch v {
        case .topicHash(let h):
            Fuzz.require(p.indexed && !(p.type.isElementary && !p.type.isDynamic), "event: topic hash for \(p.type)")
            rebuilt.append(h)
        case .value(let value) where p.indexed:
            guard let word = try? ABIEncoder.encode(value, as: p.type), let h = try? Hash32(bytes: word) else {
                Fuzz.require(false, "event: indexed \(p.type) value does not encode to one word"); return
            }
            rebuilt.append(h)
        case .value(let value):
            dataTypes.append(p.type)
            dataValues.append(value)
        }
    }
    Fuzz.require(rebuilt == topics, "event: accepted topics do not re-encode to themselves (\(inputs.map(\.type)))")
    guard let encoded = try? ABIEncoder.encode(types: dataTypes, values: dataValues) else {
        Fuzz.require(false, "event: decoded data values do not encode"); return
    }
    Fuzz.require((try? event.decode(topics: rebuilt, data: encoded)) == decoded, "event: decode(encode(log)) != log for \(inputs)")
}

func checkTypeText(_ text: String) {
    if let t = try? ABIType(parsing: text) {
        Fuzz.require((try? ABIType(parsing: t.description)) == t, "ABIType round trip: \(text.debugDescription) → \(t)")
    }
    if let (name, types) = try? ABIType.signature(parsing: text) {
        let canonical = "\(name)(\(types.map(\.description).joined(separator: ",")))"
        let again = try? ABIType.signature(parsing: canonical)
        Fuzz.require(again?.name == name && again?.types == types, "signature round trip: \(text.debugDescription) → \(canonical)")
    }
    if let event = try? ABIEvent(declaration: text) {
        let declaration = "\(event.name)(\(event.inputs.map { "\($0.type)\($0.indexed ? " indexed" : "")\($0.name.isEmpty ? "" : " " + $0.name)" }.joined(separator: ",")))"
        let again = try? ABIEvent(declaration: declaration)
        Fuzz.require(again == event && again?.topic0 == event.topic0, "event declaration round trip: \(text.debugDescription) → \(declaration)")
    }
}

Fuzz.run { raw in
    if case .invariantViolated(let message) = ABIDecoder.fuzz(raw) { Fuzz.require(false, message) }
    checkEvent(raw)
    _ = RevertReason(data: Array(raw)).description
    checkTypeText(String(decoding: raw, as: UTF8.self))
}
