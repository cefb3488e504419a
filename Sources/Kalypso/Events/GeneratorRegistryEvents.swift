import EthereumKit

// The 18 G1 GeneratorRegistry events (§3.5). Fields are in declaration order (indexed and non-indexed interleaved as
// declared), so `init(fields:)` reads them in the order an ABI decoder returns them.

extension KalypsoEvent {
    /// `RegisteredGenerator(address indexed generator, uint256 initialCompute, uint256 initialStake)`.
    /// Lacks `rewardAddress` and `generatorData`: see `registration`.
    public struct RegisteredGenerator: Hashable, Sendable {
        /// The generator (admin) address.
        public var generator: Address
        /// The declared compute.
        public var initialCompute: UInt256
        /// The initial stake pulled at registration.
        public var initialStake: UInt256
        /// `rewardAddress` and `generatorData` from calldata or `generatorRegistry(g)` at the block hash.
        public var registration: Enrichment<GeneratorRegistration>

        public init(generator: Address, initialCompute: UInt256, initialStake: UInt256,
                    registration: Enrichment<GeneratorRegistration> = .pending) {
            self.generator = generator
            self.initialCompute = initialCompute
            self.initialStake = initialStake
            self.registration = registration
        }

        public init(fields r: inout some EventFieldReader) throws {
            self.init(generator: try r.address(), initialCompute: try r.uint(), initialStake: try r.uint())
        }
    }

    /// `DeregisteredGenerator(address indexed generator)`. May be emitted for an address that never registered.
    public struct DeregisteredGenerator: Hashable, Sendable {
        /// The generator (admin) address.
        public var generator: Address

        public init(generator: Address) { self.generator = generator }

        public init(fields r: inout some EventFieldReader) throws { self.init(generator: try r.address()) }
    }

    /// `ChangedGeneratorRewardAddress(address indexed generator, address newRewardAddress)`.
    public struct ChangedGeneratorRewardAddress: Hashable, Sendable {
        /// The generator (admin) address.
        public var generator: Address
        /// The new reward address.
        public var newRewardAddress: Address

        public init(generator: Address, newRewardAddress: Address) {
            self.generator = generator
            self.newRewardAddress = newRewardAddress
        }

        public init(fields r: inout some EventFieldReader) throws {
            self.init(generator: try r.address(), newRewardAddress: try r.address())
        }
    }

    /// `JoinedMarketplace(address indexed generator, uint256 indexed marketId, uint256 computeAllocation)`.
    /// Lacks `proofGenerationCost` and `proposedTime`: see `terms`.
    public struct JoinedMarketplace: Hashable, Sendable {
        /// The generator (admin) address.
        public var generator: Address
        /// The market id.
        public var marketId: UInt256
        /// `computePerRequestRequired`.
        public var computeAllocation: UInt256
        /// Cost and time from calldata or `generatorInfoPerMarket(g, m)` at the block hash.
        public var terms: Enrichment<MarketplaceJoinTerms>

        public init(generator: Address, marketId: UInt256, computeAllocation: UInt256,
                    terms: Enrichment<MarketplaceJoinTerms> = .pending) {
            self.generator = generator
            self.marketId = marketId
            self.computeAllocation = computeAllocation
            self.terms = terms
        }

        public init(fields r: inout some EventFieldReader) throws {
            self.init(generator: try r.address(), marketId: try r.uint(), computeAllocation: try r.uint())
        }
    }

    /// `RequestExitMarketplace(address indexed generator, uint256 indexed marketId)`.
    public struct RequestExitMarketplace: Hashable, Sendable {
        /// The generator (admin) address.
        public var generator: Address
        /// The market id.
        public var marketId: UInt256

        public init(generator: Address, marketId: UInt256) {
            self.generator = generator
            self.marketId = marketId
        }

        public init(fields r: inout some EventFieldReader) throws {
            self.init(generator: try r.address(), marketId: try r.uint())
        }
    }

    /// `LeftMarketplace(address indexed generator, uint256 indexed marketId)`.
    public struct LeftMarketplace: Hashable, Sendable {
        /// The generator (admin) address.
        public var generator: Address
        /// The market id.
        public var marketId: UInt256

        public init(generator: Address, marketId: UInt256) {
            self.generator = generator
            self.marketId = marketId
        }

        public init(fields r: inout some EventFieldReader) throws {
            self.init(generator: try r.address(), marketId: try r.uint())
        }
    }

    /// `AddIvsKey(uint256 indexed marketId, address indexed signer)`.
    public struct AddIvsKey: Hashable, Sendable {
        /// The market id.
        public var marketId: UInt256
        /// The IVS enclave key address.
        public var signer: Address

        public init(marketId: UInt256, signer: Address) {
            self.marketId = marketId
            self.signer = signer
        }

        public init(fields r: inout some EventFieldReader) throws {
            self.init(marketId: try r.uint(), signer: try r.address())
        }
    }

    /// `AddedStake(address indexed generator, uint256 amount)`.
    public struct AddedStake: Hashable, Sendable {
        /// The generator (admin) address.
        public var generator: Address
        /// The amount of staking token.
        public var amount: UInt256

        public init(generator: Address, amount: UInt256) {
            self.generator = generator
            self.amount = amount
        }

        public init(fields r: inout some EventFieldReader) throws {
            self.init(generator: try r.address(), amount: try r.uint())
        }
    }

