import EthereumKit
@testable import Mirror
import Testing

/// A chain of block records with hashes derived from (branch, number), so two branches differ above their fork.
struct ForkChain {
    static func hash(_ n: UInt64, branch: UInt64) -> Hash32 {
        Keccak256.hash(Array("block \(n) branch \(branch)".utf8))
    }

    /// Blocks `range` where blocks ≥ `forkAt` are on `branch` and below it on branch 0.
    static func blocks(_ range: ClosedRange<UInt64>, branch: UInt64 = 0, forkAt: UInt64 = 0) -> [BlockRecord] {
        range.map { n in
            let b = n >= forkAt ? branch : 0
            let pb = n > 0 && n - 1 >= forkAt ? branch : 0
            return BlockRecord(number: n, hash: hash(n, branch: b), parentHash: n == 0 ? .zero : hash(n - 1, branch: pb))
        }
    }
}

@Suite struct ReorgDetectorTests {
    static func detector(upTo cursor: UInt64, depth: Int = 8, start: UInt64 = 10) -> ReorgDetector {
        let blocks = ForkChain.blocks(start...cursor)
        return ReorgDetector(window: blocks, cursor: Checkpoint(blockNumber: cursor, blockHash: ForkChain.hash(cursor, branch: 0)),
                             depth: depth, startBlock: start)
    }

    static func headers(_ blocks: [BlockRecord]) -> [UInt64: BlockRecord?] {
        Dictionary(uniqueKeysWithValues: blocks.map { ($0.number, Optional($0)) })
    }

    @Test func theWindowKeepsOnlyTheLastDepthBlocks() {
        let d = Self.detector(upTo: 40, depth: 8)
        #expect(d.window.map(\.number) == Array(32...40))
        #expect(d.floor == 32)
    }

    @Test func aLinkedRangeVerifies() {
        let d = Self.detector(upTo: 40)
        let fetched = ForkChain.blocks(40...45)
        let logs = [ReorgDetector.LogReference(blockNumber: 43, blockHash: ForkChain.hash(43, branch: 0), removed: false, logIndex: 0)]
        #expect(d.verify(range: 41...45, headers: Self.headers(fetched), logs: logs) == .linked)
    }

    @Test func aChangedCursorBlockStartsAForkSearch() {
        let d = Self.detector(upTo: 40)
        let fetched = ForkChain.blocks(40...45, branch: 1, forkAt: 38)
        #expect(d.verify(range: 41...45, headers: Self.headers(fetched), logs: []) == .cursorReorged(nodeHash: ForkChain.hash(40, branch: 1)))
    }

    @Test func aLogFromAnotherBlockHashMeansTheChainMovedDuringTheFetch() {
        let d = Self.detector(upTo: 40)
        let fetched = ForkChain.blocks(40...45)
        let logs = [ReorgDetector.LogReference(blockNumber: 43, blockHash: ForkChain.hash(43, branch: 1), removed: false, logIndex: 3)]
        guard case .changedDuringFetch(let why) = d.verify(range: 41...45, headers: Self.headers(fetched), logs: logs) else {
            Issue.record("expected changedDuringFetch"); return
        }
        #expect(why.contains("log 3 of block 43"))
    }

    @Test func aRemovedLogIsNotApplied() {
        let d = Self.detector(upTo: 40)
        let logs = [ReorgDetector.LogReference(blockNumber: 43, blockHash: ForkChain.hash(43, branch: 0), removed: true, logIndex: 0)]
        guard case .changedDuringFetch = d.verify(range: 41...45, headers: Self.headers(ForkChain.blocks(40...45)), logs: logs) else {
            Issue.record("expected changedDuringFetch"); return
        }
    }

    @Test func headersThatDoNotLinkAreRefetched() {
        let d = Self.detector(upTo: 40)
        var fetched = ForkChain.blocks(40...45)
        fetched[3] = ForkChain.blocks(43...43, branch: 2, forkAt: 42)[0]  // 43 claims a parent on another branch
        guard case .changedDuringFetch = d.verify(range: 41...45, headers: Self.headers(fetched), logs: []) else {
            Issue.record("expected changedDuringFetch"); return
        }
    }

