import Database
import EthereumKit
import JSONRPC
import Telemetry

/// The validated configuration of a mirror process (see `ConfigKey` for every setting and its sources).
public struct MirrorConfiguration: Sendable {
    /// The chain side: endpoints, deployment and sync tuning. Nil for commands that only read the database.
    public var chain: ChainConfiguration?
    /// Where the mirror's database is.
    public var database: DatabaseLocation
    /// Log line format on standard error.
    public var logFormat: LogFormat
    /// The lowest level logged.
    public var logLevel: Logger.Level

    /// Creates a configuration.
    public init(chain: ChainConfiguration?, database: DatabaseLocation, logFormat: LogFormat = .logfmt, logLevel: Logger.Level = .info) {
        self.chain = chain
        self.database = database
        self.logFormat = logFormat
        self.logLevel = logLevel
    }

    /// The settings as key-value pairs for a start-up log line; RPC URLs masked.
    public var summary: [(String, String)] {
        var out: [(String, String)] = []
        if let chain { out += chain.summary }
        out.append(("db", database.description))
        return out
    }
}

/// Everything the sync needs about the chain.
public struct ChainConfiguration: Sendable {
    /// The preset the values came from, if any (`devnode`, `arbitrum-sepolia`).
    public var network: String?
    /// The JSON-RPC endpoints, in order of preference (failover goes down the list).
    public var rpcURLs: [RedactedURL]
    /// The chain, contracts and start block.
    public var deployment: KalypsoDeployment
    /// Sync up to `head − confirmations` only.
    public var confirmations: UInt64
    /// Blocks kept for reorg detection and undo.
    public var reorgWindow: Int
    /// Pause between head polls when caught up.
    public var pollInterval: Duration
    /// The first `eth_getLogs` block span.
    public var getLogsRange: UInt64
    /// The largest `eth_getLogs` block span.
    public var getLogsMaxRange: UInt64
    /// Requests per second per endpoint; nil = unlimited.
    public var requestsPerSecond: Double?
    /// The total timeout of one JSON-RPC attempt.
    public var rpcTimeout: Duration

    /// Creates a chain configuration.
    public init(network: String? = nil, rpcURLs: [RedactedURL], deployment: KalypsoDeployment, confirmations: UInt64 = 2,
                reorgWindow: Int = 64, pollInterval: Duration = .seconds(2), getLogsRange: UInt64 = 2_000,
                getLogsMaxRange: UInt64 = 50_000, requestsPerSecond: Double? = nil, rpcTimeout: Duration = .seconds(30)) {
        self.network = network
        self.rpcURLs = rpcURLs
        self.deployment = deployment
        self.confirmations = confirmations
        self.reorgWindow = reorgWindow
        self.pollInterval = pollInterval
        self.getLogsRange = getLogsRange
        self.getLogsMaxRange = getLogsMaxRange
        self.requestsPerSecond = requestsPerSecond
        self.rpcTimeout = rpcTimeout
    }

    /// The JSON-RPC client settings for these endpoints.
    public var clientConfiguration: JSONRPCClientConfiguration {
        JSONRPCClientConfiguration(endpoints: rpcURLs.map { RPCEndpoint($0.unredacted, requestsPerSecond: requestsPerSecond) },
                                   requestTimeout: rpcTimeout)
    }

    /// The settings as key-value pairs (RPC URLs masked).
    public var summary: [(String, String)] {
        var out: [(String, String)] = []
        if let network { out.append(("network", network)) }
        out += [("rpc", rpcURLs.map(\.redacted).joined(separator: ",")), ("chain_id", String(deployment.chainId)),
                ("generator_registry", deployment.generatorRegistry.checksummed),
                ("proof_marketplace", deployment.proofMarketplace.checksummed),
                ("entity_key_registry", deployment.entityKeyRegistry.checksummed),
                ("start_block", String(deployment.startBlock)), ("confirmations", String(confirmations)),
                ("reorg_window", String(reorgWindow)), ("poll_interval", DurationText.format(pollInterval)),
                ("getlogs_range", "\(getLogsRange)..\(getLogsMaxRange)")]
        if let requestsPerSecond { out.append(("rate_limit", "\(requestsPerSecond)/s")) }
        return out
    }
}

/// Parses and prints durations: `2s`, `500ms`, `1.5` (seconds), `1m`.
public enum DurationText {
    /// The duration `text` denotes, or nil.
    public static func parse(_ text: String) -> Duration? {
        let t = text.trimmingCharacters(in: " ").lowercased()
        let (number, scale): (Substring, Double) =
            t.hasSuffix("ms") ? (t.dropLast(2), 0.001) : t.hasSuffix("s") ? (t.dropLast(), 1)
            : t.hasSuffix("m") ? (t.dropLast(), 60) : (Substring(t), 1)
        guard let v = Double(number), v.isFinite, v >= 0, v * scale <= 86_400 else { return nil }
        return .milliseconds(Int64((v * scale * 1000).rounded()))
    }

    /// `250ms`, `2s`, `1.5s`.
    public static func format(_ d: Duration) -> String {
        let ms = d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000
        if ms % 1000 != 0 && ms < 1000 { return "\(ms)ms" }
        if ms % 1000 == 0 { return "\(ms / 1000)s" }
        return "\(Double(ms) / 1000)s"
    }
}
