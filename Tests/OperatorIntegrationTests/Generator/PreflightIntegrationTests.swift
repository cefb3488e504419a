import EthereumKit
import Foundation
import Kalypso
import Operator
import Testing

extension OperatorIntegrationTests {
    /// Each preflight refusal through the CLI against the devnode's real state: exit code 1, the message naming the
    /// fix, and nothing sent (the nonce unchanged).
    @Suite struct PreflightIntegrationTests {
        typealias L = LifecycleTests

        /// Runs the CLI, expects a refusal containing `message`, and that no transaction was sent.
        static func refused(_ arguments: [String], key: PrivateKey, _ message: String, json: Bool = false,
                            sourceLocation: SourceLocation = #_sourceLocation) async throws -> TestWorld.Run {
            let w = try TestWorld.get()
            let nonce = try await w.session.sender.pendingNonce(key.address)
            let run = try w.cli(arguments + (json ? ["--json"] : []), key: key)
            #expect(run.status == 1, "expected a refusal, got \(run.status): \(run.stdout) \(run.stderr)", sourceLocation: sourceLocation)
            #expect(run.stderr.contains(message), "stderr: \(run.stderr)", sourceLocation: sourceLocation)
            #expect(run.stderr.hasPrefix("error: ") || run.stderr.contains("\nerror: "), sourceLocation: sourceLocation)
            #expect(try await w.session.sender.pendingNonce(key.address) == nonce, "a transaction was sent", sourceLocation: sourceLocation)
            return run
        }

