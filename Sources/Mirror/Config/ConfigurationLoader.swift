import Database
import EthereumKit
import Foundation
import JSONRPC
import Telemetry

/// Builds a `MirrorConfiguration` from flags, environment variables, a JSON config file and a network preset.
///
/// Precedence per setting: flag > environment > config file > preset > default. Every value is validated once,
/// and an error names the field as the user wrote it and says what a valid value looks like.
public struct ConfigurationLoader: Sendable {
    /// What the command needs.
    public enum Scope: Sendable {
        /// Database and logging only (`status`, `generators`, `markets`): chain settings are ignored.
        case databaseOnly
        /// Everything, including endpoints and the deployment (`sync`, `verify`).
        case chain
    }

    /// Command-line flag values.
    public var flags: ConfigurationLayer
    /// The process environment.
    public var environment: [String: String]
    /// Reads a file (config file, devnode info); injectable for tests.
    public var readFile: @Sendable (String) throws -> [UInt8]

    /// Creates a loader.
    public init(flags: ConfigurationLayer, environment: [String: String],
                readFile: @escaping @Sendable (String) throws -> [UInt8] = ConfigurationLoader.readFileFromDisk) {
        self.flags = flags
        self.environment = environment
        self.readFile = readFile
    }

    /// Reads a whole file with Foundation.
    public static let readFileFromDisk: @Sendable (String) throws -> [UInt8] = { path in
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError(.unreadableFile, "cannot read \(path)")
        }
        return Array(data)
    }

    /// Loads and validates the configuration.
    public func load(_ scope: Scope) throws(ConfigurationError) -> MirrorConfiguration {
        let env = ConfigurationLayer.environment(environment)
        var layers = [flags, env]
        if let configPath = flags.values[.config]?.first ?? env.values[.config]?.first {
            layers.append(try fileLayer(configPath))
        }
        var resolver = Resolver(layers: layers)
        let database = try resolver.database()
        let logFormat: LogFormat = try resolver.parse(.logFormat, default: .logfmt, "logfmt or json") { LogFormat(rawValue: $0.lowercased()) }
        let logLevel: Logger.Level = try resolver.parse(.logLevel, default: .info, "one of " + Logger.Level.allCases.map(\.description).joined(separator: ", ")) { Logger.Level(name: $0) }
        guard scope == .chain else {
            return MirrorConfiguration(chain: nil, database: database, logFormat: logFormat, logLevel: logLevel)
        }
        let preset: NetworkPreset? = try resolver.parseOptional(.network, "devnode or arbitrum-sepolia") { NetworkPreset(rawValue: $0.lowercased()) }
        if let preset {
            let presetLayer = try NetworkPreset.layer(preset) { () throws(ConfigurationError) -> (path: String, bytes: [UInt8]) in
                let path = resolver.raw(.devnodeInfo)?.value ?? NetworkPreset.defaultDevnodeInfoPath
                do { return (path, try readFile(path)) } catch {
                    throw ConfigurationError(.unreadableFile, "--network devnode: cannot read the devnode info file \(path); start the devnode first (`make devnode`, which writes .devnode/info.json) or give --devnode-info PATH")
                }
            }
            // A preset's chain id is a fact about the network: contradicting it is a mistake, not an override.
            if let presetChain = presetLayer.values[.chainId]?.first, let given = resolver.raw(.chainId), given.value != presetChain {
                throw ConfigurationError(.conflict, "\(ConfigKey.chainId.name(in: given.origin)) is \(given.value), but --network \(preset.rawValue) is chain \(presetChain); drop one of them")
            }
            resolver.layers.append(presetLayer)
        }
        let chain = try chainConfiguration(&resolver, preset: preset)
        return MirrorConfiguration(chain: chain, database: database, logFormat: logFormat, logLevel: logLevel)
    }

    private func chainConfiguration(_ r: inout Resolver, preset: NetworkPreset?) throws(ConfigurationError) -> ChainConfiguration {
        guard let urls = r.rawList(.rpcURL), !urls.values.isEmpty else {
            throw ConfigurationError(.missing, "no JSON-RPC endpoint: give --rpc-url URL (repeat it for failover), KALYPSO_MIRROR_RPC_URL, \"rpcUrls\" in the config file, or --network devnode")
        }
        var rpcURLs: [RedactedURL] = []
        for text in urls.values {
            let url = RedactedURL(text)
            guard text.hasPrefix("http://") || text.hasPrefix("https://") else {
                throw ConfigurationError(.invalidValue, "\(ConfigKey.rpcURL.name(in: urls.origin)) \(url.redacted) is not an http:// or https:// URL; give the node's JSON-RPC URL")
            }
            rpcURLs.append(url)
        }
        let chainId: UInt64 = try r.parseRequired(.chainId, "a positive integer (e.g. 421614 for Arbitrum Sepolia)",
                                                  missing: "give --chain-id ID (the chain the node must report; eth_chainId is checked at start) or --network") { v in
            UInt64(v).flatMap { $0 > 0 ? $0 : nil } ?? (v.hasPrefix("0x") ? UInt64(v.dropFirst(2), radix: 16) : nil)
        }
        func address(_ key: ConfigKey) throws(ConfigurationError) -> Address {
            try r.parseRequired(key, "0x and 40 hex digits (EIP-55 checksum if mixed case)",
                                missing: "give \(key.flag) ADDRESS (the proxy address) or --network") { try? Address($0) }
        }
        let gr = try address(.generatorRegistry), pmp = try address(.proofMarketplace), er = try address(.entityKeyRegistry)
        guard Set([gr, pmp, er]).count == 3 else {
            throw ConfigurationError(.conflict, "the three contract addresses must differ (GeneratorRegistry \(gr.checksummed), ProofMarketplace \(pmp.checksummed), EntityKeyRegistry \(er.checksummed)); check --generator-registry, --proof-marketplace and --entity-key-registry")
        }
        let startBlock: UInt64 = try r.parseRequired(.startBlock, "a block number", missing: NetworkPreset.missingStartBlockAdvice(preset)) { UInt64($0) }
        let confirmations: UInt64 = try r.parse(.confirmations, default: 2, "a number of blocks, 0 or more") { UInt64($0).flatMap { $0 <= 10_000 ? $0 : nil } }
        let reorgWindow: Int = try r.parse(.reorgWindow, default: 64, "a number of blocks from 1 to 100000") { Int($0).flatMap { (1...100_000).contains($0) ? $0 : nil } }
        let poll: Duration = try r.parse(.pollInterval, default: .seconds(2), "a duration such as 2s, 500ms or 1.5") { DurationText.parse($0) }
        let range: UInt64 = try r.parse(.getLogsRange, default: 2_000, "a number of blocks, 1 or more") { UInt64($0).flatMap { $0 > 0 ? $0 : nil } }
        let maxRange: UInt64 = try r.parse(.getLogsMaxRange, default: max(50_000, range), "a number of blocks, 1 or more") { UInt64($0).flatMap { $0 > 0 ? $0 : nil } }
        guard range <= maxRange else {
            throw ConfigurationError(.conflict, "--getlogs-range \(range) is larger than --getlogs-max-range \(maxRange); lower the first or raise the second")
        }
        let rate: Double? = try r.parseOptional(.rateLimit, "requests per second, a number > 0") { Double($0).flatMap { $0 > 0 && $0.isFinite ? $0 : nil } }
        let timeout: Duration = try r.parse(.rpcTimeout, default: .seconds(30), "a duration of at least 100ms, e.g. 30s") { DurationText.parse($0).flatMap { $0 >= .milliseconds(100) ? $0 : nil } }
        let deployment = KalypsoDeployment(chainId: chainId, generatorRegistry: gr, proofMarketplace: pmp, entityKeyRegistry: er, startBlock: startBlock)
        return ChainConfiguration(network: preset?.rawValue, rpcURLs: rpcURLs, deployment: deployment, confirmations: confirmations,
                                  reorgWindow: reorgWindow, pollInterval: poll, getLogsRange: range, getLogsMaxRange: maxRange,
                                  requestsPerSecond: rate, rpcTimeout: timeout)
    }

    /// The config file as a layer; unknown fields and non-scalar values are errors.
    func fileLayer(_ path: String) throws(ConfigurationError) -> ConfigurationLayer {
        let bytes: [UInt8]
        do { bytes = try readFile(path) } catch {
            throw ConfigurationError(.unreadableFile, "cannot read the config file \(path) (--config / KALYPSO_MIRROR_CONFIG); check the path")
        }
        let json: JSONValue
        do { json = try JSONValue.parse(bytes) } catch {
            throw ConfigurationError(.unreadableFile, "the config file \(path) is not valid JSON: \(error.description)")
        }
        guard let members = json.objectValue else {
            throw ConfigurationError(.unreadableFile, "the config file \(path) must hold one JSON object, e.g. {\"network\": \"devnode\", \"db\": \"mirror.sqlite\"}")
        }
        var layer = ConfigurationLayer(origin: .file(path))
        let byField = Dictionary(ConfigKey.allCases.compactMap { k in k.fileField.map { ($0, k) } }, uniquingKeysWith: { a, _ in a })
        for (name, value) in members {
            guard let key = byField[name] else {
                let known = ConfigKey.allCases.compactMap(\.fileField).joined(separator: ", ")
                throw ConfigurationError(.unknownField, "unknown field \"\(name)\" in the config file \(path); known fields: \(known)")
            }
            func scalar(_ v: JSONValue) throws(ConfigurationError) -> String {
                if let s = v.stringValue { return s }
                if let n = v.numberValue { return n.text }
                throw ConfigurationError(.invalidValue, "\"\(name)\" in \(path) must be a string or a number")
            }
            if let items = value.arrayValue {
                guard key.isList else { throw ConfigurationError(.invalidValue, "\"\(name)\" in \(path) takes one value, not a list") }
                var list: [String] = []
                for item in items { list.append(try scalar(item)) }
                layer.values[key] = list
            } else if key.isList {
                layer.values[key] = ConfigurationLayer.splitList(try scalar(value))
            } else {
                layer.values[key] = [try scalar(value)]
            }
        }
        return layer
    }
}

