import EthereumKit
@testable import Kalypso

/// An independent transcription of the G1 contract functions (kalypso-contracts.md §3.6, §4.5–4.7) that emits the
/// logs each successful call emits, for differential and property tests. It shares no code with the reducer or
/// the eligibility predicate: a failed `require` returns the revert name instead of logs.
struct ContractModel {
    struct Gen: Equatable {
        var reward: Address, totalStake: UInt256, sumAlloc: UInt256, consumed: UInt256, locked: UInt256
        var activeMarkets: UInt256, declared: UInt256, isu: UInt256, icu: UInt256, data: [UInt8]
    }
    struct Info: Equatable { var state: UInt8; var cpr: UInt256; var cost: UInt256; var time: UInt256; var active: UInt256 }
    struct MarketM { var penalty: UInt256; var activation: UInt256; var isPrivate: Bool }
    struct AskM { var marketId: UInt256; var reward: UInt256; var expiry: UInt256; var time: UInt256; var deadline: UInt256
                  var state: UInt8; var generator: Address }
    typealias Logs = [(KalypsoContract, KalypsoEvent)]
    typealias Outcome = Result<Logs, Revert>
    struct Revert: Error, Equatable { let name: String }

    static let one = ContractMath.exponent
    var gens: [Address: Gen] = [:]
    var infos: [GeneratorMarketKey: Info] = [:]
    var markets: [MarketM] = []
    var asks: [AskM] = []
    var keys: [KeyID: [UInt8]] = [:]
    var unstakeBlock: [Address: UInt256] = [:]
    var reduceBlock: [Address: UInt256] = [:]
    var minProvingTime: [UInt8: UInt256] = [:]
    /// `block.number` (the G1 clock).
    var now: UInt256 = 1000
    /// Implementations before 2024-09-09: a slash emits no registry event.
    var legacySlash = false

    private func fail(_ name: String) -> Outcome { .failure(Revert(name: name)) }
    private func gen(_ g: Address) -> Gen {
        gens[g] ?? Gen(reward: .zero, totalStake: 0, sumAlloc: 0, consumed: 0, locked: 0, activeMarkets: 0, declared: 0, isu: 0, icu: 0, data: [])
    }
    private func info(_ g: Address, _ m: UInt256) -> Info {
        infos[GeneratorMarketKey(generator: g, marketId: m)] ?? Info(state: 0, cpr: 0, cost: 0, time: 0, active: 0)
    }
    private func registered(_ g: Gen) -> Bool { !g.reward.isZero && !g.data.isEmpty }

    // MARK: GeneratorRegistry

    mutating func register(_ g: Address, reward: Address, compute: UInt256, stake: UInt256, data: [UInt8]) -> Outcome {
        if data.isEmpty || reward.isZero || compute.isZero { return fail("CannotBeZero") }
        if !gen(g).reward.isZero { return fail("GeneratorAlreadyExists") }
        gens[g] = Gen(reward: reward, totalStake: stake, sumAlloc: 0, consumed: 0, locked: 0, activeMarkets: 0, declared: compute,
                      isu: Self.one, icu: Self.one, data: data)
        return .success([(.generatorRegistry, .registeredGenerator(.init(generator: g, initialCompute: compute, initialStake: stake,
                                                                           registration: .calldata(.init(rewardAddress: reward, generatorData: data)))))])
    }

    mutating func deregister(_ g: Address) -> Outcome {
        if !gen(g).sumAlloc.isZero { return fail("CannotLeaveWithActiveMarket") }
        gens[g] = nil
        return .success([(.generatorRegistry, .deregisteredGenerator(.init(generator: g)))])
    }

    mutating func changeRewardAddress(_ g: Address, _ r: Address) -> Outcome {
        if r.isZero || gen(g).reward.isZero { return fail("CannotBeZero") }
        gens[g]?.reward = r
        return .success([(.generatorRegistry, .changedGeneratorRewardAddress(.init(generator: g, newRewardAddress: r)))])
    }

