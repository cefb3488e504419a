/// An HTTP request method (`GET`, `HEAD`, …); any token the client sent.
public struct HTTPMethod: Hashable, Sendable, CustomStringConvertible {
    /// The method as sent, for example `GET`.
    public let rawValue: String
    /// Wraps a method token.
    public init(_ rawValue: String) { self.rawValue = rawValue }

    public static let get = HTTPMethod("GET")
    public static let head = HTTPMethod("HEAD")
    public static let post = HTTPMethod("POST")
    public static let put = HTTPMethod("PUT")
    public static let delete = HTTPMethod("DELETE")
    public static let patch = HTTPMethod("PATCH")
    public static let options = HTTPMethod("OPTIONS")

    public var description: String { rawValue }
}

/// A value that can be parsed from a path or query parameter; conform chain types (`Address`, `UInt256`)
/// in the API layer so that `request.pathParameter("address", as: Address.self)` answers 400 on bad input.
public protocol HTTPParameterValue: Sendable {
    /// Parses `text` (already percent-decoded); nil if it is not a valid value.
    init?(httpParameter text: String)
    /// What a valid value looks like, for the 400 message (for example "a decimal integer").
    static var httpParameterExpectation: String { get }
}

extension String: HTTPParameterValue {
    public init?(httpParameter text: String) { self = text }
    public static var httpParameterExpectation: String { "a string" }
}

extension Bool: HTTPParameterValue {
    public init?(httpParameter text: String) {
        switch text {
        case "true", "1": self = true
        case "false", "0": self = false
        default: return nil
        }
    }
    public static var httpParameterExpectation: String { "true or false" }
}

extension HTTPParameterValue where Self: FixedWidthInteger {
    /// Parses a decimal integer (no `+`, no spaces) within the type's range.
    public init?(httpParameter text: String) {
        guard !text.hasPrefix("+"), let v = Self(text, radix: 10) else { return nil }
        self = v
    }
    public static var httpParameterExpectation: String { "a decimal integer from \(Self.min) to \(Self.max)" }
}

extension Int: HTTPParameterValue {}
extension Int64: HTTPParameterValue {}
extension UInt64: HTTPParameterValue {}
extension UInt32: HTTPParameterValue {}

/// One HTTP request as a handler sees it: method, decoded path, the matched route and its parameters,
/// query parameters, headers and (if the server accepts bodies) the body.
public struct Request: Sendable {
    /// The method as sent (`HEAD` requests reach `GET` handlers; the server drops the body).
    public let method: HTTPMethod
    /// The percent-decoded path, without the query string.
    public let path: String
    /// The matched route pattern, for example `/v1/markets/{id}`.
    public let route: String
    /// Path parameters by name, in pattern order.
    public let pathParameters: [(name: String, value: String)]
    /// Query parameters in request order (a key without `=` has a nil value; keys may repeat).
    public let queryParameters: [(name: String, value: String?)]
    /// Request headers in request order (names as sent; look up with `header(_:)`).
    public let headers: [(name: String, value: String)]
    /// The request body (empty unless `HTTPServerConfiguration.maxBodyBytes` > 0).
    public let body: [UInt8]

    /// Creates a request (the server does this; tests may too).
    public init(method: HTTPMethod, path: String, route: String, pathParameters: [(name: String, value: String)] = [],
                queryParameters: [(name: String, value: String?)] = [], headers: [(name: String, value: String)] = [],
                body: [UInt8] = []) {
        self.method = method
        self.path = path
        self.route = route
        self.pathParameters = pathParameters
        self.queryParameters = queryParameters
        self.headers = headers
        self.body = body
    }

    /// The first header with this name (case-insensitive).
    public func header(_ name: String) -> String? {
        headers.first { Self.asciiCaseInsensitiveEqual($0.name, name) }?.value
    }

    /// The raw text of path parameter `name`; 500 if the route has no such parameter (a programming error).
    public func pathParameter(_ name: String) throws(HTTPError) -> String {
        guard let value = pathParameters.first(where: { $0.name == name })?.value else {
            throw HTTPError(.internalError, "route \(route) has no path parameter `\(name)`; this is a server bug, please report it")
        }
        return value
    }

    /// Path parameter `name` parsed as `T`; 400 `invalid_parameter` if it does not parse.
    public func pathParameter<T: HTTPParameterValue>(_ name: String, as type: T.Type) throws(HTTPError) -> T {
        let text = try pathParameter(name)
        guard let value = T(httpParameter: text) else {
            throw HTTPError.invalidParameter(name, text, expected: T.httpParameterExpectation)
        }
        return value
    }

    /// The raw text of query parameter `name`: nil if absent, "" if given without a value;
    /// 400 if it is given more than once.
    public func queryParameter(_ name: String) throws(HTTPError) -> String? {
        var found: String?? = nil
        for p in queryParameters where p.name == name {
            if found != nil {
                throw HTTPError(.invalidParameter, "query parameter `\(name)` is given more than once; give it once")
            }
            found = .some(p.value)
        }
        guard let found else { return nil }
        return found ?? ""
    }

    /// Query parameter `name` parsed as `T`, nil if absent; 400 `invalid_parameter` if it does not parse.
    public func queryParameter<T: HTTPParameterValue>(_ name: String, as type: T.Type) throws(HTTPError) -> T? {
        guard let text = try queryParameter(name) else { return nil }
        guard let value = T(httpParameter: text) else {
            throw HTTPError.invalidParameter(name, text, expected: T.httpParameterExpectation)
        }
        return value
    }

    /// Query parameter `name` parsed as `T`, or `defaultValue` if absent.
    public func queryParameter<T: HTTPParameterValue>(_ name: String, as type: T.Type, default defaultValue: T) throws(HTTPError) -> T {
        try queryParameter(name, as: type) ?? defaultValue
    }

    /// 400 `unknown_parameter` if the request has a query parameter not in `allowed` (catches typos such as
    /// `?limt=10` that would otherwise be ignored silently).
    public func requireOnlyQueryParameters(_ allowed: Set<String>) throws(HTTPError) {
        for p in queryParameters where !allowed.contains(p.name) {
            let list = allowed.isEmpty ? "none" : allowed.sorted().joined(separator: ", ")
            throw HTTPError(.unknownParameter, "query parameter `\(p.name)` is not accepted by \(route); accepted: \(list)")
        }
    }

    static func asciiCaseInsensitiveEqual(_ a: String, _ b: String) -> Bool {
        var a = a.utf8.makeIterator()
        var b = b.utf8.makeIterator()
        while true {
            switch (a.next(), b.next()) {
            case (nil, nil): return true
            case let (x?, y?):
                if x == y { continue }
                let lx = (x >= 65 && x <= 90) ? x | 0x20 : x
                let ly = (y >= 65 && y <= 90) ? y | 0x20 : y
                if lx != ly { return false }
            default: return false
            }
        }
    }
}
