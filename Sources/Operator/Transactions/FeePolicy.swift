import EthereumKit
import JSONRPC

/// The EIP-1559 fee caps of one transaction and where they came from.
public struct FeeQuote: Sendable, Hashable {
    /// `maxFeePerGas`: the most paid per gas (base fee + tip).
    public var maxFeePerGas: UInt256
    /// `maxPriorityFeePerGas`: the tip.
    public var maxPriorityFeePerGas: UInt256
    /// The next block's base fee from `eth_feeHistory` (nil when both caps were given).
    public var nextBaseFee: UInt256?
    /// How the caps were chosen, in words (for `--dry-run` and `--json`).
    public var source: String

    /// Creates a quote.
    public init(maxFeePerGas: UInt256, maxPriorityFeePerGas: UInt256, nextBaseFee: UInt256?, source: String) {
        self.maxFeePerGas = maxFeePerGas
        self.maxPriorityFeePerGas = maxPriorityFeePerGas
        self.nextBaseFee = nextBaseFee
        self.source = source
    }
}

/// Fee caps given on the command line; nil fields come from the chain.
public struct FeeOverrides: Sendable, Hashable {
    /// `--max-fee`.
    public var maxFeePerGas: UInt256?
    /// `--priority-fee`.
    public var maxPriorityFeePerGas: UInt256?

    /// Creates overrides.
    public init(maxFeePerGas: UInt256? = nil, maxPriorityFeePerGas: UInt256? = nil) {
        self.maxFeePerGas = maxFeePerGas
        self.maxPriorityFeePerGas = maxPriorityFeePerGas
    }
}

/// How fee caps are chosen: the tip is the median 50th-percentile reward of the recent non-empty blocks
/// (`eth_feeHistory`), or the node's `eth_maxPriorityFeePerGas` when those blocks carried no transactions; the cap
/// is `2 × next base fee + tip` (the geth/ethers rule: it survives six full blocks of base-fee growth).
public enum FeePolicy {
    /// Blocks of history asked for.
    public static let historyBlocks: UInt64 = 10

    /// The caps from a fee history (pure; `fallbackTip` is the node's `eth_maxPriorityFeePerGas`, if known).
    public static func quote(history: FeeHistory?, fallbackTip: UInt256?, overrides: FeeOverrides) throws(OperatorError) -> FeeQuote {
        if let maxFee = overrides.maxFeePerGas, let tip = overrides.maxPriorityFeePerGas {
            try check(maxFee: maxFee, tip: tip)
            return FeeQuote(maxFeePerGas: maxFee, maxPriorityFeePerGas: tip, nextBaseFee: history?.baseFeePerGas.last,
                            source: "--max-fee and --priority-fee")
        }
        guard let history, let baseFee = history.baseFeePerGas.last else {
            throw OperatorError(.rpc, "the node gave no base fee (eth_feeHistory); give both --max-fee and --priority-fee (gwei)")
        }
        var tipSource: String
        let tip: UInt256
        if let given = overrides.maxPriorityFeePerGas {
            tip = given
            tipSource = "tip from --priority-fee"
        } else if let median = medianReward(history) {
            tip = median
            tipSource = "tip = median 50th-percentile reward of the last \(history.gasUsedRatio.count) blocks"
        } else if let fallbackTip {
            tip = fallbackTip
            tipSource = "tip = eth_maxPriorityFeePerGas (recent blocks were empty)"
        } else {
            tip = UInt256(1_000_000_000)
            tipSource = "tip = 1 gwei (recent blocks were empty and the node suggested none)"
        }
        let maxFee: UInt256
        if let given = overrides.maxFeePerGas {
            maxFee = given
            tipSource += "; cap from --max-fee"
        } else {
            guard let doubled = baseFee.multiplied(by: UInt256(2)), let sum = doubled.adding(tip) else {
                throw OperatorError(.rpc, "the node reports an impossible base fee \(baseFee)")
            }
            maxFee = sum
            tipSource += "; cap = 2 × next base fee + tip"
        }
        try check(maxFee: maxFee, tip: tip)
        return FeeQuote(maxFeePerGas: maxFee, maxPriorityFeePerGas: tip, nextBaseFee: baseFee, source: tipSource)
    }

    /// The median of the first reward percentile over blocks that used gas; nil if there were none.
    static func medianReward(_ history: FeeHistory) -> UInt256? {
        guard let rewards = history.reward else { return nil }
        var values: [UInt256] = []
        for (i, row) in rewards.enumerated() {
            let used = i < history.gasUsedRatio.count ? history.gasUsedRatio[i] : 0
            if used > 0, let r = row.first, !r.isZero { values.append(r) }
        }
        guard !values.isEmpty else { return nil }
        values.sort()
        return values[values.count / 2]
    }

    private static func check(maxFee: UInt256, tip: UInt256) throws(OperatorError) {
        guard tip <= maxFee else {
            throw OperatorError(.invalidInput, "the priority fee (\(TokenAmount.formatGwei(tip))) is above the max fee (\(TokenAmount.formatGwei(maxFee))); raise --max-fee or lower --priority-fee")
        }
    }

    /// Reads the history (and the node's tip suggestion) and quotes; overrides given in full skip the node.
    public static func quote(client: JSONRPCClient, overrides: FeeOverrides) async throws(OperatorError) -> FeeQuote {
        var history: FeeHistory?
        do throws(JSONRPCError) {
            history = try await client.feeHistory(blockCount: historyBlocks, newest: .latest, rewardPercentiles: [50])
        } catch {
            if overrides.maxFeePerGas == nil || overrides.maxPriorityFeePerGas == nil {
                throw OperatorError(.rpc, "eth_feeHistory failed (\(error)); give both --max-fee and --priority-fee (gwei) to send without it")
            }
        }
        var fallback: UInt256?
        if let h = history, medianReward(h) == nil, overrides.maxPriorityFeePerGas == nil {
            fallback = try? await client.maxPriorityFeePerGas()
        }
        return try quote(history: history, fallbackTip: fallback, overrides: overrides)
    }
}
