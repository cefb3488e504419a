import EthereumKit
import HTTPServer
import Kalypso
import Mirror

/// Generators: the mirrored record, list entries, details and per-market listings. Each writer sits next to its
/// schema; `APITests` validates every response against `/openapi.json`.
enum GeneratorJSON {
    // MARK: Record

    static let recordProperties: Atom.Properties = [
        ("address", Atom.address.described("the generator (admin) address")),
        ("addressChecksummed", Atom.checksummedAddress),
        ("rewardAddress", Atom.orNull(Atom.address, "where rewards go; null if the registration could not be enriched")),
        ("totalStake", Atom.uint256.described("totalStake, in staking-token units")),
        ("stakeLocked", Atom.uint256.described("stake locked by assigned tasks")),
        ("declaredCompute", Atom.uint256.described("declaredCompute")),
        ("computeConsumed", Atom.uint256.described("compute locked by assigned tasks")),
        ("sumOfComputeAllocations", Atom.uint256.described("Σ computePerRequestRequired over joined markets")),
        ("activeMarketplaces", Atom.uint256.described("number of per-market rows")),
        ("intendedStakeUtilization", Atom.uint256.described("ISU, 1e18 = 100 %; below 1e18 while a stake reduction is pending")),
        ("intendedComputeUtilization", Atom.uint256.described("ICU, 1e18 = 100 %; below 1e18 while a compute reduction is pending")),
        ("pendingStakeReduction", Atom.orNull(.ref(PendingIntentJSON.name), "a requested, not yet executed stake decrease")),
        ("pendingComputeReduction", Atom.orNull(.ref(PendingIntentJSON.name), "a requested, not yet executed compute decrease")),
        ("generatorData", Atom.orNull(Atom.bytes, "generatorData (metadata) bytes; null if unknown")),
        ("generatorDataText", Atom.orNull(.string(), "generatorData as text when it is printable UTF-8")),
        ("registeredInBlock", Atom.blockNumber.described("block of the RegisteredGenerator log")),
    ]

    static let recordName = "Generator"
    static let recordSchema = JSONSchema.object(recordProperties, description: "A mirrored GeneratorRegistry.Generator record")

    static func writeRecordMembers(_ g: Generator, to w: inout JSONWriter) {
        w.field("address", g.address)
        w.field("addressChecksummed", g.address.checksummed)
        w.field("rewardAddress", g.rewardAddress)
        w.field("totalStake", g.totalStake)
        w.field("stakeLocked", g.stakeLocked)
        w.field("declaredCompute", g.declaredCompute)
        w.field("computeConsumed", g.computeConsumed)
        w.field("sumOfComputeAllocations", g.sumOfComputeAllocations)
        w.field("activeMarketplaces", g.activeMarketplaces)
        w.field("intendedStakeUtilization", g.intendedStakeUtilization)
        w.field("intendedComputeUtilization", g.intendedComputeUtilization)
        w.key("pendingStakeReduction"); PendingIntentJSON.write(g.pendingStakeReduction, to: &w)
        w.key("pendingComputeReduction"); PendingIntentJSON.write(g.pendingComputeReduction, to: &w)
        w.field("generatorData", bytes: g.generatorData)
        w.field("generatorDataText", text: g.generatorData)
        w.field("registeredInBlock", g.registeredInBlock)
    }

    static func writeRecord(_ g: Generator, to w: inout JSONWriter) {
        w.object { w in writeRecordMembers(g, to: &w) }
    }

    // MARK: List entry

    static let summaryName = "GeneratorSummary"
    static let summarySchema = JSONSchema.object(recordProperties + [
        ("state", Atom.orNull(Atom.names(GeneratorState.self, "state"),
                              "getGeneratorState in the filtered market, else the overall state: null (the enum value) without markets, requested_for_exit when every listing is exiting, else the state of its joined listings; JSON null where the contract's getter would revert")),
        ("idleCapacity", Atom.orNull(Atom.uint256, "the contract's idleCapacity")),
        ("marketCount", Atom.count.described("markets it is listed in")),
    ], description: "A generator in a list")

    static func writeSummary(_ s: GeneratorSummary, to w: inout JSONWriter) {
        w.object { w in
            writeRecordMembers(s.generator, to: &w)
            w.field("state", s.state)
            w.field("idleCapacity", s.idleCapacity)
            w.field("marketCount", s.marketCount)
        }
    }

    // MARK: Detail

    static let detailName = "GeneratorDetail"
    static let detailSchema = JSONSchema.object(recordProperties + [
        ("state", Atom.orNull(Atom.names(GeneratorState.self, "overall state"), "the overall state (see GeneratorSummary.state)")),
        ("idleCapacity", Atom.orNull(Atom.uint256, "the contract's idleCapacity: maxUsableCompute − computeConsumed")),
        ("maxReducibleStake", Atom.orNull(Atom.uint256, "the contract's maxReducibleStake: maxUsableStake − stakeLocked")),
        ("availableCompute", Atom.orNull(.ref(FractionJSON.name), "AvailableCompute over all listings; null if declaredCompute is 0")),
        ("markets", JSONSchema.array(.ref(ListingJSON.name), description: "its listings, by market id")),
        ("adminSignatureCheck", Atom.orNull(.ref(SignatureCheckJSON.name),
                                            "the latest admin signature check (sender recovered with libsecp256k1) of a transaction that emitted an event for it")),
    ], description: "A generator with its derived values, listings and admin signature check")

