/// A request handler: runs synchronously on one of the server's threads and returns the response.
///
/// Throw `HTTPError` for client errors (answered as JSON with its status); anything else thrown becomes a
/// 500 `internal_error` (logged with the route, never sent to the client) and the server keeps serving.
/// Handlers must not block for long: a thread serves many connections (see `HTTPServerConfiguration.threads`).
public typealias HTTPHandler = @Sendable (Request) throws -> Response

/// One registered route: method, pattern, OpenAPI description and handler.
public struct Route: Sendable {
    enum Segment: Sendable, Equatable {
        case literal([UInt8])
        case parameter(String)
    }

    /// The method (`GET` routes also answer `HEAD`).
    public let method: HTTPMethod
    /// The pattern, for example `/v1/markets/{id}/stats`.
    public let pattern: String
    /// What the route does, for `/openapi.json`.
    public let operation: OpenAPIOperation
    let handler: HTTPHandler
    let segments: [Segment]

    /// Names of the `{parameters}` in pattern order.
    public var parameterNames: [String] {
        segments.compactMap { if case .parameter(let n) = $0 { n } else { nil } }
    }

    /// `get_v1_markets_id_stats` for `GET /v1/markets/{id}/stats`.
    var defaultOperationId: String {
        var id = method.rawValue.lowercased()
        for s in segments {
            switch s {
            case .literal(let b): id += "_" + String(decoding: b, as: UTF8.self).map { $0.isLetter || $0.isNumber ? $0 : "_" }
            case .parameter(let n): id += "_" + n
            }
        }
        return id
    }

    /// Parses a pattern; nil with a reason if it is malformed.
    static func parse(_ pattern: String) -> Result<[Segment], PatternError> {
        guard pattern.hasPrefix("/") else { return .failure(PatternError("must start with /")) }
        if pattern == "/" { return .success([]) }
        var segments: [Segment] = []
        var names = Set<String>()
        for part in pattern.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            if part.isEmpty { return .failure(PatternError("has an empty segment")) }
            if part.hasPrefix("{") {
                guard part.hasSuffix("}"), part.count > 2 else { return .failure(PatternError("has an unclosed {parameter}")) }
                let name = String(part.dropFirst().dropLast())
                guard name.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 | 0x20 >= 97 && $0 | 0x20 <= 122) || $0 == 95 }),
                      let first = name.utf8.first, !(first >= 48 && first <= 57) else {
                    return .failure(PatternError("parameter {\(name)} is not an identifier"))
                }
                guard names.insert(name).inserted else { return .failure(PatternError("repeats parameter {\(name)}")) }
                segments.append(.parameter(name))
            } else {
                if part.contains("{") || part.contains("}") || part.contains("?") || part.contains("%") {
                    return .failure(PatternError("segment \(part) mixes literal text with {, }, ? or %"))
                }
                segments.append(.literal(Array(part.utf8)))
            }
        }
        return .success(segments)
    }

    struct PatternError: Error { let reason: String; init(_ r: String) { reason = r } }
}

/// The routes of a server, registered before it starts.
///
/// Registration mistakes (a malformed pattern, a route registered twice, a documented path parameter that is
/// not in the pattern) are programming errors and stop the process with a `precondition` message at startup.
public struct Router: Sendable {
    /// Every route in registration order.
    public private(set) var routes: [Route] = []

    public init() {}

    /// Registers a `GET` route (which also answers `HEAD`).
    public mutating func get(_ pattern: String, _ operation: OpenAPIOperation, _ handler: @escaping HTTPHandler) {
        add(.get, pattern, operation, handler)
    }

    /// Registers a route for `method`.
    public mutating func add(_ method: HTTPMethod, _ pattern: String, _ operation: OpenAPIOperation, _ handler: @escaping HTTPHandler) {
        let segments: [Route.Segment]
        switch Route.parse(pattern) {
        case .success(let s): segments = s
        case .failure(let e): preconditionFailure("route pattern \(pattern) \(e.reason)")
        }
        let shape = segments.map { s -> Route.Segment in if case .parameter = s { .parameter("") } else { s } }
        for r in routes where r.method == method {
            let other = r.segments.map { s -> Route.Segment in if case .parameter = s { .parameter("") } else { s } }
            precondition(other != shape, "route \(method) \(pattern) is already registered as \(r.pattern)")
        }
        let route = Route(method: method, pattern: pattern, operation: operation, handler: handler, segments: segments)
        for p in operation.parameters where p.location == .path {
            precondition(route.parameterNames.contains(p.name), "route \(pattern) documents path parameter `\(p.name)` that is not in the pattern")
        }
        routes.append(route)
    }
}

