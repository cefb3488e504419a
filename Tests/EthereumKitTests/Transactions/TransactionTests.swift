import Testing
import Foundation
@testable import EthereumKit

@Suite struct TransactionUnitTests {
    static let key = try! PrivateKey(hex: "0x4646464646464646464646464646464646464646464646464646464646464646")
    static let to = try! Address("0x3535353535353535353535353535353535353535")

    static func sample1559() -> Transaction {
        .dynamicFee(DynamicFeeTransaction(chainId: UInt256(421614), nonce: 7, maxPriorityFeePerGas: UInt256(1_000_000),
                                          maxFeePerGas: UInt256(200_000_000), gasLimit: 300_000, to: to, value: UInt256(5),
                                          data: [0xde, 0xad, 0xbe, 0xef],
                                          accessList: [AccessListEntry(address: to, storageKeys: [Hash32(UInt256(1))])]))
    }

    func code(_ raw: [UInt8]) -> TransactionError.Code? {
        do { _ = try SignedTransaction(rawBytes: raw); return nil } catch let e as TransactionError { return e.code } catch { return nil }
    }

    @Test func decodeErrorsAreTyped() throws {
        let signed = try Self.sample1559().signed(with: Self.key)
        let raw = signed.rawBytes
        #expect(code([]) == .malformed)
        #expect(code([0x03] + raw.dropFirst()) == .typeNotSupported)
        #expect(code([0x80]) == .typeNotSupported)
        #expect(code(raw + [0x00]) == .malformed)
        #expect(code(Array(raw.dropLast())) == .malformed)
        // 11 fields instead of 12.
        var w = RLPWriter()
        w.append(rawByte: 2)
        w.appendList { w in for _ in 0..<11 { w.append(UInt64(1)) } }
        #expect(code(w.bytes) == .wrongFieldCount)
        // y-parity 2.
        var w2 = RLPWriter()
        w2.append(rawByte: 2)
        w2.appendList { w in
            signed.transaction.appendFields(to: &w)
            w.append(UInt64(2)); w.append(signed.signature.r); w.append(signed.signature.s)
        }
        #expect(code(w2.bytes) == .invalidV)
        // High s.
        var w3 = RLPWriter()
        w3.append(rawByte: 2)
        w3.appendList { w in
            signed.transaction.appendFields(to: &w)
            w.append(UInt64(signed.signature.yParity ^ 1)); w.append(signed.signature.r); w.append(Secp256k1Curve.n - signed.signature.s)
        }
        #expect(code(w3.bytes) == .invalidSignature)
        // Errors from RLP carry the offset.
        do { _ = try SignedTransaction(rawBytes: raw + [0x00]) } catch let e as TransactionError { #expect(e.offset == raw.count) }
    }

    @Test func signingRoundTripsAllTypes() throws {
        let legacy = Transaction.legacy(LegacyTransaction(nonce: 0, gasPrice: UInt256(1), gasLimit: 21000, to: nil, data: [0x60], chainId: nil))
        let eip155 = Transaction.legacy(LegacyTransaction(nonce: 1, gasPrice: UInt256(1), gasLimit: 21000, to: Self.to, chainId: UInt256(1) << 200))
        let eip2930 = Transaction.accessList(AccessListTransaction(chainId: UInt256(1), nonce: .max, gasPrice: .max, gasLimit: .max, to: Self.to, value: .max))
        for tx in [legacy, eip155, eip2930, Self.sample1559()] {
            let signed = try tx.signed(with: Self.key)
            let decoded = try SignedTransaction(rawBytes: signed.rawBytes)
            #expect(decoded == signed)
            #expect(try decoded.recoverSender() == Self.key.address)
            #expect(decoded.hash == Keccak256.hash(signed.rawBytes))
            #expect(signed.rawBytes.withUnsafeBytes { Transaction.fuzz($0) })
        }
        // A chain id whose EIP-155 v does not fit 256 bits cannot be signed.
        let huge = Transaction.legacy(LegacyTransaction(nonce: 0, gasPrice: .zero, gasLimit: 0, to: nil, chainId: .max))
        #expect(throws: TransactionError.self) { try huge.signed(with: Self.key) }
    }

    @Test func rpcFieldsRules() throws {
        let signed = try Self.sample1559().signed(with: Self.key)
        guard case .dynamicFee(let t) = signed.transaction else { Issue.record("not 1559"); return }
        let base = RPCTransactionFields(type: 2, chainId: t.chainId, nonce: t.nonce, gas: t.gasLimit, gasPrice: UInt256(123),
                                        maxFeePerGas: t.maxFeePerGas, maxPriorityFeePerGas: t.maxPriorityFeePerGas, to: t.to,
                                        value: t.value, input: t.data, accessList: t.accessList,
                                        v: UInt256(UInt64(signed.signature.yParity)), yParity: UInt256(UInt64(signed.signature.yParity)),
                                        r: signed.signature.r, s: signed.signature.s, hash: signed.hash)
        // gasPrice (the effective price nodes report for type 2) is ignored.
        #expect(try SignedTransaction(rpc: base) == signed)
        func code(_ change: (inout RPCTransactionFields) -> Void) -> TransactionError.Code? {
            var f = base
            change(&f)
            do { _ = try SignedTransaction(rpc: f); return nil } catch let e as TransactionError { return e.code } catch { return nil }
        }
        #expect(code { $0.maxFeePerGas = nil } == .missingField)
        #expect(code { $0.chainId = nil } == .missingField)
        #expect(code { $0.v = UInt256(UInt64(1 - signed.signature.yParity)) } == .inconsistentFields)
        #expect(code { $0.v = nil; $0.yParity = UInt256(27) } == .invalidV)
        #expect(code { $0.nonce += 1 } == .hashMismatch)
        #expect(code { $0.type = 3 } == .typeNotSupported)
        #expect(code { $0.type = 0x64 } == .typeNotSupported)
        #expect(code { $0.s = Secp256k1Curve.n - $0.s } == .invalidSignature)
        #expect(code { $0.hash = nil; $0.nonce += 1 } == nil)

        // Legacy: chainId must agree with an EIP-155 v; pre-EIP-155 ignores it.
        let legacy = try Transaction.legacy(LegacyTransaction(nonce: 3, gasPrice: UInt256(9), gasLimit: 21000, to: Self.to, chainId: UInt256(5)))
            .signed(with: Self.key)
        var f = RPCTransactionFields(nonce: 3, gas: 21000, gasPrice: UInt256(9), to: Self.to, value: .zero, input: [],
                                     v: legacy.v, r: legacy.signature.r, s: legacy.signature.s, hash: legacy.hash)
        #expect(try SignedTransaction(rpc: f) == legacy)
        f.chainId = UInt256(5)
        #expect(try SignedTransaction(rpc: f) == legacy)
        f.chainId = UInt256(1)
        #expect(throws: TransactionError.self) { try SignedTransaction(rpc: f) }
        f.chainId = nil
        f.v = UInt256(30)
        #expect(throws: TransactionError.self) { try SignedTransaction(rpc: f) }
    }

    /// Random single-byte mutations, truncations and garbage never trap and keep the round-trip invariant (fixed seed).
    @Test func mutationsNeverTrap() throws {
        var rng = SplitMix64(seed: 0x7A_2718)
        let seeds = try [Self.sample1559(),
                         .legacy(LegacyTransaction(nonce: 1, gasPrice: UInt256(2), gasLimit: 3, to: Self.to, chainId: UInt256(1)))]
            .map { try $0.signed(with: Self.key).rawBytes }
        for raw in seeds {
            for _ in 0..<1500 {
                var m = raw
                switch rng.next() % 3 {
                case 0: m[Int(rng.next() % UInt64(m.count))] ^= UInt8(truncatingIfNeeded: rng.next() | 1)
                case 1: m = Array(m.prefix(Int(rng.next() % UInt64(m.count))))
                default: m.insert(UInt8(truncatingIfNeeded: rng.next()), at: Int(rng.next() % UInt64(m.count)))
                }
                #expect(m.withUnsafeBytes { Transaction.fuzz($0) })
            }
        }
    }
}