        @Test func registration() async throws {
            let w = try TestWorld.get()
            let key = try await w.account("pf-registration", tokens: 50)
            _ = try await Self.refused(["generator", "stake", "--amount", "1", "--approve"], key: key,
                                       "is not registered as a generator; run 'generator register' first")
            _ = try await Self.refused(["generator", "register", "--reward-address", key.address.checksummed, "--declared-compute", "8",
                                        "--initial-stake", "60", "--data", "{}", "--approve"], key: key, "holds 50 POND but the operation stakes 60 POND")
            // No --approve and no terminal: the allowance is refused with the fix named.
            let json = try await Self.refused(["generator", "register", "--reward-address", key.address.checksummed, "--declared-compute", "8",
                                               "--initial-stake", "10", "--data", "{}"], key: key, "rerun with --approve", json: true)
            #expect((json.json["error"] as? [String: Any])?["code"] as? String == "preflight")
            let findings = ((json.json["error"] as? [String: Any])?["findings"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            #expect(findings == ["allowance-short"])
            try L.register(key, stake: "10")
            _ = try await Self.refused(["generator", "register", "--reward-address", key.address.checksummed, "--declared-compute", "8",
                                        "--initial-stake", "0", "--data", "{}"], key: key, "is already registered")
            _ = try await Self.refused(["generator", "change-reward-address", "--reward-address", key.address.checksummed], key: key,
                                       "is already the reward address")
            _ = try await Self.refused(["generator", "stake", "--amount", "1", "--for", Address(hi: 0, mid: 0, lo: 7).checksummed, "--approve"],
                                       key: key, "is not a registered generator; check --for")
        }

        @Test func markets() async throws {
            let w = try TestWorld.get()
            let key = try await w.account("pf-markets")
            try L.register(key, compute: 4, stake: "100")
            func join(_ market: UInt256, cpr: Int = 1, extra: [String] = []) -> [String] {
                ["generator", "join-market", "--market", market.description, "--compute-per-proof", "\(cpr)", "--price", "1", "--max-proof-time", "10"] + extra
            }
            _ = try await Self.refused(join(UInt256(99)), key: key, "market 99 does not exist: the marketplace has")
            _ = try await Self.refused(join(w.publicMarket, cpr: 5), key: key,
                                       "--compute-per-proof 5 does not fit: 0 of the declared compute 4 is already allocated to markets (room: 4); run 'generator increase-compute --amount 1'")
            _ = try await Self.refused(join(w.privateMarket), key: key, "market \(w.privateMarket) is private")
            #expect(try w.cli(join(w.publicMarket), key: key).status == 0)
            _ = try await Self.refused(join(w.publicMarket), key: key, "already in market \(w.publicMarket)")
            // A market not active yet: a warning, and the join goes ahead.
            let early = try w.cli(join(w.inactiveMarket), key: key)
            #expect(early.status == 0 && early.stderr.contains("warning: market \(w.inactiveMarket) activates at block"))
            _ = try await Self.refused(["generator", "remove-key", "--market", w.privateMarket.description], key: key, "has no enclave key for market")
            _ = try await Self.refused(["generator", "deregister", "--refund-to", key.address.checksummed], key: key,
                                       "the generator is still in market(s) \(w.publicMarket), \(w.inactiveMarket); leave each")
            _ = try await Self.refused(["generator", "leave-market", "--market", w.privateMarket.description], key: key,
                                       "the generator is not in market \(w.privateMarket)")
        }

        @Test func attestations() async throws {
            let w = try TestWorld.get()
            let key = try await w.account("pf-attestations")
            try L.register(key, compute: 8)
            let priv = w.privateMarket.description
            func join(_ market: String, _ file: String, _ signature: String) -> [String] {
                ["generator", "join-market", "--market", market, "--compute-per-proof", "1", "--price", "1", "--max-proof-time", "10",
                 "--attestation", file, "--enclave-signature", signature]
            }
            let file = w.node.path("pf-att.hex")
            let made = try w.cli(["generator", "dev-attestation", "--market", priv, "--out", file, "--json"], key: key)
            let signature = made.json["enclaveSignature"] as? String ?? ""
            // The proof of possession was made for this generator, not for another one.
            let other = try await w.account("pf-attestations-other")
            try L.register(other)
            _ = try await Self.refused(join(priv, file, signature), key: other, "the enclave signature recovers to")
            // The private market's attestation does not fit the other private market's image.
            _ = try await Self.refused(join(w.otherPrivateMarket.description, file, signature), key: key,
                                       "is not a prover image of market \(w.otherPrivateMarket)")
            // A public market needs no key.
            _ = try await Self.refused(join(w.publicMarket.description, file, signature), key: key, "is public (no enclave image)")
            // An old attestation (timestamp 0) is refused before the chain would.
            let enclave = try PrivateKey.generate()
            guard let pcrs = try await w.reader.whitelistedImage(try #require(try await w.reader.market(w.privateMarket)).proverImageId) else {
                Issue.record("the private market's image is not whitelisted")
                return
            }
            let old = try EnclaveAttestation.devnode(signer: w.node.info.attestationSignerKey, enclavePublicKey: enclave.publicKey.raw64,
                                                     pcrs: pcrs, timestampMilliseconds: .zero)
            let oldFile = w.node.path("old.hex")
            try Hex.encode(old.encoded).write(toFile: oldFile, atomically: true, encoding: .utf8)
            _ = try await Self.refused(join(priv, oldFile, Hex.encode(try old.proofOfPossession(enclaveKey: enclave, generator: key.address))),
                                       key: key, "take a fresh attestation")
            // A layout error is an input error (exit 2).
            let broken = w.node.path("broken.hex")
            try "0x1234".write(toFile: broken, atomically: true, encoding: .utf8)
            let bad = try w.cli(join(priv, broken, signature), key: key)
            #expect(bad.status == 2 && bad.stderr.contains("§6.1"))
            // Used once, refused the second time.
            #expect(try w.cli(join(priv, file, signature), key: key).status == 0)
            #expect(try w.cli(["generator", "leave-market", "--market", priv], key: key).status == 0)
            _ = try await Self.refused(join(priv, file, signature), key: key, "was already verified once")
        }

        @Test func intents() async throws {
            let w = try TestWorld.get()
            let key = try await w.account("pf-intents")
            try L.register(key, compute: 8, stake: "100")
            _ = try await Self.refused(["generator", "unstake", "--to", key.address.checksummed], key: key, "no stake reduction is pending")
            _ = try await Self.refused(["generator", "decrease-compute"], key: key, "no compute reduction is pending")
            _ = try await Self.refused(["generator", "intend-reduce-stake", "--amount", "101"], key: key, "is more than the total stake 100 POND")
            #expect(try w.cli(["generator", "intend-reduce-compute", "--amount", "1"], key: key).status == 0)
            _ = try await Self.refused(["generator", "intend-reduce-stake", "--amount", "1"], key: key, "run 'generator decrease-compute' first")
            _ = try await Self.refused(["generator", "intend-reduce-compute", "--amount", "1"], key: key, "a compute reduction is already pending")
        }

        /// An assigned task blocks leaving; request-exit stops new ones; leaving works once it is proved.
        @Test func activeRequestsBlockLeaving() async throws {
            let w = try TestWorld.get()
            let key = try await w.account("pf-active")
            try L.register(key, compute: 8, stake: "100")
            let pub = w.publicMarket.description
            #expect(try w.cli(["generator", "join-market", "--market", pub, "--compute-per-proof", "2", "--price", "1", "--max-proof-time", "10"],
                              key: key).status == 0)
            let ask = try await w.setup.createAsk(market: w.publicMarket, reward: L.tokens(2), timeTaken: 20)
            try await w.setup.assign(ask: ask, to: key.address)
            #expect(try await w.reader.generatorMarket(key.address, market: w.publicMarket)?.activeRequests == .one)
            _ = try await Self.refused(["generator", "leave-market", "--market", pub], key: key,
                                       "1 request(s) are still active in market \(pub); run 'generator request-exit --market \(pub)'")
            let exit = try w.cli(["generator", "request-exit", "--market", pub], key: key)
            #expect(exit.status == 0 && !exit.stdout.contains("LeftMarketplace"))
            #expect(try await w.reader.generatorMarket(key.address, market: w.publicMarket)?.state == .requestedForExit)
            _ = try await Self.refused(["generator", "request-exit", "--market", pub], key: key,
                                       "already requested to leave market \(pub); 1 request(s) are still active")
            try await w.setup.submitProof(ask: ask)
            #expect(try w.cli(["generator", "leave-market", "--market", pub], key: key).status == 0)
            #expect(try await w.reader.generatorMarket(key.address, market: w.publicMarket) == nil)
        }

        @Test func etherAndChain() async throws {
            let w = try TestWorld.get()
            let poor = try await w.account("pf-no-ether", ether: 0)
            _ = try await Self.refused(["generator", "register", "--reward-address", poor.address.checksummed, "--declared-compute", "8",
                                        "--initial-stake", "0", "--data", "{}"], key: poor, "send it ether for gas")
            let wrong = try w.cli(["generator", "status", "--chain-id", "1"], key: poor)
            #expect(wrong.status == 1 && wrong.stderr.contains("the node reports chain id \(w.node.info.chainId) but the configuration expects 1"))
        }
    }
}
