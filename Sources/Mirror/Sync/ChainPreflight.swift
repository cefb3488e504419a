import EthereumKit
import JSONRPC
import Kalypso

/// Start-up checks against the node, before anything is synced: the node's `eth_chainId` must be the configured
/// chain id (a mismatch refuses to start), and each contract address must hold code at the node's head (a typo or a
/// deployment on another chain refuses to start). The spec's §9 bytecode generation check (PUSH32 topic0s in the
/// implementation) is not done: it does not apply to the devnode's Vyper contracts (no proxies), and an `Upgraded`
/// event is already raised as an alert by the reducer.
public enum ChainPreflight {
    /// Runs the checks; throws `ConfigurationError(.chainMismatch)` with what to fix.
    public static func check(_ client: JSONRPCClient, deployment: KalypsoDeployment, endpoints: String) async throws {
        let chainId = try await client.chainId()
        guard chainId == deployment.chainId else {
            throw ConfigurationError(.chainMismatch, "the node at \(endpoints) is on chain \(chainId), but the configuration expects chain \(deployment.chainId); point --rpc-url at a node of chain \(deployment.chainId), or fix --chain-id / --network")
        }
        for contract in KalypsoContract.allCases {
            let address = deployment.address(of: contract)
            let code = try await client.getCode(address, block: .latest)
            guard !code.isEmpty else {
                throw ConfigurationError(.chainMismatch, "there is no contract at the \(contract.rawValue) address \(address.checksummed) on chain \(chainId) (eth_getCode is empty); check the address (\(Self.flag(contract))) and the network")
            }
        }
    }

    static func flag(_ contract: KalypsoContract) -> String {
        switch contract {
        case .generatorRegistry: ConfigKey.generatorRegistry.flag
        case .proofMarketplace: ConfigKey.proofMarketplace.flag
        case .entityKeyRegistry: ConfigKey.entityKeyRegistry.flag
        }
    }
}
