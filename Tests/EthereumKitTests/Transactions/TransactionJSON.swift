import Foundation
@testable import EthereumKit

/// Reads the loosely typed transaction objects of the vector files (decimal strings, 0x-hex strings,
/// JSON integers, `{"$bigint"}`, `{"$bytes"}`, `""` for a contract creation) into typed values.
enum TransactionJSON {
    struct Bad: Error, CustomStringConvertible { let description: String }

    static func integer(_ value: Any?) throws -> UInt256? {
        guard let value, !(value is NSNull) else { return nil }
        if let n = value as? Int, n >= 0 { return UInt256(UInt64(n)) }
        if let s = value as? String { guard let u = UInt256(s) else { throw Bad(description: "bad integer \(s)") }; return u }
        if let d = value as? [String: Any], let s = d["$bigint"] as? String, let u = UInt256(decimal: s) { return u }
        throw Bad(description: "bad integer \(value)")
    }

    static func u64(_ value: Any?, _ name: String) throws -> UInt64 {
        guard let v = try integer(value), let small = v.uint64 else { throw Bad(description: "\(name) missing or too large") }
        return small
    }

    static func bytes(_ value: Any?) throws -> [UInt8] {
        guard let value, !(value is NSNull) else { return [] }
        if let s = value as? String { return try Hex.decode(s, prefix: .optional) }
        if let d = value as? [String: Any], let s = d["$bytes"] as? String { return try Hex.decode(s) }
        throw Bad(description: "bad bytes \(value)")
    }

    static func address(_ value: Any?) throws -> Address? {
        let b = try bytes(value)
        return b.isEmpty ? nil : try Address(bytes: b)
    }

    static func accessList(_ value: Any?) throws -> [AccessListEntry]? {
        guard let list = value as? [[String: Any]] else { return nil }
        return try list.map { e in
            guard let a = try address(e["address"]) else { throw Bad(description: "access list entry without address") }
            let keys = try ((e["storageKeys"] as? [String]) ?? []).map { try Hash32(hex: $0) }
            return AccessListEntry(address: a, storageKeys: keys)
        }
    }

    /// The type: explicit (`type` as int or hex string), else inferred from the fee fields.
    static func type(_ d: [String: Any]) throws -> UInt64 {
        if let t = try integer(d["type"]) { return t.uint64 ?? 99 }
        if d["maxFeePerGas"] != nil { return 2 }
        if d["accessList"] != nil { return 1 }
        return 0
    }

    /// The unsigned transaction described by `d` (keys of eth-account and of `tx_signing.json`).
    static func transaction(_ d: [String: Any]) throws -> Transaction {
        let nonce = try u64(d["nonce"], "nonce")
        let gas = try u64(d["gas"] ?? d["gasLimit"] ?? d["startgas"], "gas")
        let to = try address(d["to"])
        let value = try integer(d["value"]) ?? .zero
        let data = try bytes(d["data"] ?? d["input"])
        let chainId = try integer(d["chainId"])
        switch try type(d) {
        case 0:
            guard let gasPrice = try integer(d["gasPrice"] ?? d["gasprice"]) else { throw Bad(description: "no gasPrice") }
            return .legacy(LegacyTransaction(nonce: nonce, gasPrice: gasPrice, gasLimit: gas, to: to, value: value, data: data, chainId: chainId))
        case 1:
            guard let chainId, let gasPrice = try integer(d["gasPrice"]) else { throw Bad(description: "type 1 needs chainId and gasPrice") }
            return .accessList(AccessListTransaction(chainId: chainId, nonce: nonce, gasPrice: gasPrice, gasLimit: gas, to: to,
                                                     value: value, data: data, accessList: try accessList(d["accessList"]) ?? []))
        case 2:
            guard let chainId, let maxFee = try integer(d["maxFeePerGas"]), let tip = try integer(d["maxPriorityFeePerGas"]) else {
                throw Bad(description: "type 2 needs chainId and fees")
            }
            return .dynamicFee(DynamicFeeTransaction(chainId: chainId, nonce: nonce, maxPriorityFeePerGas: tip, maxFeePerGas: maxFee,
                                                     gasLimit: gas, to: to, value: value, data: data, accessList: try accessList(d["accessList"]) ?? []))
        case let t:
            throw Bad(description: "unsupported type \(t)")
        }
    }

    /// The same object as JSON-RPC fields (with its v / yParity / r / s and optional hash). The type is
    /// always set (inferred when the object omits it), as nodes always return it for typed transactions.
    static func rpcFields(_ d: [String: Any], hash: Hash32? = nil) throws -> RPCTransactionFields {
        let t = try type(d)
        return RPCTransactionFields(
            type: t, chainId: try integer(d["chainId"]),
            nonce: try u64(d["nonce"], "nonce"), gas: try u64(d["gas"] ?? d["gasLimit"], "gas"),
            gasPrice: try integer(d["gasPrice"]), maxFeePerGas: try integer(d["maxFeePerGas"]),
            maxPriorityFeePerGas: try integer(d["maxPriorityFeePerGas"]), to: try address(d["to"]),
            value: try integer(d["value"]) ?? .zero, input: try bytes(d["data"] ?? d["input"]),
            accessList: try accessList(d["accessList"]), v: try integer(d["v"]), yParity: try integer(d["yParity"]),
            r: try integer(d["r"]) ?? .zero, s: try integer(d["s"]) ?? .zero, hash: hash)
    }
}
