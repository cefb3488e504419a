import EthereumKit
import JSONRPC
import Kalypso
import Mirror

/// `--json` output of the mirror commands: one JSON document on standard output.
///
/// Conventions (as `tx decode`): 256-bit integers are decimal strings, block numbers and counts are JSON numbers,
/// addresses are EIP-55, hashes and bytes are lowercase 0x-hex, unknown values are null. Every document carries the
/// `checkpoint` (cursor block and hash) it was read at.
enum MirrorJSON {
    typealias Object = [(String, JSONValue)]

    static func u(_ v: UInt256) -> JSONValue { .string(v.description) }
    static func u(_ v: UInt256?) -> JSONValue { v.map { .string($0.description) } ?? .null }
    static func n(_ v: UInt64) -> JSONValue { .number(JSONNumber(v)) }
    static func n(_ v: UInt64?) -> JSONValue { v.map { .number(JSONNumber($0)) } ?? .null }
    static func n(_ v: Int) -> JSONValue { .number(JSONNumber(v)) }
    static func a(_ v: Address) -> JSONValue { .string(v.checksummed) }
    static func a(_ v: Address?) -> JSONValue { v.map { .string($0.checksummed) } ?? .null }
    static func h(_ v: Hash32) -> JSONValue { .string(v.description) }
    static func h(_ v: Hash32?) -> JSONValue { v.map { .string($0.description) } ?? .null }
    static func b(_ v: [UInt8]) -> JSONValue { .string(Hex.encode(v)) }
    static func b(_ v: [UInt8]?) -> JSONValue { v.map { .string(Hex.encode($0)) } ?? .null }
    static func s(_ v: String?) -> JSONValue { v.map { .string($0) } ?? .null }
    static func s(_ v: (some CustomStringConvertible)?) -> JSONValue { v.map { .string($0.description) } ?? .null }
    static func fraction(_ f: ComputeFraction?) -> JSONValue {
        f.map { .object([("numerator", u($0.numerator)), ("denominator", u($0.denominator))]) } ?? .null
    }

    static func checkpoint(_ c: Checkpoint?) -> JSONValue {
        c.map { .object([("block", n($0.blockNumber)), ("hash", h($0.blockHash))]) } ?? .null
    }

    /// A document with the checkpoint first.
    static func document(_ checkpoint: Checkpoint?, _ members: Object) -> String {
        JSONValue.object([("checkpoint", Self.checkpoint(checkpoint))] + members).text
    }

    static func status(_ st: MirrorStatus) -> Object {
        [("head", n(st.head)), ("headRecordedAt", s(st.headRecordedAt)), ("synced", checkpoint(st.synced)), ("lag", n(st.lag)),
         ("clock", u(st.clock)), ("reorgsSeen", n(st.reorgsSeen)),
         ("lastReorg", st.lastReorg.map { r in .object([("fromBlock", n(r.fromBlock)), ("toBlock", n(r.toBlock)), ("depth", n(r.depth)),
                                                         ("reason", .string(r.reason)), ("at", .string(r.at))]) } ?? .null),
         ("undoFloor", n(st.undoFloor)), ("quarantinedLogs", n(st.quarantinedCount)), ("unknownLogs", n(st.unknownCount)),
         ("unknownTopics", .array(st.unknownTopics.map { t in .object([("topic0", h(t.topic0)), ("count", n(t.count)), ("otherGeneration", s(t.otherGeneration))]) })),
         ("issues", .object(st.issuesBySeverity.sorted { $0.key < $1.key }.map { ($0.key, n($0.value)) })),
         ("signatureMismatches", n(st.signatureMismatches)), ("generators", n(st.generatorCount)), ("markets", n(st.marketCount)),
         ("startedAt", s(st.startedAt))]
    }

    static func generator(_ g: Generator) -> Object {
        [("address", a(g.address)), ("rewardAddress", a(g.rewardAddress)), ("totalStake", u(g.totalStake)),
         ("sumOfComputeAllocations", u(g.sumOfComputeAllocations)), ("computeConsumed", u(g.computeConsumed)),
         ("stakeLocked", u(g.stakeLocked)), ("activeMarketplaces", u(g.activeMarketplaces)), ("declaredCompute", u(g.declaredCompute)),
         ("intendedStakeUtilization", u(g.intendedStakeUtilization)), ("intendedComputeUtilization", u(g.intendedComputeUtilization)),
         ("generatorData", b(g.generatorData)), ("registeredInBlock", n(g.registeredInBlock))]
    }

