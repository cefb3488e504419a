import Foundation

/// What a benchmark measures: bytes per second (shown as MB/s, 10^6 bytes, as `openssl speed` counts)
/// or operations per second with a name for the operation.
enum RateUnit: Sendable {
    case bytes
    case operations(String)

    /// A short human form of `rate`, for example `372.1 MB/s` or `15.2k ecrecover/s`.
    func format(_ rate: Double) -> String {
        switch self {
        case .bytes:
            return String(format: "%.1f MB/s", rate / 1e6)
        case .operations(let name):
            if rate >= 1e6 { return String(format: "%.2fM %@/s", rate / 1e6, name) }
            if rate >= 1e4 { return String(format: "%.1fk %@/s", rate / 1e3, name) }
            return String(format: "%.0f %@/s", rate, name)
        }
    }
}

/// The targets a benchmark is judged against. Reported, never asserted.
struct Goal: Sendable {
    /// Our rate divided by the peer's must be at least this.
    var minRatio: Double?
    /// Our rate must be at least this (in the benchmark's unit).
    var minRate: Double?

    func describe(_ unit: RateUnit) -> String {
        var parts: [String] = []
        if let r = minRatio { parts.append(String(format: "≥ %g×", r)) }
        if let m = minRate { parts.append("≥ " + unit.format(m)) }
        return parts.isEmpty ? "-" : parts.joined(separator: " and ")
    }
}

/// What the figures are per: CPU seconds (the default) or instructions counted by callgrind (`--instructions`).
enum Basis: Sendable {
    case cpuTime
    case instructions
}

/// One benchmark's figures: ours and the peer's, each the median of several samples.
struct BenchResult: Sendable {
    /// With `.instructions`, `ours` and `peer` hold operations (or bytes) per 10^9 instructions.
    var basis = Basis.cpuTime
    /// Stable identifier, for example `keccak256-1KiB`.
    var name: String
    var unit: RateUnit
    var goal: Goal
    /// How the peer is named in reports.
    var peerLabel: String
    var ours = Samples()
    var peer = Samples()
    /// Ours ÷ peer for each pair of samples taken back to back (load from other processes hits both alike).
    var pairRatios = Samples()
    /// Instructions per operation under callgrind (ours, peer), when both could be counted in a timed run.
    var instructionsPerOperation: (ours: Double, peer: Double)?
    /// Why a figure is missing (a slot not filled yet, a peer that failed); nil when both were measured.
    var skipReason: String?

    init(name: String, unit: RateUnit, goal: Goal, peerLabel: String) {
        self.name = name; self.unit = unit; self.goal = goal; self.peerLabel = peerLabel
    }

    /// The median of the pairwise ratios ours ÷ peer, if both were measured.
    var ratio: Double? { pairRatios.isEmpty ? nil : pairRatios.median }

    /// PASS or MISS against the goal, or SKIP when a figure the goal needs is missing.
    var verdict: String {
        if ours.isEmpty { return "SKIP" }
        if goal.minRatio == nil && goal.minRate == nil { return "INFO" }
        var pass = true
        if let minRatio = goal.minRatio {
            guard let r = ratio else { return "SKIP" }
            pass = pass && r >= minRatio
        }
        if let minRate = goal.minRate, basis == .cpuTime { pass = pass && ours.median >= minRate }
        return pass ? "PASS" : "MISS"
    }

    /// A figure in the benchmark's unit, or as instructions per operation (per byte for `.bytes`).
    func format(_ value: Double) -> String {
        guard basis == .instructions else { return unit.format(value) }
        switch unit {
        case .bytes: return String(format: "%.2f instructions/byte", 1e9 / value)
        case .operations(let name):
            // "logs/s" is a rate; per operation it reads "instructions/log".
            let single = name.hasSuffix("s") ? String(name.dropLast()) : name
            return String(format: "%.0f instructions/%@", 1e9 / value, single)
        }
    }

    private func describe(_ s: Samples) -> String {
        guard !s.isEmpty else { return "-" }
        if basis == .instructions { return format(s.median) + " (callgrind)" }
        return "\(format(s.median)) (median of \(s.count), spread \(String(format: "%.1f", s.spreadPercent))%)"
    }

    /// The one-line report printed as soon as the benchmark finishes.
    var line: String {
        let ratioText = ratio.map { String(format: "%.2f× (%.2f–%.2f)", $0, pairRatios.min, pairRatios.max) } ?? "-"
        var text = "bench \(name): ours \(describe(ours)) | peer \(peerLabel): \(describe(peer)) | ratio \(ratioText) | goal \(goal.describe(unit)) | \(verdict)"
        if let counted = instructionsPerOperation {
            text += String(format: " | callgrind: ours %.0f, peer %.0f instructions/op (%.3f×)", counted.ours, counted.peer, counted.peer / counted.ours)
        }
        if let reason = skipReason { text += " (\(reason))" }
        return text
    }
}

/// Prints results as they come and a summary table at the end.
enum Report {
    static func printHeader(_ machine: Machine, instructions: Bool) {
        print("kalypso-bench on \(machine.description)")
        if instructions {
            print("figures: instructions per operation under callgrind (runs of n and 2n operations, differenced);")
            print("ratio = peer instructions ÷ ours; rate goals are not judged in this mode")
        } else {
            print("figures: rates per CPU second (process CPU time), median of repeated samples; ours and peer interleaved,")
            print("ratio = median of back-to-back pair ratios (range in brackets); goals are reported, never asserted;")
            print("callgrind = peer ÷ ours instructions per operation, where the peer can run a fixed count (deterministic)")
        }
    }

    static func printSummary(_ results: [BenchResult]) {
        let header = ["benchmark", "ours", "peer", "peer figure", "ratio", "callgrind", "goal", "result"]
        let rows = results.map { r -> [String] in
            [r.name,
             r.ours.isEmpty ? "-" : r.format(r.ours.median),
             r.peerLabel,
             r.peer.isEmpty ? "-" : r.format(r.peer.median),
             r.ratio.map { String(format: "%.2f×", $0) } ?? "-",
             r.instructionsPerOperation.map { String(format: "%.3f×", $0.peer / $0.ours) } ?? "-",
             r.goal.describe(r.unit),
             r.verdict + (r.skipReason.map { " (\($0))" } ?? "")]
        }
        let widths = header.indices.map { i in ([header[i]] + rows.map { $0[i] }).map(\.count).max() ?? 0 }
        func format(_ cells: [String]) -> String {
            cells.enumerated().map { i, c in i == cells.count - 1 ? c : c.padding(toLength: widths[i], withPad: " ", startingAt: 0) }
                .joined(separator: "  ")
        }
        print("")
        print("summary")
        print(format(header))
        print(format(widths.map { String(repeating: "-", count: $0) }))
        rows.forEach { print(format($0)) }
    }
}
