import Foundation

/// `python -m devnode activity --stdio`: markets, generators, asks and stand-in provers on a devnode, driven one JSON
/// command per line (Devnode/devnode/activity.py). Nothing in it matches asks: that is the engine under test.
final class ActivityDriver: @unchecked Sendable {
    private let helper: JSONLineHelper

    init(_ devnode: Devnode, seed: Int) async throws {
        helper = try await JSONLineHelper(name: "the activity driver",
                                          pythonArguments: ["-m", "devnode", "activity", "--rpc", devnode.rpcURL, "--seed", String(seed), "--stdio"])
    }

    /// Sends one command and returns its answer.
    @discardableResult
    func send(_ command: [String: Any]) async throws -> [String: Any] { try await helper.send(command) }

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

    /// Every private ask created by the driver: its AES key and state and, once assigned, the generator and the
    /// TaskCreated `new_acl` (with eciespy's verdict: does it decrypt, with that generator's enclave key, to the AES key);
    /// and the enclave private keys of the generators in the private market.
    func privateAcls() async throws -> (asks: [[String: Any]], enclaveKeys: [String: String]) {
        let r = try await send(["cmd": "private_acls"])
        return (r["asks"] as? [[String: Any]] ?? [], r["enclaveKeys"] as? [String: String] ?? [:])
    }

    func head() async throws -> UInt64 { (try await send(["cmd": "head"])["head"] as? NSNumber)?.uint64Value ?? 0 }

    func stop() async { await helper.stop() }
}
