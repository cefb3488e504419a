import EthereumKit
import Foundation
import Operator
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `kalypso-mirror keys …` and key selection, through the binary (no chain needed). Every run is scanned for the
/// private key and the password.
@Suite struct KeysCommandTests {
    let home = FileManager.default.temporaryDirectory.appendingPathComponent("operator-keys-\(UUID().uuidString)").path
    var keys: String { home + "/keys" }
    static let password = "correct horse battery staple"

    func run(_ arguments: [String], environment: [String: String] = [:], secrets: [String] = [],
             sourceLocation: SourceLocation = #_sourceLocation) throws -> TestWorld.Run {
        var env = ProcessInfo.processInfo.environment
        env["HOME"] = home
        for (k, v) in environment { env[k] = v }
        let run = try TestWorld.run(arguments, environment: env)
        for secret in secrets + [Self.password] {
            #expect(!run.stdout.contains(secret) && !run.stderr.contains(secret), "a secret leaked", sourceLocation: sourceLocation)
        }
        return run
    }

    static func mode(_ path: String) -> UInt32 {
        var info = stat()
        _ = stat(path, &info)
        return UInt32(info.st_mode & 0o777)
    }

    @Test func newListExportAndDecrypt() throws {
        defer { try? FileManager.default.removeItem(atPath: home) }
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        let passwordFile = home + "/pw"
        try (Self.password + "\n").write(toFile: passwordFile, atomically: true, encoding: .utf8)
        let created = try run(["keys", "new", "--keys-dir", keys, "--password-file", passwordFile, "--scrypt", "light", "--json"])
        #expect(created.status == 0, "\(created.stderr)")
        let address = try Address(created.json["address"] as? String ?? "")
        let file = created.json["file"] as? String ?? ""
        #expect(Self.mode(keys) == 0o700 && Self.mode(file) == 0o600)
        let listed = try run(["keys", "list", "--keys-dir", keys, "--json"])
        #expect(((listed.json["keys"] as? [[String: Any]])?.first?["address"] as? String) == address.checksummed)
        let exported = try run(["keys", "export-address", "--keys-dir", keys])
        #expect(exported.stdout == address.checksummed + "\n")
        // Round trip: the file decrypts with the password (without the newline) to the key of the address.
        let keystore = try Keystore(json: Array(try Data(contentsOf: URL(fileURLWithPath: file))))
        #expect(try keystore.decryptPrivateKey(password: Self.password).address == address)
        #expect { try keystore.decryptPrivateKey(password: Self.password + "\n") } throws: { ($0 as? KeystoreError)?.code == .wrongPassword }
        let secret = try keystore.decryptPrivateKey(password: Self.password).withUnsafeSecretBytes { Hex.encode(Array($0), prefix: false) }
        #expect(!created.stdout.contains(secret) && !listed.stdout.contains(secret))
    }

    @Test func importFromTheEnvironment() throws {
        defer { try? FileManager.default.removeItem(atPath: home) }
        let key = try PrivateKey.generate()
        let hex = key.withUnsafeSecretBytes { Hex.encode(Array($0), prefix: false) }
        let env = ["IMPORT_KEY": hex, "PW": Self.password]
        let imported = try run(["keys", "import", "--keys-dir", keys, "--private-key-env", "IMPORT_KEY", "--password-env", "PW", "--scrypt", "light"],
                               environment: env, secrets: [hex])
        #expect(imported.status == 0 && imported.stdout.contains("imported \(key.address.checksummed)"), "\(imported.stderr)")
        let twice = try run(["keys", "import", "--keys-dir", keys, "--private-key-env", "IMPORT_KEY", "--password-env", "PW", "--scrypt", "light"],
                            environment: env, secrets: [hex])
        #expect(twice.status == 1 && twice.stderr.contains("already holds a key for \(key.address.checksummed)"))
        let exported = try run(["keys", "export-address", "--private-key-env", "IMPORT_KEY"], environment: env, secrets: [hex])
        #expect(exported.stdout == key.address.checksummed + "\n")
        let bad = try run(["keys", "import", "--keys-dir", keys, "--private-key-env", "BAD", "--password-env", "PW"],
                          environment: ["BAD": "0x" + String(repeating: "zz", count: 32), "PW": Self.password])
        #expect(bad.status == 2 && bad.stderr.contains("the environment variable BAD does not hold a private key") && !bad.stderr.contains("zz"))
        let missing = try run(["keys", "import", "--keys-dir", keys, "--private-key-env", "NOT_SET_ANYWHERE", "--password-env", "PW"],
                              environment: ["PW": Self.password])
        #expect(missing.status == 2 && missing.stderr.contains("NOT_SET_ANYWHERE (--private-key-env) is not set"))
    }

    /// A wrong password stops a sending command before it connects anywhere, and is never echoed.
    @Test func wrongPassword() throws {
        defer { try? FileManager.default.removeItem(atPath: home) }
        let env = ["PW": Self.password, "WRONG": "not the password at all"]
        let created = try run(["keys", "new", "--keys-dir", keys, "--password-env", "PW", "--scrypt", "light", "--json"], environment: env)
        let address = created.json["address"] as? String ?? ""
        let run = try run(["generator", "stake", "--amount", "1", "--keys-dir", keys, "--password-env", "WRONG",
                           "--rpc", "http://127.0.0.1:9", "--registry", "0x0000000000000000000000000000000000000001", "--json"],
                          environment: env, secrets: ["not the password at all"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("wrong password for the keystore of \(address)"), "\(run.stderr)")
        #expect((run.json["error"] as? [String: Any])?["message"] as? String != nil)
    }

    @Test func selectionErrorsNameTheFix() throws {
        defer { try? FileManager.default.removeItem(atPath: home) }
        let none = try run(["keys", "export-address", "--keys-dir", keys])
        #expect(none.status == 1 && none.stderr.contains("there are no keys in \(keys); run 'kalypso-mirror keys new'"))
        let env = ["PW": Self.password]
        _ = try run(["keys", "new", "--keys-dir", keys, "--password-env", "PW", "--scrypt", "light"], environment: env)
        _ = try run(["keys", "new", "--keys-dir", keys, "--password-env", "PW", "--scrypt", "light"], environment: env)
        let two = try run(["keys", "export-address", "--keys-dir", keys])
        #expect(two.status == 1 && two.stderr.contains("holds 2 keys; choose one with --from ADDRESS"))
        let empty = try run(["keys", "new", "--keys-dir", keys, "--password-env", "EMPTY"], environment: ["EMPTY": ""])
        #expect(empty.status == 2 && empty.stderr.contains("the password is empty"))
        let help = try run(["keys", "--help"])
        #expect(help.status == 0 && help.stdout.contains("Secrets never go on the command line"))
        let genHelp = try run(["generator", "join-market", "--help"])
        #expect(genHelp.status == 0 && genHelp.stdout.contains("--enclave-signature HEX"))
    }
}
