import EthereumKit
import Foundation
import Kalypso
import Operator
import Testing

extension OperatorIntegrationTests {
    /// Every sending command's happy path through the CLI binary, checked with the chain's getters afterwards.
    @Suite struct LifecycleTests {
        static let e18 = ContractMath.exponent
        static func tokens(_ n: UInt64) -> UInt256 { UInt256(n) * e18 }

        /// Registers `key` through the CLI (approving the stake) and returns the world.
        @discardableResult
        static func register(_ key: PrivateKey, compute: Int = 8, stake: String = "100", sourceLocation: SourceLocation = #_sourceLocation) throws -> TestWorld.Run {
            let w = try TestWorld.get()
            let run = try w.cli(["generator", "register", "--reward-address", key.address.checksummed, "--declared-compute", "\(compute)",
                                 "--initial-stake", stake, "--data", "{\"name\":\"it\"}", "--approve"], key: key)
            #expect(run.status == 0, "register failed: \(run.stderr)", sourceLocation: sourceLocation)
            return run
        }

        @Test func register() async throws {
            let w = try TestWorld.get()
            let key = try await w.account("register")
            let reward = Address(hi: 0, mid: 0, lo: 0x5EED)
            let data = w.node.path("generator.json")
            try "{\"name\":\"from a file\"}\n".write(toFile: data, atomically: true, encoding: .utf8)
            let run = try w.cli(["generator", "register", "--reward-address", reward.checksummed, "--declared-compute", "8",
                                 "--initial-stake", "100.5", "--data", "@" + data, "--approve", "--json"], key: key)
            #expect(run.status == 0, "\(run.stderr)")
            let json = run.json
            #expect(json["ok"] as? Bool == true && json["command"] as? String == "register")
            let txs = json["transactions"] as? [[String: Any]] ?? []
            #expect(txs.map { $0["purpose"] as? String } == ["approve", "register"])
            let events = (txs.last?["events"] as? [[String: Any]] ?? []).compactMap { $0["event"] as? String }
            #expect(events.contains("RegisteredGenerator") && events.contains("Transfer"))
            let g = try await w.reader.generator(key.address)
            #expect(g.rewardAddress == reward)
            #expect(g.declaredCompute == UInt256(8))
            #expect(g.totalStake == Self.tokens(100) + Self.e18 / UInt256(2))
            #expect(g.generatorData == Array("{\"name\":\"from a file\"}".utf8))
        }

        @Test func stakeForSelfAndForAnother() async throws {
            let w = try TestWorld.get()
            let a = try await w.account("stake-a")
            let b = try await w.account("stake-b")
            let run = try Self.register(a, stake: "0")
            #expect(run.stderr.contains("warning: registering without stake"))
            let staked = try w.cli(["generator", "stake", "--amount", "50", "--approve"], key: a)
            #expect(staked.status == 0, "\(staked.stderr)")
            #expect(staked.stdout.contains("GeneratorRegistry.AddedStake(generator=\(a.address.checksummed), amount=50000000000000000000)"))
            let forOther = try w.cli(["generator", "stake", "--amount", "5000000000000000000wei", "--for", a.address.checksummed, "--approve"], key: b)
            #expect(forOther.status == 0, "\(forOther.stderr)")
            #expect(try await w.reader.generator(a.address).totalStake == Self.tokens(55))
            #expect(try await w.reader.generator(b.address).rewardAddress == .zero)
        }

        @Test func reduceStakeThenUnstake() async throws {
            let w = try TestWorld.get()
            let key = try await w.account("unstake")
            try Self.register(key, stake: "100")
            let sink = Address(hi: 0, mid: 0, lo: 0xD00D)
            #expect(try w.cli(["generator", "intend-reduce-stake", "--amount", "40"], key: key).status == 0)
            #expect(try await w.reader.generator(key.address).intendedStakeUtilization == Self.e18 * UInt256(6) / UInt256(10))
            let run = try w.cli(["generator", "unstake", "--to", sink.checksummed], key: key)
            #expect(run.status == 0, "\(run.stderr)")
            let g = try await w.reader.generator(key.address)
            #expect(g.totalStake == Self.tokens(60) && g.intendedStakeUtilization == Self.e18)
            #expect(try await w.reader.tokenBalance(w.session.deployment.stakingToken, of: sink) == Self.tokens(40))
        }

