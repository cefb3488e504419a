/// An HTTP response: status, content type, extra headers and body bytes.
///
/// The server adds `Content-Length`, `Date`, `Cache-Control: no-store` (unless a `Cache-Control` header is given)
/// and `X-Content-Type-Options: nosniff`; for `HEAD` requests it sends the headers without the body.
public struct Response: Sendable {
    /// The HTTP status code.
    public var status: Int
    /// The `Content-Type` header.
    public var contentType: String
    /// Extra headers, in order.
    public var headers: [(String, String)]
    /// The body.
    public var body: [UInt8]

    /// The content type of JSON responses.
    public static let jsonContentType = "application/json"

    /// Creates a response.
    public init(status: Int = 200, contentType: String, body: [UInt8], headers: [(String, String)] = []) {
        self.status = status
        self.contentType = contentType
        self.body = body
        self.headers = headers
    }

    /// A JSON response with the bytes of `json`.
    public init(status: Int = 200, json: JSONWriter, headers: [(String, String)] = []) {
        self.init(status: status, contentType: Self.jsonContentType, body: json.bytes, headers: headers)
    }

    /// A JSON response whose document `build` writes.
    public static func json(status: Int = 200, capacity: Int = 512, _ build: (inout JSONWriter) throws -> Void) rethrows -> Response {
        var w = JSONWriter(capacity: capacity)
        try build(&w)
        return Response(status: status, json: w)
    }

    /// A JSON response whose top-level object's members `members` writes.
    public static func jsonObject(status: Int = 200, capacity: Int = 512, _ members: (inout JSONWriter) throws -> Void) rethrows -> Response {
        var w = JSONWriter(capacity: capacity)
        try w.object(members)
        return Response(status: status, json: w)
    }

    /// A plain-text response.
    public static func text(status: Int = 200, _ text: String, contentType: String = "text/plain; charset=utf-8") -> Response {
        Response(status: status, contentType: contentType, body: Array(text.utf8))
    }
}