/// The compiled, immutable lookup structure the server matches requests against.
final class RouteTable: Sendable {
    enum Match {
        /// `routes[route]` answers; `entry` indexes `entries` (one per pattern).
        case found(route: Int, entry: Int, [(name: String, value: String)])
        case methodNotAllowed(entry: Int, allow: String)
        case notFound
    }

    struct Entry: Sendable {
        let pattern: String
        let segments: [Route.Segment]
        /// (method, index into `routes`)
        let methods: [(HTTPMethod, Int)]
        let allow: String
    }

    let routes: [Route]
    let entries: [Entry]

    init(_ routes: [Route]) {
        self.routes = routes
        var byPattern: [String: [(HTTPMethod, Int)]] = [:]
        var order: [String] = []
        for (i, r) in routes.enumerated() {
            if byPattern[r.pattern] == nil { order.append(r.pattern) }
            byPattern[r.pattern, default: []].append((r.method, i))
        }
        var entries: [Entry] = []
        for pattern in order {
            let methods = byPattern[pattern] ?? []
            guard let first = methods.first else { continue }
            entries.append(Entry(pattern: pattern, segments: routes[first.1].segments, methods: methods,
                                 allow: Self.allowHeader(methods.map(\.0))))
        }
        // Most specific first: at the first differing position a literal beats a parameter.
        self.entries = entries.enumerated().sorted { a, b in
            for (x, y) in zip(a.element.segments, b.element.segments) {
                switch (x, y) {
                case (.literal, .parameter): return true
                case (.parameter, .literal): return false
                default: continue
                }
            }
            return a.offset < b.offset
        }.map(\.element)
    }

    static func allowHeader(_ methods: [HTTPMethod]) -> String {
        var set = Set(methods)
        if set.contains(.get) { set.insert(.head) }
        let known: [HTTPMethod] = [.get, .head, .post, .put, .patch, .delete, .options]
        let ordered = known.filter(set.contains) + set.subtracting(known).sorted { $0.rawValue < $1.rawValue }
        return ordered.map(\.rawValue).joined(separator: ", ")
    }

    /// Finds the route for `method` and `path` (percent-decoded, without query).
    func match(method: HTTPMethod, path: UnsafeBufferPointer<UInt8>) -> Match {
        guard path.first == UInt8(ascii: "/") else { return .notFound }
        // Segment boundaries (start, end) of the path after the leading slash.
        var bounds: [(Int, Int)] = []
        bounds.reserveCapacity(8)
        if path.count > 1 {
            var start = 1
            for i in 1...path.count where i == path.count || path[i] == UInt8(ascii: "/") {
                bounds.append((start, i))
                start = i + 1
            }
        }
        var firstMismatch: Int?
        var allow: [HTTPMethod] = []
        for (index, entry) in entries.enumerated() where entry.segments.count == bounds.count {
            guard Self.matches(entry.segments, path, bounds) else { continue }
            let lookup = method == .head ? [HTTPMethod.head, .get] : [method]
            for m in lookup {
                if let hit = entry.methods.first(where: { $0.0 == m }) {
                    return .found(route: hit.1, entry: index, Self.parameters(entry.segments, path, bounds))
                }
            }
            if firstMismatch == nil { firstMismatch = index }
            allow += entry.methods.map(\.0)
        }
        if let firstMismatch {
            return .methodNotAllowed(entry: firstMismatch, allow: Self.allowHeader(allow))
        }
        return .notFound
    }

    private static func matches(_ segments: [Route.Segment], _ path: UnsafeBufferPointer<UInt8>, _ bounds: [(Int, Int)]) -> Bool {
        for (segment, (s, e)) in zip(segments, bounds) {
            switch segment {
            case .parameter:
                if s == e { return false }
            case .literal(let lit):
                if lit.count != e - s { return false }
                for (k, b) in lit.enumerated() where path[s + k] != b { return false }
            }
        }
        return true
    }

    private static func parameters(_ segments: [Route.Segment], _ path: UnsafeBufferPointer<UInt8>,
                                   _ bounds: [(Int, Int)]) -> [(name: String, value: String)] {
        var out: [(name: String, value: String)] = []
        for (segment, (s, e)) in zip(segments, bounds) {
            if case .parameter(let name) = segment {
                out.append((name, String(decoding: UnsafeBufferPointer(rebasing: path[s..<e]), as: UTF8.self)))
            }
        }
        return out
    }
}
