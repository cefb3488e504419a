import EthereumKit
import Kalypso

/// One signature the mirror verified itself with libsecp256k1 (it never trusts the node's `from`).
///
/// At most one check per (kind, transaction), at the transaction's first Kalypso log. Reading the fields:
/// - `matches`: the recovered signer is the expected one.
/// - `recovered == nil`: not checked or not recoverable; `note` starts with `unchecked:` when the mirror could not
///   check (an unsupported transaction type, an enclave call made through a contract) and says why otherwise.
/// - `matches == false` with both addresses: a mismatch that `note` explains. A contract wallet (`note` contains
///   "contract wallet") and a matching-engine key the mirror does not know (`expected == nil`) are expected
///   situations; `NODE INCONSISTENT` (the node's `from` is not the signer) is an alert.
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
    /// The address the signature should recover to, if known. Admin: the generator a registry event acted for, else
    /// the node's `from` (also when the node's `from` is not the signer). Enclave: the address of the attested
    /// 64-byte key. Matching engine: the address of the ME key the mirror knows (`pub_key(ProofMarketplace, 0)`).
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
