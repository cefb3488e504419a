import Foundation

/// `python -m devnode activity --stdio`: markets, generators, asks and stand-in provers on a devnode, driven one JSON
/// command per line (Devnode/devnode/activity.py). Nothing in it matches asks: that is the engine under test.
final class ActivityDriver: @unchecked Sendable {
    private let process = Process()
    private let input = Pipe()
    private let output = Pipe()

    init(_ devnode: Devnode, seed: Int) async throws {
        let arguments = Project.unblockedPython(["-m", "devnode", "activity", "--rpc", devnode.rpcURL, "--seed", String(seed), "--stdio"])
        process.executableURL = URL(fileURLWithPath: arguments[0])
        process.arguments = Array(arguments.dropFirst())
        process.environment = Project.pythonEnvironment
        process.currentDirectoryURL = Project.root
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        let ready = try await answer()
        guard ready["ready"] as? Bool == true else { throw DevnodeError("the activity driver did not start: \(ready)") }
    }

    private func answer() async throws -> [String: Any] {
        let line = try await Devnode.firstLine(output.fileHandleForReading)
        guard let json = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
            throw DevnodeError("the activity driver answered \(line.prefix(200))")
        }
        if let error = json["error"] as? String { throw DevnodeError("activity: \(error)") }
        return json
    }

    /// Sends one command and returns its answer.
    @discardableResult
    func send(_ command: [String: Any]) async throws -> [String: Any] {
        input.fileHandleForWriting.write(try JSONSerialization.data(withJSONObject: command) + Data("\n".utf8))
        return try await answer()
    }

    /// Creates the markets (the last one private) and the generators; returns the description.
    func setup() async throws -> [String: Any] { try await send(["cmd": "setup"]) }

    /// Creates `n` asks (expiry now + a random number of blocks in `expiry`); returns their ids.
    @discardableResult
    func asks(_ n: Int, expiry: ClosedRange<Int>) async throws -> [Int] {
        try await send(["cmd": "asks", "n": n, "expiry": [expiry.lowerBound, expiry.upperBound]])["created"] as? [Int] ?? []
    }

    /// Submits a proof for every ask assigned to one of the driver's generators; returns the asks proved.
    @discardableResult
    func prove() async throws -> [Int] { try await send(["cmd": "prove"])["proved"] as? [Int] ?? [] }

    /// The driver's asks by on-chain state, and the proofs it submitted.
    func counts() async throws -> (byState: [String: Int], proved: Int, asks: Int) {
        let c = try await send(["cmd": "counts"])
        return (c["byState"] as? [String: Int] ?? [:], c["proved"] as? Int ?? -1, c["asks"] as? Int ?? -1)
    }

    /// Each generator's on-chain load (computeConsumed, stakeLocked, activeRequests per market, capacity, proved).
    func generators() async throws -> [[String: Any]] { try await send(["cmd": "generators"])["generators"] as? [[String: Any]] ?? [] }

    /// Every mined transaction from `sender` since block `first`, and how many reverted.
    func transactions(from sender: String, first: UInt64) async throws -> (hashes: [String], reverted: Int) {
        let t = try await send(["cmd": "transactions", "from": sender, "first": first])
        let txs = t["transactions"] as? [[String: Any]] ?? []
        return (txs.compactMap { $0["hash"] as? String }, t["reverted"] as? Int ?? -1)
    }

    func head() async throws -> UInt64 { (try await send(["cmd": "head"])["head"] as? NSNumber)?.uint64Value ?? 0 }

    func stop() async {
        try? input.fileHandleForWriting.close()
        while process.isRunning { try? await Task.sleep(for: .milliseconds(20)) }
    }
}
