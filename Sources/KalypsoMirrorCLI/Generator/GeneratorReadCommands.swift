import EthereumKit
import Foundation
import JSONRPC
import Kalypso
import Mirror
import Operator

/// `generator plan` and `generator status`: read-only views for deciding and checking.
enum GeneratorReadCommands {
    static let planHelp = """
    Usage: kalypso-mirror generator plan --market ID [--declared-compute N] [--compute-per-proof N]
                                         [--generator ADDR] [--db PATH|URL | --from-block N | --no-scan] [connection] [--json]

    Shows a market and what your numbers mean there:
    - the market: public or private (enclave image), slashing penalty (the stake each task locks), activation;
    - its generators: how many are in it or leaving, their active requests, and the spread (min / median / max)
      of PricePerProof, MaxProofTime and ComputePerProof. With --db (the mirror's SQLite file or postgres:// URL)
      they come from the mirror in one snapshot, with the market's asks by state and median proof time, as
      `kalypso-mirror markets stats` shows them; without it, from the registry's JoinedMarketplace logs since the
      deployment block (devnode info, config startBlock, or --from-block; --no-scan skips it);
    - for a declared compute D and a ComputePerProof C (default: the generator's own): C as the seed's fraction of
      AvailableCompute (C / D), the proofs that fit at once (⌊D / C⌋, the free stake's ⌊stake / penalty⌋ and the
      per-market cap of 101, whichever is smallest), and whether C fits next to the generator's other markets.
    The generator defaults to the signing key's address when one is given (--from, --keystore,
    --private-key-env); no password is needed.

    \(ConnectionOptions.help)
    """

    static let statusHelp = """
    Usage: kalypso-mirror generator status [--generator ADDR] [key options] [connection] [--json]

    Shows a generator's registry record (reward address, stake, locked stake, declared and allocated compute,
    pending intents) and its row in every market it is in. The generator defaults to the signing key's address.

    \(ConnectionOptions.help)
    """

    static func plan(_ a: inout Arguments) async throws -> Int32 {
        let json = a.flag("--json")
        let noScan = a.flag("--no-scan")
        let market = try SendingSubcommand.integer(try a.requiredOption("--market", "id"), "--market")
        let declared = try a.option("--declared-compute").map { try SendingSubcommand.integer($0, "--declared-compute") }
        let compute = try a.option("--compute-per-proof").map { try SendingSubcommand.integer($0, "--compute-per-proof") }
        let generatorText = try a.option("--generator")
        let databaseText = try a.option("--db")
        let connection = try ConnectionOptions.parse(&a)
        let signer = try SignerOptions.parse(&a)
        try a.finish()
        let generator = try generatorAddress(generatorText, signer)
        let mirror = try databaseText.map { try PlanMirrorStatistics.read(market: market, databaseText: $0) }
        let session = try await connection.connect(logger: GeneratorCommand.logger(verbose: false))
        defer { session.shutdown() }
        let plan = try await operatorCall { () async throws(OperatorError) in
            try await MarketPlan.make(market: market, generator: generator, declaredCompute: declared, computePerProof: compute,
                                      statisticsFromBlock: noScan || mirror != nil ? nil : connection.statisticsFromBlock, reader: session.reader)
        }
        if json {
            Console.out(planJSON(plan, session, mirror: mirror).text)
        } else {
            planLines(plan, session, mirror: mirror).forEach(Console.out)
        }
        return 0
    }

