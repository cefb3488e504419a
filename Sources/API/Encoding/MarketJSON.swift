import EthereumKit
import HTTPServer
import Kalypso
import Mirror

/// Markets: the mirrored market with what the mirror derives, its generators and its statistics.
enum MarketJSON {
    static let name = "Market"
    static let schema = JSONSchema.object([
        ("id", Atom.uint256.described("market id")),
        ("data", Atom.orNull(.ref(dataName), "the market fields; null if MarketplaceCreated could not be enriched")),
        ("private", Atom.orNull(.boolean(), "takes confidential inputs (its prover image is an enclave image); null if unknown")),
        ("active", Atom.orNull(.boolean(), "accepts asks at the synced clock (clock ≥ activationBlock); null if unknown")),
        ("frozen", JSONSchema.boolean(description: "freezeMarket was called")),
        ("extraProverImages", JSONSchema.array(Atom.hash, description: "prover images added with addExtraImages, sorted")),
        ("extraIvsImages", JSONSchema.array(Atom.hash, description: "IVS images added with addExtraImages, sorted")),
        ("generatorsListed", Atom.count.described("generator listings, whatever their state")),
        ("createdInBlock", Atom.blockNumber),
    ], description: "A mirrored market")

    static let dataName = "MarketData"
    static let dataSchema = JSONSchema.object([
        ("verifier", Atom.address),
        ("proverImageId", Atom.hash),
        ("slashingPenalty", Atom.uint256.described("stake locked per task and slashed on a missed deadline")),
        ("activationBlock", Atom.uint256.described("G1 clock value from which asks are accepted")),
        ("ivsImageId", Atom.hash),
        ("creator", Atom.address.described("may change the extra images; zero once frozen")),
        ("metadata", Atom.bytes),
        ("metadataText", Atom.orNull(.string(), "metadata as text when it is printable UTF-8")),
    ], description: "ProofMarketplace.Market fields")

    static func write(_ m: MarketSummary, to w: inout JSONWriter) {
        w.object { w in
            w.field("id", m.market.id)
            w.key("data")
            if let d = m.market.data {
                w.object { w in
                    w.field("verifier", d.verifier)
                    w.field("proverImageId", d.proverImageId)
                    w.field("slashingPenalty", d.slashingPenalty)
                    w.field("activationBlock", d.activationBlock)
                    w.field("ivsImageId", d.ivsImageId)
                    w.field("creator", d.creator)
                    w.field("metadata", bytes: d.metadata)
                    w.field("metadataText", text: d.metadata)
                }
            } else {
                w.null()
            }
            w.field("private", m.isPrivate)
            w.field("active", m.isActive)
            w.field("frozen", m.market.frozen)
            w.field("extraProverImages", array: { w in for h in m.market.extraProverImages.sorted() { w.value(h) } })
            w.field("extraIvsImages", array: { w in for h in m.market.extraIvsImages.sorted() { w.value(h) } })
            w.field("generatorsListed", m.generatorsListed)
            w.field("createdInBlock", m.market.createdInBlock)
        }
    }
}

/// A generator listed in a market, with the generator-wide values matching needs.
enum MarketGeneratorJSON {
    static let name = "MarketGenerator"
    static let schema = JSONSchema.object([
        ("listing", JSONSchema.ref(ListingJSON.name)),
        ("generator", JSONSchema.ref(GeneratorJSON.recordName)),
        ("availableCompute", Atom.orNull(.ref(FractionJSON.name), "AvailableCompute over all the generator's listings")),
        ("maxReducibleStake", Atom.orNull(Atom.uint256, "the contract's maxReducibleStake")),
        ("hasUsableKey", JSONSchema.boolean(description: "a 64-byte enclave key for this market is registered")),
    ], description: "A generator listed in a market")

    static func write(_ m: MarketGenerator, to w: inout JSONWriter) {
        w.object { w in
            w.key("listing"); ListingJSON.write(m.listing, to: &w)
            w.key("generator"); GeneratorJSON.writeRecord(m.generator, to: &w)
            w.key("availableCompute"); FractionJSON.write(m.availableCompute, to: &w)
            w.field("maxReducibleStake", m.maxReducibleStake)
            w.field("hasUsableKey", m.hasUsableKey)
        }
    }
}

/// `markets stats`: what a generator browses before joining.
enum MarketStatsJSON {
    static let name = "MarketStats"
    static let spreadName = "ValueSpread"
    static let spreadSchema = JSONSchema.object([
        ("count", Atom.count), ("min", Atom.uint256), ("median", Atom.uint256), ("max", Atom.uint256),
    ], description: "Minimum, median (of an even count: the mean of the middle two, rounded down) and maximum")

    static let schema = JSONSchema.object([
        ("marketId", Atom.uint256),
        ("generatorsListed", Atom.count),
        ("generatorsByState", Atom.counts(by: GeneratorState.self, "listings by getGeneratorState (listings whose getter would revert are left out)")),
        ("price", Atom.orNull(.ref(spreadName), "proofGenerationCost over joined listings whose terms are known")),
        ("proposedTime", Atom.orNull(.ref(spreadName), "proposedTime (G1 clock blocks) over joined listings whose terms are known")),
        ("asksByState", Atom.counts(by: AskState.self, "asks by getAskState at the synced clock")),
        ("asksWithUnknownState", Atom.count.described("asks whose body could not be enriched")),
        ("asksByOutcome", Atom.counts(by: AskOutcome.self, "completed asks by outcome")),
        ("medianProofTimeBlocks", Atom.orNull(Atom.count, "median of completedInBlock − assignedInBlock over proved asks")),
    ], description: "A market's statistics")

