import EthereumKit
import JSONRPC
import Kalypso

/// Turns the RPC logs of the three watched contracts into typed Kalypso events.
///
/// Dispatch is by (emitting contract, topic0) through a table built from the embedded G1 ABI JSON (`ABI/*.json`),
/// cross-checked at init against `KalypsoTopics`. Both `AskCreated` variants are in the table. Outcomes:
/// - `.event`: the typed event (`KalypsoEvent.decode(topic0:fields:)`), enrichment still `.pending`;
/// - `.unknown`: a topic0 the contract's ABI does not declare (annotated with the other generation that declares it,
///   if any: a "wrong generation" alert), or a log without topics;
/// - `.quarantined`: a known topic0 whose topics or data do not decode (wrong topic count, short data, bad offsets,
///   dirty padding or high bits, an enum out of range), a log from an address that is not watched, or a log the node
///   marks `removed: true`. The message is the ABI decoder's (byte offset, type, what to do).
///
/// **`removed: true`**: `eth_getLogs` does not normally return removed logs; one that does is a reorg signal. It is
/// quarantined with that reason and never decoded as an event; the sync layer should treat it like a block-hash
/// mismatch (re-check the range's linkage) rather than rely on the quarantine.
///
/// Fast path: a prepared `EventPlan` per event reads the typed event straight from the topics and data (no
/// intermediate values, no strings). A log the plan rejects is decoded again with `ABIEvent.decode` for the message.
public struct KalypsoLogDecoder: Sendable {
    /// One (contract, topic0) entry.
    final class Entry: Sendable {
        let contract: KalypsoContract
        let event: ABIEvent
        /// The prepared plan and the typed-event constructor of the fast path (nil: general path only).
        let plan: EventPlan?
        let construct: EventConstructor?

        init(contract: KalypsoContract, event: ABIEvent) {
            self.contract = contract
            self.event = event
            self.plan = EventPlan(event)
            self.construct = EventConstructors.constructor(for: event.topic0)
        }
    }

    /// The deployment whose addresses are watched.
    public let deployment: KalypsoDeployment
    /// Per contract (in `KalypsoContract.allCases` order): entries sorted by topic0, and their first words.
    private let tables: [[Entry]]
    private let keys: [[UInt64]]

    /// Builds the dispatch table from the embedded ABIs.
    /// - Throws: `DecoderSetupError` when the ABI is missing or malformed, an ABI topic0 is not the `KalypsoTopics`
    ///   one (the message names both), or a typed event does not read its ABI declaration's parameters.
    public init(deployment: KalypsoDeployment) throws {
        try self.init(deployment: deployment, abis: KalypsoABIs.embedded())
    }

    /// Builds the dispatch table from `abis` (tests pass edited ABIs).
    public init(deployment: KalypsoDeployment, abis: KalypsoABIs) throws {
        self.deployment = deployment
        var tables: [[Entry]] = []
        var keys: [[UInt64]] = []
        for contract in KalypsoContract.allCases {
            var entries: [Entry] = []
            for event in abis.abi(of: contract).events {
                let entry = Entry(contract: contract, event: event)
                try Self.selfTest(entry)
                entries.append(entry)
            }
            entries.sort { $0.event.topic0 < $1.event.topic0 }
            for (a, b) in zip(entries, entries.dropFirst()) where a.event.topic0 == b.event.topic0 {
                throw DecoderSetupError(.abiMismatch, "ABI/\(KalypsoABIs.fileName(contract)): events \(a.event.signature) and \(b.event.signature) share topic0 \(a.event.topic0); the decoder cannot tell them apart")
            }
            tables.append(entries)
            keys.append(entries.map(\.event.topic0.w0))
        }
        self.tables = tables
        self.keys = keys
    }

