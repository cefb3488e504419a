import EthereumKit
import Kalypso
import Telemetry

/// What `MatchingBenchmark.run` measured. Timings are wall-clock milliseconds of one round each.
public struct MatchingBenchmarkResult: Sendable, Hashable {
    /// The seed of the synthetic state.
    public let seed: UInt64
    /// The shape of the synthetic state.
    public let shape: SyntheticShape
    /// Per-market rows (joined generator listings) in the state.
    public let rows: Int
    /// Milliseconds to build the synthetic state (not part of either round).
    public let buildMilliseconds: Double
    /// Each engine round, in order (the first one includes warm-up effects).
    public let engineMilliseconds: [Double]
    /// The oracle's round.
    public let oracleMilliseconds: Double
    /// Whether the engine's round equals the oracle's exactly (assignments, decisions, batches, summary), and every
    /// engine round equals the first.
    public let identical: Bool
    /// The round's counts.
    public let summary: MatchingSummary

    /// The fastest engine round.
    public var bestEngineMilliseconds: Double { engineMilliseconds.min() ?? 0 }
    /// The median engine round.
    public var medianEngineMilliseconds: Double {
        let sorted = engineMilliseconds.sorted()
        return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
    }
    /// Oracle time over the median engine time.
    public var speedup: Double { medianEngineMilliseconds > 0 ? oracleMilliseconds / medianEngineMilliseconds : 0 }

    /// A few lines for a terminal.
    public var report: String {
        func ms(_ x: Double) -> String { String(Int((x * 10).rounded())) .inserting(".", beforeLast: 1) }
        var lines: [String] = []
        lines.append("matching: \(shape.asks) asks, \(shape.generators) generators, \(shape.markets) markets, \(rows) rows (seed \(seed))")
        lines.append("  state built in \(ms(buildMilliseconds)) ms")
        lines.append("  engine  median \(ms(medianEngineMilliseconds)) ms, best \(ms(bestEngineMilliseconds)) ms over \(engineMilliseconds.count) rounds")
        lines.append("  oracle  \(ms(oracleMilliseconds)) ms (brute force, Eligibility.check per pair)")
        lines.append("  speedup \(ms(speedup))x (goal ≥ 50x); identical results: \(identical ? "yes" : "NO")")
        let skipped = summary.skipped.values.reduce(0, +), unmatched = summary.unmatched.values.reduce(0, +)
        lines.append("  assigned \(summary.assigned), skipped \(skipped), unmatched \(unmatched), expired \(summary.expiredAsks), batches \(summary.batches)")
        return lines.joined(separator: "\n")
    }
}

extension String {
    fileprivate func inserting(_ mark: Character, beforeLast n: Int) -> String {
        var s = count <= n ? String(repeating: "0", count: n - count + 1) + self : self
        s.insert(mark, at: s.index(s.endIndex, offsetBy: -n))
        return s
    }
}

/// The issue-6 benchmark: one matching round over a deterministic synthetic state, engine against the brute-force
/// oracle in the same run. Run it from a release build (`swift build -c release`); a debug build is ~10–50× slower.
public enum MatchingBenchmark {
    /// Builds the state for `seed` and `shape` (default: 10,000 asks × 10,000 generators × 100 markets), runs the engine
    /// `engineRounds` times and the oracle once, and compares the results.
    public static func run(seed: UInt64 = 1, shape: SyntheticShape = .benchmark, engineRounds: Int = 5,
                           configuration: MatchingConfiguration = MatchingConfiguration(), logger: Logger) throws -> MatchingBenchmarkResult {
        let clock = ContinuousClock()
        var state = KalypsoState()
        let build = try clock.measure { state = try SyntheticMarketplace.state(seed: seed, shape: shape) }
        let now = SyntheticMarketplace.now
        let engine = MatchingEngine(configuration: configuration, logger: logger)
        var engineTimes: [Double] = []
        var first: MatchingRound?
        var stable = true
        for _ in 0..<max(1, engineRounds) {
            var round: MatchingRound?
            engineTimes.append(milliseconds(clock.measure { round = engine.round(state: state, now: now) }))
            if first == nil { first = round } else if round != first { stable = false }
        }
        var oracle: MatchingRound?
        let oracleTime = milliseconds(clock.measure { oracle = BruteForceOracle.round(state: state, now: now, configuration: configuration) })
        let identical = stable && first != nil && first == oracle
        let result = MatchingBenchmarkResult(seed: seed, shape: shape, rows: state.generatorMarkets.count,
                                             buildMilliseconds: milliseconds(build), engineMilliseconds: engineTimes,
                                             oracleMilliseconds: oracleTime, identical: identical,
                                             summary: first?.summary ?? MatchingSummary())
        logger.info("matching benchmark", [("identical", "\(identical)"), ("oracleMs", "\(Int(oracleTime))"),
                                            ("engineMs", "\(Int(result.medianEngineMilliseconds))")])
        return result
    }

    private static func milliseconds(_ d: Duration) -> Double {
        Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
    }
}