    mutating func increaseDeclaredCompute(_ g: Address, _ x: UInt256) -> Outcome {
        guard registered(gen(g)) else { return fail("CannotBeZero") }
        guard let sum = gen(g).declared.adding(x) else { return fail("Panic") }
        gens[g]?.declared = sum
        return .success([(.generatorRegistry, .increasedCompute(.init(generator: g, compute: x)))])
    }

    mutating func intendToReduceCompute(_ g: Address, _ x: UInt256) -> Outcome {
        let s = gen(g)
        if !registered(s) || x.isZero { return fail("CannotBeZero") }
        if s.icu != Self.one { return fail("RequestAlreadyInPlace") }
        guard let newTotal = s.declared.subtracting(x) else { return fail("Panic") }
        let icu = newTotal * Self.one / s.declared
        if newTotal <= s.sumAlloc || icu >= Self.one { return fail("ExceedsAcceptableRange") }
        gens[g]?.icu = icu
        reduceBlock[g] = now + 1
        return .success([(.generatorRegistry, .requestComputeDecrease(.init(generator: g, intendedUtilization: icu)))])
    }

    mutating func decreaseDeclaredCompute(_ g: Address) -> Outcome {
        let s = gen(g)
        if !registered(s) { return fail("InvalidGenerator") }
        if s.icu == Self.one { return fail("ReduceComputeRequestNotInPlace") }
        let newTotal = s.icu * s.declared / Self.one
        let released = s.declared - newTotal
        if newTotal < s.consumed || newTotal < s.sumAlloc { return fail("InsufficientGeneratorComputeAvailable") }
        let at = reduceBlock[g] ?? 0
        if !(now >= at && !at.isZero) { return fail("ReductionRequestNotValid") }
        gens[g]?.declared = newTotal
        gens[g]?.icu = Self.one
        reduceBlock[g] = nil
        return .success([(.generatorRegistry, .decreaseCompute(.init(generator: g, compute: released)))])
    }

    mutating func stake(_ g: Address, _ amount: UInt256) -> Outcome {
        if !registered(gen(g)) { return fail("InvalidGenerator") }
        if amount.isZero { return fail("CannotBeZero") }
        gens[g]?.totalStake += amount
        return .success([(.generatorRegistry, .addedStake(.init(generator: g, amount: amount)))])
    }

    mutating func intendToReduceStake(_ g: Address, _ x: UInt256) -> Outcome {
        let s = gen(g)
        if !registered(s) || x.isZero { return fail("CannotBeZero") }
        if s.icu != Self.one { return fail("RequestAlreadyInPlace") } // the guard tests ICU (§3.6)
        guard let newTotal = s.totalStake.subtracting(x) else { return fail("Panic") }
        let isu = newTotal * Self.one / s.totalStake
        gens[g]?.isu = isu
        unstakeBlock[g] = now + 1
        return .success([(.generatorRegistry, .requestStakeDecrease(.init(generator: g, intendedUtilization: isu)))])
    }

    mutating func unstake(_ g: Address) -> Outcome {
        let s = gen(g)
        if !registered(s) { return fail("InvalidGenerator") }
        if s.isu == Self.one { return fail("UnstakeRequestNotInPlace") }
        let newTotal = s.isu * s.totalStake / Self.one
        if newTotal < s.locked { return fail("InsufficientStakeToLock") }
        let at = unstakeBlock[g] ?? 0
        if !(now >= at && !at.isZero) { return fail("ReductionRequestNotValid") }
        let amount = s.totalStake - newTotal
        gens[g]?.totalStake = newTotal
        gens[g]?.isu = Self.one
        unstakeBlock[g] = nil
        return .success([(.generatorRegistry, .removedStake(.init(generator: g, amount: amount)))])
    }

