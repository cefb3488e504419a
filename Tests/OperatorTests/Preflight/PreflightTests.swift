import EthereumKit
import Kalypso
import Operator
import Testing

/// Every preflight finding, on hand-made snapshots of the chain's view.
@Suite struct PreflightTests {
    static let me = Address(hi: 0, mid: 0, lo: 0xAA)
    static let other = Address(hi: 0, mid: 0, lo: 0xBB)
    static let reward = Address(hi: 0, mid: 0, lo: 0xCC)
    static let token = TokenInfo(address: Address(hi: 0, mid: 0, lo: 0x70), symbol: "POND", decimals: 18)
    static let usdc = TokenInfo(address: Address(hi: 0, mid: 0, lo: 0x71), symbol: "USDC", decimals: 6)
    static let e18 = ContractMath.exponent
    static func tokens(_ n: UInt64) -> UInt256 { UInt256(n) * e18 }

    static func registered(stake: UInt64 = 100, compute: UInt64 = 8, allocated: UInt64 = 0, consumed: UInt64 = 0,
                           locked: UInt64 = 0, isu: UInt256 = e18, icu: UInt256 = e18) -> Generator {
        Generator(address: me, rewardAddress: reward, totalStake: tokens(stake), sumOfComputeAllocations: UInt256(allocated),
                  computeConsumed: UInt256(consumed), stakeLocked: tokens(locked), activeMarketplaces: .zero, declaredCompute: UInt256(compute),
                  intendedStakeUtilization: isu, intendedComputeUtilization: icu, generatorData: Array("{}".utf8), registeredInBlock: 0)
    }

    static let publicMarket = MarketData(verifier: other, proverImageId: .zero, slashingPenalty: tokens(5), activationBlock: UInt256(50),
                                         ivsImageId: Hash32(UInt256(9)), creator: other, metadata: Array("{}".utf8))
    static let privateMarket = MarketData(verifier: other, proverImageId: Hash32(UInt256(0x1234)), slashingPenalty: tokens(5),
                                          activationBlock: UInt256(50), ivsImageId: Hash32(UInt256(9)), creator: other, metadata: Array("{}".utf8))

    static func snapshot(_ g: Generator = Generator.zero(me), market: MarketData? = nil, row: GeneratorMarket? = nil, head: UInt64 = 100,
                         balance: UInt256? = nil, allowance: UInt256? = nil) -> PreflightSnapshot {
        PreflightSnapshot(sender: me, generator: g, headBlock: head, headTimestamp: 1_000_000, marketCount: UInt256(2), market: market, row: row,
                          stakingToken: token, paymentToken: usdc, tokenBalance: balance, allowance: allowance, existingKey: market == nil ? nil : [])
    }

    static func row(_ market: UInt64 = 0, state: StoredMarketState = .joined, cpr: UInt64 = 2, active: UInt64 = 0) -> GeneratorMarket {
        GeneratorMarket(generator: me, marketId: UInt256(market), state: state, computePerRequestRequired: UInt256(cpr),
                        proofGenerationCost: UInt256(1), proposedTime: UInt256(10), activeRequests: UInt256(active), joinedInBlock: 0)
    }

    /// The ids of the findings, errors first marked `!`.
    static func ids(_ op: GeneratorOperation, _ s: PreflightSnapshot) -> [String] {
        Preflight.check(op, s).map { ($0.severity == .error ? "!" : "") + $0.id }
    }

    @Test func register() {
        let op = GeneratorOperation.register(rewardAddress: Self.reward, declaredCompute: UInt256(8), initialStake: Self.tokens(10), generatorData: [1])
        #expect(Self.ids(op, Self.snapshot(balance: Self.tokens(10))).isEmpty)
        #expect(Self.ids(op, Self.snapshot(Self.registered(), balance: Self.tokens(10))) == ["!already-registered"])
        #expect(Self.ids(op, Self.snapshot(balance: Self.tokens(9))) == ["!balance-short"])
        let zero = GeneratorOperation.register(rewardAddress: .zero, declaredCompute: .zero, initialStake: .zero, generatorData: [])
        #expect(Self.ids(zero, Self.snapshot()) == ["!zero-reward-address", "!zero-compute", "!empty-data", "no-stake"])
        let message = Preflight.check(op, Self.snapshot(balance: Self.tokens(9))).first?.message ?? ""
        #expect(message.contains("holds 9 POND but the operation stakes 10 POND; get 1 POND more"))
    }

