import API
import EthereumKit
import Foundation
import HTTPTestSupport
import Kalypso
import Mirror
import Synchronization
import Testing

/// The API keeps answering while a writer commits continuously, and every answer is one consistent snapshot: the
/// data it returns is exactly the state the chain had at the block it names.
@Suite struct ConcurrentWriterTests {
    /// What the state says at one block, for the answers the readers check.
    struct Expected: Sendable {
        var marketZeroAsks: [String: Int]
        var generators: Int
        var stakes: [String: String]
    }

    static func expected(_ state: KalypsoState, clock: UInt256) -> Expected {
        var asks: [String: Int] = [:]
        for s in AskState.allCases {
            asks[s.apiName] = state.asks.values.filter { $0.marketId == .zero && $0.state(at: clock) == s }.count
        }
        var stakes: [String: String] = [:]
        for (a, g) in state.generators { stakes[a.description] = g.totalStake.description }
        return Expected(marketZeroAsks: asks, generators: state.generators.count, stakes: stakes)
    }

    /// What the readers and the writer share.
    final class Shared: Sendable {
        let expectations = Mutex<[UInt64: Expected]>([:])
        let writing = Atomic<Bool>(true)
        let failures = Mutex<[String]>([])
        let answers = Atomic<Int>(0)
    }

    /// One reader: requests until the writer is done, then once more (so it also sees the final block).
    static func read(_ f: APIFixture, _ shared: Shared, index: Int) {
        var lastBlock: UInt64 = 0
        var finalRound = false
        var n = index
        while !finalRound {
            finalRound = !shared.writing.load(ordering: .acquiring)
            let target = ["/v1/markets/0/stats", "/v1/generators?limit=1000", "/v1/status"][n % 3]
            n += 1
            do {
                let response = try fetch(f.port, target)
                guard response.status == 200 else { throw TestClientError("\(target) → \(response.status): \(response.text)") }
                let json = try JSONObject(response)
                let block = try json.block()
                guard block.blockHash == MarketplaceChain.blockHash(block.blockNumber) else { throw TestClientError("block hash mismatch at \(block.blockNumber)") }
                guard block.blockNumber >= lastBlock else { throw TestClientError("went back from block \(lastBlock) to \(block.blockNumber)") }
                lastBlock = block.blockNumber
                guard let expected = shared.expectations.withLock({ $0[block.blockNumber] }) else {
                    throw TestClientError("answer at block \(block.blockNumber), which no commit produced")
                }
                if target.hasSuffix("stats") {
                    let byState = try json.object("stats").object("asksByState")
                    for (name, count) in expected.marketZeroAsks where try byState.int(name) != count {
                        throw TestClientError("block \(block.blockNumber): asksByState.\(name) = \(try byState.int(name)), the state has \(count)")
                    }
                } else if target.hasPrefix("/v1/generators") {
                    let items = try json.array("generators")
                    guard items.count == expected.generators else {
                        throw TestClientError("block \(block.blockNumber): \(items.count) generators, the state has \(expected.generators)")
                    }
                    for item in items where expected.stakes[try item.string("address")] != (try item.string("totalStake")) {
                        throw TestClientError("block \(block.blockNumber): stake of \(try item.string("address")) differs from the state")
                    }
                } else {
                    guard try json.object("status").object("synced").int("number") == Int(block.blockNumber) else {
                        throw TestClientError("status.synced differs from block")
                    }
                }
                shared.answers.add(1, ordering: .relaxed)
            } catch {
                shared.failures.withLock { $0.append("reader \(index): \(error)") }
                return
            }
        }
    }

    @Test func readersSeeConsistentSnapshotsWhileTheWriterCommits() throws {
        let f = try APIFixture("concurrent", ranges: 1, blocks: 20)
        let shared = Shared()
        shared.expectations.withLock { $0[f.cursor.blockNumber] = Self.expected(f.chain.state, clock: f.chain.clock) }
        let ranges = 40
        let done = DispatchSemaphore(value: 0)
        let readers = 3
        for index in 0..<readers {
            Thread {
                Self.read(f, shared, index: index)
                done.signal()
            }.start()
        }

        // The writer: each block's expectation is published before its commit, so any answer can be checked.
        var committed: [UInt64] = []
        for _ in 0..<ranges {
            var next = f.chain
            let range = next.range(blocks: 3)
            let e = Self.expected(next.state, clock: next.clock)
            shared.expectations.withLock { $0[range.cursor.blockNumber] = e }
            try f.store.commit(range, reorgWindow: 64)
            try f.store.recordHead(range.cursor.blockNumber)
            f.chain = next
            committed.append(range.cursor.blockNumber)
        }
        shared.writing.store(false, ordering: .releasing)
        for _ in 0..<readers { done.wait() }

        #expect(shared.failures.withLock { $0 } == [])
        #expect(committed.count == ranges)
        #expect(shared.answers.load(ordering: .relaxed) >= readers)
        // After the writer, the API answers the final block.
        #expect(try f.json("/v1/status").block() == f.cursor)
    }
}
