import EthereumKit
import Kalypso

/// One signature the mirror verified itself with libsecp256k1 (it never trusts the node's `from`).
public struct SignatureCheck: Sendable, Hashable {
    /// Which signature.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// The transaction signature behind a registry or marketplace call (the generator's admin address).
        case admin
        /// An enclave's EIP-191 proof of possession in `joinMarketplace` / `updateEncryptionKey` calldata.
        case enclave
        /// The matching engine's EIP-191 batch signature in `relayBatchAssignTasks` calldata.
        case matchingEngine
    }

    /// Which signature.
    public var kind: Kind
    /// The first log of the transaction the signature belongs to.
    public var position: LogPosition
    /// The address the signature should recover to (event generator, attested enclave key, verified ME key), if known.
    public var expected: Address?
    /// What libsecp256k1 recovered; nil if recovery failed.
    public var recovered: Address?
    /// Whether `recovered == expected`.
    public var matches: Bool
    /// An explanation, e.g. "sender is a contract wallet: the transaction calls 0x… not the registry".
    public var note: String

    /// Creates a check record.
    public init(kind: Kind, position: LogPosition, expected: Address?, recovered: Address?, matches: Bool, note: String) {
        self.kind = kind; self.position = position; self.expected = expected; self.recovered = recovered
        self.matches = matches; self.note = note
    }
}
