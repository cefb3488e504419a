import Database
import DatabaseTestSupport
import EthereumKit
import Foundation
@testable import Kalypso
@testable import Mirror
import Testing

@Suite struct MirrorReaderTests {
    typealias F = ReaderFixture

    /// A store holding `ReaderFixture`, head 1010, and a reader on it.
    private func withFixture(_ body: (SQLMirrorReader, SQLMirrorStore) throws -> Void) throws {
        try StoreFixture.with("reader") { store, _ in
            try store.commit(F.range, reorgWindow: 64)
            try store.recordHead(1010)
            try body(SQLMirrorReader(pool: store.pool), store)
        }
    }

    private let checkpoint = Checkpoint(blockNumber: 1000, blockHash: F.blockHash(1000))

    @Test func fixtureLoadsBack() throws {
        try withFixture { _, store in
            let loaded = try store.loadState()
            #expect(loaded.state == F.state)
        }
    }

    @Test func status() throws {
        try withFixture { reader, _ in
            let s = try reader.status()
            #expect(s.checkpoint == checkpoint)
            let v = s.value
            #expect(v.head == 1010 && v.synced == checkpoint && v.lag == 10 && v.clock == UInt256(1000))
            #expect(v.headRecordedAt != nil && v.startedAt != nil)
            #expect(v.reorgsSeen == 0 && v.lastReorg == nil && v.undoFloor == 989, "the first range starts at 990")
            #expect(v.quarantinedCount == 2)
            #expect(v.unknownTopics == [UnknownTopicCount(topic0: F.topicT1, count: 2, otherGeneration: "G1.5 RegisteredGenerator"),
                                        UnknownTopicCount(topic0: F.topicT2, count: 1, otherGeneration: nil)])
            #expect(v.unknownCount == 3)
            #expect(v.issuesBySeverity == ["warning": 2, "info": 1] && v.issuesCount == 3)
            #expect(v.signatureMismatches == 2 && v.generatorCount == 6 && v.marketCount == 3)
        }
    }

    @Test func generatorsListPagesAndFilters() throws {
        try withFixture { reader, _ in
            // Every generator, two per page, in address order.
            var seen: [Address] = []
            var states: [GeneratorState?] = []
            var cursor: String?
            repeat {
                let page = try reader.generators(GeneratorQuery(limit: 2, cursor: cursor))
                #expect(page.checkpoint == checkpoint)
                seen += page.value.items.map(\.generator.address)
                states += page.value.items.map(\.state)
                cursor = page.value.nextCursor
            } while cursor != nil
            #expect(seen == [F.a, F.b, F.c, F.d, F.e, F.f])
            #expect(states == [.joined, .wip, .noComputeAvailable, .requestedForExit, .null, .joined])

            let joined = try reader.generators(GeneratorQuery(state: .joined)).value
            #expect(joined.items.map(\.generator.address) == [F.a, F.f] && joined.nextCursor == nil)
            let inMarket = try reader.generators(GeneratorQuery(market: .zero)).value.items
            #expect(inMarket.map(\.generator.address) == [F.a, F.b, F.c, F.d])
            #expect(inMarket.map(\.state) == [.joined, .wip, .noComputeAvailable, .requestedForExit])
            #expect(inMarket.map(\.marketCount) == [2, 1, 1, 1])
            #expect(inMarket[1].idleCapacity == UInt256(60))
            let wip = try reader.generators(GeneratorQuery(market: .zero, state: .wip, limit: 1)).value
            #expect(wip.items.map(\.generator.address) == [F.b] && wip.nextCursor == nil)
            let firstOfMarket = try reader.generators(GeneratorQuery(market: .zero, limit: 3)).value
            #expect(firstOfMarket.items.count == 3)
            let rest = try reader.generators(GeneratorQuery(market: .zero, limit: 3, cursor: firstOfMarket.nextCursor)).value
            #expect(rest.items.map(\.generator.address) == [F.d] && rest.nextCursor == nil)
        }
    }

    @Test func generatorShowAndMarkets() throws {
        try withFixture { reader, _ in
            let detail = try #require(try reader.generator(F.a).value)
            #expect(detail.generator == F.state.generators[F.a])
            #expect(detail.idleCapacity == UInt256(100) && detail.maxReducibleStake == UInt256(1000) && detail.state == .joined)
            #expect(detail.availableCompute == ComputeFraction(UInt256(100), over: UInt256(100)))
            #expect(detail.markets.map(\.row.marketId) == [.zero, .one])
            #expect(detail.markets.map(\.eligibleNow) == [true, true])
            #expect(detail.markets[0].computePerProof == ComputeFraction(UInt256(10), over: UInt256(100)))
            #expect(detail.adminCheck?.position.blockNumber == 1000 && detail.adminCheck?.matches == false)
            #expect(detail.adminCheck?.note == "sender is a contract wallet" && detail.adminCheck?.recovered == F.address(0x5a))
            #expect(try reader.generator(F.address(0x404)).value == nil)

            let b = try #require(try reader.generatorMarkets(F.b).value)
            #expect(b.count == 1 && b[0].state == .wip && b[0].idleCapacity == UInt256(60) && !b[0].eligibleNow)
            #expect(b[0].ineligibleReason?.contains("InsufficientStakeToLock") == true)
            let c = try #require(try reader.generatorMarkets(F.c).value)
            #expect(c[0].state == .noComputeAvailable && c[0].ineligibleReason?.contains("AssignOnlyToIdleGenerators") == true)
            let e = try #require(try reader.generatorMarkets(F.e).value)
            #expect(e.isEmpty)
            #expect(try reader.generatorMarkets(F.address(0x404)).value == nil)
        }
    }

    @Test func marketsListShowAndGenerators() throws {
        try withFixture { reader, _ in
            let first = try reader.markets(limit: 2, cursor: nil).value
            #expect(first.items.map(\.market.id) == [.zero, .one])
            let second = try reader.markets(limit: 2, cursor: first.nextCursor).value
            #expect(second.items.map(\.market.id) == [UInt256(2)] && second.nextCursor == nil)
            #expect(first.items[0].isPrivate == false && first.items[0].isActive == true && first.items[0].generatorsListed == 4)
            let m1 = try #require(try reader.market(.one).value)
            #expect(m1.market == F.state.markets[.one] && m1.isPrivate == true && m1.isActive == false && m1.generatorsListed == 2)
            let m2 = try #require(try reader.market(UInt256(2)).value)
            #expect(m2.market.data == nil && m2.isPrivate == nil && m2.isActive == nil)
            #expect(try reader.market(UInt256(9)).value == nil)

            let listed = try #require(try reader.marketGenerators(.zero, filter: .listed).value)
            #expect(listed.map(\.generator.address) == [F.a, F.b, F.c, F.d])
            #expect(listed.map(\.listing.eligibleNow) == [true, false, false, false])
            #expect(listed[1].availableCompute == ComputeFraction(UInt256(60), over: UInt256(100)))
            #expect(listed[1].maxReducibleStake == UInt256(5))
            #expect(listed[3].listing.ineligibleReason?.contains("AssignOnlyToIdleGenerators") == true)
            let eligible = try #require(try reader.marketGenerators(.zero, filter: .eligible).value)
            #expect(eligible.map(\.generator.address) == [F.a])
            let privateMarket = try #require(try reader.marketGenerators(.one, filter: .listed).value)
            #expect(privateMarket.map(\.generator.address) == [F.a, F.f])
            #expect(privateMarket.map(\.hasUsableKey) == [true, false])
            #expect(privateMarket[1].listing.ineligibleReason?.contains("no usable enclave key") == true)
            #expect(try reader.marketGenerators(.one, filter: .eligible).value?.map(\.generator.address) == [F.a])
            #expect(try reader.marketGenerators(UInt256(9), filter: .listed).value == nil)
        }
    }

    @Test func marketStats() throws {
        try withFixture { reader, _ in
            let stats = try #require(try reader.marketStats(.zero).value)
            #expect(stats.generatorsListed == 4)
            #expect(stats.generatorsByState == [.joined: 1, .wip: 1, .noComputeAvailable: 1, .requestedForExit: 1])
            #expect(stats.price == ValueSpread([UInt256(5), UInt256(9), UInt256(1)]))
            #expect(stats.price?.min == UInt256(1) && stats.price?.median == UInt256(5) && stats.price?.max == UInt256(9))
            #expect(stats.proposedTime?.min == UInt256(5) && stats.proposedTime?.median == UInt256(10) && stats.proposedTime?.max == UInt256(20))
            #expect(stats.asksByState == [.create: 1, .unassigned: 1, .assigned: 1, .deadlineCrossed: 1, .complete: 4])
            #expect(stats.asksByOutcome == [.proved: 3, .slashed: 1] && stats.asksWithUnknownState == 0)
            #expect(stats.medianProofTimeBlocks == 20)
            let empty = try #require(try reader.marketStats(UInt256(2)).value)
            #expect(empty.generatorsListed == 0 && empty.price == nil && empty.medianProofTimeBlocks == nil && empty.asksByState.isEmpty)
            #expect(try reader.marketStats(UInt256(9)).value == nil)
        }
        // The median of an even count is the floor of the mean of the middle two.
        #expect(ValueSpread([UInt256(1), UInt256(4)])?.median == UInt256(2))
        #expect(ValueSpread([UInt256.max, UInt256.max])?.median == .max)
        #expect(ValueSpread([]) == nil)
    }

    @Test func asks() throws {
        try withFixture { reader, _ in
            let crossed = try #require(try reader.ask(UInt256(3)).value)
            #expect(crossed.ask == F.state.asks[UInt256(3)] && crossed.state == .deadlineCrossed && crossed.clock == UInt256(1000))
            #expect(try reader.ask(UInt256(1)).value?.state == .unassigned)
            let unknownBody = try #require(try reader.ask(UInt256(8)).value)
            #expect(unknownBody.ask.body == nil && unknownBody.state == nil)
            #expect(try reader.ask(UInt256(99)).value == nil)
        }
    }

    @Test func quarantineChecksIssuesAndEvents() throws {
        try withFixture { reader, _ in
            let range = F.range
            let q1 = try reader.quarantinedLogs(limit: 1, cursor: nil).value
            #expect(q1.items == [range.quarantined[0]] && q1.nextCursor != nil)
            let q2 = try reader.quarantinedLogs(limit: 1, cursor: q1.nextCursor).value
            #expect(q2.items == [range.quarantined[1]] && q2.nextCursor == nil)

            #expect(try reader.signatureChecks(SignatureCheckQuery()).value.items == range.signatureChecks.sorted { $0.position < $1.position })
            #expect(try reader.signatureChecks(SignatureCheckQuery(kind: .admin)).value.items == [range.signatureChecks[0], range.signatureChecks[1]])
            #expect(try reader.signatureChecks(SignatureCheckQuery(mismatchesOnly: true)).value.items == [range.signatureChecks[2], range.signatureChecks[1]])
            #expect(try reader.signatureChecks(SignatureCheckQuery(expected: F.f)).value.items == [range.signatureChecks[2]])
            let firstCheck = try reader.signatureChecks(SignatureCheckQuery(limit: 2)).value
            #expect(try reader.signatureChecks(SignatureCheckQuery(limit: 2, cursor: firstCheck.nextCursor)).value.items == [range.signatureChecks[1]])

            let issues = try reader.issues(limit: 2, cursor: nil).value
            #expect(issues.items.map(\.message) == ["underflow 1", "ask 99 unknown"])
            #expect(issues.items[0].code == "arithmetic underflow" && issues.items[0].severity == "warning" && issues.items[0].logIndex == 0)
            let lastIssue = try reader.issues(limit: 2, cursor: issues.nextCursor).value
            #expect(lastIssue.items.map(\.blockNumber) == [1000] && lastIssue.items[0].logIndex == nil && lastIssue.nextCursor == nil)

            let events = try reader.events(transaction: F.tx).value
            #expect(events.map(\.eventName) == ["RegisteredGenerator", "JoinedMarketplace"])
            #expect(events.map(\.position) == [range.logs[0].position, range.logs[1].position])
            #expect(events[0].enrichment == "calldata" && events[1].enrichment?.hasPrefix("eth_call at 0x") == true)
            #expect(events[0].topics == range.rawLogs[0].topics && events[0].data == [0xde, 0xad])
            #expect(events[1].fieldsJSON.contains(#""enrichment":{"proofGenerationCost":"5","proposedTime":"20"}"#))
            #expect(try reader.events(transaction: .zero).value.isEmpty)
        }
    }

    @Test func badArgumentsAreRefusedWithAClearError() throws {
        try withFixture { reader, _ in
            for bad in ["", "g12", "n00", "p1", "p1.x", "zzz", "g" + String(repeating: "z", count: 40)] {
                let error = #expect(throws: MirrorStoreError.self) { try reader.generators(GeneratorQuery(cursor: bad)) }
                #expect(error?.code == .invalidArgument)
            }
            #expect(throws: MirrorStoreError.self) { try reader.markets(limit: 10, cursor: "g" + String(repeating: "0", count: 40)) }
            #expect(throws: MirrorStoreError.self) { try reader.quarantinedLogs(limit: 10, cursor: "p-1.0") }
            for limit in [0, -1, 1001] {
                #expect(throws: MirrorStoreError.self) { try reader.issues(limit: limit, cursor: nil) }
            }
        }
    }

    @Test func anEmptyDatabaseAnswersWithoutACheckpoint() throws {
        try StoreFixture.with("reader-empty") { store, _ in
            let reader = SQLMirrorReader(pool: store.pool)
            let status = try reader.status()
            #expect(status.checkpoint == nil && status.value.synced == nil && status.value.lag == nil && status.value.clock == .zero)
            #expect(try reader.generators(GeneratorQuery()).value.items.isEmpty)
            #expect(try reader.markets(limit: 5, cursor: nil).value == Page(items: [], nextCursor: nil))
        }
    }

    /// A reader's snapshot stays fixed while the writer commits (and the commit does not wait for the reader).
    @Test func readsSeeOneSnapshotAndNeverBlockTheWriter() throws {
        try StoreFixture.with("snapshot") { store, _ in
            var chain = RandomChain(seed: 81)
            try store.commit(chain.range(blocks: 5), reorgWindow: 64)
            let reader = SQLMirrorReader(pool: store.pool)
            let pool = store.pool
            let inSnapshot = DispatchSemaphore(value: 0), writerDone = DispatchSemaphore(value: 0), finished = DispatchSemaphore(value: 0)
            let seen = Locked<[String]>([])
            let thread = Thread {
                do {
                    try pool.read { db in
                        let before = try SyncStateRow.read(db).cursor?.blockNumber
                        let events: Int = try db.queryValue("SELECT count(*) FROM events")
                        inSnapshot.signal()
                        writerDone.wait()
                        let after = try SyncStateRow.read(db).cursor?.blockNumber
                        let eventsAfter: Int = try db.queryValue("SELECT count(*) FROM events")
                        seen.update { $0 = ["\(before ?? 0)", "\(after ?? 0)", "\(events)", "\(eventsAfter)"] }
                    }
                } catch {
                    seen.update { $0 = ["\(error)"] }
                    inSnapshot.signal()
                }
                finished.signal()
            }
            thread.start()
            inSnapshot.wait()
            let next = chain.range(blocks: 5)
            try store.commit(next, reorgWindow: 64)   // completes while the read transaction is open
            writerDone.signal()
            finished.wait()
            let values = seen.value
            #expect(values.count == 4 && values[0] == "104" && values[1] == "104" && values[2] == values[3], "\(values)")
            #expect(try reader.status().value.synced == next.cursor)

            // Many snapshots during many commits: each status is internally consistent with its checkpoint.
            let stop = Locked(false)
            let problems = Locked<[String]>([])
            let readerThread = Thread {
                while !stop.value {
                    do {
                        let s = try reader.status()
                        if s.checkpoint != s.value.synced { problems.update { $0.append("checkpoint \(String(describing: s.checkpoint)) vs \(String(describing: s.value.synced))") } }
                        let page = try reader.generators(GeneratorQuery(limit: 1000))
                        if let c = page.checkpoint, c.blockNumber < 104 { problems.update { $0.append("went back to \(c.blockNumber)") } }
                    } catch {
                        problems.update { $0.append("\(error)") }
                    }
                }
                finished.signal()
            }
            readerThread.start()
            for _ in 0..<20 { try store.commit(chain.range(blocks: 3), reorgWindow: 64) }
            stop.update { $0 = true }
            finished.wait()
            #expect(problems.value.isEmpty, "\(problems.value.prefix(3))")
        }
    }
}

/// A value shared between threads in tests.
final class Locked<T>: @unchecked Sendable {
    private var stored: T
    private let lock = NSLock()
    init(_ value: T) { stored = value }
    var value: T { lock.lock(); defer { lock.unlock() }; return stored }
    func update(_ body: (inout T) -> Void) { lock.lock(); defer { lock.unlock() }; body(&stored) }
}
