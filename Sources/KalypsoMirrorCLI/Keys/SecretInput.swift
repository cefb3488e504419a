import EthereumKit
import Foundation
import Operator
#if canImport(Glibc)
import Glibc
#endif

/// Passwords and private keys: read from a file, an environment variable or a terminal prompt without echo —
/// never from argv. Nothing read here is ever printed, logged or put into an error message.
enum SecretInput {
    /// Where a keystore password comes from (`--password-file F`, `--password-env VAR`, else a prompt).
    struct PasswordSource {
        var file: String?
        var environment: String?

        /// Removes `--password-file` and `--password-env` (after `--` + `prefix`, e.g. `--relayer-password-file`)
        /// from `arguments`.
        static func parse(_ arguments: inout Arguments, prefix: String = "") throws -> PasswordSource {
            let source = PasswordSource(file: try arguments.option("--\(prefix)password-file"), environment: try arguments.option("--\(prefix)password-env"))
            if source.file != nil && source.environment != nil {
                throw CLIError.usage("give either --\(prefix)password-file or --\(prefix)password-env, not both")
            }
            return source
        }

        /// The password. `confirm` asks twice at a prompt (for new keystores); `forWhat` names the key in the prompt.
        func read(forWhat: String, confirm: Bool = false) throws -> String {
            if let file {
                guard let data = FileManager.default.contents(atPath: file) else {
                    throw CLIError.usage("cannot read the password file \(file)")
                }
                // The first line, like geth's --password: a trailing newline is not part of the password.
                let text = String(decoding: data, as: UTF8.self)
                return String(text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
                    .trimmingCharacters(in: CharacterSet(charactersIn: "\r"))
            }
            if let environment {
                guard let value = ProcessInfo.processInfo.environment[environment] else {
                    throw CLIError.usage("the environment variable \(environment) (--password-env) is not set")
                }
                return value
            }
            let first = try SecretInput.prompt("Password for \(forWhat): ")
            if confirm {
                let second = try SecretInput.prompt("Repeat the password: ")
                guard first == second else { throw CLIError.usage("the two passwords differ; nothing was written") }
            }
            return first
        }
    }

    /// A private key from the environment variable `name` (hex, 0x optional). The error never echoes the value.
    static func privateKey(environment name: String) throws -> PrivateKey {
        guard let value = ProcessInfo.processInfo.environment[name] else {
            throw CLIError.usage("the environment variable \(name) (--private-key-env) is not set")
        }
        return try privateKey(text: value, source: "the environment variable \(name)")
    }

    /// Parses a private key; the message names only the source.
    static func privateKey(text: String, source: String) throws -> PrivateKey {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        do { return try PrivateKey(hex: trimmed) } catch {
            throw CLIError.usage("\(source) does not hold a private key (64 hex digits, optionally after 0x, in [1, n-1])")
        }
    }

    /// Reads one line from the terminal with echo off. Fails when there is no terminal (name the non-interactive
    /// options in the caller's message).
    static func prompt(_ text: String) throws -> String {
        let fd = open("/dev/tty", O_RDWR | O_NOCTTY)
        guard fd >= 0 else {
            throw CLIError.usage("no terminal to ask on; give the secret with --password-file FILE or --password-env VAR (keys: --private-key-env VAR)")
        }
        defer { close(fd) }
        var saved = termios()
        let isTerminal = tcgetattr(fd, &saved) == 0
        if isTerminal {
            var silent = saved
            silent.c_lflag &= ~tcflag_t(ECHO)
            silent.c_lflag |= tcflag_t(ICANON)
            _ = tcsetattr(fd, TCSAFLUSH, &silent)
        }
        defer {
            if isTerminal { _ = tcsetattr(fd, TCSAFLUSH, &saved) }
        }
        writeAll(fd, text)
        var line: [UInt8] = []
        defer { SecureRandom.wipe(&line) }
        var byte: UInt8 = 0
        while read(fd, &byte, 1) == 1 {
            if byte == UInt8(ascii: "\n") { break }
            line.append(byte)
        }
        writeAll(fd, "\n")
        if line.last == UInt8(ascii: "\r") { line.removeLast() }
        return String(decoding: line, as: UTF8.self)
    }

    /// Asks a yes/no question on the terminal (echo on); false without a terminal or on anything but y/yes.
    static func confirm(_ question: String) -> Bool {
        let fd = open("/dev/tty", O_RDWR | O_NOCTTY)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        writeAll(fd, question + " [y/N] ")
        var line: [UInt8] = []
        var byte: UInt8 = 0
        while read(fd, &byte, 1) == 1, byte != UInt8(ascii: "\n") { line.append(byte) }
        let answer = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespaces).lowercased()
        return answer == "y" || answer == "yes"
    }

    private static func writeAll(_ fd: Int32, _ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    }
}
