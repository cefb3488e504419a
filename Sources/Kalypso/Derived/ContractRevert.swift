import EthereumKit

/// A revert the contract would raise, with the exact revert data (selector ‖ ABI-encoded arguments), so a local
/// prediction can be compared byte for byte with an `eth_call` simulation.
public struct ContractRevert: Error, Hashable, Sendable, CustomStringConvertible {
    /// The error.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case shouldBeInCreateState = "ShouldBeInCreateState"
            case proofPriceMismatch = "ProofPriceMismatch"
            case proofTimeMismatch = "ProofTimeMismatch"
            case assignOnlyToIdleGenerators = "AssignOnlyToIdleGenerators"
            case insufficientGeneratorComputeAvailable = "InsufficientGeneratorComputeAvailable"
            case maxParallelRequestsPerMarketExceeded = "MaxParallelRequestsPerMarketExceeded"
            case insufficientStakeToLock = "InsufficientStakeToLock"
            case panic = "Panic"
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }
        /// `ShouldBeInCreateState()`: the ask is not in `CREATE` (assigned, completed, or expired).
        public static let shouldBeInCreateState = Code(.shouldBeInCreateState)
        /// `ProofPriceMismatch(uint256 askId)`: `reward < proofGenerationCost`.
        public static let proofPriceMismatch = Code(.proofPriceMismatch)
        /// `ProofTimeMismatch(uint256 askId)`: `timeTakenForProofGeneration < proposedTime`.
        public static let proofTimeMismatch = Code(.proofTimeMismatch)
        /// `AssignOnlyToIdleGenerators()`: the derived state is not `JOINED` or `WIP`.
        public static let assignOnlyToIdleGenerators = Code(.assignOnlyToIdleGenerators)
        /// `InsufficientGeneratorComputeAvailable()`: `computePerRequestRequired > idleCapacity`.
        public static let insufficientGeneratorComputeAvailable = Code(.insufficientGeneratorComputeAvailable)
        /// `MaxParallelRequestsPerMarketExceeded()`: `activeRequests > 100`.
        public static let maxParallelRequestsPerMarketExceeded = Code(.maxParallelRequestsPerMarketExceeded)
        /// `InsufficientStakeToLock()`: `maxReducibleStake < slashingPenalty`.
        public static let insufficientStakeToLock = Code(.insufficientStakeToLock)
        /// `Panic(uint256)`: 0x11 arithmetic overflow, 0x32 array index out of bounds.
        public static let panic = Code(.panic)
        public var description: String { base.rawValue }
    }

    /// Solidity panic code for an arithmetic overflow or underflow.
    public static let panicArithmetic = UInt256(0x11)
    /// Solidity panic code for an out-of-bounds array index.
    public static let panicArrayIndex = UInt256(0x32)

    /// The error.
    public let code: Code
    /// The exact revert data: the 4-byte selector followed by the ABI-encoded arguments.
    public let revertData: [UInt8]
    /// Why, in words.
    public let message: String

    private init(_ code: Code, _ entry: ErrorEntry, argument: UInt256?, _ message: String) {
        self.code = code
        self.revertData = entry.selectorBytes + (argument?.bigEndianBytes ?? [])
        self.message = message
    }

    /// The error's selector.
    public var selector: UInt32 {
        revertData.prefix(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
    }

    public var description: String { "\(code): \(message)" }

    static func shouldBeInCreateState(_ message: String) -> ContractRevert {
        ContractRevert(.shouldBeInCreateState, KalypsoErrors.shouldBeInCreateState, argument: nil, message)
    }
    static func proofPriceMismatch(_ askId: UInt256, _ message: String) -> ContractRevert {
        ContractRevert(.proofPriceMismatch, KalypsoErrors.proofPriceMismatch, argument: askId, message)
    }
    static func proofTimeMismatch(_ askId: UInt256, _ message: String) -> ContractRevert {
        ContractRevert(.proofTimeMismatch, KalypsoErrors.proofTimeMismatch, argument: askId, message)
    }
    static func assignOnlyToIdleGenerators(_ message: String) -> ContractRevert {
        ContractRevert(.assignOnlyToIdleGenerators, KalypsoErrors.assignOnlyToIdleGenerators, argument: nil, message)
    }
    static func insufficientCompute(_ message: String) -> ContractRevert {
        ContractRevert(.insufficientGeneratorComputeAvailable, KalypsoErrors.insufficientGeneratorComputeAvailable, argument: nil, message)
    }
    static func maxParallelRequests(_ message: String) -> ContractRevert {
        ContractRevert(.maxParallelRequestsPerMarketExceeded, KalypsoErrors.maxParallelRequestsPerMarketExceeded, argument: nil, message)
    }
    static func insufficientStake(_ message: String) -> ContractRevert {
        ContractRevert(.insufficientStakeToLock, KalypsoErrors.insufficientStakeToLock, argument: nil, message)
    }
    static func panic(_ panicCode: UInt256, _ message: String) -> ContractRevert {
        ContractRevert(.panic, KalypsoErrors.panic, argument: panicCode, message)
    }
}
