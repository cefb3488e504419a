import Database
import EthereumKit
import Kalypso

extension SQLMirrorReader {
    public func generators(_ query: GeneratorQuery) throws -> Snapshot<Page<GeneratorSummary>> {
        try Self.checkLimit(query.limit)
        let after = try query.cursor.map { try PageCursor.address($0) }
        return try snapshot { db, _ in
            var items: [GeneratorSummary] = []
            var last = after
            // Fetch candidates in address order until the page (+1, to know whether another follows) is full: the
            // state filter is derived, so it is applied here, not in SQL.
            let batch = query.state == nil ? query.limit + 1 : max(query.limit + 1, 256)
            while items.count <= query.limit {
                let candidates = try Self.generatorCandidates(db, market: query.market, after: last, limit: batch)
                for c in candidates where query.state == nil || c.state == query.state {
                    items.append(c)
                    if items.count > query.limit { break }
                }
                guard candidates.count == batch, let tail = candidates.last else { break }
                last = tail.generator.address
            }
            let more = items.count > query.limit
            if more { items.removeLast(items.count - query.limit) }
            return Page(items: items, nextCursor: more ? items.last.map { PageCursor.of($0.generator.address) } : nil)
        }
    }

    /// Up to `limit` generators after `after` in address order, with their state (in `market`, or overall).
    private static func generatorCandidates(_ db: any DatabaseConnection, market: UInt256?, after: Address?, limit: Int) throws -> [GeneratorSummary] {
        if let market {
            let cursor: SQLQuery = after.map { "AND gm.generator > \($0)" } ?? ""
            let rows = try generatorRows(db, "gm.market_id = \(market) \(cursor)", "ORDER BY gm.generator LIMIT \(limit)")
            let addresses = rows.map(\.generator)
            let records = try generatorRecords(db, "g.address IN (\(list: addresses))")
            let counts = try rowCounts(db, of: addresses)
            return rows.map { row in
                let g = records[row.generator] ?? .zero(row.generator)
                return GeneratorSummary(generator: g, state: DerivedState.generatorState(row: row, generator: g)?.state,
                                        idleCapacity: g.idleCapacity, marketCount: counts[row.generator] ?? 0)
            }
        }
        let cursor: SQLQuery = after.map { "g.address > \($0)" } ?? "1 = 1"
        let records = try generatorRecords(db, cursor, "ORDER BY g.address LIMIT \(limit)")
        let addresses = records.keys.sorted()
        var rowsByGenerator: [Address: [GeneratorMarket]] = [:]
        for row in try generatorRows(db, "gm.generator IN (\(list: addresses))") { rowsByGenerator[row.generator, default: []].append(row) }
        return addresses.compactMap { a in
            guard let g = records[a] else { return nil }
            let rows = rowsByGenerator[a] ?? []
            return GeneratorSummary(generator: g, state: overallState(g, rows: rows), idleCapacity: g.idleCapacity, marketCount: rows.count)
        }
    }

    /// The number of listings of each generator.
    private static func rowCounts(_ db: any DatabaseConnection, of generators: [Address]) throws -> [Address: Int] {
        var out: [Address: Int] = [:]
        for row in try db.query("SELECT generator, count(*) FROM generator_markets WHERE generator IN (\(list: generators)) GROUP BY generator") {
            out[try row.decode(Address.self, at: 0)] = try row.decode(Int.self, at: 1)
        }
        return out
    }

    /// NULL without listings, REQUESTED_FOR_EXIT when all are exiting, else the state of a joined listing (the same
    /// in every market: it depends on the generator's idle capacity only).
    static func overallState(_ g: Generator, rows: [GeneratorMarket]) -> GeneratorState? {
        guard !rows.isEmpty else { return .null }
        guard let joined = rows.first(where: { $0.state == .joined }) else { return .requestedForExit }
        return DerivedState.generatorState(row: joined, generator: g)?.state
    }

