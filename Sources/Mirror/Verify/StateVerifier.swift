import EthereumKit
import Kalypso

/// One field where the mirror and the contract disagree.
public struct VerificationMismatch: Sendable, Hashable, CustomStringConvertible {
    /// The entity, e.g. `generator 0x…`, `generator-market (0x…, market 1)`, `ask 7`.
    public var entity: String
    /// The field or getter, e.g. `totalStake`, `getGeneratorState.idleCapacity`.
    public var field: String
    /// The mirrored value (`unknown` where the mirror has none, `absent` where it has no such entity).
    public var mirror: String
    /// What the contract's getter returned at the block.
    public var chain: String

    public var description: String { "\(entity) \(field): mirror \(mirror), chain \(chain)" }
}

/// The outcome of `verify`.
public struct VerificationReport: Sendable {
    /// The block the getters were pinned to.
    public var block: Checkpoint
    /// Entities checked, by kind, in a fixed order.
    public var checked: [(kind: String, count: Int)]
    /// Every disagreement, in check order.
    public var mismatches: [VerificationMismatch]
    /// `eth_call`s made.
    public var calls: Int
}

/// Reads every mirrored generator, generator-market row, market, ask and key back from the contracts' getters with
/// `eth_call` pinned to one block hash (EIP-1898, `requireCanonical`), and lists each field that differs:
/// `generatorRegistry`, `generatorInfoPerMarket` (also for every mirrored generator × market **without** a row: the
/// chain must say NULL there, so a missed join shows up), `getGeneratorState` (the derived state and idle capacity),
/// `marketData` and `marketCounter`, `listOfAsk`, `getAskState` (at the block's G1 clock) and `askCounter`,
/// `pub_key`, `costPerInputBytes` / `minProvingTime`. Generators referenced by rows or asks but not mirrored are read
/// too and must be empty on chain.
public struct StateVerifier: Sendable {
    /// Runs pinned calls (one JSON-RPC batch is fine); one result per call, in order.
    public typealias CallBatch = @Sendable ([PinnedCall]) async throws -> [Result<[UInt8], any Error>]

    /// The deployment checked.
    public let deployment: KalypsoDeployment
    private let getters: KalypsoGetters

    /// Creates a verifier.
    public init(deployment: KalypsoDeployment) throws {
        self.deployment = deployment
        getters = try KalypsoGetters()
    }

    private struct Check {
        var call: PinnedCall
        var function: ABIFunction
        var compare: ([ABIValue]) -> [VerificationMismatch]
        var entity: String
    }

