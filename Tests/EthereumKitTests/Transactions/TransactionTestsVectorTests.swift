import Testing
import Foundation
@testable import EthereumKit

/// ethereum/tests `TransactionTests` (newest fork present per case): valid → sender and hash;
/// invalid → decoding or sender recovery fails, except the cases listed in `consensusOnly`.
@Suite struct TransactionTestsVectorTests {
    static let folder = "ethereum-tests/TransactionTests"

    /// Invalid on mainnet, but not malformed: a chain-agnostic decoder accepts them. Each entry says why.
    /// The test fails if any of these is rejected (the list is exact) or any other invalid case is accepted.
    /// (Other INVALID_CHAINID cases are rejected anyway: v in 0…26 or 29…34 fits no rule, r = 0,
    /// or a high s such as V_overflow32bit's, which EIP-2 forbids on every chain.)
    /// InvalidChainID0ValidV0/1 (v = 35/36) decode as chain id 0.
    static let consensusOnly: [String: String] = {
        var list: [String: String] = [:]
        let chainIdReason = "INVALID_CHAINID: a well-formed EIP-155 signature for a chain id other than 1; the decoder does not know the chain"
        for name in ["ttRSValue/RightVRSTestF0000000a", "ttRSValue/RightVRSTestF0000000b", "ttRSValue/RightVRSTestF0000000c",
                     "ttRSValue/RightVRSTestF0000000d", "ttRSValue/RightVRSTestF0000000e", "ttRSValue/RightVRSTestF0000000f",
                     "ttSignature/Vitalik_15", "ttSignature/Vitalik_16", "ttSignature/Vitalik_17",
                     "ttVValue/InvalidChainID0ValidV0", "ttVValue/InvalidChainID0ValidV1", "ttVValue/V_overflow64bitSigned",
                     "ttVValue/V_wrongvalue_101", "ttVValue/V_wrongvalue_121", "ttVValue/V_wrongvalue_122",
                     "ttVValue/V_wrongvalue_123", "ttVValue/V_wrongvalue_124", "ttVValue/V_wrongvalue_ff", "ttVValue/V_wrongvalue_ffff",
                     "ttVValue/ValidChainID1InvalidV0", "ttVValue/ValidChainID1InvalidV1",
                     "ttVValue/WrongVRSTestVEqual36", "ttVValue/WrongVRSTestVEqual39", "ttVValue/WrongVRSTestVEqual41",
                     "ttWrongRLP/tr201506052141PYTHON"] {
            list[name] = chainIdReason
        }
        let product = "GASLIMIT_PRICE_PRODUCT_OVERFLOW: gasLimit × maxFeePerGas exceeds 2^256, a balance check of consensus, not an encoding error"
        list["ttEIP1559/GasLimitPriceProductOverflow"] = product
        list["ttEIP1559/GasLimitPriceProductPlusOneOverflow"] = product
        list["ttEIP1559/maxFeePerGas32BytesValue"] = product
        list["ttEIP1559/maxPriorityFeePerGass32BytesValue"] =
            "PRIORITY_GREATER_THAN_MAX_FEE_PER_GAS_2: maxPriorityFeePerGas > maxFeePerGas is a validity rule of EIP-1559 block inclusion, not an encoding error"
        return list
    }()

    static let consensusOnlyExceptions: Set<String> = ["INVALID_CHAINID", "GASLIMIT_PRICE_PRODUCT_OVERFLOW", "PRIORITY_GREATER_THAN_MAX_FEE_PER_GAS_2"]

    struct Outcome { var passed = 0, total = 0, valid = 0, rejected = 0, acceptedConsensusOnly = 0 }

