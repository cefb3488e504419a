import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A child process whose output goes to files (so a chatty child never blocks on a full pipe).
final class ChildProcess: @unchecked Sendable {
    let process = Process()
    let stdoutURL: URL
    let stderrURL: URL
    let label: String

    /// Starts `executable` with `arguments`; output lands in `directory/<label>.out|.err`.
    init(_ executable: URL, _ arguments: [String], environment: [String: String], directory: URL, label: String,
         currentDirectory: URL = Project.root) throws {
        self.label = label
        stdoutURL = directory.appendingPathComponent("\(label).out")
        stderrURL = directory.appendingPathComponent("\(label).err")
        _ = FileManager.default.createFile(atPath: stdoutURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
        process.executableURL = executable
        process.arguments = arguments
        process.environment = environment
        process.currentDirectoryURL = currentDirectory
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: stdoutURL)
        process.standardError = try FileHandle(forWritingTo: stderrURL)
        try process.run()
    }

    var pid: Int32 { process.processIdentifier }
    var isRunning: Bool { process.isRunning }
    var stdout: String { (try? String(contentsOf: stdoutURL, encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? "" }

    /// Sends `signal` (SIGKILL, SIGTERM, SIGINT).
    func send(_ signal: Int32) { if process.isRunning { kill(process.processIdentifier, signal) } }

    /// Waits for the exit and returns the status (the signal number for a signalled exit is reported by Foundation
    /// as `terminationStatus` with `terminationReason == .uncaughtSignal`).
    @discardableResult
    func wait() async -> Int32 {
        while process.isRunning { try? await Task.sleep(for: .milliseconds(20)) }
        return process.terminationStatus
    }

    /// Whether the process ended by a signal.
    var wasSignalled: Bool { process.terminationReason == .uncaughtSignal }
}

/// `kalypso-mirror` run as a child.
enum MirrorCLI {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs the CLI to completion.
    static func run(_ arguments: [String], in directory: URL, label: String = "cli") async throws -> Result {
        let child = try spawn(arguments, in: directory, label: label)
        let status = await child.wait()
        return Result(status: status, stdout: child.stdout, stderr: child.stderr)
    }

    /// Starts the CLI (e.g. a following `sync`).
    static func spawn(_ arguments: [String], in directory: URL, label: String) throws -> ChildProcess {
        try ChildProcess(Project.binary, arguments, environment: Project.cliEnvironment, directory: directory,
                         label: "\(label)-\(UUID().uuidString.prefix(6))")
    }
}
