import EthereumKit
@testable import Kalypso

/// A deterministic RNG for the store's property tests (SplitMix64, fixed seeds), with value helpers.
struct StoreRNG: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func below(_ n: UInt64) -> UInt64 { n == 0 ? 0 : next() % n }
    mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(below(UInt64(range.count))) }
    mutating func chance(_ percent: UInt64) -> Bool { below(100) < percent }
    mutating func pick<T>(_ list: [T]) -> T { list[Int(below(UInt64(list.count)))] }

    /// Zero, small, 1e18-ish, 64-bit, full-width or the maximum.
    mutating func u256() -> UInt256 {
        switch below(6) {
        case 0: return .zero
        case 1: return UInt256(below(1000))
        case 2: return UInt256(below(10)) * ContractMath.exponent
        case 3: return UInt256(next())
        case 4: return UInt256(l0: next(), l1: next(), l2: next(), l3: next())
        default: return .max
        }
    }

    /// A block number that fits a SQL integer.
    mutating func block() -> UInt64 { chance(80) ? below(100_000) : next() >> 2 }

    mutating func address() -> Address {
        chance(20) ? .zero : Address(hi: UInt32(truncatingIfNeeded: next()), mid: next(), lo: next())
    }

    mutating func hash() -> Hash32 { Hash32(w0: next(), w1: next(), w2: next(), w3: next()) }

    mutating func bytes(max: Int = 80) -> [UInt8] { (0..<int(0...max)).map { _ in UInt8(truncatingIfNeeded: next()) } }

    mutating func maybe<T>(_ make: (inout StoreRNG) -> T) -> T? { chance(30) ? nil : make(&self) }

    mutating func hashSet() -> Set<Hash32> { Set((0..<int(0...3)).map { _ in hash() }) }
}

/// Random entity values with every optional field sometimes nil, for the codec and row round trips.
enum RandomEntities {
    static func value(_ r: inout StoreRNG) -> EntityValue {
        switch r.below(10) {
        case 0:
            return .generator(Generator(
                address: r.address(), rewardAddress: r.maybe { $0.address() }, totalStake: r.u256(), sumOfComputeAllocations: r.u256(),
                computeConsumed: r.u256(), stakeLocked: r.u256(), activeMarketplaces: r.u256(), declaredCompute: r.u256(),
                intendedStakeUtilization: r.u256(), intendedComputeUtilization: r.u256(), generatorData: r.maybe { $0.bytes() },
                pendingStakeReduction: r.maybe { PendingIntent(requestedInBlock: $0.block(), executableFromClock: $0.maybe { $0.u256() }) },
                pendingComputeReduction: r.maybe { PendingIntent(requestedInBlock: $0.block(), executableFromClock: $0.maybe { $0.u256() }) },
                registeredInBlock: r.block()))
        case 1:
            return .generatorMarket(GeneratorMarket(
                generator: r.address(), marketId: r.u256(), state: r.pick(StoredMarketState.allCases), computePerRequestRequired: r.u256(),
                proofGenerationCost: r.maybe { $0.u256() }, proposedTime: r.maybe { $0.u256() }, activeRequests: r.u256(), joinedInBlock: r.block()))
        case 2:
            return .market(Market(
                id: r.u256(),
                data: r.maybe { MarketData(verifier: $0.address(), proverImageId: $0.hash(), slashingPenalty: $0.u256(), activationBlock: $0.u256(),
                                          ivsImageId: $0.hash(), creator: $0.address(), metadata: $0.bytes()) },
                extraProverImages: r.hashSet(), extraIvsImages: r.hashSet(), frozen: r.chance(50), createdInBlock: r.block()))
        case 3:
            return .ask(Ask(
                id: r.u256(),
                body: r.maybe { AskBody(marketId: $0.u256(), reward: $0.u256(), expiry: $0.u256(), timeTakenForProofGeneration: $0.u256(),
                                        deadline: $0.u256(), refundAddress: $0.address(), proverData: $0.bytes()) },
                storedState: r.pick(StoredAskState.allCases), requester: r.maybe { $0.address() }, generator: r.maybe { $0.address() },
                hasPrivateInputs: r.chance(50), secretData: r.bytes(), acl: r.bytes(), extraData: r.bytes(), newAcl: r.maybe { $0.bytes() },
                outcome: r.maybe { $0.pick(AskOutcome.allCases) }, proof: r.maybe { $0.bytes() }, secretType: r.maybe { $0.pick(SecretType.allCases) },
                createdInBlock: r.block(), assignedInBlock: r.maybe { $0.block() }, completedInBlock: r.maybe { $0.block() }))
        case 4:
            return .key(EnclaveKey(owner: r.address(), keyIndex: r.u256(), publicKey: r.maybe { $0.bytes(max: 64) }, updatedInBlock: r.block()))
        case 5:
            return .pricing(Pricing(secretType: r.pick(SecretType.allCases), costPerInputBytes: r.u256(), minProvingTime: r.u256()))
        case 6:
            var roles: [Hash32: Set<Address>] = [:]
            for _ in 0..<r.int(0...3) { roles[r.hash()] = Set((0..<r.int(0...3)).map { _ in r.address() }) }
            var admins: [Hash32: Hash32] = [:]
            for _ in 0..<r.int(0...2) { admins[r.hash()] = r.hash() }
            return .contract(ContractFlags(contract: r.pick(KalypsoContract.allCases), paused: r.chance(50), implementation: r.maybe { $0.address() },
                                           initializedVersion: r.maybe { $0.chance(20) ? .max : $0.below(10) }, roleMembers: roles, roleAdmins: admins))
        case 7:
            return .ivsSigner(IvsSigner(marketId: r.u256(), signer: r.address(), addedInBlock: r.block()))
        case 8:
            return .enclaveImage(EnclaveImage(imageId: r.hash(), pcrs: r.maybe { EnclavePCRs(pcr0: $0.bytes(max: 48), pcr1: $0.bytes(max: 48), pcr2: $0.bytes(max: 48)) },
                                              whitelisted: r.chance(50), blacklisted: r.chance(50), families: r.hashSet()))
        default:
            return .verifiedEnclaveKey(VerifiedEnclaveKey(publicKeyHash: r.hash(), imageId: r.hash(), verifiedInBlock: r.block()))
        }
    }
}
