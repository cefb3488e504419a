import Foundation

/// Typed access to parsed vector JSON for the RLP / secp256k1 / transaction / keystore tests.
/// Each accessor throws a message naming the missing or mistyped key.
enum CryptoJSON {
    struct Missing: Error, CustomStringConvertible {
        let description: String
    }

    static func object(_ value: Any?, _ key: String? = nil) throws -> [String: Any] {
        let v = try at(value, key)
        guard let d = v as? [String: Any] else { throw Missing(description: "\(key ?? "value") is not an object") }
        return d
    }

    static func objects(_ value: Any?, _ key: String? = nil) throws -> [[String: Any]] {
        let v = try at(value, key)
        guard let a = v as? [[String: Any]] else { throw Missing(description: "\(key ?? "value") is not an array of objects") }
        return a
    }

    static func string(_ value: Any?, _ key: String? = nil) throws -> String {
        let v = try at(value, key)
        guard let s = v as? String else { throw Missing(description: "\(key ?? "value") is not a string") }
        return s
    }

    static func int(_ value: Any?, _ key: String? = nil) throws -> Int {
        let v = try at(value, key)
        guard let n = v as? Int else { throw Missing(description: "\(key ?? "value") is not an integer") }
        return n
    }

    /// A decimal or 0x-hex string (or a small JSON integer) as UInt256.
    static func u256(_ value: Any?, _ key: String? = nil) throws -> UInt256 {
        let v = try at(value, key)
        if let n = v as? Int, n >= 0 { return UInt256(UInt64(n)) }
        guard let s = v as? String, let u = UInt256(s) else { throw Missing(description: "\(key ?? "value") is not a 256-bit integer") }
        return u
    }

    static func hex(_ value: Any?, _ key: String? = nil) throws -> [UInt8] {
        try Hex.decode(try string(value, key), prefix: .optional)
    }

    private static func at(_ value: Any?, _ key: String?) throws -> Any {
        guard let key else {
            guard let value else { throw Missing(description: "value is missing") }
            return value
        }
        guard let d = value as? [String: Any], let v = d[key], !(v is NSNull) else { throw Missing(description: "key \(key) is missing") }
        return v
    }
}

@testable import EthereumKit
