import FaultInjection
import Foundation
import Testing

/// The mirror commands' configuration handling, run as a process (no devnode: the integration tests cover syncing).
@Suite(.serialized) struct MirrorCommandTests {
    static let addresses = ["--generator-registry", "0x5ce3e1010028C4F5687356D721e3e2B6DcEA7C25",
                            "--proof-marketplace", "0x0b6340a893B944BDc3B4F012e934b724c83abF97",
                            "--entity-key-registry", "0x002064F4d224EA4F90e9A74B5fE3f3812886c6DF"]

    static func temporaryDatabase() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("kalypso-cli-\(UUID().uuidString.prefix(8)).sqlite").path
    }

    @Test func syncWithoutSettingsSaysWhatToGive() throws {
        let r = try CLIRunner.run(["sync", "--once", "--db", Self.temporaryDatabase()])
        #expect(r.status == 2)
        #expect(r.stderr.contains("--rpc-url"))
        #expect(r.stderr.contains("--network devnode"))
    }

    @Test func aMissingDevnodeInfoFileIsAUsageError() throws {
        let r = try CLIRunner.run(["sync", "--network", "devnode", "--devnode-info", "/nonexistent/info.json"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("make devnode"))
    }

    @Test func arbitrumSepoliaNeedsAStartBlockAndNeverPrintsTheKey() throws {
        let secret = "a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6"
        let r = try CLIRunner.run(["sync", "--network", "arbitrum-sepolia", "--rpc-url", "https://arb-sepolia.example/v2/\(secret)"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("--start-block"))
        #expect(!r.stderr.contains(secret) && !r.stdout.contains(secret))
    }

    @Test func aBadValueNamesItsFlag() throws {
        let r = try CLIRunner.run(["sync", "--rpc-url", "http://127.0.0.1:1", "--chain-id", "5", "--start-block", "1",
                                   "--confirmations", "lots"] + Self.addresses)
        #expect(r.status == 2)
        #expect(r.stderr.hasPrefix("error: --confirmations is 'lots'"))
    }

    @Test func anEnvironmentVariableIsNamedWhenItIsWrong() throws {
        let r = try CLIRunner.run(["sync", "--rpc-url", "http://127.0.0.1:1", "--chain-id", "5", "--start-block", "1"] + Self.addresses,
                                  environment: ["KALYPSO_MIRROR_REORG_WINDOW": "0"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("KALYPSO_MIRROR_REORG_WINDOW is '0'"))
    }

    /// A node on another chain refuses to start: the chain id is checked before anything is written.
    @Test func aNodeOnAnotherChainRefusesToStart() throws {
        let script = FaultScript()
        script.add(when: FaultScript.method("eth_chainId")) { request in .respond(.rpcResult(id: request.calls.first?.id ?? "1", #""0x1""#)) }
        let server = try FaultInjectionServer(script: script)
        defer { server.stop() }
        let db = Self.temporaryDatabase()
        let r = try CLIRunner.run(["sync", "--once", "--rpc-url", server.url, "--chain-id", "421614", "--start-block", "1", "--db", db] + Self.addresses)
        #expect(r.status == 2)
        #expect(r.stderr.contains("is on chain 1, but the configuration expects chain 421614"))
        #expect(!FileManager.default.fileExists(atPath: db))
    }

    @Test func statusOfAMissingDatabaseFails() throws {
        let r = try CLIRunner.run(["status", "--db", "/nonexistent/folder/mirror.sqlite"])
        #expect(r.status == 1)
        #expect(r.stderr.hasPrefix("error:"))
    }

    @Test(arguments: ["sync", "status", "generators", "markets", "verify"])
    func everyMirrorCommandHasHelp(command: String) throws {
        let r = try CLIRunner.run([command, "--help"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("Usage"))
        #expect(r.stdout.contains("--db PATH"))
    }
}

