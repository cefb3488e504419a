import EthereumKit
import JSONRPC
import Kalypso
@testable import Mirror
import Synchronization

/// A chain in memory for driving `MirrorSync` without a node: blocks with registry logs (RegisteredGenerator,
/// AddedStake, IncreasedCompute), reorgs on demand, and scriptable provider limits and failures.
final class SimulatedChain: SyncChainSource, @unchecked Sendable {
    struct Block {
        var header: BlockHeader
        var logs: [Log]
    }

    static let registry = Address(hi: 0, mid: 0, lo: 0xAAAA)
    static let marketplace = Address(hi: 0, mid: 0, lo: 0xBBBB)
    static let keys = Address(hi: 0, mid: 0, lo: 0xCCCC)
    static let deployment = KalypsoDeployment(chainId: 31337, generatorRegistry: registry, proofMarketplace: marketplace,
                                              entityKeyRegistry: keys, startBlock: 1)

    private struct State {
        var blocks: [Block] = []
        var branch: UInt64 = 0
        var maxSpan: UInt64?
        var failNextLogs = 0
        var logsCalls = 0
        var rng = SplitMix64(seed: 1)
    }
    private let state = Mutex(State())

    init() {
        state.withLock { s in
            let genesis = BlockHeader(number: 0, hash: Self.hash(0, branch: 0), parentHash: .zero, timestamp: 0)
            s.blocks.append(Block(header: genesis, logs: []))
        }
    }

    static func hash(_ n: UInt64, branch: UInt64) -> Hash32 { Keccak256.hash(Array("sim \(n) \(branch)".utf8)) }

    var head: UInt64 { state.withLock { UInt64($0.blocks.count - 1) } }
    var canonicalLogs: [Log] { state.withLock { $0.blocks.flatMap(\.logs) } }
    var logsCalls: Int { state.withLock { $0.logsCalls } }

    /// Rejects eth_getLogs spans above `span` with a "block range too wide" limit.
    func limitSpan(_ span: UInt64?) { state.withLock { $0.maxSpan = span } }
    /// Fails the next `n` eth_getLogs calls with a transient error.
    func failNextLogs(_ n: Int) { state.withLock { $0.failNextLogs = n } }

    /// Mines `count` blocks, each with up to three random registry events from a few generators.
    func mine(_ count: Int) {
        state.withLock { s in
            for _ in 0..<count {
                let n = UInt64(s.blocks.count)
                let hash = Self.hash(n, branch: s.branch)
                let parent = s.blocks[s.blocks.count - 1].header.hash
                var logs: [Log] = []
                let k = Int(s.rng.next() % 4)
                for i in 0..<k {
                    let g = Address(hi: 0, mid: 0, lo: 0x100 + s.rng.next() % 5)
                    let amount = UInt256(1 + s.rng.next() % 1000)
                    let (topic0, data): (Hash32, [UInt8]) = switch s.rng.next() % 3 {
                    case 0: (KalypsoTopics.registeredGenerator.topic0, Hash32(amount).bytes + Hash32(amount * 10).bytes)
                    case 1: (KalypsoTopics.addedStake.topic0, Hash32(amount).bytes)
                    default: (KalypsoTopics.increasedCompute.topic0, Hash32(amount).bytes)
                    }
                    let tx = Keccak256.hash(Array("tx \(n) \(i) \(s.branch)".utf8))
                    logs.append(Log(address: Self.registry, topics: [topic0, Hash32(g.word)], data: data, blockNumber: n, blockHash: hash,
                                    transactionHash: tx, transactionIndex: UInt64(i), logIndex: UInt64(i)))
                }
                var header = BlockHeader(number: n, hash: hash, parentHash: parent, timestamp: n)
                header.l1BlockNumber = 1_000 + n
                s.blocks.append(Block(header: header, logs: logs))
            }
        }
    }

    /// Drops the last `depth` blocks and mines `replacement` new ones on a new branch.
    func reorg(depth: Int, replacement: Int) {
        state.withLock { s in
            s.blocks.removeLast(depth)
            s.branch += 1
        }
        mine(replacement)
    }

    // MARK: SyncChainSource

    func headNumber() async throws -> UInt64 { head }

