import EthereumKit
import Foundation
import JSONRPC
import Kalypso
import Mirror

/// Two stages of `ingest` alone, on the recorded chain, without a peer (run by name: `kalypso-bench ingest-reduce`,
/// `ingest-decode`). They isolate the reducer and the decoder from JSON parsing and SQLite, for profiling
/// (`--run-ours <n>` under callgrind or perf) and for before/after figures of changes to `Kalypso` and the decoder.
enum IngestStageBenchmarks {
    /// The recorded chain, parsed, decoded and enriched once (untimed).
    struct Stages: Sendable {
        let chain: RecordedChain
        let decoder: KalypsoLogDecoder
        /// Each range's RPC logs (what `decode` reads).
        let logs: [[Log]]
        /// Each range's enriched events (what `reduce` reads).
        let events: [[KalypsoLog]]
    }

    static func load(_ context: BenchContext) -> Result<Stages, BenchLoadError> {
        let chain: RecordedChain
        switch RecordedChain.load("\(context.outputDirectory)/ingest/chain") {
        case .success(let c): chain = c
        case .failure(let e): return .failure(e)
        }
        do {
            let prepared = try IngestBenchmark.prepare(chain)
            var logs: [[Log]] = [], events: [[KalypsoLog]] = []
            for (_, body) in chain.ranges {
                let parsed = try Log.decodeArray(body)
                logs.append(parsed)
                events.append(parsed.compactMap { log in
                    guard case .event(let e) = prepared.decoder.decode(log) else { return nil }
                    return prepared.enriched[e.position] ?? e
                })
            }
            return .success(Stages(chain: chain, decoder: prepared.decoder, logs: logs, events: events))
        } catch {
            return .failure(BenchLoadError(message: "preparing the chain failed: \(error)"))
        }
    }

    /// `KALYPSO_BENCH_PROFILE=1`: the sizes of the values the reducer copies.
    static func printLayout() {
        guard ProcessInfo.processInfo.environment["KALYPSO_BENCH_PROFILE"] != nil else { return }
        func size<T>(_ type: T.Type) -> String { "\(T.self) \(MemoryLayout<T>.size)" }
        print("layout (bytes): " + [size(KalypsoLog.self), size(KalypsoEvent.self), size(LogPosition.self), size(EntityValue.self),
                                    size(EntityKey.self), size(EntityChange.self), size(Generator.self), size(GeneratorMarket.self),
                                    size(Ask.self), size(Market.self), size(LockAttribution.self), size(InconsistencyError.self)].joined(separator: ", "))
    }

    static let entries: [Benchmark] = [
        Benchmark(name: "ingest-reduce", summary: "RangeReducer.reduce over the recorded chain's enriched events (fresh state per run)", inAll: false) { context in
            var result = BenchResult(name: "ingest-reduce", unit: .operations("logs"), goal: Goal(minRate: 1_000_000), peerLabel: "-")
            let stages: Stages
            switch load(context) {
            case .success(let s): stages = s
            case .failure(let e): result.skipReason = e.message; return result
            }
            if context.runOursOnly == nil { printLayout() }
            let count = stages.events.reduce(0) { $0 + $1.count }
            context.compare(&result, peer: nil, unitsPerOperation: Double(count)) { n in
                for _ in 0..<n {
                    var state = KalypsoState()
                    var changed = 0
                    for (range, events) in zip(stages.chain.ranges.map(\.range), stages.events) {
                        let floor = RangeReducer.journalFloor(toBlock: range.upperBound, reorgWindow: IngestBenchmark.reorgWindow)
                        let (changes, issues) = RangeReducer.reduce(events, clock: { UInt256($0) }, mergingThrough: floor, state: &state)
                        changed &+= changes.count &+ issues.count
                    }
                    blackHole(changed)
                    blackHole(state)
                }
            }
            return result
        },
        Benchmark(name: "ingest-decode", summary: "KalypsoLogDecoder.decode over the recorded chain's parsed logs", inAll: false) { context in
            var result = BenchResult(name: "ingest-decode", unit: .operations("logs"), goal: Goal(minRate: 5_000_000), peerLabel: "-")
            let stages: Stages
            switch load(context) {
            case .success(let s): stages = s
            case .failure(let e): result.skipReason = e.message; return result
            }
            let count = stages.logs.reduce(0) { $0 + $1.count }
            context.compare(&result, peer: nil, unitsPerOperation: Double(count)) { n in
                for _ in 0..<n {
                    var events = 0
                    for range in stages.logs {
                        let decoded = stages.decoder.decode(range)
                        events &+= decoded.events.count
                    }
                    blackHole(events)
                }
            }
            return result
        },
    ]
}
