import EthereumKit
import Foundation

/// The parts of the devnode's info JSON (`.devnode/info.json`, schema `kalypso-devnode-info/1`, Devnode/README.md)
/// an operator needs: where the node is, the current deployment, and its development keys.
///
/// The keys in it are public development keys (`keccak256("kalypso-devnode/<label>")`); never use them elsewhere.
public struct DevnodeInfo: Sendable {
    /// The JSON-RPC URL.
    public var rpcURL: String
    /// The chain id.
    public var chainId: UInt64
    /// The current deployment's GeneratorRegistry.
    public var generatorRegistry: Address
    /// The current deployment's ProofMarketplace.
    public var proofMarketplace: Address
    /// The block the current deployment starts at.
    public var deploymentBlock: UInt64
    /// The staking token.
    public var stakingToken: Address
    /// The payment token.
    public var paymentToken: Address
    /// The mock proof verifier markets are created with.
    public var mockVerifier: Address?
    /// The admin key (DEFAULT_ADMIN_ROLE, market creator, funded).
    public var adminKey: PrivateKey
    /// The key the devnode's AttestationVerifier accepts attestations from (§6.4, deviation 3).
    public var attestationSignerKey: PrivateKey
    /// The matching engine's enclave key.
    public var matchingEngineKey: PrivateKey
    /// The funded test accounts' keys.
    public var accountKeys: [PrivateKey]

    /// Parses the info JSON.
    public init(json data: Data, source: String) throws(OperatorError) {
        func bad(_ what: String) -> OperatorError {
            OperatorError(.configuration, "\(source) is not a devnode info file (\(what)); start the devnode with 'make devnode'")
        }
        guard let root = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else { throw bad("not a JSON object") }
        guard let url = root["rpcUrl"] as? String else { throw bad("no rpcUrl") }
        guard let chain = (root["chainId"] as? NSNumber)?.uint64Value else { throw bad("no chainId") }
        guard let contracts = root["contracts"] as? [String: Any] else { throw bad("no contracts") }
        func address(_ object: [String: Any], _ key: String) throws(OperatorError) -> Address {
            guard let text = object[key] as? String, let a = try? Address(text) else { throw bad("no \(key) address") }
            return a
        }
        func key(_ object: Any?, _ what: String) throws(OperatorError) -> PrivateKey {
            guard let o = object as? [String: Any], let hex = o["privateKey"] as? String, let k = try? PrivateKey(hex: hex) else {
                throw bad("no \(what) key")
            }
            return k
        }
        rpcURL = url
        chainId = chain
        generatorRegistry = try address(contracts, "generatorRegistry")
        proofMarketplace = try address(contracts, "proofMarketplace")
        stakingToken = try address(contracts, "stakingToken")
        paymentToken = try address(contracts, "paymentToken")
        mockVerifier = (contracts["mockVerifier"] as? String).flatMap { try? Address($0) }
        deploymentBlock = (contracts["deploymentBlock"] as? NSNumber)?.uint64Value ?? (root["deploymentBlock"] as? NSNumber)?.uint64Value ?? 0
        adminKey = try key(root["admin"], "admin")
        attestationSignerKey = try key(root["attestationSigner"], "attestationSigner")
        matchingEngineKey = try key(root["matchingEngine"], "matchingEngine")
        var accounts: [PrivateKey] = []
        for (i, a) in ((root["accounts"] as? [Any]) ?? []).enumerated() { accounts.append(try key(a, "accounts[\(i)]")) }
        accountKeys = accounts
    }

    /// Reads the info file at `path`.
    public static func load(path: String) throws(OperatorError) -> DevnodeInfo {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw OperatorError(.configuration, "cannot read \(path); start the devnode first ('make devnode', which writes .devnode/info.json) or pass --devnode-info FILE")
        }
        return try DevnodeInfo(json: data, source: path)
    }
}
