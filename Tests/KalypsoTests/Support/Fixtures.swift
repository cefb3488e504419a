import EthereumKit
@testable import Kalypso

/// Deterministic test values.
enum F {
    /// A distinct non-zero address per `n`.
    static func address(_ n: UInt64) -> Address { Address(hi: 0xA0, mid: 0, lo: n) }
    /// A distinct hash per `n`.
    static func hash(_ n: UInt64) -> Hash32 { Hash32(w0: 0xB0, w1: 0, w2: 0, w3: n) }
    /// `x · 10^18`.
    static func e18(_ x: UInt64) -> UInt256 { UInt256(x) * ContractMath.exponent }

    static let g1 = address(1), g2 = address(2), g3 = address(3)
    static let reward1 = address(101), reward2 = address(102)
    static let requester = address(201), refund = address(202)
    static let pmpAddress = address(900)
}

/// Builders for the events of common contract calls, with enrichment as the sync layer fills it from calldata.
enum E {
    typealias Log = (KalypsoContract, KalypsoEvent)

    static func register(_ g: Address, compute: UInt256, stake: UInt256, reward: Address = F.reward1,
                         data: [UInt8] = Array("{\"name\":\"g\"}".utf8)) -> Log {
        (.generatorRegistry, .registeredGenerator(.init(generator: g, initialCompute: compute, initialStake: stake,
                                                         registration: .calldata(.init(rewardAddress: reward, generatorData: data)))))
    }

    static func join(_ g: Address, _ m: UInt256, cpr: UInt256, cost: UInt256, time: UInt256) -> Log {
        (.generatorRegistry, .joinedMarketplace(.init(generator: g, marketId: m, computeAllocation: cpr,
                                                       terms: .calldata(.init(proofGenerationCost: cost, proposedTime: time)))))
    }

    static func market(_ m: UInt256, penalty: UInt256, activation: UInt256 = 0, privateMarket: Bool = false) -> Log {
        let image = privateMarket ? F.hash(77) : MarketData.noEnclaveId
        let data = MarketData(verifier: F.address(500), proverImageId: image, slashingPenalty: penalty, activationBlock: activation,
                              ivsImageId: F.hash(78), creator: F.address(501), metadata: [1, 2, 3])
        return (.proofMarketplace, .marketplaceCreated(.init(marketId: m, market: .pinnedCall(data, blockHash: F.hash(1)))))
    }

    static func ask(_ a: UInt256, market m: UInt256, reward: UInt256, expiry: UInt256, time: UInt256,
                    privateInputs: Bool = false, variant: KalypsoEvent.AskCreated.Variant = .current) -> Log {
        let body = AskBody(marketId: m, reward: reward, expiry: expiry, timeTakenForProofGeneration: time, deadline: 0,
                           refundAddress: F.refund, proverData: [0xde, 0xad])
        return (.proofMarketplace, .askCreated(.init(askId: a, hasPrivateInputs: privateInputs, secretData: privateInputs ? [9] : [],
                                                      acl: privateInputs ? [8] : [], extraData: variant == .current ? [7] : [],
                                                      variant: variant,
                                                      details: .calldata(.init(body: body, requester: F.requester, secretType: .calldata)))))
    }

    /// `assignTask`: StakeLockImposed, ComputeLockImposed, TaskCreated.
    static func assign(_ a: UInt256, _ g: Address, penalty: UInt256, cpr: UInt256, deadline: UInt256? = nil) -> [Log] {
        [(.generatorRegistry, .stakeLockImposed(.init(generator: g, stake: penalty))),
         (.generatorRegistry, .computeLockImposed(.init(generator: g, compute: cpr))),
         (.proofMarketplace, .taskCreated(.init(askId: a, generator: g, newAcl: [0xac],
                                                deadline: deadline.map { .pinnedCall($0, blockHash: F.hash(2)) } ?? .unavailable("test: no pinned read"))))]
    }

    /// `submitProof`: StakeLockReleased, ComputeLockReleased, ProofCreated.
    static func prove(_ a: UInt256, _ g: Address, penalty: UInt256, cpr: UInt256) -> [Log] {
        [(.generatorRegistry, .stakeLockReleased(.init(generator: g, stake: penalty))),
         (.generatorRegistry, .computeLockReleased(.init(generator: g, compute: cpr))),
         (.proofMarketplace, .proofCreated(.init(askId: a, proof: [0x50])))]
    }