        @Test func computeUpAndDown() async throws {
            let w = try TestWorld.get()
            let key = try await w.account("compute")
            try Self.register(key, compute: 8)
            #expect(try w.cli(["generator", "increase-compute", "--amount", "4"], key: key).status == 0)
            #expect(try await w.reader.generator(key.address).declaredCompute == UInt256(12))
            // 12 − 3 = 9 is exactly 0.75 of 12: no rounding.
            let intent = try w.cli(["generator", "intend-reduce-compute", "--amount", "3"], key: key)
            #expect(intent.status == 0 && !intent.stderr.contains("warning"), "\(intent.stderr)")
            #expect(try await w.reader.generator(key.address).intendedComputeUtilization == Self.e18 * UInt256(3) / UInt256(4))
            let run = try w.cli(["generator", "decrease-compute"], key: key)
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stdout.contains("DecreaseCompute(generator=\(key.address.checksummed), compute=3)"))
            var g = try await w.reader.generator(key.address)
            #expect(g.declaredCompute == UInt256(9) && g.intendedComputeUtilization == Self.e18)
            // 9 − 2 = 7 is not a whole ratio of 9: the contract rounds the ratio down and takes 3; preflight says so.
            let rounded = try w.cli(["generator", "intend-reduce-compute", "--amount", "2"], key: key)
            #expect(rounded.stderr.contains("will reduce the declared compute by 3 (to 6), not by 2"), "\(rounded.stderr)")
            #expect(try w.cli(["generator", "decrease-compute"], key: key).status == 0)
            g = try await w.reader.generator(key.address)
            #expect(g.declaredCompute == UInt256(6))
        }

        @Test func changeRewardAddress() async throws {
            let w = try TestWorld.get()
            let key = try await w.account("reward")
            try Self.register(key)
            let next = Address(hi: 0, mid: 0, lo: 0xBEEF)
            #expect(try w.cli(["generator", "change-reward-address", "--reward-address", next.checksummed], key: key).status == 0)
            #expect(try await w.reader.generator(key.address).rewardAddress == next)
        }

        /// Joins a public and a private market (attestation from dev-attestation), leaves both, deregisters.
        @Test func joinTwoMarketsLeaveAndDeregister() async throws {
            let w = try TestWorld.get()
            let key = try await w.account("markets")
            try Self.register(key, compute: 8, stake: "100")
            let pub = w.publicMarket.description, priv = w.privateMarket.description
            let joined = try w.cli(["generator", "join-market", "--market", pub, "--compute-per-proof", "2", "--price", "0.5", "--max-proof-time", "50"], key: key)
            #expect(joined.status == 0, "\(joined.stderr)")
            let out = w.node.path("attestation-\(priv).hex")
            let made = try w.cli(["generator", "dev-attestation", "--market", priv, "--out", out, "--json"], key: key)
            #expect(made.status == 0, "\(made.stderr)")
            let signature = made.json["enclaveSignature"] as? String ?? ""
            let enclave = made.json["enclaveAddress"] as? String ?? ""
            let joinedPrivate = try w.cli(["generator", "join-market", "--market", priv, "--compute-per-proof", "4", "--price", "1",
                                           "--max-proof-time", "60", "--attestation", out, "--enclave-signature", signature], key: key)
            #expect(joinedPrivate.status == 0, "\(joinedPrivate.stderr)")
            #expect(joinedPrivate.stdout.contains("EntityKeyRegistry.UpdateKey(user=\(key.address.checksummed), keyIndex=\(priv))"))
            let publicRow = try await w.reader.generatorMarket(key.address, market: w.publicMarket)
            #expect(publicRow?.computePerRequestRequired == UInt256(2) && publicRow?.proofGenerationCost == Self.e18 / UInt256(2)
                    && publicRow?.proposedTime == UInt256(50))
            #expect(try await w.reader.generatorMarket(key.address, market: w.privateMarket)?.state == .joined)
            let pubkey = try await w.reader.publicKey(owner: key.address, market: w.privateMarket)
            #expect(try Address(publicKey64: pubkey).checksummed == enclave)
            #expect(try await w.reader.generator(key.address).sumOfComputeAllocations == UInt256(6))

            let status = try w.cli(["generator", "status", "--json"], key: key)
            #expect((status.json["markets"] as? [[String: Any]])?.count == 2)

            // No active requests: request-exit leaves at once.
            let exit = try w.cli(["generator", "request-exit", "--market", pub], key: key)
            #expect(exit.status == 0 && exit.stderr.contains("leaves it in this same transaction"))
            #expect(exit.stdout.contains("LeftMarketplace"))
            #expect(try await w.reader.generatorMarket(key.address, market: w.publicMarket) == nil)
            #expect(try w.cli(["generator", "leave-market", "--market", priv], key: key).status == 0)
            #expect(try await w.reader.generatorMarket(key.address, market: w.privateMarket) == nil)

