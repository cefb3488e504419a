import JSONRPC

/// The adaptive `eth_getLogs` block span: a pure state machine (no I/O, no clock).
///
/// - Starts at `initial` blocks.
/// - **Shrinks** when the provider rejects a range (`ProviderLimits.rangeLimit(for:)` → `RangeLimitHint`): to the
///   range the provider suggested when it starts where ours did, else to the stated maximum span, else to half.
/// - **Remembers the provider's ceiling** on block spans: a stated maximum is exact; an unstated one is bounded by
///   the rejected span − 1, and growth then binary-searches between the largest span that worked and that bound,
///   so a strict provider costs O(log n) rejected requests in total, not one every few ranges.
/// - **Grows** ×2 after `successesBeforeGrowth` full-size successes, never above `maximum` or the ceiling. When the
///   provider caps the result count, growth also stays below `targetFill` × that cap at the density last seen.
///
/// Result-count, response-size and timeout limits depend on how busy the blocks are, so they shrink the span without
/// setting a ceiling; the density cap keeps the span from growing straight back into them.
public struct RangeSizer: Sendable, Hashable {
    /// Tuning.
    public struct Configuration: Sendable, Hashable {
        /// The first span.
        public var initial: UInt64
        /// The largest span ever requested.
        public var maximum: UInt64
        /// Full-size successes in a row before the span grows.
        public var successesBeforeGrowth: Int
        /// The share of a known result cap a range is sized to fill.
        public var targetFill: Double

        /// Creates a configuration (`initial` is clamped to 1…`maximum`).
        public init(initial: UInt64, maximum: UInt64, successesBeforeGrowth: Int = 3, targetFill: Double = 0.8) {
            self.maximum = max(1, maximum)
            self.initial = min(max(1, initial), self.maximum)
            self.successesBeforeGrowth = max(1, successesBeforeGrowth)
            self.targetFill = min(1, max(0.05, targetFill))
        }
    }

    /// What to do after a provider limit.
    public enum LimitAction: Sendable, Hashable {
        /// Request this (smaller) range instead.
        case retry(ClosedRange<UInt64>)
        /// The range is a single block already: it cannot shrink further. `reason` says what the provider said.
        case cannotShrink(block: UInt64, reason: RangeLimitHint.Reason)
    }

    /// The tuning.
    public let configuration: Configuration
    /// The current span in blocks.
    public private(set) var span: UInt64
    /// The largest block span the provider accepts, as far as known.
    public private(set) var ceiling: UInt64?
    /// Whether `ceiling` is the provider's stated limit (exact) or an upper bound learned from a rejection.
    public private(set) var ceilingIsExact = false
    /// The provider's result cap, if it stated one.
    public private(set) var maxResults: UInt64?
    /// The largest span that succeeded since the ceiling was last lowered (the lower end of the binary search).
    public private(set) var largestSuccess: UInt64 = 0
    /// Logs per block in the last successful full range.
    public private(set) var density: Double?
    private var successes = 0

    /// Creates a sizer at `configuration.initial`.
    public init(_ configuration: Configuration) {
        self.configuration = configuration
        span = configuration.initial
    }

    /// The next range to request: `from` up to `span` blocks, not beyond `last`.
    public func nextRange(from: UInt64, last: UInt64) -> ClosedRange<UInt64> {
        let end = from.addingReportingOverflow(span - 1)
        return from...min(last, end.overflow ? .max : end.partialValue)
    }

    /// Records a range that succeeded with `logCount` logs. Only full-size ranges count toward growth (a range cut
    /// short by the head says nothing about larger spans).
    public mutating func recordSuccess(_ range: ClosedRange<UInt64>, logCount: Int) {
        let length = range.upperBound - range.lowerBound + 1
        largestSuccess = max(largestSuccess, length)
        guard length >= span else { return }
        density = Double(logCount) / Double(length)
        successes += 1
        guard successes >= configuration.successesBeforeGrowth else { return }
        successes = 0
        span = grownSpan()
    }

    private func grownSpan() -> UInt64 {
        var target = span > configuration.maximum / 2 ? configuration.maximum : span * 2
        if let ceiling {
            if ceilingIsExact {
                target = min(target, ceiling)
            } else {
                // Binary search between what worked and what failed.
                let low = max(largestSuccess, span)
                target = min(target, low + (ceiling > low ? (ceiling - low + 1) / 2 : 0))
            }
        }
        if let maxResults, let density, density > 0 {
            let fit = Double(maxResults) * configuration.targetFill / density
            if fit < Double(target) { target = max(span, UInt64(max(1, fit))) }
        }
        return max(1, min(target, configuration.maximum))
    }

    /// Records a provider limit for `range` and returns the range to try instead.
    public mutating func recordLimit(_ hint: RangeLimitHint, for range: ClosedRange<UInt64>) -> LimitAction {
        let length = range.upperBound - range.lowerBound + 1
        successes = 0
        if let results = hint.maxResults { maxResults = results }
        if hint.reason == .blockRangeTooWide {
            if let stated = hint.maxBlockRange, stated > 0, stated < length {
                ceiling = stated
                ceilingIsExact = true
            } else if !ceilingIsExact || (ceiling ?? .max) >= length {
                ceiling = min(ceiling ?? .max, max(1, length - 1))
                ceilingIsExact = false
            }
            largestSuccess = min(largestSuccess, ceiling ?? largestSuccess)
        }
        guard length > 1 else { return .cannotShrink(block: range.lowerBound, reason: hint.reason) }
        var next = hint.nextSpan(after: length)
        if let suggested = hint.suggestedRange, suggested.lowerBound == range.lowerBound, suggested.upperBound < range.upperBound {
            next = suggested.upperBound - suggested.lowerBound + 1
        }
        next = max(1, min(next, length - 1))
        if let ceiling { next = min(next, ceiling) }
        span = next
        return .retry(range.lowerBound...(range.lowerBound + next - 1))
    }
}
