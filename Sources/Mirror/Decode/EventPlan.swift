import EthereumKit
import Kalypso

/// A prepared reading plan for one event: where each parameter is (a topic, a static data word, or a top-level
/// `bytes` in the data) and how to validate it. The hot path of `KalypsoLogDecoder` reads the typed event straight
/// from the log's topics and data with it, without the intermediate value array of `ABIEvent.decode`.
///
/// It accepts exactly what `ABIEvent.decode` accepts for the shapes Kalypso events have (value-type topics,
/// hashed dynamic topics, static words and top-level `bytes` in the data): same topic count, dirty-bit checks,
/// offset, length and padding rules, trailing bytes allowed. Shapes outside that set (arrays, tuples, strings,
/// signed integers) make `init` fail, so such an event always takes the general path. When the plan rejects a log,
/// the decoder re-runs `ABIEvent.decode` for its error message, so messages are the ABI decoder's.
struct EventPlan: Sendable {
    /// How a 32-byte word is validated.
    enum WordKind: Sendable, Equatable {
        /// `uintN`: bits above N must be zero.
        case uint(bits: Int)
        /// `address`: the 12 high bytes must be zero.
        case address
        /// `bool`: 0 or 1.
        case bool
        /// `bytes32`: any word.
        case bytes32
    }

    /// Where one parameter is.
    enum Slot: Sendable, Equatable {
        /// An indexed value type in topic `index`.
        case topicWord(index: Int, kind: WordKind)
        /// An indexed dynamic type: only its keccak256 is in topic `index`.
        case topicHash(index: Int)
        /// A static non-indexed value at byte `offset` of the data head.
        case dataWord(offset: Int, kind: WordKind)
        /// A top-level `bytes` whose offset word is at byte `headOffset` of the data head.
        case dataBytes(headOffset: Int)
    }

    /// One slot per parameter, in declaration order.
    let slots: [Slot]
    /// The number of topics a log must have (topic0 + indexed).
    let topicCount: Int
    /// The head size of the data (32 bytes per non-indexed parameter).
    let headSize: Int

    /// Prepares the plan of `event`; nil if a parameter has a shape the plan does not cover.
    init?(_ event: ABIEvent) {
        guard !event.anonymous else { return nil }
        var slots: [Slot] = []
        var topic = 1
        var head = 0
        for p in event.inputs {
            if p.indexed {
                if let kind = Self.wordKind(p.type) {
                    slots.append(.topicWord(index: topic, kind: kind))
                } else if p.type.isDynamic {
                    slots.append(.topicHash(index: topic))
                } else {
                    return nil
                }
                topic += 1
            } else {
                if let kind = Self.wordKind(p.type) {
                    slots.append(.dataWord(offset: head, kind: kind))
                } else if p.type == .bytes {
                    slots.append(.dataBytes(headOffset: head))
                } else {
                    return nil
                }
                head += 32
            }
        }
        self.slots = slots
        self.topicCount = topic
        self.headSize = head
    }

    private static func wordKind(_ type: ABIType) -> WordKind? {
        switch type {
        case .uint(let bits): return .uint(bits: bits)
        case .address: return .address
        case .bool: return .bool
        case .fixedBytes(let n) where n == 32: return .bytes32
        default: return nil
        }
    }
}

/// The plan rejected a log (or the typed event read a slot of another kind); the decoder falls back to
/// `ABIEvent.decode` for the precise message. Carries nothing: the fast path never builds strings.
struct PlanRejection: Error {}

/// Reads a typed event's fields in declaration order from a log's raw topics and data, following an `EventPlan`.
struct PlanFieldReader: EventFieldReader {
    let slots: [EventPlan.Slot]
    let topics: [Hash32]
    let data: UnsafeRawBufferPointer
    let headSize: Int
    private(set) var next = 0

    init(plan: EventPlan, topics: [Hash32], data: UnsafeRawBufferPointer) {
        self.slots = plan.slots
        self.topics = topics
        self.data = data
        self.headSize = plan.headSize
    }

    /// Whether every slot was read (the typed event and the ABI agree on the parameter count).
    var isComplete: Bool { next == slots.count }

    @inline(__always)
    private mutating func slot() throws(PlanRejection) -> EventPlan.Slot {
        guard next < slots.count else { throw PlanRejection() }
        defer { next += 1 }
        return slots[next]
    }

    /// The validated word of a value-type slot.
    @inline(__always)
    private mutating func word() throws(PlanRejection) -> (UInt256, EventPlan.WordKind) {
        switch try slot() {
        case .topicWord(let index, let kind):
            let w = topics[index].uint256
            try Self.validate(w, kind)
            return (w, kind)
        case .dataWord(let offset, let kind):
            guard offset <= data.count - 32 else { throw PlanRejection() }
            let w = UInt256(bigEndianWordAt: offset, of: data)
            try Self.validate(w, kind)
            return (w, kind)
        case .topicHash, .dataBytes:
            throw PlanRejection()
        }
    }

