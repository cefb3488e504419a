@testable import API
import EthereumKit
import Foundation
import HTTPTestSupport
import Mirror
import Testing

/// The response cache answers exactly what an uncached read answers, and never outlives a commit or a rewind.
@Suite struct ResponseCacheTests {
    static func targets(_ f: APIFixture) -> [String] {
        let state = f.chain.state
        var out = ["/v1/generators", "/v1/generators?limit=2", "/v1/generators?market=0&state=joined", "/v1/markets", "/v1/markets?limit=1"]
        for a in state.generators.keys.sorted() { out += ["/v1/generators/\(a)", "/v1/generators/\(a)/markets"] }
        for m in state.markets.keys.sorted() {
            out += ["/v1/markets/\(m)", "/v1/markets/\(m)/generators", "/v1/markets/\(m)/generators?filter=eligible", "/v1/markets/\(m)/stats"]
        }
        for id in state.asks.keys.sorted().prefix(10) { out.append("/v1/asks/\(id)") }
        return out
    }

    @Test func cachedAnswersAreByteForByteTheUncachedOnes() throws {
        let cached = try APIFixture("cache-on", ranges: 2)
        let uncached = try APIFixture("cache-off", ranges: 2, configure: { $0.cacheEntries = 0 })
        let targets = Self.targets(cached)
        for round in 0..<2 {
            for target in targets {
                let a = try cached.get(target), b = try uncached.get(target)
                #expect(a.status == b.status, "\(target)")
                #expect(a.text == b.text, "round \(round): \(target)")
            }
        }
        #expect(cached.service.api.cachedAnswers == targets.count)
        #expect(uncached.service.api.cachedAnswers == 0)
    }

    @Test func aCommitInvalidatesEveryAnswer() throws {
        let f = try APIFixture("cache-commit", ranges: 1)
        let address = try #require(f.chain.state.generators.keys.sorted().first)
        let before = try f.json("/v1/generators/\(address)")
        #expect(try before.block() == f.cursor)
        #expect(f.service.api.cachedAnswers == 1)
        try f.commitRange(blocks: 5)
        let after = try f.json("/v1/generators/\(address)")
        #expect(try after.block() == f.cursor)
        #expect(try after.object("generator").string("totalStake") == f.chain.state.generators[address]?.totalStake.description)
        #expect(f.service.api.cachedAnswers == 1)
    }

    @Test func aRewindBackToTheSameCursorWithOtherDataIsNotServedFromTheCache() throws {
        // Two histories over the same block numbers and hashes: the cursor (block, hash) is the same after the
        // rewind and the re-commit, only the rewind count tells them apart.
        let f = try APIFixture("cache-rewind", seed: 1, ranges: 1, blocks: 30)
        let targets = Self.targets(f)
        var first: [String: String] = [:]
        for t in targets { first[t] = try f.get(t).text }
        #expect(f.service.api.cachedAnswers > 0)
        _ = try f.store.rewind(to: 100, reason: "test: replace the history")
        var other = MarketplaceChain(seed: 2, startBlock: 101)
        try f.store.commit(other.range(blocks: 29), reorgWindow: 64)
        f.chain = other
        let uncached = try APIService.open(database: .sqlite(path: f.path), configuration: APIService.Configuration(cacheEntries: 0),
                                           metrics: .init(), logger: .disabled)
        defer { uncached.shutdown() }
        var differing = 0
        for t in targets {
            let served = try f.get(t).text
            #expect(served == (try fetch(uncached.port, t).text), "\(t)")
            if served != first[t] { differing += 1 }
        }
        #expect(differing > 0, "the second history should change some answers")
    }

    @Test func aVersionReadIsTrustedForTheRecheckIntervalAndAFresherReadMovesItOn() throws {
        // An hour: no test run lasts that long, so the only thing that can move the version is a fresher read.
        let f = try APIFixture("cache-recheck", ranges: 1, configure: { $0.cacheRecheck = .seconds(3600) })
        let address = try #require(f.chain.state.generators.keys.sorted().first)
        let first = f.cursor
        #expect(try f.json("/v1/generators/\(address)").block() == first)
        try f.commitRange(blocks: 5)
        #expect(f.cursor != first)
        // Within the interval the answer is the one of the version last read, and it names that block.
        let stale = try f.get("/v1/generators/\(address)")
        #expect(try JSONObject(stale).block() == first)
        // /v1/status always reads the database; the version it sees is the one answers are given at from then on.
        #expect(try f.json("/v1/status").block() == f.cursor)
        let fresh = try f.json("/v1/generators/\(address)")
        #expect(try fresh.block() == f.cursor)
        #expect(try fresh.object("generator").string("totalStake") == f.chain.state.generators[address]?.totalStake.description)
    }

    @Test func theVersionOnlyMovesForward() {
        let cache = ResponseCache(maximumEntries: 8, recheckInterval: .seconds(3600))
        func version(_ block: UInt64, reorgs: Int) -> MirrorVersion {
            MirrorVersion(checkpoint: Checkpoint(blockNumber: block, blockHash: MarketplaceChain.blockHash(block)), reorgsSeen: reorgs)
        }
        #expect(cache.observe(version(10, reorgs: 0)) == version(10, reorgs: 0))
        // An older read (a request that started before a commit) does not move it back.
        #expect(cache.observe(version(9, reorgs: 0)) == version(10, reorgs: 0))
        #expect(cache.observe(MirrorVersion(checkpoint: nil, reorgsSeen: 0)) == version(10, reorgs: 0))
        // A rewind to a lower block is newer: it counts one more rewind.
        #expect(cache.observe(version(5, reorgs: 1)) == version(5, reorgs: 1))
        #expect(cache.observe(version(12, reorgs: 0)) == version(5, reorgs: 1))
        // Within the interval, the version is the one last seen without reading.
        var reads = 0
        let current = cache.currentVersion { reads += 1; return version(20, reorgs: 1) }
        #expect(current == version(5, reorgs: 1))
        #expect(reads == 0)
        let eager = ResponseCache(maximumEntries: 8, recheckInterval: .zero)
        #expect(eager.currentVersion { reads += 1; return version(20, reorgs: 1) } == version(20, reorgs: 1))
        #expect(eager.currentVersion { reads += 1; return version(21, reorgs: 1) } == version(21, reorgs: 1))
        #expect(reads == 2)
    }
}
