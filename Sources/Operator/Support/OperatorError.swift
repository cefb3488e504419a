import EthereumKit

/// A failure of a generator operation: bad input, a preflight refusal, a revert, or a transaction that did not
/// make it. Messages say what is wrong, where, and what to do; they never contain a private key or a password.
public struct OperatorError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, independent of the input.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case invalidInput = "invalid input"
            case configuration = "configuration"
            case chainMismatch = "chain mismatch"
            case preflight = "preflight"
            case simulationReverted = "simulation reverted"
            case transactionReverted = "transaction reverted"
            case rpc = "rpc"
            case rejected = "rejected by the node"
            case timeout = "timeout"
            case dropped = "dropped"
            case replaced = "replaced"
            case attestation = "attestation"
            case keystore = "keystore"
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }
        /// An argument or file does not parse or is out of range (CLI exit code 2).
        public static let invalidInput = Code(.invalidInput)
        /// The connection settings are incomplete or inconsistent (CLI exit code 2).
        public static let configuration = Code(.configuration)
        /// The node's chain id is not the configured one.
        public static let chainMismatch = Code(.chainMismatch)
        /// A check against the chain's state refused the operation before any gas was spent (`findings`).
        public static let preflight = Code(.preflight)
        /// `eth_estimateGas` / `eth_call` of the transaction reverted (`revert`); nothing was sent.
        public static let simulationReverted = Code(.simulationReverted)
        /// The transaction was mined and reverted (`revert` holds the replayed reason when available).
        public static let transactionReverted = Code(.transactionReverted)
        /// The node could not be reached or answered with an error.
        public static let rpc = Code(.rpc)
        /// `eth_sendRawTransaction` refused the transaction (nonce, fees, funds).
        public static let rejected = Code(.rejected)
        /// No receipt within the timeout; the transaction may still be mined.
        public static let timeout = Code(.timeout)
        /// The node no longer knows the transaction and its nonce is unused.
        public static let dropped = Code(.dropped)
        /// Another transaction with the same nonce was mined instead.
        public static let replaced = Code(.replaced)
        /// The attestation data or the enclave signature failed a local check (§6.1, §6.2).
        public static let attestation = Code(.attestation)
        /// A keystore file or directory problem (never the password or key itself).
        public static let keystore = Code(.keystore)
        public var description: String { base.rawValue }
    }

    /// The kind of failure.
    public let code: Code
    /// What is wrong, where, and what to do.
    public let message: String
    /// For `.preflight`: every finding, errors and warnings, in the order checked.
    public let findings: [PreflightFinding]
    /// For reverts: the decoded reason.
    public let revert: RevertReason?
    /// For `.transactionReverted`, `.timeout`, `.dropped`, `.replaced`: the transaction concerned.
    public let transactionHash: Hash32?

    /// Creates an error.
    public init(_ code: Code, _ message: String, findings: [PreflightFinding] = [], revert: RevertReason? = nil,
                transactionHash: Hash32? = nil) {
        self.code = code
        self.message = message
        self.findings = findings
        self.revert = revert
        self.transactionHash = transactionHash
    }

    /// Whether the failure is the caller's input (a CLI reports exit code 2) rather than a run-time failure (1).
    public var isUsageError: Bool { code == .invalidInput || code == .configuration }

    public var description: String { message }
}

/// One result of a preflight check: a refusal (`error`) or advice (`warning`), with a stable id for scripts and
/// tests, and a message that names the fix.
public struct PreflightFinding: Hashable, Sendable, CustomStringConvertible {
    /// How serious a finding is.
    public enum Severity: String, Hashable, Sendable {
        /// The operation would revert or do harm: nothing is sent.
        case error
        /// Worth knowing; the operation still goes ahead.
        case warning
    }

    /// Error or warning.
    public let severity: Severity
    /// A stable kebab-case id, e.g. `already-registered`, `allowance-short`.
    public let id: String
    /// What is wrong and how to fix it.
    public let message: String

    /// Creates a finding.
    public init(_ severity: Severity, _ id: String, _ message: String) {
        self.severity = severity
        self.id = id
        self.message = message
    }

    /// A refusal.
    public static func error(_ id: String, _ message: String) -> PreflightFinding { PreflightFinding(.error, id, message) }
    /// Advice.
    public static func warning(_ id: String, _ message: String) -> PreflightFinding { PreflightFinding(.warning, id, message) }

    public var description: String { "\(severity.rawValue) [\(id)]: \(message)" }
}
