/// Why a provider rejected an `eth_getLogs` request as too large, and what it suggested instead.
public struct RangeLimitHint: Sendable, Hashable {
    /// The kind of limit hit.
    public enum Reason: String, Sendable, Hashable {
        /// More logs than the provider returns at once ("query returned more than 10000 results").
        case tooManyResults = "too_many_results"
        /// More blocks than the provider allows ("block range is too wide", "exceed maximum block range: 5000").
        case blockRangeTooWide = "block_range_too_wide"
        /// The response would be too large ("Log response size exceeded", HTTP 413, our own size cap).
        case responseTooLarge = "response_too_large"
        /// The query took too long (a timeout); a smaller range is likely to succeed.
        case timeout
    }

    /// The kind of limit hit.
    public var reason: Reason
    /// A range the provider says will work (Alchemy/Infura `[0x…, 0x…]` hints, Infura `data.from/to`).
    public var suggestedRange: ClosedRange<UInt64>?
    /// The largest block span the provider allows, if the message states it.
    public var maxBlockRange: UInt64?
    /// The most results the provider returns, if the message states it.
    public var maxResults: UInt64?

    /// Creates a hint.
    public init(reason: Reason, suggestedRange: ClosedRange<UInt64>? = nil, maxBlockRange: UInt64? = nil, maxResults: UInt64? = nil) {
        self.reason = reason; self.suggestedRange = suggestedRange; self.maxBlockRange = maxBlockRange; self.maxResults = maxResults
    }

    /// The number of blocks to try next for a request that spanned `currentSpan` blocks:
    /// the suggested range's length if given, else the stated maximum span, else half the current span (at least 1).
    public func nextSpan(after currentSpan: UInt64) -> UInt64 {
        let half = max(1, currentSpan / 2)
        if let r = suggestedRange { return max(1, min(currentSpan == 0 ? .max : currentSpan, r.upperBound - r.lowerBound + 1)) }
        if let m = maxBlockRange, m > 0, m < currentSpan { return m }
        return half
    }
}

/// Recognises provider limits on `eth_getLogs` from the errors providers actually send.
public enum ProviderLimits {
    /// The range hint carried by `error`, or nil if it is not a provider limit.
    ///
    /// JSON-RPC errors are classified by their message (and Infura's `data`), HTTP 413 as a response-size limit,
    /// our own response-size cap likewise, and transport or gateway timeouts (HTTP 504/408) as `.timeout`.
    public static func rangeLimit(for error: JSONRPCError) -> RangeLimitHint? {
        switch error.code {
        case .rpcError: return rangeLimit(code: error.rpcCode, message: error.rpcMessage ?? "", data: error.rpcData)
        case .responseTooLarge: return RangeLimitHint(reason: .responseTooLarge)
        case .timeout: return RangeLimitHint(reason: .timeout)
        case .httpStatus:
            switch error.httpStatus {
            case 413: return RangeLimitHint(reason: .responseTooLarge)
            case 408, 504: return RangeLimitHint(reason: .timeout)
            default: return nil
            }
        default: return nil
        }
    }

    private static let responseWords = ["response size", "response too large", "response is too big", "response too big",
                                        "too big", "payload too large", "size exceeded", "result window", "size limit"]
    private static let resultWords = ["results", "too many logs", "logs limit", "max logs", "log limit", "logs exceed",
                                      "returned more than"]
    private static let rangeWords = ["block range", "blocks range", "range is too", "range too", "range limit",
                                     "too many blocks", "ranges over", "range of blocks", "range exceeds", "exceeds the range",
                                     "range greater", "requested too many blocks", "block span", "range should not exceed"]
    private static let timeoutWords = ["query timeout", "timed out", "timeout exceeded", "deadline exceeded", "took too long",
                                       "execution timeout", "statement timeout", "query duration"]
    private static let limitWords: Set<String> = ["limit", "limited", "max", "maximum", "cap", "than", "over", "up", "allowed", "exceed"]

