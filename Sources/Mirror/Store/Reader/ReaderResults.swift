import EthereumKit
import Kalypso

// Plain result values of `MirrorReader`, serialised by the CLI (`--json`) and the HTTP API. Chain values stay typed
// (`UInt256`, `Address`, `Hash32`, bytes); the serialisers choose their text form. Derived values are computed with
// the `Kalypso` functions (one source of truth with the sync and the matching engine).

/// A reader result with the synced block it reflects, both read in one database snapshot.
public struct Snapshot<Value: Sendable>: Sendable {
    /// The cursor (last fully applied block and its hash) the value reflects; nil before the first commit.
    public var checkpoint: Checkpoint?
    /// The result.
    public var value: Value

    /// Creates a snapshot result.
    public init(checkpoint: Checkpoint?, value: Value) {
        self.checkpoint = checkpoint
        self.value = value
    }
}

extension Snapshot: Equatable where Value: Equatable {}
extension Snapshot: Hashable where Value: Hashable {}

/// One page of a list, with the cursor of the next page (nil on the last page). Cursors are opaque text: pass them
/// back unchanged.
public struct Page<Item: Sendable>: Sendable {
    /// The items, in the list's order.
    public var items: [Item]
    /// The `cursor` argument that returns the next page; nil when this page is the last.
    public var nextCursor: String?

    /// Creates a page.
    public init(items: [Item], nextCursor: String?) {
        self.items = items
        self.nextCursor = nextCursor
    }
}

extension Page: Equatable where Item: Equatable {}
extension Page: Hashable where Item: Hashable {}

/// What identifies the mirrored data: the cursor and the number of rewinds so far.
///
/// Two reads with equal versions see the same entities, events and derived values: a commit moves the cursor, and a
/// rewind (which may come back to an earlier cursor) increments `reorgsSeen`, which never decreases. Only the
/// recorded head (and its time) may differ between them.
public struct MirrorVersion: Sendable, Hashable {
    /// The synced block and hash; nil before the first commit.
    public var checkpoint: Checkpoint?
    /// Rewinds since the database was created.
    public var reorgsSeen: Int

    /// Creates a version.
    public init(checkpoint: Checkpoint?, reorgsSeen: Int) {
        self.checkpoint = checkpoint
        self.reorgsSeen = reorgsSeen
    }
}

/// The last rewind of the store.
public struct ReorgRecord: Sendable, Hashable {
    /// The cursor before the rewind.
    public var fromBlock: UInt64
    /// The block it rewound to (the fork point).
    public var toBlock: UInt64
    /// Why (the sync layer's reason, e.g. the mismatching hashes).
    public var reason: String
    /// When (ISO-8601 UTC).
    public var at: String
    /// The number of blocks undone.
    public var depth: UInt64 { fromBlock - toBlock }

    /// Creates a record.
    public init(fromBlock: UInt64, toBlock: UInt64, reason: String, at: String) {
        self.fromBlock = fromBlock; self.toBlock = toBlock; self.reason = reason; self.at = at
    }
}

/// Unknown logs of one topic0.
public struct UnknownTopicCount: Sendable, Hashable {
    /// The topic0 (nil for logs without topics).
    public var topic0: Hash32?
    /// How many logs.
    public var count: Int
    /// The event of another contract generation with this topic0, if known: an alert.
    public var otherGeneration: String?

    /// Creates a count.
    public init(topic0: Hash32?, count: Int, otherGeneration: String?) {
        self.topic0 = topic0; self.count = count; self.otherGeneration = otherGeneration
    }
}

/// `status`: where the mirror is and what it has met.
public struct MirrorStatus: Sendable, Hashable {
    /// The node's latest head, as last recorded by the sync.
    public var head: UInt64?
    /// When the head was recorded (ISO-8601 UTC).
    public var headRecordedAt: String?
    /// The synced block and hash (the cursor).
    public var synced: Checkpoint?
    /// `head − synced` (0 when the head is behind the cursor); nil until both are known.
    public var lag: UInt64?
    /// The G1 clock the reader derives ask states at (the stored clock of the cursor, else its block number).
    public var clock: UInt256
    /// Rewinds since the database was created.
    public var reorgsSeen: Int
    /// The last rewind.
    public var lastReorg: ReorgRecord?
    /// The lowest block a rewind can still return to (the reorg window's floor).
    public var undoFloor: UInt64?
    /// Logs with a known topic0 that failed to decode.
    public var quarantinedCount: Int
    /// Logs with an unknown topic0, by topic0 (most frequent first).
    public var unknownTopics: [UnknownTopicCount]
    /// Inconsistencies the reducer reported, by severity (`info`, `warning`, `alert`).
    public var issuesBySeverity: [String: Int]
    /// Signature checks whose recovered address differs from the expected one.
    public var signatureMismatches: Int
    /// Mirrored generators.
    public var generatorCount: Int
    /// Mirrored markets.
    public var marketCount: Int
    /// When the current writer opened the store (ISO-8601 UTC).
    public var startedAt: String?

