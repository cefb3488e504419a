import EthereumKit
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A keystore file in a key directory.
public struct KeyFile: Sendable, Hashable {
    /// The key's address (from the file's `address` field).
    public var address: Address
    /// The file's path.
    public var path: String

    /// Creates a key-file reference.
    public init(address: Address, path: String) {
        self.address = address
        self.path = path
    }

    /// Reads and parses the keystore (no password needed).
    public func load() throws(OperatorError) -> Keystore {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw OperatorError(.keystore, "cannot read the keystore file \(path)")
        }
        do { return try Keystore(json: Array(data)) } catch {
            throw OperatorError(.keystore, "\(path) is not a usable keystore: \(error)")
        }
    }

    /// Decrypts the key; a wrong password is a clear error (the password never appears in it).
    public func unlock(password: String) throws(OperatorError) -> PrivateKey {
        let keystore = try load()
        do { return try keystore.decryptPrivateKey(password: password) } catch let e as KeystoreError where e.code == .wrongPassword {
            throw OperatorError(.keystore, "wrong password for the keystore of \(address.checksummed) (\(path))")
        } catch {
            throw OperatorError(.keystore, "cannot decrypt \(path): \(error)")
        }
    }
}

/// A directory of Web3 Secret Storage (v3) keystore files, one key per file, named as geth names them
/// (`UTC--<time>--<address>`). The directory is created with mode 0700 and every file with 0600.
public struct KeyDirectory: Sendable {
    /// The directory.
    public let path: String

    /// A key directory at `path` (a leading `~` is the home directory, `$HOME` first).
    public init(path: String) {
        if path == "~" || path.hasPrefix("~/") {
            self.path = Self.home + path.dropFirst()
        } else {
            self.path = path
        }
    }

    /// `$HOME/.kalypso-mirror/keys`.
    public static var defaultPath: String { home + "/.kalypso-mirror/keys" }

    private static var home: String {
        if let h = ProcessInfo.processInfo.environment["HOME"], !h.isEmpty { return h }
        return NSHomeDirectory()
    }

    /// Creates the directory (and parents) with mode 0700 if missing. Returns a warning when an existing directory
    /// is readable by others.
    @discardableResult
    public func ensureExists() throws(OperatorError) -> String? {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw OperatorError(.keystore, "\(path) exists and is not a directory; choose another --keys-dir") }
            var info = stat()
            if stat(path, &info) == 0, info.st_mode & 0o077 != 0 {
                return "the key directory \(path) is accessible by other users (mode \(String(info.st_mode & 0o777, radix: 8))); run 'chmod 700 \(path)'"
            }
            return nil
        }
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw OperatorError(.keystore, "cannot create the key directory \(path): \(error.localizedDescription)")
        }
        _ = chmod(path, 0o700)
        return nil
    }

    /// The keystore files in the directory, sorted by file name; files that are not keystores with an address are
    /// skipped.
    public func list() throws(OperatorError) -> [KeyFile] {
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: path) } catch {
            throw OperatorError(.keystore, "cannot list the key directory \(path): \(error.localizedDescription)")
        }
        var files: [KeyFile] = []
        for name in names.sorted() where !name.hasPrefix(".") {
            let full = (path as NSString).appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: full), let keystore = try? Keystore(json: Array(data)),
                  let address = keystore.address else { continue }
            files.append(KeyFile(address: address, path: full))
        }
        return files
    }

    /// The key file of `address`.
    public func find(_ address: Address) throws(OperatorError) -> KeyFile {
        let all = try list()
        guard let file = all.first(where: { $0.address == address }) else {
            throw OperatorError(.keystore, "no key for \(address.checksummed) in \(path)" + (all.isEmpty ? " (the directory has no keys; run 'kalypso-mirror keys new' or 'keys import')" : "; 'kalypso-mirror keys list' shows the \(all.count) key(s) there"))
        }
        return file
    }

    /// The directory's only key; an error naming `--from` when there are none or several.
    public func only() throws(OperatorError) -> KeyFile {
        let all = try list()
        switch all.count {
        case 1: return all[0]
        case 0: throw OperatorError(.keystore, "there are no keys in \(path); run 'kalypso-mirror keys new' or 'keys import', or pass --private-key-env VAR")
        default: throw OperatorError(.keystore, "\(path) holds \(all.count) keys; choose one with --from ADDRESS ('kalypso-mirror keys list' shows them)")
        }
    }

    /// Writes `keystore` as a new file (mode 0600, never overwriting); refuses a second file for the same address.
    public func store(_ keystore: Keystore, date: Date = Date()) throws(OperatorError) -> KeyFile {
        guard let address = keystore.address else { throw OperatorError(.keystore, "the keystore has no address") }
        try ensureExists()
        if let existing = try list().first(where: { $0.address == address }) {
            throw OperatorError(.keystore, "\(path) already holds a key for \(address.checksummed) (\(existing.path))")
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd'T'HH-mm-ss.SSS'000000Z'"
        let name = "UTC--\(formatter.string(from: date))--\(Hex.encode(address.bytes, prefix: false))"
        let full = (path as NSString).appendingPathComponent(name)
        let bytes = Array(keystore.json.utf8)
        let fd = open(full, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else {
            throw OperatorError(.keystore, "cannot create \(full): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var written = 0
        while written < bytes.count {
            let n = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard n > 0 else {
                unlink(full)
                throw OperatorError(.keystore, "cannot write \(full): \(String(cString: strerror(errno)))")
            }
            written += n
        }
        guard fsync(fd) == 0 else { throw OperatorError(.keystore, "cannot sync \(full) to disk") }
        return KeyFile(address: address, path: full)
    }
}