    /// Classifies a JSON-RPC error by code, message and data.
    public static func rangeLimit(code: Int?, message: String, data: JSONValue?) -> RangeLimitHint? {
        let m = message.lowercased()
        let reason: RangeLimitHint.Reason
        if responseWords.contains(where: { m.contains($0) }) {
            reason = .responseTooLarge
        } else if resultWords.contains(where: { m.contains($0) }) {
            reason = .tooManyResults
        } else if rangeWords.contains(where: { m.contains($0) }) || (m.contains("range") && (m.contains("exceeds limit") || m.contains("limited to"))) {
            reason = .blockRangeTooWide
        } else if timeoutWords.contains(where: { m.contains($0) }) {
            reason = .timeout
        } else if code == -32005, data?["from"]?.uint64Value != nil, data?["to"]?.uint64Value != nil {
            reason = .tooManyResults  // Infura's limit error carries the range that would work in `data`
        } else {
            return nil
        }
        var hint = RangeLimitHint(reason: reason, suggestedRange: suggestedRange(in: m))
        let (blocks, results, generic) = statedLimits(in: m)
        hint.maxBlockRange = blocks ?? (reason == .blockRangeTooWide ? generic : nil)
        hint.maxResults = results ?? (reason == .tooManyResults ? generic : nil)
        if let data {
            if hint.suggestedRange == nil, let from = data["from"]?.uint64Value, let to = data["to"]?.uint64Value, from <= to {
                hint.suggestedRange = from...to
            }
            if hint.maxResults == nil, let limit = data["limit"]?.uint64Value { hint.maxResults = limit }
        }
        return hint
    }

    /// The first `[a, b]` pair of hex or decimal numbers in `text` with a ≤ b.
    static func suggestedRange(in text: String) -> ClosedRange<UInt64>? {
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "[") {
            rest = rest[rest.index(after: open)...]
            guard let close = rest.firstIndex(of: "]") else { return nil }
            let parts = rest[..<close].split(separator: ",").map { $0.trimmingCharacters }
            if parts.count == 2, let a = number(parts[0]), let b = number(parts[1]), a <= b { return a...b }
        }
        return nil
    }

    /// Numbers the message states as limits: (block span, result count, unattributed limit).
    static func statedLimits(in text: String) -> (blocks: UInt64?, results: UInt64?, generic: UInt64?) {
        // Drop bracketed ranges so their bounds are not read as limits.
        var cleaned = ""
        var depth = 0
        for c in text {
            if c == "[" { depth += 1 } else if c == "]" { depth = max(0, depth - 1) } else if depth == 0 { cleaned.append(c) }
        }
        let words = cleaned.split { !($0.isLetter || $0.isNumber || $0 == "," || $0 == "_") }
            .map { String($0).trimmingSuffix(",") }
            .filter { !$0.isEmpty }
        var blocks: UInt64?, results: UInt64?, generic: UInt64?
        for (i, w) in words.enumerated() {
            guard !w.hasPrefix("0x"), let n = scaledNumber(w) else { continue }
            let next = i + 1 < words.count ? words[i + 1] : ""
            let previous = words[max(0, i - 3)..<i]
            if next.hasPrefix("block") {
                blocks = blocks ?? n
            } else if next.hasPrefix("result") || next.hasPrefix("log") {
                results = results ?? n
            } else if previous.contains(where: { limitWords.contains($0) }) {
                generic = generic ?? n
            }
        }
        return (blocks, results, generic)
    }

    /// `10000`, `10,000`, `2k`, `10K`, `1m` → value; nil otherwise.
    static func scaledNumber(_ word: String) -> UInt64? {
        var digits = word.replacing(",", with: "").replacing("_", with: "")
        var scale: UInt64 = 1
        if let last = digits.last, last == "k" || last == "m" {
            scale = last == "k" ? 1_000 : 1_000_000
            digits.removeLast()
        }
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), let v = UInt64(digits) else { return nil }
        return v.multipliedReportingOverflow(by: scale).overflow ? nil : v * scale
    }

    /// A `0x` hex or decimal number.
    static func number(_ text: String) -> UInt64? {
        if text.hasPrefix("0x") { return UInt64(text.dropFirst(2), radix: 16) }
        return UInt64(text)
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces.
    var trimmingCharacters: String {
        guard let s = firstIndex(where: { $0 != " " }), let e = lastIndex(where: { $0 != " " }) else { return "" }
        return String(self[s...e])
    }

    /// The text without one trailing `suffix`.
    func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : String(self)
    }
}
