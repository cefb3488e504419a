import EthereumKit
import JSONRPC
import Kalypso
import Mirror

/// What a declared compute and a ComputePerProof mean in one market (§2, §3.7, §3.9).
public struct ComputeWhatIf: Sendable, Hashable {
    /// The declared compute assumed.
    public var declaredCompute: UInt256
    /// The ComputePerProof (compute units per proof, `computePerRequestRequired`).
    public var computePerProof: UInt256
    /// The seed's ComputePerProof as a fraction of AvailableCompute = 1: `computePerProof / declaredCompute`.
    public var fractionOfAvailableCompute: ComputeFraction?
    /// Proofs that fit the compute at once: `⌊declaredCompute / computePerProof⌋` (the registry also counts other
    /// markets' tasks against the same compute).
    public var parallelByCompute: UInt256
    /// Proofs the free stake covers at once: `⌊free stake / slashingPenalty⌋`; nil without a generator.
    public var parallelByStake: UInt256?
    /// The per-market cap: `activeRequests ≤ 100` is checked before an assignment, so at most 101 run at once.
    public static let parallelByMarketLimit = ContractMath.parallelRequestsUpperLimit + .one
    /// The smaller of the three bounds.
    public var parallelProofs: UInt256
    /// Compute already allocated to other markets (0 without a generator).
    public var allocatedElsewhere: UInt256
    /// Whether `allocatedElsewhere + computePerProof ≤ declaredCompute` (joinMarketplace would accept it).
    public var fitsDeclaredCompute: Bool

    /// Computes the figures; `generator` (when registered) supplies the free stake and the other allocations.
    public static func compute(declaredCompute: UInt256, computePerProof: UInt256, market: MarketData, generator: Generator?,
                               currentRow: GeneratorMarket?) -> ComputeWhatIf {
        let byCompute = computePerProof.isZero ? UInt256.zero : declaredCompute / computePerProof
        var byStake: UInt256?
        if let g = generator, g.isRegistered, let free = g.maxReducibleStake {
            byStake = market.slashingPenalty.isZero ? nil : free / market.slashingPenalty
        }
        var parallel = min(byCompute, parallelByMarketLimit)
        if let byStake { parallel = min(parallel, byStake) }
        var elsewhere = generator?.sumOfComputeAllocations ?? .zero
        if let row = currentRow { elsewhere = elsewhere.saturatingSubtract(row.computePerRequestRequired) }
        let fits = elsewhere.adding(computePerProof).map { $0 <= declaredCompute } ?? false
        return ComputeWhatIf(declaredCompute: declaredCompute, computePerProof: computePerProof,
                             fractionOfAvailableCompute: ComputeFraction(computePerProof, over: declaredCompute),
                             parallelByCompute: byCompute, parallelByStake: byStake, parallelProofs: parallel,
                             allocatedElsewhere: elsewhere, fitsDeclaredCompute: fits)
    }

    /// The fraction as a percentage with two decimals (`12.50 %`), rounded down.
    public var percentOfAvailableCompute: String? {
        guard let f = fractionOfAvailableCompute, let scaled = ContractMath.mulDivFloor(f.numerator, UInt256(10_000), f.denominator) else {
            return nil
        }
        let (whole, cents) = scaled.quotientAndRemainder(dividingBy: UInt64(100))
        return "\(whole).\(cents < 10 ? "0" : "")\(cents) %"
    }
}

/// The generators of one market and their terms, from the registry's logs and getters.
public struct MarketStatistics: Sendable, Hashable {
    /// Generators in the market (`JOINED`).
    public var joined: Int
    /// Generators that requested to leave (`REQUESTED_FOR_EXIT`).
    public var exiting: Int
    /// Σ activeRequests over them.
    public var activeRequests: UInt256
    /// Σ computePerRequestRequired of the joined ones.
    public var totalComputePerProof: UInt256
    /// PricePerProof over the joined generators (payment-token base units).
    public var price: ValueSpread?
    /// MaxProofTime over the joined generators (blocks).
    public var maxProofTime: ValueSpread?
    /// ComputePerProof over the joined generators.
    public var computePerProof: ValueSpread?
    /// The block range of the log scan.
    public var scannedBlocks: ClosedRange<UInt64>