    /// All unknown logs.
    public var unknownCount: Int { unknownTopics.reduce(0) { $0 + $1.count } }
    /// All issues.
    public var issuesCount: Int { issuesBySeverity.values.reduce(0, +) }
}

/// The filters of `generators`.
public struct GeneratorQuery: Sendable, Hashable {
    /// Only generators listed in this market (and `state` is their state in it).
    public var market: UInt256?
    /// Only generators in this derived state: `getGeneratorState` in `market`, or without a market the generator's
    /// overall state (`GeneratorSummary.state`).
    public var state: GeneratorState?
    /// Page size, 1…1000.
    public var limit: Int
    /// The `nextCursor` of the previous page.
    public var cursor: String?

    /// Creates a query.
    public init(market: UInt256? = nil, state: GeneratorState? = nil, limit: Int = 50, cursor: String? = nil) {
        self.market = market; self.state = state; self.limit = limit; self.cursor = cursor
    }
}

/// A generator in a list.
public struct GeneratorSummary: Sendable, Hashable {
    /// The mirrored record.
    public var generator: Generator
    /// The derived state: `getGeneratorState(generator, market)` when the list is filtered by market; otherwise NULL
    /// without markets, REQUESTED_FOR_EXIT when every listing is exiting, else the state of its joined listings
    /// (JOINED, WIP or NO_COMPUTE_AVAILABLE — the same in every market). Nil where the contract's getter would revert.
    public var state: GeneratorState?
    /// The contract's `idleCapacity` (nil where it would revert).
    public var idleCapacity: UInt256?
    /// The number of markets it is listed in (rows, whatever their state).
    public var marketCount: Int

    /// Creates a summary.
    public init(generator: Generator, state: GeneratorState?, idleCapacity: UInt256?, marketCount: Int) {
        self.generator = generator; self.state = state; self.idleCapacity = idleCapacity; self.marketCount = marketCount
    }
}

/// A generator's listing in one market with its derived values.
public struct GeneratorMarketStatus: Sendable, Hashable {
    /// The mirrored `GeneratorInfoPerMarket` row.
    public var row: GeneratorMarket
    /// `getGeneratorState(generator, market)` (nil where the contract's getter would revert).
    public var state: GeneratorState?
    /// The idle capacity `getGeneratorState` returns with the state (0 unless JOINED or WIP).
    public var idleCapacity: UInt256
    /// The seed's ComputePerProof (`computePerRequestRequired / declaredCompute`); nil if declared compute is 0.
    public var computePerProof: ComputeFraction?
    /// Whether an ask meeting this listing's price and time could be assigned to it now: the contract's
    /// `assignTask` checks at the reader's clock, plus a usable enclave key in a private market.
    public var eligibleNow: Bool
    /// Why not, when not eligible (the contract's revert or the missing data).
    public var ineligibleReason: String?

    /// Creates a listing.
    public init(row: GeneratorMarket, state: GeneratorState?, idleCapacity: UInt256, computePerProof: ComputeFraction?,
                eligibleNow: Bool, ineligibleReason: String?) {
        self.row = row; self.state = state; self.idleCapacity = idleCapacity; self.computePerProof = computePerProof
        self.eligibleNow = eligibleNow; self.ineligibleReason = ineligibleReason
    }
}

/// `generators show`: a generator with its derived values, listings and admin signature check.
public struct GeneratorDetail: Sendable, Hashable {
    /// The mirrored record (stake, locked stake, declared compute, utilisation intents, reward address, metadata …).
    public var generator: Generator
    /// The contract's `idleCapacity` (nil where it would revert).
    public var idleCapacity: UInt256?
    /// The contract's `maxReducibleStake` (nil where it would revert).
    public var maxReducibleStake: UInt256?
    /// The seed's AvailableCompute over all its listings (nil if declared compute is 0).
    public var availableCompute: ComputeFraction?
    /// The overall state (see `GeneratorSummary.state`).
    public var state: GeneratorState?
    /// Its listings, by market id.
    public var markets: [GeneratorMarketStatus]
    /// The latest admin signature check of a transaction that emitted an event for it (nil if none was recorded).
    public var adminCheck: SignatureCheck?

