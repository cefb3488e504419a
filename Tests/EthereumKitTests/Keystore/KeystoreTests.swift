import Testing
import Foundation
@testable import EthereumKit

@Suite struct KeystoreVectorTests {
    /// Decrypts one keystore object (one key derivation) and compares with the expected secret;
    /// a 32-byte (or padded shorter) secret must also be the key of the file's `address`, if any.
    static func check(_ json: Any, password: String, priv: String?, name: String) throws -> Bool {
        let data = try JSONSerialization.data(withJSONObject: json)
        let keystore = try Keystore(json: [UInt8](data))
        let secret = try keystore.decrypt(password: password)
        var ok = true
        if let priv { ok = try secret == Hex.decode(priv, prefix: .optional) }
        if let address = keystore.address {
            ok = try ok && PrivateKey(bytes: [UInt8](repeating: 0, count: 32 - secret.count) + secret).address == address
        }
        #expect(ok, "\(name)")
        return ok
    }

    @Test(arguments: ["ethereum-tests/KeyStoreTests/basic_tests.json", "go-ethereum/accounts/keystore/testdata/v3_test_vector.json"])
    func namedVectors(file: String) throws {
        let cases = try CryptoJSON.object(try Vectors.json(file))
        var passed = 0
        for (name, value) in cases.sorted(by: { $0.key < $1.key }) {
            let c = try CryptoJSON.object(value)
            if try Self.check(try CryptoJSON.object(c, "json"), password: CryptoJSON.string(c, "password"),
                              priv: CryptoJSON.string(c, "priv"), name: name) { passed += 1 }
        }
        #expect(passed == cases.count)
        Vectors.report(file, passed: passed, of: cases.count)
    }

    /// go-ethereum's loose keystore files: empty password, and `foobar` for aaa/zzz; addresses from the files.
    @Test func gethKeystoreFiles() throws {
        let dir = "go-ethereum/accounts/keystore/testdata/"
        for (file, password) in [("very-light-scrypt.json", ""), ("keystore/aaa", "foobar"), ("keystore/zzz", "foobar")] {
            let text = try Vectors.text(dir + file)
            let keystore = try Keystore(json: text)
            let key = try keystore.decryptPrivateKey(password: password)
            let ok = keystore.address != nil && key.address == keystore.address
            #expect(ok, "\(file)")
            Vectors.report(dir + file, passed: ok ? 1 : 0, of: 1)
            #expect(throws: KeystoreError.self) { try keystore.decrypt(password: password + "x") }
        }
    }

    /// `BasicTests/crypto.json` aes1: AES-256-CTR with a zero IV (the keystore cipher's primitive).
    @Test func aesCTRPrimitive() throws {
        let file = "ethereum-tests/BasicTests/crypto.json"
        let c = try CryptoJSON.object(try Vectors.json(file), "aes1")
        let plain = try KeystoreCrypto.aesCTR(key: CryptoJSON.hex(c, "key"), iv: [UInt8](repeating: 0, count: 16), data: CryptoJSON.hex(c, "cipher"))
        #expect(try plain == CryptoJSON.hex(c, "payload"))
        Vectors.report(file, passed: try plain == CryptoJSON.hex(c, "payload") ? 1 : 0, of: 1, note: "aes1 only; ecies1 is not a keystore primitive")
    }
}

@Suite struct KeystoreUnitTests {
    static let mycrypto = "ethereum-tests/KeyStoreTests/basic_tests.json"

    static func mycryptoCase() throws -> (json: [String: Any], password: String, priv: [UInt8]) {
        let c = try CryptoJSON.object(try Vectors.json(mycrypto), "mycrypto")
        return (try CryptoJSON.object(c, "json"), try CryptoJSON.string(c, "password"), try CryptoJSON.hex(c, "priv"))
    }

    /// Re-encrypting a vector's key with its salt, IV and id reproduces its ciphertext and MAC.
    @Test func deterministicEncryptionReproducesVector() throws {
        let (json, password, priv) = try Self.mycryptoCase()
        let original = try Keystore(json: [UInt8](try JSONSerialization.data(withJSONObject: json)))
        let key = try PrivateKey(bytes: priv)
        let again = try Keystore.encrypt(key, password: password, kdf: original.kdf, iv: original.iv, id: original.id ?? "")
        #expect(again.ciphertext == original.ciphertext)
        #expect(again.mac == original.mac)
        #expect(again.address == original.address)
        // Our JSON parses back to the same keystore.
        #expect(try Keystore(json: again.json) == again)
    }

