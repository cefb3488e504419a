import EthereumKit

/// An enclave key registration: the attestation (§6.1) and the enclave's proof of possession (§6.2).
public struct EnclaveKeyProof: Sendable, Hashable {
    /// The attestation.
    public var attestation: EnclaveAttestation
    /// The enclave's EIP-191 signature over `keccak256(abi.encode(attestation, generator))` (65 bytes).
    public var signature: [UInt8]

    /// Creates a proof.
    public init(attestation: EnclaveAttestation, signature: [UInt8]) {
        self.attestation = attestation
        self.signature = signature
    }
}

/// The parameters of `joinMarketplace` in the seed's terms.
public struct JoinMarketParameters: Sendable, Hashable {
    /// The market id.
    public var market: UInt256
    /// ComputePerProof in compute units (`computePerRequestRequired`).
    public var computePerProof: UInt256
    /// PricePerProof in payment-token base units (`proofGenerationCost`).
    public var pricePerProof: UInt256
    /// MaxProofTime in blocks (`proposedTime`).
    public var maxProofTime: UInt256
    /// The enclave key to register in the same transaction (private markets).
    public var key: EnclaveKeyProof?
    /// Join a private market without registering a key now (`update-key` later).
    public var withoutKey: Bool

    /// Creates join parameters.
    public init(market: UInt256, computePerProof: UInt256, pricePerProof: UInt256, maxProofTime: UInt256, key: EnclaveKeyProof? = nil,
                withoutKey: Bool = false) {
        self.market = market
        self.computePerProof = computePerProof
        self.pricePerProof = pricePerProof
        self.maxProofTime = maxProofTime
        self.key = key
        self.withoutKey = withoutKey
    }
}

/// Every transaction a generator (admin address) sends to the GeneratorRegistry (§3.6).
public enum GeneratorOperation: Sendable, Hashable {
    /// `register(rewardAddress, declaredCompute, initialStake, generatorData)`.
    case register(rewardAddress: Address, declaredCompute: UInt256, initialStake: UInt256, generatorData: [UInt8])
    /// `stake(generator, amount)`; `generator` nil means the sender.
    case stake(amount: UInt256, generator: Address?)
    /// `intendToReduceStake(amount)`.
    case intendToReduceStake(amount: UInt256)
    /// `unstake(to)`.
    case unstake(to: Address)
    /// `increaseDeclaredCompute(amount)`.
    case increaseCompute(amount: UInt256)
    /// `intendToReduceCompute(amount)`.
    case intendToReduceCompute(amount: UInt256)
    /// `decreaseDeclaredCompute()`.
    case decreaseCompute
    /// `changeRewardAddress(newRewardAddress)`.
    case changeRewardAddress(Address)
    /// `joinMarketplace(…)`.
    case joinMarket(JoinMarketParameters)
    /// `requestForExitMarketplace(marketId)`.
    case requestExit(market: UInt256)
    /// `leaveMarketplace(marketId)`.
    case leaveMarket(market: UInt256)
    /// `updateEncryptionKey(marketId, attestation, signature)`.
    case updateKey(market: UInt256, key: EnclaveKeyProof)
    /// `removeEncryptionKey(marketId)`.
    case removeKey(market: UInt256)
    /// `deregister(refundAddress)`.
    case deregister(refundTo: Address)

    /// The CLI subcommand name (`generator <name>`).
    public var commandName: String {
        switch self {
        case .register: "register"
        case .stake: "stake"
        case .intendToReduceStake: "intend-reduce-stake"
        case .unstake: "unstake"
        case .increaseCompute: "increase-compute"
        case .intendToReduceCompute: "intend-reduce-compute"
        case .decreaseCompute: "decrease-compute"
        case .changeRewardAddress: "change-reward-address"
        case .joinMarket: "join-market"
        case .requestExit: "request-exit"
        case .leaveMarket: "leave-market"
        case .updateKey: "update-key"
        case .removeKey: "remove-key"
        case .deregister: "deregister"
        }
    }

    /// The GeneratorRegistry function called.
    public var functionName: String {
        switch self {
        case .register: "register"
        case .stake: "stake"
        case .intendToReduceStake: "intendToReduceStake"
        case .unstake: "unstake"
        case .increaseCompute: "increaseDeclaredCompute"
        case .intendToReduceCompute: "intendToReduceCompute"
        case .decreaseCompute: "decreaseDeclaredCompute"
        case .changeRewardAddress: "changeRewardAddress"
        case .joinMarket: "joinMarketplace"
        case .requestExit: "requestForExitMarketplace"
        case .leaveMarket: "leaveMarketplace"
        case .updateKey: "updateEncryptionKey"
        case .removeKey: "removeEncryptionKey"
        case .deregister: "deregister"
        }
    }

    /// The function's arguments; `sender` fills the generator of a `stake` for oneself.
    public func arguments(sender: Address) -> [ABIValue] {
        switch self {
        case let .register(reward, compute, stake, data):
            return [.address(reward), .uint(compute), .uint(stake), .bytes(data)]
        case let .stake(amount, generator):
            return [.address(generator ?? sender), .uint(amount)]
        case let .intendToReduceStake(amount), let .increaseCompute(amount), let .intendToReduceCompute(amount):
            return [.uint(amount)]
        case let .unstake(to):
            return [.address(to)]
        case .decreaseCompute:
            return []
        case let .changeRewardAddress(address):
            return [.address(address)]
        case let .joinMarket(p):
            return [.uint(p.market), .uint(p.computePerProof), .uint(p.pricePerProof), .uint(p.maxProofTime), .bool(p.key != nil),
                    .bytes(p.key?.attestation.encoded ?? []), .bytes(p.key?.signature ?? [])]
        case let .requestExit(market), let .leaveMarket(market), let .removeKey(market):
            return [.uint(market)]
        case let .updateKey(market, key):
            return [.uint(market), .bytes(key.attestation.encoded), .bytes(key.signature)]
        case let .deregister(refund):
            return [.address(refund)]
        }
    }

    /// Staking-token base units the registry pulls from the sender (`register` with stake, `stake`); the sender's
    /// allowance for the registry must cover it.
    public var stakingTokenSpend: UInt256? {
        switch self {
        case let .register(_, _, stake, _): return stake.isZero ? nil : stake
        case let .stake(amount, _): return amount.isZero ? nil : amount
        default: return nil
        }
    }

    /// The market the operation concerns, if any.
    public var market: UInt256? {
        switch self {
        case let .joinMarket(p): return p.market
        case let .requestExit(m), let .leaveMarket(m), let .removeKey(m): return m
        case let .updateKey(m, _): return m
        default: return nil
        }
    }

    /// The enclave key proof the operation carries, if any.
    public var keyProof: EnclaveKeyProof? {
        switch self {
        case let .joinMarket(p): return p.key
        case let .updateKey(_, key): return key
        default: return nil
        }
    }

    /// Whether the operation reads all of the sender's per-market rows (to name the markets still joined).
    var needsAllRows: Bool {
        if case .deregister = self { return true }
        return false
    }
}
