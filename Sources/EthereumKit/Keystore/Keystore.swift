import Foundation

/// A Web3 Secret Storage (version 3) keystore: a private key encrypted with AES-128-CTR under a
/// key derived from a password by scrypt or PBKDF2-HMAC-SHA256, authenticated by a Keccak-256 MAC.
///
/// `Keystore(json:)` validates the structure and names the first bad field; `decrypt(password:)`
/// checks the MAC in constant time before using the key (a wrong password is `.wrongPassword`,
/// never a crash) and, if the file has an `address`, that the key belongs to it.
public struct Keystore: Hashable, Sendable {
    /// The key-derivation function and its parameters.
    public enum KDF: Hashable, Sendable {
        /// scrypt (N, r, p, salt).
        case scrypt(n: UInt64, r: UInt64, p: UInt64, salt: [UInt8])
        /// PBKDF2 with HMAC-SHA256 (iterations, salt).
        case pbkdf2(iterations: UInt32, salt: [UInt8])
    }

    /// Parameters for new keystores.
    public struct EncryptionParameters: Sendable {
        /// scrypt N (a power of two).
        public var n: UInt64
        /// scrypt r.
        public var r: UInt64
        /// scrypt p.
        public var p: UInt64

        /// geth's standard parameters: N = 2^18, r = 8, p = 1 (256 MiB, about a second).
        public static let standard = EncryptionParameters(n: 1 << 18, r: 8, p: 1)
        /// geth's light parameters: N = 2^12, r = 8, p = 6 (4 MiB).
        public static let light = EncryptionParameters(n: 1 << 12, r: 8, p: 6)

        /// Custom scrypt parameters.
        public init(n: UInt64, r: UInt64, p: UInt64) { self.n = n; self.r = r; self.p = p }
    }

    /// The KDF.
    public let kdf: KDF
    /// The derived-key length (`dklen`, at least 32).
    public let derivedKeyLength: Int
    /// The AES-128-CTR initial counter block (16 bytes).
    public let iv: [UInt8]
    /// The encrypted private key.
    public let ciphertext: [UInt8]
    /// keccak256(derivedKey[16..<32] ‖ ciphertext).
    public let mac: Hash32
    /// The `id` (a UUID), if present.
    public let id: String?
    /// The `address`, if present.
    public let address: Address?

