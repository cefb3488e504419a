import EthereumKit
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The matching engine fed by the mirror, against the devnode (issue 6): the activity driver creates markets,
/// generators (some small enough to be exhausted by two tasks) and asks, and proves what gets assigned; the engine
/// runs in-process with `sync --match --relay`, then beside it with `match --once --relay`.
extension MirrorIntegrationTests {
    /// Many asks: every relayed assignment lands (0 reverted transactions on chain, 0 failed receipts), every assigned
    /// task is proved, compute and stake return to zero, generators that were full get tasks again after their proofs,
    /// private asks are assigned to the generators with an enclave key in the private market, each with a `new_acl`
    /// that decrypts (our ECIES and eciespy) with that generator's key to the ask's AES key, the mirror still verifies
    /// against the contracts, and
    /// `match --explain` gives the decision for an unmatched ask. On each backend (`match` reads the database beside
    /// the writing `sync`).
    @Test(arguments: Backend.available)
    func matchingRelaysAndProvesManyAsksWithoutReverts(_ backend: Backend) async throws {
        let dir = try Project.temporaryDirectory("matching-\(backend)")
        try await using(try await Devnode(directory: dir)) { devnode in
        let activity = try await ActivityDriver(devnode, seed: 3)
        defer { Task { await activity.stop() } }
        _ = try await activity.setup()
        let db = try TestDatabase(backend, in: dir, name: "match")
        defer { db.drop() }
        let engine = try #require((devnode.info["matchingEngine"] as? [String: Any])?["address"] as? String)
        let engineKey = try #require((devnode.info["matchingEngine"] as? [String: Any])?["privateKey"] as? String)
        let relayerAccount = try #require((devnode.info["accounts"] as? [[String: Any]])?.first)
        var environment = Project.cliEnvironment
        environment["KM_TEST_ME_KEY"] = engineKey
        environment["KM_TEST_RELAYER_KEY"] = relayerAccount["privateKey"] as? String
        let keyArguments = ["--private-key-env", "KM_TEST_ME_KEY"]
        let first = try await activity.head()
        try await activity.asks(60, expiry: 2_000...4_000)

        // 1. In-process: sync --match --relay follows the head; each committed range near the head runs a round.
        let sync = try ChildProcess(Project.binary, ["sync", "--match", "--relay", "--json", "--receipt-timeout", "60"] + keyArguments
                                    + devnodeArguments(devnode, db: db), environment: environment, directory: dir, label: "sync-match")
        defer { sync.send(SIGKILL) }  // a failed expectation below must not leave it running
        var provedRounds = 0
        for step in 0..<40 {
            let head = try await activity.head()
            let settled = try await waitUntil("a quiet round at block \(head) or later (step \(step))", attempts: 900) {
                guard sync.isRunning else { throw DevnodeError("sync --match stopped: \(sync.stderr.suffix(2000))") }
                guard let last = Self.rounds(sync.stdout).last else { return false }
                return Self.block(last) >= head && last.int("relayed") == 0 && last.int("inFlight") == 0
            }
            guard settled else { break }
            if step == 1 { try await activity.asks(40, expiry: 2_000...4_000) }  // asks arriving while the engine follows
            let counts = try await activity.counts()
            if counts.byState["ASSIGNED", default: 0] == 0 && step > 1 { break }
            if try await !activity.prove().isEmpty { provedRounds += 1 }
        }
        sync.send(SIGTERM)
        #expect(await sync.wait() == 0, "sync: \(sync.stderr.suffix(3000))")

        let rounds = Self.rounds(sync.stdout)
        let events = Self.documents(sync.stdout)
        let relayed = rounds.reduce(0) { $0 + $1.int("relayed") }
        let sent = rounds.reduce(0) { $0 + $1.int("transactionsSent") }
        #expect(relayed >= 30, "the scenario should assign many asks; rounds: \(rounds.count)")
        #expect(provedRounds >= 2, "tasks should be proved over several rounds")
        #expect(events.filter { $0["type"] as? String == "mined" }.count == sent)
        #expect(events.filter { ["reverted", "failed"].contains($0["type"] as? String ?? "") }.isEmpty)
        #expect(rounds.allSatisfy { ($0["stopReason"] as? String) == nil }, "\(rounds.compactMap { $0["stopReason"] as? String })")
        let onChain = try await activity.transactions(from: engine, first: first)
        #expect(onChain.reverted == 0)
        #expect(onChain.hashes.count == sent)

        // Every assignment was proved; nothing is left assigned.
        let counts = try await activity.counts()
        #expect(counts.byState["ASSIGNED", default: 0] == 0, "\(counts)")
        #expect(counts.byState["COMPLETE", default: 0] == relayed, "\(counts)")
        #expect(counts.proved == relayed)
        // Private asks: the engine decrypted each ACL with the matching-engine key and re-encrypted the AES key to
        // the chosen generator's enclave key; no round skipped one for its ACL.
        let skipped = rounds.map { ($0["summary"] as? [String: Any])?["skipped"] as? [String: Int] ?? [:] }
        for reason in ["privateAclReencryptionNotImplemented", "aclReencryptorUnavailable", "aclReencryptionFailed"] {
            #expect(skipped.allSatisfy { $0[reason, default: 0] == 0 }, "\(reason): \(skipped.last ?? [:])")
        }
        let (privateAsks, assignedPrivate, decrypted) = try await Self.checkPrivateAcls(activity)
        print("matching end to end (\(backend)): private asks created \(privateAsks), assigned \(assignedPrivate), new_acl decrypted \(decrypted)")
        #expect(privateAsks >= 5 && assignedPrivate >= 3, "private asks: \(privateAsks), assigned: \(assignedPrivate)")
        #expect(decrypted == assignedPrivate)

        // Compute and stake came back; generators that were full (proved more than they can hold at once) were matched
        // again after their proofs.
        let generators = try await activity.generators()
        for g in generators {
            #expect(g.int("computeConsumed") == 0 && g.int("stakeLocked") == 0, "\(g)")
            #expect((g["activeRequests"] as? [String: Int] ?? [:]).values.allSatisfy { $0 == 0 }, "\(g)")
        }
        #expect(generators.contains { $0.int("proved") > $0.int("capacity") }, "\(generators.map { ($0.int("capacity"), $0.int("proved")) })")

        // 2. Beside sync: new asks, `sync --once`, a dry run (signed, simulated, nothing sent); then the chain moves
        // behind the mirror's back (the dry run's first ask is assigned directly), and `match --once --relay` from a
        // separate relayer account: the simulation drops exactly that ask, the rest lands.
        try await activity.asks(30, expiry: 2_000...4_000)
        try await Self.syncOnce(devnode, db: db, dir: dir)
        let dry = try ChildProcess(Project.binary, ["match", "--once", "--json"] + keyArguments + devnodeArguments(devnode, db: db),
                                   environment: environment, directory: dir, label: "match-dry")
        #expect(await dry.wait() == 0)
        let plan = try #require(Self.documents(dry.stdout).last, "dry run: \(dry.stderr.suffix(2000))")
        let batches = plan["batches"] as? [[String: Any]] ?? []
        #expect(!batches.isEmpty && batches.allSatisfy { $0["status"] as? String == "dry-run" && $0["simulated"] as? Bool == true })
        let taken = try #require((plan["assignments"] as? [[String: Any]])?.first)
        let takenAsk = try #require(taken["askId"] as? String)
        let direct = try await activity.send(["cmd": "assign_direct", "ask": takenAsk, "generator": try #require(taken["generator"] as? String)])
        #expect(direct["ok"] as? Bool == true)
        let relayerFirst = try await activity.head()
        let match = try ChildProcess(Project.binary, ["match", "--once", "--relay", "--json", "--relayer-private-key-env", "KM_TEST_RELAYER_KEY"]
                                     + keyArguments + devnodeArguments(devnode, db: db), environment: environment, directory: dir, label: "match-once")
        defer { match.send(SIGKILL) }
        #expect(await match.wait() == 0, "match: \(match.stderr.suffix(3000))")
        let report = try #require(Self.documents(match.stdout).last, "match printed: \(match.stdout.prefix(500))")
        let receipts = report["receipts"] as? [[String: Any]] ?? []
        #expect(report.int("relayed") == ((plan["assignments"] as? [Any])?.count ?? 0) - 1)
        #expect((report["droppedBySimulation"] as? [[String: Any]])?.map { $0["askId"] as? String } == [takenAsk])
        #expect(report.int("transactionsSent") > 0)
        #expect(receipts.count == report.int("transactionsSent") && receipts.allSatisfy { $0["type"] as? String == "mined" })
        let relayerTransactions = try await activity.transactions(from: try #require(relayerAccount["address"] as? String), first: relayerFirst)
        #expect(relayerTransactions.reverted == 0 && relayerTransactions.hashes.count == report.int("transactionsSent"))
        try await activity.prove()
        try await Self.syncOnce(devnode, db: db, dir: dir)
        // The private asks `match` assigned too (the ask assigned directly, with an empty new_acl, aside).
        let (privateAfter, assignedAfter, decryptedAfter) = try await Self.checkPrivateAcls(activity, excluding: [takenAsk])
        print("matching end to end (\(backend)) after `match --once`: private asks \(privateAfter), assigned \(assignedAfter), new_acl decrypted \(decryptedAfter)")
        #expect(decryptedAfter == assignedAfter && assignedAfter >= assignedPrivate)

        // 3. The mirror still equals the contracts' getters; `match --explain` on an unmatched ask names why.
        let verify = try await MirrorCLI.run(["verify", "--json"] + devnodeArguments(devnode, db: db), in: dir, label: "verify")
        let verified = try JSONSerialization.jsonObject(with: Data(verify.stdout.utf8)) as? [String: Any]
        #expect(verify.status == 0 && (verified?["mismatches"] as? [Any])?.isEmpty == true, "\(verify.stdout.suffix(2000))")
        // With a key that is not pub_key(proofMarketplace, 0) (the relayer account's), a dry run skips every open
        // private ask, saying why, before looking at generators.
        let openPrivate = try await activity.privateAcls().asks.filter { $0["state"] as? String == "CREATE" }.count
        let wrongKey = try ChildProcess(Project.binary, ["match", "--once", "--json", "--private-key-env", "KM_TEST_RELAYER_KEY"]
                                        + devnodeArguments(devnode, db: db), environment: environment, directory: dir, label: "match-wrong-key")
        defer { wrongKey.send(SIGKILL) }
        #expect(await wrongKey.wait() == 0, "match with another key: \(wrongKey.stderr.suffix(2000))")
        let wrongRound = try #require(Self.rounds(wrongKey.stdout).last, "match printed: \(wrongKey.stdout.prefix(500))")
        let unavailable = (wrongRound["skipped"] as? [[String: Any]] ?? []).filter { $0["reason"] as? String == "aclReencryptorUnavailable" }
        print("matching end to end (\(backend)) with another key: open private asks \(openPrivate), skipped as aclReencryptorUnavailable \(unavailable.count)")
        #expect(openPrivate >= 1 && unavailable.count == openPrivate)
        #expect(unavailable.allSatisfy { ($0["detail"] as? String)?.contains("is not the key registered at pub_key(") == true }, "\(unavailable.first ?? [:])")
        #expect((wrongRound["assignments"] as? [[String: Any]] ?? []).allSatisfy { $0["private"] as? Bool == false })

        let unmatched = try #require((report["unmatched"] as? [[String: Any]])?.first?["askId"] as? String, "no unmatched ask to explain")
        let explain = try await MirrorCLI.run(["match", "--explain", unmatched, "--json"] + devnodeArguments(devnode, db: db), in: dir, label: "explain")
        let explained = try JSONSerialization.jsonObject(with: Data(explain.stdout.utf8)) as? [String: Any]
        #expect(explain.status == 0, "\(explain.stderr.suffix(1000))")
        #expect((explained?["decision"] as? String)?.contains("unmatched") == true, "\(explain.stdout.prefix(1000))")
        #expect(((explained?["candidates"] as? [Any])?.count ?? 0) > 0)
        await activity.stop()
        }
    }

    /// Every assigned private ask's TaskCreated `new_acl`: 129 bytes, for one of the generators with an enclave key in
    /// the private market, decrypting with that key (our ECIES, and eciespy in the driver) to the ask's AES key; the
    /// matching-engine key cannot decrypt it. Returns (private asks, assigned, decrypted both ways).
    static func checkPrivateAcls(_ activity: ActivityDriver, excluding: Set<String> = []) async throws -> (Int, Int, Int) {
        let (asks, enclaveKeys) = try await activity.privateAcls()
        #expect(enclaveKeys.count == 2)
        var keys: [Address: PrivateKey] = [:]
        for (address, key) in enclaveKeys { keys[try Address(address)] = try PrivateKey(hex: key) }
        var assigned = 0, decrypted = 0
        for ask in asks where !excluding.contains("\(ask["ask"] ?? "")") {
            guard let newAclHex = ask["newAcl"] as? String else {
                #expect(ask["state"] as? String != "ASSIGNED" && ask["state"] as? String != "COMPLETE", "\(ask)")
                continue
            }
            assigned += 1
            let newAcl = try Hex.decode(newAclHex)
            let aesKey = try Hex.decode(try #require(ask["aesKey"] as? String))
            let generator = try Address(try #require(ask["generator"] as? String))
            let key = try #require(keys[generator], "ask \(ask["ask"] ?? "?") went to \(generator), which has no enclave key")
            #expect(newAcl.count == 129)
            let ours = try? ECIES.decrypt(newAcl, with: key)
            #expect(ours == aesKey, "ask \(ask["ask"] ?? "?")")
            #expect(ask["decrypted"] as? Bool == true, "eciespy: ask \(ask["ask"] ?? "?")")
            if ours == aesKey && ask["decrypted"] as? Bool == true { decrypted += 1 }
        }
        return (asks.count, assigned, decrypted)
    }

    static func syncOnce(_ devnode: Devnode, db: TestDatabase, dir: URL) async throws {
        let r = try await MirrorCLI.run(["sync", "--once"] + devnodeArguments(devnode, db: db), in: dir, label: "sync-once")
        #expect(r.status == 0, "sync --once: \(r.stderr.suffix(2000))")
    }

    /// The JSON objects printed one per line.
    static func documents(_ text: String) -> [[String: Any]] {
        text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    /// The round reports among them.
    static func rounds(_ text: String) -> [[String: Any]] { documents(text).filter { $0["type"] as? String == "round" } }

    static func block(_ round: [String: Any]) -> UInt64 {
        ((round["checkpoint"] as? [String: Any])?["block"] as? NSNumber)?.uint64Value ?? 0
    }
}

extension Dictionary where Key == String, Value == Any {
    /// An integer member (a JSON number), -1 when missing.
    func int(_ key: String) -> Int { (self[key] as? NSNumber)?.intValue ?? -1 }
}
