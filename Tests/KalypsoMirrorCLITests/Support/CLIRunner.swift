import Foundation
import Testing

/// Runs the built `kalypso-mirror` binary (`.build/debug/kalypso-mirror`, built by `swift build --build-tests`).
enum CLIRunner {
    /// The directory holding `Package.swift`.
    static let projectRoot: URL = {
        var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while url.path != "/" && !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
            url.deleteLastPathComponent()
        }
        return url
    }()

    static let binary = projectRoot.appendingPathComponent(".build/debug/kalypso-mirror")

    /// `../shared/vectors`.
    static let vectors = projectRoot.appendingPathComponent("../shared/vectors").standardizedFileURL

    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
        /// Standard output without the trailing newline.
        var output: String { stdout.hasSuffix("\n") ? String(stdout.dropLast()) : stdout }
    }

    /// Runs the binary with `arguments` (and `environment` added to this process's) and waits for it to exit.
    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Result {
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            Issue.record("\(binary.path) is missing; run 'swift build --build-tests' first")
            return Result(status: -1, stdout: "", stderr: "")
        }
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Drain both pipes at once, to their ends, before waiting: reading one after the other would leave the child
        // blocked on a full stderr pipe (64 KiB) while this side still waits for stdout to end.
        let errors = PipeDrain(err.fileHandleForReading)
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = errors.wait()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
    }
}

/// Reads a pipe to its end on a thread of its own.
final class PipeDrain: @unchecked Sendable {
    private let done = NSCondition()
    private var data: Data?  // guarded by `done`

    init(_ handle: FileHandle) {
        let thread = Thread { [self] in
            let read = handle.readDataToEndOfFile()
            done.lock()
            data = read
            done.broadcast()
            done.unlock()
        }
        thread.start()
    }

    /// Everything the pipe carried, once its writer has closed it.
    func wait() -> Data {
        done.lock()
        defer { done.unlock() }
        while true {
            if let data { return data }
            done.wait()
        }
    }
}
