import Database
import EthereumKit
import Kalypso

extension SQLMirrorReader {
    public func markets(limit: Int, cursor: String?) throws -> Snapshot<Page<MarketSummary>> {
        try Self.checkLimit(limit)
        let after = try cursor.map { try PageCursor.uint256($0) }
        return try snapshot { db, sync in
            let clause: SQLQuery = after.map { "m.id > \($0)" } ?? "1 = 1"
            let items = try Self.marketSummaries(db, clause, "ORDER BY m.id LIMIT \(limit + 1)", clock: sync.clock)
            return Self.page(items, limit: limit) { PageCursor.of($0.market.id) }
        }
    }

    public func market(_ id: UInt256) throws -> Snapshot<MarketSummary?> {
        try snapshot { db, sync in try Self.marketSummaries(db, "m.id = \(id)", "", clock: sync.clock).first }
    }

    private static func marketSummaries(_ db: any DatabaseConnection, _ where: SQLQuery, _ tail: SQLQuery,
                                        clock: UInt256) throws -> [MarketSummary] {
        try db.query("""
            SELECT \(unsafeRaw: EntityRows.markets.selectList(alias: "m")),
                   (SELECT count(*) FROM generator_markets gm WHERE gm.market_id = m.id)
            FROM markets m WHERE \(`where`) \(tail)
            """).map { row in
            var r = ColumnReader(row)
            let m = try EntityRows.market(&r)
            return MarketSummary(market: m, isPrivate: m.data?.isPrivate, isActive: m.isActive(at: clock), generatorsListed: try r.next())
        }
    }

    public func marketGenerators(_ id: UInt256, filter: MarketGeneratorFilter) throws -> Snapshot<[MarketGenerator]?> {
        try snapshot { db, sync in
            guard let market = try Self.marketRecords(db, "m.id = \(id)")[id] else { return nil }
            let inMarket: SQLQuery = "SELECT generator FROM generator_markets WHERE market_id = \(id)"
            // Every listing of the market's generators: AvailableCompute counts the tasks of all their markets.
            let allRows = try Self.generatorRows(db, "gm.generator IN (\(inMarket))")
            let records = try Self.generatorRecords(db, "g.address IN (\(inMarket))")
            let keys = try Self.keyRecords(db, "k.key_index = \(id) AND k.owner IN (\(inMarket))")
            var rowsByGenerator: [Address: [GeneratorMarket]] = [:]
            for row in allRows { rowsByGenerator[row.generator, default: []].append(row) }
            var out: [MarketGenerator] = []
            for row in allRows where row.marketId == id {
                let listing = Self.listing(row, generator: records[row.generator], market: market, keys: keys, clock: sync.clock)
                if filter == .eligible && !listing.eligibleNow { continue }
                let g = records[row.generator] ?? .zero(row.generator)
                out.append(MarketGenerator(listing: listing, generator: g,
                                           availableCompute: AvailableCompute.of(g, rows: rowsByGenerator[row.generator] ?? []),
                                           maxReducibleStake: g.maxReducibleStake,
                                           hasUsableKey: keys[KeyID(owner: row.generator, keyIndex: id)]?.isUsable ?? false))
            }
            return out
        }
    }

    public func marketStats(_ id: UInt256) throws -> Snapshot<MarketStats?> {
        try snapshot { db, sync in
            guard try db.queryFirst("SELECT 1 FROM markets WHERE id = \(id)") != nil else { return nil }
            let rows = try Self.generatorRows(db, "gm.market_id = \(id)")
            let records = try Self.generatorRecords(db, "g.address IN (SELECT generator FROM generator_markets WHERE market_id = \(id))")
            var byState: [GeneratorState: Int] = [:]
            var prices: [UInt256] = [], times: [UInt256] = []
            for row in rows {
                if let state = DerivedState.generatorState(row: row, generator: records[row.generator] ?? .zero(row.generator))?.state {
                    byState[state, default: 0] += 1
                }
                if row.state == .joined, let cost = row.proofGenerationCost, let time = row.proposedTime {
                    prices.append(cost)
                    times.append(time)
                }
            }
            // Completed asks by outcome in SQL; open asks (few) loaded for their clock-dependent state.
            var asksByState: [AskState: Int] = [:], byOutcome: [AskOutcome: Int] = [:], unknown = 0
            let complete = Int64(StoredAskState.complete.rawValue)
            for row in try db.query("SELECT outcome, count(*) FROM asks WHERE market_id = \(id) AND stored_state = \(complete) GROUP BY outcome") {
                let count: Int = try row.decode(Int.self, at: 1)
                asksByState[.complete, default: 0] += count
                if let raw: Int64 = try row.decode(Int64?.self, at: 0), let outcome = UInt8(exactly: raw).flatMap(AskOutcome.init(rawValue:)) {
                    byOutcome[outcome, default: 0] += count
                }
            }
            let open = [StoredAskState.create, .assigned].map { Int64($0.rawValue) }
            for row in try db.query("SELECT \(unsafeRaw: EntityRows.asks.columns.joined(separator: ", ")) FROM asks WHERE market_id = \(id) AND stored_state IN (\(list: open))") {
                var r = ColumnReader(row)
                if let state = try EntityRows.ask(&r).state(at: sync.clock) { asksByState[state, default: 0] += 1 } else { unknown += 1 }
            }
            return MarketStats(marketId: id, generatorsListed: rows.count, generatorsByState: byState, price: ValueSpread(prices),
                               proposedTime: ValueSpread(times), asksByState: asksByState, asksWithUnknownState: unknown,
                               asksByOutcome: byOutcome, medianProofTimeBlocks: try Self.medianProofTime(db, market: id))
        }
    }

    /// The median of `completed_in_block − assigned_in_block` over the market's proved asks, sorted in SQL.
    private static func medianProofTime(_ db: any DatabaseConnection, market id: UInt256) throws -> UInt64? {
        let proved: SQLQuery = """
            FROM asks WHERE market_id = \(id) AND stored_state = \(Int64(StoredAskState.complete.rawValue)) \
            AND outcome = \(Int64(AskOutcome.proved.rawValue)) AND assigned_in_block IS NOT NULL AND completed_in_block IS NOT NULL
            """
        let n: Int = try db.queryValue("SELECT count(*) \(proved)")
        guard n > 0 else { return nil }
        let middle = try db.query("SELECT completed_in_block - assigned_in_block AS d \(proved) ORDER BY d LIMIT 2 OFFSET \((n - 1) / 2)")
            .map { try $0.decode(Int64.self, at: 0) }
        guard let first = middle.first else { return nil }
        let value = n % 2 == 1 || middle.count < 2 ? first : first + (middle[1] - first) / 2
        return UInt64(exactly: max(value, 0))
    }

    public func ask(_ id: UInt256) throws -> Snapshot<AskDetail?> {
        try snapshot { db, sync in
            guard let row = try db.queryFirst("SELECT \(unsafeRaw: EntityRows.asks.columns.joined(separator: ", ")) FROM asks WHERE id = \(id)") else { return nil }
            var r = ColumnReader(row)
            let ask = try EntityRows.ask(&r)
            return AskDetail(ask: ask, state: ask.state(at: sync.clock), clock: sync.clock)
        }
    }
}