    @Test func theFirstBlockMustLinkToTheCursor() {
        let d = Self.detector(upTo: 40)
        // Block 41 of another branch, but the node still reports our 40 (fetched before the switch).
        let h: [UInt64: BlockRecord?] = [40: ForkChain.blocks(40...40)[0], 41: ForkChain.blocks(41...41, branch: 1, forkAt: 40)[0]]
        guard case .changedDuringFetch = d.verify(range: 41...41, headers: h, logs: []) else {
            Issue.record("expected changedDuringFetch"); return
        }
    }

    @Test func aMissingBlockMeansTheNodeIsBehind() {
        let d = Self.detector(upTo: 40)
        var h = Self.headers(ForkChain.blocks(40...43))
        h[44] = .some(nil)
        #expect(d.verify(range: 41...44, headers: h, logs: []) == .nodeBehind(block: 44))
        var atCursor = h
        atCursor[40] = .some(nil)
        #expect(d.verify(range: 41...44, headers: atCursor, logs: []) == .nodeBehind(block: 40))
    }

    @Test(arguments: [1, 2, 5, 8])
    func theForkPointIsTheHighestBlockTheNodeStillHas(depth: UInt64) {
        let d = Self.detector(upTo: 40, depth: 8)
        let forkAt = 41 - depth
        let node = ForkChain.blocks(20...50, branch: 1, forkAt: forkAt)
        let hashes = Dictionary(uniqueKeysWithValues: node.map { ($0.number, $0.hash) })
        #expect(d.resolveFork(nodeHashes: hashes) == .rewind(to: forkAt - 1, orphaned: Int(depth)))
    }

    @Test func aForkBelowTheWindowIsADeepReorg() {
        let d = Self.detector(upTo: 40, depth: 8)
        let node = ForkChain.blocks(20...50, branch: 1, forkAt: 25)
        let hashes = Dictionary(uniqueKeysWithValues: node.map { ($0.number, $0.hash) })
        guard case .deep(let error) = d.resolveFork(nodeHashes: hashes) else { Issue.record("expected a deep reorg"); return }
        #expect(error.message.contains("deeper than the reorg window (8 blocks)"))
        #expect(error.message.contains("blocks 32…40"))
        #expect(error.message.contains("--reorg-window"))
        #expect(error.message.contains("fresh database"))
    }

    @Test func aForkBelowEveryRecordedBlockIsDeepEvenNearTheStartBlock() {
        // The store can only rewind to a block it recorded, so a fork below all of them cannot be undone.
        let d = Self.detector(upTo: 14, depth: 8, start: 10)
        let node = ForkChain.blocks(0...20, branch: 1, forkAt: 5)
        let hashes = Dictionary(uniqueKeysWithValues: node.map { ($0.number, $0.hash) })
        guard case .deep = d.resolveFork(nodeHashes: hashes) else { Issue.record("expected a deep reorg"); return }
    }

    @Test func aNodeWithoutTheBlocksOrAgreeingWithTheNewestItHasProvesNothing() {
        let d = Self.detector(upTo: 40)
        guard case .inconclusive = d.resolveFork(nodeHashes: [:]) else { Issue.record("expected inconclusive"); return }
        let lagging = ForkChain.blocks(30...37)  // a node behind us: blocks 38–40 missing, the rest agree
        guard case .inconclusive = d.resolveFork(nodeHashes: Dictionary(uniqueKeysWithValues: lagging.map { ($0.number, $0.hash) })) else {
            Issue.record("expected inconclusive"); return
        }
    }

    @Test func commitsExtendTheWindowAndRewindsCutIt() {
        var d = Self.detector(upTo: 40, depth: 8)
        d.recordCommitted(ForkChain.blocks(41...44), cursor: Checkpoint(blockNumber: 44, blockHash: ForkChain.hash(44, branch: 0)))
        #expect(d.window.map(\.number) == Array(36...44))
        d.recordRewind(to: 41, cursor: Checkpoint(blockNumber: 41, blockHash: ForkChain.hash(41, branch: 0)))
        #expect(d.window.map(\.number) == Array(36...41))
        #expect(d.cursor?.blockNumber == 41)
        // A sparse backfill window: only the blocks whose headers were fetched.
        d.recordCommitted([ForkChain.blocks(45...45)[0], ForkChain.blocks(60...60)[0]], cursor: Checkpoint(blockNumber: 60, blockHash: ForkChain.hash(60, branch: 0)))
        #expect(d.window.map(\.number) == [60])
    }
}
