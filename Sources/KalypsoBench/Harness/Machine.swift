import Foundation

/// The machine the figures were measured on (printed with every run, since figures mean little without it).
struct Machine: Sendable, CustomStringConvertible {
    let cpuModel: String
    let cores: Int
    let loadAverage: String

    static func current() -> Machine {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let model = cpuinfo.split(separator: "\n")
            .first { $0.hasPrefix("model name") }
            .flatMap { $0.split(separator: ":", maxSplits: 1).last }
            .map { $0.trimmingCharacters(in: .whitespaces) } ?? "unknown CPU"
        let load = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))
            .map { $0.split(separator: " ").prefix(3).joined(separator: " ") } ?? "?"
        return Machine(cpuModel: model, cores: ProcessInfo.processInfo.activeProcessorCount, loadAverage: load)
    }

    var description: String { "\(cpuModel), \(cores) cores, load average \(loadAverage)" }
}