    @Test func transactionTests() throws {
        let root = Vectors.root.appendingPathComponent(Self.folder)
        let folders = try FileManager.default.contentsOfDirectory(atPath: root.path).filter { $0.hasPrefix("tt") }.sorted()
        #expect(folders.count == 5)
        var fileCount = 0, grand = Outcome()
        var seenConsensusOnly: Set<String> = []
        for folder in folders {
            var outcome = Outcome()
            let files = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(folder).path).filter { $0.hasSuffix(".json") }.sorted()
            for file in files {
                fileCount += 1
                let tests = try CryptoJSON.object(try Vectors.json("\(Self.folder)/\(folder)/\(file)"))
                for (name, value) in tests.sorted(by: { $0.key < $1.key }) {
                    outcome.total += 1
                    // Keyed by file: test names inside files are not unique (two files share one).
                    let key = "\(folder)/\(file.dropLast(5))" + (tests.count > 1 ? "#\(name)" : "")
                    let test = try CryptoJSON.object(value)
                    let results = try CryptoJSON.object(test, "result")
                    let fork = ["Prague", "Cancun", "Shanghai", "Paris", "London"].first { results[$0] != nil } ?? "?"
                    let expected = try CryptoJSON.object(results, fork)
                    let raw = try CryptoJSON.hex(test, "txbytes")
                    let decoded = Result { () throws -> (SignedTransaction, Address) in
                        let tx = try SignedTransaction(rawBytes: raw)
                        return (tx, try tx.recoverSender())
                    }
                    if let exception = expected["exception"] as? String {
                        let short = exception.replacingOccurrences(of: "TransactionException.", with: "")
                        switch decoded {
                        case .failure:
                            #expect(Self.consensusOnly[key] == nil, "\(key) is listed as accepted but was rejected")
                            outcome.rejected += 1
                            outcome.passed += 1
                        case .success:
                            let listed = Self.consensusOnly[key] != nil && Self.consensusOnlyExceptions.contains(short)
                            #expect(listed, "\(key) (\(short)) was accepted but must be rejected")
                            if listed { outcome.acceptedConsensusOnly += 1; outcome.passed += 1; seenConsensusOnly.insert(key) }
                        }
                    } else {
                        let sender = try Address(try CryptoJSON.string(expected, "sender"))
                        let hash = try Hash32(hex: try CryptoJSON.string(expected, "hash"))
                        switch decoded {
                        case .success(let (tx, recovered)):
                            let ok = recovered == sender && tx.hash == hash && tx.rawBytes == raw
                            #expect(ok, "\(key): sender/hash/re-encoding mismatch")
                            if ok { outcome.valid += 1; outcome.passed += 1 }
                        case .failure(let error):
                            Issue.record("\(key) is valid but failed: \(error)")
                        }
                    }
                }
            }
            Vectors.report("\(Self.folder)/\(folder)/ (\(files.count) files)", passed: outcome.passed, of: outcome.total,
                           note: "\(outcome.valid) valid with sender and hash, \(outcome.rejected) rejected, \(outcome.acceptedConsensusOnly) consensus-only accepted as listed")
            grand.passed += outcome.passed
            grand.total += outcome.total
        }
        #expect(fileCount == 159)
        #expect(seenConsensusOnly == Set(Self.consensusOnly.keys))
        #expect(grand.passed == grand.total)
    }

    /// The historical EIP-155 file (2017 format): valid entries → sender, hash and the listed fields;
    /// Vitalik_15–17 (chain id 3 on a mainnet block) are consensus-only failures, decoded with chain id 3.
    @Test func historicalEIP155() throws {
        let file = "\(Self.folder)/EIP155/ttTransactionTestEip155VitaliksTests.json"
        let tests = try CryptoJSON.object(try Vectors.json(file))
        var passed = 0
        for (name, value) in tests.sorted(by: { $0.key < $1.key }) {
            let test = try CryptoJSON.object(value)
            let raw = try CryptoJSON.hex(test, "rlp")
            let tx = try SignedTransaction(rawBytes: raw)
            var ok = tx.rawBytes == raw
            if let fields = test["transaction"] as? [String: Any] {
                let sender = try Address("0x" + CryptoJSON.string(test, "sender"))
                ok = try ok && tx.recoverSender() == sender && tx.hash == Hash32(hex: "0x" + CryptoJSON.string(test, "hash"))
                ok = try ok && tx.v == CryptoJSON.u256(fields, "v") && tx.signature.r == CryptoJSON.u256(fields, "r")
                    && tx.signature.s == CryptoJSON.u256(fields, "s")
                var unsigned = fields
                unsigned["chainId"] = tx.transaction.chainId.map { $0.description }
                ok = try ok && TransactionJSON.transaction(unsigned) == tx.transaction
                // EIP-155 entries are chain 1; Vitalik_12–14 are pre-EIP-155 (v 27/28, no chain id).
                ok = ok && tx.transaction.chainId == (tx.v >= UInt256(35) ? UInt256(1) : nil)
            } else {
                // Invalid for chain 1 only: v = 41/42 is chain id 3.
                ok = ok && tx.transaction.chainId == UInt256(3)
            }
            #expect(ok, "\(name)")
            if ok { passed += 1 }
        }
        #expect(passed == tests.count)
        Vectors.report(file, passed: passed, of: tests.count, note: "3 chain-id-3 cases invalid only on mainnet, decoded as chain 3")
    }
}
