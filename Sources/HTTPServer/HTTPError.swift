/// An error answered to the client as a JSON body `{"status":…,"code":"…","message":"…"}`.
///
/// Handlers throw it for anything the client can fix (bad parameter, unknown id). The `message` says what is
/// wrong and what to do, for example "path parameter `address`: \"0x12\" is not an address; expected 0x and
/// 40 hex digits". Anything else a handler throws becomes a 500 `internal_error` whose details are logged,
/// never sent.
public struct HTTPError: Error, Sendable, CustomStringConvertible {
    /// The kind of error; fixes the HTTP status and the machine-readable `code` string.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: Hashable, Sendable {
            case badRequest, invalidParameter, unknownParameter, tooManyQueryParameters
            case notFound, methodNotAllowed, payloadTooLarge, uriTooLong, headersTooLarge
            case internalError, notReady, unavailable
        }
        private let kind: Kind
        private init(_ kind: Kind) { self.kind = kind }

        /// 400: the request is malformed in a way no more specific code describes.
        public static let badRequest = Code(.badRequest)
        /// 400: a path or query parameter does not parse or is out of range.
        public static let invalidParameter = Code(.invalidParameter)
        /// 400: a query parameter the route does not accept.
        public static let unknownParameter = Code(.unknownParameter)
        /// 400: more query parameters than `HTTPServerConfiguration.maxQueryParameters`.
        public static let tooManyQueryParameters = Code(.tooManyQueryParameters)
        /// 404: no route has this path, or the entity it names does not exist.
        public static let notFound = Code(.notFound)
        /// 405: the path exists but not for this method (the response carries `Allow`).
        public static let methodNotAllowed = Code(.methodNotAllowed)
        /// 413: the request has a body (the API takes none) or it exceeds `maxBodyBytes`.
        public static let payloadTooLarge = Code(.payloadTooLarge)
        /// 414: the request target exceeds `maxURLLength`.
        public static let uriTooLong = Code(.uriTooLong)
        /// 431: the request headers exceed `maxHeaderBytes`.
        public static let headersTooLarge = Code(.headersTooLarge)
        /// 500: an unexpected failure inside the server; details are in the server log.
        public static let internalError = Code(.internalError)
        /// 503: the service is not ready (for example still catching up with the chain head).
        public static let notReady = Code(.notReady)
        /// 503: a dependency (database) is unavailable right now; retry later.
        public static let unavailable = Code(.unavailable)

        /// The HTTP status code answered for this kind.
        public var status: Int {
            switch kind {
            case .badRequest, .invalidParameter, .unknownParameter, .tooManyQueryParameters: 400
            case .notFound: 404
            case .methodNotAllowed: 405
            case .payloadTooLarge: 413
            case .uriTooLong: 414
            case .headersTooLarge: 431
            case .internalError: 500
            case .notReady, .unavailable: 503
            }
        }

        /// The `code` string of the JSON body, for example `invalid_parameter`.
        public var description: String {
            switch kind {
            case .badRequest: "bad_request"
            case .invalidParameter: "invalid_parameter"
            case .unknownParameter: "unknown_parameter"
            case .tooManyQueryParameters: "too_many_query_parameters"
            case .notFound: "not_found"
            case .methodNotAllowed: "method_not_allowed"
            case .payloadTooLarge: "payload_too_large"
            case .uriTooLong: "uri_too_long"
            case .headersTooLarge: "headers_too_large"
            case .internalError: "internal_error"
            case .notReady: "not_ready"
            case .unavailable: "unavailable"
            }
        }

        /// Every code (for the OpenAPI `Error` schema's enum).
        public static let all: [Code] = [
            .badRequest, .invalidParameter, .unknownParameter, .tooManyQueryParameters, .notFound, .methodNotAllowed,
            .payloadTooLarge, .uriTooLong, .headersTooLarge, .internalError, .notReady, .unavailable,
        ]
    }

    /// What kind of error; fixes the status.
    public let code: Code
    /// What is wrong and what to do, for the client.
    public let message: String
    /// Extra response headers (for example `Allow` on a 405).
    public var headers: [(String, String)]

    /// Creates an error answered with `code.status`.
    public init(_ code: Code, _ message: String, headers: [(String, String)] = []) {
        self.code = code
        self.message = message
        self.headers = headers
    }

    /// The HTTP status code.
    public var status: Int { code.status }

    public var description: String { "HTTP \(status) \(code): \(message)" }

    /// 400 `invalid_parameter` for a path or query parameter.
    public static func invalidParameter(_ name: String, _ value: String, expected: String) -> HTTPError {
        HTTPError(.invalidParameter, "parameter `\(name)`: \(JSONWriter.quoted(String(value.prefix(80)))) is not valid; expected \(expected)")
    }

    /// 404 `not_found` for an entity that does not exist.
    public static func notFound(_ message: String) -> HTTPError { HTTPError(.notFound, message) }

    /// The JSON response for this error.
    public var response: Response {
        var w = JSONWriter(capacity: 64 + message.utf8.count)
        w.object { w in
            w.field("status", status)
            w.field("code", code.description)
            w.field("message", message)
        }
        var r = Response(status: status, json: w)
        r.headers.append(contentsOf: headers)
        return r
    }
}
