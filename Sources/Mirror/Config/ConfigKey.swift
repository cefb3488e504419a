/// Every setting of the mirror, with its names in the three sources: a command-line flag, an environment variable
/// and a field of the JSON config file. Precedence: **flag > environment > config file > network preset > default**.
///
/// This table is the single place the names live: the CLI builds its flag parser and its `--help` from it, and the
/// README's configuration table is generated from `ConfigKey.markdownTable`.
public enum ConfigKey: String, CaseIterable, Sendable, Hashable, Comparable {
    case config
    case network
    case devnodeInfo
    case rpcURL
    case chainId
    case generatorRegistry
    case proofMarketplace
    case entityKeyRegistry
    case startBlock
    case confirmations
    case reorgWindow
    case pollInterval
    case getLogsRange
    case getLogsMaxRange
    case rateLimit
    case rpcTimeout
    case database
    case logFormat
    case logLevel

    public static func < (a: ConfigKey, b: ConfigKey) -> Bool {
        (allCases.firstIndex(of: a) ?? 0) < (allCases.firstIndex(of: b) ?? 0)
    }

    /// The command-line flag, e.g. `--rpc-url`.
    public var flag: String {
        switch self {
        case .config: "--config"
        case .network: "--network"
        case .devnodeInfo: "--devnode-info"
        case .rpcURL: "--rpc-url"
        case .chainId: "--chain-id"
        case .generatorRegistry: "--generator-registry"
        case .proofMarketplace: "--proof-marketplace"
        case .entityKeyRegistry: "--entity-key-registry"
        case .startBlock: "--start-block"
        case .confirmations: "--confirmations"
        case .reorgWindow: "--reorg-window"
        case .pollInterval: "--poll-interval"
        case .getLogsRange: "--getlogs-range"
        case .getLogsMaxRange: "--getlogs-max-range"
        case .rateLimit: "--rate-limit"
        case .rpcTimeout: "--rpc-timeout"
        case .database: "--db"
        case .logFormat: "--log-format"
        case .logLevel: "--log-level"
        }
    }

    /// The environment variable, e.g. `KALYPSO_MIRROR_RPC_URL`.
    public var environmentVariable: String {
        switch self {
        case .database: return "KALYPSO_MIRROR_DB"
        default:
            return "KALYPSO_MIRROR_" + flag.dropFirst(2).uppercased().replacing("-", with: "_")
        }
    }

    /// The field of the JSON config file, e.g. `rpcUrls`; nil for `config` (a file cannot name another file).
    public var fileField: String? {
        switch self {
        case .config: nil
        case .rpcURL: "rpcUrls"
        case .database: "db"
        case .getLogsRange: "getLogsRange"
        case .getLogsMaxRange: "getLogsMaxRange"
        default: rawValue
        }
    }

    /// Whether the setting may hold several values (repeated flag, comma-separated variable, JSON array).
    public var isList: Bool { self == .rpcURL }

    /// The placeholder shown in help, e.g. `URL`.
    public var valueName: String {
        switch self {
        case .config, .devnodeInfo, .database: "PATH"
        case .network: "NAME"
        case .rpcURL: "URL"
        case .chainId: "ID"
        case .generatorRegistry, .proofMarketplace, .entityKeyRegistry: "ADDRESS"
        case .startBlock: "N"
        case .confirmations, .reorgWindow, .getLogsRange, .getLogsMaxRange: "BLOCKS"
        case .pollInterval, .rpcTimeout: "DURATION"
        case .rateLimit: "PER_SECOND"
        case .logFormat: "logfmt|json"
        case .logLevel: "LEVEL"
        }
    }

