import EthereumKit

/// A named block.
public enum BlockTag: String, Sendable, Hashable, CaseIterable {
    /// The head of the canonical chain (may be reorged away).
    case latest
    /// The latest block the consensus layer considers safe from reorgs under honest majority.
    case safe
    /// The latest finalized block.
    case finalized
    /// The genesis block.
    case earliest
    /// The block being built (node-dependent).
    case pending
}

/// A block by number or tag, as `eth_getBlockByNumber` and `eth_getLogs` ranges take it.
public enum BlockNumberOrTag: Sendable, Hashable {
    /// The block with this number.
    case number(UInt64)
    /// A named block.
    case tag(BlockTag)

    /// `latest`.
    public static let latest = BlockNumberOrTag.tag(.latest)
    /// `safe`.
    public static let safe = BlockNumberOrTag.tag(.safe)
    /// `finalized`.
    public static let finalized = BlockNumberOrTag.tag(.finalized)
    /// `earliest`.
    public static let earliest = BlockNumberOrTag.tag(.earliest)
    /// `pending`.
    public static let pending = BlockNumberOrTag.tag(.pending)

    /// The wire form: a hex quantity or the tag name.
    public var json: JSONValue {
        switch self {
        case .number(let n): return .quantity(n)
        case .tag(let t): return .string(t.rawValue)
        }
    }
}

/// The block a state query (`eth_call`, `eth_getBalance`, …) runs against, including EIP-1898 selectors.
public enum BlockSelector: Sendable, Hashable {
    /// The block with this number (on whatever chain the node considers canonical now).
    case number(UInt64)
    /// A named block.
    case tag(BlockTag)
    /// The block with this hash (EIP-1898). With `requireCanonical`, the node fails if the block is not canonical,
    /// so a reorg between reading a log and reading state cannot silently mix two chains.
    case hash(Hash32, requireCanonical: Bool)

    /// `latest`.
    public static let latest = BlockSelector.tag(.latest)
    /// `pending`.
    public static let pending = BlockSelector.tag(.pending)
    /// `safe`.
    public static let safe = BlockSelector.tag(.safe)
    /// `finalized`.
    public static let finalized = BlockSelector.tag(.finalized)

    /// The block with `hash`, required to be canonical (EIP-1898 `{blockHash, requireCanonical: true}`).
    public static func canonical(_ hash: Hash32) -> BlockSelector { .hash(hash, requireCanonical: true) }

    /// Converts a number-or-tag.
    public init(_ block: BlockNumberOrTag) {
        switch block {
        case .number(let n): self = .number(n)
        case .tag(let t): self = .tag(t)
        }
    }

    /// The wire form: a quantity, a tag, or the EIP-1898 object.
    public var json: JSONValue {
        switch self {
        case .number(let n): return .quantity(n)
        case .tag(let t): return .string(t.rawValue)
        case .hash(let h, let canonical): return ["blockHash": .hash(h), "requireCanonical": .bool(canonical)]
        }
    }
}

extension JSONValue {
    /// A hex quantity (`0x0`, `0x1a`).
    public static func quantity(_ v: UInt64) -> JSONValue { .string("0x" + String(v, radix: 16)) }
    /// A hex quantity of a 256-bit value.
    public static func quantity(_ v: UInt256) -> JSONValue { .string(v.hexQuantity) }
    /// Hex data (`0x` + two digits per byte).
    public static func data(_ bytes: [UInt8]) -> JSONValue { .string(Hex.encode(bytes)) }
    /// A 32-byte hash.
    public static func hash(_ h: Hash32) -> JSONValue { .string(h.description) }
    /// A 20-byte address (lowercase).
    public static func address(_ a: Address) -> JSONValue { .string(a.description) }
}