    /// Creates a detail.
    public init(generator: Generator, idleCapacity: UInt256?, maxReducibleStake: UInt256?, availableCompute: ComputeFraction?,
                state: GeneratorState?, markets: [GeneratorMarketStatus], adminCheck: SignatureCheck?) {
        self.generator = generator; self.idleCapacity = idleCapacity; self.maxReducibleStake = maxReducibleStake
        self.availableCompute = availableCompute; self.state = state; self.markets = markets; self.adminCheck = adminCheck
    }
}

/// A market with what the mirror derives about it.
public struct MarketSummary: Sendable, Hashable {
    /// The mirrored market (data, extra images, frozen, creation block).
    public var market: Market
    /// Whether it takes confidential inputs (nil if the data is unknown).
    public var isPrivate: Bool?
    /// Whether it accepts asks at the reader's clock (nil if the data is unknown).
    public var isActive: Bool?
    /// Generator listings (rows, whatever their state).
    public var generatorsListed: Int

    /// Creates a summary.
    public init(market: Market, isPrivate: Bool?, isActive: Bool?, generatorsListed: Int) {
        self.market = market; self.isPrivate = isPrivate; self.isActive = isActive; self.generatorsListed = generatorsListed
    }
}

/// Which generators of a market to list.
public enum MarketGeneratorFilter: String, Sendable, Hashable, CaseIterable {
    /// Every listing.
    case listed
    /// Only listings an ask could be assigned to now (`GeneratorMarketStatus.eligibleNow`).
    case eligible
}

/// A generator listed in a market, with the generator-wide values matching needs.
public struct MarketGenerator: Sendable, Hashable {
    /// The listing and its derived values.
    public var listing: GeneratorMarketStatus
    /// The generator's record.
    public var generator: Generator
    /// The seed's AvailableCompute over all the generator's listings.
    public var availableCompute: ComputeFraction?
    /// The contract's `maxReducibleStake`.
    public var maxReducibleStake: UInt256?
    /// Whether it has a usable 64-byte enclave key for this market.
    public var hasUsableKey: Bool

    /// Creates an entry.
    public init(listing: GeneratorMarketStatus, generator: Generator, availableCompute: ComputeFraction?,
                maxReducibleStake: UInt256?, hasUsableKey: Bool) {
        self.listing = listing; self.generator = generator; self.availableCompute = availableCompute
        self.maxReducibleStake = maxReducibleStake; self.hasUsableKey = hasUsableKey
    }
}

/// Minimum, median and maximum of a set of values (the median of an even count is the mean of the middle two,
/// rounded down).
public struct ValueSpread: Sendable, Hashable {
    /// How many values.
    public var count: Int
    /// The smallest value.
    public var min: UInt256
    /// The median.
    public var median: UInt256
    /// The largest value.
    public var max: UInt256

    /// The spread of `values`; nil when empty.
    public init?(_ values: [UInt256]) {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        count = sorted.count
        min = sorted[0]
        max = sorted[sorted.count - 1]
        let mid = sorted.count / 2
        if sorted.count % 2 == 1 {
            median = sorted[mid]
        } else {
            // (a + b) / 2 without overflow: a/2 + b/2 + (a%2 + b%2)/2.
            let a = sorted[mid - 1], b = sorted[mid]
            median = (a >> 1) + (b >> 1) + (((a & .one) + (b & .one)) >> 1)
        }
    }
}

/// `markets stats`: what a generator browses before joining.
public struct MarketStats: Sendable, Hashable {
    /// The market.
    public var marketId: UInt256
    /// Generator listings (rows, whatever their state).
    public var generatorsListed: Int
    /// Listings by derived state (`getGeneratorState`; listings whose getter would revert are left out).
    public var generatorsByState: [GeneratorState: Int]
    /// `proofGenerationCost` over the JOINED listings whose terms are known.
    public var price: ValueSpread?
    /// `proposedTime` (G1 clock blocks) over the JOINED listings whose terms are known.
    public var proposedTime: ValueSpread?
    /// Asks by derived state at the reader's clock (`getAskState`).
    public var asksByState: [AskState: Int]
    /// Asks whose derived state is unknown (their body could not be enriched).
    public var asksWithUnknownState: Int
    /// Completed asks by outcome.
    public var asksByOutcome: [AskOutcome: Int]
    /// The median of `completedInBlock − assignedInBlock` (chain blocks) over proved asks; nil if none.
    public var medianProofTimeBlocks: UInt64?

