import EthereumKit
import Kalypso

/// The checks run against the chain's view before any gas is spent: the contract's revert conditions (§3.6, §5.3,
/// §6) restated with the operator's fix, plus advice where the contract would accept something pointless.
/// Pure: the snapshot holds everything read.
public enum Preflight {
    /// Every finding for `operation` on `s`, errors and warnings, in the order the contract would meet them.
    /// The allowance is not checked here (see `approvalShortfall`).
    public static func check(_ operation: GeneratorOperation, _ s: PreflightSnapshot) -> [PreflightFinding] {
        var f: [PreflightFinding] = []
        switch operation {
        case let .register(reward, compute, stake, data):
            if !s.generator.rewardAddressOrZero.isZero {
                f.append(.error("already-registered", "\(s.sender.checksummed) is already registered (reward address \(s.generator.rewardAddressOrZero.checksummed), declared compute \(s.generator.declaredCompute), stake \(s.stakingToken.format(s.generator.totalStake))); use 'generator stake', 'increase-compute' or 'change-reward-address', or 'deregister' first"))
            }
            if reward.isZero { f.append(.error("zero-reward-address", "--reward-address must not be the zero address")) }
            if compute.isZero { f.append(.error("zero-compute", "--declared-compute must be at least 1")) }
            if data.isEmpty { f.append(.error("empty-data", "--data must not be empty (e.g. '{\"name\":\"my-generator\"}')")) }
            tokens(stake, s, &f)
            if stake.isZero {
                f.append(.warning("no-stake", "registering without stake: no task can be assigned until the free stake covers a market's slashing penalty; run 'generator stake --amount …' afterwards"))
            }
        case let .stake(amount, target):
            if amount.isZero { f.append(.error("zero-amount", "--amount must be more than 0")) }
            let record = target.flatMap { $0 == s.sender ? nil : s.target } ?? s.generator
            if !record.isRegistered {
                if let target, target != s.sender {
                    f.append(.error("target-not-registered", "\(target.checksummed) is not a registered generator; check --for"))
                } else {
                    f.append(notRegistered(s, hint: "'generator register --initial-stake …' stakes in the same transaction"))
                }
            }
            tokens(amount, s, &f)
        case let .intendToReduceStake(amount):
            requireRegistered(s, &f)
            if amount.isZero { f.append(.error("zero-amount", "--amount must be more than 0")) }
            let g = s.generator
            guard g.isRegistered else { break }
            if amount > g.totalStake {
                f.append(.error("exceeds-stake", "--amount \(s.stakingToken.format(amount)) is more than the total stake \(s.stakingToken.format(g.totalStake))"))
            }
            if g.intendedComputeUtilization != ContractMath.exponent {
                f.append(.error("compute-intent-pending", "a compute reduction is pending, and the contract's stake-intent guard tests the compute utilisation (RequestAlreadyInPlace); run 'generator decrease-compute' first"))
            }
            if g.intendedStakeUtilization != ContractMath.exponent {
                f.append(.warning("stake-intent-pending", "a stake reduction is already pending; this one replaces it (the contract overwrites the intent)"))
            }
            if amount <= g.totalStake, g.totalStake - amount < g.stakeLocked {
                f.append(.warning("stake-locked", "\(s.stakingToken.format(g.stakeLocked)) is locked by running tasks; 'unstake' fails until the stake left (\(s.stakingToken.format(g.totalStake - amount))) covers the locked stake"))
            }
        case let .unstake(to):
            requireRegistered(s, &f)
            if to.isZero { f.append(.error("zero-address", "--to must not be the zero address")) }
            let g = s.generator
            if g.isRegistered && g.intendedStakeUtilization == ContractMath.exponent {
                f.append(.error("no-stake-intent", "no stake reduction is pending; run 'generator intend-reduce-stake --amount …' first, then unstake from the next block on"))
            } else if let left = g.maxUsableStake, left < g.stakeLocked {
                f.append(.error("stake-locked", "the stake left after unstaking (\(s.stakingToken.format(left))) would be below the stake locked by running tasks (\(s.stakingToken.format(g.stakeLocked))); wait for those tasks to finish"))
            }
        case let .increaseCompute(amount):
            requireRegistered(s, &f)
            if amount.isZero { f.append(.error("zero-amount", "--amount must be more than 0 (increasing by 0 changes nothing)")) }
        case let .intendToReduceCompute(amount):
            requireRegistered(s, &f)
            let g = s.generator
            if amount.isZero { f.append(.error("zero-amount", "--amount must be more than 0")) }
            if g.isRegistered && g.intendedComputeUtilization != ContractMath.exponent {
                f.append(.error("compute-intent-pending", "a compute reduction is already pending; run 'generator decrease-compute' first"))
            }
            if g.isRegistered, amount > g.declaredCompute {
                f.append(.error("exceeds-compute", "--amount \(amount) is more than the declared compute \(g.declaredCompute)"))
            } else if g.isRegistered, !amount.isZero, g.declaredCompute - amount <= g.sumOfComputeAllocations {
                f.append(.error("allocated-compute", "markets hold \(g.sumOfComputeAllocations) of the declared compute \(g.declaredCompute); what is left (\(g.declaredCompute - amount)) must stay above that: reduce by less, or leave markets first"))
            } else if g.isRegistered, !amount.isZero, g.intendedComputeUtilization == ContractMath.exponent,
                      let released = roundedReduction(g.declaredCompute, by: amount), released != amount {
                f.append(.warning("reduction-rounding", "the contract keeps the intent as a ratio rounded down, so 'decrease-compute' will reduce the declared compute by \(released) (to \(g.declaredCompute - released)), not by \(amount)"))
            }
        case .decreaseCompute:
            requireRegistered(s, &f)
            let g = s.generator
            if g.isRegistered && g.intendedComputeUtilization == ContractMath.exponent {
                f.append(.error("no-compute-intent", "no compute reduction is pending; run 'generator intend-reduce-compute --amount …' first, then decrease-compute from the next block on"))
            } else if let left = g.maxUsableCompute {
                if left < g.computeConsumed {
                    f.append(.error("compute-in-use", "running tasks use \(g.computeConsumed) compute, more than the \(left) left after the reduction; wait for them to finish"))
                } else if left < g.sumOfComputeAllocations {
                    f.append(.error("allocated-compute", "markets hold \(g.sumOfComputeAllocations) compute, more than the \(left) left after the reduction; leave markets first"))
                }
            }
        case let .changeRewardAddress(address):
            if s.generator.rewardAddressOrZero.isZero { f.append(notRegistered(s, hint: nil)) }
            if address.isZero { f.append(.error("zero-address", "the new reward address must not be the zero address")) }
            if address == s.generator.rewardAddressOrZero && !address.isZero {
                f.append(.error("same-reward-address", "\(address.checksummed) is already the reward address; nothing to change"))
            }
        case let .joinMarket(p):
            join(p, s, &f)
        case let .requestExit(market):
            guard marketExists(market, s, &f) else { break }
            if let row = s.row {
                if row.state == .requestedForExit {
                    let next = row.activeRequests.isZero ? "run 'generator leave-market --market \(market)'"
                        : "\(row.activeRequests) request(s) are still active: finish them, then run 'generator leave-market --market \(market)'"
                    f.append(.error("exit-already-requested", "already requested to leave market \(market); \(next)"))
                } else if row.activeRequests.isZero {
                    f.append(.warning("leaves-now", "no active requests in market \(market): the generator leaves it in this same transaction"))
                }
            } else {
                f.append(notJoined(market))
            }
        case let .leaveMarket(market):
            guard marketExists(market, s, &f) else { break }
            if let row = s.row {
                if !row.activeRequests.isZero {
                    let first = row.state == .joined ? "run 'generator request-exit --market \(market)' so no new ones are assigned, " : ""
                    f.append(.error("active-requests", "\(row.activeRequests) request(s) are still active in market \(market); \(first)wait until they are completed, then leave"))
                }
            } else {
                f.append(notJoined(market))
            }
        case let .updateKey(market, key):
            if s.generator.rewardAddressOrZero.isZero { f.append(notRegistered(s, hint: nil)) }
            guard marketExists(market, s, &f), let data = s.market else { break }
            if !data.isPrivate {
                f.append(.error("public-market-key", "market \(market) is public (no enclave image); it needs no key"))
                break
            }
            attestation(key, market: market, data, s, &f)
            if let existing = s.existingKey, !existing.isEmpty {
                f.append(.warning("key-replaced", "market \(market) already has an enclave key for \(s.sender.checksummed); it is replaced"))
            }
        case let .removeKey(market):
            if s.existingKey?.isEmpty ?? true {
                f.append(.error("no-key", "\(s.sender.checksummed) has no enclave key for market \(market); nothing to remove"))
            } else if s.row != nil, s.market?.isPrivate == true {
                f.append(.warning("joined-without-key", "the generator stays in private market \(market) without a key: it cannot receive encrypted inputs until 'generator update-key'"))
            }
        case let .deregister(refund):
            if s.generator.rewardAddressOrZero.isZero {
                f.append(.error("not-registered", "\(s.sender.checksummed) is not registered; there is nothing to deregister (the contract would only emit an event)"))
            }
            if refund.isZero { f.append(.error("zero-address", "--refund-to must not be the zero address")) }
            if !s.generator.sumOfComputeAllocations.isZero {
                let list = s.rows.map { $0.marketId.description }.joined(separator: ", ")
                f.append(.error("still-in-markets", "the generator is still in market(s) \(list.isEmpty ? "?" : list); leave each (request-exit, then leave-market) before deregistering"))
            }
        }
        return f
    }

