import EthereumKit

/// An event log as returned by `eth_getLogs` and in receipts.
public struct Log: Sendable, Hashable {
    /// The contract that emitted the log.
    public var address: Address
    /// Topic 0 (the event signature hash, unless anonymous) and the indexed arguments.
    public var topics: [Hash32]
    /// The ABI-encoded non-indexed arguments.
    public var data: [UInt8]
    /// The block that contains the log.
    public var blockNumber: UInt64
    /// The hash of that block.
    public var blockHash: Hash32
    /// The transaction that emitted the log.
    public var transactionHash: Hash32
    /// The transaction's position in the block.
    public var transactionIndex: UInt64
    /// The log's position in the block (not in the transaction).
    public var logIndex: UInt64
    /// True when a reorg removed the log (filters report this; `eth_getLogs` normally does not).
    public var removed: Bool
    /// The block timestamp, if the node includes it (geth ≥ 1.14.x adds `blockTimestamp`).
    public var blockTimestamp: UInt64?

    /// Creates a log.
    public init(address: Address, topics: [Hash32], data: [UInt8], blockNumber: UInt64, blockHash: Hash32,
                transactionHash: Hash32, transactionIndex: UInt64, logIndex: UInt64, removed: Bool = false,
                blockTimestamp: UInt64? = nil) {
        self.address = address; self.topics = topics; self.data = data; self.blockNumber = blockNumber
        self.blockHash = blockHash; self.transactionHash = transactionHash; self.transactionIndex = transactionIndex
        self.logIndex = logIndex; self.removed = removed; self.blockTimestamp = blockTimestamp
    }
}

extension Log {
    private enum Field: Int, CaseIterable {
        case address, topics, data, blockNumber, blockHash, transactionHash, transactionIndex, logIndex, removed, blockTimestamp
    }
    /// The keys a log object may have (others are skipped).
    static let keys = JSONKeySet(Field.allCases.map { "\($0)" })
    private static let required = FieldTracker.mask(Field.address.rawValue, Field.topics.rawValue, Field.data.rawValue,
                                                    Field.blockNumber.rawValue, Field.blockHash.rawValue,
                                                    Field.transactionHash.rawValue, Field.transactionIndex.rawValue,
                                                    Field.logIndex.rawValue)

    /// Decodes one log object at the scanner's position.
    ///
    /// Every field except `removed` (default false) and `blockTimestamp` is required and must be non-null:
    /// a pending log (null block fields) is an error, since the mirror only reads mined ranges.
    public static func decode(from s: inout JSONScanner) throws(JSONParseError) -> Log {
        try decode(from: &s, keys: keys)
    }

    @inline(__always)
    static func decode(from s: inout JSONScanner, keys: JSONKeySet) throws(JSONParseError) -> Log {
        var log = Log(address: .zero, topics: [], data: [], blockNumber: 0, blockHash: .zero, transactionHash: .zero,
                      transactionIndex: 0, logIndex: 0)
        try s.readObject(kind: "log", keys: keys, required: required) { (index: Int, s: inout JSONScanner) throws(JSONParseError) in
            switch Field(rawValue: index) {
            case nil: try s.skipValue()
            case .address?: log.address = try s.readAddress("log.address")
            case .topics?:
                log.topics = try s.readHash32Array("log.topics[]")
            case .data?: log.data = try s.readData("log.data")
            case .blockNumber?: log.blockNumber = try s.readQuantity("log.blockNumber")
            case .blockHash?: log.blockHash = try s.readHash32("log.blockHash")
            case .transactionHash?: log.transactionHash = try s.readHash32("log.transactionHash")
            case .transactionIndex?: log.transactionIndex = try s.readQuantity("log.transactionIndex")
            case .logIndex?: log.logIndex = try s.readQuantity("log.logIndex")
            case .removed?: log.removed = try s.readBool()
            case .blockTimestamp?: log.blockTimestamp = try s.readOptionalQuantity("log.blockTimestamp")
            }
        }
        return log
    }

    /// Decodes an array of logs (an `eth_getLogs` result) at the scanner's position.
    public static func decodeArray(from s: inout JSONScanner) throws(JSONParseError) -> [Log] {
        let keys = Log.keys
        var out: [Log] = []
        guard try s.beginArray() else { return out }
        repeat { out.append(try decode(from: &s, keys: keys)) } while try s.nextElement()
        return out
    }

    /// Decodes a complete JSON document that is an array of logs.
    public static func decodeArray(_ bytes: [UInt8]) throws(JSONParseError) -> [Log] {
        try JSONScanner.withScanner(bytes) { (s: inout JSONScanner) throws(JSONParseError) in
            let logs = try decodeArray(from: &s)
            try s.finish()
            return logs
        }
    }
}

/// Which topics an `eth_getLogs` filter matches at one position.
public enum TopicFilter: Sendable, Hashable {
    /// Any value (`null` on the wire).
    case any
    /// Any of these values (OR); one value is a plain match.
    case oneOf([Hash32])

    /// Exactly `topic`.
    public static func exactly(_ topic: Hash32) -> TopicFilter { .oneOf([topic]) }
}

/// The parameters of `eth_getLogs`.
public struct LogFilter: Sendable, Hashable {
    /// The blocks to search: an inclusive range, or one block by hash (EIP-234).
    public enum Blocks: Sendable, Hashable {
        /// From `from` to `to`, inclusive.
        case range(from: BlockNumberOrTag, to: BlockNumberOrTag)
        /// Exactly the block with this hash (immune to reorgs between two calls).
        case hash(Hash32)
    }

    /// Which blocks.
    public var blocks: Blocks
    /// Emitting contracts (empty: any).
    public var addresses: [Address]
    /// Topic filters by position; trailing `.any` entries are dropped on the wire.
    public var topics: [TopicFilter]

    /// Creates a filter.
    public init(blocks: Blocks, addresses: [Address] = [], topics: [TopicFilter] = []) {
        self.blocks = blocks; self.addresses = addresses; self.topics = topics
    }

    /// A filter over the numbered blocks `range` (inclusive).
    public init(range: ClosedRange<UInt64>, addresses: [Address] = [], topics: [TopicFilter] = []) {
        self.init(blocks: .range(from: .number(range.lowerBound), to: .number(range.upperBound)), addresses: addresses, topics: topics)
    }

    /// The JSON object sent as the single `eth_getLogs` parameter.
    public var json: JSONValue {
        var members: [(String, JSONValue)] = []
        switch blocks {
        case .range(let from, let to):
            members.append(("fromBlock", from.json))
            members.append(("toBlock", to.json))
        case .hash(let h):
            members.append(("blockHash", .hash(h)))
        }
        if addresses.count == 1 {
            members.append(("address", .address(addresses[0])))
        } else if !addresses.isEmpty {
            members.append(("address", .array(addresses.map { .address($0) })))
        }
        var wire = topics
        while case .any? = wire.last { wire.removeLast() }
        if !wire.isEmpty {
            members.append(("topics", .array(wire.map { t -> JSONValue in
                switch t {
                case .any: return .null
                case .oneOf(let hs) where hs.count == 1: return .hash(hs[0])
                case .oneOf(let hs): return .array(hs.map { .hash($0) })
                }
            })))
        }
        return .object(members)
    }
}
