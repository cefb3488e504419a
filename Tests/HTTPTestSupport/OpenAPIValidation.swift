import Foundation
import Synchronization

/// Responses seen by a test, in the form `Tests/APITests/validate_openapi.py` reads.
public final class ResponseRecorder: Sendable {
    private let records = Mutex<[[String: Any & Sendable]]>([])

    public init() {}

    /// Records one answered request.
    public func record(method: String, target: String, _ r: RawResponse) {
        let entry: [String: Any & Sendable] = ["method": method, "target": target, "status": r.status,
                                               "contentType": r.header("Content-Type") ?? "", "body": r.text]
        records.withLock { $0.append(entry) }
    }

    /// How many responses were recorded.
    public var count: Int { records.withLock { $0.count } }

    /// Writes the records as a JSON array.
    public func write(to path: String) throws {
        let list = records.withLock { $0 }
        try JSONSerialization.data(withJSONObject: list).write(to: URL(fileURLWithPath: path))
    }
}

/// Runs `Tests/APITests/validate_openapi.py` (openapi-spec-validator + jsonschema in the project venv, installed by
/// `make api-venv`) on a server's `/openapi.json` and recorded responses.
public enum OpenAPIValidation {
    /// The directory holding `Package.swift`.
    public static let projectRoot: URL = {
        var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while url.path != "/" && !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
            url.deleteLastPathComponent()
        }
        return url
    }()

    public static let python = projectRoot.appendingPathComponent(".venv/bin/python").path
    public static let script = projectRoot.appendingPathComponent("Tests/APITests/validate_openapi.py").path

    /// Validates the responses (a JSON array file in the recorder's form) against the document (a file); returns the
    /// script's exit code (0 valid, 1 failures, 2 validators missing) and its output.
    public static func run(document: String, responses: String) throws -> (code: Int32, output: String) {
        try run(python, [script, document, responses])
    }

    /// Fetches `/openapi.json` from `port`, writes it and `recorder`'s responses into `directory`, and validates.
    public static func validate(port: UInt16, recorder: ResponseRecorder, directory: String) throws -> (code: Int32, output: String) {
        let document = directory + "/openapi.json", responses = directory + "/responses.json"
        try Data(try fetch(port, "/openapi.json").body).write(to: URL(fileURLWithPath: document))
        try recorder.write(to: responses)
        return try run(document: document, responses: responses)
    }

    /// Runs a program to completion; returns its exit code and standard output + error.
    static func run(_ program: String, _ arguments: [String]) throws -> (Int32, String) {
        guard FileManager.default.isExecutableFile(atPath: program) else {
            return (2, "\(program) is missing: run `make api-venv` (creates .venv with Tests/APITests/requirements.txt)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
