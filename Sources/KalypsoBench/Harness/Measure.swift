#if canImport(Glibc)
import Glibc
#endif

/// Timing primitives. Figures use the process CPU time, as `openssl speed` does by default (user CPU time),
/// so other processes on a shared machine disturb them less than wall-clock time would.
enum Measure {
    /// CPU seconds consumed by this process so far.
    static func cpuSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }

    /// Runs `body(iterations)` with an iteration count calibrated so that one sample takes about `seconds`
    /// of CPU time, and returns the rate (iterations per CPU second) of that sample.
    ///
    /// `body` must run its operation exactly `iterations` times; it receives the count so the loop lives in
    /// the caller's code (no closure call per operation).
    static func sample(seconds: Double, _ body: (Int) -> Void) -> Double {
        var iterations = 1
        while true {
            let start = cpuSeconds()
            body(iterations)
            let elapsed = cpuSeconds() - start
            if elapsed >= seconds { return Double(iterations) / elapsed }
            // Aim a little past the target so the next sample is the measured one.
            let scale = elapsed > 0 ? Swift.min(100, Swift.max(2, seconds * 1.2 / elapsed)) : 100
            iterations = Int(Double(iterations) * scale)
        }
    }
}

/// A set of rates from repeated samples; the median is the reported figure.
struct Samples: Sendable {
    private(set) var values: [Double] = []

    mutating func add(_ value: Double) { values.append(value) }

    var isEmpty: Bool { values.isEmpty }
    var count: Int { values.count }
    var min: Double { values.min() ?? 0 }
    var max: Double { values.max() ?? 0 }

    /// The median (mean of the two middle values for an even count).
    var median: Double {
        let s = values.sorted()
        guard !s.isEmpty else { return 0 }
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }

    /// The spread (max − min) relative to the median, as a percentage.
    var spreadPercent: Double { median > 0 ? (max - min) / median * 100 : 0 }
}

/// Keeps a value alive so the optimiser cannot drop the computation that produced it.
@_optimize(none) @inline(never)
func blackHole<T>(_ value: T) {}
