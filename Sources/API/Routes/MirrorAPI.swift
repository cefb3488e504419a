import Database
import EthereumKit
import Foundation
import HTTPServer
import Kalypso
import Mirror
import Telemetry

/// The `/v1` query routes over a `MirrorReader`, with their OpenAPI description.
///
/// Every answer is one reader call, so one database snapshot: the `block` member (number and hash of the synced
/// block) and the data were read together, and reads never wait for the writer (SQLite WAL, PostgreSQL MVCC).
/// Unknown query parameters are rejected (400 `unknown_parameter`) so a typo never silently widens a query.
///
/// ```swift
/// var router = Router()
/// let api = MirrorAPI(reader: reader, readiness: ReadinessPolicy(), logger: logger)
/// api.register(into: &router)
/// let server = try HTTPServer(configuration: c, router: router, document: MirrorAPI.document, metrics: registry,
///                             logger: logger, readiness: api.readiness)
/// ```
public struct MirrorAPI: Sendable {
    /// The default page size of list routes.
    public static let defaultLimit = 50
    /// The largest page size of list routes.
    public static let maximumLimit = 1000

    /// The reader every route queries.
    public let reader: any MirrorReader
    /// When the mirror counts as caught up (`/readyz`, `/v1/status`).
    public let readinessPolicy: ReadinessPolicy
    let logger: Logger
    let now: @Sendable () -> Date
    let cache: ResponseCache

    /// Routes over `reader`.
    ///
    /// - Parameters:
    ///   - cacheEntries: answers of the current version kept in memory (0: none); see `ResponseCache`.
    ///   - cacheRecheck: how long a read of the current version is trusted (zero: every request reads it).
    ///   - now: the wall clock the head's age is measured against (injectable for tests).
    public init(reader: any MirrorReader, readiness: ReadinessPolicy, logger: Logger, cacheEntries: Int = 4096,
                cacheRecheck: Duration = .milliseconds(10), now: @escaping @Sendable () -> Date = { Date() }) {
        self.reader = reader
        readinessPolicy = readiness
        self.logger = logger
        self.now = now
        cache = ResponseCache(maximumEntries: cacheEntries, recheckInterval: cacheRecheck)
    }

    /// Answers held by the response cache.
    public var cachedAnswers: Int { cache.count }

    /// What `/readyz` answers now (one status read; a database failure is "not ready" with the reason).
    public func readiness() -> HTTPServer.Readiness {
        do {
            return readinessPolicy.evaluate(try reader.status().value, now: now())
        } catch {
            logger.warning("readiness: cannot read the status", [("error", String(describing: error))])
            return .notReady("the database cannot be read: \(Self.oneLine(error))")
        }
    }