    /// One line of help: what it is and its default.
    public var help: String {
        switch self {
        case .config: "JSON config file (fields below; unknown fields are errors)"
        case .network: "preset: devnode (reads the devnode info file) or arbitrum-sepolia (spec §10.1 G1 addresses, chain 421614)"
        case .devnodeInfo: "devnode info JSON for --network devnode (default .devnode/info.json)"
        case .rpcURL: "JSON-RPC endpoint; repeat (or comma-separate) for failover. Secrets in it are masked in all output"
        case .chainId: "expected eth_chainId; a node on another chain refuses to start"
        case .generatorRegistry: "GeneratorRegistry proxy address"
        case .proofMarketplace: "ProofMarketplace proxy address"
        case .entityKeyRegistry: "EntityKeyRegistry proxy address"
        case .startBlock: "first block to sync: at or before the proxies' deployment block"
        case .confirmations: "blocks behind the head that are synced (head − N); default 0 for devnode, 2 otherwise"
        case .reorgWindow: "blocks kept for reorg detection and undo (default 64); a deeper reorg stops the sync"
        case .pollInterval: "pause between head polls when caught up, e.g. 2s, 500ms (default 2s; devnode 250ms)"
        case .getLogsRange: "initial eth_getLogs block span (default 2000); adapts to the provider"
        case .getLogsMaxRange: "largest eth_getLogs block span (default 50000)"
        case .rateLimit: "JSON-RPC requests per second per endpoint (default unlimited)"
        case .rpcTimeout: "total timeout of one JSON-RPC attempt (default 30s)"
        case .database: "SQLite file (default kalypso-mirror.sqlite in the working directory) or a postgres://user:pass@host/db URL"
        case .logFormat: "log line format on stderr (default logfmt)"
        case .logLevel: "trace, debug, info, notice, warning, error or critical (default info)"
        }
    }

    /// How the user wrote this key in `origin`, for error messages.
    public func name(in origin: ConfigurationLayer.Origin) -> String {
        switch origin {
        case .flags: flag
        case .environment: environmentVariable
        case .file(let path): "\"\(fileField ?? rawValue)\" in \(path)"
        case .preset(let name): "the \(name) preset's \(rawValue)"
        case .defaults: "the default \(rawValue)"
        }
    }

    /// The settings as a Markdown table (flag, environment variable, file field, meaning), for the README.
    public static var markdownTable: String {
        var lines = ["| flag | environment | config file | meaning |", "|---|---|---|---|"]
        for key in allCases {
            lines.append("| `\(key.flag) \(key.valueName)` | `\(key.environmentVariable)` | \(key.fileField.map { "`\($0)`" } ?? "—") | \(key.help) |")
        }
        return lines.joined(separator: "\n")
    }
}

/// The values of one configuration source, as text, before validation.
public struct ConfigurationLayer: Sendable {
    /// Where values came from (for error messages).
    public enum Origin: Sendable, Hashable {
        /// Command-line flags.
        case flags
        /// Environment variables.
        case environment
        /// The JSON config file at this path.
        case file(String)
        /// A network preset.
        case preset(String)
        /// Built-in defaults.
        case defaults
    }

    /// Where the values came from.
    public var origin: Origin
    /// The values by key; a list key may have several, the others exactly one.
    public var values: [ConfigKey: [String]]

    /// Creates a layer.
    public init(origin: Origin, values: [ConfigKey: [String]] = [:]) {
        self.origin = origin
        self.values = values
    }

    /// The values of the `KALYPSO_MIRROR_*` variables in `environment` (list values are comma-separated).
    public static func environment(_ environment: [String: String]) -> ConfigurationLayer {
        var layer = ConfigurationLayer(origin: .environment)
        for key in ConfigKey.allCases {
            guard let text = environment[key.environmentVariable], !text.isEmpty else { continue }
            layer.values[key] = key.isList ? splitList(text) : [text]
        }
        return layer
    }

    /// Splits a comma-separated list, dropping empty items and surrounding spaces.
    static func splitList(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingCharacters(in: " \t") }.filter { !$0.isEmpty }
    }
}

extension StringProtocol {
    /// The text without leading and trailing characters of `set`.
    func trimmingCharacters(in set: String) -> String {
        guard let s = firstIndex(where: { !set.contains($0) }), let e = lastIndex(where: { !set.contains($0) }) else { return "" }
        return String(self[s...e])
    }
}
