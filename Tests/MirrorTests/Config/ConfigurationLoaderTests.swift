import Database
import EthereumKit
import Foundation
import JSONRPC
@testable import Mirror
import Testing

@Suite struct ConfigurationLoaderTests {
    static let gr = "0x5ce3e1010028C4F5687356D721e3e2B6DcEA7C25"
    static let pmp = "0x0b6340a893B944BDc3B4F012e934b724c83abF97"
    static let er = "0x002064F4d224EA4F90e9A74B5fE3f3812886c6DF"

    static let devnodeInfo = """
    {"schema":"kalypso-devnode-info/1","rpcUrl":"http://127.0.0.1:40001","chainId":31337,"deploymentBlock":1,
     "contracts":{"generatorRegistry":"0xA7a2fD4c197c609bA7Fe0C8975911D3a39C0fC90","proofMarketplace":"0x1F0242e7d587aEA5dAcd226a7C1169A53e2d0095",
     "entityKeyRegistry":"0x3661E0BD82313628fcb225F2Ec3402FCC83710A9","deploymentBlock":31}}
    """

    /// A loader over in-memory files.
    static func loader(flags: [ConfigKey: [String]] = [:], env: [String: String] = [:], files: [String: String] = [:]) -> ConfigurationLoader {
        ConfigurationLoader(flags: ConfigurationLayer(origin: .flags, values: flags), environment: env) { path in
            guard let text = files[path] else { throw ConfigurationError(.unreadableFile, "no file \(path)") }
            return Array(text.utf8)
        }
    }

    static func fullFlags() -> [ConfigKey: [String]] {
        [.rpcURL: ["https://rpc.example/v3/0123456789abcdef0123"], .chainId: ["421614"], .generatorRegistry: [gr],
         .proofMarketplace: [pmp], .entityKeyRegistry: [er], .startBlock: ["100"]]
    }

    @Test func flagsAloneGiveACompleteConfigurationWithDefaults() throws {
        let config = try Self.loader(flags: Self.fullFlags()).load(.chain)
        let chain = try #require(config.chain)
        #expect(chain.deployment.chainId == 421614)
        #expect(chain.deployment.generatorRegistry == (try Address(Self.gr)))
        #expect(chain.deployment.startBlock == 100)
        #expect(chain.confirmations == 2)
        #expect(chain.reorgWindow == 64)
        #expect(chain.pollInterval == .seconds(2))
        #expect(chain.getLogsRange == 2000 && chain.getLogsMaxRange == 50_000)
        #expect(chain.requestsPerSecond == nil)
        #expect(config.database == .sqlite(path: "kalypso-mirror.sqlite"))
        #expect(config.logFormat == .logfmt && config.logLevel == .info)
    }

    @Test func flagsWinOverEnvironmentWhichWinsOverTheFile() throws {
        var flags = Self.fullFlags()
        flags[.confirmations] = ["7"]
        flags[.config] = ["mirror.json"]
        let env = ["KALYPSO_MIRROR_CONFIRMATIONS": "5", "KALYPSO_MIRROR_REORG_WINDOW": "32"]
        let file = #"{"confirmations": 3, "reorgWindow": 16, "pollInterval": "500ms", "db": "from-file.sqlite"}"#
        let config = try Self.loader(flags: flags, env: env, files: ["mirror.json": file]).load(.chain)
        let chain = try #require(config.chain)
        #expect(chain.confirmations == 7)                    // flag
        #expect(chain.reorgWindow == 32)                     // environment
        #expect(chain.pollInterval == .milliseconds(500))    // file
        #expect(config.database == .sqlite(path: "from-file.sqlite"))
    }

    @Test func theConfigFileCanBeNamedByTheEnvironment() throws {
        let file = #"{"rpcUrls": ["http://a:1", "http://b:2"], "chainId": "421614", "generatorRegistry": "\#(Self.gr)", "proofMarketplace": "\#(Self.pmp)", "entityKeyRegistry": "\#(Self.er)", "startBlock": 5}"#
        let config = try Self.loader(env: ["KALYPSO_MIRROR_CONFIG": "/etc/m.json"], files: ["/etc/m.json": file]).load(.chain)
        #expect(config.chain?.rpcURLs.map(\.unredacted) == ["http://a:1", "http://b:2"])
    }

    @Test func severalRPCURLsFromRepeatedFlagsOrACommaSeparatedVariable() throws {
        var flags = Self.fullFlags()
        flags[.rpcURL] = ["http://one:1", "http://two:2"]
        #expect(try Self.loader(flags: flags).load(.chain).chain?.rpcURLs.count == 2)
        flags[.rpcURL] = nil
        let env = ["KALYPSO_MIRROR_RPC_URL": "http://one:1, http://two:2,http://three:3"]
        #expect(try Self.loader(flags: flags, env: env).load(.chain).chain?.rpcURLs.map(\.unredacted) == ["http://one:1", "http://two:2", "http://three:3"])
    }

