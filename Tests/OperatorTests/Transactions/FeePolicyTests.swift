import EthereumKit
import JSONRPC
import Operator
import Testing

@Suite struct FeePolicyTests {
    /// A fee history with base fees (one more than blocks), gas-used ratios and one reward column.
    static func history(base: [UInt64], used: [Double], rewards: [UInt64]) throws -> FeeHistory {
        let hex = { (v: UInt64) in "\"0x" + String(v, radix: 16) + "\"" }
        let text = """
        {"oldestBlock":"0x10","baseFeePerGas":[\(base.map(hex).joined(separator: ","))],
         "gasUsedRatio":[\(used.map { "\($0)" }.joined(separator: ","))],"reward":[\(rewards.map { "[\(hex($0))]" }.joined(separator: ","))]}
        """
        return try FeeHistory(json: try JSONValue.parse(text))
    }

    @Test func capIsTwiceTheNextBaseFeePlusTheMedianTipOfBusyBlocks() throws {
        let h = try Self.history(base: [100, 110, 120, 130], used: [0.5, 0, 0.2], rewards: [3, 0, 7])
        let q = try FeePolicy.quote(history: h, fallbackTip: UInt256(99), overrides: FeeOverrides())
        #expect(q.maxPriorityFeePerGas == UInt256(7))       // median of [3, 7] (upper middle); the empty block is skipped
        #expect(q.maxFeePerGas == UInt256(2 * 130 + 7))
        #expect(q.nextBaseFee == UInt256(130))
        #expect(q.source.contains("median"))
    }

    @Test func emptyBlocksFallBackToTheNodesTipThenOneGwei() throws {
        let h = try Self.history(base: [10, 10], used: [0], rewards: [0])
        let q = try FeePolicy.quote(history: h, fallbackTip: UInt256(5), overrides: FeeOverrides())
        #expect(q.maxPriorityFeePerGas == UInt256(5))
        #expect(q.maxFeePerGas == UInt256(25))
        let q2 = try FeePolicy.quote(history: h, fallbackTip: nil, overrides: FeeOverrides())
        #expect(q2.maxPriorityFeePerGas == UInt256(1_000_000_000))
    }

    @Test func overridesWin() throws {
        let h = try Self.history(base: [10, 10], used: [0.5], rewards: [2])
        let tip = try FeePolicy.quote(history: h, fallbackTip: nil, overrides: FeeOverrides(maxPriorityFeePerGas: UInt256(4)))
        #expect(tip.maxPriorityFeePerGas == UInt256(4) && tip.maxFeePerGas == UInt256(24))
        let both = try FeePolicy.quote(history: nil, fallbackTip: nil, overrides: FeeOverrides(maxFeePerGas: UInt256(50), maxPriorityFeePerGas: UInt256(3)))
        #expect(both.maxFeePerGas == UInt256(50) && both.maxPriorityFeePerGas == UInt256(3))
    }

    @Test func refusesATipAboveTheCapAndAMissingHistory() throws {
        #expect {
            try FeePolicy.quote(history: nil, fallbackTip: nil, overrides: FeeOverrides(maxFeePerGas: UInt256(1), maxPriorityFeePerGas: UInt256(2)))
        } throws: { ($0 as? OperatorError)?.message.contains("above the max fee") == true }
        #expect {
            try FeePolicy.quote(history: nil, fallbackTip: nil, overrides: FeeOverrides(maxFeePerGas: UInt256(1)))
        } throws: { ($0 as? OperatorError)?.message.contains("give both --max-fee and --priority-fee") == true }
    }

    @Test func gasMarginSaturates() {
        #expect(TransactionSender.withMargin(100_000, percent: 20) == 120_000)
        #expect(TransactionSender.withMargin(99, percent: 0) == 99)
        #expect(TransactionSender.withMargin(.max / 2, percent: 20) == .max)
    }
}