    static func status(_ a: inout Arguments) async throws -> Int32 {
        let json = a.flag("--json")
        let generatorText = try a.option("--generator")
        let connection = try ConnectionOptions.parse(&a)
        let signer = try SignerOptions.parse(&a)
        try a.finish()
        guard let address = try generatorAddress(generatorText, signer) else {
            throw CLIError.usage("status needs --generator ADDR or a key (--from, --keystore, --private-key-env)")
        }
        let session = try await connection.connect(logger: GeneratorCommand.logger(verbose: false))
        defer { session.shutdown() }
        let (g, rows) = try await operatorCall { () async throws(OperatorError) in
            let g = try await session.reader.generator(address)
            let rows = try await session.reader.generatorMarkets(address, marketCount: try await session.reader.marketCount())
            return (g, rows)
        }
        let token = session.stakingToken
        let registered = !(g.rewardAddress ?? .zero).isZero
        if json {
            let rowJSON: [JSONValue] = rows.map { r in
                .object([("market", .string(r.marketId.description)), ("state", .string(r.state.description)),
                         ("computePerProof", .string(r.computePerRequestRequired.description)),
                         ("pricePerProof", .string((r.proofGenerationCost ?? .zero).description)),
                         ("maxProofTime", .string((r.proposedTime ?? .zero).description)), ("activeRequests", .string(r.activeRequests.description))])
            }
            Console.out(JSONValue.object([
                ("generator", .string(address.checksummed)), ("registered", .bool(registered)),
                ("rewardAddress", .string((g.rewardAddress ?? .zero).checksummed)), ("totalStake", .string(g.totalStake.description)),
                ("stakeLocked", .string(g.stakeLocked.description)), ("declaredCompute", .string(g.declaredCompute.description)),
                ("sumOfComputeAllocations", .string(g.sumOfComputeAllocations.description)), ("computeConsumed", .string(g.computeConsumed.description)),
                ("activeMarketplaces", .string(g.activeMarketplaces.description)),
                ("intendedStakeUtilization", .string(g.intendedStakeUtilization.description)),
                ("intendedComputeUtilization", .string(g.intendedComputeUtilization.description)),
                ("generatorData", .string(String(decoding: g.generatorData ?? [], as: UTF8.self))), ("markets", .array(rowJSON)),
            ]).text)
            return 0
        }
        guard registered else {
            Console.out("\(address.checksummed) is not registered as a generator")
            return 0
        }
        Console.out("generator \(address.checksummed)")
        Console.out("  reward address   \((g.rewardAddress ?? .zero).checksummed)")
        Console.out("  stake            \(token.format(g.totalStake)) (locked by tasks: \(token.format(g.stakeLocked)))")
        Console.out("  declared compute \(g.declaredCompute) (allocated to markets: \(g.sumOfComputeAllocations), in use: \(g.computeConsumed))")
        if g.intendedStakeUtilization != ContractMath.exponent {
            let left = ContractMath.scaleByUtilization(g.totalStake, g.intendedStakeUtilization) ?? .zero
            Console.out("  pending          stake reduction to \(token.format(left)) ('generator unstake' executes it)")
        }
        if g.intendedComputeUtilization != ContractMath.exponent {
            let left = ContractMath.scaleByUtilization(g.declaredCompute, g.intendedComputeUtilization) ?? .zero
            Console.out("  pending          compute reduction to \(left) ('generator decrease-compute' executes it)")
        }
        Console.out("  data             \(String(decoding: g.generatorData ?? [], as: UTF8.self))")
        if rows.isEmpty { Console.out("  markets          none") }
        for r in rows {
            Console.out("  market \(r.marketId): \(r.state), compute per proof \(r.computePerRequestRequired), price \(session.paymentToken.format(r.proofGenerationCost ?? .zero)), max proof time \(r.proposedTime ?? .zero) blocks, active requests \(r.activeRequests)")
        }
        return 0
    }

    /// `--generator`, else the signer's address if a key was named, else nil.
    static func generatorAddress(_ text: String?, _ signer: SignerOptions) throws -> Address? {
        if let text { return try CLIParse.address(text, "--generator") }
        if signer.privateKeyEnvironment != nil || signer.keystore != nil || signer.from != nil { return try signer.address() }
        return (try? signer.address())
    }

    // MARK: - Rendering the plan

