import EthereumKit
@testable import Kalypso

/// Drives the `ContractModel` with random calls (fixed seed) and feeds the logs of every successful call to the
/// mirror as one transaction, keeping the model's clock and the chain's G1 clock equal.
struct Scenario {
    var model = ContractModel()
    var chain = Chain()
    var rng: SplitMix64
    let generators: [Address] = (1...5).map { F.address(UInt64($0)) }
    var calls = 0
    var reverts = 0
    /// The revert of the last failed call.
    var lastRevert = ""

    init(seed: UInt64, legacySlash: Bool = false) {
        rng = SplitMix64(seed: seed)
        model.legacySlash = legacySlash
        chain.clock = model.now
    }

    private mutating func pick<T>(_ list: [T]) -> T? {
        list.isEmpty ? nil : list[Int(rng.next() % UInt64(list.count))]
    }
    private mutating func small(_ range: ClosedRange<UInt64>) -> UInt256 {
        UInt256(range.lowerBound + rng.next() % (range.upperBound - range.lowerBound + 1))
    }
    private mutating func anyMarket() -> UInt256 { small(0...UInt64(max(model.markets.count, 1))) }
    private mutating func anyAsk() -> UInt256 { small(0...UInt64(max(model.asks.count, 1))) }
    /// Mostly an ask with the given stored state, sometimes any id (including one past the end).
    private mutating func ask(stored state: UInt8) -> UInt256 {
        let matching = model.asks.indices.filter { model.asks[$0].state == state }
        if rng.next() % 5 != 0, let i = pick(matching) { return UInt256(UInt64(i)) }
        return anyAsk()
    }
    /// Mostly a generator listed in the ask's market.
    private mutating func member(of askId: UInt256, or fallback: Address) -> Address {
        guard rng.next() % 4 != 0, let i = askId.int, i < model.asks.count else { return fallback }
        let m = model.asks[i].marketId
        return pick(generators.filter { model.infos[GeneratorMarketKey(generator: $0, marketId: m)] != nil }) ?? fallback
    }

    /// One random call; returns its name and the reduction if it succeeded.
    mutating func step() -> (String, TransactionReduction?) {
        let g = pick(generators) ?? F.g1
        let (name, outcome): (String, ContractModel.Outcome)
        switch rng.next() % 32 {
        case 0, 1: (name, outcome) = ("register", model.register(g, reward: pick([F.reward1, F.reward2]) ?? F.reward1, compute: small(40...150), stake: rng.next() % 2 == 0 ? small(0...60) : small(0...400), data: [UInt8(rng.next() & 0xff)]))
        case 2: (name, outcome) = ("deregister", model.deregister(g))
        case 3: (name, outcome) = ("changeRewardAddress", model.changeRewardAddress(g, F.address(300 + rng.next() % 3)))
        case 4: (name, outcome) = ("increaseDeclaredCompute", model.increaseDeclaredCompute(g, small(0...40)))
        case 5: (name, outcome) = ("intendToReduceCompute", model.intendToReduceCompute(g, small(1...60)))
        case 6: (name, outcome) = ("decreaseDeclaredCompute", model.decreaseDeclaredCompute(g))
        case 7: (name, outcome) = ("stake", model.stake(g, small(0...50)))
        case 8: (name, outcome) = ("intendToReduceStake", model.intendToReduceStake(g, small(1...200)))
        case 9: (name, outcome) = ("unstake", model.unstake(g))
        case 10, 11, 12: (name, outcome) = ("joinMarketplace", model.joinMarketplace(g, anyMarket(), cpr: small(1...15), cost: small(0...12), time: small(1...18)))
        case 13: (name, outcome) = ("requestForExit", model.requestForExit(g, anyMarket()))
        case 14: (name, outcome) = ("leaveMarketplace", model.leaveMarketplace(g, anyMarket()))
        case 15: (name, outcome) = ("createMarketplace", model.markets.count < 4 ? model.createMarketplace(penalty: small(1...80), isPrivate: rng.next() % 2 == 0) : .failure(.init(name: "enough markets")))
        case 16, 17, 18: (name, outcome) = ("createAsk", model.createAsk(market: anyMarket(), reward: small(0...25), expiry: model.now + small(0...300),
                                                                           time: small(1...30), secretType: UInt8(rng.next() % 3), legacy: rng.next() % 3 == 0))
        case 19, 20, 21, 22, 23:
            let a = ask(stored: 1)
            (name, outcome) = ("assignTask", model.assignTask(a, member(of: a, or: g)))
        case 24, 25: (name, outcome) = ("submitProof", model.submitProof(ask(stored: 3), invalidInputs: rng.next() % 4 == 0))
        case 26: (name, outcome) = ("slash", model.slash(ask(stored: 3), discard: rng.next() % 2 == 0))
        case 27: (name, outcome) = ("cancelAsk", model.cancelAsk(ask(stored: 1)))
        case 28: (name, outcome) = ("key", rng.next() % 3 == 0 ? model.removeKey(g, anyMarket())
                                        : model.updateKey(g, anyMarket(), key: [UInt8](repeating: UInt8(rng.next() & 0xff), count: 64)))
        default:
            // Mine a few empty blocks: time passes on the G1 clock.
            let k = small(1...20)
            model.now = model.now + k
            chain.clock = model.now
            return ("mine", nil)
        }
        calls += 1
        guard case .success(let logs) = outcome else {
            if case .failure(let r) = outcome { lastRevert = r.name }
            reverts += 1
            return (name, nil)
        }
        chain.clock = model.now
        let reduction = chain.tx(logs)
        model.now = model.now + .one
        return (name, reduction)
    }

