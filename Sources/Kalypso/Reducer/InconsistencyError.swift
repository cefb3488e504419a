/// Something in a transaction's logs that the mirrored state cannot explain: an arithmetic underflow or overflow, an
/// unknown entity, a broken precondition of the contract, a missing enrichment, a lock event without its ask.
///
/// The reducer never traps on these. It records one of these values and continues with the defined outcome the
/// message states (see `KalypsoReducer` for the rules). The sync layer stores and reports them.
public struct InconsistencyError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of inconsistency.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case arithmeticUnderflow = "arithmetic underflow"
            case arithmeticOverflow = "arithmetic overflow"
            case unknownGenerator = "unknown generator"
            case unknownGeneratorMarket = "unknown generator-market row"
            case unknownMarket = "unknown market"
            case unknownAsk = "unknown ask"
            case entityAlreadyExists = "entity already exists"
            case unexpectedState = "unexpected state"
            case missingEnrichment = "missing enrichment"
            case enrichmentMismatch = "enrichment mismatch"
            case lockAttribution = "lock attribution"
            case contractUpgraded = "contract upgraded"
            case logOrder = "log order"
            case invalidKey = "invalid key"
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }
        /// A subtraction would go below zero; the result is clamped to 0.
        public static let arithmeticUnderflow = Code(.arithmeticUnderflow)
        /// An addition would exceed 2^256 − 1; the result is clamped to the maximum.
        public static let arithmeticOverflow = Code(.arithmeticOverflow)
        /// The event names a generator the mirror does not have; the generator part of the mutation is skipped.
        public static let unknownGenerator = Code(.unknownGenerator)
        /// The event needs a `(generator, market)` row the mirror does not have; the row part is skipped.
        public static let unknownGeneratorMarket = Code(.unknownGeneratorMarket)
        /// The event names a market the mirror does not have.
        public static let unknownMarket = Code(.unknownMarket)
        /// The event names an ask the mirror does not have; the mutation is skipped.
        public static let unknownAsk = Code(.unknownAsk)
        /// A create event for an entity that exists; the entity is replaced as the contract did.
        public static let entityAlreadyExists = Code(.entityAlreadyExists)
        /// The mirrored state violates a precondition the contract checked before emitting the event.
        public static let unexpectedState = Code(.unexpectedState)
        /// The event's missing fields could not be obtained (§7.3); the affected fields are stored as unknown.
        public static let missingEnrichment = Code(.missingEnrichment)
        /// Two sources disagree (e.g. a pinned `listOfAsk` deadline and the block clock).
        public static let enrichmentMismatch = Code(.enrichmentMismatch)
        /// A lock event without its ask, or with an amount that differs from the market penalty or row compute (§7.5).
        public static let lockAttribution = Code(.lockAttribution)
        /// `Upgraded`: the implementation changed and the ABI may have changed (an alert, not an error).
        public static let contractUpgraded = Code(.contractUpgraded)
        /// The logs were not one transaction in log order.
        public static let logOrder = Code(.logOrder)
        /// An enclave key that is not 64 bytes; stored as unknown ("no key").
        public static let invalidKey = Code(.invalidKey)
        public var description: String { base.rawValue }
    }

    /// How loud to be.
    public enum Severity: Int, Hashable, Sendable, Comparable, CustomStringConvertible {
        /// Expected in rare but legitimate situations; worth a log line.
        case info
        /// The mirror's state is probably incomplete or wrong; reconcile with `verify`.
        case warning
        /// An operator must look now (an upgraded contract).
        case alert

        public static func < (a: Severity, b: Severity) -> Bool { a.rawValue < b.rawValue }

        public var description: String {
            switch self {
            case .info: return "info"
            case .warning: return "warning"
            case .alert: return "alert"
            }
        }
    }

    /// The kind.
    public let code: Code
    /// How loud.
    public let severity: Severity
    /// What happened, where, what the reducer did, and what to do.
    public let message: String
    /// The log that caused it, if any.
    public let position: LogPosition?

    /// Creates a record.
    public init(_ code: Code, _ severity: Severity, _ message: String, at position: LogPosition?) {
        self.code = code
        self.severity = severity
        self.message = message
        self.position = position
    }

    public var description: String { "\(severity): \(code): \(message)" }
}
