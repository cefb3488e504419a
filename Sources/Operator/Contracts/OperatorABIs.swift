import EthereumKit
import Foundation
import Mirror

/// The ABIs a generator operator touches: the three G1 contracts as the Mirror embeds them from `ABI/*.json`
/// (`Mirror.KalypsoABIs`, cross-checked there against the Kalypso reference tables), the ERC-20 subset of
/// `ABI/ERC20.json` the tokens need, and the union of all their custom errors for revert decoding.
public struct OperatorABIs: Sendable {
    /// `ABI/GeneratorRegistry.json`.
    public let generatorRegistry: ContractABI
    /// `ABI/ProofMarketplace.json`.
    public let proofMarketplace: ContractABI
    /// `ABI/EntityKeyRegistry.json`.
    public let entityKeyRegistry: ContractABI
    /// The staking and payment tokens (`ABI/ERC20.json`, see `erc20JSON`).
    public let erc20: ContractABI
    /// Every custom error of the four, once each: reverts bubble up from called contracts.
    public let errors: ContractABI

    /// The embedded ABIs (parsed once per process).
    public static func embedded() throws(OperatorError) -> OperatorABIs { try cached.get() }

    private static let cached: Result<OperatorABIs, OperatorError> = Result { () throws(OperatorError) -> OperatorABIs in
        let kalypso: KalypsoABIs
        do { kalypso = try KalypsoABIs.embedded() } catch {
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

    /// The content of `ABI/ERC20.json` (the Mirror embeds only the three Kalypso files publicly; a unit test checks
    /// that this text and the file declare the same items).
    public static let erc20JSON = #"""
    [{"type":"function","name":"allowance","stateMutability":"view","inputs":[{"name":"owner","type":"address"},{"name":"spender","type":"address"}],"outputs":[{"name":"","type":"uint256"}]},
     {"type":"function","name":"approve","stateMutability":"nonpayable","inputs":[{"name":"spender","type":"address"},{"name":"value","type":"uint256"}],"outputs":[{"name":"","type":"bool"}]},
     {"type":"function","name":"balanceOf","stateMutability":"view","inputs":[{"name":"account","type":"address"}],"outputs":[{"name":"","type":"uint256"}]},
     {"type":"function","name":"decimals","stateMutability":"view","inputs":[],"outputs":[{"name":"","type":"uint8"}]},
     {"type":"function","name":"mint","stateMutability":"nonpayable","inputs":[{"name":"to","type":"address"},{"name":"amount","type":"uint256"}],"outputs":[]},
     {"type":"function","name":"name","stateMutability":"view","inputs":[],"outputs":[{"name":"","type":"string"}]},
     {"type":"function","name":"symbol","stateMutability":"view","inputs":[],"outputs":[{"name":"","type":"string"}]},
     {"type":"function","name":"totalSupply","stateMutability":"view","inputs":[],"outputs":[{"name":"","type":"uint256"}]},
     {"type":"function","name":"transfer","stateMutability":"nonpayable","inputs":[{"name":"to","type":"address"},{"name":"value","type":"uint256"}],"outputs":[{"name":"","type":"bool"}]},
     {"type":"function","name":"transferFrom","stateMutability":"nonpayable","inputs":[{"name":"from","type":"address"},{"name":"to","type":"address"},{"name":"value","type":"uint256"}],"outputs":[{"name":"","type":"bool"}]},
     {"type":"event","name":"Approval","anonymous":false,"inputs":[{"name":"owner","type":"address","indexed":true},{"name":"spender","type":"address","indexed":true},{"name":"value","type":"uint256","indexed":false}]},
     {"type":"event","name":"Transfer","anonymous":false,"inputs":[{"name":"from","type":"address","indexed":true},{"name":"to","type":"address","indexed":true},{"name":"value","type":"uint256","indexed":false}]},
     {"type":"error","name":"ERC20InsufficientAllowance","inputs":[{"name":"spender","type":"address"},{"name":"allowance","type":"uint256"},{"name":"needed","type":"uint256"}]},
     {"type":"error","name":"ERC20InsufficientBalance","inputs":[{"name":"sender","type":"address"},{"name":"balance","type":"uint256"},{"name":"needed","type":"uint256"}]},
     {"type":"error","name":"ERC20InvalidApprover","inputs":[{"name":"approver","type":"address"}]},
     {"type":"error","name":"ERC20InvalidReceiver","inputs":[{"name":"receiver","type":"address"}]},
     {"type":"error","name":"ERC20InvalidSender","inputs":[{"name":"sender","type":"address"}]},
     {"type":"error","name":"ERC20InvalidSpender","inputs":[{"name":"spender","type":"address"}]}]
    """#
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
