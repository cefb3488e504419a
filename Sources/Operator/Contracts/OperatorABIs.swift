import EthereumKit
import Foundation
import Mirror

/// The ABIs a generator operator touches: the three G1 contracts as the Mirror embeds them from `ABI/*.json`
/// (`Mirror.KalypsoABIs`, cross-checked there against the Kalypso reference tables), `ABI/ERC20.json` for
/// the tokens, and the union of all their custom errors for revert decoding.
public struct OperatorABIs: Sendable {
    /// `ABI/GeneratorRegistry.json`.
    public let generatorRegistry: ContractABI
    /// `ABI/ProofMarketplace.json`.
    public let proofMarketplace: ContractABI
    /// `ABI/EntityKeyRegistry.json`.
    public let entityKeyRegistry: ContractABI
    /// The staking and payment tokens (`ABI/ERC20.json`, embedded by the Mirror).
    public let erc20: ContractABI
    /// Every custom error of the four, once each: reverts bubble up from called contracts.
    public let errors: ContractABI

    /// The embedded ABIs (parsed once per process).
    public static func embedded() throws(OperatorError) -> OperatorABIs { try cached.get() }

    private static let cached: Result<OperatorABIs, OperatorError> = Result { () throws(OperatorError) -> OperatorABIs in
        let kalypso: KalypsoABIs
        let erc20JSON: String
        do {
            kalypso = try KalypsoABIs.embedded()
            erc20JSON = try KalypsoABIs.embeddedERC20JSON()
        } catch {
            throw OperatorError(.configuration, "the embedded Kalypso ABIs are unusable: \(error); fix ABI/*.json, run `make embed` and rebuild")
        }
        return try OperatorABIs(kalypso: kalypso, erc20JSON: erc20JSON)
    }

    /// Combines the Kalypso ABIs with an ERC-20 ABI given as JSON text.
    public init(kalypso: KalypsoABIs, erc20JSON: String) throws(OperatorError) {
        generatorRegistry = kalypso.generatorRegistry
        proofMarketplace = kalypso.proofMarketplace
        entityKeyRegistry = kalypso.entityKeyRegistry
        do { erc20 = try ContractABI(jsonText: erc20JSON) } catch {
            throw OperatorError(.configuration, "the ERC-20 ABI does not parse: \(error)")
        }
        var seen = Set<String>()
        var all: [ABICustomError] = []
        for abi in [generatorRegistry, proofMarketplace, entityKeyRegistry, erc20] {
            for e in abi.errors where seen.insert(e.signature).inserted { all.append(e) }
        }
        do { errors = try ContractABI(errors: all) } catch {
            throw OperatorError(.configuration, "the ABI files declare conflicting custom errors: \(error)")
        }
    }

    /// The one function of `abi` called `name` (the operator never calls an overloaded function).
    public func function(_ abi: ContractABI, _ name: String) throws(OperatorError) -> ABIFunction {
        let found = abi.functions(named: name)
        guard let f = found.first, found.count == 1 else {
            throw OperatorError(.configuration, found.isEmpty
                ? "the ABI has no function \(name); the ABI files do not match this build"
                : "the ABI has \(found.count) functions called \(name); name the overload by signature")
        }
        return f
    }

    /// Calldata for `abi.name(arguments)`.
    public func calldata(_ abi: ContractABI, _ name: String, _ arguments: [ABIValue]) throws(OperatorError) -> [UInt8] {
        let f = try function(abi, name)
        do { return try f.encodeCall(arguments) } catch {
            throw OperatorError(.invalidInput, "cannot encode \(f.signature): \(error)")
        }
    }

    /// Explains revert data with every known custom error, `Error(string)` and `Panic(uint256)`.
    public func decodeRevert(_ data: [UInt8]) -> RevertReason { errors.decodeRevert(data) }
}

/// The contracts of one G1 deployment, as the operator resolves them from the GeneratorRegistry address.
public struct OperatorDeployment: Sendable, Hashable {
    /// `GeneratorRegistry` (the contract every generator transaction goes to).
    public var generatorRegistry: Address
    /// `ProofMarketplace` (`generatorRegistry.proofMarketplace()`).
    public var proofMarketplace: Address
    /// `EntityKeyRegistry` (`generatorRegistry.ENTITY_KEY_REGISTRY()`).
    public var entityKeyRegistry: Address
    /// The ERC-20 staked in the registry (`generatorRegistry.STAKING_TOKEN()`).
    public var stakingToken: Address
    /// The ERC-20 asks are paid in (`proofMarketplace.PAYMENT_TOKEN()`): the unit of PricePerProof.
    public var paymentToken: Address

    /// Creates a deployment description.
    public init(generatorRegistry: Address, proofMarketplace: Address, entityKeyRegistry: Address, stakingToken: Address,
                paymentToken: Address) {
        self.generatorRegistry = generatorRegistry
        self.proofMarketplace = proofMarketplace
        self.entityKeyRegistry = entityKeyRegistry
        self.stakingToken = stakingToken
        self.paymentToken = paymentToken
    }

    /// The contract name for an address of this deployment (for output), or nil.
    public func contractName(at address: Address) -> String? {
        switch address {
        case generatorRegistry: return "GeneratorRegistry"
        case proofMarketplace: return "ProofMarketplace"
        case entityKeyRegistry: return "EntityKeyRegistry"
        case stakingToken: return stakingToken == paymentToken ? "Token" : "StakingToken"
        case paymentToken: return "PaymentToken"
        default: return nil
        }
    }

    /// The ABI that decodes logs and calls of `address`, or nil for a foreign address.
    public func abi(at address: Address, in abis: OperatorABIs) -> ContractABI? {
        switch address {
        case generatorRegistry: return abis.generatorRegistry
        case proofMarketplace: return abis.proofMarketplace
        case entityKeyRegistry: return abis.entityKeyRegistry
        case stakingToken, paymentToken: return abis.erc20
        default: return nil
        }
    }
}
