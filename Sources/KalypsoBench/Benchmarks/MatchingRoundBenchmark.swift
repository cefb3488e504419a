import Kalypso
import Matching
import Telemetry

/// One matching round of 10,000 open asks over 10,000 generators in 100 markets (issue 6) vs the brute-force oracle
/// (`BruteForceOracle`: every generator of the ask's market through `Eligibility.check`), in the same run.
/// Goal: ≥ 50× the oracle, with **identical** results (assignments, decisions, batches).
///
/// The state is `SyntheticMarketplace.state(seed: 1, shape: .benchmark)`. Figures are asks per CPU second (the 10,000
/// asks of the state per round). Ours: calibrated samples of engine rounds; the peer: one oracle round per repeat
/// (seconds each). A result that differs from the
/// oracle's is reported as SKIP with the reason: a wrong answer has no speed.
enum MatchingRoundBenchmark {
    static let entry = Benchmark(name: "matching",
                                 summary: "one matching round, 10k asks × 10k generators × 100 markets, vs the brute-force oracle (goal ≥ 50×, identical)") { context in
        var result = BenchResult(name: "matching-round-10k", unit: .operations("asks"), goal: Goal(minRatio: 50),
                                 peerLabel: "brute-force oracle")
        if context.countInstructions {
            result.skipReason = "timed only: an oracle round takes seconds, minutes under callgrind"
            return result
        }
        let state: KalypsoState
        do {
            state = try SyntheticMarketplace.state(seed: 1, shape: .benchmark)
        } catch {
            result.skipReason = "cannot build the state: \(error)"
            return result
        }
        let now = SyntheticMarketplace.now
        let engine = MatchingEngine(logger: .disabled)
        if let n = context.runOursOnly {
            for _ in 0..<n { blackHole(engine.round(state: state, now: now).assignments.count) }
            return result
        }
        let reference = engine.round(state: state, now: now)
        let asksPerRound = Double(SyntheticShape.benchmark.asks)
        var identical = true
        for _ in 0..<context.repeats {
            var last = reference
            let mine = Measure.sample(seconds: context.sampleSeconds) { n in
                for _ in 0..<n { last = engine.round(state: state, now: now) }
            } * asksPerRound
            identical = identical && last == reference
            let start = Measure.cpuSeconds()
            let oracle = BruteForceOracle.round(state: state, now: now, configuration: MatchingConfiguration())
            let elapsed = Measure.cpuSeconds() - start
            identical = identical && oracle == reference
            result.ours.add(mine)
            if elapsed > 0 {
                result.peer.add(asksPerRound / elapsed)
                result.pairRatios.add(mine * elapsed / asksPerRound)
            }
        }
        let s = reference.summary
        print("  matching: \(state.generatorMarkets.count) rows; assigned \(s.assigned), skipped \(s.skipped.values.reduce(0, +)), "
              + "unmatched \(s.unmatched.values.reduce(0, +)), expired \(s.expiredAsks), \(s.batches) batches; "
              + "identical to the oracle: \(identical ? "yes" : "NO")")
        if !identical {
            result.skipReason = "the engine's round differs from the oracle's"
            result.pairRatios = Samples()
        }
        return result
    }
}
