/// A contract event: name, parameters (some indexed), whether it is anonymous, canonical signature and topic0, with
/// a precomputed plan for its data and the topic slot of every indexed parameter.
///
/// Log layout: `topics[0]` = topic0 (absent for anonymous events), then one topic per indexed parameter in
/// declaration order; the non-indexed parameters are ABI-encoded, in order, as one list in `data`.
/// An indexed value type (`uintN`, `intN`, `address`, `bool`, `bytesN`) is its 32-byte word; an indexed `bytes`,
/// `string`, array or tuple is stored as a hash (`topicHash(of:)`), so decoding returns that hash.
public struct ABIEvent: Hashable, Sendable {
    @usableFromInline
    enum Slot: Sendable {
        /// A value type read from topic `index` (kind and size as in the decoding plan).
        case topicWord(index: Int, kind: ABIDecodingPlan.Kind, size: Int)
        /// A dynamic or composite type: only its hash is in topic `index`.
        case topicHash(index: Int)
        /// The `k`-th non-indexed parameter.
        case data(Int)
    }

    /// Everything about the event, shared by every copy (a decoded log holds its event for one retain).
    @usableFromInline
    final class Storage: Sendable {
        let name: String
        let inputs: [ABIParameter]
        let anonymous: Bool
        let signature: String
        let topic0: Hash32
        let indexedCount: Int
        let dataPlan: ABIDecodingPlan
        @usableFromInline let slots: [Slot]

        init(name: String, inputs: [ABIParameter], anonymous: Bool, signature: String, topic0: Hash32, indexedCount: Int, dataPlan: ABIDecodingPlan, slots: [Slot]) {
            self.name = name
            self.inputs = inputs
            self.anonymous = anonymous
            self.signature = signature
            self.topic0 = topic0
            self.indexedCount = indexedCount
            self.dataPlan = dataPlan
            self.slots = slots
        }
    }

    @usableFromInline let storage: Storage

    /// The event name.
    public var name: String { storage.name }
    /// The parameters in declaration order.
    public var inputs: [ABIParameter] { storage.inputs }
    /// Whether the event is anonymous (no topic0; up to 4 indexed parameters).
    public var anonymous: Bool { storage.anonymous }
    /// The canonical signature, e.g. `RegisteredGenerator(address,uint256,uint256)`.
    public var signature: String { storage.signature }
    /// keccak256(signature): the first topic of a non-anonymous event's logs.
    public var topic0: Hash32 { storage.topic0 }
    /// The number of indexed parameters.
    public var indexedCount: Int { storage.indexedCount }
    /// The plan for the non-indexed parameters (the log data).
    public var dataPlan: ABIDecodingPlan { storage.dataPlan }

    /// Creates an event; validates types and the number of indexed parameters (≤ 3, or ≤ 4 if anonymous).
    public init(name: String, inputs: [ABIParameter], anonymous: Bool = false) throws {
        let signature = ABISignature.canonical(name, inputs)
        let indexed = inputs.filter(\.indexed)
        guard indexed.count <= (anonymous ? 4 : 3) else {
            throw ABIError(.invalidJSON, "event \(signature) has \(indexed.count) indexed parameters; at most \(anonymous ? 4 : 3) fit in the topics")
        }
        let dataPlan = try ABISignature.plan(inputs.filter { !$0.indexed }, of: "event \(signature)")
        var slots: [Slot] = []
        var topic = anonymous ? 0 : 1
        var dataIndex = 0
        for p in inputs {
            if p.indexed {
                let plan = try ABISignature.plan([p], of: "event \(signature)")
                let node = plan.nodes[0]
                if p.type.isElementary && !p.type.isDynamic {
                    slots.append(.topicWord(index: topic, kind: node.kind, size: node.size))
                } else {
                    slots.append(.topicHash(index: topic))
                }
                topic += 1
            } else {
                slots.append(.data(dataIndex))
                dataIndex += 1
            }
        }
        storage = Storage(name: name, inputs: inputs, anonymous: anonymous, signature: signature, topic0: Keccak256.hash(utf8: signature),
                          indexedCount: indexed.count, dataPlan: dataPlan, slots: slots)
    }

