import EthereumKit
import JSONRPC

/// The built-in `--network` presets. A preset is the lowest configuration layer above the defaults: any flag,
/// variable or file field overrides it (e.g. `--rpc-url` to put a proxy in front of the devnode).
public enum NetworkPreset: String, CaseIterable, Sendable {
    /// The local devnode: everything from its info JSON (`.devnode/info.json` or `--devnode-info`), starting at
    /// `contracts.deploymentBlock`, 0 confirmations, 250 ms polls.
    case devnode
    /// Arbitrum Sepolia, the current G1 deployment of spec §10.1 (chain 421614). No deployment block is recorded
    /// anywhere, so `--start-block` is required.
    case arbitrumSepolia = "arbitrum-sepolia"

    /// The G1 proxies on Arbitrum Sepolia (kalypso-contracts.md §10.1, "current").
    public static let arbitrumSepoliaContracts = (generatorRegistry: "0x5ce3e1010028C4F5687356D721e3e2B6DcEA7C25",
                                                 proofMarketplace: "0x0b6340a893B944BDc3B4F012e934b724c83abF97",
                                                 entityKeyRegistry: "0x002064F4d224EA4F90e9A74B5fE3f3812886c6DF")

    /// The schema the devnode writes into its info JSON.
    public static let devnodeInfoSchema = "kalypso-devnode-info/1"

    /// The default devnode info path (relative to the working directory).
    public static let defaultDevnodeInfoPath = ".devnode/info.json"

    /// The preset's values as a configuration layer. `devnodeInfo` is the devnode info JSON (read by the caller).
    static func layer(_ preset: NetworkPreset, devnodeInfo: () throws(ConfigurationError) -> (path: String, bytes: [UInt8])) throws(ConfigurationError) -> ConfigurationLayer {
        var layer = ConfigurationLayer(origin: .preset(preset.rawValue))
        switch preset {
        case .arbitrumSepolia:
            layer.values[.chainId] = ["421614"]
            layer.values[.generatorRegistry] = [arbitrumSepoliaContracts.generatorRegistry]
            layer.values[.proofMarketplace] = [arbitrumSepoliaContracts.proofMarketplace]
            layer.values[.entityKeyRegistry] = [arbitrumSepoliaContracts.entityKeyRegistry]
        case .devnode:
            let (path, bytes) = try devnodeInfo()
            let info: JSONValue
            do { info = try JSONValue.parse(bytes) } catch {
                throw ConfigurationError(.unreadableFile, "the devnode info file \(path) is not valid JSON (\(error.message)); restart the devnode (`make devnode`) or point --devnode-info at its info JSON")
            }
            guard info["schema"]?.stringValue == devnodeInfoSchema else {
                throw ConfigurationError(.invalidValue, "\(path) is not a devnode info file (schema is not \(devnodeInfoSchema)); point --devnode-info at the JSON line `devnode serve` printed")
            }
            func field(_ value: JSONValue?, _ name: String) throws(ConfigurationError) -> String {
                if let s = value?.stringValue { return s }
                if let n = value?.numberValue { return n.text }
                throw ConfigurationError(.invalidValue, "the devnode info file \(path) has no \(name); restart the devnode so it rewrites the file")
            }
            layer.values[.rpcURL] = [try field(info["rpcUrl"], "rpcUrl")]
            layer.values[.chainId] = [try field(info["chainId"], "chainId")]
            let contracts = info["contracts"]
            layer.values[.generatorRegistry] = [try field(contracts?["generatorRegistry"], "contracts.generatorRegistry")]
            layer.values[.proofMarketplace] = [try field(contracts?["proofMarketplace"], "contracts.proofMarketplace")]
            layer.values[.entityKeyRegistry] = [try field(contracts?["entityKeyRegistry"], "contracts.entityKeyRegistry")]
            layer.values[.startBlock] = [try field(contracts?["deploymentBlock"], "contracts.deploymentBlock")]
            layer.values[.confirmations] = ["0"]
            layer.values[.pollInterval] = ["250ms"]
        }
        return layer
    }

    /// What to do when a preset lacks a start block.
    static func missingStartBlockAdvice(_ preset: NetworkPreset?) -> String {
        switch preset {
        case .arbitrumSepolia?:
            return "--network arbitrum-sepolia has no recorded deployment block (spec §10.1 records only the deployment transactions): give --start-block N at or before the proxies' deployment, e.g. the block of GR deployment transaction 0xa98a1bd6a6bbe79c6b83db77e4510befefcc96f9a8931fd340bd638b6396fbdd (eth_getTransactionReceipt); a later start block leaves entities created earlier unknown"
        default:
            return "give --start-block N (KALYPSO_MIRROR_START_BLOCK, \"startBlock\"): the block the contract proxies were deployed in, or earlier"
        }
    }
}
