import Foundation
import Synchronization

/// A process-wide set of Prometheus metrics, passed to the components that record them.
///
/// Counters and gauges are keyed by name and label set; histograms have fixed buckets.
/// `render()` produces the Prometheus text exposition format (version 0.0.4).
public final class MetricsRegistry: Sendable {
    private struct Key: Hashable { let name: String; let labels: [String] }
    private struct Family { var help: String; var type: String }
    private struct Histogram { var buckets: [Double]; var counts: [UInt64]; var sum: Double; var count: UInt64 }
    private struct State {
        var families: [String: Family] = [:]
        var values: [Key: Double] = [:]
        var histograms: [Key: Histogram] = [:]
    }
    private let state = Mutex(State())

    public init() {}

    /// Declares a metric family's help text and type (`counter`, `gauge`, `histogram`).
    public func describe(_ name: String, type: String, help: String) {
        state.withLock { $0.families[name] = Family(help: help, type: type) }
    }

    /// Adds `amount` to a counter.
    public func increment(_ name: String, by amount: Double = 1, labels: [(String, String)] = []) {
        let key = Key(name: name, labels: Self.flatten(labels))
        state.withLock { $0.values[key, default: 0] += amount }
    }

    /// Sets a gauge.
    public func set(_ name: String, _ value: Double, labels: [(String, String)] = []) {
        let key = Key(name: name, labels: Self.flatten(labels))
        state.withLock { $0.values[key] = value }
    }

    /// Records one observation in a histogram with the given upper bounds.
    public func observe(_ name: String, _ value: Double, buckets: [Double], labels: [(String, String)] = []) {
        let key = Key(name: name, labels: Self.flatten(labels))
        state.withLock { s in
            var h = s.histograms[key] ?? Histogram(buckets: buckets, counts: Array(repeating: 0, count: buckets.count), sum: 0, count: 0)
            for (i, b) in h.buckets.enumerated() where value <= b { h.counts[i] += 1 }
            h.sum += value
            h.count += 1
            s.histograms[key] = h
        }
    }

    /// The current value of a counter or gauge (nil if never set).
    public func value(_ name: String, labels: [(String, String)] = []) -> Double? {
        let key = Key(name: name, labels: Self.flatten(labels))
        return state.withLock { $0.values[key] }
    }

    /// The number of observations of a histogram (0 if none).
    public func observationCount(_ name: String, labels: [(String, String)] = []) -> UInt64 {
        let key = Key(name: name, labels: Self.flatten(labels))
        return state.withLock { $0.histograms[key]?.count ?? 0 }
    }

    /// The Prometheus text format of every metric.
    public func render() -> String {
        let s = state.withLock { $0 }
        var names = Set(s.values.keys.map(\.name)).union(s.histograms.keys.map(\.name))
        names.formUnion(s.families.keys)
        var out = ""
        for name in names.sorted() {
            if let f = s.families[name] {
                out += "# HELP \(name) \(f.help)\n# TYPE \(name) \(f.type)\n"
            }
            for (k, v) in s.values.filter({ $0.key.name == name }).sorted(by: { $0.key.labels.lexicographicallyPrecedes($1.key.labels) }) {
                out += "\(name)\(Self.labelText(k.labels)) \(Self.number(v))\n"
            }
            for (k, h) in s.histograms.filter({ $0.key.name == name }).sorted(by: { $0.key.labels.lexicographicallyPrecedes($1.key.labels) }) {
                for (i, b) in h.buckets.enumerated() {
                    out += "\(name)_bucket\(Self.labelText(k.labels + ["le", Self.number(b)])) \(h.counts[i])\n"
                }
                out += "\(name)_bucket\(Self.labelText(k.labels + ["le", "+Inf"])) \(h.count)\n"
                out += "\(name)_sum\(Self.labelText(k.labels)) \(Self.number(h.sum))\n"
                out += "\(name)_count\(Self.labelText(k.labels)) \(h.count)\n"
            }
        }
        return out
    }

    private static func flatten(_ labels: [(String, String)]) -> [String] {
        labels.sorted { $0.0 < $1.0 }.flatMap { [$0.0, $0.1] }
    }

    private static func labelText(_ flat: [String]) -> String {
        guard !flat.isEmpty else { return "" }
        var pairs: [String] = []
        var i = 0
        while i + 1 < flat.count {
            let v = flat[i + 1].replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                .replacingOccurrences(of: "\n", with: "\\n")
            pairs.append("\(flat[i])=\"\(v)\"")
            i += 2
        }
        return "{" + pairs.joined(separator: ",") + "}"
    }

    private static func number(_ v: Double) -> String {
        if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
        return String(v)
    }
}