    /// How many staking-token base units the allowance for the registry is short for `operation` (nil: enough).
    public static func approvalShortfall(_ operation: GeneratorOperation, _ s: PreflightSnapshot) -> UInt256? {
        guard let spend = operation.stakingTokenSpend, let allowance = s.allowance, allowance < spend else { return nil }
        return spend - allowance
    }

    /// What a two-step reduction of `total` by `amount` really takes (§3.6): the intent stores
    /// `ratio = (total − amount)·1e18 / total` and the execution keeps `ratio·total / 1e18`, both rounded down.
    /// (For stake the difference is a few base units paid out in the operator's favour, so only compute is warned.)
    static func roundedReduction(_ total: UInt256, by amount: UInt256) -> UInt256? {
        guard !total.isZero, amount <= total, let scaled = (total - amount).multiplied(by: ContractMath.exponent) else { return nil }
        let ratio = scaled / total
        guard let kept = ContractMath.scaleByUtilization(total, ratio) else { return nil }
        return total - kept
    }

    // MARK: - Pieces

    private static func join(_ p: JoinMarketParameters, _ s: PreflightSnapshot, _ f: inout [PreflightFinding]) {
        let g = s.generator
        if g.rewardAddressOrZero.isZero { f.append(notRegistered(s, hint: nil)) }
        if p.computePerProof.isZero { f.append(.error("zero-compute", "--compute-per-proof must be at least 1")) }
        if p.maxProofTime.isZero { f.append(.error("zero-time", "--max-proof-time must be at least 1 block")) }
        guard marketExists(p.market, s, &f), let data = s.market else { return }
        if let activation = data.activationBlock.uint64, activation > s.headBlock {
            f.append(.warning("market-inactive", "market \(p.market) activates at block \(activation) (\(activation - s.headBlock) blocks from now); you can join now, but it accepts no asks before then"))
        }
        if let row = s.row {
            f.append(.error("already-joined", "already in market \(p.market) (state \(row.state), compute per proof \(row.computePerRequestRequired), price \(s.paymentToken.format(row.proofGenerationCost ?? .zero)), max proof time \(row.proposedTime ?? .zero) blocks); to change them, leave (request-exit, leave-market) and join again"))
        }
        if g.isRegistered, s.row == nil, let sum = g.sumOfComputeAllocations.adding(p.computePerProof), sum > g.declaredCompute {
            let room = g.declaredCompute.saturatingSubtract(g.sumOfComputeAllocations)
            f.append(.error("compute-over-declared", "--compute-per-proof \(p.computePerProof) does not fit: \(g.sumOfComputeAllocations) of the declared compute \(g.declaredCompute) is already allocated to markets (room: \(room)); run 'generator increase-compute --amount \(sum - g.declaredCompute)' or lower --compute-per-proof"))
        }
        if data.isPrivate {
            if let key = p.key {
                attestation(key, market: p.market, data, s, &f)
            } else if !(s.existingKey?.isEmpty ?? true) {
                // A key registered earlier for this market still serves.
            } else if !p.withoutKey {
                f.append(.error("private-market-needs-key", "market \(p.market) is private (prover image \(data.proverImageId)): pass --attestation FILE --enclave-signature HEX to register the enclave key in the same transaction, or --without-key to join now and run 'generator update-key' before taking tasks"))
            }
        } else if p.key != nil {
            f.append(.error("public-market-key", "market \(p.market) is public (no enclave image): drop --attestation and --enclave-signature"))
        }
        if p.pricePerProof.isZero {
            f.append(.warning("free-proofs", "--price 0: the generator is paid nothing per proof"))
        }
        if let free = g.maxReducibleStake, free < data.slashingPenalty, g.isRegistered {
            f.append(.warning("stake-below-penalty", "each task in market \(p.market) locks \(s.stakingToken.format(data.slashingPenalty)) of stake, but only \(s.stakingToken.format(free)) is free: no task can be assigned until you 'generator stake --amount \(TokenAmount.format(data.slashingPenalty - free, decimals: s.stakingToken.decimals))' or more"))
        }
    }