    /// `RequestStakeDecrease(address indexed generator, uint256 intendedUtilization)`.
    public struct RequestStakeDecrease: Hashable, Sendable {
        /// The generator (admin) address.
        public var generator: Address
        /// The new ISU (1e18 = 100 %).
        public var intendedUtilization: UInt256

        public init(generator: Address, intendedUtilization: UInt256) {
            self.generator = generator
            self.intendedUtilization = intendedUtilization
        }

        public init(fields r: inout some EventFieldReader) throws {
            self.init(generator: try r.address(), intendedUtilization: try r.uint())
        }
    }

    /// `RemovedStake(address indexed generator, uint256 amount)`: the amount transferred (trust it, §7.8 item 8).
    public struct RemovedStake: Hashable, Sendable {
        /// The generator (admin) address.
        public var generator: Address
        /// The amount of staking token.
        public var amount: UInt256

        public init(generator: Address, amount: UInt256) {
            self.generator = generator
            self.amount = amount
        }

        public init(fields r: inout some EventFieldReader) throws {
            self.init(generator: try r.address(), amount: try r.uint())
        }
    }

    /// `IncreasedCompute(address indexed generator, uint256 compute)`.
    public struct IncreasedCompute: Hashable, Sendable {
        /// The generator (admin) address.
        public var generator: Address
        /// The compute amount.
        public var compute: UInt256

        public init(generator: Address, compute: UInt256) {
            self.generator = generator
            self.compute = compute
        }

        public init(fields r: inout some EventFieldReader) throws {
            self.init(generator: try r.address(), compute: try r.uint())
        }
    }

    /// `RequestComputeDecrease(address indexed generator, uint256 intendedUtilization)`.
    public struct RequestComputeDecrease: Hashable, Sendable {
        /// The generator (admin) address.
        public var generator: Address
        /// The new ICU (1e18 = 100 %).
        public var intendedUtilization: UInt256

        public init(generator: Address, intendedUtilization: UInt256) {
            self.generator = generator
            self.intendedUtilization = intendedUtilization
        }

        public init(fields r: inout some EventFieldReader) throws {
            self.init(generator: try r.address(), intendedUtilization: try r.uint())
        }
    }

    /// `DecreaseCompute(address indexed generator, uint256 compute)`: the amount released, not the new total.
    public struct DecreaseCompute: Hashable, Sendable {
        /// The generator (admin) address.
        public var generator: Address
        /// The compute amount.
        public var compute: UInt256

        public init(generator: Address, compute: UInt256) {
            self.generator = generator
            self.compute = compute
        }

        public init(fields r: inout some EventFieldReader) throws {
            self.init(generator: try r.address(), compute: try r.uint())
        }
    }

    /// `StakeLockImposed(address indexed generator, uint256 stake)`: no market or ask (§7.5).
    public struct StakeLockImposed: Hashable, Sendable {
        /// The generator (admin) address.
        public var generator: Address
        /// The stake amount.
        public var stake: UInt256

        public init(generator: Address, stake: UInt256) {
            self.generator = generator
            self.stake = stake
        }

        public init(fields r: inout some EventFieldReader) throws {
            self.init(generator: try r.address(), stake: try r.uint())
        }
    }

    /// `ComputeLockImposed(address indexed generator, uint256 compute)`: no market or ask (§7.5).
    public struct ComputeLockImposed: Hashable, Sendable {
        /// The generator (admin) address.
        public var generator: Address
        /// The compute amount.
        public var compute: UInt256

        public init(generator: Address, compute: UInt256) {
            self.generator = generator
            self.compute = compute
        }

        public init(fields r: inout some EventFieldReader) throws {
            self.init(generator: try r.address(), compute: try r.uint())
        }
    }

    /// `StakeLockReleased(address indexed generator, uint256 stake)`.
    public struct StakeLockReleased: Hashable, Sendable {
        /// The generator (admin) address.
        public var generator: Address
        /// The stake amount.
        public var stake: UInt256

        public init(generator: Address, stake: UInt256) {
            self.generator = generator
            self.stake = stake
        }

        public init(fields r: inout some EventFieldReader) throws {
            self.init(generator: try r.address(), stake: try r.uint())
        }
    }

    /// `ComputeLockReleased(address indexed generator, uint256 compute)`: on completion and on slashing (§7.5).
    public struct ComputeLockReleased: Hashable, Sendable {
        /// The generator (admin) address.
        public var generator: Address
        /// The compute amount.
        public var compute: UInt256

        public init(generator: Address, compute: UInt256) {
            self.generator = generator
            self.compute = compute
        }

        public init(fields r: inout some EventFieldReader) throws {
            self.init(generator: try r.address(), compute: try r.uint())
        }
    }

    /// `StakeSlashed(address indexed generator, uint256 stake)`: lowers `totalStake` **and** `stakeLocked`.
    /// Emitted only by implementations from 2024-09-09 on.
    public struct StakeSlashed: Hashable, Sendable {
        /// The generator (admin) address.
        public var generator: Address
        /// The stake amount.
        public var stake: UInt256

        public init(generator: Address, stake: UInt256) {
            self.generator = generator
            self.stake = stake
        }

        public init(fields r: inout some EventFieldReader) throws {
            self.init(generator: try r.address(), stake: try r.uint())
        }
    }
}
