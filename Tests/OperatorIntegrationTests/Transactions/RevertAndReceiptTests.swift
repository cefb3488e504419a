import EthereumKit
import Foundation
import JSONRPC
import Kalypso
import Operator
import Testing

extension OperatorIntegrationTests {
    /// Reverts the preflight lets through (called here without it), decoded from the node's simulation and from
    /// mined receipts; and receipts that never come: timeout, dropped, replaced; confirmations.
    @Suite struct RevertAndReceiptTests {
        typealias L = LifecycleTests

        static func call(_ w: TestWorld, _ op: GeneratorOperation, _ key: PrivateKey) throws -> ContractCall {
            try w.session.call(for: op, sender: key.address)
        }

        static func simulationFails(_ w: TestWorld, _ op: GeneratorOperation, _ key: PrivateKey, _ expected: String,
                                    sourceLocation: SourceLocation = #_sourceLocation) async throws {
            do {
                _ = try await w.session.sender.estimateGas(try call(w, op, key), from: key.address)
                Issue.record("the simulation of \(op.commandName) did not revert", sourceLocation: sourceLocation)
            } catch let e as OperatorError {
                #expect(e.code == .simulationReverted && e.message.contains(expected), "\(e.message)", sourceLocation: sourceLocation)
                #expect(e.revert != nil, sourceLocation: sourceLocation)
            }
        }

        @Test func simulationRevertsAreExplained() async throws {
            let w = try TestWorld.get()
            let key = try await w.account("reverts")
            try L.register(key, compute: 8, stake: "10")
            try await Self.simulationFails(w, .register(rewardAddress: key.address, declaredCompute: .one, initialStake: .zero, generatorData: [1]), key,
                                           "register reverted with custom error GeneratorAlreadyExists(): this account is already registered")
            try await Self.simulationFails(w, .intendToReduceStake(amount: L.tokens(11)), key,
                                           "reverted with Panic(0x11): arithmetic overflow or underflow outside an unchecked block: the amount is larger than the total stake")
            try await Self.simulationFails(w, .joinMarket(JoinMarketParameters(market: UInt256(999), computePerProof: .one, pricePerProof: .one, maxProofTime: .one)),
                                           key, "the market id most likely does not exist")
            try await Self.simulationFails(w, .stake(amount: L.tokens(1), generator: nil), key,
                                           "ERC20InsufficientAllowance")
            // A proof of possession for another generator: the contract names the address it recovers to.
            let enclave = try PrivateKey.generate()
            let proof = try await DevnodeTools.attestation(market: w.privateMarket, generator: Address(hi: 0, mid: 0, lo: 1), enclaveKey: enclave,
                                                           info: w.node.info, reader: w.reader)
            try await Self.simulationFails(w, .updateKey(market: w.privateMarket, key: proof), key,
                                           "InvalidEnclaveSignature(")
        }

        @Test func minedRevertsAreReplayedAndOutOfGasIsNamed() async throws {
            let w = try TestWorld.get()
            let key = try await w.account("mined-reverts")
            try L.register(key)
            let fees = try await FeePolicy.quote(client: w.session.client, overrides: FeeOverrides())
            var options = TransactionOptions()
            options.gasLimit = 300_000
            let again = try Self.call(w, .register(rewardAddress: key.address, declaredCompute: .one, initialStake: .zero, generatorData: [1]), key)
            let prepared = try await w.session.sender.prepare(again, key: key, nonce: try await w.session.sender.pendingNonce(key.address),
                                                              fees: fees, options: options, simulate: false)
            do {
                _ = try await w.session.sender.execute(prepared, options: options)
                Issue.record("the second registration did not revert")
            } catch let e {
                #expect(e.code == .transactionReverted && e.transactionHash == prepared.hash)
                #expect(e.message.contains("GeneratorAlreadyExists()") && e.message.contains("reverted in block"), "\(e.message)")
            }
            options.gasLimit = 30_000
            let starved = try await w.session.sender.prepare(try Self.call(w, .increaseCompute(amount: .one), key), key: key,
                                                             nonce: try await w.session.sender.pendingNonce(key.address), fees: fees, options: options, simulate: false)
            do {
                _ = try await w.session.sender.execute(starved, options: options)
                Issue.record("30000 gas was enough")
            } catch let e {
                #expect(e.code == .transactionReverted && e.message.contains("ran out of gas"), "\(e.message)")
            }
        }

