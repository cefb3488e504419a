import Foundation
import Synchronization
import Testing

/// Paths of the project the tests run in, and temporary directories they clean up.
enum Project {
    /// The directory holding `Package.swift`.
    static let root: URL = {
        var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while url.path != "/" && !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
            url.deleteLastPathComponent()
        }
        return url
    }()

    /// The venv's Python (`make venv` / `make test` create it).
    static let python = root.appendingPathComponent(".venv/bin/python")

    /// `python arguments…` started with an empty signal mask. Children of the test process inherit its blocked
    /// signals (SIGTERM and SIGINT among them), and a devnode that never sees SIGTERM never saves its state file
    /// or stops; the one-line prelude unblocks everything, then execs the real command.
    static func unblockedPython(_ arguments: [String]) -> [String] {
        [python.path, "-c", "import os, signal, sys; signal.pthread_sigmask(signal.SIG_SETMASK, []); os.execv(sys.argv[1], sys.argv[1:])",
         python.path] + arguments
    }

    /// Whether the devnode can run; the tests are skipped with this reason otherwise.
    static var hasVenv: Bool { FileManager.default.isExecutableFile(atPath: python.path) }
    static let skipReason: Comment = "no .venv: run `make venv` (make test creates it) to run the devnode integration tests"

    /// The CLI built by `swift build --build-tests`.
    static let binary = root.appendingPathComponent(".build/debug/kalypso-mirror")

    /// A fresh temporary directory, removed when the test process exits (with the chain states and databases in it).
    static func temporaryDirectory(_ label: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("kalypso-mirror-it-\(label)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        let first = temporaryDirectories.withLock { dirs -> Bool in
            dirs.append(url.path)
            return dirs.count == 1
        }
        if first { atexit { Project.removeTemporaryDirectories() } }
        return url
    }

    private static let temporaryDirectories = Mutex<[String]>([])

    static func removeTemporaryDirectories() {
        for path in temporaryDirectories.withLock({ $0 }) { try? FileManager.default.removeItem(atPath: path) }
    }

    /// The environment for Python children: the devnode package on the path, no stray mirror settings.
    static var pythonEnvironment: [String: String] {
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("KALYPSO_MIRROR_") }
        env["PYTHONPATH"] = root.appendingPathComponent("Devnode").path
        env["PYTHONUNBUFFERED"] = "1"
        return env
    }

    /// The environment for the CLI: no `KALYPSO_MIRROR_*` variables from the caller's shell.
    static var cliEnvironment: [String: String] {
        ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("KALYPSO_MIRROR_") }
    }
}

/// Polls `condition` every `interval` until it holds or `attempts` polls have failed (then records an issue).
@discardableResult
func waitUntil(_ what: String, attempts: Int = 1200, interval: Duration = .milliseconds(100),
               _ condition: () async throws -> Bool) async throws -> Bool {
    for _ in 0..<attempts {
        if try await condition() { return true }
        try await Task.sleep(for: interval)
    }
    Issue.record("timed out waiting until \(what)")
    return false
}