    /// Registers every `/v1` route.
    public func register(into router: inout Router) {
        let reader = self.reader
        router.get("/v1/status", Operations.status) { request in
            try request.requireOnlyQueryParameters([])
            let snapshot = try Self.read { try reader.status() }
            self.cache.observe(MirrorVersion(checkpoint: snapshot.value.synced, reorgsSeen: snapshot.value.reorgsSeen))
            let readiness = self.readinessPolicy.evaluate(snapshot.value, now: self.now())
            return Response.jsonObject(capacity: 1024) { w in
                w.key("block")
                if let c = snapshot.checkpoint { BlockJSON.write(c, to: &w) } else { w.null() }
                w.key("status"); StatusJSON.write(snapshot.value, readiness: readiness, to: &w)
            }
        }
        router.get("/v1/generators", Operations.generators) { request in
            try request.requireOnlyQueryParameters(["market", "state", "limit", "cursor"])
            let query = GeneratorQuery(market: try request.queryParameter("market", as: UInt256.self),
                                       state: try request.queryParameter("state", as: GeneratorState.self),
                                       limit: try request.limit(default: Self.defaultLimit, maximum: Self.maximumLimit),
                                       cursor: try request.cursor())
            let key = "generators?\(query.market.map(\.description) ?? "")&\(query.state?.apiName ?? "")&\(query.limit)&\(query.cursor ?? "")"
            return try self.respond(key, { try reader.generators(query) }, capacity: { 512 + 1024 * $0.items.count }) { page, w in
                w.field("generators", array: { w in for g in page.items { GeneratorJSON.writeSummary(g, to: &w) } })
                w.field("nextCursor", page.nextCursor)
            }
        }
        router.get("/v1/generators/{address}", Operations.generator) { request in
            try request.requireOnlyQueryParameters([])
            let address = try request.address("address")
            return try self.respond("generator/\(address)", { try reader.generator(address) }, capacity: { _ in 3072 }) { detail, w in
                guard let detail else { throw HTTPError.notFound("generator \(address) is not registered in the mirror") }
                w.key("generator"); GeneratorJSON.writeDetail(detail, to: &w)
            }
        }
        router.get("/v1/generators/{address}/markets", Operations.generatorMarkets) { request in
            try request.requireOnlyQueryParameters([])
            let address = try request.address("address")
            return try self.respond("generator/\(address)/markets", { try reader.generatorMarkets(address) },
                                    capacity: { 256 + 640 * ($0?.count ?? 0) }) { listings, w in
                guard let listings else { throw HTTPError.notFound("generator \(address) is neither registered nor listed in any market") }
                w.field("generator", address)
                w.field("markets", array: { w in for l in listings { ListingJSON.write(l, to: &w) } })
            }
        }
        router.get("/v1/markets", Operations.markets) { request in
            try request.requireOnlyQueryParameters(["limit", "cursor"])
            let limit = try request.limit(default: Self.defaultLimit, maximum: Self.maximumLimit)
            let cursor = try request.cursor()
            return try self.respond("markets?\(limit)&\(cursor ?? "")", { try reader.markets(limit: limit, cursor: cursor) },
                                    capacity: { 512 + 768 * $0.items.count }) { page, w in
                w.field("markets", array: { w in for m in page.items { MarketJSON.write(m, to: &w) } })
                w.field("nextCursor", page.nextCursor)
            }
        }
        router.get("/v1/markets/{id}", Operations.market) { request in
            try request.requireOnlyQueryParameters([])
            let id = try request.id("id")
            return try self.respond("market/\(id)", { try reader.market(id) }, capacity: { _ in 1024 }) { market, w in
                guard let market else { throw Self.unknownMarket(id) }
                w.key("market"); MarketJSON.write(market, to: &w)
            }
        }
        router.get("/v1/markets/{id}/generators", Operations.marketGenerators) { request in
            try request.requireOnlyQueryParameters(["filter"])
            let id = try request.id("id")
            let filter = try request.queryParameter("filter", as: MarketGeneratorFilter.self, default: .listed)
            return try self.respond("market/\(id)/generators?\(filter.apiName)", { try reader.marketGenerators(id, filter: filter) },
                                    capacity: { 512 + 2048 * ($0?.count ?? 0) }) { generators, w in
                guard let generators else { throw Self.unknownMarket(id) }
                w.field("marketId", id)
                w.field("filter", filter)
                w.field("generators", array: { w in for g in generators { MarketGeneratorJSON.write(g, to: &w) } })
            }
        }
        router.get("/v1/markets/{id}/stats", Operations.marketStats) { request in
            try request.requireOnlyQueryParameters([])
            let id = try request.id("id")
            return try self.respond("market/\(id)/stats", { try reader.marketStats(id) }, capacity: { _ in 1024 }) { stats, w in
                guard let stats else { throw Self.unknownMarket(id) }
                w.key("stats"); MarketStatsJSON.write(stats, to: &w)
            }
        }
        router.get("/v1/asks/{id}", Operations.ask) { request in
            try request.requireOnlyQueryParameters([])
            let id = try request.id("id")
            return try self.respond("ask/\(id)", { try reader.ask(id) }, capacity: { _ in 1024 }) { ask, w in
                guard let ask else { throw HTTPError.notFound("ask \(id) does not exist in the mirror") }
                w.key("ask"); AskJSON.write(ask, to: &w)
            }
        }
        router.get("/v1/transactions/{hash}/events", Operations.transactionEvents) { request in
            try request.requireOnlyQueryParameters([])
            let hash = try request.hash("hash")
            return try self.respond("transaction/\(hash)/events", { try reader.events(transaction: hash) },
                                    capacity: { 256 + 1536 * $0.count }) { events, w in
                guard !events.isEmpty else {
                    throw HTTPError.notFound("the mirror has no Kalypso event of transaction \(hash) (not a Kalypso transaction, not synced yet, or reorganised away)")
                }
                w.field("transaction", hash)
                try w.field("events", array: { w in for e in events { try TransactionEventJSON.write(e, to: &w) } })
            }
        }
        router.get("/v1/signature-checks", Operations.signatureChecks) { request in
            try request.requireOnlyQueryParameters(["kind", "mismatches", "expected", "limit", "cursor"])
            let query = SignatureCheckQuery(kind: try request.queryParameter("kind", as: SignatureCheck.Kind.self),
                                            mismatchesOnly: try request.queryParameter("mismatches", as: Bool.self, default: false),
                                            expected: try request.queryParameter("expected", as: Address.self),
                                            limit: try request.limit(default: Self.defaultLimit, maximum: Self.maximumLimit),
                                            cursor: try request.cursor())
            let key = "signature-checks?\(query.kind?.apiName ?? "")&\(query.mismatchesOnly)&\(query.expected.map(\.description) ?? "")&\(query.limit)&\(query.cursor ?? "")"
            return try self.respond(key, { try reader.signatureChecks(query) }, capacity: { 512 + 640 * $0.items.count }) { page, w in
                w.field("signatureChecks", array: { w in for c in page.items { SignatureCheckJSON.write(c, to: &w) } })
                w.field("nextCursor", page.nextCursor)
            }
        }
    }

