import API
import EthereumKit
import Foundation
import HTTPTestSupport
import Kalypso
import Mirror
import Testing

/// `/v1/markets…` and `/v1/asks/{id}` against the in-memory `KalypsoState`.
@Suite struct MarketRouteTests {
    static func expectMarket(_ json: JSONObject, _ m: Market, _ state: KalypsoState, clock: UInt256) throws {
        #expect(try json.string("id") == m.id.description)
        #expect(try json.bool("frozen") == m.frozen)
        #expect(try json.int("createdInBlock") == Int(m.createdInBlock))
        #expect(try json.int("generatorsListed") == state.generatorMarkets.values.filter { $0.marketId == m.id }.count)
        #expect(try json.strings("extraProverImages") == m.extraProverImages.sorted().map(\.description))
        if let d = m.data {
            let data = try json.object("data")
            #expect(try data.string("verifier") == d.verifier.description)
            #expect(try data.string("proverImageId") == d.proverImageId.description)
            #expect(try data.string("slashingPenalty") == d.slashingPenalty.description)
            #expect(try data.string("activationBlock") == d.activationBlock.description)
            #expect(try data.string("ivsImageId") == d.ivsImageId.description)
            #expect(try data.string("creator") == d.creator.description)
            #expect(try data.string("metadata") == Hex.encode(d.metadata))
            #expect(try data.optionalString("metadataText") == String(validating: d.metadata, as: UTF8.self))
            #expect(try json.bool("private") == d.isPrivate)
            #expect(try json.bool("active") == m.isActive(at: clock))
        } else {
            #expect(json.isNull("data") && json.isNull("private") && json.isNull("active"))
        }
    }

    @Test func marketsListAndShowMatchTheState() throws {
        let f = try APIFixture("markets")
        let state = f.chain.state
        let markets = state.markets.values.sorted { $0.id < $1.id }
        #expect(markets.count == 3)
        let list = try f.json("/v1/markets")
        #expect(try list.block() == f.cursor)
        #expect(list.isNull("nextCursor"))
        let items = try list.array("markets")
        #expect(items.count == markets.count)
        for (item, m) in zip(items, markets) { try Self.expectMarket(item, m, state, clock: f.chain.clock) }
        for m in markets {
            let one = try f.json("/v1/markets/\(m.id)")
            #expect(try one.block() == f.cursor)
            try Self.expectMarket(try one.object("market"), m, state, clock: f.chain.clock)
        }
        // Pages of one.
        let first = try f.json("/v1/markets?limit=1")
        #expect(try first.array("markets").map { try $0.string("id") } == ["0"])
        let cursor = try first.string("nextCursor")
        let second = try f.json("/v1/markets?limit=1&cursor=\(cursor)")
        #expect(try second.array("markets").map { try $0.string("id") } == ["1"])
    }

    @Test func marketGeneratorsListEveryListingWithAvailableComputeAndTheEligibleSubset() throws {
        let f = try APIFixture("market-generators")
        let state = f.chain.state
        for id in state.markets.keys.sorted() {
            let rows = state.generatorMarkets.values.filter { $0.marketId == id }.sorted { $0.generator < $1.generator }
            let listed = try f.json("/v1/markets/\(id)/generators")
            #expect(try listed.block() == f.cursor)
            #expect(try listed.string("filter") == "listed")
            #expect(try listed.string("marketId") == id.description)
            let items = try listed.array("generators")
            #expect(items.count == rows.count)
            var eligibleAddresses: [String] = []
            for (item, row) in zip(items, rows) {
                let listing = try item.object("listing")
                try GeneratorRouteTests.expectListing(listing, row, state)
                let g = state.generators[row.generator] ?? .zero(row.generator)
                try GeneratorRouteTests.expectRecord(try item.object("generator"), g)
                let available = AvailableCompute.of(g, rows: state.rows(of: row.generator))
                #expect(try item.optionalObject("availableCompute")?.string("numerator") == available?.numerator.description)
                #expect(try item.optionalString("maxReducibleStake") == g.maxReducibleStake?.description)
                #expect(try item.bool("hasUsableKey") == state.hasUsableKey(row.generator, forMarket: id))
                if try listing.bool("eligibleNow") { eligibleAddresses.append(try listing.string("generator")) }
            }
            let eligible = try f.json("/v1/markets/\(id)/generators?filter=eligible")
            #expect(try eligible.string("filter") == "eligible")
            #expect(try eligible.array("generators").map { try $0.object("listing").string("generator") } == eligibleAddresses)
        }
    }

