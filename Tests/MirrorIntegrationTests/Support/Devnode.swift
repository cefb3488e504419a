import EthereumKit
import Foundation
import JSONRPC
import Telemetry
import Testing

/// A devnode started by a test (`python -m devnode serve --port 0 …`), stopped by `stop()` — and, should the test
/// process die first, by its watchdog: a shell that waits for end-of-file on a pipe only this process holds open.
final class Devnode: @unchecked Sendable {
    /// The info JSON the devnode printed, as a file (for `--network devnode --devnode-info`).
    let infoFile: URL
    /// The parsed info.
    let info: [String: Any]
    /// `http://127.0.0.1:<port>`.
    let rpcURL: String
    let directory: URL
    private let process: Process
    private let lifeline: Pipe
    let client: JSONRPCClient

    /// Starts a devnode; `stateFile` restores a saved chain (and is where `devnode_save` writes).
    init(directory: URL, stateFile: URL? = nil, extraArguments: [String] = []) async throws {
        self.directory = directory
        infoFile = directory.appendingPathComponent("devnode-info-\(UUID().uuidString.prefix(6)).json")
        let log = directory.appendingPathComponent("devnode-\(UUID().uuidString.prefix(6)).log")
        var serve = ["-m", "devnode", "serve", "--port", "0", "--info-file", infoFile.path]
        if let stateFile { serve += ["--state-file", stateFile.path] }
        serve += extraArguments
        let command = Project.unblockedPython(serve).map { "'\($0)'" }.joined(separator: " ")
        let script = """
        \(command) </dev/null 2>'\(log.path)' &
        pid=$!
        trap 'kill -TERM $pid 2>/dev/null; wait $pid; exit 0' TERM INT
        cat >/dev/null
        kill -TERM $pid 2>/dev/null
        wait $pid
        """
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script]
        process.environment = Project.pythonEnvironment
        process.currentDirectoryURL = Project.root
        lifeline = Pipe()
        let out = Pipe()
        process.standardInput = lifeline
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let line = try await Self.firstLine(out.fileHandleForReading)
        guard let data = line.data(using: .utf8), let json = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let url = json["rpcUrl"] as? String else {
            let tail = (try? String(contentsOf: log, encoding: .utf8))?.suffix(2000) ?? ""
            try? lifeline.fileHandleForWriting.close()
            throw DevnodeError("the devnode did not print its info JSON (got \(line.prefix(200))); log: \(tail)")
        }
        info = json
        rpcURL = url
        try Data(line.utf8).write(to: infoFile)
        client = try JSONRPCClient(configuration: JSONRPCClientConfiguration(url: url), logger: .disabled)
    }

    /// Reads the first line of `handle` off the cooperative pool.
    static func firstLine(_ handle: FileHandle) async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                var bytes: [UInt8] = []
                while true {
                    let chunk = handle.availableData
                    if chunk.isEmpty { break }
                    bytes += chunk
                    if bytes.contains(UInt8(ascii: "\n")) { break }
                }
                let line = String(decoding: bytes.prefix { $0 != UInt8(ascii: "\n") }, as: UTF8.self)
                continuation.resume(returning: line)
            }
        }
    }

    /// Stops the devnode (SIGTERM; it saves its state file if it has one) and waits for it.
    func stop() async {
        client.shutdown()
        try? lifeline.fileHandleForWriting.close()
        while process.isRunning { try? await Task.sleep(for: .milliseconds(50)) }
    }

    // MARK: JSON-RPC

    /// Calls `method` and returns the result.
    @discardableResult
    func call(_ method: String, _ params: [JSONValue] = []) async throws -> JSONValue {
        try await client.send(RPCCall(method: method, params: params))
    }

    func head() async throws -> UInt64 { try await client.blockNumber() }

    func blockHash(_ number: UInt64) async throws -> Hash32? { try await client.getBlockHeader(.number(number))?.hash }

    /// `contracts.deploymentBlock` of the current set.
    var deploymentBlock: UInt64 { ((info["contracts"] as? [String: Any])?["deploymentBlock"] as? NSNumber)?.uint64Value ?? 0 }

    /// Runs the scenario driver against this devnode; returns its summary JSON.
    @discardableResult
    func scenario(seed: Int, ops: Int) async throws -> [String: Any] {
        let arguments = Project.unblockedPython(["-m", "devnode", "scenario", "--rpc", rpcURL, "--seed", String(seed), "--ops", String(ops)])
        let child = try ChildProcess(URL(fileURLWithPath: arguments[0]), Array(arguments.dropFirst()),
                                     environment: Project.pythonEnvironment, directory: directory, label: "scenario-\(seed)")
        let status = await child.wait()
        guard status == 0, let data = child.stdout.split(separator: "\n").last.flatMap({ $0.data(using: .utf8) }),
              let summary = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw DevnodeError("scenario seed \(seed) failed (exit \(status)): \(child.stderr.suffix(2000))")
        }
        return summary
    }
}

struct DevnodeError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// `chain_ops.py` as one long-running helper: snapshot, revert and exactly-N-block branches of Kalypso transactions.
final class ChainOps: @unchecked Sendable {
    private let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    private var buffer: [UInt8] = []

    init(_ devnode: Devnode) async throws {
        let arguments = Project.unblockedPython([Project.root.appendingPathComponent("Tests/MirrorIntegrationTests/Fixtures/chain_ops.py").path,
                                                 "--rpc", devnode.rpcURL, "--info", devnode.infoFile.path])
        process.executableURL = URL(fileURLWithPath: arguments[0])
        process.arguments = Array(arguments.dropFirst())
        process.environment = Project.pythonEnvironment
        process.currentDirectoryURL = Project.root
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        let ready = try await next()
        guard ready["ready"] as? Bool == true else { throw DevnodeError("chain_ops did not start: \(ready)") }
    }

    private func next() async throws -> [String: Any] {
        let line = try await Devnode.firstLine(output.fileHandleForReading)
        guard let data = line.data(using: .utf8), let json = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw DevnodeError("chain_ops answered \(line.prefix(200))")
        }
        if let error = json["error"] as? String { throw DevnodeError("chain_ops: \(error)") }
        return json
    }

    /// Sends one command and returns its answer.
    @discardableResult
    func send(_ command: [String: Any]) async throws -> [String: Any] {
        let data = try JSONSerialization.data(withJSONObject: command)
        input.fileHandleForWriting.write(data + Data("\n".utf8))
        return try await next()
    }

    func setup() async throws { try await send(["cmd": "setup"]) }
    func snapshot() async throws -> String { try await send(["cmd": "snapshot"])["id"] as? String ?? "" }
    func revert(_ id: String) async throws { try await send(["cmd": "revert", "id": id]) }
    /// Mines exactly `blocks` blocks of tag-dependent transactions; returns the new head.
    @discardableResult
    func branch(blocks: Int, tag: Int) async throws -> UInt64 {
        ((try await send(["cmd": "branch", "blocks": blocks, "tag": tag])["head"]) as? NSNumber)?.uint64Value ?? 0
    }

    func stop() async {
        try? input.fileHandleForWriting.close()
        while process.isRunning { try? await Task.sleep(for: .milliseconds(20)) }
    }
}
