import API
import EthereumKit
import Foundation
import HTTPTestSupport
import Kalypso
import Mirror
import Testing

/// `/v1/generators…` against the in-memory `KalypsoState` the committed ranges were reduced from.
@Suite struct GeneratorRouteTests {
    /// The overall state the API documents: null without listings, requested_for_exit when every listing exits,
    /// else getGeneratorState of a joined listing.
    static func overallState(_ g: Generator, _ rows: [GeneratorMarket]) -> GeneratorState? {
        if rows.isEmpty { return .null }
        guard let joined = rows.first(where: { $0.state == .joined }) else { return .requestedForExit }
        return DerivedState.generatorState(row: joined, generator: g)?.state
    }

    static func expectRecord(_ json: JSONObject, _ g: Generator) throws {
        #expect(try json.string("address") == g.address.description)
        #expect(try json.string("addressChecksummed") == g.address.checksummed)
        #expect(try json.optionalString("rewardAddress") == g.rewardAddress?.description)
        #expect(try json.string("totalStake") == g.totalStake.description)
        #expect(try json.string("stakeLocked") == g.stakeLocked.description)
        #expect(try json.string("declaredCompute") == g.declaredCompute.description)
        #expect(try json.string("computeConsumed") == g.computeConsumed.description)
        #expect(try json.string("sumOfComputeAllocations") == g.sumOfComputeAllocations.description)
        #expect(try json.string("activeMarketplaces") == g.activeMarketplaces.description)
        #expect(try json.string("intendedStakeUtilization") == g.intendedStakeUtilization.description)
        #expect(try json.string("intendedComputeUtilization") == g.intendedComputeUtilization.description)
        #expect(try json.optionalString("generatorData") == g.generatorData.map { Hex.encode($0) })
        #expect(try json.optionalString("generatorDataText") == g.generatorData.flatMap { String(validating: $0, as: UTF8.self) })
        #expect(try json.int("registeredInBlock") == Int(g.registeredInBlock))
        let pending = try json.optionalObject("pendingStakeReduction")
        #expect(try pending?.int("requestedInBlock") == g.pendingStakeReduction.map { Int($0.requestedInBlock) })
        #expect(try pending?.optionalString("executableFromClock") == g.pendingStakeReduction?.executableFromClock?.description)
        #expect(try json.optionalObject("pendingComputeReduction") == nil || g.pendingComputeReduction != nil)
    }