    @Test func marketStatsCountWhatTheStateHolds() throws {
        let f = try APIFixture("market-stats", ranges: 4)
        let state = f.chain.state
        let clock = f.chain.clock
        var sawProved = false
        for id in state.markets.keys.sorted() {
            let json = try f.json("/v1/markets/\(id)/stats")
            #expect(try json.block() == f.cursor)
            let stats = try json.object("stats")
            let rows = state.generatorMarkets.values.filter { $0.marketId == id }
            #expect(try stats.string("marketId") == id.description)
            #expect(try stats.int("generatorsListed") == rows.count)
            let byState = try stats.object("generatorsByState")
            for s in GeneratorState.allCases {
                #expect(try byState.int(s.apiName) == rows.filter { state.getGeneratorState($0.generator, id)?.state == s }.count)
            }
            let joined = rows.filter { $0.state == .joined }.compactMap(\.proofGenerationCost).sorted()
            let price = try stats.optionalObject("price")
            #expect(try price?.int("count") == (joined.isEmpty ? nil : joined.count))
            #expect(try price?.string("min") == joined.first?.description)
            #expect(try price?.string("max") == joined.last?.description)
            let asks = state.asks.values.filter { $0.marketId == id }
            let asksByState = try stats.object("asksByState")
            for s in AskState.allCases {
                #expect(try asksByState.int(s.apiName) == asks.filter { $0.state(at: clock) == s }.count)
            }
            let byOutcome = try stats.object("asksByOutcome")
            for o in AskOutcome.allCases {
                #expect(try byOutcome.int(o.apiName) == asks.filter { $0.outcome == o }.count)
            }
            let durations = asks.filter { $0.outcome == .proved }
                .compactMap { a in a.completedInBlock.flatMap { c in a.assignedInBlock.map { c - $0 } } }.sorted()
            let median: UInt64? = durations.isEmpty ? nil
                : durations.count % 2 == 1 ? durations[durations.count / 2]
                : (durations[durations.count / 2 - 1] + durations[durations.count / 2]) / 2
            #expect(try stats.optionalInt("medianProofTimeBlocks") == median.map(Int.init))
            sawProved = sawProved || median != nil
        }
        #expect(sawProved, "the scenario should prove at least one ask")
    }

    @Test func everyAskMatchesTheStateWithItsDerivedState() throws {
        let f = try APIFixture("asks")
        let state = f.chain.state
        let clock = f.chain.clock
        #expect(state.asks.count >= 5)
        for (id, ask) in state.asks.sorted(by: { $0.key < $1.key }) {
            let json = try f.json("/v1/asks/\(id)")
            #expect(try json.block() == f.cursor)
            let a = try json.object("ask")
            #expect(try a.string("id") == id.description)
            #expect(try a.optionalString("marketId") == ask.marketId?.description)
            #expect(try a.optionalString("state") == ask.state(at: clock)?.apiName)
            #expect(try a.string("storedState") == ask.storedState.apiName)
            #expect(try a.string("clock") == clock.description)
            #expect(try a.optionalString("requester") == ask.requester?.description)
            #expect(try a.optionalString("generator") == ask.generator?.description)
            #expect(try a.bool("hasPrivateInputs") == ask.hasPrivateInputs)
            #expect(try a.optionalString("secretType") == ask.secretType?.apiName)
            #expect(try a.string("secretData") == Hex.encode(ask.secretData))
            #expect(try a.optionalString("outcome") == ask.outcome?.apiName)
            #expect(try a.optionalString("proof") == ask.proof.map { Hex.encode($0) })
            #expect(try a.int("createdInBlock") == Int(ask.createdInBlock))
            #expect(try a.optionalInt("assignedInBlock") == ask.assignedInBlock.map(Int.init))
            #expect(try a.optionalInt("completedInBlock") == ask.completedInBlock.map(Int.init))
            if let body = ask.body {
                let b = try a.object("body")
                #expect(try b.string("reward") == body.reward.description)
                #expect(try b.string("expiry") == body.expiry.description)
                #expect(try b.string("deadline") == body.deadline.description)
                #expect(try b.string("refundAddress") == body.refundAddress.description)
                #expect(try b.string("proverData") == Hex.encode(body.proverData))
            } else {
                #expect(a.isNull("body"))
            }
        }
        let unknown = try f.get("/v1/asks/\(state.asks.count + 1000)")
        #expect(unknown.status == 404)
        let market404 = try f.get("/v1/markets/99/stats")
        #expect(market404.status == 404)
        #expect(try JSONObject(market404).string("message").contains("market 99"))
    }
}
