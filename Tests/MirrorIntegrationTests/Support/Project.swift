import Foundation
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

    /// Whether the devnode can run; the tests are skipped with this reason otherwise.
    static var hasVenv: Bool { FileManager.default.isExecutableFile(atPath: python.path) }
    static let skipReason: Comment = "no .venv: run `make venv` (make test creates it) to run the devnode integration tests"

    /// The CLI built by `swift build --build-tests`.
    static let binary = root.appendingPathComponent(".build/debug/kalypso-mirror")

    /// A fresh temporary directory.
    static func temporaryDirectory(_ label: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("kalypso-mirror-it-\(label)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
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

/// A deterministic generator for kill moments and similar choices (SplitMix64).
struct SeededRandom: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
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