    /// Verifies `state`, which must be the mirror's state at `block` (its cursor), with the G1 clock `clock` there.
    public func verify(_ state: KalypsoState, at block: Checkpoint, clock: UInt256, call: CallBatch) async throws -> VerificationReport {
        var checks: [Check] = []
        func add(_ to: Address, _ f: ABIFunction, _ args: [ABIValue], _ entity: String, _ compare: @escaping ([ABIValue]) -> [VerificationMismatch]) throws {
            checks.append(Check(call: PinnedCall(to: to, data: try f.encodeCall(args), blockHash: block.blockHash),
                                function: f, compare: compare, entity: entity))
        }
        let gr = deployment.generatorRegistry, pmp = deployment.proofMarketplace, er = deployment.entityKeyRegistry
        let g = getters

        // Generators, and addresses the state references that should not be registered.
        var referenced = Set(state.generatorMarkets.keys.map(\.generator))
        for ask in state.asks.values { if let a = ask.generator { referenced.insert(a) } }
        for address in state.generators.keys.sorted(by: { $0.description < $1.description }) {
            let generator = state.generators[address]
            let entity = "generator \(address.checksummed)"
            try add(gr, g.generatorRegistry, [.address(address)], entity) { v in Self.compareGenerator(generator, v, entity) }
        }
        for address in referenced.subtracting(state.generators.keys).sorted(by: { $0.description < $1.description }) {
            let entity = "generator \(address.checksummed)"
            try add(gr, g.generatorRegistry, [.address(address)], entity) { v in Self.compareGenerator(nil, v, entity) }
        }

        // Rows: every mirrored (generator, market) pair, with and without a row.
        let marketIds = state.markets.keys.sorted()
        for address in state.generators.keys.sorted(by: { $0.description < $1.description }) {
            for m in Set(marketIds + state.rows(of: address).map(\.marketId)).sorted() {
                let row = state.row(address, m)
                let entity = "generator-market (\(address.checksummed), market \(m))"
                try add(gr, g.generatorInfoPerMarket, [.address(address), .uint(m)], entity) { v in Self.compareRow(row, v, entity) }
                if row != nil {
                    let expected = state.getGeneratorState(address, m)
                    try add(gr, g.getGeneratorState, [.address(address), .uint(m)], entity) { v in
                        var out: [VerificationMismatch] = []
                        Self.field(&out, entity, "getGeneratorState.state", expected.map { "\($0.state)" }, v[0].uint64Value.flatMap { GeneratorState(rawValue: UInt8(truncatingIfNeeded: $0)) }.map { "\($0)" } ?? "\(v[0])")
                        Self.field(&out, entity, "getGeneratorState.idleCapacity", expected.map { "\($0.idleCapacity)" }, "\(v[1].uintValue ?? .zero)")
                        return out
                    }
                }
            }
        }

        // Markets and their count.
        try add(pmp, g.marketCounter, [], "markets") { v in
            var out: [VerificationMismatch] = []
            Self.field(&out, "markets", "marketCounter", "\(state.markets.count)", "\(v[0].uintValue ?? .zero)")
            return out
        }
        for m in marketIds {
            let market = state.markets[m]
            let entity = "market \(m)"
            try add(pmp, g.marketData, [.uint(m)], entity) { v in Self.compareMarket(market?.data, v, entity) }
        }

        // Asks, their derived state at the block's clock, and their count.
        try add(pmp, g.askCounter, [], "asks") { v in
            var out: [VerificationMismatch] = []
            Self.field(&out, "asks", "askCounter", "\(state.asks.count)", "\(v[0].uintValue ?? .zero)")
            return out
        }
        for id in state.asks.keys.sorted() {
            let ask = state.asks[id]
            let entity = "ask \(id)"
            try add(pmp, g.listOfAsk, [.uint(id)], entity) { v in Self.compareAsk(ask, v, entity) }
            let derived = state.getAskState(id, now: clock)
            try add(pmp, g.getAskState, [.uint(id)], entity) { v in
                var out: [VerificationMismatch] = []
                let chain = v[0].uint64Value.flatMap { AskState(rawValue: UInt8(truncatingIfNeeded: $0)) }.map { "\($0)" } ?? "\(v[0])"
                Self.field(&out, entity, "getAskState", derived.map { "\($0)" }, chain)
                return out
            }
        }

        // Keys and pricing.
        for id in state.keys.keys.sorted() {
            let key = state.keys[id]
            let entity = "key \(id)"
            try add(er, g.publicKey, [.address(id.owner), .uint(id.keyIndex)], entity) { v in
                var out: [VerificationMismatch] = []
                Self.field(&out, entity, "pub_key", key?.publicKey.map { Hex.encode($0) }, Hex.encode(v[0].bytesValue ?? []))
                return out
            }
        }
        for t in SecretType.allCases {
            let pricing = state.pricing(for: t)
            let entity = "pricing \(t)"
            try add(pmp, g.costPerInputBytes, [.uint(UInt256(UInt64(t.rawValue)))], entity) { v in
                var out: [VerificationMismatch] = []
                Self.field(&out, entity, "costPerInputBytes", "\(pricing.costPerInputBytes)", "\(v[0].uintValue ?? .zero)")
                return out
            }
            try add(pmp, g.minProvingTime, [.uint(UInt256(UInt64(t.rawValue)))], entity) { v in
                var out: [VerificationMismatch] = []
                Self.field(&out, entity, "minProvingTime", "\(pricing.minProvingTime)", "\(v[0].uintValue ?? .zero)")
                return out
            }
        }

        let results = try await call(checks.map(\.call))
        var mismatches: [VerificationMismatch] = []
        for (check, result) in zip(checks, results) {
            switch result {
            case .failure(let error):
                mismatches.append(VerificationMismatch(entity: check.entity, field: check.function.name, mirror: "-", chain: "the call failed: \(error)"))
            case .success(let bytes):
                do {
                    mismatches += check.compare(try check.function.decodeOutput(bytes))
                } catch {
                    mismatches.append(VerificationMismatch(entity: check.entity, field: check.function.name, mirror: "-",
                                                           chain: "undecodable return data (\(bytes.count) bytes): \(error)"))
                }
            }
        }
        let rows = state.generators.keys.reduce(0) { n, a in n + Set(marketIds + state.rows(of: a).map(\.marketId)).count }
        return VerificationReport(block: block, checked: [("generators", state.generators.count + referenced.subtracting(state.generators.keys).count),
                                                          ("generator-market pairs", rows), ("markets", state.markets.count),
                                                          ("asks", state.asks.count), ("keys", state.keys.count), ("pricing", SecretType.allCases.count)],
                                  mismatches: mismatches, calls: checks.count)
    }

    // MARK: Comparisons

    static func field(_ out: inout [VerificationMismatch], _ entity: String, _ name: String, _ mirror: String?, _ chain: String) {
        if mirror != chain { out.append(VerificationMismatch(entity: entity, field: name, mirror: mirror ?? "unknown", chain: chain)) }
    }

    static func u(_ v: ABIValue) -> String { "\(v.uintValue ?? .zero)" }
    static func addr(_ v: ABIValue) -> String { (v.addressValue ?? .zero).checksummed }
    static func bytes(_ v: ABIValue) -> String { Hex.encode(v.anyBytesValue ?? []) }

