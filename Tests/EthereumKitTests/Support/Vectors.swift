import Foundation

/// Access to the shared conformance vectors in `../shared/vectors` (relative to the project root).
enum Vectors {
    /// The directory holding `Package.swift`.
    static let projectRoot: URL = {
        var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while url.path != "/" && !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
            url.deleteLastPathComponent()
        }
        return url
    }()

    /// `../shared/vectors`.
    static let root: URL = projectRoot.appendingPathComponent("../shared/vectors").standardizedFileURL

    /// The parsed JSON of a vector file, by its path under `vectors/`.
    static func json(_ path: String) throws -> Any {
        let data = try Data(contentsOf: root.appendingPathComponent(path))
        return try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
    }

    /// The text of a vector file.
    static func text(_ path: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }

    /// Prints how many cases of a vector file passed, so the test log names every file exercised.
    static func report(_ path: String, passed: Int, of total: Int, note: String = "") {
        print("vectors: \(path): \(passed)/\(total) cases passed\(note.isEmpty ? "" : " (\(note))")")
    }
}
