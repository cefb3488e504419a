import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What a peer's output says: a rate it measured itself, or a number of operations it ran (the harness then
/// divides by the CPU time the peer process used, so the figure is per CPU second like ours).
enum PeerOutput: Sendable {
    case rate(Double)
    case operations(Double)
}

/// A peer program measured next to our code: an external command whose output holds one figure.
struct PeerCommand: Sendable {
    /// How the peer is named in reports, for example `openssl speed -evp sha3-256`.
    let label: String
    /// The executable and its arguments.
    let arguments: [String]
    /// Extracts the figure from the command's standard output.
    let parse: @Sendable (String) -> PeerOutput?
    /// The command that runs exactly `n` operations, if the peer can (needed for `--instructions`).
    var fixedCount: (@Sendable (Int) -> [String])? = nil

    /// The conventional output of our own peers: a line `rate: <number>` (per CPU second).
    static func rateLine(_ output: String) -> PeerOutput? {
        for line in output.split(separator: "\n") where line.hasPrefix("rate:") {
            return Double(line.dropFirst(5).trimmingCharacters(in: .whitespaces)).map(PeerOutput.rate)
        }
        return nil
    }

    /// Runs the peer once; its rate per CPU second, or an error message naming the command and what it printed.
    func run() -> Result<Double, PeerFailure> {
        let cpuBefore = Self.childrenCPUSeconds()
        let status: Int32, stdout: String, stderr: String
        switch launch() {
        case .success(let r): (status, stdout, stderr) = r
        case .failure(let f): return .failure(f)
        }
        let cpu = Self.childrenCPUSeconds() - cpuBefore
        guard status == 0, let figure = parse(stdout) else {
            let detail = stderr.split(separator: "\n").last.map(String.init) ?? ""
            return .failure(PeerFailure(message: "\(label) failed (exit \(status)): \(detail.isEmpty ? String(stdout.prefix(200)) : detail)"))
        }
        switch figure {
        case .rate(let rate):
            return .success(rate)
        case .operations(let count):
            guard cpu > 0 else { return .failure(PeerFailure(message: "\(label): no CPU time recorded for the peer process")) }
            return .success(count / cpu)
        }
    }

    /// Runs the command once (not a measurement) and returns its exit status and standard output (with the last
    /// line of standard error appended when it failed).
    func runCapturingOutput() -> (status: Int32, output: String) {
        switch launch() {
        case .success(let (status, stdout, stderr)):
            return (status, status == 0 ? stdout : stdout + (stderr.split(separator: "\n").last.map { "\n" + $0 } ?? ""))
        case .failure(let f):
            return (-1, f.message)
        }
    }

    private func launch() -> Result<(Int32, String, String), PeerFailure> {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        do { try process.run() } catch {
            return .failure(PeerFailure(message: "cannot start \(arguments.joined(separator: " ")): \(error)"))
        }
        // Read standard error on another thread and standard output here, so a chatty peer cannot fill a pipe and block.
        let errorBox = ErrorOutput()
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) { errorBox.data = err.fileHandleForReading.readDataToEndOfFile() }
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return .success((process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: errorBox.data, as: UTF8.self)))
    }

    private final class ErrorOutput: @unchecked Sendable { var data = Data() }

    /// User + system CPU seconds of this process's terminated, reaped children.
    static func childrenCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_CHILDREN.rawValue, &usage)
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) * 1e-6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }
}

/// Why a peer could not be measured.
struct PeerFailure: Error, Sendable {
    let message: String
}