    /// Decodes one RPC log. Never throws: every failure is an `.unknown` or `.quarantined` outcome.
    public func decode(_ log: Log) -> DecodedLog {
        let position = LogPosition(blockNumber: log.blockNumber, blockHash: log.blockHash, transactionIndex: log.transactionIndex,
                                   transactionHash: log.transactionHash, logIndex: log.logIndex)
        guard let contract = deployment.contract(at: log.address) else {
            return .quarantined(QuarantinedLog(position: position, address: log.address, topics: log.topics, data: log.data, eventName: nil,
                                               error: "the log comes from \(log.address), which is none of the deployment's three contracts; the node returned a log the address filter excludes"))
        }
        guard let topic0 = log.topics.first else {
            return .unknown(UnknownLog(position: position, address: log.address, topics: [], data: log.data, otherGeneration: nil))
        }
        guard let entry = self.entry(topic0, in: contract) else {
            let other = KalypsoTopics.otherGeneration(topic0).map { "\($0.generation.rawValue) \($0.name)" }
            return .unknown(UnknownLog(position: position, address: log.address, topics: log.topics, data: log.data, otherGeneration: other))
        }
        if log.removed {
            return .quarantined(QuarantinedLog(position: position, address: log.address, topics: log.topics, data: log.data, eventName: entry.event.name,
                                               error: "the node marks this log removed (removed: true): its block was reorged away; it is not applied. Re-check the range's block hashes and sync it again"))
        }
        if let plan = entry.plan, let construct = entry.construct, log.topics.count == plan.topicCount {
            let fast: DecodedLog? = log.data.withUnsafeBytes { raw in
                var reader = PlanFieldReader(plan: plan, topics: log.topics, data: raw)
                guard let event = try? construct(&reader), reader.isComplete else { return nil }
                return .event(KalypsoLog(position: position, emitter: contract, event: event))
            }
            if let fast { return fast }
        }
        switch Self.decodeGeneral(entry, topics: log.topics, data: log.data) {
        case .success(let event):
            return .event(KalypsoLog(position: position, emitter: contract, event: event))
        case .failure(let message):
            return .quarantined(QuarantinedLog(position: position, address: log.address, topics: log.topics, data: log.data,
                                               eventName: entry.event.name, error: message.description))
        }
    }

    /// Decodes a range's logs and splits the outcomes by kind, each list in input order.
    public func decode(_ logs: [Log]) -> DecodedRange {
        var range = DecodedRange()
        range.events.reserveCapacity(logs.count)
        for log in logs {
            switch decode(log) {
            case .event(let e): range.events.append(e)
            case .unknown(let u): range.unknown.append(u)
            case .quarantined(let q): range.quarantined.append(q)
            }
        }
        return range
    }

    /// The entry of `topic0` in `contract`'s table (binary search on the first word, then a full compare).
    func entry(_ topic0: Hash32, in contract: KalypsoContract) -> Entry? {
        let c = Self.index(of: contract)
        let table = keys[c]
        var low = 0, high = table.count
        while low < high {
            let mid = (low + high) >> 1
            if table[mid] < topic0.w0 { low = mid + 1 } else { high = mid }
        }
        var i = low
        while i < table.count, table[i] == topic0.w0 {
            let entry = tables[c][i]
            if entry.event.topic0 == topic0 { return entry }
            i += 1
        }
        return nil
    }

    private static func index(of contract: KalypsoContract) -> Int {
        switch contract {
        case .generatorRegistry: 0
        case .proofMarketplace: 1
        case .entityKeyRegistry: 2
        }
    }

    /// The fast path alone (tests and the self-test); nil when the plan rejects the log.
    static func decodeFast(_ entry: Entry, topics: [Hash32], data: [UInt8]) -> KalypsoEvent? {
        guard let plan = entry.plan, let construct = entry.construct, topics.count == plan.topicCount else { return nil }
        return data.withUnsafeBytes { raw in
            var reader = PlanFieldReader(plan: plan, topics: topics, data: raw)
            guard let event = try? construct(&reader), reader.isComplete else { return nil }
            return event
        }
    }

