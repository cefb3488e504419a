import Foundation
import Operator
import Testing

/// The devnode (Devnode/README.md) as a child process: `python -m devnode serve --port 0`, stopped with SIGTERM.
final class DevnodeProcess: @unchecked Sendable {
    /// The directory holding `Package.swift`.
    static let projectRoot: URL = {
        var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while url.path != "/" && !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
            url.deleteLastPathComponent()
        }
        return url
    }()

    let process: Process
    /// A temporary directory for the info file, keys, attestations; removed at stop.
    let directory: URL
    /// The info file the devnode wrote.
    let infoPath: String
    let info: DevnodeInfo

    private init(process: Process, directory: URL, infoPath: String, info: DevnodeInfo) {
        self.process = process
        self.directory = directory
        self.infoPath = infoPath
        self.info = info
    }

    struct StartFailure: Error, CustomStringConvertible {
        let description: String
    }

    /// Starts a devnode (current deployment only) on a free port and waits for its info line.
    static func start() throws -> DevnodeProcess {
        let python = projectRoot.appendingPathComponent(".venv/bin/python")
        guard FileManager.default.isExecutableFile(atPath: python.path) else {
            throw StartFailure(description: "\(python.path) is missing; run 'make venv' (the devnode needs py-evm and Vyper)")
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("operator-it-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let infoPath = directory.appendingPathComponent("info.json").path
        let process = Process()
        process.executableURL = python
        // The test runner's threads block SIGTERM and the child would inherit that mask: unblock it first, so the
        // devnode's own handler stops it cleanly.
        let unblock = "import runpy, signal, sys; signal.pthread_sigmask(signal.SIG_SETMASK, []); "
            + "sys.argv = ['devnode'] + sys.argv[1:]; runpy.run_module('devnode', run_name='__main__')"
        process.arguments = ["-c", unblock, "serve", "--port", "0", "--no-legacy", "--info-file", infoPath]
        process.currentDirectoryURL = projectRoot
        var environment = ProcessInfo.processInfo.environment
        environment["PYTHONPATH"] = projectRoot.appendingPathComponent("Devnode").path
        process.environment = environment
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // The first stdout line is the info JSON: wait for it (or for the process to die).
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        guard line.contains(UInt8(ascii: "\n")) else {
            process.terminate()
            process.waitUntilExit()
            throw StartFailure(description: "the devnode exited before printing its info line (status \(process.terminationStatus))")
        }
        let info = try DevnodeInfo.load(path: infoPath)
        return DevnodeProcess(process: process, directory: directory, infoPath: infoPath, info: info)
    }

    /// SIGTERM, then SIGKILL if it is still running after 10 s (a child of the test runner may inherit a signal
    /// mask that blocks SIGTERM; the devnode keeps no state file here, so nothing is lost); then the temporary
    /// directory is removed.
    func stop() {
        if process.isRunning {
            process.terminate()
            let deadline = Date().addingTimeInterval(10)
            while process.isRunning && Date() < deadline { usleep(50_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: directory)
    }

    /// A path inside the temporary directory.
    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
}

/// One devnode for the whole suite tree it is attached to (started before, stopped after).
struct DevnodeTrait: SuiteTrait, TestScoping {
    var isRecursive: Bool { false }

    func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
        let node = try DevnodeProcess.start()
        defer { node.stop() }
        let world = try await TestWorld.make(node)
        defer { world.session.shutdown() }
        try await TestWorld.$current.withValue(world) {
            try await function()
        }
    }
}

extension Trait where Self == DevnodeTrait {
    /// Runs the suite against one devnode subprocess.
    static var devnode: DevnodeTrait { DevnodeTrait() }
}