    /// Parses a declaration-style signature: `Transfer(address indexed from,address indexed to,uint256 value)`
    /// (names optional, `indexed` after the type), or a canonical one (`Transfer(address,address,uint256)`, nothing
    /// indexed).
    public init(declaration text: String, anonymous: Bool = false) throws {
        guard let open = text.firstIndex(of: "("), text.hasSuffix(")") else {
            throw ABIError(.invalidSignature, "event declaration \"\(text.prefix(80))\" must look like Name(type [indexed] [name],…)")
        }
        let name = String(text[..<open])
        let body = text[text.index(after: open)..<text.index(before: text.endIndex)]
        var parameters: [ABIParameter] = []
        for part in ABIEvent.splitTopLevel(body) where !part.isEmpty {
            var words = part.split(separator: " ").map(String.init)
            guard !words.isEmpty else { continue }
            let type = try ABIType(parsing: words.removeFirst())
            var indexed = false
            if words.first == "indexed" { indexed = true; words.removeFirst() }
            guard words.count <= 1 else {
                throw ABIError(.invalidSignature, "event declaration \"\(text.prefix(80))\": cannot read parameter \"\(part)\"")
            }
            parameters.append(ABIParameter(name: words.first ?? "", type: type, indexed: indexed))
        }
        guard ABITypeParser.isIdentifier(name) else {
            throw ABIError(.invalidSignature, "event declaration \"\(text.prefix(80))\": \"\(name)\" is not a valid name")
        }
        try self.init(name: name, inputs: parameters, anonymous: anonymous)
    }

    static func splitTopLevel(_ s: Substring) -> [String] {
        var parts: [String] = []
        var depth = 0
        var current = ""
        for ch in s {
            if ch == "(" { depth += 1 } else if ch == ")" { depth -= 1 }
            if ch == "," && depth == 0 {
                parts.append(current.withoutSurroundingSpaces)
                current = ""
            } else {
                current.append(ch)
            }
        }
        parts.append(current.withoutSurroundingSpaces)
        return parts
    }

    /// The number of topics a log of this event has.
    public var topicCount: Int { storage.indexedCount + (storage.anonymous ? 0 : 1) }

    /// Decodes a log from its topics and data.
    /// - Throws: `ABIError` `.topicMismatch` for a wrong topic count or topic0, otherwise the strict data and topic
    ///   word errors of `ABIDecodingPlan` (a dirty indexed `address` topic is rejected like a dirty data word).
    public func decode(topics: [Hash32], data: UnsafeRawBufferPointer) throws -> DecodedEvent {
        let storage = self.storage
        guard topics.count == topicCount else {
            throw ABIError(.topicMismatch, "event \(signature) has \(topicCount) topics (\(anonymous ? "anonymous, " : "topic0 + ")\(indexedCount) indexed), the log has \(topics.count)")
        }
        if !storage.anonymous {
            guard topics[0] == storage.topic0 else {
                throw ABIError(.topicMismatch, "log topic0 \(topics[0]) is not \(topic0) (\(signature))")
            }
        }
        var values: [DecodedEvent.Value] = []
        values.reserveCapacity(storage.slots.count)
        do {
            try storage.dataPlan.withReader(data) { reader in
                var head = 0
                for (position, slot) in storage.slots.enumerated() {
                    switch slot {
                    case .topicWord(let index, let kind, let size):
                        values.append(.value(try ABIReader.value(of: topics[index].uint256, kind: kind, size: size) { problem in
                            ABIError(problem.code, "indexed \(inputs[position].type) \(inputs[position].name) (parameter #\(position)) in topic \(index): \(problem.message)")
                        }))
                    case .topicHash(let index):
                        values.append(.topicHash(topics[index]))
                    case .data(let k):
                        values.append(.value(try reader.decodeRootElement(k, headPosition: &head)))
                    }
                }
            }
        } catch let e as ABIError {
            throw ABIError(e.code, "log of \(signature): \(e.message)")
        }
        return DecodedEvent(event: self, values: values)
    }

    /// Decodes a log whose data is held in an array.
    public func decode(topics: [Hash32], data: [UInt8]) throws -> DecodedEvent {
        try data.withUnsafeBytes { try decode(topics: topics, data: $0) }
    }