    private static func attestation(_ key: EnclaveKeyProof, market: UInt256, _ data: MarketData, _ s: PreflightSnapshot,
                                    _ f: inout [PreflightFinding]) {
        let a = key.attestation
        if s.attestationImageInFamily == false {
            f.append(.error("attestation-wrong-image", "the attestation's enclave image \(a.imageId) (keccak256(PCR0‖PCR1‖PCR2)) is not a prover image of market \(market) (its image is \(data.proverImageId)); attest the enclave that runs the market's prover"))
        }
        do { try a.verifyProofOfPossession(key.signature, generator: s.sender) } catch {
            f.append(.error("enclave-signature", error.message))
        }
        if let verified = s.enclaveKeyVerifiedImage, !verified.isZero {
            f.append(.error("enclave-key-used", "the enclave key \(a.enclaveAddress.checksummed) was already verified once (image \(verified)); a key can be registered only once: generate a fresh enclave key and attestation"))
        }
        if let maxAge = s.attestationMaxAge {
            let seconds = a.timestampMilliseconds / UInt256(1000)
            let now = UInt256(s.headTimestamp)
            if now >= maxAge, seconds <= now - maxAge {
                f.append(.error("attestation-too-old", "the attestation was made at \(seconds) s (Unix), more than \(maxAge) s before the latest block (\(now) s); take a fresh attestation"))
            }
        }
    }

