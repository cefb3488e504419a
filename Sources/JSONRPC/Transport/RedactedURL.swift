/// An RPC endpoint URL with its secrets masked for logs, errors and metrics.
///
/// Providers put API keys in the path (`/v3/<key>`, `/v2/<key>`, `/<token>/`), in query values (`?apikey=…`) or in
/// user info (`https://user:pass@host`). `description` masks all of them with `***`:
/// - user info: both user and password;
/// - every query value and every bare query item, and any fragment;
/// - a path segment that looks like a token: ≥ 16 characters of `[A-Za-z0-9_.~+=%-]` containing a digit,
///   or ≥ 32 such characters (so `/v3`, `/rpc`, `/arbitrum-sepolia` stay readable).
///
/// `scrub(_:)` removes the same secrets from any other text (for example a libcurl error message).
public struct RedactedURL: Sendable, Hashable, CustomStringConvertible {
    /// The real URL, for the transport only. Never log it or put it in an error.
    public let unredacted: String
    /// The masked form, safe to show.
    public let redacted: String
    /// `scheme://host[:port]`, a short secret-free label (for metrics).
    public let origin: String
    /// The secret substrings that `scrub` removes, longest first.
    let secrets: [String]

    /// The placeholder that replaces each secret.
    public static let mask = "***"

    /// Parses and masks `url`. Text that is not a URL is masked whole (nothing of it can be trusted to be safe).
    public init(_ url: String) {
        unredacted = url
        guard let schemeEnd = url.firstRange(of: "://") else {
            redacted = url.isEmpty ? "" : Self.mask
            origin = Self.mask
            secrets = url.isEmpty ? [] : [url]
            return
        }
        let scheme = String(url[..<schemeEnd.lowerBound])
        let rest = url[schemeEnd.upperBound...]
        let authorityEnd: String.Index = rest.firstIndex { (c: Character) -> Bool in c == "/" || c == "?" || c == "#" } ?? rest.endIndex
        var authority = String(rest[..<authorityEnd])
        var tail = String(rest[authorityEnd...])
        var found: [String] = []

        if let at = authority.lastIndex(of: "@") {
            let info = authority[..<at]
            let hostPart = authority[authority.index(after: at)...]
            let parts = info.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            found.append(contentsOf: parts.filter { !$0.isEmpty })
            if info.contains(":") { found.append(String(info)) }
            authority = parts.map { _ in Self.mask }.joined(separator: ":") + "@" + hostPart
        }
        let host = authority.split(separator: "@").last.map(String.init) ?? authority

        var fragment: String?
        if let hash = tail.firstIndex(of: "#") {
            let f = String(tail[tail.index(after: hash)...])
            if !f.isEmpty { found.append(f) }
            fragment = f
            tail = String(tail[..<hash])
        }
        var query: String?
        if let q = tail.firstIndex(of: "?") {
            query = String(tail[tail.index(after: q)...])
            tail = String(tail[..<q])
        }
        let path = tail.split(separator: "/", omittingEmptySubsequences: false).map { segment -> String in
            guard Self.looksSecret(segment) else { return String(segment) }
            found.append(String(segment))
            return Self.mask
        }.joined(separator: "/")
        var maskedQuery: String?
        if let query {
            maskedQuery = query.split(separator: "&", omittingEmptySubsequences: false).map { item -> String in
                guard !item.isEmpty else { return "" }
                guard let eq = item.firstIndex(of: "=") else {
                    found.append(String(item))
                    return Self.mask
                }
                let value = item[item.index(after: eq)...]
                if !value.isEmpty { found.append(String(value)) }
                return item[..<eq] + "=" + Self.mask
            }.joined(separator: "&")
        }
        var out = scheme + "://" + authority + path
        if let maskedQuery { out += "?" + maskedQuery }
        if fragment != nil { out += "#" + Self.mask }
        redacted = out
        origin = scheme + "://" + host
        secrets = Array(Set(found)).filter { $0.count >= 3 }.sorted { $0.count > $1.count }
    }

    public var description: String { redacted }

    /// `text` with every secret of this URL replaced by `***` (and the full URL by its masked form).
    public func scrub(_ text: String) -> String {
        guard !secrets.isEmpty else { return text }
        var out = text.replacing(unredacted, with: redacted)
        for s in secrets { out = out.replacing(s, with: Self.mask) }
        return out
    }

    /// Whether a path segment looks like an API key or token.
    static func looksSecret(_ segment: Substring) -> Bool {
        guard segment.count >= 16 else { return false }
        var digit = false
        for c in segment.utf8 {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = true
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"): break
            case UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"), UInt8(ascii: "+"), UInt8(ascii: "="),
                 UInt8(ascii: "%"), UInt8(ascii: "-"): break
            default: return false
            }
        }
        return digit || segment.count >= 32
    }
}
