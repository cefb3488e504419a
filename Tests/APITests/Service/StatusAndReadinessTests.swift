import API
import EthereumKit
import Foundation
import HTTPServer
import HTTPTestSupport
@testable import Mirror
import Testing

@Suite struct StatusAndReadinessTests {
    static func status(synced: UInt64?, head: UInt64?, recordedAt: String? = "2030-03-17T17:46:40Z") -> MirrorStatus {
        var lag: UInt64?
        if let head, let synced { lag = head > synced ? head - synced : 0 }
        return MirrorStatus(head: head, headRecordedAt: head == nil ? nil : recordedAt,
                            synced: synced.map { Checkpoint(blockNumber: $0, blockHash: MarketplaceChain.blockHash($0)) }, lag: lag,
                            clock: UInt256(synced ?? 0), reorgsSeen: 0, lastReorg: nil, undoFloor: nil, quarantinedCount: 0,
                            unknownTopics: [], issuesBySeverity: [:], signatureMismatches: 0, generatorCount: 0, marketCount: 0, startedAt: nil)
    }

    /// 2030-03-17T17:46:40Z.
    static let recorded = Date(timeIntervalSince1970: 1_900_000_000)

    @Test func readinessNeedsACommitAKnownHeadASmallLagAndARecentHead() {
        let policy = ReadinessPolicy(maxLagBlocks: 5, maxHeadAgeSeconds: 60)
        func reason(_ r: HTTPServer.Readiness) -> String? { if case .notReady(let why) = r { why } else { nil } }
        #expect(reason(policy.evaluate(Self.status(synced: nil, head: 10), now: Self.recorded))?.contains("not committed any block") == true)
        #expect(reason(policy.evaluate(Self.status(synced: 10, head: nil), now: Self.recorded))?.contains("head is unknown") == true)
        #expect(policy.evaluate(Self.status(synced: 100, head: 105), now: Self.recorded) == .ready)
        let behind = reason(policy.evaluate(Self.status(synced: 100, head: 106), now: Self.recorded))
        #expect(behind?.contains("6 blocks behind the head (head 106, synced 100)") == true)
        #expect(policy.evaluate(Self.status(synced: 100, head: 100), now: Self.recorded.addingTimeInterval(60)) == .ready)
        let stale = reason(policy.evaluate(Self.status(synced: 100, head: 100), now: Self.recorded.addingTimeInterval(61)))
        #expect(stale?.contains("last recorded 61 s ago") == true)
        let unchecked = ReadinessPolicy(maxLagBlocks: 5, maxHeadAgeSeconds: nil)
        #expect(unchecked.evaluate(Self.status(synced: 100, head: 100), now: Self.recorded.addingTimeInterval(1e6)) == .ready)
        let garbled = reason(policy.evaluate(Self.status(synced: 1, head: 1, recordedAt: "yesterday"), now: Self.recorded))
        #expect(garbled?.contains("not an ISO-8601 time") == true)
    }

    @Test func readyzFollowsTheLagOfTheDatabase() throws {
        let f = try APIFixture("readyz", ranges: 1, blocks: 20, head: .none, configure: { $0.readiness.maxLagBlocks = 3 })
        let noHead = try f.get("/readyz")
        #expect(noHead.status == 503)
        #expect(try JSONObject(noHead).string("code") == "not_ready")
        try f.store.recordHead(f.cursor.blockNumber + 4)
        let behind = try f.get("/readyz")
        #expect(behind.status == 503)
        #expect(try JSONObject(behind).string("message").contains("4 blocks behind"))
        let status = try f.json("/v1/status").object("status")
        #expect(try status.bool("ready") == false)
        #expect(try status.string("notReadyReason").contains("4 blocks behind"))
        try f.commitRange(blocks: 2)
        let ready = try f.get("/readyz")
        #expect(ready.status == 200)
        #expect(try JSONObject(ready).string("status") == "ready")
        #expect(try f.json("/v1/status").object("status").bool("ready"))
        #expect(try f.get("/healthz").status == 200)
    }