    static func summary(_ x: GeneratorSummary) -> JSONValue {
        .object(generator(x.generator) + [("state", s(x.state)), ("idleCapacity", u(x.idleCapacity)), ("markets", n(x.marketCount))])
    }

    static func listing(_ l: GeneratorMarketStatus) -> JSONValue {
        .object([("generator", a(l.row.generator)), ("marketId", u(l.row.marketId)), ("storedState", s(l.row.state)),
                 ("state", s(l.state)), ("computePerRequestRequired", u(l.row.computePerRequestRequired)),
                 ("proofGenerationCost", u(l.row.proofGenerationCost)), ("proposedTime", u(l.row.proposedTime)),
                 ("activeRequests", u(l.row.activeRequests)), ("idleCapacity", u(l.idleCapacity)),
                 ("computePerProof", fraction(l.computePerProof)), ("eligibleNow", .bool(l.eligibleNow)),
                 ("ineligibleReason", s(l.ineligibleReason)), ("joinedInBlock", n(l.row.joinedInBlock))])
    }

    static func signatureCheck(_ c: SignatureCheck?) -> JSONValue {
        guard let c else { return .null }
        return .object([("kind", .string(c.kind.rawValue)), ("block", n(c.position.blockNumber)), ("transaction", h(c.position.transactionHash)),
                        ("expected", a(c.expected)), ("recovered", a(c.recovered)), ("matches", .bool(c.matches)), ("note", .string(c.note))])
    }

    static func detail(_ d: GeneratorDetail) -> JSONValue {
        .object(generator(d.generator) + [("state", s(d.state)), ("idleCapacity", u(d.idleCapacity)),
                                          ("maxReducibleStake", u(d.maxReducibleStake)), ("availableCompute", fraction(d.availableCompute)),
                                          ("adminSignature", signatureCheck(d.adminCheck)), ("markets", .array(d.markets.map(listing)))])
    }

    static func market(_ m: MarketSummary) -> JSONValue {
        let d = m.market.data
        return .object([("id", u(m.market.id)), ("verifier", a(d?.verifier)), ("proverImageId", h(d?.proverImageId)),
                        ("slashingPenalty", u(d?.slashingPenalty)), ("activationBlock", u(d?.activationBlock)),
                        ("ivsImageId", h(d?.ivsImageId)), ("creator", a(d?.creator)), ("metadata", b(d?.metadata)),
                        ("private", m.isPrivate.map(JSONValue.bool) ?? .null), ("active", m.isActive.map(JSONValue.bool) ?? .null),
                        ("frozen", .bool(m.market.frozen)), ("generatorsListed", n(m.generatorsListed)),
                        ("createdInBlock", n(m.market.createdInBlock))])
    }

    static func spread(_ x: ValueSpread?) -> JSONValue {
        x.map { .object([("count", n($0.count)), ("min", u($0.min)), ("median", u($0.median)), ("max", u($0.max))]) } ?? .null
    }

    static func stats(_ st: MarketStats) -> JSONValue {
        .object([("marketId", u(st.marketId)), ("generatorsListed", n(st.generatorsListed)),
                 ("generatorsByState", .object(st.generatorsByState.sorted { $0.key.rawValue < $1.key.rawValue }.map { ($0.key.description, n($0.value)) })),
                 ("price", spread(st.price)), ("proposedTime", spread(st.proposedTime)),
                 ("asksByState", .object(st.asksByState.sorted { $0.key.rawValue < $1.key.rawValue }.map { ($0.key.description, n($0.value)) })),
                 ("asksWithUnknownState", n(st.asksWithUnknownState)),
                 ("asksByOutcome", .object(st.asksByOutcome.sorted { $0.key.rawValue < $1.key.rawValue }.map { ($0.key.description, n($0.value)) })),
                 ("medianProofTimeBlocks", n(st.medianProofTimeBlocks))])
    }

    static func mismatch(_ m: VerificationMismatch) -> JSONValue {
        .object([("entity", .string(m.entity)), ("field", .string(m.field)), ("mirror", .string(m.mirror)), ("chain", .string(m.chain))])
    }
}