    /// Scans `JoinedMarketplace(generator, marketId)` logs of the registry in `fromBlock…head` (chunks of
    /// `chunkBlocks`), then reads each generator's current row. The mirror will answer this without a scan.
    public static func scan(market: UInt256, fromBlock: UInt64, reader: KalypsoChainReader, chunkBlocks: UInt64 = 10_000,
                            maxGenerators: Int = 2_000) async throws(OperatorError) -> MarketStatistics {
        let head = try await reader.head().number
        guard let joined = reader.abis.generatorRegistry.events(named: "JoinedMarketplace").first else {
            throw OperatorError(.configuration, "the GeneratorRegistry ABI has no JoinedMarketplace event")
        }
        var generators: [Address] = []
        var seen = Set<Address>()
        var start = fromBlock
        while start <= head {
            let end = min(head, start + chunkBlocks - 1)
            let filter = LogFilter(range: start...end, addresses: [reader.deployment.generatorRegistry],
                                   topics: [.exactly(joined.topic0), .any, .exactly(Hash32(market))])
            let logs: [Log]
            do throws(JSONRPCError) { logs = try await reader.client.getLogs(filter) } catch {
                throw OperatorError(.rpc, "eth_getLogs for market \(market) in blocks \(start)…\(end) failed (\(error)); the mirror answers this without a scan")
            }
            for log in logs where log.topics.count > 1 {
                if let g = Address(word: log.topics[1].uint256), seen.insert(g).inserted { generators.append(g) }
            }
            guard generators.count <= maxGenerators else {
                throw OperatorError(.rpc, "more than \(maxGenerators) generators joined market \(market); use the mirror for its statistics")
            }
            start = end + 1
        }
        var stats = MarketStatistics(joined: 0, exiting: 0, activeRequests: .zero, totalComputePerProof: .zero, price: nil,
                                     maxProofTime: nil, computePerProof: nil, scannedBlocks: fromBlock...max(fromBlock, head))
        var prices: [UInt256] = [], times: [UInt256] = [], computes: [UInt256] = []
        for g in generators {
            guard let row = try await reader.generatorMarket(g, market: market) else { continue }
            stats.activeRequests = stats.activeRequests.adding(row.activeRequests) ?? .max
            if row.state == .requestedForExit { stats.exiting += 1; continue }
            stats.joined += 1
            stats.totalComputePerProof = stats.totalComputePerProof.adding(row.computePerRequestRequired) ?? .max
            prices.append(row.proofGenerationCost ?? .zero)
            times.append(row.proposedTime ?? .zero)
            computes.append(row.computePerRequestRequired)
        }
        stats.price = ValueSpread(prices)
        stats.maxProofTime = ValueSpread(times)
        stats.computePerProof = ValueSpread(computes)
        return stats
    }
}

/// `generator plan --market ID`: the market, its generators, and what the operator's numbers mean there.
public struct MarketPlan: Sendable, Hashable {
    /// The market id.
    public var marketId: UInt256
    /// Its data.
    public var market: MarketData
    /// The latest block (the G1 clock).
    public var headBlock: UInt64
    /// The generators in the market (nil: no start block to scan from).
    public var statistics: MarketStatistics?
    /// The operator's generator record, if registered.
    public var generator: Generator?
    /// Its row in this market, if joined.
    public var row: GeneratorMarket?
    /// The figures for the given (or current) declared compute and ComputePerProof.
    public var whatIf: ComputeWhatIf?

    /// Reads everything for the plan. `declaredCompute` defaults to the generator's; `computePerProof` to its row's.
    public static func make(market id: UInt256, generator address: Address?, declaredCompute: UInt256?, computePerProof: UInt256?,
                            statisticsFromBlock: UInt64?, reader: KalypsoChainReader) async throws(OperatorError) -> MarketPlan {
        guard let market = try await reader.market(id) else {
            let count = try await reader.marketCount()
            throw OperatorError(.invalidInput, "market \(id) does not exist: " + (count.isZero ? "there are no markets yet" : "the marketplace has \(count) market(s), ids 0…\(count - .one)"))
        }
        let head = try await reader.head().number
        var generator: Generator?
        var row: GeneratorMarket?
        if let address {
            let g = try await reader.generator(address)
            if g.isRegistered { generator = g }
            row = try await reader.generatorMarket(address, market: id)
        }
        var stats: MarketStatistics?
        if let from = statisticsFromBlock {
            stats = try await MarketStatistics.scan(market: id, fromBlock: from, reader: reader)
        }
        var whatIf: ComputeWhatIf?
        if let d = declaredCompute ?? generator?.declaredCompute, let c = computePerProof ?? row?.computePerRequestRequired, !d.isZero {
            whatIf = ComputeWhatIf.compute(declaredCompute: d, computePerProof: c, market: market, generator: generator, currentRow: row)
        }
        return MarketPlan(marketId: id, market: market, headBlock: head, statistics: stats, generator: generator, row: row, whatIf: whatIf)
    }
}
