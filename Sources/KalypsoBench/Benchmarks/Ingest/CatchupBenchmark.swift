import Database
import EthereumKit
import Foundation
import JSONRPC
import Kalypso
import Mirror
import Telemetry

/// Live catch-up: the whole sync (`MirrorSync` over JSON-RPC: getLogs + headers, decode, enrichment from the
/// blocks' calldata with sender recovery, the recorded pinned calls, reduce, commit) against a replay server
/// serving the recorded chain from memory, vs only fetching the same data over the same client (per range:
/// eth_getLogs, the header batch, the blocks with transactions of the blocks with logs, the pinned calls).
/// Wall-clock time, fixed ranges of the recorded range size. Goal: indexer time ≤ 1.2 × fetch time, i.e. the
/// indexer's rate ≥ 0.83 × the fetch rate.
enum CatchupBenchmark {
    static let entry = Benchmark(name: "catchup", summary: "Live catch-up against a replay server vs fetching the same ranges (goal: indexer time ≤ 1.2× fetch time)") { context in
        var result = BenchResult(name: "catchup-logs", unit: .operations("logs"), goal: Goal(minRatio: 1 / 1.2),
                                 peerLabel: "fetch only (same requests)")
        let chain: RecordedChain
        switch RecordedChain.load("\(context.outputDirectory)/ingest/chain") {
        case .success(let c): chain = c
        case .failure(let e): result.skipReason = e.message; return result
        }
        guard context.runOursOnly == nil, !context.countInstructions else { return result }
        let server: ReplayServer
        do { server = try ReplayServer(chain) } catch { result.skipReason = "replay server: \(error)"; return result }
        defer { server.shutdown() }
        for _ in 0..<max(1, min(context.repeats, 3)) {
            do {
                let fetch = try timed { try await fetchOnly(chain, url: server.url) }
                let index = try timed { try await indexOnce(chain, url: server.url) }
                let logs = Double(chain.logCount)
                result.ours.add(logs / index)
                result.peer.add(logs / fetch)
                result.pairRatios.add(fetch / index)
            } catch {
                result.skipReason = "\(error)"
                return result
            }
        }
        return result
    }

    /// Wall-clock seconds of `body`, run to completion on a task.
    static func timed(_ body: @escaping @Sendable () async throws -> Void) throws -> Double {
        final class Box: @unchecked Sendable { var error: (any Error)?; var seconds = 0.0 }
        let box = Box()
        let done = DispatchSemaphore(value: 0)
        Task {
            let start = ContinuousClock.now
            do { try await body() } catch { box.error = error }
            let d = start.duration(to: .now)
            box.seconds = Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
            done.signal()
        }
        done.wait()
        if let error = box.error { throw error }
        return box.seconds
    }

    static func client(_ url: String) throws -> JSONRPCClient {
        try JSONRPCClient(configuration: JSONRPCClientConfiguration(endpoints: [RPCEndpoint(url)], maxBatchSize: 1000), logger: .disabled)
    }

    /// The requests a sync makes, without processing the answers.
    static func fetchOnly(_ chain: RecordedChain, url: String) async throws {
        let client = try client(url)
        defer { client.shutdown() }
        let reader = RPCChainReader(client: client)
        var callsByBlock: [Hash32: [PinnedCall]] = [:]
        for key in chain.calls.keys {
            let parts = key.split(separator: "|")
            guard parts.count == 3, let to = try? Address(parts[0]), let data = try? Hex.decode(String(parts[1])),
                  let hash = try? Hash32(hex: parts[2]) else { continue }
            callsByBlock[hash, default: []].append(PinnedCall(to: to, data: data, blockHash: hash))
        }
        var cursor: UInt64?
        _ = try await client.blockNumber()
        for (range, _) in chain.ranges {
            let logs = try await client.getLogs(LogFilter(range: range, addresses: chain.deployment.addresses))
            let logBlocks = Array(Set(logs.map(\.blockNumber))).sorted()
            _ = try await client.getBlockHeaders(Array(Set(logBlocks + [range.upperBound] + (cursor.map { [$0] } ?? []))).sorted())
            _ = try await reader.blocksWithTransactions(logBlocks)
            let calls = logBlocks.flatMap { n in chain.blocks[n].map { callsByBlock[$0.hash] ?? [] } ?? [] }
            if !calls.isEmpty { _ = try await reader.call(calls) }
            cursor = range.upperBound
        }
    }

    /// One `sync --once` into a fresh database.
    static func indexOnce(_ chain: RecordedChain, url: String) async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kalypso-bench-catchup-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let client = try client(url)
        defer { client.shutdown() }
        let store = try SQLMirrorStore.open(location: .sqlite(path: dir.appendingPathComponent("bench.sqlite").path), logger: .disabled)
        let settings = MirrorSync.Settings(mode: .once, confirmations: 0, reorgWindow: 64, pollInterval: .milliseconds(10),
                                           range: .init(initial: chain.rangeSize, maximum: chain.rangeSize))
        let metrics = MetricsRegistry()
        let sync = try MirrorSync(deployment: chain.deployment, settings: settings, source: JSONRPCChainSource(client: client),
                                  pipeline: try MirrorRuntime.pipeline(chain.deployment, client: client, logger: .disabled),
                                  store: store, logger: .disabled, metrics: metrics)
        _ = try await sync.run()
        if ProcessInfo.processInfo.environment["KALYPSO_BENCH_PROFILE"] != nil {
            let sums = metrics.render().split(separator: "\n").filter { $0.hasPrefix("\(MirrorMetrics.stageSeconds)_sum") }
            print("profile: " + sums.joined(separator: "  "))
        }
        guard await sync.cursor?.blockNumber == chain.head else { throw BenchLoadError(message: "the sync stopped before the head") }
    }
}