    static func expectListing(_ json: JSONObject, _ row: GeneratorMarket, _ state: KalypsoState) throws {
        let reading = state.getGeneratorState(row.generator, row.marketId)
        #expect(try json.string("generator") == row.generator.description)
        #expect(try json.string("marketId") == row.marketId.description)
        #expect(try json.string("storedState") == row.state.apiName)
        #expect(try json.optionalString("state") == reading?.state.apiName)
        #expect(try json.string("idleCapacity") == (reading?.idleCapacity ?? .zero).description)
        #expect(try json.string("computePerRequestRequired") == row.computePerRequestRequired.description)
        #expect(try json.optionalString("proofGenerationCost") == row.proofGenerationCost?.description)
        #expect(try json.optionalString("proposedTime") == row.proposedTime?.description)
        #expect(try json.string("activeRequests") == row.activeRequests.description)
        #expect(try json.int("joinedInBlock") == Int(row.joinedInBlock))
        let eligible = try json.bool("eligibleNow")
        #expect(eligible == json.isNull("ineligibleReason"))
        // A listing that is not joined with idle compute can never take an ask.
        if reading?.state != .joined && reading?.state != .wip { #expect(!eligible) }
    }

    @Test func everyGeneratorDetailMatchesTheState() throws {
        let f = try APIFixture("generator-detail")
        let state = f.chain.state
        #expect(state.generators.count >= 3)
        for (address, g) in state.generators.sorted(by: { $0.key < $1.key }) {
            let json = try f.json("/v1/generators/\(address)")
            #expect(try json.block() == f.cursor)
            let detail = try json.object("generator")
            try Self.expectRecord(detail, g)
            let rows = state.rows(of: address).sorted { $0.marketId < $1.marketId }
            #expect(try detail.optionalString("state") == Self.overallState(g, rows)?.apiName)
            #expect(try detail.optionalString("idleCapacity") == g.idleCapacity?.description)
            #expect(try detail.optionalString("maxReducibleStake") == g.maxReducibleStake?.description)
            let available = AvailableCompute.of(g, rows: rows)
            let availableJSON = try detail.optionalObject("availableCompute")
            #expect(try availableJSON?.string("numerator") == available?.numerator.description)
            #expect(try availableJSON?.string("denominator") == available?.denominator.description)
            #expect(try availableJSON?.optionalString("scaled1e18") == available?.scaled1e18?.description)
            let markets = try detail.array("markets")
            #expect(markets.count == rows.count)
            for (listing, row) in zip(markets, rows) { try Self.expectListing(listing, row, state) }
            let check = try detail.optionalObject("adminSignatureCheck")
            let expected = f.chain.lastAdminCheck[address]
            #expect(try check?.string("kind") == expected.map { _ in "admin" })
            #expect(try check?.int("blockNumber") == expected.map { Int($0.position.blockNumber) })
            #expect(try check?.string("transactionHash") == expected?.position.transactionHash.description)
            #expect(try check?.optionalString("recovered") == expected?.recovered?.description)
            #expect(try check?.bool("matches") == expected?.matches)

            let markets2 = try f.json("/v1/generators/\(address)/markets")
            #expect(try markets2.string("generator") == address.description)
            let listings = try markets2.array("markets")
            #expect(listings.count == rows.count)
            for (listing, row) in zip(listings, rows) { try Self.expectListing(listing, row, state) }
        }
    }

    @Test func addressesAreAcceptedLowercaseUppercaseAndChecksummed() throws {
        let f = try APIFixture("generator-case", ranges: 1)
        let address = try #require(f.chain.state.generators.keys.sorted().first)
        let lower = try f.json("/v1/generators/\(address)")
        let checksummed = try f.json("/v1/generators/\(address.checksummed)")
        let upper = try f.json("/v1/generators/0x\(address.description.dropFirst(2).uppercased())")
        #expect(lower.description == checksummed.description)
        #expect(lower.description == upper.description)
    }

    @Test func theListPagesThroughEveryGeneratorInAddressOrder() throws {
        let f = try APIFixture("generator-pages")
        let state = f.chain.state
        var seen: [String] = []
        var cursor: String?
        var pages = 0
        repeat {
            let json = try f.json("/v1/generators?limit=3" + (cursor.map { "&cursor=\($0)" } ?? ""))
            #expect(try json.block() == f.cursor)
            let items = try json.array("generators")
            #expect(items.count <= 3)
            for item in items {
                let address = try Address(try item.string("address"))
                let g = try #require(state.generators[address])
                try Self.expectRecord(item, g)
                let rows = state.rows(of: address)
                #expect(try item.optionalString("state") == Self.overallState(g, rows)?.apiName)
                #expect(try item.int("marketCount") == rows.count)
                #expect(try item.optionalString("idleCapacity") == g.idleCapacity?.description)
                seen.append(address.description)
            }
            cursor = try json.optionalString("nextCursor")
            pages += 1
        } while cursor != nil && pages < 100
        #expect(seen == state.generators.keys.sorted().map(\.description))
        #expect(pages == (state.generators.count + 2) / 3)
    }

    @Test func theListFiltersByMarketAndByState() throws {
        let f = try APIFixture("generator-filters")
        let state = f.chain.state
        for market in [UInt256.zero, .one] {
            let rows = state.generatorMarkets.values.filter { $0.marketId == market }.sorted { $0.generator < $1.generator }
            let all = try f.json("/v1/generators?market=\(market)&limit=1000").array("generators")
            #expect(try all.map { try $0.string("address") } == rows.map(\.generator.description))
            for (item, row) in zip(all, rows) {
                #expect(try item.optionalString("state") == state.getGeneratorState(row.generator, market)?.state.apiName)
            }
            for wanted in GeneratorState.allCases {
                let filtered = try f.json("/v1/generators?market=\(market)&state=\(wanted.apiName)").array("generators")
                let expected = rows.filter { state.getGeneratorState($0.generator, market)?.state == wanted }.map(\.generator.description)
                #expect(try filtered.map { try $0.string("address") } == expected)
            }
        }
        let exiting = try f.json("/v1/generators?state=requested_for_exit").array("generators")
        let expected = state.generators.values.filter { Self.overallState($0, state.rows(of: $0.address)) == .requestedForExit }
        #expect(try exiting.map { try $0.string("address") } == expected.map(\.address).sorted().map(\.description))
    }

    @Test func unknownGeneratorsAre404WithAMessage() throws {
        let f = try APIFixture("generator-404", ranges: 1)
        let unknown = Address(hi: 0xdead, mid: 0, lo: 0xbeef)
        for target in ["/v1/generators/\(unknown)", "/v1/generators/\(unknown)/markets"] {
            let response = try f.get(target)
            #expect(response.status == 404)
            let body = try JSONObject(response)
            #expect(try body.string("code") == "not_found")
            #expect(try body.string("message").contains(unknown.description))
            #expect(try body.string("message").contains("synced block \(f.cursor.blockNumber), hash \(f.cursor.blockHash)"))
        }
    }
}