    /// Builds the topics and data a contract emitting this event with `values` (one per parameter) would log.
    /// Indexed dynamic and composite values become their `topicHash(of:)`.
    public func encodeLog(_ values: [ABIValue]) throws -> (topics: [Hash32], data: [UInt8]) {
        guard values.count == inputs.count else {
            throw ABIError(.invalidValue, "\(values.count) values for event \(signature) with \(inputs.count) parameters")
        }
        var topics: [Hash32] = anonymous ? [] : [topic0]
        var dataTypes: [ABIType] = []
        var dataValues: [ABIValue] = []
        for (p, v) in zip(inputs, values) {
            if p.indexed {
                try ABIEncoder.check(v, as: p.type)
                if p.type.isElementary && !p.type.isDynamic {
                    topics.append(Hash32(ABIEncoder.word(v)))
                } else {
                    topics.append(ABIEvent.topicHash(of: v))
                }
            } else {
                dataTypes.append(p.type)
                dataValues.append(v)
            }
        }
        return (topics, try ABIEncoder.encode(types: dataTypes, values: dataValues))
    }

    /// The topic that stands for an indexed dynamic or composite value: keccak256 of the raw bytes of a `bytes` or
    /// `string`, or of the in-place encoding of an array or tuple.
    public static func topicHash(of value: ABIValue) -> Hash32 {
        switch value {
        case .bytes(let b): return Keccak256.hash(b)
        case .string(let s): return Keccak256.hash(utf8: s)
        default: return Keccak256.hash(inPlaceEncoding(value))
        }
    }

    /// Solidity's in-place encoding of a member of an indexed array or tuple: words for value types, the raw bytes
    /// padded to a multiple of 32 for `bytes`/`string`, and the concatenation of the members' in-place encodings
    /// for arrays and tuples (no lengths, no offsets).
    static func inPlaceEncoding(_ value: ABIValue) -> [UInt8] {
        switch value {
        case .bytes(let b): return b + [UInt8](repeating: 0, count: (32 - b.count % 32) % 32)
        case .string(let s): return inPlaceEncoding(.bytes(Array(s.utf8)))
        case .array(let items), .tuple(let items): return items.flatMap(inPlaceEncoding)
        default: return ABIEncoder.word(value).bigEndianBytes
        }
    }

    public static func == (a: ABIEvent, b: ABIEvent) -> Bool {
        a.name == b.name && a.inputs == b.inputs && a.anonymous == b.anonymous
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(signature)
        hasher.combine(inputs)
        hasher.combine(anonymous)
    }
}

/// A decoded log: the event and one value per parameter, in declaration order.
///
/// An indexed parameter of a value type comes back as `.value`; an indexed `bytes`, `string`, array or tuple comes
/// back as `.topicHash(h)` (h = `ABIEvent.topicHash(of: value)`), because the log does not contain the value.
public struct DecodedEvent: Hashable, Sendable {
    /// A parameter's decoded value, or the hash that stands for it in a topic.
    public enum Value: Hashable, Sendable {
        /// The value itself (from the data, or an indexed value type from its topic).
        case value(ABIValue)
        /// An indexed dynamic or composite parameter: its hash (`ABIEvent.topicHash(of:)`).
        case topicHash(Hash32)

        /// The value, or nil for a topic hash.
        @inlinable public var value: ABIValue? { if case .value(let v) = self { return v }; return nil }
        /// The topic hash, or nil for a value.
        @inlinable public var topicHash: Hash32? { if case .topicHash(let h) = self { return h }; return nil }
    }

    /// One named field.
    public struct Field: Hashable, Sendable {
        /// The parameter (name, type, indexed, components).
        public let parameter: ABIParameter
        /// Its value.
        public let value: Value
        /// The parameter name.
        public var name: String { parameter.name }
    }

    /// The event that decoded the log.
    public let event: ABIEvent
    /// One value per parameter, in declaration order (`event.inputs[i]` ↔ `values[i]`).
    public let values: [Value]

    /// The event name.
    public var name: String { event.name }

    /// The fields in declaration order.
    public var fields: [Field] { zip(event.inputs, values).map { Field(parameter: $0.0, value: $0.1) } }

    /// The value of the first parameter called `name`; nil if there is none.
    public subscript(name: String) -> Value? {
        guard let i = event.inputs.firstIndex(where: { $0.name == name }) else { return nil }
        return values[i]
    }
}

extension String {
    var withoutSurroundingSpaces: String {
        var s = Substring(self)
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}