            let refund = Address(hi: 0, mid: 0, lo: 0xF00D)
            let gone = try w.cli(["generator", "deregister", "--refund-to", refund.checksummed], key: key)
            #expect(gone.status == 0, "\(gone.stderr)")
            #expect(try await w.reader.generator(key.address).rewardAddress == .zero)
            #expect(try await w.reader.tokenBalance(w.session.deployment.stakingToken, of: refund) == Self.tokens(100))
        }

        @Test func updateAndRemoveKey() async throws {
            let w = try TestWorld.get()
            let key = try await w.account("keys")
            try Self.register(key)
            let priv = w.privateMarket.description
            let joined = try w.cli(["generator", "join-market", "--market", priv, "--compute-per-proof", "1", "--price", "1",
                                    "--max-proof-time", "10", "--without-key"], key: key)
            #expect(joined.status == 0, "\(joined.stderr)")
            #expect(try await w.reader.publicKey(owner: key.address, market: w.privateMarket).isEmpty)
            let out = w.node.path("update-key.hex")
            let made = try w.cli(["generator", "dev-attestation", "--market", priv, "--out", out, "--json"], key: key)
            let updated = try w.cli(["generator", "update-key", "--market", priv, "--attestation", out,
                                     "--enclave-signature", made.json["enclaveSignature"] as? String ?? ""], key: key)
            #expect(updated.status == 0, "\(updated.stderr)")
            #expect(try await w.reader.publicKey(owner: key.address, market: w.privateMarket).count == 64)
            let removed = try w.cli(["generator", "remove-key", "--market", priv], key: key)
            #expect(removed.status == 0 && removed.stderr.contains("without a key"))
            #expect(try await w.reader.publicKey(owner: key.address, market: w.privateMarket).isEmpty)
        }

        @Test func planShowsTheMarketAndTheNumbers() async throws {
            let w = try TestWorld.get()
            let key = try await w.account("plan")
            try Self.register(key, compute: 8, stake: "17")
            #expect(try w.cli(["generator", "join-market", "--market", w.publicMarket.description, "--compute-per-proof", "3", "--price", "2",
                               "--max-proof-time", "40"], key: key).status == 0)
            let plan = try w.cli(["generator", "plan", "--market", w.publicMarket.description, "--json"], key: key)
            #expect(plan.status == 0, "\(plan.stderr)")
            let whatIf = plan.json["whatIf"] as? [String: Any] ?? [:]
            #expect(whatIf["percentOfAvailableCompute"] as? String == "37.50 %")
            #expect(whatIf["parallelByCompute"] as? String == "2")
            #expect(whatIf["parallelByStake"] as? String == "3")
            #expect(whatIf["parallelProofs"] as? String == "2")
            let stats = plan.json["statistics"] as? [String: Any] ?? [:]
            #expect((stats["joined"] as? Int ?? 0) >= 1)
            let human = try w.cli(["generator", "plan", "--market", w.publicMarket.description, "--declared-compute", "16", "--compute-per-proof", "4"], key: key)
            #expect(human.stdout.contains("ComputePerProof = 25.00 % of AvailableCompute (4/16)"), "\(human.stdout)")
            #expect(human.stdout.contains("slashing penalty 5 POND"))
        }

        /// --dry-run: the decoded call and a signed raw transaction; nothing sent, the nonce unchanged.
        @Test func dryRunSendsNothing() async throws {
            let w = try TestWorld.get()
            let key = try await w.account("dry-run")
            try Self.register(key)
            let before = try await w.session.sender.pendingNonce(key.address)
            let run = try w.cli(["generator", "increase-compute", "--amount", "3", "--dry-run", "--json"], key: key)
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.json["dryRun"] as? Bool == true)
            let tx = (run.json["transactions"] as? [[String: Any]])?.first ?? [:]
            let call = tx["call"] as? [String: Any] ?? [:]
            #expect(call["function"] as? String == "increaseDeclaredCompute(uint256)")
            #expect((call["arguments"] as? [String: Any])?["computeToIncrease"] as? String == "3")
            let signed = try SignedTransaction(rawBytes: try Hex.decode(tx["raw"] as? String ?? "", prefix: .required))
            #expect(signed.transaction.nonce == before)
            #expect(signed.transaction.chainId == UInt256(w.node.info.chainId))
            #expect(signed.transaction.to == w.session.deployment.generatorRegistry)
            #expect(try signed.recoverSender() == key.address)
            #expect(signed.hash.description == tx["hash"] as? String)
            #expect(try await w.session.sender.pendingNonce(key.address) == before)
            #expect(try await w.session.client.getTransactionByHash(signed.hash) == nil)
            #expect(try await w.reader.generator(key.address).declaredCompute == UInt256(8))
            let human = try w.cli(["generator", "increase-compute", "--amount", "3", "--dry-run"], key: key)
            #expect(human.stdout.contains("dry run: nothing was sent") && human.stdout.contains("raw 0x02"))
            #expect(try await w.session.sender.pendingNonce(key.address) == before)
        }
    }
}
