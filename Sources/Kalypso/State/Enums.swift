/// `GeneratorRegistry.GeneratorState` (§3.4), ABI-encoded as `uint8`.
///
/// Storage only ever holds `null`, `joined` or `requestedForExit`; `noComputeAvailable` and `wip` exist only in the
/// return value of `getGeneratorState` (§3.7).
public enum GeneratorState: UInt8, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    case null = 0
    case joined = 1
    case noComputeAvailable = 2
    case wip = 3
    case requestedForExit = 4

    /// The Solidity name (`NULL`, `JOINED`, …).
    public var description: String {
        switch self {
        case .null: return "NULL"
        case .joined: return "JOINED"
        case .noComputeAvailable: return "NO_COMPUTE_AVAILABLE"
        case .wip: return "WIP"
        case .requestedForExit: return "REQUESTED_FOR_EXIT"
        }
    }
}

/// The stored state of a per-market row: the two non-`NULL` values storage can hold (a `NULL` row does not exist).
public enum StoredMarketState: UInt8, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    case joined = 1
    case requestedForExit = 4

    /// The same value as a `GeneratorState`.
    public var generatorState: GeneratorState {
        self == .joined ? .joined : .requestedForExit
    }

    public var description: String { generatorState.description }
}

/// `ProofMarketplace.AskState` (§4.2), ABI-encoded as `uint8`.
///
/// Storage only ever holds `create`, `assigned` or `complete`; `unassigned` and `deadlineCrossed` are derived (§4.5).
public enum AskState: UInt8, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    case null = 0
    case create = 1
    case unassigned = 2
    case assigned = 3
    case complete = 4
    case deadlineCrossed = 5

    /// The Solidity name (`CREATE`, `DEADLINE_CROSSED`, …).
    public var description: String {
        switch self {
        case .null: return "NULL"
        case .create: return "CREATE"
        case .unassigned: return "UNASSIGNED"
        case .assigned: return "ASSIGNED"
        case .complete: return "COMPLETE"
        case .deadlineCrossed: return "DEADLINE_CROSSED"
        }
    }
}

/// The stored state of a mirrored ask: the three values storage can hold.
public enum StoredAskState: UInt8, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    case create = 1
    case assigned = 3
    case complete = 4

    /// The same value as an `AskState`.
    public var askState: AskState {
        switch self {
        case .create: return .create
        case .assigned: return .assigned
        case .complete: return .complete
        }
    }

    public var description: String { askState.description }
}

/// `ProofMarketplace.SecretType` (§4.2), ABI-encoded as `uint8`. Values above 2 cannot be emitted by the contract.
public enum SecretType: UInt8, Hashable, Sendable, CaseIterable, Comparable, CustomStringConvertible {
    case null = 0
    case calldata = 1
    case external = 2

    public static func < (a: SecretType, b: SecretType) -> Bool { a.rawValue < b.rawValue }

    /// The Solidity name.
    public var description: String {
        switch self {
        case .null: return "NULL"
        case .calldata: return "CALLDATA"
        case .external: return "EXTERNAL"
        }
    }
}

/// How a completed ask ended (§7.1). Not stored on chain: the mirror derives it from the completing event.
public enum AskOutcome: UInt8, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// `ProofCreated`: a valid proof was submitted.
    case proved = 1
    /// `InvalidInputsDetected`: an IVS attested that the inputs are invalid.
    case invalidInputs = 2
    /// `ProofNotGenerated`: the generator was slashed (deadline crossed) or discarded the request.
    case slashed = 3
    /// `AskCancelled`: the ask expired unassigned and was cancelled.
    case cancelled = 4

    /// `PROVED`, `INVALID_INPUTS`, `SLASHED` or `CANCELLED`.
    public var description: String {
        switch self {
        case .proved: return "PROVED"
        case .invalidInputs: return "INVALID_INPUTS"
        case .slashed: return "SLASHED"
        case .cancelled: return "CANCELLED"
        }
    }
}
