import Foundation
import Testing

/// Every command and every subcommand that `--help` texts advertise answers `--help` itself: exit 0, a usage text on
/// standard output that names it, nothing on standard error. The lists come from the binary's own help, so a new
/// command or subcommand is covered without editing this test.
@Suite struct HelpCoverageTests {
    /// The names in the "Commands:" section of `kalypso-mirror --help`.
    static func commands() throws -> [String] {
        let help = try CLIRunner.run(["--help"])
        #expect(help.status == 0)
        guard let section = help.stdout.components(separatedBy: "Commands:\n").dropFirst().first else { return [] }
        return section.split(separator: "\n").compactMap { line in
            line.hasPrefix("  ") ? line.split(separator: " ").first.map(String.init) : nil
        }
    }

    /// Subcommands a command's help names: `kalypso-mirror CMD SUB …` usage lines, and for `<subcommand>` commands the
    /// two-space-indented lower-case words that start a line (options start with `-` and are not taken).
    static func subcommands(of command: String, help: String) -> [String] {
        var found: [String] = []
        for line in help.split(separator: "\n", omittingEmptySubsequences: true).map(String.init) {
            let words = line.split(separator: " ").map(String.init)
            if let i = words.firstIndex(of: "kalypso-mirror"), i + 2 < words.count, words[i + 1] == command,
               isSubcommandName(words[i + 2]) {
                found.append(words[i + 2])
            } else if help.contains("\(command) <subcommand>"), line.hasPrefix("  "), !line.hasPrefix("   "),
                      let word = words.first, isSubcommandName(word) {
                found.append(word)
            }
        }
        var seen = Set<String>()
        return found.filter { seen.insert($0).inserted }
    }

    static func isSubcommandName(_ word: String) -> Bool {
        guard let first = word.unicodeScalars.first, ("a"..."z").contains(first) else { return false }
        return word.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }

    @Test func everyCommandAndSubcommandHasHelp() throws {
        let commands = try Self.commands()
        // The issues' commands are all advertised (the list may grow, never lose one of these).
        for required in ["keccak", "sig", "tx", "abi", "address", "keys", "generator", "sync", "status", "generators", "markets", "verify"] {
            #expect(commands.contains(required), "kalypso-mirror --help does not list \(required)")
        }
        var checked = 0
        for command in commands {
            let help = try CLIRunner.run([command, "--help"])
            #expect(help.status == 0, "\(command) --help exited \(help.status): \(help.stderr)")
            #expect(help.stdout.hasPrefix("Usage"), "\(command) --help does not start with a usage line")
            #expect(help.stderr.isEmpty, "\(command) --help wrote to stderr: \(help.stderr)")
            for sub in Self.subcommands(of: command, help: help.stdout) {
                let subHelp = try CLIRunner.run([command, sub, "--help"])
                #expect(subHelp.status == 0, "\(command) \(sub) --help exited \(subHelp.status): \(subHelp.stderr)")
                #expect(subHelp.stdout.hasPrefix("Usage") && subHelp.stdout.contains("\(command) \(sub)"),
                        "\(command) \(sub) --help does not print its usage")
                #expect(subHelp.stderr.isEmpty, "\(command) \(sub) --help wrote to stderr: \(subHelp.stderr)")
                checked += 1
            }
        }
        // The generator operator's transactions (issue 5) are among the subcommands found and checked.
        let generatorHelp = try CLIRunner.run(["generator", "--help"]).stdout
        let generatorSubs = Self.subcommands(of: "generator", help: generatorHelp)
        for sub in ["register", "stake", "intend-reduce-stake", "unstake", "increase-compute", "intend-reduce-compute",
                    "decrease-compute", "change-reward-address", "join-market", "request-exit", "leave-market",
                    "update-key", "remove-key", "deregister", "plan"] {
            #expect(generatorSubs.contains(sub), "generator --help does not list \(sub)")
        }
        #expect(checked >= generatorSubs.count + 4)
    }

    @Test func unknownCommandsAndSubcommandsAreUsageErrors() throws {
        let unknown = try CLIRunner.run(["no-such-command"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("no-such-command") && unknown.stderr.contains("--help"))
        for command in ["generator", "keys", "generators", "markets", "abi"] {
            let result = try CLIRunner.run([command, "no-such-subcommand"])
            #expect(result.status == 2, "\(command) no-such-subcommand exited \(result.status)")
            #expect(result.stderr.contains("no-such-subcommand"), "\(command): the error does not name the word: \(result.stderr)")
        }
    }
}