    /// Differences between the model (the contract) and the mirror, as readable lines; empty when they agree.
    func differences() -> [String] {
        var out: [String] = []
        let s = chain.state
        for (a, m) in model.gens {
            guard let g = s.generators[a] else { out.append("generator \(a) missing"); continue }
            let mirrored = ContractModel.Gen(reward: g.rewardAddress ?? .zero, totalStake: g.totalStake, sumAlloc: g.sumOfComputeAllocations,
                                             consumed: g.computeConsumed, locked: g.stakeLocked, activeMarkets: g.activeMarketplaces,
                                             declared: g.declaredCompute, isu: g.intendedStakeUtilization, icu: g.intendedComputeUtilization,
                                             data: g.generatorData ?? [])
            if mirrored != m { out.append("generator \(a): contract \(m), mirror \(mirrored)") }
            if (m.icu != ContractModel.one) != (g.pendingComputeReduction != nil) { out.append("generator \(a): compute intent marker") }
            if (m.isu != ContractModel.one) != (g.pendingStakeReduction != nil) { out.append("generator \(a): stake intent marker") }
        }
        for a in s.generators.keys where model.gens[a] == nil { out.append("generator \(a) should not exist") }
        for (k, m) in model.infos {
            guard let r = s.generatorMarkets[k] else { out.append("row \(k) missing"); continue }
            let mirrored = ContractModel.Info(state: r.state.rawValue, cpr: r.computePerRequestRequired, cost: r.proofGenerationCost ?? .max,
                                              time: r.proposedTime ?? .max, active: r.activeRequests)
            if mirrored != m { out.append("row \(k): contract \(m), mirror \(mirrored)") }
        }
        for k in s.generatorMarkets.keys where model.infos[k] == nil { out.append("row \(k) should not exist") }
        for (i, m) in model.asks.enumerated() {
            guard let a = s.asks[UInt256(UInt64(i))], let body = a.body else { out.append("ask \(i) missing"); continue }
            if a.storedState.rawValue != m.state { out.append("ask \(i): state \(m.state) vs \(a.storedState)") }
            if m.state != 1 && a.generator != nil && a.generator != m.generator { out.append("ask \(i): generator") }
            if (m.state == 3 || a.outcome == .proved) && body.deadline != m.deadline { out.append("ask \(i): deadline \(m.deadline) vs \(body.deadline)") }
            if s.getAskState(UInt256(UInt64(i)), now: model.now)?.rawValue != model.askState(i) { out.append("ask \(i): derived state") }
        }
        if s.asks.count != model.asks.count { out.append("ask count \(s.asks.count) vs \(model.asks.count)") }
        for (k, key) in model.keys where s.keys[k]?.publicKey != key { out.append("key \(k)") }
        for k in s.keys.keys where model.keys[k] == nil { out.append("key \(k) should not exist") }
        for g in generators {
            for m in 0..<UInt64(model.markets.count) {
                let mirrored = s.getGeneratorState(g, UInt256(m)), contract = model.generatorState(g, UInt256(m))
                if mirrored?.state.rawValue != contract?.0 || mirrored?.idleCapacity != contract?.1 {
                    out.append("getGeneratorState(\(g), \(m)): contract \(String(describing: contract)), mirror \(String(describing: mirrored))")
                }
            }
        }
        return out
    }
}