    /// Parses keystore JSON (UTF-8 bytes).
    public init(json: [UInt8]) throws {
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: Data(json)) } catch {
            throw KeystoreError(.invalidJSON, "the file is not valid JSON (\(error.localizedDescription))")
        }
        guard let root = object as? [String: Any] else { throw KeystoreError(.invalidJSON, "the top level must be a JSON object") }
        try self.init(root: root)
    }

    /// Parses keystore JSON text.
    public init(json: String) throws { try self.init(json: Array(json.utf8)) }

    private init(root: [String: Any]) throws {
        let version = try Field.int(root, "version", "version")
        guard version == 3 else { throw KeystoreError(.unsupported, "version \(version) is not supported; only Web3 Secret Storage version 3 is") }
        // geth reads "Crypto" too (old MyEtherWallet files).
        let crypto = try Field.object(root["crypto"] ?? root["Crypto"], "crypto")
        let cipher = try Field.string(crypto, "cipher", "crypto.cipher")
        guard cipher == "aes-128-ctr" else { throw KeystoreError(.unsupported, "crypto.cipher \"\(cipher)\" is not supported; only aes-128-ctr is") }
        let cipherparams = try Field.object(crypto["cipherparams"], "crypto.cipherparams")
        iv = try Field.hex(cipherparams, "iv", "crypto.cipherparams.iv", count: 16)
        ciphertext = try Field.hex(crypto, "ciphertext", "crypto.ciphertext")
        guard (1...32).contains(ciphertext.count) else {
            throw KeystoreError(.invalidField, "crypto.ciphertext must hold a private key of at most 32 bytes, got \(ciphertext.count)")
        }
        mac = try Hash32(bytes: try Field.hex(crypto, "mac", "crypto.mac", count: 32))
        let params = try Field.object(crypto["kdfparams"], "crypto.kdfparams")
        let dklen = try Field.int(params, "dklen", "crypto.kdfparams.dklen")
        guard (32...64).contains(dklen) else { throw KeystoreError(.invalidField, "crypto.kdfparams.dklen must be between 32 and 64, got \(dklen)") }
        derivedKeyLength = dklen
        let salt = try Field.hex(params, "salt", "crypto.kdfparams.salt")
        guard !salt.isEmpty else { throw KeystoreError(.invalidField, "crypto.kdfparams.salt is empty") }
        switch try Field.string(crypto, "kdf", "crypto.kdf") {
        case "scrypt":
            kdf = .scrypt(n: try Field.uint(params, "n"), r: try Field.uint(params, "r"), p: try Field.uint(params, "p"), salt: salt)
        case "pbkdf2":
            let prf = try Field.string(params, "prf", "crypto.kdfparams.prf")
            guard prf == "hmac-sha256" else { throw KeystoreError(.unsupported, "crypto.kdfparams.prf \"\(prf)\" is not supported; only hmac-sha256 is") }
            let c = try Field.uint(params, "c")
            guard c <= UInt64(UInt32.max) else { throw KeystoreError(.tooExpensive, "crypto.kdfparams.c = \(c) is too large") }
            kdf = .pbkdf2(iterations: UInt32(c), salt: salt)
        case let other:
            throw KeystoreError(.unsupported, "crypto.kdf \"\(other)\" is not supported; use scrypt or pbkdf2")
        }
        if let id = root["id"] {
            guard let text = id as? String, UUID(uuidString: text) != nil else { throw KeystoreError(.invalidField, "id must be a UUID string") }
            self.id = text
        } else {
            self.id = nil
        }
        if let a = root["address"], !(a is NSNull) {
            guard let text = a as? String, let bytes = try? Hex.decode(text, prefix: .optional), bytes.count == 20,
                  let address = try? Address(bytes: bytes) else {
                throw KeystoreError(.invalidField, "address must be 40 hex digits")
            }
            self.address = address
        } else {
            self.address = nil
        }
    }

    private init(kdf: KDF, iv: [UInt8], ciphertext: [UInt8], mac: Hash32, id: String, address: Address) {
        self.kdf = kdf
        self.derivedKeyLength = 32
        self.iv = iv
        self.ciphertext = ciphertext
        self.mac = mac
        self.id = id
        self.address = address
    }

    // MARK: Decrypt

    /// Decrypts the secret with a password (UTF-8 bytes of `password`), after checking the MAC.
    /// The result has the ciphertext's length: 30/31-byte keys (some old files) are not padded.
    public func decrypt(password: String) throws -> [UInt8] {
        var derived = try deriveKey(Array(password.utf8))
        defer { SecureRandom.wipe(&derived) }
        let computed = Keccak256.hash(derived[16..<32] + ciphertext)
        guard KeystoreCrypto.constantTimeEqual(computed.bytes, mac.bytes) else {
            throw KeystoreError(.wrongPassword, "the MAC does not match: wrong password (or the file was altered)")
        }
        return try KeystoreCrypto.aesCTR(key: Array(derived[0..<16]), iv: iv, data: ciphertext)
    }

    /// Decrypts and returns the private key (a shorter secret is left-padded to 32 bytes, as geth
    /// does); checks the file's `address` when present.
    public func decryptPrivateKey(password: String) throws -> PrivateKey {
        var secret = try decrypt(password: password)
        defer { SecureRandom.wipe(&secret) }
        var padded = [UInt8](repeating: 0, count: 32 - secret.count) + secret
        defer { SecureRandom.wipe(&padded) }
        let key: PrivateKey
        do { key = try PrivateKey(bytes: padded) } catch {
            throw KeystoreError(.invalidField, "the decrypted secret is not a valid secp256k1 private key")
        }
        if let address, address != key.address {
            throw KeystoreError(.addressMismatch, "the decrypted key belongs to \(key.address.checksummed), not to the file's address \(address.checksummed)")
        }
        return key
    }

    private func deriveKey(_ password: [UInt8]) throws -> [UInt8] {
        switch kdf {
        case let .scrypt(n, r, p, salt):
            return try KeystoreCrypto.scrypt(password: password, salt: salt, n: n, r: r, p: p, length: derivedKeyLength)
        case let .pbkdf2(iterations, salt):
            return try KeystoreCrypto.pbkdf2SHA256(password: password, salt: salt, iterations: iterations, length: derivedKeyLength)
        }
    }

    // MARK: Encrypt

    /// Encrypts `key` under `password` with scrypt (random 32-byte salt, random IV, random UUID v4).
    public static func encrypt(_ key: PrivateKey, password: String, parameters: EncryptionParameters = .standard) throws -> Keystore {
        let random = try SecureRandom.bytes(64)
        return try encrypt(key, password: password, kdf: .scrypt(n: parameters.n, r: parameters.r, p: parameters.p, salt: Array(random[0..<32])),
                           iv: Array(random[32..<48]), id: uuidV4(Array(random[48..<64])))
    }

    /// Encrypts `key` with explicit KDF, IV and id (reproducible files; tests).
    public static func encrypt(_ key: PrivateKey, password: String, kdf: KDF, iv: [UInt8], id: String) throws -> Keystore {
        guard UUID(uuidString: id) != nil else { throw KeystoreError(.invalidField, "id must be a UUID string") }
        switch kdf {
        case .scrypt(_, _, _, let salt), .pbkdf2(_, let salt):
            guard !salt.isEmpty else { throw KeystoreError(.invalidField, "crypto.kdfparams.salt must not be empty") }
        }
        let shell = Keystore(kdf: kdf, iv: iv, ciphertext: [], mac: .zero, id: id, address: key.address)
        var derived = try shell.deriveKey(Array(password.utf8))
        defer { SecureRandom.wipe(&derived) }
        let ciphertext = try key.withUnsafeSecretBytes { secret in
            try KeystoreCrypto.aesCTR(key: Array(derived[0..<16]), iv: iv, data: Array(secret))
        }
        let mac = Keccak256.hash(derived[16..<32] + ciphertext)
        return Keystore(kdf: kdf, iv: iv, ciphertext: ciphertext, mac: mac, id: id, address: key.address)
    }

    /// The keystore as JSON text in geth's layout (keys sorted, hex without 0x).
    public var json: String {
        func hex(_ b: [UInt8]) -> String { Hex.encode(b, prefix: false) }
        let kdfName: String, kdfParams: String
        switch kdf {
        case let .scrypt(n, r, p, salt):
            kdfName = "scrypt"
            kdfParams = "{\"dklen\":\(derivedKeyLength),\"n\":\(n),\"p\":\(p),\"r\":\(r),\"salt\":\"\(hex(salt))\"}"
        case let .pbkdf2(c, salt):
            kdfName = "pbkdf2"
            kdfParams = "{\"c\":\(c),\"dklen\":\(derivedKeyLength),\"prf\":\"hmac-sha256\",\"salt\":\"\(hex(salt))\"}"
        }
        let address = self.address.map { "\"address\":\"\(hex($0.bytes))\"," } ?? ""
        let id = self.id.map { "\"id\":\"\($0)\"," } ?? ""
        return "{\(address)\"crypto\":{\"cipher\":\"aes-128-ctr\",\"ciphertext\":\"\(hex(ciphertext))\",\"cipherparams\":{\"iv\":\"\(hex(iv))\"},"
            + "\"kdf\":\"\(kdfName)\",\"kdfparams\":\(kdfParams),\"mac\":\"\(hex(mac.bytes))\"},\(id)\"version\":3}"
    }

    /// A version-4 UUID string from 16 random bytes.
    static func uuidV4(_ b: [UInt8]) -> String {
        var b = b
        b[6] = b[6] & 0x0f | 0x40
        b[8] = b[8] & 0x3f | 0x80
        let h = Hex.encode(b, prefix: false)
        let c = Array(h)
        return String(c[0..<8]) + "-" + String(c[8..<12]) + "-" + String(c[12..<16]) + "-" + String(c[16..<20]) + "-" + String(c[20..<32])
    }
}

