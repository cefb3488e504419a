import Testing
import Foundation
@testable import EthereumKit

/// eth-account's inline transaction vectors (legacy, EIP-155, EIP-2930, EIP-1559).
@Suite struct EthAccountTransactionTests {
    static let file = "eth-account/extracted/eth_account_inline_vectors.json"

    static func section(_ path: String) throws -> [String: Any] {
        try CryptoJSON.object(try Vectors.json(file), path)
    }

    @Test func ethAccountTransactions() throws {
        let accounts = try Self.section("tests/core/test_accounts.py")
        var passed = 0, total = 0

        // ETH_TEST_TRANSACTIONS: key + fields → signed raw (and the legacy 9-field `unsigned` form).
        for c in try CryptoJSON.objects(try CryptoJSON.object(accounts, "constants"), "ETH_TEST_TRANSACTIONS") {
            total += 1
            let tx = try TransactionJSON.transaction(c)
            let key = try PrivateKey(hex: try CryptoJSON.string(c, "key"))
            let expected = try CryptoJSON.hex(c, "signed")
            let signed = try tx.signed(with: key)
            var ok = true
            if let unsigned = c["unsigned"] as? String {
                ok = try TxSigningVectorTests.unsignedNineFields(tx) == Hex.decode(unsigned, prefix: .optional)
            }
            if signed.rawBytes == expected {
                ok = try ok && SignedTransaction(rawBytes: expected).recoverSender() == key.address
            } else {
                // The pre-Homestead high-s signature also in BasicTests/txtest.json: ours is its low-s twin.
                let theirs = try TxSigningVectorTests.legacySignature(expected)
                ok = ok && theirs.normalized == signed.signature && (try? SignedTransaction(rawBytes: expected)) == nil
            }
            #expect(ok, "ETH_TEST_TRANSACTIONS \(total)")
            if ok { passed += 1 }
        }

        // test_eth_account_sign_transaction: raw, hash, r, s, v.
        let sign = try CryptoJSON.object(try CryptoJSON.object(accounts, "parametrized"), "test_eth_account_sign_transaction")
        for c in try CryptoJSON.objects(sign, "cases") {
            total += 1
            let args = try CryptoJSON.object(c, "args")
            let tx = try TransactionJSON.transaction(try CryptoJSON.object(args, "txn"))
            let key = try PrivateKey(bytes: try MessageSigningTests.bytes(args["private_key"]))
            let signed = try tx.signed(with: key)
            var ok = try signed.rawBytes == MessageSigningTests.bytes(args["expected_raw_tx"])
            ok = try ok && signed.hash.bytes == MessageSigningTests.bytes(args["tx_hash"])
            ok = try ok && signed.signature.r == TransactionJSON.integer(args["r"]) && signed.signature.s == TransactionJSON.integer(args["s"])
            ok = try ok && signed.v == CryptoJSON.u256(args, "v")
            #expect(ok, "\(c["id"] ?? "?")")
            if ok { passed += 1 }
        }

        // test_typed_transactions TEST_CASES: JSON-RPC-style objects with v/r/s → raw and signing hash
        // (`expected_hash` is eth-account's `TypedTransaction.hash()`, the hash signed, not the tx hash).
        let typed = try CryptoJSON.object(try Self.section("tests/core/test_typed_transactions.py"), "constants")
        var skipped = 0
        for c in try CryptoJSON.objects(typed, "TEST_CASES") {
            let fields = try CryptoJSON.object(c, "transaction")
            let kind = try CryptoJSON.string(try CryptoJSON.object(c, "expected_type"), "$name")
            guard kind == "AccessListTransaction" || kind == "DynamicFeeTransaction" else { skipped += 1; continue }
            total += 1
            let signingHash = try Hash32(hex: try CryptoJSON.string(c, "expected_hash"))
            let raw = try CryptoJSON.hex(c, "expected_raw_transaction")
            let decoded = try SignedTransaction(rawBytes: raw)
            let fromRPC = try SignedTransaction(rpc: try TransactionJSON.rpcFields(fields, hash: Keccak256.hash(raw)))
            let sender = try decoded.recoverSender()
            let ok = try fromRPC == decoded && decoded.rawBytes == raw && decoded.signingHash == signingHash
                && decoded.transaction.type == (kind == "AccessListTransaction" ? 1 : 2)
                && fromRPC.recoverSender() == sender
            #expect(ok, "\(kind) \(signingHash)")
            if ok { passed += 1 }
        }
        #expect(passed == total && skipped == 7)
        Vectors.report(Self.file, passed: passed, of: total,
                       note: "transactions of test_accounts.py and test_typed_transactions.py; \(skipped) blob/set-code cases (types 3/4) not supported, skipped")
    }
}