        static func prepared(_ w: TestWorld, _ key: PrivateKey, amount: UInt64, nonce: UInt64? = nil) async throws -> PreparedTransaction {
            let fees = try await FeePolicy.quote(client: w.session.client, overrides: FeeOverrides())
            let n: UInt64
            if let nonce { n = nonce } else { n = try await w.session.sender.pendingNonce(key.address) }
            var options = TransactionOptions()
            options.gasLimit = 200_000
            return try await w.session.sender.prepare(try call(w, .increaseCompute(amount: UInt256(amount)), key), key: key, nonce: n,
                                                      fees: fees, options: options, simulate: false)
        }

        @Test func timeoutThenMined() async throws {
            let w = try TestWorld.get()
            let key = try await w.account("timeout")
            try L.register(key)
            try await w.setup.control("devnode_setAutomine", [.bool(false)])
            let tx = try await Self.prepared(w, key, amount: 1)
            _ = try await w.session.sender.send(tx)
            var quick = TransactionOptions()
            quick.timeout = .milliseconds(300)
            do {
                _ = try await w.session.sender.waitForReceipt(tx, options: quick)
                Issue.record("a pending transaction had a receipt")
            } catch let e {
                #expect(e.code == .timeout && e.message.contains("it may still be mined"))
            }
            try await w.setup.mine(1)
            try await w.setup.control("devnode_setAutomine", [.bool(true)])
            #expect(try await w.session.sender.waitForReceipt(tx, options: TransactionOptions()).succeeded)
        }

        @Test func droppedAndReplaced() async throws {
            let w = try TestWorld.get()
            let key = try await w.account("dropped")
            try L.register(key)
            // Dropped: queued in the pending block, then the chain rewinds and forgets it.
            let snapshot = try await w.setup.control("devnode_snapshot")
            try await w.setup.control("devnode_setAutomine", [.bool(false)])
            let lost = try await Self.prepared(w, key, amount: 1)
            _ = try await w.session.sender.send(lost)
            try await w.setup.control("devnode_revert", [snapshot])
            try await w.setup.control("devnode_setAutomine", [.bool(true)])
            var patient = TransactionOptions()
            patient.droppedAfterPolls = 3
            do {
                _ = try await w.session.sender.waitForReceipt(lost, options: patient)
                Issue.record("a dropped transaction had a receipt")
            } catch let e {
                #expect(e.code == .dropped && e.message.contains("nonce \(lost.nonce) is still unused"), "\(e.message)")
            }
            // Replaced: mined, rewound, and another transaction takes the same nonce.
            let before = try await w.setup.control("devnode_snapshot")
            let first = try await Self.prepared(w, key, amount: 1)
            _ = try await w.session.sender.execute(first, options: TransactionOptions())
            try await w.setup.control("devnode_revert", [before])
            let second = try await Self.prepared(w, key, amount: 2, nonce: first.nonce)
            _ = try await w.session.sender.execute(second, options: TransactionOptions())
            do {
                _ = try await w.session.sender.waitForReceipt(first, options: patient)
                Issue.record("the replaced transaction had a receipt")
            } catch let e {
                #expect(e.code == .replaced && e.message.contains("another transaction with nonce \(first.nonce)"), "\(e.message)")
            }
        }

        @Test func waitsForConfirmations() async throws {
            let w = try TestWorld.get()
            let key = try await w.account("confirmations")
            try L.register(key)
            let tx = try await Self.prepared(w, key, amount: 1)
            var options = TransactionOptions()
            options.confirmations = 3
            async let waited = w.session.sender.execute(tx, options: options)
            // Mine until the waiter has its three blocks (the receipt's own plus two).
            let setup = w.setup
            let client = w.session.client
            let mined = Task {
                while !Task.isCancelled {
                    if let r = try? await client.getTransactionReceipt(tx.hash), (try? await client.blockNumber()).map({ $0 >= r.blockNumber + 2 }) == true { return }
                    try? await setup.mine(1)
                    try? await Task.sleep(for: .milliseconds(20))
                }
            }
            let outcome = try await waited
            mined.cancel()
            let head = try await w.session.client.blockNumber()
            #expect(head >= outcome.receipt.blockNumber + 2)
        }
    }
}