    mutating func joinMarketplace(_ g: Address, _ m: UInt256, cpr: UInt256, cost: UInt256, time: UInt256) -> Outcome {
        let s = gen(g)
        if s.reward.isZero || time.isZero || cpr.isZero { return fail("CannotBeZero") }
        guard let mi = m.int, mi < markets.count else { return fail("EmptyRevert") }
        if info(g, m).state != 0 { return fail("AlreadyJoinedMarket") }
        if s.sumAlloc + cpr > s.declared { return fail("CannotBeMoreThanDeclaredCompute") }
        gens[g]?.sumAlloc += cpr
        gens[g]?.activeMarkets += 1
        infos[GeneratorMarketKey(generator: g, marketId: m)] = Info(state: 1, cpr: cpr, cost: cost, time: time, active: 0)
        return .success([(.generatorRegistry, .joinedMarketplace(.init(generator: g, marketId: m, computeAllocation: cpr,
                                                                         terms: .calldata(.init(proofGenerationCost: cost, proposedTime: time)))))])
    }

    /// `getGeneratorState` transcribed: (state, idle); nil = Panic.
    func generatorState(_ g: Address, _ m: UInt256) -> (UInt8, UInt256)? {
        let i = info(g, m), s = gen(g)
        if i.state == 0 { return (0, 0) }
        if i.state == 4 { return (4, 0) }
        guard let product = s.declared.multiplied(by: s.icu) else { return nil }
        let maxUsable = product / Self.one
        let idle = maxUsable < s.consumed ? UInt256.zero : maxUsable - s.consumed
        if idle.isZero { return (2, 0) }
        if idle == s.declared { return (1, idle) }
        if idle < s.declared { return (3, idle) }
        return (0, 0)
    }

    mutating func requestForExit(_ g: Address, _ m: UInt256) -> Outcome {
        guard let (state, _) = generatorState(g, m) else { return fail("Panic") }
        if state == 0 || state == 4 { return fail("OnlyValidGeneratorsCanRequestExit") }
        infos[GeneratorMarketKey(generator: g, marketId: m)]?.state = 4
        var logs: Logs = [(.generatorRegistry, .requestExitMarketplace(.init(generator: g, marketId: m)))]
        if info(g, m).active.isZero {
            guard case .success(let leave) = leaveMarketplace(g, m) else { return fail("Leave") }
            logs += leave
        }
        return .success(logs)
    }

    mutating func leaveMarketplace(_ g: Address, _ m: UInt256) -> Outcome {
        guard let mi = m.int, mi < markets.count else { return fail("EmptyRevert") }
        let i = info(g, m)
        if i.state == 0 { return fail("InvalidGeneratorStatePerMarket") }
        if !i.active.isZero { return fail("CannotLeaveMarketWithActiveRequest") }
        gens[g]?.sumAlloc -= i.cpr
        gens[g]?.activeMarkets -= 1
        infos[GeneratorMarketKey(generator: g, marketId: m)] = nil
        return .success([(.generatorRegistry, .leftMarketplace(.init(generator: g, marketId: m)))])
    }

    mutating func updateKey(_ g: Address, _ m: UInt256, key: [UInt8]) -> Outcome {
        keys[KeyID(owner: g, keyIndex: m)] = key
        return .success([(.entityKeyRegistry, .enclaveKeyVerified(.init(enclavePubKeyHash: Keccak256.hash(key), imageId: F.hash(77)))),
                         (.entityKeyRegistry, .updateKey(.init(user: g, keyIndex: m, key: .calldata(key))))])
    }

    mutating func removeKey(_ g: Address, _ m: UInt256) -> Outcome {
        keys[KeyID(owner: g, keyIndex: m)] = nil
        return .success([(.entityKeyRegistry, .removeKey(.init(user: g, keyIndex: m)))])
    }

    // MARK: ProofMarketplace

