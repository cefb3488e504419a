import EthereumKit
import Kalypso

/// Reads one typed event from a plan reader.
typealias EventConstructor = @Sendable (inout PlanFieldReader) throws -> KalypsoEvent

/// The typed-event constructor of each G1 and inherited topic0, looked up once per dispatch entry at decoder set-up.
///
/// `KalypsoEvent.decode(topic0:fields:)` finds the constructor by comparing topic0 with up to 50 reference entries
/// on every call; the decoder's table already knows the event, so the hot path calls the constructor directly.
/// The decoder's self-test checks, for every entry, that this constructor and `KalypsoEvent.decode` build the same
/// event, so the two mappings cannot drift apart.
enum EventConstructors {
    static func constructor(for topic0: Hash32) -> EventConstructor? {
        typealias T = KalypsoTopics
        switch topic0 {
        case T.registeredGenerator.topic0: return { .registeredGenerator(try .init(fields: &$0)) }
        case T.deregisteredGenerator.topic0: return { .deregisteredGenerator(try .init(fields: &$0)) }
        case T.changedGeneratorRewardAddress.topic0: return { .changedGeneratorRewardAddress(try .init(fields: &$0)) }
        case T.joinedMarketplace.topic0: return { .joinedMarketplace(try .init(fields: &$0)) }
        case T.requestExitMarketplace.topic0: return { .requestExitMarketplace(try .init(fields: &$0)) }
        case T.leftMarketplace.topic0: return { .leftMarketplace(try .init(fields: &$0)) }
        case T.addIvsKey.topic0: return { .addIvsKey(try .init(fields: &$0)) }
        case T.addedStake.topic0: return { .addedStake(try .init(fields: &$0)) }
        case T.requestStakeDecrease.topic0: return { .requestStakeDecrease(try .init(fields: &$0)) }
        case T.removedStake.topic0: return { .removedStake(try .init(fields: &$0)) }
        case T.increasedCompute.topic0: return { .increasedCompute(try .init(fields: &$0)) }
        case T.requestComputeDecrease.topic0: return { .requestComputeDecrease(try .init(fields: &$0)) }
        case T.decreaseCompute.topic0: return { .decreaseCompute(try .init(fields: &$0)) }
        case T.stakeLockImposed.topic0: return { .stakeLockImposed(try .init(fields: &$0)) }
        case T.computeLockImposed.topic0: return { .computeLockImposed(try .init(fields: &$0)) }
        case T.stakeLockReleased.topic0: return { .stakeLockReleased(try .init(fields: &$0)) }
        case T.computeLockReleased.topic0: return { .computeLockReleased(try .init(fields: &$0)) }
        case T.stakeSlashed.topic0: return { .stakeSlashed(try .init(fields: &$0)) }
        case T.askCreated.topic0: return { .askCreated(try .init(variant: .current, fields: &$0)) }
        case T.askCreatedLegacy.topic0: return { .askCreated(try .init(variant: .legacy, fields: &$0)) }
        case T.taskCreated.topic0: return { .taskCreated(try .init(fields: &$0)) }
        case T.proofCreated.topic0: return { .proofCreated(try .init(fields: &$0)) }
        case T.proofNotGenerated.topic0: return { .proofNotGenerated(try .init(fields: &$0)) }
        case T.invalidInputsDetected.topic0: return { .invalidInputsDetected(try .init(fields: &$0)) }
        case T.marketplaceCreated.topic0: return { .marketplaceCreated(try .init(fields: &$0)) }
        case T.askCancelled.topic0: return { .askCancelled(try .init(fields: &$0)) }
        case T.updateCostPerBytes.topic0: return { .updateCostPerBytes(try .init(fields: &$0)) }
        case T.updateMinProvingTime.topic0: return { .updateMinProvingTime(try .init(fields: &$0)) }
        case T.addExtraProverImage.topic0: return { .addExtraProverImage(try .init(fields: &$0)) }
        case T.addExtraIVSImage.topic0: return { .addExtraIVSImage(try .init(fields: &$0)) }
        case T.removeExtraProverImage.topic0: return { .removeExtraProverImage(try .init(fields: &$0)) }
        case T.removeExtraIVSImage.topic0: return { .removeExtraIVSImage(try .init(fields: &$0)) }
        case T.updateKey.topic0: return { .updateKey(try .init(fields: &$0)) }
        case T.removeKey.topic0: return { .removeKey(try .init(fields: &$0)) }
        case T.imageBlacklisted.topic0: return { .imageBlacklisted(try .init(fields: &$0)) }
        case T.enclaveImageWhitelisted.topic0: return { .enclaveImageWhitelisted(try .init(fields: &$0)) }
        case T.enclaveImageRevoked.topic0: return { .enclaveImageRevoked(try .init(fields: &$0)) }
        case T.enclaveImageAddedToFamily.topic0: return { .enclaveImageAddedToFamily(try .init(fields: &$0)) }
        case T.enclaveImageRemovedFromFamily.topic0: return { .enclaveImageRemovedFromFamily(try .init(fields: &$0)) }
        case T.enclaveKeyWhitelisted.topic0: return { .enclaveKeyWhitelisted(try .init(fields: &$0)) }
        case T.enclaveKeyRevoked.topic0: return { .enclaveKeyRevoked(try .init(fields: &$0)) }
        case T.enclaveKeyVerified.topic0: return { .enclaveKeyVerified(try .init(fields: &$0)) }
        case T.initialized.topic0: return { .initialized(try .init(variant: .uint64, fields: &$0)) }
        case T.initializedLegacy.topic0: return { .initialized(try .init(variant: .uint8, fields: &$0)) }
        case T.upgraded.topic0: return { .upgraded(try .init(fields: &$0)) }
        case T.roleGranted.topic0: return { .roleGranted(try .init(fields: &$0)) }
        case T.roleRevoked.topic0: return { .roleRevoked(try .init(fields: &$0)) }
        case T.roleAdminChanged.topic0: return { .roleAdminChanged(try .init(fields: &$0)) }
        case T.paused.topic0: return { .paused(try .init(fields: &$0)) }
        case T.unpaused.topic0: return { .unpaused(try .init(fields: &$0)) }
        default: return nil
        }
    }
}