    /// The general path: `ABIEvent.decode` (strict, with messages), then the typed event.
    static func decodeGeneral(_ entry: Entry, topics: [Hash32], data: [UInt8]) -> Result<KalypsoEvent, DecodeFailure> {
        do {
            let decoded = try entry.event.decode(topics: topics, data: data)
            var reader = DecodedValueReader(decoded)
            guard let event = try KalypsoEvent.decode(topic0: entry.event.topic0, fields: &reader) else {
                return .failure(DecodeFailure("\(entry.event.signature): KalypsoEvent does not handle topic0 \(entry.event.topic0)"))
            }
            guard reader.isComplete else {
                return .failure(DecodeFailure("\(entry.event.signature): the typed event read fewer parameters than the ABI declares"))
            }
            return .success(event)
        } catch let e as ABIError {
            return .failure(DecodeFailure("\(e.code): \(e.message)"))
        } catch let e as EventDecodingError {
            return .failure(DecodeFailure("\(e.code): \(e.message)"))
        } catch {
            return .failure(DecodeFailure("\(entry.event.signature): \(error)"))
        }
    }

    /// At init: a canonical log of the event (every value zero/empty) must decode on both paths to the same typed
    /// event with the entry's topic0, reading every parameter.
    private static func selfTest(_ entry: Entry) throws {
        let event = entry.event
        let file = "ABI/\(KalypsoABIs.fileName(entry.contract))"
        guard let handled = KalypsoTopics.handled(event.topic0) else {
            throw DecoderSetupError(.abiMismatch, "\(file): event \(event.signature) (topic0 \(event.topic0)) is not in KalypsoTopics")
        }
        let sample: (topics: [Hash32], data: [UInt8])
        do { sample = try event.encodeLog(event.inputs.map { zeroValue($0.type) }) } catch {
            throw DecoderSetupError(.abiMismatch, "\(file): cannot build a sample log of \(event.signature): \(error)")
        }
        let general = decodeGeneral(entry, topics: sample.topics, data: sample.data)
        guard case .success(let typed) = general else {
            if case .failure(let message) = general {
                throw DecoderSetupError(.abiMismatch, "\(file): the typed KalypsoEvent for \(event.signature) does not read its ABI declaration (\(handled.declaration)): \(message)")
            }
            return
        }
        guard typed.entry.topic0 == event.topic0 else {
            throw DecoderSetupError(.abiMismatch, "\(file): topic0 \(event.topic0) of \(event.signature) decodes to KalypsoEvent \(typed.name) (\(typed.entry.signature))")
        }
        if entry.plan != nil {
            guard entry.construct != nil, let fast = decodeFast(entry, topics: sample.topics, data: sample.data), fast == typed else {
                throw DecoderSetupError(.abiMismatch, "\(file): the prepared plan and constructor of \(event.signature) do not decode its own sample log like ABIEvent.decode and KalypsoEvent.decode")
            }
        }
    }

    private static func zeroValue(_ type: ABIType) -> ABIValue {
        switch type {
        case .uint: return .uint(.zero)
        case .int: return .int(.zero)
        case .address: return .address(.zero)
        case .bool: return .bool(false)
        case .fixedBytes(let n): return .fixedBytes([UInt8](repeating: 0, count: n))
        case .bytes: return .bytes([])
        case .string: return .string("")
        case .array: return .array([])
        case .fixedArray(let element, let count): return .array([ABIValue](repeating: zeroValue(element), count: count))
        case .tuple(let members): return .tuple(members.map(zeroValue))
        }
    }
}

/// A range's decoded logs, split by outcome (each list in input order).
public struct DecodedRange: Sendable, Hashable {
    /// Typed events (enrichment `.pending`): give them to `Enricher.enrich`.
    public var events: [KalypsoLog] = []
    /// Unknown topic0s: store and count them (`RangeCommit.unknown`); alert on `otherGeneration`.
    public var unknown: [UnknownLog] = []
    /// Logs that failed to decode: store them with the error (`RangeCommit.quarantined`).
    public var quarantined: [QuarantinedLog] = []

    /// An empty range.
    public init() {}
}

/// Why a log was quarantined (the ABI decoder's or the typed event's message).
struct DecodeFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
