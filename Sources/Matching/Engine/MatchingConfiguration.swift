import EthereumKit
import Kalypso

/// Re-encrypts a private ask's ACL (the ECIES-wrapped 32-byte AES key) to the chosen generator's key.
///
/// `ECIESAclReencryptor` is the implementation (the matching engine's private key decrypts the ACL, the same 32 bytes
/// are encrypted to `pub_key(generator, marketId)`). Without one configured, private asks are skipped with
/// `SkipReason.privateAclReencryptionNotImplemented`: never assigned with a made-up ACL.
public protocol AclReencryptor: Sendable {
    /// Why no private ask can be re-encrypted in `state` (for example: the key held is not the matching-engine key
    /// registered on chain), or nil when ready. Checked for every private ask before any generator is looked at; a
    /// reason skips the ask (`SkipReason.aclReencryptorUnavailable`). The default says ready.
    func unavailability(in state: KalypsoState) -> String?
    /// The `new_acl` for assigning `ask` to `generator`, whose 64-byte market key is `generatorKey`. Throwing skips
    /// the ask for this round (`SkipReason.aclReencryptionFailed`) without consuming any capacity.
    func reencrypt(ask: Ask, for generator: Address, generatorKey: [UInt8]) throws -> [UInt8]
}

extension AclReencryptor {
    /// Always ready.
    public func unavailability(in state: KalypsoState) -> String? { nil }
}

/// What one matching round needs besides the state and the clock. Every field has a safe default.
public struct MatchingConfiguration: Sendable {
    /// Blocks of G1 clock an ask must still have before it expires: an ask is considered only while
    /// `expiry > now + expirySafetyMargin`, so the assignment cannot land after the ask turned `UNASSIGNED`
    /// (the contract checks `expiry > block.number` when the transaction executes, not when it is built).
    /// Default 5 blocks; 0 reproduces the contract's rule at `now` exactly.
    public var expirySafetyMargin: UInt256
    /// Policy option, **off by default**: skip generators with a pending stake or compute reduction intent.
    ///
    /// The contract does not pause such generators. A pending intent lowers `intendedStakeUtilization` /
    /// `intendedComputeUtilization`, which shrinks `maxReducibleStake` / `idleCapacity` (§3.7–3.8), and the engine
    /// always follows that. Turning this on additionally delists them in every market until the intent is executed
    /// (`DelistReason.pausedPendingIntent`), as Marlin's engine does, at the cost of capacity the contract would accept.
    public var pauseWhileIntentPending: Bool
    /// The most assignments per `relayBatchAssignTasks` batch (≥ 1). Sized by gas later; default 10.
    public var maxBatchSize: Int
    /// Re-encrypts private asks' ACLs (`ECIESAclReencryptor` with the matching engine's key). Nil (the default):
    /// private asks are skipped with `privateAclReencryptionNotImplemented` and counted.
    public var aclReencryptor: (any AclReencryptor)?

    /// The default expiry safety margin (5 G1 clock blocks).
    public static let defaultExpirySafetyMargin = UInt256(5)
    /// The default batch size (10, Marlin's `max_tasks_size`).
    public static let defaultMaxBatchSize = 10

    /// Creates a configuration; `maxBatchSize` below 1 is raised to 1.
    public init(expirySafetyMargin: UInt256 = MatchingConfiguration.defaultExpirySafetyMargin,
                pauseWhileIntentPending: Bool = false,
                maxBatchSize: Int = MatchingConfiguration.defaultMaxBatchSize,
                aclReencryptor: (any AclReencryptor)? = nil) {
        self.expirySafetyMargin = expirySafetyMargin
        self.pauseWhileIntentPending = pauseWhileIntentPending
        self.maxBatchSize = max(1, maxBatchSize)
        self.aclReencryptor = aclReencryptor
    }
}