    @Test func stake() {
        #expect(Self.ids(.stake(amount: Self.tokens(1), generator: nil), Self.snapshot(Self.registered(), balance: Self.tokens(1))).isEmpty)
        #expect(Self.ids(.stake(amount: .zero, generator: nil), Self.snapshot(Self.registered())) == ["!zero-amount"])
        #expect(Self.ids(.stake(amount: Self.tokens(1), generator: nil), Self.snapshot(balance: Self.tokens(1))) == ["!not-registered"])
        var s = Self.snapshot(Self.registered(), balance: Self.tokens(1))
        s.target = Generator.zero(Self.other)
        #expect(Self.ids(.stake(amount: Self.tokens(1), generator: Self.other), s) == ["!target-not-registered"])
        // Staking for a registered other generator needs only the sender's tokens, not its registration.
        var t = Self.snapshot(balance: Self.tokens(1))
        t.target = Self.registered()
        #expect(Self.ids(.stake(amount: Self.tokens(1), generator: Self.other), t).isEmpty)
        #expect(Preflight.approvalShortfall(.stake(amount: Self.tokens(3), generator: nil), Self.snapshot(allowance: Self.tokens(1))) == Self.tokens(2))
        #expect(Preflight.approvalShortfall(.stake(amount: Self.tokens(3), generator: nil), Self.snapshot(allowance: Self.tokens(3))) == nil)
    }

    @Test func stakeIntentAndUnstake() {
        let g = Self.registered(stake: 100, locked: 20)
        #expect(Self.ids(.intendToReduceStake(amount: Self.tokens(10)), Self.snapshot(g)).isEmpty)
        #expect(Self.ids(.intendToReduceStake(amount: Self.tokens(101)), Self.snapshot(g)) == ["!exceeds-stake"])
        #expect(Self.ids(.intendToReduceStake(amount: Self.tokens(90)), Self.snapshot(g)) == ["stake-locked"])
        #expect(Self.ids(.intendToReduceStake(amount: .zero), Self.snapshot(g)) == ["!zero-amount"])
        let computePending = Self.registered(icu: Self.e18 / UInt256(2))
        #expect(Self.ids(.intendToReduceStake(amount: Self.tokens(1)), Self.snapshot(computePending)) == ["!compute-intent-pending"])
        let stakePending = Self.registered(isu: Self.e18 / UInt256(2))
        #expect(Self.ids(.intendToReduceStake(amount: Self.tokens(1)), Self.snapshot(stakePending)) == ["stake-intent-pending"])
        #expect(Self.ids(.intendToReduceStake(amount: Self.tokens(1)), Self.snapshot()) == ["!not-registered"])

        #expect(Self.ids(.unstake(to: Self.other), Self.snapshot(g)) == ["!no-stake-intent"])
        #expect(Self.ids(.unstake(to: Self.other), Self.snapshot(stakePending)).isEmpty)
        let lockedHigh = Self.registered(stake: 100, locked: 60, isu: Self.e18 / UInt256(2))
        #expect(Self.ids(.unstake(to: Self.other), Self.snapshot(lockedHigh)) == ["!stake-locked"])
        #expect(Self.ids(.unstake(to: .zero), Self.snapshot(stakePending)) == ["!zero-address"])
    }

    @Test func compute() {
        let g = Self.registered(compute: 8, allocated: 6, consumed: 2)
        #expect(Self.ids(.increaseCompute(amount: UInt256(1)), Self.snapshot(g)).isEmpty)
        #expect(Self.ids(.increaseCompute(amount: .zero), Self.snapshot(g)) == ["!zero-amount"])
        #expect(Self.ids(.intendToReduceCompute(amount: UInt256(1)), Self.snapshot(g)).isEmpty)
        #expect(Self.ids(.intendToReduceCompute(amount: UInt256(2)), Self.snapshot(g)) == ["!allocated-compute"])
        #expect(Self.ids(.intendToReduceCompute(amount: UInt256(9)), Self.snapshot(g)) == ["!exceeds-compute"])
        let pending = Self.registered(compute: 8, allocated: 2, consumed: 2, icu: Self.e18 * UInt256(7) / UInt256(8))
        #expect(Self.ids(.intendToReduceCompute(amount: UInt256(1)), Self.snapshot(pending)) == ["!compute-intent-pending"])
        #expect(Self.ids(.decreaseCompute, Self.snapshot(pending)).isEmpty)
        #expect(Self.ids(.decreaseCompute, Self.snapshot(g)) == ["!no-compute-intent"])
        let busy = Self.registered(compute: 8, allocated: 2, consumed: 8, icu: Self.e18 * UInt256(7) / UInt256(8))
        #expect(Self.ids(.decreaseCompute, Self.snapshot(busy)) == ["!compute-in-use"])
        let allocated = Self.registered(compute: 8, allocated: 8, consumed: 0, icu: Self.e18 * UInt256(7) / UInt256(8))
        #expect(Self.ids(.decreaseCompute, Self.snapshot(allocated)) == ["!allocated-compute"])
    }

