import Testing
import Foundation
@testable import EthereumKit

@Suite struct TxSigningVectorTests {
    /// `generated/tx_signing.json`, both directions: fields → payload, signing hash, signature, raw,
    /// hash; raw → the same fields, signature and sender; and the JSON-RPC field path.
    @Test func generatedSigningVectors() throws {
        let file = "generated/tx_signing.json"
        let cases = try CryptoJSON.objects(try Vectors.json(file), "cases")
        var passed = 0
        var byType: [UInt8: Int] = [:]
        for c in cases {
            let id = try CryptoJSON.string(c, "id")
            let fields = try CryptoJSON.object(c, "transaction")
            let tx = try TransactionJSON.transaction(fields)
            let key = try PrivateKey(hex: try CryptoJSON.string(c, "private_key"))
            let sender = try Address(try CryptoJSON.string(c, "sender"))
            let raw = try CryptoJSON.hex(c, "raw_transaction")
            let txHash = try Hash32(hex: try CryptoJSON.string(c, "tx_hash"))
            var ok = try tx.type == UInt8(CryptoJSON.int(c, "type"))
            ok = try ok && tx.signingPayload == CryptoJSON.hex(c, "signing_payload")
            ok = try ok && tx.signingHash == Hash32(hex: CryptoJSON.string(c, "signing_hash"))
            // Build and sign.
            let signed = try tx.signed(with: key)
            ok = try ok && signed.signature.r == CryptoJSON.u256(c, "r") && signed.signature.s == CryptoJSON.u256(c, "s")
            ok = try ok && Int(signed.signature.yParity) == CryptoJSON.int(c, "y_parity")
            if tx.type == 0 { ok = try ok && signed.v == CryptoJSON.u256(c, "v") }
            ok = ok && signed.rawBytes == raw && signed.hash == txHash
            // Decode the raw bytes back.
            let decoded = try SignedTransaction(rawBytes: raw)
            ok = try ok && decoded == signed && decoded.recoverSender() == sender && decoded.hash == txHash
            // JSON-RPC object path (v for legacy, yParity for typed), hash checked.
            var rpc = try TransactionJSON.rpcFields(fields, hash: txHash)
            rpc.r = signed.signature.r
            rpc.s = signed.signature.s
            if tx.type == 0 { rpc.v = signed.v } else { rpc.yParity = UInt256(UInt64(signed.signature.yParity)) }
            let fromRPC = try SignedTransaction(rpc: rpc)
            ok = try ok && fromRPC == signed && fromRPC.recoverSender() == sender && key.address == sender
            #expect(ok, "\(id)")
            if ok { passed += 1; byType[tx.type, default: 0] += 1 }
        }
        #expect(passed == cases.count)
        Vectors.report(file, passed: passed, of: cases.count,
                       note: "legacy \(byType[0] ?? 0), EIP-2930 \(byType[1] ?? 0), EIP-1559 \(byType[2] ?? 0)")
    }

    /// The EIP-155 example, as written in the EIP.
    @Test func eip155Example() throws {
        let file = "eips/eip155_example.json"
        let root = try CryptoJSON.object(try Vectors.json(file))
        var fields = try CryptoJSON.object(root, "transaction")
        fields["chainId"] = try CryptoJSON.int(root, "chain_id")
        let tx = try TransactionJSON.transaction(fields)
        let key = try PrivateKey(hex: try CryptoJSON.string(root, "private_key"))
        #expect(try tx.signingPayload == CryptoJSON.hex(root, "signing_data_rlp"))
        #expect(try tx.signingHash == Hash32(hex: CryptoJSON.string(root, "signing_hash")))
        let signed = try tx.signed(with: key)
        #expect(try signed.v == CryptoJSON.u256(root, "v"))
        #expect(try signed.signature.r == CryptoJSON.u256(root, "r") && signed.signature.r == CryptoJSON.u256(root, "r_hex"))
        #expect(try signed.signature.s == CryptoJSON.u256(root, "s") && signed.signature.s == CryptoJSON.u256(root, "s_hex"))
        let raw = try CryptoJSON.hex(root, "signed_tx_rlp")
        #expect(signed.rawBytes == raw)
        let decoded = try SignedTransaction(rawBytes: raw)
        #expect(try decoded == signed && decoded.recoverSender() == key.address)
        Vectors.report(file, passed: 1, of: 1)
    }

    /// `BasicTests/txtest.json`: pre-EIP-155 signing; `unsigned` is the 9-field list with empty v, r, s.
    /// The second case's signature dates from before Homestead and has a high s: we sign its low-s
    /// twin (same r, s' = n − s, other parity, same sender) and reject the original under EIP-2.
    @Test func basicTxTest() throws {
        let file = "ethereum-tests/BasicTests/txtest.json"
        let cases = try CryptoJSON.objects(try Vectors.json(file))
        var passed = 0, highS = 0
        for c in cases {
            let tx = try TransactionJSON.transaction(c)
            let key = try PrivateKey(hex: try CryptoJSON.string(c, "key"))
            let expected = try CryptoJSON.hex(c, "signed")
            var ok = try Self.unsignedNineFields(tx) == CryptoJSON.hex(c, "unsigned")
            let signed = try tx.signed(with: key)
            ok = try ok && SignedTransaction(rawBytes: signed.rawBytes).recoverSender() == key.address
            if signed.rawBytes != expected {
                // Must be exactly the high-s twin of ours.
                let theirs = try Self.legacySignature(expected)
                ok = ok && !theirs.isLowS && theirs.normalized == signed.signature
                ok = ok && (try? SignedTransaction(rawBytes: expected)) == nil
                highS += 1
            }
            #expect(ok)
            if ok { passed += 1 }
        }
        #expect(passed == cases.count && highS == 1)
        Vectors.report(file, passed: passed, of: cases.count, note: "\(highS) pre-Homestead high-s signature: low-s twin produced, original rejected by EIP-2")
    }

    static func unsignedNineFields(_ tx: Transaction) -> [UInt8] {
        var w = RLPWriter()
        w.appendList { w in tx.appendFields(to: &w); w.append(bytes: []); w.append(bytes: []); w.append(bytes: []) }
        return w.bytes
    }

    /// Reads (r, s, v) of a legacy transaction without the EIP-2 check, to inspect a historical signature.
    static func legacySignature(_ raw: [UInt8]) throws -> Signature {
        let item = try RLP.decode(raw)
        guard let fields = item.listValue, fields.count == 9, let v = fields[6].uint256Value,
              let r = fields[7].uint256Value, let s = fields[8].uint256Value else { throw TransactionJSON.Bad(description: "not a legacy tx") }
        return try Signature(r: r, s: s, v: v)
    }
}
