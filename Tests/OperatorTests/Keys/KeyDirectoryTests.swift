import EthereumKit
import Foundation
import Operator
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite struct KeyDirectoryTests {
    static func temporaryDirectory() -> String {
        let path = NSTemporaryDirectory() + "operator-keys-\(UUID().uuidString)"
        return path + "/nested/keys"
    }

    static func mode(_ path: String) -> UInt32 {
        var info = stat()
        _ = stat(path, &info)
        return UInt32(info.st_mode & 0o777)
    }

    @Test func storeListFindAndUnlock() throws {
        let dir = KeyDirectory(path: Self.temporaryDirectory())
        defer { try? FileManager.default.removeItem(atPath: (dir.path as NSString).deletingLastPathComponent) }
        #expect(try dir.list().isEmpty)
        #expect { try dir.only() } throws: { ($0 as? OperatorError)?.message.contains("there are no keys") == true }
        let key = try PrivateKey.generate()
        let file = try dir.store(try Keystore.encrypt(key, password: "pw", parameters: .light))
        #expect(Self.mode(dir.path) == 0o700)
        #expect(Self.mode(file.path) == 0o600)
        #expect(file.path.contains("UTC--") && file.path.hasSuffix(Hex.encode(key.address.bytes, prefix: false)))
        #expect(try dir.list() == [file])
        #expect(try dir.find(key.address) == file)
        #expect(try dir.only() == file)
        #expect(try file.unlock(password: "pw") == key)
        #expect { try file.unlock(password: "wrong") } throws: { error in
            guard let e = error as? OperatorError else { return false }
            return e.code == .keystore && e.message.contains("wrong password") && !e.message.contains("\"wrong\"")
        }
        // A second file for the same address is refused; a second key makes `only` ask for --from.
        #expect { try dir.store(try Keystore.encrypt(key, password: "x", parameters: .light)) } throws: {
            ($0 as? OperatorError)?.message.contains("already holds a key") == true
        }
        _ = try dir.store(try Keystore.encrypt(try PrivateKey.generate(), password: "pw", parameters: .light))
        #expect { try dir.only() } throws: { ($0 as? OperatorError)?.message.contains("choose one with --from") == true }
        #expect { try dir.find(Address(hi: 0, mid: 0, lo: 1)) } throws: { ($0 as? OperatorError)?.message.contains("keys list") == true }
    }

    @Test func warnsAboutAnOpenDirectoryAndSkipsStrayFiles() throws {
        let dir = KeyDirectory(path: Self.temporaryDirectory())
        defer { try? FileManager.default.removeItem(atPath: (dir.path as NSString).deletingLastPathComponent) }
        try dir.ensureExists()
        #expect(try dir.ensureExists() == nil)
        chmod(dir.path, 0o755)
        #expect(try dir.ensureExists()?.contains("chmod 700") == true)
        try "not a keystore".write(toFile: dir.path + "/README", atomically: true, encoding: .utf8)
        #expect(try dir.list().isEmpty)
    }
}

extension KeyDirectoryTests {
    @Test func tildeAndTheDefaultFollowHOME() {
        let home = ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()
        #expect(KeyDirectory(path: "~/k").path == home + "/k")
        #expect(KeyDirectory.defaultPath == home + "/.kalypso-mirror/keys")
        #expect(KeyDirectory(path: "/abs/~x").path == "/abs/~x")
    }
}
