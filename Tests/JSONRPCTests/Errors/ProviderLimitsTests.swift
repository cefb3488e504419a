import Testing
@testable import JSONRPC

@Suite struct ProviderLimitsTests {
    typealias R = RangeLimitHint.Reason

    /// Messages as providers send them (Infura, Alchemy, QuickNode, Ankr, BSC/geth forks, Chainstack, dRPC, llamarpc,
    /// Cloudflare, nethermind/erigon-style), with the hint each must produce.
    @Test(arguments: [
        (-32005, "query returned more than 10000 results", R.tooManyResults, nil as ClosedRange<UInt64>?, nil as UInt64?, 10_000 as UInt64?),
        (-32005, "query returned more than 10000 results. Try with this block range [0x1A2B3C, 0x1A2B9F].", .tooManyResults, 0x1A2B3C...0x1A2B9F, nil, 10_000),
        (-32602, "Log response size exceeded. You can make eth_getLogs requests with up to a 2K block range and no limit on the response size, or you can request any block range with a cap of 10K logs in the response. Based on your parameters, this block range should work: [0x1216fd7, 0x12186e5]",
         .responseTooLarge, 0x1216fd7...0x12186e5, 2_000, 10_000),
        (-32600, "Under the Free tier plan, you can make eth_getLogs requests with up to a 10 block range. Based on your parameters, this block range should work: [0x5f5e100, 0x5f5e109]",
         .blockRangeTooWide, 0x5f5e100...0x5f5e109, 10, nil),
        (-32602, "range 1000000 exceeds limit of 10000", .blockRangeTooWide, nil, 10_000, nil),
        (-32000, "block range is too wide", .blockRangeTooWide, nil, nil, nil),
        (-32000, "exceed maximum block range: 5000", .blockRangeTooWide, nil, 5_000, nil),
        (-32614, "eth_getLogs is limited to a 10,000 range", .blockRangeTooWide, nil, 10_000, nil),
        (-32602, "eth_getLogs and eth_newFilter are limited to a 10,000 blocks range", .blockRangeTooWide, nil, 10_000, nil),
        (-32000, "eth_getLogs range is too large, max is 1k blocks", .blockRangeTooWide, nil, 1_000, nil),
        (-32000, "ranges over 10000 blocks are not supported on freetier", .blockRangeTooWide, nil, 10_000, nil),
        (-32000, "block range greater than 3000 max", .blockRangeTooWide, nil, 3_000, nil),
        (-32005, "Block range limit exceeded.", .blockRangeTooWide, nil, nil, nil),
        (-32000, "query exceeds max results 20000, retry with the range 100-200", .tooManyResults, nil, nil, 20_000),
        (-32603, "response size exceeded: max 150000000 bytes", .responseTooLarge, nil, nil, nil),
        (-32000, "Response is too big", .responseTooLarge, nil, nil, nil),
        (-32000, "Too many logs: more than 10000 results, please narrow the query", .tooManyResults, nil, nil, 10_000),
        (-32002, "query timeout exceeded", .timeout, nil, nil, nil),
        (-32000, "context deadline exceeded", .timeout, nil, nil, nil),
    ])
    func recognises(_ code: Int, _ message: String, _ reason: R, _ range: ClosedRange<UInt64>?, _ maxBlocks: UInt64?, _ maxResults: UInt64?) throws {
        let hint = try #require(ProviderLimits.rangeLimit(code: code, message: message, data: nil))
        #expect(hint.reason == reason)
        #expect(hint.suggestedRange == range)
        #expect(hint.maxBlockRange == maxBlocks)
        #expect(hint.maxResults == maxResults)
        // Through the error type too, and such errors are not retried as they are.
        let error = JSONRPCError.rpc(code: code, message: message, data: nil)
        #expect(ProviderLimits.rangeLimit(for: error) == hint)
        #expect(error.isRetryable == (reason == .timeout))
        #expect(!error.countsAgainstEndpoint || reason == .timeout)
    }

    @Test(arguments: [
        "execution reverted", "rate limit exceeded", "header not found", "nonce too low", "exceeds block gas limit",
        "insufficient funds for gas * price + value", "Your app has exceeded its compute units per second capacity", "limit exceeded",
    ])
    func ignoresOtherErrors(_ message: String) {
        #expect(ProviderLimits.rangeLimit(code: -32000, message: message, data: nil) == nil)
    }

    @Test func readsInfuraDataRange() throws {
        let data = try JSONValue.parse(#"{"from":"0xB19B80","limit":10000,"to":"0xB19BDB"}"#)
        let hint = try #require(ProviderLimits.rangeLimit(code: -32005, message: "limit exceeded", data: data))
        #expect(hint.reason == .tooManyResults)
        #expect(hint.suggestedRange == 0xB19B80...0xB19BDB)
        #expect(hint.maxResults == 10_000)
    }

    @Test func classifiesNonRPCErrors() {
        #expect(ProviderLimits.rangeLimit(for: .http(status: 413, retryAfter: nil, bodyPreview: ""))?.reason == .responseTooLarge)
        #expect(ProviderLimits.rangeLimit(for: .http(status: 504, retryAfter: nil, bodyPreview: ""))?.reason == .timeout)
        #expect(ProviderLimits.rangeLimit(for: .http(status: 500, retryAfter: nil, bodyPreview: "")) == nil)
        #expect(ProviderLimits.rangeLimit(for: .transport(.timeout, "t", retryable: true))?.reason == .timeout)
        #expect(ProviderLimits.rangeLimit(for: .transport(.responseTooLarge, "big", retryable: false))?.reason == .responseTooLarge)
        #expect(ProviderLimits.rangeLimit(for: .transport(.connectionReset, "r", retryable: true)) == nil)
    }

    @Test func nextSpanPrefersSuggestionThenStatedMaximumThenHalf() {
        #expect(RangeLimitHint(reason: .tooManyResults, suggestedRange: 100...199).nextSpan(after: 1_000) == 100)
        #expect(RangeLimitHint(reason: .blockRangeTooWide, maxBlockRange: 500).nextSpan(after: 1_000) == 500)
        #expect(RangeLimitHint(reason: .blockRangeTooWide, maxBlockRange: 5_000).nextSpan(after: 1_000) == 500)
        #expect(RangeLimitHint(reason: .timeout).nextSpan(after: 1_001) == 500)
        #expect(RangeLimitHint(reason: .timeout).nextSpan(after: 1) == 1)
    }
}