    /// The plan as text; `mirror` (from `--db`) stands in for the log scan's statistics.
    static func planLines(_ p: MarketPlan, _ session: OperatorSession, mirror: PlanMirrorStatistics?) -> [String] {
        let m = p.market
        var lines = ["market \(p.marketId): \(m.isPrivate ? "private (enclave prover image \(m.proverImageId))" : "public")"]
        if let activation = m.activationBlock.uint64, activation > p.headBlock {
            lines.append("  activates at block \(activation) (\(activation - p.headBlock) blocks from now; head \(p.headBlock))")
        } else {
            lines.append("  active since block \(m.activationBlock) (head \(p.headBlock))")
        }
        lines.append("  slashing penalty \(session.stakingToken.format(m.slashingPenalty)) (stake locked per task, lost on a missed deadline)")
        let meta = String(decoding: m.metadata, as: UTF8.self)
        lines.append("  metadata \(meta.count <= 200 ? meta : String(meta.prefix(200)) + "…")")
        if let s = p.statistics {
            lines.append("generators (logs of blocks \(s.scannedBlocks.lowerBound)…\(s.scannedBlocks.upperBound)): \(s.joined) in the market, \(s.exiting) leaving, \(s.activeRequests) active request(s)")
            if let price = s.price {
                let f = session.paymentToken
                lines.append("  PricePerProof   min \(f.format(price.min)), median \(f.format(price.median)), max \(f.format(price.max))")
            }
            if let t = s.maxProofTime { lines.append("  MaxProofTime    min \(t.min), median \(t.median), max \(t.max) blocks") }
            if let c = s.computePerProof { lines.append("  ComputePerProof min \(c.min), median \(c.median), max \(c.max) (total \(s.totalComputePerProof))") }
        } else if let mirror {
            lines += mirror.lines(paymentToken: session.paymentToken.format)
        } else {
            lines.append("generators: not scanned (no start block: give --from-block N, or use the mirror)")
        }
        if let row = p.row {
            lines.append("you are in this market: \(row.state), compute per proof \(row.computePerRequestRequired), price \(session.paymentToken.format(row.proofGenerationCost ?? .zero)), max proof time \(row.proposedTime ?? .zero) blocks, \(row.activeRequests) active request(s)")
        }
        if let w = p.whatIf {
            lines.append("with declared compute \(w.declaredCompute) and ComputePerProof \(w.computePerProof):")
            lines.append("  ComputePerProof = \(w.percentOfAvailableCompute ?? "?") of AvailableCompute (\(w.computePerProof)/\(w.declaredCompute))")
            var bounds = "by compute \(w.parallelByCompute), market cap \(ComputeWhatIf.parallelByMarketLimit)"
            if let s = w.parallelByStake { bounds += ", by free stake \(s)" }
            lines.append("  parallel proofs at most \(w.parallelProofs) (\(bounds))")
            lines.append(w.fitsDeclaredCompute
                ? "  fits: \(w.allocatedElsewhere) already allocated to other markets"
                : "  does NOT fit: \(w.allocatedElsewhere) is already allocated to other markets; joining would exceed the declared compute")
        } else {
            lines.append("give --declared-compute and --compute-per-proof (or a registered generator) for parallel proofs and the AvailableCompute fraction")
        }
        return lines
    }

    /// The plan as one JSON document; with `mirror` (from `--db`) a `mirror` member holds its statistics.
    static func planJSON(_ p: MarketPlan, _ session: OperatorSession, mirror: PlanMirrorStatistics?) -> JSONValue {
        func spread(_ s: ValueSpread?) -> JSONValue {
            guard let s else { return .null }
            return .object([("min", .string(s.min.description)), ("median", .string(s.median.description)), ("max", .string(s.max.description))])
        }
        let m = p.market
        var members: [(String, JSONValue)] = [
            ("market", .string(p.marketId.description)), ("private", .bool(m.isPrivate)), ("proverImageId", .string(m.proverImageId.description)),
            ("slashingPenalty", .string(m.slashingPenalty.description)), ("activationBlock", .string(m.activationBlock.description)),
            ("headBlock", .number(JSONNumber(p.headBlock))), ("metadata", .string(String(decoding: m.metadata, as: UTF8.self))),
        ]
        if let s = p.statistics {
            members.append(("statistics", .object([
                ("fromBlock", .number(JSONNumber(s.scannedBlocks.lowerBound))), ("toBlock", .number(JSONNumber(s.scannedBlocks.upperBound))),
                ("joined", .number(JSONNumber(s.joined))), ("exiting", .number(JSONNumber(s.exiting))),
                ("activeRequests", .string(s.activeRequests.description)), ("pricePerProof", spread(s.price)),
                ("maxProofTime", spread(s.maxProofTime)), ("computePerProof", spread(s.computePerProof)),
            ])))
        } else {
            members.append(("statistics", .null))
        }
        if let w = p.whatIf {
            members.append(("whatIf", .object([
                ("declaredCompute", .string(w.declaredCompute.description)), ("computePerProof", .string(w.computePerProof.description)),
                ("fractionOfAvailableCompute", .string(w.fractionOfAvailableCompute?.description ?? "")),
                ("percentOfAvailableCompute", .string(w.percentOfAvailableCompute ?? "")),
                ("parallelByCompute", .string(w.parallelByCompute.description)), ("parallelByStake", w.parallelByStake.map { .string($0.description) } ?? .null),
                ("parallelByMarketLimit", .string(ComputeWhatIf.parallelByMarketLimit.description)), ("parallelProofs", .string(w.parallelProofs.description)),
                ("allocatedElsewhere", .string(w.allocatedElsewhere.description)), ("fitsDeclaredCompute", .bool(w.fitsDeclaredCompute)),
            ])))
        } else {
            members.append(("whatIf", .null))
        }
        if let mirror { members.append(("mirror", mirror.json)) }
        return .object(members)
    }
}