    static func compareGenerator(_ g: Generator?, _ v: [ABIValue], _ entity: String) -> [VerificationMismatch] {
        var out: [VerificationMismatch] = []
        guard let g else {
            // Not mirrored: the chain must hold nothing (a registered generator has a declared compute and reward address).
            if v[0].addressValue != .zero || v[6].uintValue != .zero || v[1].uintValue != .zero {
                out.append(VerificationMismatch(entity: entity, field: "registration", mirror: "absent",
                                                chain: "registered (declaredCompute \(u(v[6])), totalStake \(u(v[1])))"))
            }
            return out
        }
        field(&out, entity, "rewardAddress", g.rewardAddress?.checksummed, addr(v[0]))
        field(&out, entity, "totalStake", "\(g.totalStake)", u(v[1]))
        field(&out, entity, "sumOfComputeAllocations", "\(g.sumOfComputeAllocations)", u(v[2]))
        field(&out, entity, "computeConsumed", "\(g.computeConsumed)", u(v[3]))
        field(&out, entity, "stakeLocked", "\(g.stakeLocked)", u(v[4]))
        field(&out, entity, "activeMarketplaces", "\(g.activeMarketplaces)", u(v[5]))
        field(&out, entity, "declaredCompute", "\(g.declaredCompute)", u(v[6]))
        field(&out, entity, "intendedStakeUtilization", "\(g.intendedStakeUtilization)", u(v[7]))
        field(&out, entity, "intendedComputeUtilization", "\(g.intendedComputeUtilization)", u(v[8]))
        field(&out, entity, "generatorData", g.generatorData.map { Hex.encode($0) }, bytes(v[9]))
        return out
    }

    static func compareRow(_ row: GeneratorMarket?, _ v: [ABIValue], _ entity: String) -> [VerificationMismatch] {
        var out: [VerificationMismatch] = []
        let chainState = v[0].uint64Value.map { GeneratorState(rawValue: UInt8(truncatingIfNeeded: $0)).map { "\($0)" } ?? "\($0)" } ?? "?"
        guard let row else {
            field(&out, entity, "state", "NULL", chainState)
            return out
        }
        let mirrorState = GeneratorState(rawValue: row.state.rawValue).map { "\($0)" } ?? "\(row.state)"
        field(&out, entity, "state", mirrorState, chainState)
        field(&out, entity, "computePerRequestRequired", "\(row.computePerRequestRequired)", u(v[1]))
        field(&out, entity, "proofGenerationCost", row.proofGenerationCost.map { "\($0)" }, u(v[2]))
        field(&out, entity, "proposedTime", row.proposedTime.map { "\($0)" }, u(v[3]))
        field(&out, entity, "activeRequests", "\(row.activeRequests)", u(v[4]))
        return out
    }

    static func compareMarket(_ m: MarketData?, _ v: [ABIValue], _ entity: String) -> [VerificationMismatch] {
        var out: [VerificationMismatch] = []
        field(&out, entity, "verifier", m?.verifier.checksummed, addr(v[0]))
        field(&out, entity, "proverImageId", m.map { "\($0.proverImageId)" }, bytes(v[1]))
        field(&out, entity, "slashingPenalty", m.map { "\($0.slashingPenalty)" }, u(v[2]))
        field(&out, entity, "activationBlock", m.map { "\($0.activationBlock)" }, u(v[3]))
        field(&out, entity, "ivsImageId", m.map { "\($0.ivsImageId)" }, bytes(v[4]))
        field(&out, entity, "creator", m?.creator.checksummed, addr(v[5]))
        field(&out, entity, "marketmetadata", m.map { Hex.encode($0.metadata) }, bytes(v[6]))
        return out
    }

    static func compareAsk(_ a: Ask?, _ v: [ABIValue], _ entity: String) -> [VerificationMismatch] {
        var out: [VerificationMismatch] = []
        let body = v[0].elements ?? []
        guard body.count == 7 else {
            return [VerificationMismatch(entity: entity, field: "listOfAsk", mirror: "-", chain: "not an ask tuple")]
        }
        let b = a?.body
        field(&out, entity, "ask.marketId", b.map { "\($0.marketId)" }, u(body[0]))
        field(&out, entity, "ask.reward", b.map { "\($0.reward)" }, u(body[1]))
        field(&out, entity, "ask.expiry", b.map { "\($0.expiry)" }, u(body[2]))
        field(&out, entity, "ask.timeTakenForProofGeneration", b.map { "\($0.timeTakenForProofGeneration)" }, u(body[3]))
        field(&out, entity, "ask.deadline", b.map { "\($0.deadline)" }, u(body[4]))
        field(&out, entity, "ask.refundAddress", b?.refundAddress.checksummed, addr(body[5]))
        field(&out, entity, "ask.proverData", b.map { Hex.encode($0.proverData) }, bytes(body[6]))
        let stored = v[1].uint64Value.flatMap { AskState(rawValue: UInt8(truncatingIfNeeded: $0)) }.map { "\($0)" } ?? u(v[1])
        field(&out, entity, "state", a.map { "\($0.storedState.askState)" }, stored)
        field(&out, entity, "requester", a?.requester?.checksummed, addr(v[2]))
        field(&out, entity, "generator", a.map { ($0.generator ?? .zero).checksummed }, addr(v[3]))
        return out
    }
}