    /// Creates statistics.
    public init(marketId: UInt256, generatorsListed: Int, generatorsByState: [GeneratorState: Int], price: ValueSpread?,
                proposedTime: ValueSpread?, asksByState: [AskState: Int], asksWithUnknownState: Int,
                asksByOutcome: [AskOutcome: Int], medianProofTimeBlocks: UInt64?) {
        self.marketId = marketId; self.generatorsListed = generatorsListed; self.generatorsByState = generatorsByState
        self.price = price; self.proposedTime = proposedTime; self.asksByState = asksByState
        self.asksWithUnknownState = asksWithUnknownState; self.asksByOutcome = asksByOutcome
        self.medianProofTimeBlocks = medianProofTimeBlocks
    }
}

/// `asks show`: an ask with its derived state.
public struct AskDetail: Sendable, Hashable {
    /// The mirrored ask.
    public var ask: Ask
    /// `getAskState` at `clock` (nil if the body is unknown).
    public var state: AskState?
    /// The G1 clock the state was derived at.
    public var clock: UInt256

    /// Creates a detail.
    public init(ask: Ask, state: AskState?, clock: UInt256) {
        self.ask = ask; self.state = state; self.clock = clock
    }
}

/// The filters of `signatureChecks`.
public struct SignatureCheckQuery: Sendable, Hashable {
    /// Only checks of this kind.
    public var kind: SignatureCheck.Kind?
    /// Only checks whose recovered address differs from the expected one.
    public var mismatchesOnly: Bool
    /// Only checks expecting this address (a generator's admin checks).
    public var expected: Address?
    /// Page size, 1…1000.
    public var limit: Int
    /// The `nextCursor` of the previous page.
    public var cursor: String?

    /// Creates a query.
    public init(kind: SignatureCheck.Kind? = nil, mismatchesOnly: Bool = false, expected: Address? = nil, limit: Int = 50, cursor: String? = nil) {
        self.kind = kind; self.mismatchesOnly = mismatchesOnly; self.expected = expected; self.limit = limit; self.cursor = cursor
    }
}

/// An inconsistency the reducer reported, as stored.
public struct StoredIssue: Sendable, Hashable {
    /// The block of the log (or the range's last block for an issue without a log).
    public var blockNumber: UInt64
    /// The log, if the issue has one.
    public var logIndex: UInt64?
    /// Its transaction, if the issue has a log.
    public var transactionHash: Hash32?
    /// `InconsistencyError.Code` text, e.g. `arithmetic underflow`.
    public var code: String
    /// `info`, `warning` or `alert`.
    public var severity: String
    /// What happened and what to do.
    public var message: String

    /// Creates an issue.
    public init(blockNumber: UInt64, logIndex: UInt64?, transactionHash: Hash32?, code: String, severity: String, message: String) {
        self.blockNumber = blockNumber; self.logIndex = logIndex; self.transactionHash = transactionHash
        self.code = code; self.severity = severity; self.message = message
    }
}

/// One row of the raw-event table.
public struct StoredEvent: Sendable, Hashable {
    /// Where the log is.
    public var position: LogPosition
    /// The emitting contract.
    public var emitter: KalypsoContract
    /// The event name, e.g. `RegisteredGenerator`.
    public var eventName: String
    /// The decoded fields and the enrichment payload as a JSON object.
    public var fieldsJSON: String
    /// Where the enrichment came from (`calldata`, `eth_call at 0x…`, `unavailable (…)`); nil if none was needed.
    public var enrichment: String?
    /// The raw log's topics, when the sync kept them (the address is the emitter's).
    public var topics: [Hash32]?
    /// The raw log's data, when the sync kept it.
    public var data: [UInt8]?

    /// Creates an event row.
    public init(position: LogPosition, emitter: KalypsoContract, eventName: String, fieldsJSON: String, enrichment: String?,
                topics: [Hash32]?, data: [UInt8]?) {
        self.position = position; self.emitter = emitter; self.eventName = eventName; self.fieldsJSON = fieldsJSON
        self.enrichment = enrichment; self.topics = topics; self.data = data
    }
}
