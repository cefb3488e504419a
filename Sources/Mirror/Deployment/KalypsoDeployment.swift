import EthereumKit
import Kalypso

/// One G1 deployment the mirror follows: the chain, the three contract addresses and where history starts.
public struct KalypsoDeployment: Sendable, Hashable {
    /// The chain id the node must report (`eth_chainId`); a mismatch refuses to start.
    public var chainId: UInt64
    /// The GeneratorRegistry proxy.
    public var generatorRegistry: Address
    /// The ProofMarketplace proxy.
    public var proofMarketplace: Address
    /// The EntityKeyRegistry proxy.
    public var entityKeyRegistry: Address
    /// The first block to sync (at or before the proxies' deployment block for a complete mirror).
    public var startBlock: UInt64

    /// Creates a deployment description.
    public init(chainId: UInt64, generatorRegistry: Address, proofMarketplace: Address, entityKeyRegistry: Address, startBlock: UInt64) {
        self.chainId = chainId
        self.generatorRegistry = generatorRegistry
        self.proofMarketplace = proofMarketplace
        self.entityKeyRegistry = entityKeyRegistry
        self.startBlock = startBlock
    }

    /// The three watched addresses, in the order of `KalypsoContract`.
    public var addresses: [Address] { [generatorRegistry, proofMarketplace, entityKeyRegistry] }

    /// Which watched contract `address` is, or nil.
    public func contract(at address: Address) -> KalypsoContract? {
        if address == generatorRegistry { return .generatorRegistry }
        if address == proofMarketplace { return .proofMarketplace }
        if address == entityKeyRegistry { return .entityKeyRegistry }
        return nil
    }

    /// The address of a watched contract.
    public func address(of contract: KalypsoContract) -> Address {
        switch contract {
        case .generatorRegistry: generatorRegistry
        case .proofMarketplace: proofMarketplace
        case .entityKeyRegistry: entityKeyRegistry
        }
    }
}