/// Field readers that name the field in every error.
private enum Field {
    static func object(_ value: Any?, _ path: String) throws -> [String: Any] {
        guard let value else { throw KeystoreError(.missingField, "\(path) is missing") }
        guard let d = value as? [String: Any] else { throw KeystoreError(.invalidField, "\(path) must be an object") }
        return d
    }

    static func string(_ d: [String: Any], _ key: String, _ path: String) throws -> String {
        guard let v = d[key] else { throw KeystoreError(.missingField, "\(path) is missing") }
        guard let s = v as? String else { throw KeystoreError(.invalidField, "\(path) must be a string") }
        return s
    }

    static func int(_ d: [String: Any], _ key: String, _ path: String) throws -> Int {
        guard let v = d[key] else { throw KeystoreError(.missingField, "\(path) is missing") }
        guard !(v is String), let n = v as? NSNumber, let i = Int(exactly: n.doubleValue) else {
            throw KeystoreError(.invalidField, "\(path) must be an integer")
        }
        return i
    }

    static func uint(_ d: [String: Any], _ key: String) throws -> UInt64 {
        let i = try int(d, key, "crypto.kdfparams.\(key)")
        guard i >= 0 else { throw KeystoreError(.invalidField, "crypto.kdfparams.\(key) must not be negative") }
        return UInt64(i)
    }

    static func hex(_ d: [String: Any], _ key: String, _ path: String, count: Int? = nil) throws -> [UInt8] {
        let text = try string(d, key, path)
        guard let bytes = try? Hex.decode(text, prefix: .optional) else { throw KeystoreError(.invalidField, "\(path) is not valid hex") }
        if let count, bytes.count != count { throw KeystoreError(.invalidField, "\(path) must be \(count) bytes, got \(bytes.count)") }
        return bytes
    }
}
