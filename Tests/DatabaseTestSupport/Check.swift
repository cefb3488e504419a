import Database
import Foundation

/// A failed check of a shared backend scenario; thrown so the calling Swift Testing test fails with its text.
public struct CheckFailure: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Assertions that throw `CheckFailure`, for scenarios shared by the SQLite and PostgreSQL test targets.
public enum Check {
    /// Fails unless `actual == expected`.
    public static func equal<T: Equatable>(_ actual: T, _ expected: T, _ what: String) throws {
        guard actual == expected else { throw CheckFailure("\(what): got \(actual), expected \(expected)") }
    }

    /// Fails unless `condition`.
    public static func that(_ condition: Bool, _ what: String) throws {
        guard condition else { throw CheckFailure(what) }
    }

    /// Fails unless `body` throws a `DatabaseError` with `code`; returns it for further checks.
    @discardableResult
    public static func fails(with code: DatabaseError.Code, _ what: String, _ body: () throws -> Void) throws -> DatabaseError {
        do {
            try body()
        } catch let error as DatabaseError {
            guard error.code == code else { throw CheckFailure("\(what): expected a \(code) error, got \(error)") }
            return error
        }
        throw CheckFailure("\(what): expected a \(code) error, but it succeeded")
    }
}

/// A temporary directory removed by `remove()`.
public struct TemporaryDirectory: Sendable {
    public let path: String

    /// Creates a fresh directory under the system temp folder.
    public init(_ label: String) throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("kalypso-\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        path = url.path
    }

    /// A path inside the directory.
    public func file(_ name: String) -> String { path + "/" + name }

    /// Deletes the directory and its contents.
    public func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// The project's root folder (the one holding Package.swift), found from this source file.
public let projectRoot: URL = {
    var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    while url.path != "/" && !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
        url.deleteLastPathComponent()
    }
    return url
}()