    private static func tokens(_ amount: UInt256, _ s: PreflightSnapshot, _ f: inout [PreflightFinding]) {
        guard !amount.isZero, let balance = s.tokenBalance, balance < amount else { return }
        f.append(.error("balance-short", "\(s.sender.checksummed) holds \(s.stakingToken.format(balance)) but the operation stakes \(s.stakingToken.format(amount)); get \(s.stakingToken.format(amount - balance)) more or stake less"))
    }

    private static func marketExists(_ market: UInt256, _ s: PreflightSnapshot, _ f: inout [PreflightFinding]) -> Bool {
        guard market < s.marketCount, s.market != nil else {
            let range = s.marketCount.isZero ? "there are no markets yet" : "the marketplace has \(s.marketCount) market(s), ids 0…\(s.marketCount - .one)"
            f.append(.error("market-missing", "market \(market) does not exist: \(range)"))
            return false
        }
        return true
    }

    private static func requireRegistered(_ s: PreflightSnapshot, _ f: inout [PreflightFinding]) {
        if !s.generator.isRegistered { f.append(notRegistered(s, hint: nil)) }
    }

    private static func notRegistered(_ s: PreflightSnapshot, hint: String?) -> PreflightFinding {
        .error("not-registered", "\(s.sender.checksummed) is not registered as a generator; run 'generator register' first" + (hint.map { " (\($0))" } ?? ""))
    }

    private static func notJoined(_ market: UInt256) -> PreflightFinding {
        .error("not-joined", "the generator is not in market \(market); nothing to leave")
    }
}

extension Generator {
    /// The stored reward address, zero when unknown or not registered.
    var rewardAddressOrZero: Address { rewardAddress ?? .zero }

    /// The registry's "registered" test used by most functions: a reward address and generator data (§3.6).
    var isRegistered: Bool { !rewardAddressOrZero.isZero && !(generatorData?.isEmpty ?? true) }
}
