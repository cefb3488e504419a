import JSONRPC
@testable import Mirror
import Testing

@Suite struct RangeSizerTests {
    static func sizer(initial: UInt64 = 1000, maximum: UInt64 = 100_000, grow: Int = 2) -> RangeSizer {
        RangeSizer(.init(initial: initial, maximum: maximum, successesBeforeGrowth: grow))
    }

    @Test func theFirstRangeIsTheInitialSpanCutAtTheLastBlock() {
        let s = Self.sizer()
        #expect(s.nextRange(from: 100, last: 10_000) == 100...1099)
        #expect(s.nextRange(from: 100, last: 500) == 100...500)
        #expect(s.nextRange(from: .max - 2, last: .max) == (.max - 2)...(.max))
    }

    @Test func growsAfterFullSizeSuccessesOnlyUpToTheMaximum() {
        var s = Self.sizer(initial: 1000, maximum: 3000)
        s.recordSuccess(0...999, logCount: 10)
        #expect(s.span == 1000)
        s.recordSuccess(1000...1100, logCount: 10)  // cut short by the head: does not count
        #expect(s.span == 1000)
        s.recordSuccess(1000...1999, logCount: 10)
        #expect(s.span == 2000)
        s.recordSuccess(0...1999, logCount: 1)
        s.recordSuccess(0...1999, logCount: 1)
        #expect(s.span == 3000)
        s.recordSuccess(0...2999, logCount: 1)
        s.recordSuccess(0...2999, logCount: 1)
        #expect(s.span == 3000)
    }

    @Test func takesTheRangeTheProviderSuggests() {
        var s = Self.sizer()
        let hint = ProviderLimits.rangeLimit(code: -32005, message: "query returned more than 10000 results. Try with this block range [0x64, 0x12c].", data: nil)
        let h = try! #require(hint)
        #expect(s.recordLimit(h, for: 100...1099) == .retry(100...300))
        #expect(s.span == 201)
        #expect(s.maxResults == 10_000)
        #expect(s.ceiling == nil)  // a result cap depends on density, not a block ceiling
    }

    @Test func aStatedBlockLimitIsAnExactCeiling() {
        var s = Self.sizer(initial: 10_000)
        let h = try! #require(ProviderLimits.rangeLimit(code: -32000, message: "exceed maximum block range: 5000", data: nil))
        #expect(h.reason == .blockRangeTooWide)
        #expect(s.recordLimit(h, for: 0...9999) == .retry(0...4999))
        #expect(s.ceiling == 5000 && s.ceilingIsExact)
        for _ in 0..<10 { s.recordSuccess(0...(s.span - 1), logCount: 0) }
        #expect(s.span == 5000)
    }

    /// A provider with a hidden block-span limit: the number of rejections must stay logarithmic, not one per growth.
    @Test(arguments: [1, 7, 999, 1000, 1001, 2047, 7777, 12_345])
    func anUnstatedCeilingIsFoundWithFewRejections(limit: UInt64) {
        var s = Self.sizer(initial: 2000, maximum: 50_000)
        var from: UInt64 = 0
        var rejections = 0
        var requests = 0
        let hint = RangeLimitHint(reason: .blockRangeTooWide)
        while requests < 400 {
            requests += 1
            let r = s.nextRange(from: from, last: .max)
            if r.upperBound - r.lowerBound + 1 > limit {
                rejections += 1
                if case .cannotShrink = s.recordLimit(hint, for: r) { Issue.record("cannot shrink below the limit \(limit)"); return }
            } else {
                s.recordSuccess(r, logCount: 0)
                from = r.upperBound + 1
            }
        }
        #expect(requests - rejections > 300, "stalled with span \(s.span)")
        #expect(rejections <= 36, "\(rejections) rejections for limit \(limit)")
        #expect(s.span <= limit)
        // It converges to a span that uses most of the limit.
        #expect(s.span * 2 > limit)
    }

    @Test func resultCapsKeepGrowthBelowTheCapAtTheSeenDensity() {
        var s = Self.sizer(initial: 1000, maximum: 100_000)
        let h = RangeLimitHint(reason: .tooManyResults, maxResults: 1000)
        _ = s.recordLimit(h, for: 0...999)
        #expect(s.span == 500)
        // 1 log per block: 80 % of 1000 results fit in 800 blocks, so growth stops there.
        for _ in 0..<20 { s.recordSuccess(0...(s.span - 1), logCount: Int(s.span)) }
        #expect(s.span == 800)
    }

    @Test func timeoutsAndSizeLimitsHalve() {
        var s = Self.sizer(initial: 1000)
        #expect(s.recordLimit(RangeLimitHint(reason: .timeout), for: 0...999) == .retry(0...499))
        #expect(s.recordLimit(RangeLimitHint(reason: .responseTooLarge), for: 0...499) == .retry(0...249))
        #expect(s.ceiling == nil)
    }

    @Test func aSingleBlockCannotShrink() {
        var s = Self.sizer(initial: 1)
        #expect(s.recordLimit(RangeLimitHint(reason: .tooManyResults), for: 42...42) == .cannotShrink(block: 42, reason: .tooManyResults))
    }

    @Test func aSuggestionThatDoesNotStartAtTheRangeIsNotTakenLiterally() {
        var s = Self.sizer(initial: 1000)
        let h = RangeLimitHint(reason: .tooManyResults, suggestedRange: 50...60)
        // Only its length is used: the next range still starts where ours did.
        #expect(s.recordLimit(h, for: 100...1099) == .retry(100...110))
    }
}