    static func writeDetail(_ d: GeneratorDetail, to w: inout JSONWriter) {
        w.object { w in
            writeRecordMembers(d.generator, to: &w)
            w.field("state", d.state)
            w.field("idleCapacity", d.idleCapacity)
            w.field("maxReducibleStake", d.maxReducibleStake)
            w.key("availableCompute"); FractionJSON.write(d.availableCompute, to: &w)
            w.field("markets", array: { w in for l in d.markets { ListingJSON.write(l, to: &w) } })
            w.key("adminSignatureCheck"); SignatureCheckJSON.write(d.adminCheck, to: &w)
        }
    }
}

/// A generator's listing in one market (`GeneratorInfoPerMarket` with its derived values).
enum ListingJSON {
    static let name = "GeneratorListing"
    static let schema = JSONSchema.object([
        ("generator", Atom.address),
        ("marketId", Atom.uint256),
        ("storedState", Atom.names(StoredMarketState.self, "the row's stored state")),
        ("state", Atom.orNull(Atom.names(GeneratorState.self, "getGeneratorState(generator, market)"),
                              "getGeneratorState; null where the contract's getter would revert")),
        ("computePerRequestRequired", Atom.uint256.described("compute locked per task in this market")),
        ("proofGenerationCost", Atom.orNull(Atom.uint256, "price per proof; null if the join could not be enriched")),
        ("proposedTime", Atom.orNull(Atom.uint256, "maximum proof time in G1 clock blocks; null if unknown")),
        ("activeRequests", Atom.uint256.described("assigned, not yet completed tasks in this market")),
        ("joinedInBlock", Atom.blockNumber),
        ("idleCapacity", Atom.uint256.described("the idle capacity getGeneratorState returns (0 unless joined or wip)")),
        ("computePerProof", Atom.orNull(.ref(FractionJSON.name), "computePerRequestRequired / declaredCompute")),
        ("eligibleNow", JSONSchema.boolean(description: "an ask meeting this listing's price and time could be assigned to it now (the contract's assignTask checks at the synced clock, plus a usable enclave key in a private market)")),
        ("ineligibleReason", Atom.orNull(.string(), "why not, when not eligible")),
    ], description: "A generator's listing in one market")

    static func write(_ l: GeneratorMarketStatus, to w: inout JSONWriter) {
        w.object { w in
            w.field("generator", l.row.generator)
            w.field("marketId", l.row.marketId)
            w.field("storedState", l.row.state)
            w.field("state", l.state)
            w.field("computePerRequestRequired", l.row.computePerRequestRequired)
            w.field("proofGenerationCost", l.row.proofGenerationCost)
            w.field("proposedTime", l.row.proposedTime)
            w.field("activeRequests", l.row.activeRequests)
            w.field("joinedInBlock", l.row.joinedInBlock)
            w.field("idleCapacity", l.idleCapacity)
            w.key("computePerProof"); FractionJSON.write(l.computePerProof, to: &w)
            w.field("eligibleNow", l.eligibleNow)
            w.field("ineligibleReason", l.ineligibleReason)
        }
    }
}

/// A pending two-step reduction.
enum PendingIntentJSON {
    static let name = "PendingIntent"
    static let schema = JSONSchema.object([
        ("requestedInBlock", Atom.blockNumber.described("block of the Request…Decrease log")),
        ("executableFromClock", Atom.orNull(Atom.uint256, "first G1 clock value at which the reduction can be executed; null if unknown")),
    ], description: "A requested, not yet executed reduction")

    static func write(_ p: PendingIntent?, to w: inout JSONWriter) {
        guard let p else { return w.null() }
        w.object { w in
            w.field("requestedInBlock", p.requestedInBlock)
            w.field("executableFromClock", p.executableFromClock)
        }
    }
}

/// An exact fraction (AvailableCompute, ComputePerProof) with its 1e18 fixed-point value.
enum FractionJSON {
    static let name = "ComputeFraction"
    static let schema = JSONSchema.object([
        ("numerator", Atom.uint256),
        ("denominator", Atom.uint256.described("never 0")),
        ("scaled1e18", Atom.orNull(Atom.uint256, "⌊numerator · 1e18 / denominator⌋")),
    ], description: "An exact fraction numerator / denominator")

    static func write(_ f: ComputeFraction?, to w: inout JSONWriter) {
        guard let f else { return w.null() }
        w.object { w in
            w.field("numerator", f.numerator)
            w.field("denominator", f.denominator)
            w.field("scaled1e18", f.scaled1e18)
        }
    }
}

/// A signature the mirror verified itself with libsecp256k1.
enum SignatureCheckJSON {
    static let name = "SignatureCheck"
    static let schema = JSONSchema.object([
        ("kind", Atom.names(SignatureCheck.Kind.self, "which signature")),
        ("blockNumber", Atom.blockNumber),
        ("blockHash", Atom.hash),
        ("transactionHash", Atom.hash),
        ("transactionIndex", Atom.count),
        ("logIndex", Atom.count.described("the transaction's first Kalypso log")),
        ("expected", Atom.orNull(Atom.address, "the address the signature should recover to, if known")),
        ("recovered", Atom.orNull(Atom.address, "what libsecp256k1 recovered; null if recovery failed or was not possible")),
        ("matches", JSONSchema.boolean(description: "recovered == expected")),
        ("note", JSONSchema.string(description: "explanation (contract wallet, unchecked: …)")),
    ], description: "A signature check")

    static func write(_ c: SignatureCheck?, to w: inout JSONWriter) {
        guard let c else { return w.null() }
        w.object { w in
            w.field("kind", c.kind)
            w.field("blockNumber", c.position.blockNumber)
            w.field("blockHash", c.position.blockHash)
            w.field("transactionHash", c.position.transactionHash)
            w.field("transactionIndex", c.position.transactionIndex)
            w.field("logIndex", c.position.logIndex)
            w.field("expected", c.expected)
            w.field("recovered", c.recovered)
            w.field("matches", c.matches)
            w.field("note", c.note)
        }
    }
}
