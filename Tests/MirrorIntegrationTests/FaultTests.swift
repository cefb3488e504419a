import FaultInjection
import Foundation
import Kalypso
import Mirror
import Synchronization
import Testing

/// Counts which fault rules fired.
final class FaultLog: Sendable {
    private let fired = Mutex<[String: Int]>([:])
    func record(_ kind: String) { fired.withLock { $0[kind, default: 0] += 1 } }
    var counts: [String: Int] { fired.withLock { $0 } }
}

extension MirrorIntegrationTests {
    /// 4. A fault-injecting proxy between the mirror and the devnode: HTTP 500s, a timeout, connection resets, a
    /// truncated body, 429 with Retry-After, a provider range limit with a suggested range, failing pinned calls,
    /// and a head that goes backwards. The sync neither crashes nor stalls and ends in the clean state (on each
    /// backend; the clean state is SQLite's).
    @Test(arguments: Backend.available)
    func faultsBetweenTheMirrorAndTheNodeDoNotChangeTheResult(backend: Backend) async throws {
        let chain = try await ScenarioChain.shared.get()
        let dir = try Project.temporaryDirectory("faults")
        try await using(try await ScenarioChain.shared.restore(in: dir)) { devnode in
        try await withDatabase(backend, in: dir, name: "faults") { db in
            let log = FaultLog()
            let script = FaultScript(fallback: { _ in .forward })
            let getLogs = FaultScript.method("eth_getLogs"), blocks = FaultScript.method("eth_getBlockByNumber")
            let head = FaultScript.method("eth_blockNumber"), call = FaultScript.method("eth_call")
            script.add(times: 2, when: getLogs) { _ in log.record("500"); return .respond(.json(#"{"error":"bad gateway"}"#, status: 500)) }
            script.add(times: 1, when: getLogs) { _ in log.record("timeout"); return .delay(.seconds(4), then: .forward) }
            script.add(times: 2, when: blocks) { _ in log.record("reset"); return .reset }
            script.add(times: 1, when: blocks) { _ in
                log.record("truncated")
                return .truncate(.json(#"[{"jsonrpc":"2.0","id":1,"result":{"number":"0x1","hash":"0x"#), keepBytes: 30)
            }
            script.add(times: 2, when: head) { _ in
                log.record("429")
                return .respond(CannedResponse(status: 429, headers: [("Retry-After", "1")], body: Array("slow down".utf8)))
            }
            script.add(times: 2, when: getLogs) { request in
                log.record("range limit")
                let from = Self.fromBlock(request) ?? 0
                let message = "query returned more than 10000 results. Try with this block range [0x\(String(from, radix: 16)), 0x\(String(from + 3, radix: 16))]."
                return .respond(.rpcError(id: request.calls.first?.id ?? "1", code: -32005, message: message))
            }
            script.add(times: 1, when: call) { _ in log.record("call 500"); return .respond(.json("oops", status: 503)) }
            // The first head is true; the next four are 40 blocks lower (a node that went backwards, or a lagging one
            // behind a balancer): the sync must neither rewind nor stop short of the highest head it saw.
            let heads = Mutex(0)
            script.add(times: 5, when: head) { _ in
                guard heads.withLock({ n -> Int in n += 1; return n }) > 1 else { return .forward }
                log.record("head backwards")
                return .forwardTransformed { response in Self.lowerHead(response, by: 40) }
            }
            let proxy = try FaultInjectionServer(upstream: devnode.rpcURL, script: script)
            defer { proxy.stop() }

            let result = try await MirrorCLI.run(["sync", "--once", "--rpc-url", proxy.url, "--rpc-timeout", "2s",
                                                  "--getlogs-range", "200"] + devnodeArguments(devnode, db: db), in: dir, label: "faults")
            #expect(result.status == 0, "\(result.stderr.suffix(4000))")
            let fired = log.counts
            for kind in ["500", "timeout", "reset", "truncated", "429", "range limit", "call 500", "head backwards"] {
                #expect(fired[kind, default: 0] > 0, "fault '\(kind)' never fired: \(fired)")
            }
            let snapshot = try MirrorSnapshot.read(db)
            #expect(snapshot.sameContent(as: chain.cleanSnapshot))
            #expect(snapshot.state == chain.cleanSnapshot.state)
        }
        }
    }

    /// 5. Malformed logs served through the proxy (data cut short by one byte) are quarantined with the decoder's
    /// error and reported by `status`; the sync goes on to the head. On each backend.
    @Test(arguments: Backend.available)
    func malformedLogsAreQuarantinedAndTheSyncContinues(backend: Backend) async throws {
        let chain = try await ScenarioChain.shared.get()
        let dir = try Project.temporaryDirectory("quarantine")
        try await using(try await ScenarioChain.shared.restore(in: dir)) { devnode in
        try await withDatabase(backend, in: dir, name: "quarantine") { db in
            let corrupted = Mutex<Set<String>>([])
            let target = KalypsoTopics.addedStake.topic0.description
            let script = FaultScript(fallback: { _ in .forward })
            script.add(when: FaultScript.method("eth_getLogs")) { _ in
                .forwardTransformed { response in
                    guard var root = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any],
                          var logs = root["result"] as? [[String: Any]] else { return response }
                    for i in logs.indices where (logs[i]["topics"] as? [String])?.first == target {
                        if let data = logs[i]["data"] as? String, data.count >= 4 {
                            logs[i]["data"] = String(data.dropLast(2))
                            corrupted.withLock { _ = $0.insert("\(logs[i]["blockHash"] ?? "")/\(logs[i]["logIndex"] ?? "")") }
                        }
                    }
                    root["result"] = logs
                    guard let body = try? JSONSerialization.data(withJSONObject: root) else { return response }
                    return CannedResponse(status: response.status, headers: response.headers, body: Array(body))
                }
            }
            let proxy = try FaultInjectionServer(upstream: devnode.rpcURL, script: script)
            defer { proxy.stop() }
            let result = try await MirrorCLI.run(["sync", "--once", "--rpc-url", proxy.url] + devnodeArguments(devnode, db: db), in: dir, label: "quarantine")
            #expect(result.status == 0, "\(result.stderr.suffix(3000))")
            #expect(result.stderr.contains("log quarantined"))
            let count = corrupted.withLock { $0.count }
            #expect(count > 0, "the scenario has AddedStake logs to corrupt")
            let snapshot = try MirrorSnapshot.read(db)
            #expect(snapshot.quarantined == count)
            #expect(snapshot.events == chain.cleanSnapshot.events - count)
            #expect(snapshot.cursor == chain.cleanSnapshot.cursor)
            let status = try await MirrorCLI.run(["status", "--json", "--db", db.argument], in: dir, label: "status")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
            #expect(json["quarantinedLogs"] as? Int == count)
        }
        }
    }

    /// The `fromBlock` of an eth_getLogs request.
    static func fromBlock(_ request: RecordedRequest) -> UInt64? {
        guard let params = request.calls.first?.params.data(using: .utf8),
              let list = try? JSONSerialization.jsonObject(with: params) as? [[String: Any]],
              let from = list.first?["fromBlock"] as? String, from.hasPrefix("0x") else { return nil }
        return UInt64(from.dropFirst(2), radix: 16)
    }

    /// An eth_blockNumber reply `by` blocks lower (a node that went backwards, or a lagging one behind a balancer).
    static func lowerHead(_ response: CannedResponse, by blocks: UInt64) -> CannedResponse {
        guard var root = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any],
              let text = root["result"] as? String, let head = UInt64(text.dropFirst(2), radix: 16) else { return response }
        root["result"] = "0x" + String(head > blocks ? head - blocks : 0, radix: 16)
        guard let body = try? JSONSerialization.data(withJSONObject: root) else { return response }
        return CannedResponse(status: response.status, headers: response.headers, body: Array(body))
    }
}
