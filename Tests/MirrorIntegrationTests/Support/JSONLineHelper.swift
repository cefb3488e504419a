import Foundation

/// A long-running Python helper driven one JSON command per line on stdin, answering one JSON object per line on
/// stdout (`{"ready": true}` first; `{"error": "…"}` for a failed command). `ChainOps` and `ActivityDriver` wrap one.
final class JSONLineHelper: @unchecked Sendable {
    private let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    private let name: String

    /// Starts `python arguments…` from the project root with the venv's environment and waits for `ready`.
    init(name: String, pythonArguments: [String]) async throws {
        self.name = name
        let arguments = Project.unblockedPython(pythonArguments)
        process.executableURL = URL(fileURLWithPath: arguments[0])
        process.arguments = Array(arguments.dropFirst())
        process.environment = Project.pythonEnvironment
        process.currentDirectoryURL = Project.root
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        let ready = try await answer()
        guard ready["ready"] as? Bool == true else { throw DevnodeError("\(name) did not start: \(ready)") }
    }

    private func answer() async throws -> [String: Any] {
        let line = try await Devnode.firstLine(output.fileHandleForReading)
        guard let json = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
            throw DevnodeError("\(name) answered \(line.prefix(200))")
        }
        if let error = json["error"] as? String { throw DevnodeError("\(name): \(error)") }
        return json
    }

    /// Sends one command and returns its answer.
    @discardableResult
    func send(_ command: [String: Any]) async throws -> [String: Any] {
        input.fileHandleForWriting.write(try JSONSerialization.data(withJSONObject: command) + Data("\n".utf8))
        return try await answer()
    }

    /// Closes stdin (the helper exits at end of input) and waits for the process to end.
    func stop() async {
        try? input.fileHandleForWriting.close()
        while process.isRunning { try? await Task.sleep(for: .milliseconds(20)) }
    }
}