    func logs(in range: ClosedRange<UInt64>, addresses: [Address]) async throws -> [Log] {
        try state.withLock { s in
            s.logsCalls += 1
            if s.failNextLogs > 0 {
                s.failNextLogs -= 1
                throw SyncError(.inconsistentNode, "simulated HTTP 500")
            }
            if let max = s.maxSpan, range.upperBound - range.lowerBound + 1 > max {
                throw ProviderLimitError(hint: RangeLimitHint(reason: .blockRangeTooWide), message: "block range is too wide")
            }
            return s.blocks.filter { range.contains($0.header.number) }.flatMap(\.logs).filter { addresses.contains($0.address) }
        }
    }

    func headers(_ numbers: [UInt64]) async throws -> [UInt64: BlockHeader?] {
        state.withLock { s in
            var out: [UInt64: BlockHeader?] = [:]
            for n in numbers { out[n] = n < UInt64(s.blocks.count) ? s.blocks[Int(n)].header : nil }
            return out
        }
    }

    // MARK: Decoding and enrichment for the simulated logs

    /// Reads indexed then non-indexed words (the order of the three events used here).
    struct WordReader: EventFieldReader {
        var words: [UInt256]
        var index = 0
        mutating func next() throws -> UInt256 {
            guard index < words.count else { throw SyncError(.inconsistentNode, "too few words") }
            defer { index += 1 }
            return words[index]
        }
        mutating func uint() throws -> UInt256 { try next() }
        mutating func address() throws -> Address {
            guard let a = Address(word: try next()) else { throw SyncError(.inconsistentNode, "not an address") }
            return a
        }
        mutating func bool() throws -> Bool { try next() != .zero }
        mutating func bytes32() throws -> Hash32 { Hash32(try next()) }
        mutating func bytes() throws -> [UInt8] { throw SyncError(.inconsistentNode, "no dynamic fields here") }
    }

    static let pipeline = SyncPipeline(decode: { log in
        let position = LogPosition(blockNumber: log.blockNumber, blockHash: log.blockHash, transactionIndex: log.transactionIndex,
                                   transactionHash: log.transactionHash, logIndex: log.logIndex)
        var words = log.topics.dropFirst().map(\.uint256)
        var i = 0
        while i + 32 <= log.data.count { words.append(UInt256(bigEndian: log.data[i..<(i + 32)]) ?? .zero); i += 32 }
        var reader = WordReader(words: words)
        do {
            guard let topic0 = log.topics.first, let event = try KalypsoEvent.decode(topic0: topic0, fields: &reader) else {
                return .unknown(UnknownLog(position: position, address: log.address, topics: log.topics, data: log.data, otherGeneration: nil))
            }
            return .event(KalypsoLog(position: position, emitter: .generatorRegistry, event: event))
        } catch {
            return .quarantined(QuarantinedLog(position: position, address: log.address, topics: log.topics, data: log.data, eventName: nil, error: "\(error)"))
        }
    }, enrich: { logs, _ in
        let enriched = logs.map { log -> KalypsoLog in
            guard case .registeredGenerator(var e) = log.event else { return log }
            e.registration = .calldata(GeneratorRegistration(rewardAddress: e.generator, generatorData: Array("sim".utf8)))
            var copy = log
            copy.event = .registeredGenerator(e)
            return copy
        }
        return SyncPipeline.Enriched(logs: enriched, signatureChecks: [])
    })

    /// The state a clean sync of the canonical chain must reach.
    func referenceState() async throws -> KalypsoState {
        var events: [KalypsoLog] = []
        for log in canonicalLogs { if case .event(let e) = Self.pipeline.decode(log) { events.append(e) } }
        let enriched = try await Self.pipeline.enrich(events, nil).logs
        var state = KalypsoState()
        let headers = state_headers()
        for tx in TransactionLogs.group(enriched, clock: { UInt256(headers[$0.blockNumber] ?? 0) }) {
            _ = KalypsoReducer.apply(tx, to: &state)
        }
        return state
    }

    private func state_headers() -> [UInt64: UInt64] {
        state.withLock { s in Dictionary(uniqueKeysWithValues: s.blocks.map { ($0.header.number, $0.header.l1BlockNumber ?? 0) }) }
    }
}
