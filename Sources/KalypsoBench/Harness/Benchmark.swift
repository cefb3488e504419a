import Foundation

/// One benchmark of `kalypso-bench`: a name for the command line and a function that measures it.
///
/// To add a benchmark: write `Benchmarks/<Name>Benchmark.swift` with a `static let entry = Benchmark(…)`
/// whose `run` builds a `BenchResult` with `context.compare(…)`, and add the entry to `BenchmarkRegistry.all`.
struct Benchmark: Sendable {
    /// The subcommand, for example `keccak`.
    let name: String
    /// One line for `kalypso-bench list`.
    let summary: String
    /// Whether `all` (and `make bench`) runs it; micro-benchmarks without a peer are run by name only.
    var inAll = true
    /// Measures ours and the peer and returns the figures.
    let run: @Sendable (BenchContext) -> BenchResult

    init(name: String, summary: String, inAll: Bool = true, run: @escaping @Sendable (BenchContext) -> BenchResult) {
        self.name = name; self.summary = summary; self.inAll = inAll; self.run = run
    }
}

/// Settings shared by all benchmarks, and the interleaved measuring loop.
struct BenchContext: Sendable {
    /// Samples taken of ours and of the peer.
    var repeats = 5
    /// CPU seconds per sample of our code.
    var sampleSeconds = 0.5
    /// Seconds per peer run (passed to peers that take a duration).
    var peerSeconds = 1
    /// Where `make bench` puts built peers (the C loops) and generated inputs.
    var outputDirectory = "bench-out"
    /// The Python interpreter of the project venv (for Python peers).
    var python = ".venv/bin/python"
    /// `--instructions`: compare instructions per operation under callgrind (deterministic) instead of CPU time.
    var countInstructions = false
    /// After the timed samples, also count instructions per operation under callgrind for peers that can run a
    /// fixed count (off with `--no-callgrind`; skipped quietly when valgrind is missing).
    var callgrindToo = true
    /// Internal `--run-ours <n>`: run our side of the benchmark n times and stop (what callgrind runs).
    var runOursOnly: Int?
    /// The benchmark being run (its command-line name), so instruction mode can re-run this binary on it.
    var currentBenchmark = ""

    /// Measures our code and the peer `repeats` times each, alternating, so that load from other processes
    /// falls on both sides alike; the reported ratio is the median of the back-to-back pairs' ratios.
    /// `ours(n)` runs the operation `n` times; each run covers `unitsPerOperation` units (bytes for `.bytes`,
    /// 1 for an operation rate). A missing or failing peer leaves its figure empty and records the reason.
    /// With `countInstructions`, both sides run under callgrind instead (see `compareInstructions`).
    func compare(_ result: inout BenchResult, peer: PeerCommand?, unitsPerOperation: Double = 1, ours: (Int) -> Void) {
        if let n = runOursOnly {
            ours(n)
            return
        }
        if countInstructions {
            compareInstructions(&result, peer: peer, unitsPerOperation: unitsPerOperation)
            return
        }
        for _ in 0..<repeats {
            let mine = Measure.sample(seconds: sampleSeconds, ours) * unitsPerOperation
            result.ours.add(mine)
            guard let peer, result.skipReason == nil else { continue }
            switch peer.run() {
            case .success(let rate):
                result.peer.add(rate)
                if rate > 0 { result.pairRatios.add(mine / rate) }
            case .failure(let failure): result.skipReason = failure.message
            }
        }
        if callgrindToo, result.skipReason == nil, let fixed = peer?.fixedCount {
            let n = Self.instructionRunSize
            if case .success(let ours) = Self.instructionsPerOperation(n: n, arguments: oursCommand),
               case .success(let theirs) = Self.instructionsPerOperation(n: n, arguments: fixed) {
                result.instructionsPerOperation = (ours, theirs)
            }
        }
    }

    /// Measures only the peer (when our side is not available yet), so its figure is still printed.
    func measurePeerOnly(_ result: inout BenchResult, peer: PeerCommand) {
        guard runOursOnly == nil, !countInstructions else { return }
        for _ in 0..<repeats {
            switch peer.run() {
            case .success(let rate): result.peer.add(rate)
            case .failure(let failure): result.skipReason = failure.message; return
            }
        }
    }

    /// Whether an executable exists at `path`.
    func executableExists(_ path: String) -> Bool { FileManager.default.isExecutableFile(atPath: path) }
}