/// Finds each setting in the highest layer that has it and parses it with a field-naming error.
struct Resolver {
    var layers: [ConfigurationLayer]

    /// The single value of `key` and its origin.
    func raw(_ key: ConfigKey) -> (value: String, origin: ConfigurationLayer.Origin)? {
        for layer in layers { if let v = layer.values[key]?.last { return (v, layer.origin) } }
        return nil
    }

    /// All values of a list key from the highest layer that has any.
    func rawList(_ key: ConfigKey) -> (values: [String], origin: ConfigurationLayer.Origin)? {
        for layer in layers { if let v = layer.values[key], !v.isEmpty { return (v, layer.origin) } }
        return nil
    }

    func parseOptional<T>(_ key: ConfigKey, _ expected: String, _ parse: (String) -> T?) throws(ConfigurationError) -> T? {
        guard let (text, origin) = raw(key) else { return nil }
        guard let v = parse(text.trimmingCharacters(in: " \t")) else {
            throw ConfigurationError(.invalidValue, "\(key.name(in: origin)) is '\(text)'; expected \(expected)")
        }
        return v
    }

    func parse<T>(_ key: ConfigKey, default value: T, _ expected: String, _ parse: (String) -> T?) throws(ConfigurationError) -> T {
        try parseOptional(key, expected, parse) ?? value
    }

    func parseRequired<T>(_ key: ConfigKey, _ expected: String, missing: String, _ parse: (String) -> T?) throws(ConfigurationError) -> T {
        guard let v = try parseOptional(key, expected, parse) else { throw ConfigurationError(.missing, "\(key.flag) is not set: \(missing)") }
        return v
    }

    func database() throws(ConfigurationError) -> DatabaseLocation {
        guard let (text, origin) = raw(.database) else { return .sqlite(path: "kalypso-mirror.sqlite") }
        do { return try DatabaseLocation(text) } catch {
            throw ConfigurationError(.invalidValue, "\(ConfigKey.database.name(in: origin)): \((error as? DatabaseError)?.message ?? "\(error)")")
        }
    }
}
