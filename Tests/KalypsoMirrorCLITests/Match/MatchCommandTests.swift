import Foundation
import Testing

/// `kalypso-mirror match` through the binary: help and usage errors (no database, no node). The rounds themselves
/// run against the devnode in MirrorIntegrationTests (MatchingEndToEndTests).
@Suite struct MatchCommandTests {
    @Test func helpNamesTheModesAndThePrivateAskReason() throws {
        let r = try CLIRunner.run(["match", "--help"])
        #expect(r.status == 0)
        for word in ["--relay", "--explain ASK", "--once", "--relayer-private-key-env", "privateAclReencryptionNotImplemented", "aclReencryptorUnavailable", "new_acl", "--fee-cap"] {
            #expect(r.stdout.contains(word), "help lacks \(word)")
        }
        let sync = try CLIRunner.run(["sync", "--help"])
        #expect(sync.stdout.contains("--match"))
    }

    /// Usage errors exit 2 with a message saying what to give; keys are never taken from the command line.
    @Test(arguments: [
        (["--relay"], "needs the matching-engine key"),
        (["--max-batch-size", "0"], "must be from 1 to 64"),
        (["--max-batch-size", "65"], "must be from 1 to 64"),
        (["--explain", "x"], "is not a non-negative integer"),
        (["--gas-margin", "ten"], "must be a percentage"),
        (["--private-key-env", "A", "--keystore", "f.json"], "not both"),
        (["--assign-direct", "--relayer-private-key-env", "B"], "drop the --relayer-"),
    ])
    func usageErrorsExitWithTwo(arguments: [String], message: String) throws {
        let r = try CLIRunner.run(["match"] + arguments + ["--db", "/nonexistent/match.sqlite"])
        #expect(r.status == 2, "\(arguments): \(r.stderr)")
        #expect(r.stderr.contains(message), "\(arguments): \(r.stderr)")
    }

    /// A database that does not exist: exit 1, and the message says to run `sync` first.
    @Test func missingDatabaseSaysToSyncFirst() throws {
        let r = try CLIRunner.run(["match", "--once", "--db", "/nonexistent/match.sqlite"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("kalypso-mirror sync"))
    }
}