    /// `submitProofForInvalidInputs`: StakeLockReleased, ComputeLockReleased, InvalidInputsDetected.
    static func invalidInputs(_ a: UInt256, _ g: Address, penalty: UInt256, cpr: UInt256) -> [Log] {
        [(.generatorRegistry, .stakeLockReleased(.init(generator: g, stake: penalty))),
         (.generatorRegistry, .computeLockReleased(.init(generator: g, compute: cpr))),
         (.proofMarketplace, .invalidInputsDetected(.init(askId: a)))]
    }

    /// `slashGenerator`: ProofNotGenerated, then StakeSlashed + ComputeLockReleased (none before 2024-09-09).
    static func slash(_ a: UInt256, _ g: Address, penalty: UInt256, cpr: UInt256, legacy: Bool = false) -> [Log] {
        let png: Log = (.proofMarketplace, .proofNotGenerated(.init(askId: a)))
        if legacy { return [png] }
        return [png, (.generatorRegistry, .stakeSlashed(.init(generator: g, stake: penalty))),
                (.generatorRegistry, .computeLockReleased(.init(generator: g, compute: cpr)))]
    }

    static func gr(_ e: KalypsoEvent) -> Log { (.generatorRegistry, e) }
    static func pmp(_ e: KalypsoEvent) -> Log { (.proofMarketplace, e) }
    static func er(_ e: KalypsoEvent) -> Log { (.entityKeyRegistry, e) }
}

/// A chain of transactions applied to a mirrored state, one transaction per block.
struct Chain {
    var state = KalypsoState()
    var block: UInt64 = 100
    /// The G1 clock of the next block.
    var clock: UInt256? = 1000
    var history: [(before: KalypsoState, reduction: TransactionReduction)] = []
    /// The applied transactions, in order (one per `history` entry).
    var transactions: [TransactionLogs] = []

    /// Applies `logs` as one transaction in a new block and advances block and clock by one.
    @discardableResult
    mutating func tx(_ logs: [E.Log]) -> TransactionReduction {
        let txHash = F.hash(0x7000 + block)
        let kalypsoLogs = logs.enumerated().map { i, log in
            KalypsoLog(position: LogPosition(blockNumber: block, blockHash: F.hash(0x8000 + block), transactionIndex: 0,
                                             transactionHash: txHash, logIndex: UInt64(i)),
                       emitter: log.0, event: log.1)
        }
        let before = state
        let transaction = TransactionLogs(logs: kalypsoLogs, clock: clock)
        let reduction = KalypsoReducer.apply(transaction, to: &state)
        history.append((before, reduction))
        transactions.append(transaction)
        block += 1
        clock = clock.map { $0 + .one }
        return reduction
    }

    @discardableResult
    mutating func tx(_ log: E.Log) -> TransactionReduction { tx([log]) }

    /// The generator, or a zero placeholder so that `#expect` comparisons fail readably.
    func g(_ a: Address) -> Generator { state.generators[a] ?? .zero(a) }
}


/// An `EventFieldReader` over a list of values in declaration order, standing in for the ABI decoder's output.
struct ValueReader: EventFieldReader {
    enum Value { case uint(UInt256), address(Address), bool(Bool), bytes32(Hash32), bytes([UInt8]) }
    struct Mismatch: Error { let message: String }
    var values: [Value]
    var index = 0

    init(_ values: [Value]) { self.values = values }

    private mutating func next() throws -> Value {
        guard index < values.count else { throw Mismatch(message: "read past the \(values.count) values") }
        defer { index += 1 }
        return values[index]
    }
    mutating func uint() throws -> UInt256 {
        guard case .uint(let v) = try next() else { throw Mismatch(message: "value \(index - 1) is not a uint") }
        return v
    }
    mutating func address() throws -> Address {
        guard case .address(let v) = try next() else { throw Mismatch(message: "value \(index - 1) is not an address") }
        return v
    }
    mutating func bool() throws -> Bool {
        guard case .bool(let v) = try next() else { throw Mismatch(message: "value \(index - 1) is not a bool") }
        return v
    }
    mutating func bytes32() throws -> Hash32 {
        guard case .bytes32(let v) = try next() else { throw Mismatch(message: "value \(index - 1) is not a bytes32") }
        return v
    }
    mutating func bytes() throws -> [UInt8] {
        guard case .bytes(let v) = try next() else { throw Mismatch(message: "value \(index - 1) is not bytes") }
        return v
    }
}