    static func write(_ s: MarketStats, to w: inout JSONWriter) {
        w.object { w in
            w.field("marketId", s.marketId)
            w.field("generatorsListed", s.generatorsListed)
            w.field("generatorsByState", object: { w in for c in GeneratorState.allCases { w.field(c.apiName, s.generatorsByState[c] ?? 0) } })
            w.key("price"); writeSpread(s.price, to: &w)
            w.key("proposedTime"); writeSpread(s.proposedTime, to: &w)
            w.field("asksByState", object: { w in for c in AskState.allCases { w.field(c.apiName, s.asksByState[c] ?? 0) } })
            w.field("asksWithUnknownState", s.asksWithUnknownState)
            w.field("asksByOutcome", object: { w in for c in AskOutcome.allCases { w.field(c.apiName, s.asksByOutcome[c] ?? 0) } })
            w.field("medianProofTimeBlocks", s.medianProofTimeBlocks)
        }
    }

    static func writeSpread(_ s: ValueSpread?, to w: inout JSONWriter) {
        guard let s else { return w.null() }
        w.object { w in
            w.field("count", s.count)
            w.field("min", s.min)
            w.field("median", s.median)
            w.field("max", s.max)
        }
    }
}

/// An ask with its derived state.
enum AskJSON {
    static let name = "Ask"
    static let bodyName = "AskBody"
    static let bodySchema = JSONSchema.object([
        ("marketId", Atom.uint256),
        ("reward", Atom.uint256.described("what the requester pays")),
        ("expiry", Atom.uint256.described("G1 clock value by which it must be assigned")),
        ("timeTakenForProofGeneration", Atom.uint256.described("G1 clock blocks")),
        ("deadline", Atom.uint256.described("G1 clock value; set to assignment + timeTakenForProofGeneration when assigned")),
        ("refundAddress", Atom.address),
        ("proverData", Atom.bytes.described("public inputs")),
    ], description: "ProofMarketplace.Ask fields")

    static let schema = JSONSchema.object([
        ("id", Atom.uint256),
        ("marketId", Atom.orNull(Atom.uint256, "null if the body is unknown")),
        ("state", Atom.orNull(Atom.names(AskState.self, "getAskState"), "getAskState at `clock`; null if the body is unknown")),
        ("storedState", Atom.names(StoredAskState.self, "the stored state")),
        ("clock", Atom.uint256.described("the G1 clock the state was derived at (the synced block's)")),
        ("body", Atom.orNull(.ref(bodyName), "null if AskCreated could not be enriched")),
        ("requester", Atom.orNull(Atom.address, "msg.sender of createAsk")),
        ("generator", Atom.orNull(Atom.address, "the assigned generator")),
        ("hasPrivateInputs", JSONSchema.boolean(description: "the market type, as AskCreated reports it")),
        ("secretType", Atom.orNull(Atom.names(SecretType.self, "secret type"), "createAsk's secretType; null if unknown")),
        ("secretData", Atom.bytes),
        ("acl", Atom.bytes),
        ("extraData", Atom.bytes),
        ("newAcl", Atom.orNull(Atom.bytes, "from TaskCreated")),
        ("outcome", Atom.orNull(Atom.names(AskOutcome.self, "outcome"), "how it completed; null until complete")),
        ("proof", Atom.orNull(Atom.bytes, "from ProofCreated")),
        ("createdInBlock", Atom.blockNumber),
        ("assignedInBlock", Atom.orNull(Atom.blockNumber, "block of TaskCreated")),
        ("completedInBlock", Atom.orNull(Atom.blockNumber, "block of the completing event")),
    ], description: "A mirrored ask")

    static func write(_ d: AskDetail, to w: inout JSONWriter) {
        let a = d.ask
        w.object { w in
            w.field("id", a.id)
            w.field("marketId", a.marketId)
            w.field("state", d.state)
            w.field("storedState", a.storedState)
            w.field("clock", d.clock)
            w.key("body")
            if let b = a.body {
                w.object { w in
                    w.field("marketId", b.marketId)
                    w.field("reward", b.reward)
                    w.field("expiry", b.expiry)
                    w.field("timeTakenForProofGeneration", b.timeTakenForProofGeneration)
                    w.field("deadline", b.deadline)
                    w.field("refundAddress", b.refundAddress)
                    w.field("proverData", bytes: b.proverData)
                }
            } else {
                w.null()
            }
            w.field("requester", a.requester)
            w.field("generator", a.generator)
            w.field("hasPrivateInputs", a.hasPrivateInputs)
            w.field("secretType", a.secretType)
            w.field("secretData", bytes: a.secretData)
            w.field("acl", bytes: a.acl)
            w.field("extraData", bytes: a.extraData)
            w.field("newAcl", bytes: a.newAcl)
            w.field("outcome", a.outcome)
            w.field("proof", bytes: a.proof)
            w.field("createdInBlock", a.createdInBlock)
            w.field("assignedInBlock", a.assignedInBlock)
            w.field("completedInBlock", a.completedInBlock)
        }
    }
}