    @Test func randomRoundTripAndWrongPassword() throws {
        let key = try PrivateKey.generate()
        let keystore = try Keystore.encrypt(key, password: "correct horse", parameters: .light)
        let parsed = try Keystore(json: keystore.json)
        #expect(parsed == keystore)
        #expect(try parsed.decryptPrivateKey(password: "correct horse") == key)
        #expect(UUID(uuidString: parsed.id ?? "") != nil)
        do {
            _ = try parsed.decrypt(password: "wrong horse")
            Issue.record("a wrong password decrypted")
        } catch let e as KeystoreError {
            #expect(e.code == .wrongPassword)
            #expect(!e.message.contains("wrong horse") && !e.message.contains("correct horse"))
        }
        #expect(throws: KeystoreError.self) {
            try Keystore.encrypt(key, password: "p", kdf: .pbkdf2(iterations: 1, salt: [1]), iv: [UInt8](repeating: 0, count: 16), id: "\"}")
        }
        #expect(throws: KeystoreError.self) {
            try Keystore.encrypt(key, password: "p", kdf: .pbkdf2(iterations: 1, salt: []), iv: [UInt8](repeating: 0, count: 16), id: Keystore.uuidV4([UInt8](repeating: 0, count: 16)))
        }
        // Two encryptions of the same key differ (random salt, IV, id).
        let other = try Keystore.encrypt(key, password: "correct horse", parameters: .light)
        #expect(other.ciphertext != keystore.ciphertext && other.id != keystore.id)
    }

    @Test func malformedFilesNameTheField() throws {
        let (json, _, _) = try Self.mycryptoCase()
        func error(_ edit: (inout [String: Any]) -> Void) -> KeystoreError? {
            var j = json
            edit(&j)
            guard let data = try? JSONSerialization.data(withJSONObject: j) else { return nil }
            do { _ = try Keystore(json: [UInt8](data)); return nil } catch let e as KeystoreError { return e } catch { return nil }
        }
        func editCrypto(_ j: inout [String: Any], _ edit: (inout [String: Any]) -> Void) {
            var c = j["crypto"] as? [String: Any] ?? [:]
            edit(&c)
            j["crypto"] = c
        }
        func editParams(_ j: inout [String: Any], _ edit: (inout [String: Any]) -> Void) {
            editCrypto(&j) { c in
                var p = c["kdfparams"] as? [String: Any] ?? [:]
                edit(&p)
                c["kdfparams"] = p
            }
        }
        let cases: [(KeystoreError.Code, String, (inout [String: Any]) -> Void)] = [
            (.missingField, "crypto", { $0["crypto"] = nil }),
            (.unsupported, "version", { $0["version"] = 1 }),
            (.missingField, "crypto.kdfparams.salt", { editParams(&$0) { $0["salt"] = nil } }),
            (.invalidField, "crypto.cipherparams.iv", { editCrypto(&$0) { $0["cipherparams"] = ["iv": "0011"] } }),
            (.invalidField, "crypto.mac", { editCrypto(&$0) { $0["mac"] = "zz" } }),
            (.unsupported, "crypto.cipher", { editCrypto(&$0) { $0["cipher"] = "aes-256-gcm" } }),
            (.unsupported, "crypto.kdf", { editCrypto(&$0) { $0["kdf"] = "argon2" } }),
            (.invalidField, "crypto.kdfparams.n", { editParams(&$0) { $0["n"] = "8192" } }),
            (.invalidField, "id", { $0["id"] = "not-a-uuid" }),
            (.invalidField, "address", { $0["address"] = "0x1234" }),
        ]
        for (code, field, edit) in cases {
            let e = error(edit)
            #expect(e?.code == code, "\(field)")
            #expect(e?.message.contains(field) == true, "\(field): \(e?.message ?? "no error")")
        }
        #expect(throws: KeystoreError.self) { try Keystore(json: "[1,2]") }
        #expect(throws: KeystoreError.self) { try Keystore(json: "{not json") }
        // Expensive or invalid KDF parameters are refused before any work.
        var tooBig = json
        editParams(&tooBig) { $0["n"] = 1 << 30; $0["r"] = 8 }
        let keystore = try Keystore(json: [UInt8](try JSONSerialization.data(withJSONObject: tooBig)))
        #expect(throws: KeystoreError.self) { try keystore.decrypt(password: "x") }
        var notPow2 = json
        editParams(&notPow2) { $0["n"] = 1000 }
        #expect(throws: KeystoreError.self) { try Keystore(json: [UInt8](try JSONSerialization.data(withJSONObject: notPow2))).decrypt(password: "x") }
    }

    /// The C ROMix path and OpenSSL's scrypt agree wherever OpenSSL accepts the parameters, and the
    /// C path reproduces RFC 7914's test vector 2.
    @Test func scryptPathsAgree() throws {
        let rfc = try KeystoreCrypto.scryptROMix(password: Array("password".utf8), salt: Array("NaCl".utf8), n: 1024, r: 8, p: 16, length: 64)
        #expect(Hex.encode(rfc, prefix: false) == "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640")
        for (n, r, p): (UInt64, UInt64, UInt64) in [(2, 1, 1), (16, 1, 1), (1024, 2, 3), (8, 8, 16), (4096, 8, 1)] {
            let salt = Array("salt \(n)".utf8)
            let viaOpenSSL = try KeystoreCrypto.scrypt(password: Array("pw".utf8), salt: salt, n: n, r: r, p: p, length: 32)
            let viaC = try KeystoreCrypto.scryptROMix(password: Array("pw".utf8), salt: salt, n: n, r: r, p: p, length: 32)
            #expect(viaOpenSSL == viaC, "N=\(n) r=\(r) p=\(p)")
        }
    }

    @Test func addressMismatchIsDetected() throws {
        var (json, password, _) = try Self.mycryptoCase()
        json["address"] = "0000000000000000000000000000000000000001"
        let keystore = try Keystore(json: [UInt8](try JSONSerialization.data(withJSONObject: json)))
        do { _ = try keystore.decryptPrivateKey(password: password); Issue.record("mismatch not detected") } catch let e as KeystoreError {
            #expect(e.code == .addressMismatch)
        }
    }
}