    @Test func aStaleHeadIsNotReady() throws {
        // The service's clock is a day ahead of the time the head was recorded.
        let f = try APIFixture("stale", ranges: 1, blocks: 5, now: { Date().addingTimeInterval(86_400) },
                               configure: { $0.readiness.maxHeadAgeSeconds = 60 })
        let response = try f.get("/readyz")
        #expect(response.status == 503)
        #expect(try JSONObject(response).string("message").contains("is the sync running?"))
    }

    @Test func anEmptyDatabaseAnswersStatusAnd503ForData() throws {
        let f = try APIFixture("empty", ranges: 0)
        let status = try f.json("/v1/status")
        #expect(status.isNull("block"))
        let body = try status.object("status")
        #expect(body.isNull("synced") && body.isNull("head"))
        #expect(try body.bool("ready") == false)
        for target in ["/v1/generators", "/v1/markets", "/v1/markets/0", "/v1/asks/0", "/v1/generators/\(Address(hi: 0, mid: 0, lo: 1))"] {
            let response = try f.get(target)
            #expect(response.status == 503, "\(target)")
            #expect(try JSONObject(response).string("code") == "not_ready")
        }
        #expect(try f.get("/readyz").status == 503)
    }

    @Test func statusReportsTheDatabase() throws {
        let f = try APIFixture("status", ranges: 2, head: .block(1_000))
        let json = try f.json("/v1/status")
        #expect(try json.block() == f.cursor)
        let status = try json.object("status")
        let synced = try status.object("synced")
        #expect(try synced.int("number") == Int(f.cursor.blockNumber))
        #expect(try synced.string("hash") == f.cursor.blockHash.description)
        #expect(try status.int("head") == 1_000)
        #expect(try status.int("lag") == 1_000 - Int(f.cursor.blockNumber))
        #expect(try status.string("clock") == f.cursor.blockNumber.description)
        #expect(try status.int("generators") == f.chain.state.generators.count)
        #expect(try status.int("markets") == f.chain.state.markets.count)
        #expect(try status.int("reorgsSeen") == 0)
        let reader = try SQLMirrorReader.open(location: .sqlite(path: f.path), maximumReaders: 1, logger: .disabled)
        defer { reader.pool.close() }
        let expected = try reader.status().value
        #expect(try status.int("quarantinedLogs") == expected.quarantinedCount)
        #expect(try status.int("unknownLogs") == expected.unknownCount)
        #expect(try status.int("signatureMismatches") == expected.signatureMismatches)
        #expect(expected.quarantinedCount + expected.unknownCount > 0, "the scenario should store some odd logs")
    }

    @Test func metricsDescribeTheDatabaseAndTheRequests() throws {
        let f = try APIFixture("metrics", ranges: 1, blocks: 30, head: .block(200))
        let address = try #require(f.chain.state.generators.keys.sorted().first)
        #expect(try f.get("/v1/generators/\(address)").status == 200)
        #expect(try f.get("/v1/generators/0x12").status == 400)
        let text = try f.get("/metrics").text
        #expect(text.contains("\(StoreMetrics.synced) \(f.cursor.blockNumber)\n"))
        #expect(text.contains("\(StoreMetrics.head) 200\n"))
        #expect(text.contains("\(StoreMetrics.lag) \(200 - f.cursor.blockNumber)\n"))
        #expect(text.contains("\(StoreMetrics.reorgs) 0\n"))
        #expect(text.contains("\(StoreMetrics.ready) 0\n"))
        #expect(text.contains("\(StoreMetrics.generators) \(f.chain.state.generators.count)\n"))
        #expect(text.contains("# TYPE \(StoreMetrics.quarantined) gauge"))
        #expect(text.contains(#"http_requests_total{route="/v1/generators/{address}",status="200"} 1"#))
        #expect(text.contains(#"http_requests_total{route="/v1/generators/{address}",status="400"} 1"#))
        #expect(text.contains(#"http_request_duration_seconds_count{route="/v1/generators/{address}"} 2"#))
    }
}
