#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import EthereumKit
import Kalypso
import Telemetry

/// One timed run: wall-clock and CPU time of the calling thread, in milliseconds.
public struct Timing: Sendable, Hashable {
    /// Wall-clock milliseconds.
    public let wall: Double
    /// CPU milliseconds of the thread (what the run itself cost, whatever else the machine was doing).
    public let cpu: Double

    /// Times `body`.
    static func measure(_ body: () throws -> Void) rethrows -> Timing {
        let clock = ContinuousClock()
        let cpu0 = threadCPUMilliseconds()
        let wall = try clock.measure(body)
        let cpu = threadCPUMilliseconds() - cpu0
        return Timing(wall: Double(wall.components.seconds) * 1000 + Double(wall.components.attoseconds) / 1e15, cpu: cpu)
    }

    private static func threadCPUMilliseconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
        return Double(t.tv_sec) * 1000 + Double(t.tv_nsec) / 1e6
    }
}

/// What `MatchingBenchmark.run` measured.
public struct MatchingBenchmarkResult: Sendable, Hashable {
    /// The seed of the synthetic state.
    public let seed: UInt64
    /// The shape of the synthetic state.
    public let shape: SyntheticShape
    /// Per-market rows (joined generator listings) in the state.
    public let rows: Int
    /// Building the synthetic state (not part of either round).
    public let build: Timing
    /// Each engine round, in order (the first one includes warm-up effects).
    public let engine: [Timing]
    /// The oracle's round.
    public let oracle: Timing
    /// Whether the engine's round equals the oracle's exactly (assignments, decisions, batches, summary), and every
    /// engine round equals the first.
    public let identical: Bool
    /// The round's counts.
    public let summary: MatchingSummary

    /// The median engine round (by CPU time; its wall time alongside).
    public var medianEngine: Timing {
        let sorted = engine.sorted { $0.cpu < $1.cpu }
        return sorted.isEmpty ? Timing(wall: 0, cpu: 0) : sorted[sorted.count / 2]
    }
    /// Oracle CPU time over the median engine CPU time. CPU time, because a shared machine inflates wall time by
    /// whatever else runs; the wall-clock ratio is in `wallSpeedup`.
    public var speedup: Double { medianEngine.cpu > 0 ? oracle.cpu / medianEngine.cpu : 0 }
    /// Oracle wall time over the median engine round's wall time.
    public var wallSpeedup: Double { medianEngine.wall > 0 ? oracle.wall / medianEngine.wall : 0 }

    /// A few lines for a terminal.
    public var report: String {
        func f(_ x: Double) -> String {
            let tenths = Int((x * 10).rounded())
            return "\(tenths / 10).\(tenths % 10)"
        }
        let best = engine.map(\.cpu).min() ?? 0
        let skipped = summary.skipped.values.reduce(0, +), unmatched = summary.unmatched.values.reduce(0, +)
        return """
            matching: \(shape.asks) asks, \(shape.generators) generators, \(shape.markets) markets, \(rows) rows (seed \(seed))
              state built in \(f(build.wall)) ms
              engine  median \(f(medianEngine.cpu)) ms CPU (\(f(medianEngine.wall)) ms wall), best \(f(best)) ms CPU, \(engine.count) rounds
              oracle  \(f(oracle.cpu)) ms CPU (\(f(oracle.wall)) ms wall): brute force, Eligibility.check per pair
              speedup \(f(speedup))x CPU, \(f(wallSpeedup))x wall (goal ≥ 50x); identical results: \(identical ? "yes" : "NO")
              assigned \(summary.assigned), skipped \(skipped), unmatched \(unmatched), expired \(summary.expiredAsks), batches \(summary.batches)
            """
    }
}

/// The issue-6 benchmark: one matching round over a deterministic synthetic state, engine against the brute-force
/// oracle in the same run. Run it from a release build; a debug build is many times slower.
public enum MatchingBenchmark {
    /// Builds the state for `seed` and `shape` (default: 10,000 asks × 10,000 generators × 100 markets), runs the engine
    /// `engineRounds` times and the oracle once, and compares the results.
    public static func run(seed: UInt64 = 1, shape: SyntheticShape = .benchmark, engineRounds: Int = 5,
                           configuration: MatchingConfiguration = MatchingConfiguration(), logger: Logger) throws -> MatchingBenchmarkResult {
        var state = KalypsoState()
        let build = try Timing.measure { state = try SyntheticMarketplace.state(seed: seed, shape: shape) }
        let now = SyntheticMarketplace.now
        let engine = MatchingEngine(configuration: configuration, logger: logger)
        var engineTimes: [Timing] = []
        var first: MatchingRound?
        var stable = true
        for _ in 0..<max(1, engineRounds) {
            var round: MatchingRound?
            engineTimes.append(Timing.measure { round = engine.round(state: state, now: now) })
            if first == nil { first = round } else if round != first { stable = false }
        }
        var oracle: MatchingRound?
        let oracleTime = Timing.measure { oracle = BruteForceOracle.round(state: state, now: now, configuration: configuration) }
        let identical = stable && first != nil && first == oracle
        let result = MatchingBenchmarkResult(seed: seed, shape: shape, rows: state.generatorMarkets.count, build: build,
                                             engine: engineTimes, oracle: oracleTime, identical: identical,
                                             summary: first?.summary ?? MatchingSummary())
        logger.info("matching benchmark", [("identical", "\(identical)"), ("oracleCpuMs", "\(Int(oracleTime.cpu))"),
                                            ("engineCpuMs", "\(Int(result.medianEngine.cpu))")])
        return result
    }
}