    @Test func rewardAddress() {
        #expect(Self.ids(.changeRewardAddress(Self.other), Self.snapshot(Self.registered())).isEmpty)
        #expect(Self.ids(.changeRewardAddress(Self.reward), Self.snapshot(Self.registered())) == ["!same-reward-address"])
        #expect(Self.ids(.changeRewardAddress(.zero), Self.snapshot(Self.registered())) == ["!zero-address"])
        #expect(Self.ids(.changeRewardAddress(Self.other), Self.snapshot()) == ["!not-registered"])
    }

    static func join(_ market: UInt64 = 0, cpr: UInt64 = 2, price: UInt64 = 1, withoutKey: Bool = false) -> GeneratorOperation {
        .joinMarket(JoinMarketParameters(market: UInt256(market), computePerProof: UInt256(cpr), pricePerProof: UInt256(price),
                                         maxProofTime: UInt256(10), withoutKey: withoutKey))
    }

    @Test func joinMarket() {
        let g = Self.registered(stake: 100, compute: 8, allocated: 4)
        #expect(Self.ids(Self.join(), Self.snapshot(g, market: Self.publicMarket)).isEmpty)
        #expect(Self.ids(Self.join(5), Self.snapshot(g)) == ["!market-missing"])
        #expect(Self.ids(Self.join(), Self.snapshot(g, market: Self.publicMarket, head: 10)) == ["market-inactive"])
        #expect(Self.ids(Self.join(), Self.snapshot(g, market: Self.publicMarket, row: Self.row())) == ["!already-joined"])
        #expect(Self.ids(Self.join(cpr: 5), Self.snapshot(g, market: Self.publicMarket)) == ["!compute-over-declared"])
        #expect(Self.ids(Self.join(1), Self.snapshot(g, market: Self.privateMarket)) == ["!private-market-needs-key"])
        #expect(Self.ids(Self.join(1, withoutKey: true), Self.snapshot(g, market: Self.privateMarket)).isEmpty)
        var keyed = Self.snapshot(g, market: Self.privateMarket)
        keyed.existingKey = [UInt8](repeating: 1, count: 64)
        #expect(Self.ids(Self.join(1), keyed).isEmpty)
        #expect(Self.ids(Self.join(price: 0), Self.snapshot(g, market: Self.publicMarket)) == ["free-proofs"])
        let poor = Self.registered(stake: 4, compute: 8)
        #expect(Self.ids(Self.join(), Self.snapshot(poor, market: Self.publicMarket)) == ["stake-below-penalty"])
        #expect(Self.ids(.joinMarket(JoinMarketParameters(market: .zero, computePerProof: .zero, pricePerProof: .one, maxProofTime: .zero)),
                         Self.snapshot(g, market: Self.publicMarket)) == ["!zero-compute", "!zero-time"])
        #expect(Self.ids(Self.join(), Self.snapshot(market: Self.publicMarket)) == ["!not-registered"])
        let message = Preflight.check(Self.join(cpr: 5), Self.snapshot(g, market: Self.publicMarket))[0].message
        #expect(message.contains("4 of the declared compute 8 is already allocated to markets (room: 4); run 'generator increase-compute --amount 1'"))
    }

    @Test func exitAndLeave() {
        let g = Self.registered()
        #expect(Self.ids(.requestExit(market: .zero), Self.snapshot(g, market: Self.publicMarket, row: Self.row(active: 2))).isEmpty)
        #expect(Self.ids(.requestExit(market: .zero), Self.snapshot(g, market: Self.publicMarket, row: Self.row())) == ["leaves-now"])
        #expect(Self.ids(.requestExit(market: .zero), Self.snapshot(g, market: Self.publicMarket)) == ["!not-joined"])
        #expect(Self.ids(.requestExit(market: .zero), Self.snapshot(g, market: Self.publicMarket, row: Self.row(state: .requestedForExit, active: 1)))
                == ["!exit-already-requested"])
        #expect(Self.ids(.leaveMarket(market: .zero), Self.snapshot(g, market: Self.publicMarket, row: Self.row())).isEmpty)
        #expect(Self.ids(.leaveMarket(market: .zero), Self.snapshot(g, market: Self.publicMarket, row: Self.row(active: 1))) == ["!active-requests"])
        #expect(Self.ids(.leaveMarket(market: UInt256(7)), Self.snapshot(g)) == ["!market-missing"])
        let text = Preflight.check(.leaveMarket(market: .zero), Self.snapshot(g, market: Self.publicMarket, row: Self.row(active: 3)))[0].message
        #expect(text.contains("3 request(s) are still active in market 0; run 'generator request-exit --market 0'"))
    }

    @Test func keysAndDeregister() {
        let g = Self.registered()
        #expect(Self.ids(.removeKey(market: .zero), Self.snapshot(g, market: Self.publicMarket)) == ["!no-key"])
        var keyed = Self.snapshot(g, market: Self.privateMarket, row: Self.row(1))
        keyed.existingKey = [UInt8](repeating: 1, count: 64)
        #expect(Self.ids(.removeKey(market: .one), keyed) == ["joined-without-key"])
        #expect(Self.ids(.deregister(refundTo: Self.other), Self.snapshot(g)).isEmpty)
        #expect(Self.ids(.deregister(refundTo: Self.other), Self.snapshot()) == ["!not-registered"])
        var inMarkets = Self.snapshot(Self.registered(allocated: 2))
        inMarkets.rows = [Self.row(0), Self.row(1)]
        #expect(Self.ids(.deregister(refundTo: .zero), inMarkets) == ["!zero-address", "!still-in-markets"])
        #expect(Preflight.check(.deregister(refundTo: Self.other), inMarkets)[0].message.contains("market(s) 0, 1"))
    }

    @Test func attestationChecks() throws {
        let enclave = try PrivateKey(bytes: Keccak256.hash(utf8: "enclave").bytes)
        let signer = try PrivateKey(bytes: Keccak256.hash(utf8: "signer").bytes)
        let pcrs = EnclavePCRs(pcr0: [UInt8](repeating: 1, count: 48), pcr1: [UInt8](repeating: 2, count: 48), pcr2: [UInt8](repeating: 3, count: 48))
        let attestation = try EnclaveAttestation.devnode(signer: signer, enclavePublicKey: enclave.publicKey.raw64, pcrs: pcrs,
                                                         timestampMilliseconds: UInt256(999_000_000))
        let proof = EnclaveKeyProof(attestation: attestation, signature: try attestation.proofOfPossession(enclaveKey: enclave, generator: Self.me))
        let op = GeneratorOperation.updateKey(market: .one, key: proof)
        var s = Self.snapshot(Self.registered(), market: Self.privateMarket)
        s.enclaveKeyVerifiedImage = .zero
        s.attestationImageInFamily = true
        s.attestationMaxAge = UInt256(60_000)
        #expect(Self.ids(op, s).isEmpty)
        var wrong = s
        wrong.attestationImageInFamily = false
        #expect(Self.ids(op, wrong) == ["!attestation-wrong-image"])
        var used = s
        used.enclaveKeyVerifiedImage = Hash32(UInt256(5))
        #expect(Self.ids(op, used) == ["!enclave-key-used"])
        var late = s
        late.headTimestamp = 999_000 + 60_000
        #expect(Self.ids(op, late) == ["!attestation-too-old"])
        let forOther = EnclaveKeyProof(attestation: attestation, signature: try attestation.proofOfPossession(enclaveKey: enclave, generator: Self.other))
        #expect(Self.ids(.updateKey(market: .one, key: forOther), s) == ["!enclave-signature"])
        #expect(Self.ids(op, Self.snapshot(Self.registered(), market: Self.publicMarket)) == ["!public-market-key"])
        let joinPublic = GeneratorOperation.joinMarket(JoinMarketParameters(market: .zero, computePerProof: .one, pricePerProof: .one, maxProofTime: .one, key: proof))
        #expect(Self.ids(joinPublic, Self.snapshot(Self.registered(), market: Self.publicMarket)) == ["!public-market-key"])
        var replacing = s
        replacing.existingKey = [UInt8](repeating: 1, count: 64)
        #expect(Self.ids(op, replacing) == ["key-replaced"])
    }
}

extension PreflightTests {
    @Test func reductionsThatRoundAreAnnounced() {
        let g = Self.registered(stake: 3, compute: 12, allocated: 0)
        let compute = Preflight.check(.intendToReduceCompute(amount: UInt256(2)), Self.snapshot(g))
        #expect(compute.map(\.id) == ["reduction-rounding"])
        #expect(compute.first?.message.contains("by 3 (to 9), not by 2") == true)
        #expect(Preflight.check(.intendToReduceCompute(amount: UInt256(3)), Self.snapshot(g)).isEmpty)
        // For stake the rounding pays a few base units more: not worth a warning.
        #expect(Preflight.check(.intendToReduceStake(amount: Self.tokens(1)), Self.snapshot(g)).isEmpty)
    }
}