    @inline(__always)
    private static func validate(_ w: UInt256, _ kind: EventPlan.WordKind) throws(PlanRejection) {
        switch kind {
        case .uint(let bits):
            if bits < 256 && !(w >> bits).isZero { throw PlanRejection() }
        case .address:
            if w.l3 != 0 || w.l2 >> 32 != 0 { throw PlanRejection() }
        case .bool:
            if w.l1 | w.l2 | w.l3 != 0 || w.l0 > 1 { throw PlanRejection() }
        case .bytes32:
            break
        }
    }

    mutating func uint() throws -> UInt256 {
        let (w, kind) = try word()
        guard case .uint = kind else { throw PlanRejection() }
        return w
    }

    mutating func address() throws -> Address {
        let (w, kind) = try word()
        guard kind == .address, let a = Address(word: w) else { throw PlanRejection() }
        return a
    }

    mutating func bool() throws -> Bool {
        let (w, kind) = try word()
        guard kind == .bool else { throw PlanRejection() }
        return w.l0 == 1
    }

    mutating func bytes32() throws -> Hash32 {
        let s = try slot()
        switch s {
        case .topicHash(let index):
            return topics[index]
        case .topicWord(let index, .bytes32):
            return topics[index]
        case .dataWord(let offset, .bytes32):
            guard offset <= data.count - 32 else { throw PlanRejection() }
            return Hash32(at: offset, of: data)
        default:
            throw PlanRejection()
        }
    }

    /// A top-level `bytes`: the offset must point behind the head and inside the data, the length must fit, and
    /// the padding to a multiple of 32 must be present and zero (the strict rules of `ABIDecodingPlan`).
    mutating func bytes() throws -> [UInt8] {
        guard case .dataBytes(let headOffset) = try slot() else { throw PlanRejection() }
        let count = data.count
        guard headOffset <= count - 32 else { throw PlanRejection() }
        let offsetWord = UInt256(bigEndianWordAt: headOffset, of: data)
        guard offsetWord.l1 | offsetWord.l2 | offsetWord.l3 == 0, offsetWord.l0 < UInt64(count) else { throw PlanRejection() }
        let target = Int(offsetWord.l0)
        guard target >= headSize, target <= count - 32 else { throw PlanRejection() }
        let lengthWord = UInt256(bigEndianWordAt: target, of: data)
        let start = target + 32
        guard lengthWord.l1 | lengthWord.l2 | lengthWord.l3 == 0, lengthWord.l0 <= UInt64(count - start) else { throw PlanRejection() }
        let length = Int(lengthWord.l0)
        let padded = (length + 31) & ~31
        guard padded <= count - start else { throw PlanRejection() }
        var i = start + length
        while i < start + padded {
            if data[i] != 0 { throw PlanRejection() }
            i += 1
        }
        return [UInt8](UnsafeRawBufferPointer(rebasing: data[start..<(start + length)]))
    }
}

/// Reads a typed event's fields from the values of `ABIEvent.decode` (the general path, used when the plan
/// rejects a log, for its error message, and by tests as the reference).
struct DecodedValueReader: EventFieldReader {
    let event: DecodedEvent
    private var index = 0

    init(_ event: DecodedEvent) { self.event = event }

    /// Whether every value was read.
    var isComplete: Bool { index == event.values.count }

    private mutating func next(_ wanted: String) throws -> DecodedEvent.Value {
        guard index < event.values.count else {
            throw EventShapeError("\(event.event.signature): the typed event reads a \(wanted) as parameter #\(index), but the event has only \(event.values.count) parameters")
        }
        defer { index += 1 }
        return event.values[index]
    }

    private func mismatch(_ wanted: String, _ got: DecodedEvent.Value) -> EventShapeError {
        EventShapeError("\(event.event.signature): parameter #\(index - 1) (\(event.event.inputs[index - 1].type)) is read as a \(wanted) by the typed event; got \(got)")
    }

    mutating func uint() throws -> UInt256 {
        let v = try next("uint")
        guard case .value(.uint(let x)) = v else { throw mismatch("uint", v) }
        return x
    }

    mutating func address() throws -> Address {
        let v = try next("address")
        guard case .value(.address(let x)) = v else { throw mismatch("address", v) }
        return x
    }

    mutating func bool() throws -> Bool {
        let v = try next("bool")
        guard case .value(.bool(let x)) = v else { throw mismatch("bool", v) }
        return x
    }

    mutating func bytes32() throws -> Hash32 {
        let v = try next("bytes32")
        switch v {
        case .topicHash(let h): return h
        case .value(let value):
            guard let h = value.hash32Value else { throw mismatch("bytes32", v) }
            return h
        }
    }

    mutating func bytes() throws -> [UInt8] {
        let v = try next("bytes")
        guard case .value(.bytes(let x)) = v else { throw mismatch("bytes", v) }
        return x
    }
}

/// The typed event and the ABI declaration disagree on a parameter (a programming error caught at decoder set-up).
struct EventShapeError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
