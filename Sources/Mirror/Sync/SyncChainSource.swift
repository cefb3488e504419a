import EthereumKit
import JSONRPC

/// What the sync reads from the node: the head, logs over a range and block headers. `JSONRPCChainSource` implements
/// it over `JSONRPCClient`; unit tests drive `MirrorSync` with a simulated chain.
public protocol SyncChainSource: Sendable {
    /// The node's latest block number.
    func headNumber() async throws -> UInt64
    /// The logs of `addresses` in `range` (one `eth_getLogs`). Throws `ProviderLimitError` when the provider rejects
    /// the range as too large, anything else for other failures.
    func logs(in range: ClosedRange<UInt64>, addresses: [Address]) async throws -> [Log]
    /// Block headers by number (batched); a nil value means the node has no such block.
    func headers(_ numbers: [UInt64]) async throws -> [UInt64: BlockHeader?]
}

/// The provider rejected an `eth_getLogs` range as too large; `hint` says how to shrink it.
public struct ProviderLimitError: Error, Sendable, CustomStringConvertible {
    /// What the provider said, parsed.
    public var hint: RangeLimitHint
    /// The provider's message.
    public var message: String

    /// Creates the error.
    public init(hint: RangeLimitHint, message: String) {
        self.hint = hint
        self.message = message
    }

    public var description: String { message }
}

/// `SyncChainSource` over a `JSONRPCClient`: `eth_blockNumber`, `eth_getLogs`, batched `eth_getBlockByNumber`.
public struct JSONRPCChainSource: SyncChainSource {
    /// The client (retries, failover, rate limits and metrics are its business).
    public let client: JSONRPCClient

    /// Creates a source.
    public init(client: JSONRPCClient) { self.client = client }

    /// `eth_blockNumber`.
    public func headNumber() async throws -> UInt64 { try await client.blockNumber() }

    /// `eth_getLogs` over `range`; a provider range limit becomes `ProviderLimitError`.
    public func logs(in range: ClosedRange<UInt64>, addresses: [Address]) async throws -> [Log] {
        do {
            return try await client.getLogs(LogFilter(range: range, addresses: addresses))
        } catch {
            if let hint = ProviderLimits.rangeLimit(for: error) { throw ProviderLimitError(hint: hint, message: error.description) }
            throw error
        }
    }

    /// Batched `eth_getBlockByNumber(n, false)`; a header for another number than asked is an error.
    public func headers(_ numbers: [UInt64]) async throws -> [UInt64: BlockHeader?] {
        guard !numbers.isEmpty else { return [:] }
        let results = try await client.getBlockHeaders(numbers)
        var out: [UInt64: BlockHeader?] = [:]
        for (n, r) in zip(numbers, results) {
            switch r {
            case .success(let header):
                if let header, header.number != n {
                    throw SyncError(.inconsistentNode, "eth_getBlockByNumber(\(n)) returned block \(header.number); the node or a proxy in front of it is broken")
                }
                out[n] = header
            case .failure(let e): throw e
            }
        }
        return out
    }
}

/// A sync failure that is not a provider limit or a deep reorg.
public struct SyncError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case inconsistentNode = "inconsistent node"
            case chainMismatch = "chain mismatch"
            case deepReorg = "deep reorg"
            case stopped = "stopped"
            case writerLost = "writer lock lost"
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }
        /// The node answered something impossible (a header for another number, …).
        public static let inconsistentNode = Code(.inconsistentNode)
        /// The node is on another chain, or the contracts are missing (checked at start).
        public static let chainMismatch = Code(.chainMismatch)
        /// A reorg deeper than the window (the message says what to do).
        public static let deepReorg = Code(.deepReorg)
        /// The sync was asked to stop.
        public static let stopped = Code(.stopped)
        /// This process is no longer the database's only writer (another `sync` took the writer lock while its
        /// connection was down): it stops without writing.
        public static let writerLost = Code(.writerLost)
        public var description: String { base.rawValue }
    }

    /// The kind of failure.
    public let code: Code
    /// What happened and what to do.
    public let message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
