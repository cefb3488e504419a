import Foundation

/// A peer program measured next to our code: an external command whose output holds one figure.
struct PeerCommand: Sendable {
    /// How the peer is named in reports, for example `openssl speed -evp sha3-256`.
    let label: String
    /// The executable and its arguments.
    let arguments: [String]
    /// Extracts the rate (operations or bytes per second) from the command's standard output.
    let parse: @Sendable (String) -> Double?

    /// The conventional output of our own peers (C loops, Python scripts): a line `rate: <number>`.
    static func rateLine(_ output: String) -> Double? {
        for line in output.split(separator: "\n") where line.hasPrefix("rate:") {
            return Double(line.dropFirst(5).trimmingCharacters(in: .whitespaces))
        }
        return nil
    }

    /// Runs the peer once; the parsed figure, or an error message naming the command and what it printed.
    func run() -> Result<Double, PeerFailure> {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        do { try process.run() } catch {
            return .failure(PeerFailure(message: "cannot start \(arguments.joined(separator: " ")): \(error)"))
        }
        // Read before waiting so a chatty peer cannot fill the pipe and block.
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: stdout, as: UTF8.self)
        guard process.terminationStatus == 0, let value = parse(text) else {
            let detail = String(decoding: stderr, as: UTF8.self).split(separator: "\n").last.map(String.init) ?? ""
            return .failure(PeerFailure(message: "\(label) failed (exit \(process.terminationStatus)): \(detail.isEmpty ? text.prefix(200).description : detail)"))
        }
        return .success(value)
    }
}

/// Why a peer could not be measured.
struct PeerFailure: Error, Sendable {
    let message: String
}