    @Test func theDevnodePresetReadsTheInfoFile() throws {
        let config = try Self.loader(flags: [.network: ["devnode"]], files: [".devnode/info.json": Self.devnodeInfo]).load(.chain)
        let chain = try #require(config.chain)
        #expect(chain.network == "devnode")
        #expect(chain.rpcURLs.map(\.unredacted) == ["http://127.0.0.1:40001"])
        #expect(chain.deployment.chainId == 31337)
        #expect(chain.deployment.startBlock == 31)  // contracts.deploymentBlock, not the whole deployment's block 1
        #expect(chain.deployment.entityKeyRegistry == (try Address("0x3661E0BD82313628fcb225F2Ec3402FCC83710A9")))
        #expect(chain.confirmations == 0)
        #expect(chain.pollInterval == .milliseconds(250))
    }

    @Test func theDevnodePresetTakesAnotherInfoPathAndFlagsOverrideIt() throws {
        let flags: [ConfigKey: [String]] = [.network: ["devnode"], .devnodeInfo: ["/tmp/x/info.json"],
                                            .rpcURL: ["http://127.0.0.1:9999"], .confirmations: ["1"]]
        let config = try Self.loader(flags: flags, files: ["/tmp/x/info.json": Self.devnodeInfo]).load(.chain)
        #expect(config.chain?.rpcURLs.map(\.unredacted) == ["http://127.0.0.1:9999"])  // e.g. a proxy in front of it
        #expect(config.chain?.confirmations == 1)
    }

    @Test func aMissingDevnodeInfoFileSaysHowToGetOne() {
        let error = #expect(throws: ConfigurationError.self) { try Self.loader(flags: [.network: ["devnode"]]).load(.chain) }
        #expect(error?.code == .unreadableFile)
        #expect(error?.message.contains("make devnode") == true)
        #expect(error?.message.contains("--devnode-info") == true)
    }

    @Test func aFileThatIsNotADevnodeInfoFileIsRejected() {
        let error = #expect(throws: ConfigurationError.self) {
            try Self.loader(flags: [.network: ["devnode"]], files: [".devnode/info.json": #"{"schema":"other"}"#]).load(.chain)
        }
        #expect(error?.message.contains("kalypso-devnode-info/1") == true)
    }

    @Test func arbitrumSepoliaHasTheSpecAddressesAndRequiresAStartBlock() throws {
        let error = #expect(throws: ConfigurationError.self) {
            try Self.loader(flags: [.network: ["arbitrum-sepolia"], .rpcURL: ["https://arb-sepolia.example/rpc"]]).load(.chain)
        }
        #expect(error?.code == .missing)
        #expect(error?.message.contains("--start-block") == true)
        #expect(error?.message.contains("0xa98a1bd6") == true)
        let config = try Self.loader(flags: [.network: ["arbitrum-sepolia"], .rpcURL: ["https://arb-sepolia.example/rpc"],
                                             .startBlock: ["80000000"]]).load(.chain)
        let d = try #require(config.chain?.deployment)
        #expect(d.chainId == 421614)
        #expect(d.generatorRegistry == (try Address(Self.gr)))
        #expect(d.proofMarketplace == (try Address(Self.pmp)))
        #expect(d.entityKeyRegistry == (try Address(Self.er)))
        #expect(config.chain?.confirmations == 2)
    }

