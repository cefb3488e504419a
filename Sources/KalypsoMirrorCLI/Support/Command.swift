import Foundation

/// One `kalypso-mirror` subcommand (or a group of them, such as `abi encode|decode|event`).
///
/// Each command lives in its own file and is listed once in `CommandRegistry.all`.
protocol CLICommand: Sendable {
    /// The word after `kalypso-mirror`, for example `keccak`.
    static var name: String { get }
    /// One line for the command list.
    static var summary: String { get }
    /// The full `--help` text.
    static var help: String { get }
    /// Whether the command prints its own (sub-command) help for `--help`; default false (see main.swift).
    /// A protocol requirement, so a command's own `true` is seen through `any CLICommand.Type`.
    static var handlesOwnHelp: Bool { get }
    /// Runs the command; returns the process exit code. Throw `CLIError` for clean failures.
    static func run(_ arguments: inout Arguments) async throws -> Int32
}

/// A failure the CLI reports as one line on standard error, with an exit code.
struct CLIError: Error, CustomStringConvertible {
    /// 2 for usage and input errors, 1 for failures at run time.
    let exitCode: Int32
    /// What went wrong, where, and what to do.
    let message: String

    /// A usage or input error (exit code 2).
    static func usage(_ message: String) -> CLIError { CLIError(exitCode: 2, message: message) }
    /// A run-time failure (exit code 1).
    static func failure(_ message: String) -> CLIError { CLIError(exitCode: 1, message: message) }

    var description: String { message }
}

/// Writes to standard output and standard error.
enum Console {
    /// Prints a line to standard output.
    static func out(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    /// Prints a line to standard error.
    static func err(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// Whether standard error is a terminal (for progress lines).
    static var stderrIsTerminal: Bool { isatty(2) == 1 }
}