    mutating func createMarketplace(penalty: UInt256, isPrivate: Bool) -> Outcome {
        if penalty.isZero { return fail("CannotBeZero") }
        let id = UInt256(UInt64(markets.count))
        let market = MarketM(penalty: penalty, activation: now + ContractMath.marketActivationDelay, isPrivate: isPrivate)
        markets.append(market)
        let data = MarketData(verifier: F.address(500), proverImageId: isPrivate ? F.hash(77) : .zero, slashingPenalty: penalty,
                              activationBlock: market.activation, ivsImageId: F.hash(78), creator: F.address(501), metadata: [1])
        return .success([(.proofMarketplace, .marketplaceCreated(.init(marketId: id, market: .pinnedCall(data, blockHash: F.hash(3)))))])
    }

    mutating func createAsk(market m: UInt256, reward: UInt256, expiry: UInt256, time: UInt256, secretType: UInt8, legacy: Bool) -> Outcome {
        if reward.isZero { return fail("CannotBeZero") }
        if expiry <= now + (minProvingTime[secretType] ?? 0) { return fail("CannotAssignExpiredTasks") }
        guard let mi = m.int, mi < markets.count else { return fail("Panic") }
        if now < markets[mi].activation { return fail("InactiveMarket") }
        let id = UInt256(UInt64(asks.count))
        asks.append(AskM(marketId: m, reward: reward, expiry: expiry, time: time, deadline: 0, state: 1, generator: .zero))
        let body = AskBody(marketId: m, reward: reward, expiry: expiry, timeTakenForProofGeneration: time, deadline: 0,
                           refundAddress: F.refund, proverData: [1])
        let priv = markets[mi].isPrivate
        return .success([(.proofMarketplace, .askCreated(.init(askId: id, hasPrivateInputs: priv, secretData: priv ? [5] : [], acl: priv ? [6] : [],
                                                                extraData: legacy ? [] : [4], variant: legacy ? .legacy : .current,
                                                                details: .calldata(.init(body: body, requester: F.requester, secretType: SecretType(rawValue: secretType))))))])
    }

    /// `getAskState` transcribed.
    func askState(_ a: Int) -> UInt8 {
        let ask = asks[a]
        if ask.state == 1 { return ask.expiry > now ? 1 : 2 }
        if ask.state == 3 { return ask.deadline < now ? 5 : 3 }
        return ask.state
    }

    mutating func assignTask(_ askId: UInt256, _ g: Address) -> Outcome {
        guard let a = askId.int, a < asks.count else { return fail("Panic") }
        if askState(a) != 1 { return fail("ShouldBeInCreateState") }
        let ask = asks[a], i = info(g, ask.marketId)
        if ask.reward < i.cost { return fail("ProofPriceMismatch") }
        if ask.time < i.time { return fail("ProofTimeMismatch") }
        guard let deadline = now.adding(ask.time) else { return fail("Panic") }
        let penalty = markets[ask.marketId.int ?? 0].penalty
        // GeneratorRegistry.assignGeneratorTask
        guard let (state, idle) = generatorState(g, ask.marketId) else { return fail("Panic") }
        if !(state == 1 || state == 3) { return fail("AssignOnlyToIdleGenerators") }
        if i.cpr > idle { return fail("InsufficientGeneratorComputeAvailable") }
        if i.active > 100 { return fail("MaxParallelRequestsPerMarketExceeded") }
        let s = gen(g)
        guard let usable = s.totalStake.multiplied(by: s.isu).map({ $0 / Self.one }) else { return fail("Panic") }
        let available = usable < s.locked ? UInt256.zero : usable - s.locked
        if available < penalty { return fail("InsufficientStakeToLock") }
        asks[a].state = 3
        asks[a].deadline = deadline
        asks[a].generator = g
        gens[g]?.locked += penalty
        gens[g]?.consumed += i.cpr
        infos[GeneratorMarketKey(generator: g, marketId: ask.marketId)]?.active += 1
        return .success([(.generatorRegistry, .stakeLockImposed(.init(generator: g, stake: penalty))),
                         (.generatorRegistry, .computeLockImposed(.init(generator: g, compute: i.cpr))),
                         (.proofMarketplace, .taskCreated(.init(askId: askId, generator: g, newAcl: [],
                                                                deadline: .pinnedCall(deadline, blockHash: F.hash(4)))))])
    }