    public func generator(_ address: Address) throws -> Snapshot<GeneratorDetail?> {
        try snapshot { db, sync in
            guard let g = try Self.generatorRecords(db, "g.address = \(address)")[address] else { return nil }
            let rows = try Self.generatorRows(db, "gm.generator = \(address)")
            let listings = try Self.listings(db, rows: rows, generators: [address: g], clock: sync.clock)
            let check = try Self.checks(db, "c.expected = \(address) AND c.kind = \(SignatureCheck.Kind.admin.rawValue)",
                                        "ORDER BY c.block_number DESC, c.seq DESC LIMIT 1").first
            return GeneratorDetail(generator: g, idleCapacity: g.idleCapacity, maxReducibleStake: g.maxReducibleStake,
                                   availableCompute: AvailableCompute.of(g, rows: rows), state: Self.overallState(g, rows: rows),
                                   markets: listings, adminCheck: check)
        }
    }

    public func generatorMarkets(_ address: Address) throws -> Snapshot<[GeneratorMarketStatus]?> {
        try snapshot { db, sync in
            let rows = try Self.generatorRows(db, "gm.generator = \(address)")
            let records = try Self.generatorRecords(db, "g.address = \(address)")
            guard !rows.isEmpty || !records.isEmpty else { return nil }
            return try Self.listings(db, rows: rows, generators: records, clock: sync.clock)
        }
    }

    /// The listings of `rows` with their derived state and eligibility (markets and keys loaded as needed).
    static func listings(_ db: any DatabaseConnection, rows: [GeneratorMarket], generators: [Address: Generator],
                         clock: UInt256) throws -> [GeneratorMarketStatus] {
        let markets = try marketRecords(db, "m.id IN (\(list: Set(rows.map(\.marketId)).sorted()))")
        let keys = try keyRecords(db, "k.owner IN (\(list: Set(rows.map(\.generator)).sorted()))")
        return rows.map { listing($0, generator: generators[$0.generator], market: markets[$0.marketId], keys: keys, clock: clock) }
    }

    /// One listing's derived values. Eligibility asks `Eligibility.check` about an ask that meets the listing's own
    /// price and time and has not expired (expiry = clock + 1), and adds the private-market key rule.
    static func listing(_ row: GeneratorMarket, generator: Generator?, market: Market?, keys: [KeyID: EnclaveKey],
                        clock: UInt256) -> GeneratorMarketStatus {
        let g = generator ?? .zero(row.generator)
        let reading = DerivedState.generatorState(row: row, generator: g)
        var reason: String?
        if let cost = row.proofGenerationCost, let time = row.proposedTime {
            let expiry = clock.adding(.one) ?? .max
            let body = AskBody(marketId: row.marketId, reward: cost, expiry: expiry, timeTakenForProofGeneration: time,
                               deadline: expiry, refundAddress: .zero, proverData: [])
            let ask = Ask(id: .zero, body: body, storedState: .create, requester: nil, hasPrivateInputs: market?.data?.isPrivate ?? false,
                          secretData: [], acl: [], extraData: [], secretType: nil, createdInBlock: 0)
            switch Eligibility.check(askId: .zero, ask: ask, generatorAddress: row.generator, generator: generator, row: row,
                                     market: market, now: clock) {
            case .eligible:
                if market?.data?.isPrivate == true, keys[KeyID(owner: row.generator, keyIndex: row.marketId)]?.isUsable != true {
                    reason = "no usable enclave key for private market \(row.marketId)"
                }
            case .reverts(let revert): reason = revert.description
            case .indeterminate(let why): reason = why
            }
        } else {
            reason = "proofGenerationCost and proposedTime of \(row.key) are unknown (JoinedMarketplace not enriched)"
        }
        return GeneratorMarketStatus(row: row, state: reading?.state, idleCapacity: reading?.idleCapacity ?? .zero,
                                computePerProof: AvailableCompute.computePerProof(row: row, generator: g),
                                eligibleNow: reason == nil, ineligibleReason: reason)
    }
}