    // MARK: Helpers

    private static func unknownMarket(_ id: UInt256) -> HTTPError {
        HTTPError.notFound("market \(id) does not exist in the mirror; GET /v1/markets lists them")
    }

    /// Runs a reader call, turning its client errors into 400 and an unavailable database into 503.
    static func read<T>(_ call: () throws -> T) throws -> T {
        do {
            return try call()
        } catch let error as MirrorStoreError where error.code == .invalidArgument {
            throw HTTPError(.invalidParameter, error.message)
        } catch let error as DatabaseError where [.busy, .connectionFailed, .connectionLost].contains(error.code) {
            throw HTTPError(.unavailable, "the database is unavailable right now (\(error.code)); retry shortly")
        }
    }

    /// The answer to the query `key` names: from the cache when it holds one for the current version, else read with
    /// `call` (one snapshot), rendered, and cached when no commit or rewind happened meanwhile (see `ResponseCache`).
    func respond<T>(_ key: String, _ call: () throws -> Snapshot<T>, capacity: (T) -> Int,
                    _ members: (T, inout JSONWriter) throws -> Void) throws -> Response {
        guard cache.isEnabled else {
            let snapshot = try Self.read(call)
            return try Self.answer(snapshot, capacity: capacity(snapshot.value), members)
        }
        let before = try cache.currentVersion { try Self.read { try reader.version() } }
        if let hit = cache.lookup(key, at: before) { return hit }
        let snapshot = try Self.read(call)
        let response = try Self.answer(snapshot, capacity: capacity(snapshot.value), members)
        if let after = try? reader.version() {
            if snapshot.checkpoint == before.checkpoint, after == before {
                cache.insert(key, response, at: before)
            } else {
                // Something was committed meanwhile: answers from now on are at least as new as this one.
                cache.observe(after)
            }
        }
        return response
    }

    /// `{"block": {...}, <members>}` for a snapshot of a synced database; 503 before the first commit.
    static func answer<T>(_ snapshot: Snapshot<T>, capacity: Int,
                          _ members: (T, inout JSONWriter) throws -> Void) throws -> Response {
        guard let checkpoint = snapshot.checkpoint else {
            throw HTTPError(.notReady, "the mirror has not committed any block yet; wait for `kalypso-mirror sync` to commit its first range")
        }
        do {
            return try Response.jsonObject(capacity: capacity) { w in
                w.key("block"); BlockJSON.write(checkpoint, to: &w)
                try members(snapshot.value, &w)
            }
        } catch let error as HTTPError where error.code == .notFound {
            // A 404 names the block it was decided at, like every answer.
            throw HTTPError(.notFound, "\(error.message) (synced block \(checkpoint.blockNumber), hash \(checkpoint.blockHash))")
        }
    }

    static func oneLine(_ error: any Error) -> String {
        String(describing: error).split(whereSeparator: \.isNewline).first.map(String.init) ?? "unknown error"
    }
}