    mutating func submitProof(_ askId: UInt256, invalidInputs: Bool) -> Outcome {
        guard let a = askId.int, a < asks.count else { return fail("Panic") }
        let ask = asks[a]
        if gen(ask.generator).reward.isZero { return fail("CannotBeZero") }
        if askState(a) != 3 { return fail("OnlyAssignedAsksCanBeProved") }
        guard let (state, _) = generatorState(ask.generator, ask.marketId) else { return fail("Panic") }
        if state == 0 || state == 1 { return fail("OnlyWorkingGenerators") }
        let penalty = markets[ask.marketId.int ?? 0].penalty, cpr = info(ask.generator, ask.marketId).cpr
        asks[a].state = 4
        gens[ask.generator]?.locked -= penalty
        gens[ask.generator]?.consumed -= cpr
        infos[GeneratorMarketKey(generator: ask.generator, marketId: ask.marketId)]?.active -= 1
        let last: KalypsoEvent = invalidInputs ? .invalidInputsDetected(.init(askId: askId)) : .proofCreated(.init(askId: askId, proof: [0x99]))
        return .success([(.generatorRegistry, .stakeLockReleased(.init(generator: ask.generator, stake: penalty))),
                         (.generatorRegistry, .computeLockReleased(.init(generator: ask.generator, compute: cpr))),
                         (.proofMarketplace, last)])
    }

    /// `slashGenerator` (anyone, after the deadline) or `discardRequest` (the generator, while assigned).
    mutating func slash(_ askId: UInt256, discard: Bool) -> Outcome {
        guard let a = askId.int, a < asks.count else { return fail("Panic") }
        let ask = asks[a]
        if discard {
            if askState(a) != 3 { return fail("ShouldBeInAssignedState") }
        } else if askState(a) != 5 {
            return fail("ShouldBeInCrossedDeadlineState")
        }
        guard let (state, _) = generatorState(ask.generator, ask.marketId) else { return fail("Panic") }
        if state == 0 || state == 1 { return fail("CannotBeSlashed") }
        let penalty = markets[ask.marketId.int ?? 0].penalty, cpr = info(ask.generator, ask.marketId).cpr
        asks[a].state = 4
        infos[GeneratorMarketKey(generator: ask.generator, marketId: ask.marketId)]?.active -= 1
        gens[ask.generator]?.totalStake -= penalty
        gens[ask.generator]?.locked -= penalty
        gens[ask.generator]?.consumed -= cpr
        var logs: Logs = [(.proofMarketplace, .proofNotGenerated(.init(askId: askId)))]
        if !legacySlash {
            logs += [(.generatorRegistry, .stakeSlashed(.init(generator: ask.generator, stake: penalty))),
                     (.generatorRegistry, .computeLockReleased(.init(generator: ask.generator, compute: cpr)))]
        }
        return .success(logs)
    }

    mutating func cancelAsk(_ askId: UInt256) -> Outcome {
        guard let a = askId.int, a < asks.count else { return fail("Panic") }
        if askState(a) != 2 { return fail("OnlyExpiredAsksCanBeCancelled") }
        asks[a].state = 4
        return .success([(.proofMarketplace, .askCancelled(.init(askId: askId)))])
    }

    mutating func updateMinProvingTime(_ t: UInt8, _ v: UInt256) -> Outcome {
        minProvingTime[t] = v
        return .success([(.proofMarketplace, .updateMinProvingTime(.init(secretType: SecretType(rawValue: t) ?? .null, newProvingTime: v)))])
    }
}
