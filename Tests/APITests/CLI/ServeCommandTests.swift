import DatabaseTestSupport
import EthereumKit
import Foundation
import HTTPTestSupport
import Testing

/// `kalypso-mirror serve` as a process: the built binary (`swift build --build-tests` builds it) against a database
/// the test commits, on 127.0.0.1 port 0; stopped with SIGTERM / SIGINT.
@Suite struct ServeCommandTests {
    static let binary = projectRoot.appendingPathComponent(".build/debug/kalypso-mirror").path

    /// A running `serve` child, killed at release if a test did not stop it.
    final class Server {
        let process = Process()
        let output = Pipe(), errors = Pipe()
        private(set) var firstLine = ""

        /// Starts `serve` with `arguments` in `directory` (the working directory: where the default database would be).
        init(_ arguments: [String], in directory: String = NSTemporaryDirectory()) throws {
            process.executableURL = URL(fileURLWithPath: ServeCommandTests.binary)
            process.currentDirectoryURL = URL(fileURLWithPath: directory)
            var environment = ProcessInfo.processInfo.environment
            environment["KALYPSO_MIRROR_DB"] = nil
            process.environment = environment
            process.arguments = ["serve"] + arguments
            process.standardOutput = output
            process.standardError = errors
            try process.run()
            // The first stdout line, byte by byte (EOF if the child failed).
            let handle = output.fileHandleForReading
            var bytes: [UInt8] = []
            while let chunk = try handle.read(upToCount: 1), let byte = chunk.first, byte != UInt8(ascii: "\n") { bytes.append(byte) }
            firstLine = String(decoding: bytes, as: UTF8.self)
        }

        deinit {
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
        }

        /// The port of `listening http://127.0.0.1:PORT`.
        var port: UInt16? { firstLine.split(separator: ":").last.flatMap { UInt16($0) } }

        /// Sends `signal`, waits for the exit; returns (status, stderr).
        func stop(_ signal: Int32) -> (Int32, String) {
            kill(process.processIdentifier, signal)
            process.waitUntilExit()
            let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            return (process.terminationStatus, text)
        }
    }

    @Test func servesTheDatabaseAndStopsCleanlyOnSignals() throws {
        let (directory, path, store, chain) = try APIFixture.database("serve-cli", seed: 3, ranges: 2, blocks: 30)
        defer { store.pool.close(); directory.remove() }
        try store.recordHead(chain.nextBlock - 1)
        for signal in [SIGTERM, SIGINT] {
            let server = try Server(["--db", path, "--listen", "127.0.0.1:0", "--threads", "2"])
            #expect(server.firstLine.hasPrefix("listening http://127.0.0.1:"), "\(server.firstLine)")
            let port = try #require(server.port)
            let status = try JSONObject(try fetch(port, "/v1/status"))
            #expect(try status.block().blockNumber == chain.nextBlock - 1)
            let address = try #require(chain.state.generators.keys.sorted().first)
            let generator = try JSONObject(try fetch(port, "/v1/generators/\(address)")).object("generator")
            #expect(try generator.string("totalStake") == chain.state.generators[address]?.totalStake.description)
            #expect(try fetch(port, "/readyz").status == 200)
            // The writer (this test) still commits while the server reads.
            var next = chain
            try store.commit(next.range(blocks: 1), reorgWindow: 64)
            #expect(try JSONObject(try fetch(port, "/v1/status")).block().blockNumber == next.nextBlock - 1)
            let (code, stderr) = server.stop(signal)
            #expect(code == 0, "\(stderr)")
            #expect(stderr.contains("stopping"))
            #expect(stderr.contains("HTTP server stopped"))
            #expect(throws: (any Error).self) { try fetch(port, "/healthz") }
            _ = try store.rewind(to: chain.nextBlock - 1, reason: "test")
        }
    }

    @Test func badInvocationsExitWithUsageErrors() throws {
        let (directory, path, store, _) = try APIFixture.database("serve-bad", seed: 3, ranges: 1, blocks: 5)
        defer { store.pool.close(); directory.remove() }
        let cases: [([String], Int32, String)] = [
            ([], 2, "no database at kalypso-mirror.sqlite"),
            (["--db", directory.file("missing.sqlite")], 2, "no database at"),
            (["--db", path, "--listen", "localhost:80"], 2, "not an IPv4 or IPv6 address literal"),
            (["--db", path, "--listen", "127.0.0.1"], 2, "expected host:port"),
            (["--db", path, "--threads", "0"], 2, "--threads takes a whole number"),
            (["--db", path, "--max-url-bytes", "huge"], 2, "--max-url-bytes"),
            (["--db", path, "--bogus"], 2, "unexpected argument '--bogus'"),
            (["--db", "mysql://x"], 2, "unsupported database URL scheme"),
        ]
        for (arguments, status, phrase) in cases {
            let server = try Server(arguments, in: directory.path)
            server.process.waitUntilExit()
            let stderr = String(decoding: server.errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            #expect(server.process.terminationStatus == status, "\(arguments): \(stderr)")
            #expect(stderr.contains(phrase), "\(arguments): \(stderr)")
            #expect(server.firstLine.isEmpty)
        }
        // A file that is not a mirror database: a run-time failure.
        let other = directory.file("other.sqlite")
        #expect(FileManager.default.createFile(atPath: other, contents: Data("not sqlite".utf8)))
        let server = try Server(["--db", other])
        server.process.waitUntilExit()
        #expect(server.process.terminationStatus == 1)
    }
}