    @Test func contradictingAPresetsChainIdIsAnError() {
        let error = #expect(throws: ConfigurationError.self) {
            try Self.loader(flags: [.network: ["arbitrum-sepolia"], .chainId: ["1"], .startBlock: ["1"]]).load(.chain)
        }
        #expect(error?.code == .conflict)
        #expect(error?.message.contains("--chain-id") == true)
    }

    @Test(arguments: [
        (ConfigKey.confirmations, "many", "--confirmations"),
        (ConfigKey.reorgWindow, "0", "--reorg-window"),
        (ConfigKey.pollInterval, "soon", "--poll-interval"),
        (ConfigKey.getLogsRange, "-5", "--getlogs-range"),
        (ConfigKey.rateLimit, "0", "--rate-limit"),
        (ConfigKey.rpcTimeout, "1ms", "--rpc-timeout"),
        (ConfigKey.chainId, "main", "--chain-id"),
        (ConfigKey.generatorRegistry, "0x1234", "--generator-registry"),
        (ConfigKey.logFormat, "xml", "--log-format"),
        (ConfigKey.logLevel, "loud", "--log-level"),
        (ConfigKey.network, "mainnet", "--network"),
    ])
    func aBadValueNamesTheFieldAndTheExpectedForm(key: ConfigKey, value: String, named: String) {
        var flags = Self.fullFlags()
        flags[key] = [value]
        let error = #expect(throws: ConfigurationError.self) { try Self.loader(flags: flags).load(.chain) }
        #expect(error?.code == .invalidValue)
        #expect(error?.message.hasPrefix(named) == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("expected") == true)
    }

    @Test func aBadValueFromTheEnvironmentOrTheFileNamesThatSource() {
        let envError = #expect(throws: ConfigurationError.self) {
            try Self.loader(flags: Self.fullFlags(), env: ["KALYPSO_MIRROR_CONFIRMATIONS": "x"]).load(.chain)
        }
        #expect(envError?.message.hasPrefix("KALYPSO_MIRROR_CONFIRMATIONS") == true)
        var flags = Self.fullFlags()
        flags[.config] = ["c.json"]
        let fileError = #expect(throws: ConfigurationError.self) {
            try Self.loader(flags: flags, files: ["c.json": #"{"reorgWindow": "wide"}"#]).load(.chain)
        }
        #expect(fileError?.message.hasPrefix("\"reorgWindow\" in c.json") == true)
    }

    @Test func anUnknownFileFieldIsAnErrorListingTheKnownOnes() {
        var flags = Self.fullFlags()
        flags[.config] = ["c.json"]
        let error = #expect(throws: ConfigurationError.self) {
            try Self.loader(flags: flags, files: ["c.json": #"{"confirmation": 3}"#]).load(.chain)
        }
        #expect(error?.code == .unknownField)
        #expect(error?.message.contains("\"confirmation\"") == true)
        #expect(error?.message.contains("confirmations") == true)
    }

    @Test func aMissingEndpointOrAddressSaysWhatToGive() {
        var flags = Self.fullFlags()
        flags[.rpcURL] = nil
        let noURL = #expect(throws: ConfigurationError.self) { try Self.loader(flags: flags).load(.chain) }
        #expect(noURL?.code == .missing)
        #expect(noURL?.message.contains("--rpc-url") == true)
        flags = Self.fullFlags()
        flags[.proofMarketplace] = nil
        let noAddress = #expect(throws: ConfigurationError.self) { try Self.loader(flags: flags).load(.chain) }
        #expect(noAddress?.message.hasPrefix("--proof-marketplace is not set") == true)
    }

    @Test func secretsInRPCURLsNeverReachAnErrorOrTheSummary() throws {
        var flags = Self.fullFlags()
        let secret = "sk_live_0123456789abcdefABCDEF"
        flags[.rpcURL] = ["wss://arb.example/v2/\(secret)"]
        let error = #expect(throws: ConfigurationError.self) { try Self.loader(flags: flags).load(.chain) }
        #expect(error?.message.contains(secret) == false)
        #expect(error?.message.contains("***") == true)
        flags[.rpcURL] = ["https://arb.example/v2/\(secret)?key=\(secret)"]
        let config = try Self.loader(flags: flags).load(.chain)
        let summary = config.summary.map { "\($0.0)=\($0.1)" }.joined(separator: " ")
        #expect(!summary.contains(secret))
        #expect(summary.contains("arb.example"))
    }

    @Test func theDatabaseOnlyScopeIgnoresChainSettings() throws {
        let config = try Self.loader(flags: [.database: ["x.sqlite"], .confirmations: ["bad"]]).load(.databaseOnly)
        #expect(config.chain == nil)
        #expect(config.database == .sqlite(path: "x.sqlite"))
        let bad = #expect(throws: ConfigurationError.self) { try Self.loader(flags: [.database: ["ftp://x"]]).load(.databaseOnly) }
        #expect(bad?.message.hasPrefix("--db") == true)
    }

    @Test func theInitialRangeMayNotExceedTheMaximum() {
        var flags = Self.fullFlags()
        flags[.getLogsRange] = ["5000"]
        flags[.getLogsMaxRange] = ["100"]
        let error = #expect(throws: ConfigurationError.self) { try Self.loader(flags: flags).load(.chain) }
        #expect(error?.code == .conflict)
    }

    @Test func durations() {
        #expect(DurationText.parse("2s") == .seconds(2))
        #expect(DurationText.parse("250ms") == .milliseconds(250))
        #expect(DurationText.parse("1.5") == .milliseconds(1500))
        #expect(DurationText.parse("1m") == .seconds(60))
        #expect(DurationText.parse("-1s") == nil)
        #expect(DurationText.parse("abc") == nil)
        #expect(DurationText.format(.milliseconds(250)) == "250ms")
        #expect(DurationText.format(.seconds(2)) == "2s")
        #expect(DurationText.format(.milliseconds(1500)) == "1.5s")
    }

    @Test func everySettingHasDistinctNamesInEverySource() {
        let flags = ConfigKey.allCases.map(\.flag)
        let envs = ConfigKey.allCases.map(\.environmentVariable)
        let fields = ConfigKey.allCases.compactMap(\.fileField)
        #expect(Set(flags).count == flags.count)
        #expect(Set(envs).count == envs.count)
        #expect(Set(fields).count == fields.count)
        #expect(ConfigKey.markdownTable.contains("`--rpc-url URL` | `KALYPSO_MIRROR_RPC_URL` | `rpcUrls`"))
    }
}
