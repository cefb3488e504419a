import Foundation
import Mirror
import Telemetry

/// The configuration flags every mirror command takes (`ConfigKey` is the single table of names).
enum MirrorOptions {
    /// Removes every configuration flag from `arguments` and returns them as the flags layer.
    static func flags(_ arguments: inout Arguments) throws -> ConfigurationLayer {
        var layer = ConfigurationLayer(origin: .flags)
        for key in ConfigKey.allCases {
            let values = try arguments.options(key.flag)
            guard !values.isEmpty else { continue }
            layer.values[key] = key.isList
                ? values.flatMap { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
                : values
        }
        return layer
    }

    /// Loads the configuration from the flags in `arguments`, the environment and the config file.
    /// A bad configuration is a usage error (exit code 2) whose message names the field and the fix.
    static func load(_ arguments: inout Arguments, scope: ConfigurationLoader.Scope) throws -> MirrorConfiguration {
        let layer = try flags(&arguments)
        do {
            return try ConfigurationLoader(flags: layer, environment: ProcessInfo.processInfo.environment).load(scope)
        } catch let e {
            throw CLIError.usage(e.message)
        }
    }

    /// The options section of a command's help.
    static var helpText: String {
        let width = ConfigKey.allCases.map { "\($0.flag) \($0.valueName)".count }.max() ?? 0
        let lines = ConfigKey.allCases.map { key in
            "  " + "\(key.flag) \(key.valueName)".padding(toLength: width + 2, withPad: " ", startingAt: 0) + key.help
        }
        return """
        Configuration (flag > environment variable > --config file > --network preset > default):
        \(lines.joined(separator: "\n"))
        Every flag has an environment variable: --rpc-url → KALYPSO_MIRROR_RPC_URL (comma-separated list),
        --db → KALYPSO_MIRROR_DB, --start-block → KALYPSO_MIRROR_START_BLOCK, and so on.
        The config file is one JSON object: {"network": "devnode", "db": "mirror.sqlite", "confirmations": 0, …}
        with the fields rpcUrls, chainId, generatorRegistry, proofMarketplace, entityKeyRegistry, startBlock,
        confirmations, reorgWindow, pollInterval, getLogsRange, getLogsMaxRange, rateLimit, rpcTimeout, db,
        logFormat, logLevel, network, devnodeInfo.
        """
    }

    /// A logger writing `configuration`'s format to standard error (or to `sink`).
    static func logger(_ configuration: MirrorConfiguration, label: String, sink: (any LogSink)? = nil) -> Logger {
        Logger(label: label, level: configuration.logLevel, sink: sink ?? StreamLogSink(format: configuration.logFormat))
    }
}
